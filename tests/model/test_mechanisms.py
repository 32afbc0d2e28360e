"""Unit tests of the behavioural mechanisms in ``simulation/model/mechanisms``.

Every mechanism is exercised directly on tiny hand-built states (2-5 staff, 1-3
tools), called as the model calls it: on the grouped state (staff, services, tools).
Expected values are computed in the tests from the equation in each module's
docstring, never copied from a run. Stochastic transitions are driven by
uniforms chosen just below / above the transition probability, and checked once
over many draws against the probability.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from simulation.model import observation
from simulation.model.mechanisms import (
    adoption,
    dropout,
    efficiency,
    exposure,
    learning,
    peers,
    strain,
    training,
)
from simulation.model.stages import ADOPTED, REVERTED, TRYING, UNAWARE
from simulation.model.state import NOT_LIVE, Services, StaffState, Ties, Tools
from simulation.scenario.behaviour import Behaviour
from simulation.scenario.levers import Levers

# Statistical checks use this many binomial standard errors as tolerance: a correct
# implementation fails with probability below 1e-4 per check (normal approximation),
# and the seeds are fixed anyway, so the tests are deterministic.
N_SE = 4.0
N_DRAWS = 20_000


def binomial_tolerance(p: float, n: int) -> float:
    """N_SE standard errors of a proportion estimated from n Bernoulli(p) draws."""
    return N_SE * math.sqrt(p * (1.0 - p) / n)


# The hand-built cases are set around these thresholds; other coefficients are the
# defaults, and expected values are computed from the coefficients, not from numbers.
BEHAVIOUR = Behaviour(mastery_threshold=0.8, high_strain_threshold=1.0)
LEVERS = Levers(max_training_hours=2.0)


def staff(n: int, n_tools: int, *, live: bool = False, training_open: bool = False) -> StaffState:
    """Staff of an empty state (all in post), with every tool live or open if asked."""
    state = StaffState.empty(n, n_tools)
    state.live[:] = live
    state.training_open[:] = training_open
    return state


def other_value(value):
    """A valid value of a behavioural parameter that differs from ``value``."""
    return value + 1 if isinstance(value, int) else value * 0.75


@pytest.mark.parametrize(
    "coefficients",
    [learning.coefficients, adoption.coefficients, dropout.coefficients, observation.coefficients],
)
def test_coefficients_are_the_behavioural_parameters_of_the_same_name(coefficients):
    # Learning's training focus is a lever (tested below); the rest are behaviour's.
    fields = [f for f in coefficients(Behaviour())._fields if f != "focus_earliest"]
    changed = Behaviour(**{name: other_value(getattr(Behaviour(), name)) for name in fields})
    c = coefficients(changed)
    assert [getattr(c, name) for name in fields] == [getattr(changed, name) for name in fields]
    assert c != coefficients(Behaviour())


def services_with(backing=(0.0,), n_tools=1, **arrays) -> Services:
    """Services of the given backing (one per service), other arrays set by name."""
    backing = np.asarray(backing, dtype=np.float64)
    services = Services.start(backing, np.ones_like(backing), n_tools)
    for name, values in arrays.items():
        getattr(services, name)[...] = values
    return services


def tools_with(depth, info_load=None, saving=None) -> Tools:
    """Tools of the given SAMR depth (information load and saving zero unless given)."""
    depth = np.asarray(depth, dtype=np.float64)
    zeros = np.zeros_like(depth)
    return Tools(
        depth,
        zeros if saving is None else np.asarray(saving, dtype=np.float64),
        zeros if info_load is None else np.asarray(info_load, dtype=np.float64),
    )


# --------------------------------------------------------------------------- exposure


def test_expose_copies_service_plan_to_staff_and_overwrites():
    live_pairs = np.array([[True, False], [False, False]])
    open_pairs = np.array([[False, True], [True, False]])
    staff = StaffState.empty(4, 2)
    staff.service[:] = [0, 1, 1, 0]
    staff.live[:] = True  # stale content must be overwritten
    services = services_with([0.0, 0.0], n_tools=2)
    services.live[0, 0] = True  # live from an earlier week

    exposure.expose(staff, services, np.array([[False, False], [False, False]]), open_pairs)

    for i, s in enumerate(staff.service):
        assert staff.live[i].tolist() == live_pairs[s].tolist()
        # A live tool is always open to training.
        assert staff.training_open[i].tolist() == (open_pairs[s] | live_pairs[s]).tolist()
    assert staff.training_open[0].tolist() == [True, True]
    assert staff.training_open[1].tolist() == [True, False]


def test_expose_adds_go_lives_to_the_live_pairs():
    staff = StaffState.empty(2, 2)
    staff.service[:] = [0, 1]
    services = services_with([0.0, 0.0], n_tools=2)
    services.live[0, 0] = True
    new_live = np.array([[False, True], [False, False]])
    closed = np.zeros((2, 2), dtype=bool)
    exposure.expose(staff, services, new_live, closed)
    assert services.live.tolist() == [[True, True], [False, False]]
    assert staff.live.tolist() == [[True, True], [False, False]]


def test_record_change_fades_and_adds_go_lives_weighted_by_depth():
    services = services_with([0.0] * 3, n_tools=2, recent_change=[1.0, 0.0, 2.0])
    new_live = np.array([[True, False], [True, True], [False, False]])
    memory = 4.0

    exposure.record_change(services, tools_with([0.5, 1.5]), new_live, exposure.change_fade(memory))

    fade = math.exp(-1.0 / memory)
    np.testing.assert_allclose(
        services.recent_change, [1.0 * fade + 0.5, 0.0 + 0.5 + 1.5, 2.0 * fade]
    )


def test_record_change_without_go_lives_decays_exponentially():
    services = services_with([0.0], n_tools=2, recent_change=[3.0])
    none = np.zeros((1, 2), dtype=bool)
    for _ in range(5):
        exposure.record_change(services, tools_with([1.0, 1.0]), none, exposure.change_fade(2.0))
    np.testing.assert_allclose(services.recent_change, [3.0 * math.exp(-5 / 2.0)])


# --------------------------------------------------------------------------- training


def training_coefficients(
    supply=3.0, group_size=6.0, max_hours=2.0, e_hours=1.0, e_eff=0.5, value=1.0, team=1.0
):
    """Training coefficients; by default in-person hours are all followed and worth 1."""
    return training.TrainingCoefficients(
        supply=supply,
        training_group_size=group_size,
        max_training_hours=max_hours,
        e_learning_hours=e_hours,
        e_learning_effectiveness=e_eff,
        mastery_threshold=0.8,
        in_person_value=value,
        in_person_value_team=team,
        in_person_followed=1.0,
        contextual_followed=1.0,
    )


def allocate(n_learning, is_referent, completion, c):
    """Staff learning the given numbers of tools, after this week's allocation.

    Returns the effective hours, the hours followed and the trainer hours.
    """
    staff = StaffState.empty(len(n_learning), 1)
    staff.n_learning[:] = n_learning
    staff.is_referent[:] = is_referent
    staff.e_completion[:] = completion
    services = Services.start(np.zeros(1), np.ones(1), 1)  # one service, no priority
    training.allocate_training(staff, services, c)
    return staff.effective_hours, staff.training_hours, training.trainer_hours(staff, c)


def test_training_coefficients_from_scenario_levers():
    levers = Levers(training_capacity=7.0, training_group_size=4, max_training_hours=3.0)
    behaviour = Behaviour(e_learning_effectiveness=0.25)
    c = training.coefficients(levers, behaviour)
    assert c.supply == pytest.approx(7.0 * 4)
    assert c.training_group_size == 4.0
    assert c.max_training_hours == 3.0
    assert c.e_learning_hours == levers.e_learning_hours
    assert c.e_learning_effectiveness == 0.25
    assert c.mastery_threshold == behaviour.mastery_threshold


def test_tools_to_learn_counts_open_unmastered_tools_of_active_staff():
    staff = StaffState.empty(4, 3)
    staff.training_open[:] = [
        [True, True, False],
        [True, True, True],
        [True, False, False],
        [True, True, True],
    ]
    staff.proficiency[:] = [[0.1, 0.9, 0.0], [0.8, 0.79, 0.0], [0.5, 0.0, 0.0], [0.0, 0.0, 0.0]]
    staff.active[3] = False
    staff.n_learning[:] = 9  # stale counts must be overwritten
    training.tools_to_learn(staff, training_coefficients())
    # staff 0: tool 1 mastered, tool 2 closed; staff 1: 0.8 is mastered (>=);
    # staff 3 inactive.
    assert staff.n_learning.tolist() == [1, 2, 1, 0]


def test_training_supply_goes_to_referents_first_then_shared_equally():
    n_learning = np.array([1, 1, 1, 0, 2])
    is_referent = np.array([True, False, False, False, False])
    completion = np.array([0.9, 0.6, 0.3, 0.9, 0.6])
    c = training_coefficients(supply=3.0, group_size=6.0, max_hours=2.0, e_hours=1.0, e_eff=0.5)

    effective, followed, trainer_hours = allocate(n_learning, is_referent, completion, c)

    # Referent demand 2 h <= supply 3 h: served in full, 1 h left for the 3 other
    # learners (demand 6 h): each gets 2 * 1/6 = 1/3 h. Staff 3 learns nothing.
    in_person = np.array([2.0, 1 / 3, 1 / 3, 0.0, 1 / 3])
    offered = np.array([0.0, 1.0, 1.0, 0.0, 1.0])  # min(e_hours, max_hours - in_person)
    e_followed = offered * completion
    np.testing.assert_allclose(effective, in_person + 0.5 * e_followed)
    np.testing.assert_allclose(followed, in_person + e_followed)
    assert trainer_hours == pytest.approx(in_person.sum() / 6.0)
    assert in_person.sum() == pytest.approx(c.supply)  # the whole supply is used


def test_training_scarce_supply_is_shared_among_referents_only():
    n_learning = np.array([2, 1, 1, 3])
    is_referent = np.array([True, True, False, False])
    completion = np.zeros(4)
    c = training_coefficients(supply=1.0, max_hours=2.0, e_hours=0.0)
    effective, followed, trainer_hours = allocate(n_learning, is_referent, completion, c)
    # Referent demand 4 h > supply 1 h: each referent gets 2 * 1/4 = 0.5 h; nothing left.
    np.testing.assert_allclose(effective, [0.5, 0.5, 0.0, 0.0])
    np.testing.assert_allclose(followed, [0.5, 0.5, 0.0, 0.0])
    assert trainer_hours == pytest.approx(1.0 / c.training_group_size)


def test_training_abundant_supply_fills_the_cap_and_leaves_no_room_for_e_learning():
    n_learning = np.array([1, 1, 0])
    is_referent = np.array([False, True, False])
    completion = np.ones(3)
    c = training_coefficients(supply=100.0, max_hours=2.0, e_hours=1.0, e_eff=0.5)
    effective, followed, trainer_hours = allocate(n_learning, is_referent, completion, c)
    np.testing.assert_allclose(effective, [2.0, 2.0, 0.0])
    np.testing.assert_allclose(followed, [2.0, 2.0, 0.0])
    assert trainer_hours == pytest.approx(4.0 / c.training_group_size)


def test_e_learning_is_capped_by_remaining_weekly_hours_and_completion():
    # Supply 3 h for 2 learners (no referents): 1.5 h each in person, so only
    # 2 - 1.5 = 0.5 h of the 1 h of e-learning fits under the weekly cap.
    n_learning = np.array([1, 1])
    is_referent = np.zeros(2, dtype=bool)
    completion = np.array([1.0, 0.4])
    c = training_coefficients(supply=3.0, max_hours=2.0, e_hours=1.0, e_eff=0.5)
    effective, followed, _ = allocate(n_learning, is_referent, completion, c)
    e_followed = np.array([0.5 * 1.0, 0.5 * 0.4])
    np.testing.assert_allclose(followed, 1.5 + e_followed)
    np.testing.assert_allclose(effective, 1.5 + 0.5 * e_followed)
    assert np.all(followed <= c.max_training_hours + 1e-12)


def test_training_without_supply_is_e_learning_only():
    n_learning = np.array([1, 0, 2])
    is_referent = np.array([True, False, False])
    completion = np.array([0.9, 0.9, 0.3])
    c = training_coefficients(supply=0.0, max_hours=2.0, e_hours=1.5, e_eff=0.5)
    effective, followed, trainer_hours = allocate(n_learning, is_referent, completion, c)
    np.testing.assert_allclose(followed, [1.5 * 0.9, 0.0, 1.5 * 0.3])
    np.testing.assert_allclose(effective, 0.5 * np.array([1.5 * 0.9, 0.0, 1.5 * 0.3]))
    assert trainer_hours == 0.0


# --------------------------------------------------------------------------- learning

LEARNING = learning.coefficients(BEHAVIOUR)


def learning_state(n: int, n_tools: int) -> StaffState:
    """A state with every tool live, open and nothing else going on."""
    return staff(n, n_tools, live=True, training_open=True)


def run_learn(state, effective_hours, n_learning, support, depth, c=LEARNING):
    """One week of learning with this week's training and referent support; the mean help."""
    state.effective_hours[:] = effective_hours
    state.n_learning[:] = n_learning
    support = np.asarray(support, dtype=np.float64)
    services = services_with(np.zeros(support.shape[0]), support.shape[1], support=support)
    learning.learn(state, services, tools_with(depth), c)
    return state.mean_help


def learning_step(m, ability, gain, depth):
    """The docstring's equation for one week."""
    return m + (1 - m) * min(1.0, ability * gain / depth)


def test_learning_one_step_of_practice():
    state = learning_state(1, 1)
    state.proficiency[0, 0] = 0.2
    state.stage[0, 0] = TRYING
    state.learning_ability[0] = 1.3
    mean_help = run_learn(state, [0.0], [1], np.zeros((1, 1)), [0.5])
    expected = learning_step(0.2, 1.3, LEARNING.practice_rate, 0.5)
    assert state.proficiency[0, 0] == pytest.approx(expected, rel=1e-12)
    assert mean_help[0] == 0.0  # nobody helps


def test_learning_one_step_with_all_three_channels():
    # Staff 0 learns 2 tools, both live and used, with peer help and referent support.
    state = learning_state(2, 2)
    state.service[:] = [0, 1]
    state.proficiency[0] = [0.2, 0.5]
    state.stage[0] = [TRYING, ADOPTED]
    state.learning_ability[0] = 0.7
    state.degree[0] = 4.0
    state.nb_help[0] = [2.5, 0.0]
    support = np.array([[0.1, 0.2], [0.0, 0.0]])
    depth = np.array([1.0, 0.5])
    hours = [1.5, 0.0]
    mean_help = run_learn(state, hours, [2, 0], support, depth)

    train = LEARNING.training_rate * 1.5 / 2  # hours split evenly over 2 tools
    help0 = 2.5 / 4 + 0.1
    help1 = 0.0 / 4 + 0.2
    gain0 = LEARNING.practice_rate + train + LEARNING.peer_help_rate * help0
    gain1 = LEARNING.practice_rate + train + LEARNING.peer_help_rate * help1
    assert state.proficiency[0, 0] == pytest.approx(learning_step(0.2, 0.7, gain0, 1.0))
    assert state.proficiency[0, 1] == pytest.approx(learning_step(0.5, 0.7, gain1, 0.5))
    assert mean_help[0] == pytest.approx((help0 + help1) / 2)


def test_learning_help_is_capped_at_one_and_zero_degree_means_no_peers():
    state = learning_state(2, 1)
    state.proficiency[:] = 0.3
    state.degree[:] = [2.0, 0.0]
    state.nb_help[:] = [[3.0], [5.0]]  # staff 1 has no active neighbour: counts ignored
    support = np.array([[0.4]])
    mean_help = run_learn(state, [0.0, 0.0], [1, 1], support, [1.0])
    help_capped = 1.0  # min(1, 3/2 + 0.4)
    help_support_only = 0.4
    np.testing.assert_allclose(mean_help, [help_capped, help_support_only])
    np.testing.assert_allclose(
        state.proficiency[:, 0],
        [
            learning_step(0.3, 1.0, LEARNING.peer_help_rate * help_capped, 1.0),
            learning_step(0.3, 1.0, LEARNING.peer_help_rate * help_support_only, 1.0),
        ],
    )


def test_learning_mastered_tool_gets_no_training_but_still_practice():
    state = learning_state(1, 2)
    state.proficiency[0] = [0.8, 0.1]  # tool 0 mastered: exactly at the threshold
    state.stage[0] = [ADOPTED, UNAWARE]
    mean_help = run_learn(state, [2.0], [1], np.zeros((1, 2)), [1.0, 1.0])
    train = LEARNING.training_rate * 2.0 / 1
    assert state.proficiency[0, 0] == pytest.approx(
        learning_step(0.8, 1.0, LEARNING.practice_rate, 1.0)
    )
    # Tool 1 is not used (unaware): training only.
    assert state.proficiency[0, 1] == pytest.approx(learning_step(0.1, 1.0, train, 1.0))
    assert mean_help[0] == 0.0


def test_learning_open_but_not_live_tool_gets_training_only():
    state = learning_state(1, 2)
    state.live[0] = [False, True]
    state.stage[0] = [TRYING, TRYING]  # a stale stage must not count as practice
    state.degree[0] = 1.0
    state.nb_help[0] = [1.0, 0.5]
    state.proficiency[0] = [0.0, 0.0]
    support = np.zeros((1, 2))
    mean_help = run_learn(state, [1.0], [2], support, [1.0, 1.0])
    train = LEARNING.training_rate * 1.0 / 2
    assert state.proficiency[0, 0] == pytest.approx(learning_step(0.0, 1.0, train, 1.0))
    gain1 = train + LEARNING.practice_rate + LEARNING.peer_help_rate * 0.5
    assert state.proficiency[0, 1] == pytest.approx(learning_step(0.0, 1.0, gain1, 1.0))
    assert mean_help[0] == pytest.approx(0.5)  # mean over live tools only


def test_training_focus_gives_all_the_time_to_the_tool_that_went_live_first():
    # Three tools open, unmastered, no practice and no help: training only. Tool 2 went
    # live in week 3, tool 0 in week 7, tool 1 is open but not live yet.
    focused = learning.coefficients(BEHAVIOUR, Levers(training_focus="earliest"))
    assert focused.focus_earliest and not LEARNING.focus_earliest
    for c, expected_gains in (
        (LEARNING, [1 / 3, 1 / 3, 1 / 3]),  # even: a third of the hours each
        (focused, [0.0, 0.0, 1.0]),  # earliest: all of them to tool 2
    ):
        state = learning_state(1, 3)
        state.live[0] = [True, False, True]
        state.stage[0] = 0  # not using: no practice
        services = services_with([0.0], 3)
        services.go_live_week[0] = [7, NOT_LIVE, 3]
        state.effective_hours[:] = 1.5
        state.n_learning[:] = 3
        learning.learn(state, services, tools_with([1.0, 1.0, 1.0]), c)
        gains = [learning_step(0.0, 1.0, c.training_rate * 1.5 * g, 1.0) for g in expected_gains]
        np.testing.assert_allclose(state.proficiency[0], gains, rtol=1e-12)


def test_training_focus_before_any_go_live_takes_the_first_open_tool():
    focused = learning.coefficients(BEHAVIOUR, Levers(training_focus="earliest"))
    state = learning_state(1, 3)
    state.live[0] = False
    state.training_open[0] = [False, True, True]
    state.proficiency[0] = [0.0, 0.9, 0.0]  # tool 1 is mastered (threshold 0.8)
    state.effective_hours[:] = 1.0
    state.n_learning[:] = 1
    learning.learn(state, services_with([0.0], 3), tools_with([1.0, 1.0, 1.0]), focused)
    assert state.proficiency[0, 0] == 0.0  # closed
    assert state.proficiency[0, 1] == 0.9  # mastered: no training
    assert state.proficiency[0, 2] == pytest.approx(
        learning_step(0.0, 1.0, focused.training_rate, 1.0)
    )


def test_learning_leaves_closed_tools_and_inactive_staff_untouched():
    state = learning_state(2, 2)
    state.training_open[0] = [False, True]
    state.live[0] = [False, True]
    state.active[1] = False
    state.proficiency[:] = 0.4
    state.stage[:] = TRYING
    state.degree[:] = 1.0
    state.nb_help[:] = 1.0
    mean_help = run_learn(state, [1.0, 1.0], [1, 2], np.zeros((1, 2)), [1.0, 1.0])
    assert state.proficiency[0, 0] == 0.4
    assert state.proficiency[0, 1] > 0.4
    assert state.proficiency[1].tolist() == [0.4, 0.4]
    assert mean_help[1] == 0.0


def test_learning_is_slower_for_deeper_tools():
    state = learning_state(1, 3)
    state.stage[0] = TRYING
    run_learn(state, [0.0], [3], np.zeros((1, 3)), [0.25, 1.0, 1.5])
    gain = LEARNING.practice_rate
    np.testing.assert_allclose(state.proficiency[0], [gain / d for d in (0.25, 1.0, 1.5)])
    assert state.proficiency[0, 0] > state.proficiency[0, 1] > state.proficiency[0, 2]


def test_learning_closes_the_whole_gap_at_most():
    state = learning_state(1, 1)
    state.proficiency[0, 0] = 0.3
    state.stage[0, 0] = ADOPTED
    state.learning_ability[0] = 50.0  # ability * gain / depth > 1
    run_learn(state, [0.0], [1], np.zeros((1, 1)), [0.25])
    assert state.proficiency[0, 0] == 1.0
    run_learn(state, [0.0], [0], np.zeros((1, 1)), [0.25])
    assert state.proficiency[0, 0] == 1.0


def test_referent_support_counts_active_referents_mastering_each_tool():
    staff = StaffState.empty(5, 2)
    staff.proficiency[:] = [
        [0.9, 0.1],  # referent, service 0, masters tool 0
        [0.9, 0.9],  # not a referent
        [0.5, 0.5],  # referent, service 0, masters nothing
        [0.8, 0.95],  # referent, service 1, masters both (0.8 counts)
        [0.9, 0.9],  # referent, service 1, inactive
    ]
    staff.active[4] = False
    staff.is_referent[:] = [True, False, True, True, True]
    staff.service[:] = [0, 0, 0, 1, 1]
    services = services_with([0.0, 0.0], n_tools=2, active_staff=[3.0, 1.0], support=7.0)
    learning.referent_support(staff, services, LEARNING._replace(referent_reach=1.5))
    # min(1, reach * masters / active staff); stale support is overwritten.
    np.testing.assert_allclose(services.support, [[1.5 * 1 / 3, 0.0], [1.0, 1.0]])


def test_referent_support_without_referents_or_staff():
    staff = StaffState.empty(2, 2)
    staff.proficiency[:] = 1.0
    services = services_with([0.0, 0.0], n_tools=2, active_staff=[2.0, 0.0])
    learning.referent_support(staff, services, LEARNING)
    assert np.all(services.support == 0.0)


# --------------------------------------------------------------------------- adoption

# Trying that ignores acculturation (its weight is tested in tests/model/test_fidelity.py).
ADOPTION = adoption.coefficients(BEHAVIOUR)._replace(acculturation_trying=0.0)


def adoption_state(n: int, n_tools: int) -> StaffState:
    return staff(n, n_tools, live=True)


def run_adopt(state, backing, uniforms, c=ADOPTION):
    """One week of adoption with the given services' backing and uniform draws."""
    state.pair_draw[:] = uniforms
    adoption.adopt(state, services_with(backing), c)


def p_try(external, share, fear, m, c=ADOPTION):
    return (external + c.peer_influence * share) * (1 - fear * (1 - m))


def would_try(n, proficiency, external, fear, degree, adopted):
    """Staff not using their one live tool, and their probability of trying it this week."""
    state = adoption_state(n, 1)
    state.proficiency[:] = proficiency
    state.external[:] = external
    state.fear[:] = fear
    state.degree[:] = degree
    state.nb_adopted[:] = adopted
    return state, p_try(external, adopted / degree, fear, proficiency)


def p_revert(backing, strain_, m, c=ADOPTION):
    pressure = min(c.revert_pressure_cap, strain_ / c.high_strain_threshold)
    return c.revert_rate * (1 - backing) * pressure * (1 - m)


@pytest.mark.parametrize("start", [UNAWARE, REVERTED])
def test_trying_happens_just_below_the_bass_probability(start):
    state, p = would_try(2, proficiency=0.2, external=0.06, fear=0.7, degree=4.0, adopted=3.0)
    state.stage[:] = start
    run_adopt(state, [0.5], [[p * (1 - 1e-9)], [p * (1 + 1e-9)]])
    assert state.stage[0, 0] == TRYING  # 0.2 < threshold: trying, not adopted
    assert state.stage[1, 0] == start
    # Staff 1 did not use their only live tool: one more week of refusal.
    assert state.refusal_weeks.tolist() == [0, 1]


def test_trying_when_already_proficient_adopts_at_once():
    state = adoption_state(1, 1)
    state.proficiency[0, 0] = 0.5  # == threshold
    state.external[0] = 0.1
    state.fear[0] = 0.7
    p = p_try(0.1, 0.0, 0.7, 0.5)
    run_adopt(state, [0.0], [[p / 2]])
    assert state.stage[0, 0] == ADOPTED


def test_zero_degree_leaves_only_external_influence():
    state = adoption_state(2, 1)
    state.external[:] = 0.05
    state.degree[:] = 0.0
    state.nb_adopted[:] = 7.0  # stale count, must be ignored without neighbours
    p = p_try(0.05, 0.0, 0.0, 0.0)
    run_adopt(state, [0.0], [[p * 0.999], [p * 1.001]])
    assert state.stage[:, 0].tolist() == [TRYING, UNAWARE]


@pytest.mark.parametrize("start", [TRYING, ADOPTED])
def test_reverting_just_below_its_probability(start):
    state = adoption_state(2, 1)
    state.service[:] = [0, 1]
    state.stage[:] = start
    state.proficiency[:] = 0.3
    state.strain[:] = [1.4, 1.4]
    backing = np.array([0.2, 0.2])
    p = p_revert(0.2, 1.4, 0.3)
    run_adopt(state, backing, [[p * (1 - 1e-9)], [p * (1 + 1e-9)]])
    assert state.stage[0, 0] == REVERTED
    assert state.stage[1, 0] == start  # 0.3 < threshold: a trier stays trying
    assert state.refusal_weeks.tolist() == [1, 0]


@pytest.mark.parametrize("cap", [2.0, 5.0])
def test_reverting_pressure_is_capped(cap):
    c = ADOPTION._replace(revert_pressure_cap=cap)
    state = adoption_state(2, 1)
    state.stage[:] = ADOPTED
    state.proficiency[:] = 0.6
    state.strain[:] = 10.0  # strain / high = 10, capped
    p = p_revert(0.0, 10.0, 0.6, c)
    assert p == pytest.approx(c.revert_rate * cap * 0.4)
    run_adopt(state, [0.0], [[p * 0.999], [p * 1.001]], c)
    assert state.stage[:, 0].tolist() == [REVERTED, ADOPTED]


def test_full_backing_or_mastery_prevents_reverting():
    state = adoption_state(2, 1)
    state.service[:] = [0, 1]
    state.stage[:] = ADOPTED
    state.proficiency[:] = [[0.4], [1.0]]
    state.strain[:] = 5.0
    run_adopt(state, [1.0, 0.0], [[0.0], [0.0]])  # the smallest uniform
    assert state.stage[:, 0].tolist() == [ADOPTED, ADOPTED]


def test_trier_reaching_the_threshold_adopts_unless_reverting():
    state = adoption_state(2, 1)
    state.stage[:] = TRYING
    state.proficiency[:] = 0.55
    state.strain[:] = 1.0
    p = p_revert(0.5, 1.0, 0.55)
    run_adopt(state, [0.5], [[p * 0.999], [p * 1.001]])
    assert state.stage[:, 0].tolist() == [REVERTED, ADOPTED]


def test_adoption_skips_tools_not_live_and_inactive_staff():
    state = adoption_state(2, 2)
    state.live[0] = [False, True]
    state.active[1] = False
    state.stage[0] = [UNAWARE, ADOPTED]
    state.stage[1] = [UNAWARE, TRYING]
    state.proficiency[0] = [0.0, 1.0]  # mastered: cannot revert
    state.proficiency[1] = [0.9, 0.9]
    state.external[:] = 1.0
    state.strain[:] = 5.0
    state.refusal_weeks[:] = [0, 7]
    run_adopt(state, [0.0], np.zeros((2, 2)))
    assert state.stage[0, 0] == UNAWARE  # not live: cannot try even with p = 1
    assert state.stage[1].tolist() == [UNAWARE, TRYING]  # inactive: untouched
    assert state.refusal_weeks[1] == 7


def test_refusal_counts_weeks_with_most_live_tools_unused():
    state = adoption_state(4, 3)
    u = np.full((4, 3), 0.999)  # nobody tries, nobody reverts
    state.stage[0] = [UNAWARE, REVERTED, ADOPTED]  # 2 of 3 unused: refusing
    state.stage[1] = [UNAWARE, ADOPTED, TRYING]  # 1 of 3 unused: not refusing
    state.stage[2] = [UNAWARE, ADOPTED, UNAWARE]
    state.live[2] = [True, True, False]  # 1 of 2 unused: not most
    state.live[3] = False  # no live tool: count reset
    state.refusal_weeks[:] = [3, 3, 3, 3]
    run_adopt(state, [0.0], u)
    assert state.refusal_weeks.tolist() == [4, 0, 0, 0]
    run_adopt(state, [0.0], u)
    assert state.refusal_weeks.tolist() == [5, 0, 0, 0]


def test_refusal_share_sets_how_many_unused_tools_make_a_week_of_refusal():
    state = adoption_state(2, 3)
    u = np.full((2, 3), 0.999)  # nobody tries, nobody reverts
    state.stage[0] = [UNAWARE, ADOPTED, ADOPTED]  # 1 of 3 unused
    state.stage[1] = [UNAWARE, UNAWARE, ADOPTED]  # 2 of 3 unused
    run_adopt(state, [0.0], u, ADOPTION._replace(refusal_unused_share=0.25))
    assert state.refusal_weeks.tolist() == [1, 1]
    run_adopt(state, [0.0], u, ADOPTION._replace(refusal_unused_share=0.7))
    assert state.refusal_weeks.tolist() == [0, 0]


def test_starting_to_try_counts_as_use_for_refusal():
    state = adoption_state(1, 1)
    state.external[0] = 0.5
    state.refusal_weeks[0] = 2
    run_adopt(state, [0.0], [[0.1]])
    assert state.stage[0, 0] == TRYING
    assert state.refusal_weeks[0] == 0


def test_trying_frequency_matches_probability_over_many_draws():
    n = N_DRAWS
    state, p = would_try(n, proficiency=0.3, external=0.08, fear=0.35, degree=5.0, adopted=2.0)
    uniforms = np.random.default_rng(11).random((n, 1))
    run_adopt(state, [0.5], uniforms)
    share = np.count_nonzero(state.stage[:, 0] == TRYING) / n
    assert abs(share - p) < binomial_tolerance(p, n)


def test_reverting_frequency_matches_probability_over_many_draws():
    n = N_DRAWS
    state = adoption_state(n, 1)
    state.stage[:] = ADOPTED
    state.proficiency[:] = 0.6
    state.strain[:] = 1.5
    p = p_revert(0.0, 1.5, 0.6)
    uniforms = np.random.default_rng(12).random((n, 1))
    run_adopt(state, [0.0], uniforms)
    share = np.count_nonzero(state.stage[:, 0] == REVERTED) / n
    assert abs(share - p) < binomial_tolerance(p, n)


# --------------------------------------------------------------------------- strain

# Without involvement's buffer, the same for everybody (tests/model/test_fidelity.py
# checks it): these tests follow the per-staff resources.
STRAIN = strain.coefficients(BEHAVIOUR, LEVERS)._replace(involvement_buffer=0.0)


def test_strain_coefficients_apply_disconnect_relief_only_under_the_policy():
    b = Behaviour(tool_load_weight=0.01, disconnect_relief=0.4)
    without = strain.coefficients(b, Levers(right_to_disconnect=False))
    with_policy = strain.coefficients(b, Levers(right_to_disconnect=True))
    assert without.tool_load == pytest.approx(0.01)
    assert with_policy.tool_load == pytest.approx(0.01 * (1 - 0.4))
    assert with_policy.max_training_hours == Levers().max_training_hours


def test_resources_sum_of_buffers():
    c = STRAIN
    r = strain.resources(1.0, 0.4, 0.5, 0.5, c)
    share_of_cap = 1.0 / c.max_training_hours
    expected = (
        c.resource_training * share_of_cap
        + c.resource_support * 0.4
        + c.resource_backing * 0.5
        + c.resource_meaning * 0.5
    )
    assert r == pytest.approx(expected)
    # Training counts up to the weekly cap only.
    assert strain.resources(6.0, 0.0, 0.0, 0.0, c) == pytest.approx(c.resource_training)


@pytest.mark.parametrize("cap", [0.95, 0.6])
def test_resources_are_capped(cap):
    c = STRAIN._replace(
        resource_training=1.0,
        resource_support=1.0,
        resource_backing=1.0,
        resource_meaning=1.0,
        resources_cap=cap,
    )
    assert strain.resources(2.0, 1.0, 1.0, 1.0, c) == pytest.approx(cap)
    assert strain.resources(0.0, 0.0, 0.5, 0.0, c) == pytest.approx(0.5)


def test_resources_without_training_cap_ignore_training():
    c = STRAIN._replace(max_training_hours=0.0)
    assert strain.resources(3.0, 0.0, 0.0, 0.0, c) == 0.0


def run_strain(state, team, depth, info_load, recent_change, workload, backing, c=STRAIN):
    """One week of strain for staff in the given teams, tools and services."""
    state.team[:] = team
    services = services_with(backing, recent_change=recent_change, workload=workload)
    strain.update(state, services, tools_with(depth, info_load), c)


def test_strain_one_step_matches_the_demands_resources_equation():
    # One staff member alone in their team (no contagion), two live tools.
    state = staff(1, 3)
    state.strain[0] = 0.4
    state.vulnerability[0] = 1.5
    state.live[0] = [True, True, False]
    state.proficiency[0] = [0.2, 0.9, 0.0]  # tool 1 above mastery: no change load
    state.mean_help[0] = 0.3
    state.training_hours[0] = 1.0
    state.meaning[0] = 0.6
    depth = [1.0, 0.5, 1.5]
    info_load = [1.0, 3.0, 2.0]
    run_strain(state, [0], depth, info_load, [0.7], [1.25], [0.4])

    c = STRAIN
    demand = (
        c.baseline_demand
        + c.change_load_weight * (1.0 * (1 - 0.2 / 0.8))
        + c.tool_load * (1.0 + 3.0)
        + c.change_frequency_weight * 0.7
        + c.workload_weight * (1.25 - 1)
    )
    r = (
        c.resource_training * (1.0 / 2.0)
        + c.resource_support * 0.3
        + c.resource_backing * 0.4
        + c.resource_meaning * 0.6
    )
    expected = 0.4 + 1.5 * demand * (1 - r) - c.strain_recovery * 0.4
    assert state.strain[0] == pytest.approx(expected, rel=1e-12)
    assert state.strain_parts[0].sum() == pytest.approx(state.strain[0], rel=1e-12)


def test_strain_contagion_reads_previous_week_of_active_team_mates():
    # Team 0: staff 0, 1, 2 (2 inactive); team 1: staff 3 alone. No demands.
    c = STRAIN._replace(baseline_demand=0.0, strain_recovery=0.1, strain_contagion=0.2)
    state = staff(4, 1)
    state.service[:] = 0
    state.strain[:] = [0.2, 1.0, 5.0, 3.0]
    state.active[2] = False
    run_strain(state, [0, 0, 0, 1], [1.0], [0.0], [0.0], [1.0], [0.0], c)
    # Synchronous: each reads the other's strain from before the update.
    s0 = 0.2 - 0.1 * 0.2 + 0.2 * (1.0 - 0.2)
    s1 = 1.0 - 0.1 * 1.0 + 0.2 * (0.2 - 1.0)
    s3 = 3.0 - 0.1 * 3.0  # alone in the team: no contagion
    np.testing.assert_allclose(state.strain, [s0, s1, 5.0, s3])


def test_strain_is_floored_at_zero():
    c = STRAIN._replace(baseline_demand=0.0, strain_recovery=1.0, strain_contagion=1.0)
    state = staff(2, 1)
    state.strain[:] = [2.0, 0.0]
    run_strain(state, [0, 0], [1.0], [0.0], [0.0], [1.0], [0.0], c)
    # Staff 0: 2 - 2 + (0 - 2) < 0 -> 0; staff 1: 0 - 0 + (2 - 0) = 2.
    np.testing.assert_allclose(state.strain, [0.0, 2.0])


def test_high_strain_weeks_count_consecutive_weeks_and_reset():
    c = STRAIN._replace(strain_recovery=0.0, strain_contagion=0.0, high_strain_threshold=1.0)
    state = staff(3, 1)
    state.service[:] = [0, 1, 1]
    state.strain[:] = [1.5, 0.5, 1.5]
    state.active[2] = False
    state.high_weeks[:] = [2, 4, 6]
    run_strain(state, [0, 1, 2], [1.0], [0.0], [0.0, 0.0], [1.0, 1.0], [0.0, 0.0], c)
    # Strain only grows here (no recovery): staff 0 stays above, staff 1 below;
    # an inactive staff member's count is reset and their strain frozen.
    assert state.high_weeks.tolist() == [3, 0, 0]
    assert state.strain[2] == 1.5
    state.strain[0] = 0.1
    run_strain(state, [0, 1, 2], [1.0], [0.0], [0.0, 0.0], [1.0, 1.0], [0.0, 0.0], c)
    assert state.high_weeks[0] == 0


def steady_state(vulnerability, meaning, team, service=None) -> StaffState:
    """Staff of the given traits and teams (each in their own service unless given)."""
    n = len(vulnerability)
    state = staff(n, 1)
    state.vulnerability[:] = vulnerability
    state.meaning[:] = meaning
    state.team[:] = team
    state.service[:] = np.arange(n) if service is None else service
    return state


def test_steady_strain_formula_and_fixed_point_without_rollout():
    c = STRAIN._replace(strain_contagion=0.0)
    vulnerability = np.array([0.6, 1.0, 1.5])
    backing = np.array([0.5, 0.2, 0.9])
    meaning = np.array([0.5, 0.5, 0.75])
    state = steady_state(vulnerability, meaning, [0, 1, 2])
    steady = strain.steady_strain(state, services_with(backing), c)
    buffer = np.minimum(
        c.resources_cap, c.resource_backing * backing + c.resource_meaning * meaning
    )
    np.testing.assert_allclose(
        steady, vulnerability * c.baseline_demand * (1 - buffer) / c.strain_recovery
    )

    # It is a fixed point of the weekly update under baseline demand only.
    state.strain[:] = steady
    run_strain(state, [0, 1, 2], [1.0], [1.0], np.zeros(3), np.ones(3), backing, c)
    np.testing.assert_allclose(state.strain, steady, rtol=1e-12)


def test_steady_strain_with_contagion_is_a_fixed_point_of_the_update():
    """With team contagion the initial strain must not drift before the rollout."""
    c = STRAIN
    team = np.array([0, 0, 0, 1, 1, 2], dtype=np.int32)  # a team of 3, one of 2, one alone
    vulnerability = np.array([0.6, 1.0, 2.5, 1.5, 0.4, 1.2])
    state = steady_state(vulnerability, np.full(6, 0.5), team, service=np.zeros(6))
    services = services_with([0.5])
    steady = strain.steady_strain(state, services, c)
    state.strain[:] = steady
    run_strain(state, team, [1.0], [1.0], np.zeros(1), np.ones(1), np.full(1, 0.5), c)
    np.testing.assert_allclose(state.strain, steady, rtol=1e-10)
    # Contagion pulls team-mates together, relative to their own equilibria.
    alone = strain.steady_strain(state, services, c._replace(strain_contagion=0.0))
    assert steady[2] < alone[2] and steady[0] > alone[0]
    assert steady[5] == pytest.approx(alone[5])  # nobody to catch it from


def test_steady_strain_is_zero_without_recovery():
    c = STRAIN._replace(strain_recovery=0.0)
    state = steady_state(np.ones(2), np.zeros(2), [0, 0], service=[0, 0])
    steady = strain.steady_strain(state, services_with([0.0]), c)
    assert steady.tolist() == [0.0, 0.0]


# --------------------------------------------------------------------------- dropout

DROPOUT = dropout.coefficients(BEHAVIOUR)


def run_drop_out(active, high_weeks, refusal_weeks, service, backing, uniforms, week=9):
    """One week of departures; the number who left and everyone's week of departure.

    ``active`` is updated in place.
    """
    state = StaffState.empty(active.size, 1)
    state.active[:] = active
    state.high_weeks[:] = high_weeks
    state.refusal_weeks[:] = refusal_weeks
    state.service[:] = service
    state.draw[:] = uniforms
    left = dropout.drop_out(state, services_with(backing), week, DROPOUT)
    active[:] = state.active
    return left, state.departed_week


def test_dropout_hazard_just_below_and_above():
    # Staff pairs: strain only, refusal only, both; backing 0.6 in service 1.
    c = DROPOUT
    sustained, refusing = c.sustained_strain_weeks, c.refusal_weeks
    high_weeks = [sustained, sustained, 0, 0, sustained + 20, sustained + 20]
    refusal_weeks = [0, 0, refusing, refusing, refusing + 10, refusing + 10]
    service = [0, 0, 1, 1, 1, 1]
    backing = [0.0, 0.6]
    protected = 1 - c.backing_protection * 0.6
    both = (c.dropout_strain_rate + c.dropout_refusal_rate) * protected
    hazards = [c.dropout_strain_rate] * 2 + [c.dropout_refusal_rate * protected] * 2 + [both] * 2
    uniforms = [h * (1 - 1e-9) if k % 2 == 0 else h * (1 + 1e-9) for k, h in enumerate(hazards)]
    active = np.ones(6, dtype=bool)
    left, departed = run_drop_out(active, high_weeks, refusal_weeks, service, backing, uniforms)
    assert left == 3
    assert active.tolist() == [False, True] * 3
    assert departed.tolist() == [9, -1] * 3


def test_dropout_needs_sustained_strain_or_refusal():
    active = np.ones(2, dtype=bool)
    short = [DROPOUT.sustained_strain_weeks - 1, 0], [0, DROPOUT.refusal_weeks - 1]
    left, departed = run_drop_out(active, *short, [0, 0], [0.0], [0.0, 0.0])
    assert left == 0
    assert active.all()
    assert departed.tolist() == [-1, -1]


def test_dropout_leaves_inactive_staff_alone():
    active = np.array([False, True])
    left, departed = run_drop_out(active, [99, 99], [99, 99], [0, 0], [0.0], [0.0, 0.0])
    assert left == 1
    assert departed.tolist() == [-1, 9]


def test_full_backing_removes_its_share_of_the_hazard():
    n = N_DRAWS
    active = np.ones(n, dtype=bool)
    rng = np.random.default_rng(21)
    p = DROPOUT.dropout_refusal_rate * (1 - DROPOUT.backing_protection)
    refusing = np.full(n, DROPOUT.refusal_weeks)
    left, _ = run_drop_out(active, np.zeros(n), refusing, np.zeros(n), [1.0], rng.random(n))
    assert abs(left / n - p) < binomial_tolerance(p, n)


def departing_staff(n, *, strain=False, refusal=False, service=0, n_services=3):
    """``n`` staff in ``service`` whose hazards are on (uniforms to be set by the test)."""
    state = StaffState.empty(n, 2)
    state.service[:] = service
    state.origin_service[:] = service
    state.team[:] = service
    if strain:
        state.high_weeks[:] = DROPOUT.sustained_strain_weeks
    if refusal:
        state.refusal_weeks[:] = DROPOUT.refusal_weeks
    return state


def receiving_services(posts, receiving=(0.0, 0.25, 0.75), target=((1, 0), (0, 1), (1, 1))):
    services = Services.start(
        np.zeros(len(receiving)),
        np.full(len(receiving), 10.0),
        2,
        receiving=np.asarray(receiving),
        first_team=np.array([7, 8, 9]),
        mobility_posts=posts,
        target=np.asarray(target, dtype=bool),
    )
    return services


def test_each_departure_has_one_cause_from_the_strain_part_of_the_uniform():
    c = DROPOUT
    state = departing_staff(4, strain=True, refusal=True)
    total = c.dropout_strain_rate + c.dropout_refusal_rate  # backing 0: no protection
    state.draw[:] = [
        c.dropout_strain_rate * (1 - 1e-9),  # in the strain part
        c.dropout_strain_rate * (1 + 1e-9),  # just past it: refusal
        total * (1 - 1e-9),  # refusal
        total * (1 + 1e-9),  # stays
    ]
    state.mobility_draw[:] = 0.99  # above the preference: external
    left = dropout.drop_out(state, receiving_services(0.0), 4, c)
    assert left == 3
    assert state.departure_cause.tolist() == [dropout.STRAIN, dropout.REFUSAL, dropout.REFUSAL, 0]
    assert state.destination.tolist() == [dropout.EXTERNAL] * 3 + [0]
    assert state.active.tolist() == [False, False, False, True]


def test_a_repositioned_member_of_staff_moves_to_a_receiving_service_and_stays():
    c = DROPOUT
    state = departing_staff(3, refusal=True, service=0)
    state.draw[:] = 0.0
    state.strain[:] = 1.5
    pref = c.internal_mobility_preference
    # Second uniform: internal, and v / preference picks service 1 (first quarter of the
    # receiving share, service 0 being the home) or service 2; the third goes external.
    state.mobility_draw[:] = [0.2 * pref, 0.6 * pref, pref * (1 + 1e-9)]
    services = receiving_services(5.0)
    left = dropout.drop_out(state, services, 6, c)
    assert left == 3
    assert state.destination.tolist() == [dropout.INTERNAL, dropout.INTERNAL, dropout.EXTERNAL]
    assert state.active.tolist() == [True, True, False]
    assert state.service.tolist() == [1, 2, 0]
    assert state.origin_service.tolist() == [0, 0, 0]  # still counted where they left
    assert state.team.tolist() == [8, 9, 0]
    assert state.target[:2].tolist() == [[False, True], [True, True]]  # the new post's tools
    assert state.refusal_weeks.tolist()[:2] == [0, 0]
    assert state.departed_week.tolist() == [6, 6, 6]
    assert services.mobility_posts[0] == 3.0
    # A repositioned member of staff does not leave their new post again.
    state.refusal_weeks[:2] = c.refusal_weeks
    assert dropout.drop_out(state, services, 7, c) == 0


def test_internal_mobility_is_capped_by_its_posts():
    state = departing_staff(6, strain=True)
    state.draw[:] = 0.0
    state.mobility_draw[:] = 0.0  # all would go internal
    services = receiving_services(2.0)
    assert dropout.drop_out(state, services, 3, DROPOUT) == 6
    assert (state.destination == dropout.INTERNAL).sum() == 2
    assert (state.destination == dropout.EXTERNAL).sum() == 4
    assert services.mobility_posts[0] == 0.0


def test_destinations_follow_the_preference_and_the_receiving_shares():
    n = N_DRAWS
    rng = np.random.default_rng(5)
    state = departing_staff(n, refusal=True)
    state.draw[:] = 0.0
    state.mobility_draw[:] = rng.random(n)
    dropout.drop_out(state, receiving_services(float(n)), 2, DROPOUT)
    pref = DROPOUT.internal_mobility_preference
    internal = state.destination == dropout.INTERNAL
    assert abs(internal.mean() - pref) < binomial_tolerance(pref, n)
    # Of the repositioned, a quarter go to service 1 and three quarters to service 2.
    to_2 = (state.service[internal] == 2).mean()
    assert abs(to_2 - 0.75) < binomial_tolerance(0.75, int(internal.sum()))
    assert not (state.service[internal] == 0).any()


def test_workload_of_remaining_staff():
    # Services of 10, 4 and 3 staff, of whom 8, 4 and 0 are still in post.
    state = StaffState.empty(17, 1)
    state.service[:] = np.repeat([0, 1, 2], [10, 4, 3])
    state.active[[0, 1]] = False
    state.active[14:] = False
    services = services_with([0.0] * 3)
    services.initial_staff[:] = [10.0, 4.0, 3.0]
    dropout.shift_workload(state, services)
    np.testing.assert_allclose(services.workload, [10 / 8, 1.0, 3.0])


# --------------------------------------------------------------------------- peers

MASTERY = 0.8


def adjacency_of(n: int, edges: list[tuple[int, int]]) -> sp.csr_array:
    rows = [a for a, b in edges] + [b for a, b in edges]
    cols = [b for a, b in edges] + [a for a, b in edges]
    matrix = sp.csr_array((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    matrix.sort_indices()
    return matrix


def brute_force_counts(adjacency, active, stage, proficiency, tutor_weight):
    dense = adjacency.toarray().astype(np.float64)
    n, n_tools = stage.shape
    degree = np.zeros(n)
    nb_adopted = np.zeros((n, n_tools))
    nb_help = np.zeros((n, n_tools))
    for i in range(n):
        for j in range(n):
            if dense[i, j] and active[j]:
                degree[i] += 1
                for t in range(n_tools):
                    nb_adopted[i, t] += stage[j, t] == ADOPTED
                    if proficiency[j, t] >= MASTERY:
                        nb_help[i, t] += tutor_weight[j]
    return degree, nb_adopted, nb_help


def run_propagate(state, adjacency):
    peers.propagate(state, Ties(adjacency.indptr, adjacency.indices), MASTERY)


def assert_counts_match(state, adjacency):
    degree, nb_adopted, nb_help = brute_force_counts(
        adjacency, state.active, state.stage, state.proficiency, state.tutor_weight
    )
    np.testing.assert_allclose(state.degree, degree)
    np.testing.assert_allclose(state.nb_adopted, nb_adopted)
    np.testing.assert_allclose(state.nb_help, nb_help)


@pytest.fixture
def peer_setup():
    """Five staff on a small graph with a triangle and a tail; two tools."""
    adjacency = adjacency_of(5, [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4)])
    state = StaffState.empty(5, 2)
    state.tutor_weight[:] = [2.0, 1.0, 1.0, 2.0, 1.0]
    state.degree[:] = np.diff(adjacency.indptr)  # as the model starts: all active
    return state, adjacency


def test_propagate_from_initial_state_changes_nothing(peer_setup):
    state, adjacency = peer_setup
    run_propagate(state, adjacency)
    assert_counts_match(state, adjacency)
    assert state.degree.tolist() == [2, 2, 3, 2, 1]


def test_propagate_adoption_mastery_reversion_and_departure(peer_setup):
    state, adjacency = peer_setup
    # Adoption by staff 2 of tool 0 (not yet mastered).
    state.stage[2, 0] = ADOPTED
    state.proficiency[2, 0] = 0.6
    run_propagate(state, adjacency)
    assert_counts_match(state, adjacency)
    assert state.nb_adopted[:, 0].tolist() == [1, 1, 0, 1, 0]
    assert not state.nb_help.any()

    # Staff 2 and 3 master tool 0 (tutor weight 1 and 2).
    state.proficiency[2, 0] = 0.85
    state.proficiency[3, 0] = 0.8
    state.stage[3, 0] = TRYING
    run_propagate(state, adjacency)
    assert_counts_match(state, adjacency)
    assert state.nb_help[:, 0].tolist() == [1, 1, 2, 1, 2]

    # Staff 2 reverts to paper: no longer adopted, but still masters the tool.
    state.stage[2, 0] = REVERTED
    run_propagate(state, adjacency)
    assert_counts_match(state, adjacency)
    assert not state.nb_adopted.any()
    assert state.nb_help[:, 0].tolist() == [1, 1, 2, 1, 2]

    # Staff 3 leaves: everything they showed disappears from neighbours' counts.
    state.stage[3, 1] = ADOPTED
    run_propagate(state, adjacency)
    state.active[3] = False
    run_propagate(state, adjacency)
    assert_counts_match(state, adjacency)
    assert state.degree.tolist() == [2, 2, 2, 2, 0]  # staff 3 still sees 2 and 4
    assert state.nb_help[:, 0].tolist() == [1, 1, 0, 1, 0]
    assert not state.nb_adopted.any()


def test_propagate_follows_random_event_sequences(peer_setup):
    state, adjacency = peer_setup
    rng = np.random.default_rng(5)
    for _ in range(60):
        staff, tool = rng.integers(5), rng.integers(2)
        event = rng.integers(4)
        if event == 0:
            state.stage[staff, tool] = rng.choice([UNAWARE, TRYING, ADOPTED, REVERTED])
        elif event == 1:
            state.proficiency[staff, tool] = rng.choice([0.0, 0.5, 0.8, 1.0])
        elif event == 2:
            state.active[staff] = not state.active[staff]  # departures (and, here, returns)
        run_propagate(state, adjacency)
        assert_counts_match(state, adjacency)


def test_propagate_builds_counts_from_scratch():
    adjacency = adjacency_of(4, [(0, 1), (1, 2), (1, 3)])
    state = StaffState.empty(4, 1)
    state.shown_active[:] = False  # neighbours count nobody yet
    state.degree[:] = 0.0
    state.stage[:, 0] = [ADOPTED, UNAWARE, ADOPTED, ADOPTED]
    state.proficiency[:, 0] = [0.9, 0.9, 0.1, 0.8]
    state.active[2] = False
    run_propagate(state, adjacency)
    assert_counts_match(state, adjacency)
    assert state.degree.tolist() == [1, 2, 1, 1]
    assert state.nb_adopted[:, 0].tolist() == [0, 2, 0, 0]


def test_mean_field_counts_everybody_as_a_neighbour(peer_setup):
    state, _ = peer_setup
    n = state.n_staff
    everybody = adjacency_of(n, [(a, b) for a in range(n) for b in range(a + 1, n)])
    state.stage[:, 0] = [ADOPTED, ADOPTED, UNAWARE, TRYING, ADOPTED]
    state.proficiency[:, 0] = [0.9, 0.5, 0.8, 0.1, 1.0]
    state.stage[:, 1] = [UNAWARE, ADOPTED, REVERTED, UNAWARE, UNAWARE]
    state.active[4] = False
    peers.mean_field(state, MASTERY)
    assert_counts_match(state, everybody)
    assert state.degree.tolist() == [3, 3, 3, 3, 4]


# --------------------------------------------------------------------------- efficiency


def test_tool_time_equation():
    assert efficiency.tool_time(False, 0.7, 0.5, 0.3) == 1.0
    assert efficiency.tool_time(True, 0.0, 0.5, 0.3) == pytest.approx(1.3)
    assert efficiency.tool_time(True, 1.0, 0.5, 0.3) == pytest.approx(0.5)
    assert efficiency.tool_time(True, 0.4, 0.5, 0.3) == pytest.approx(1 - 0.5 * 0.4 + 0.3 * 0.6)


def test_processing_time_index_is_mean_over_target_tools():
    """Through the weekly tally: each staff member is alone in a profile group."""
    state = StaffState.empty(3, 3)
    state.service[:] = [0, 1, 2]
    state.profile[:] = [0, 1, 2]
    state.stage[:] = [
        [ADOPTED, TRYING, REVERTED],
        [TRYING, UNAWARE, ADOPTED],
        [ADOPTED, ADOPTED, ADOPTED],
    ]
    state.proficiency[:] = [[0.9, 0.2, 0.9], [0.5, 0.0, 1.0], [1.0, 1.0, 1.0]]
    state.live[:] = [[True, True, True], [True, True, False], [True, True, True]]
    state.target[:] = [[True, True, True], [True, False, True], [False, False, False]]
    saving = np.array([0.55, 0.3, 0.65])
    overhead = 0.3

    def time(m, s):
        return 1 - s * m + overhead * (1 - m)

    # Staff 0: tool 2 reverted to paper counts 1.
    expected0 = (time(0.9, 0.55) + time(0.2, 0.3) + 1.0) / 3
    # Staff 1: tool 1 not a target (ignored); tool 2 adopted but not live -> paper.
    expected1 = (time(0.5, 0.55) + 1.0) / 2
    services = services_with([0.0] * 3, n_tools=3)
    tallies = observation.Tallies.empty(3)
    c = observation.TallyCoefficients(
        high_strain_threshold=1.0, mastery_threshold=0.8, learning_overhead=overhead
    )
    observation.tally(state, services, tools_with([1.0] * 3, saving=saving), c, tallies)
    by_profile = tallies.by_profile
    times = by_profile[:, observation.TIME]
    assert times[0] == pytest.approx(expected0)
    assert times[1] == pytest.approx(expected1)
    # Staff 2 has no target tool: no processing-time index, counted nowhere.
    assert by_profile[2, observation.WITH_TARGETS] == 0 and times[2] == 0
    assert tallies.by_service[2, observation.WITH_TARGETS] == 0
    # All three are active; the services count their active staff and the users of
    # each tool (live and trying or adopted).
    assert tallies.organisation[observation.ACTIVE] == 3
    assert services.active_staff.tolist() == [1.0, 1.0, 1.0]
    assert services.used.tolist() == [[1, 1, 0], [1, 0, 0], [0, 0, 0]]
