"""Training modes, acculturation, involvement as a resource and costs: unit tests.

Each mechanism is checked on hand-made state against its equation (exact up to
floating-point rounding, ``rtol=1e-12``), and its neutral setting against the model
without it.
"""

import numpy as np
import pytest

from simulation import Scenario, TransitionModel
from simulation.model import costs
from simulation.model.mechanisms import acculturation, adoption, dropout, strain, training
from simulation.model.state import Services, StaffState
from simulation.scenario.behaviour import Behaviour
from simulation.scenario.errors import ScenarioError
from simulation.scenario.levers import Levers
from simulation.scenario.modes import TRAINING_MODES, TrainingMix

BEHAVIOUR, LEVERS = Behaviour(), Levers()


# ------------------------------------------------------------------ training modes


def test_an_in_person_hour_is_worth_the_mix_of_its_modes():
    mix = LEVERS.training_mix.as_array()
    completion = BEHAVIOUR.training_completion.as_array()
    effect = BEHAVIOUR.training_effectiveness.as_array()
    value, team, followed, contextual = training.mode_values(LEVERS, BEHAVIOUR)
    assert value == pytest.approx(float((mix * completion * effect).sum()), rel=1e-12)
    team_effect = effect.copy()
    team_effect[0] = BEHAVIOUR.vendor_effectiveness_project_team
    assert team == pytest.approx(float((mix * completion * team_effect).sum()), rel=1e-12)
    assert followed == pytest.approx(float((mix * completion).sum()), rel=1e-12)
    assert contextual == pytest.approx(float((mix * completion)[1:].sum()), rel=1e-12)
    assert team > value  # supplier training serves the project team better (section IV.D)


def test_all_internal_training_fully_followed_is_the_reference_hour():
    levers = Levers(training_mix=TrainingMix(vendor=0, internal=1, action=0))
    behaviour = Behaviour(training_completion={"internal": 1.0})
    assert training.mode_values(levers, behaviour) == (1.0, 1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    ("mix", "problem"),
    [({"vendor": 0.5, "internal": 0.6, "action": 0}, "sum to 1.1"), (0.3, "mapping")],
)
def test_a_mix_must_be_shares_summing_to_one(mix, problem):
    with pytest.raises(ScenarioError, match=problem):
        Scenario().override({"levers.training_mix": mix})


def test_referents_get_the_project_teams_value_of_supplier_training():
    state = StaffState.empty(2, 1)
    state.n_learning[:] = 1
    state.is_referent[:] = [True, False]
    state.e_completion[:] = 0.5
    c = training.coefficients(Levers(training_capacity=100), BEHAVIOUR)
    training.allocate_training(state, Services.start(np.zeros(1), np.ones(1), 1), c)
    hours = LEVERS.max_training_hours
    np.testing.assert_allclose(state.in_person_hours, [hours, hours])
    np.testing.assert_allclose(
        state.effective_hours, [c.in_person_value_team * hours, c.in_person_value * hours]
    )
    np.testing.assert_allclose(state.training_hours, c.in_person_followed * hours)


def test_e_learning_hours_are_what_is_followed_beyond_in_person():
    model = TransitionModel(Scenario().override({"horizon_weeks": 30}), rng=3)
    model.run()
    table = model.timeseries()
    c = model.coefficients.training
    in_person = table["trainer_hours"] * c.training_group_size * c.in_person_followed
    np.testing.assert_allclose(
        table["training_hours"], in_person + table["e_learning_hours"], rtol=1e-9, atol=1e-9
    )
    assert table["e_learning_hours"].sum() > 0


# ------------------------------------------------------------------ acculturation


def one_service(n: int) -> Services:
    return Services.start(np.array([0.4]), np.array([float(n)]), 1)


def test_acculturation_closes_its_gap_at_the_rate_times_the_drive():
    state = StaffState.empty(3, 1)
    state.acculturation[:] = [0.1, 0.5, 0.9]
    state.meaning[:] = 0.6
    state.in_person_hours[:] = [0.0, 1.0, 2.0]
    state.active[:] = [True, True, False]
    levers = Levers(staff_involvement=0.3, business_project_lead=False)
    contextual = 0.8
    c = acculturation.coefficients(BEHAVIOUR, levers, contextual)
    acculturation.acculturate(state, one_service(3), c)
    per_hour = BEHAVIOUR.acculturation_training * contextual / levers.max_training_hours
    drive = (0.6 + 0.3 + 0.4 + 0.0) / 4 + per_hour * np.array([0.0, 1.0])
    start = np.array([0.1, 0.5])
    expected = start + BEHAVIOUR.acculturation_rate * np.minimum(1, drive) * (1 - start)
    np.testing.assert_allclose(state.acculturation[:2], expected, rtol=1e-12)
    assert state.acculturation[2] == 0.9  # staff who left keep what they had


def test_acculturation_never_falls_and_never_exceeds_one():
    model = TransitionModel(
        Scenario().override({"horizon_weeks": 60, "behaviour.acculturation_rate": 0.2}), rng=1
    )
    before = model.state.acculturation.copy()
    np.testing.assert_array_equal(
        before, BEHAVIOUR.acculturation_initial.as_array()[model.state.profile]
    )
    for _ in range(60):
        model.step()
        now = model.state.acculturation
        assert (now >= before).all() and (now <= 1).all()
        before = now.copy()


def refusing_staff(a: np.ndarray) -> tuple[StaffState, Services]:
    n = a.size
    state = StaffState.empty(n, 1)
    state.refusal_weeks[:] = 100
    state.acculturation[:] = a
    state.draw[:] = 0.0499  # below a hazard of 0.05 only
    state.mobility_draw[:] = 0.99  # external
    services = one_service(n)
    services.backing[:] = 0.0
    return state, services


def test_acculturation_scales_the_refusal_hazard():
    b = BEHAVIOUR.replace(
        dropout_refusal_rate=0.1, acculturation_refusal=1.0, dropout_strain_rate=0.0
    )
    state, services = refusing_staff(np.array([0.0, 0.4, 0.6]))
    left = dropout.drop_out(state, services, 1, dropout.coefficients(b))
    # Hazards 0.1, 0.06 and 0.04 against a uniform of 0.0499: the first two leave.
    assert left == 2
    np.testing.assert_array_equal(state.active, [False, False, True])
    assert (state.departure_cause[:2] == dropout.REFUSAL).all()


def test_with_no_weight_on_trying_and_refusal_acculturation_changes_nothing():
    base = Scenario().override(
        {
            "horizon_weeks": 80,
            "behaviour.acculturation_refusal": 0.0,
            "behaviour.acculturation_trying": 0.0,
        }
    )
    runs = [
        TransitionModel(base.override({"behaviour.acculturation_rate": rate}), rng=5)
        for rate in (0.0, 0.1)
    ]
    for model in runs:
        model.run()
    tables = [m.timeseries() for m in runs]
    others = [c for c in tables[0] if not c.startswith("acculturation")]
    first, second = (table[others] for table in tables)
    assert first.equals(second)


def test_acculturation_holds_back_trying_in_proportion_to_what_is_missing():
    state = StaffState.empty(3, 1)
    state.active[:] = True
    state.live[:] = True
    state.external[:] = 0.2
    state.degree[:] = 0.0
    state.acculturation[:] = [0.0, 0.5, 1.0]
    services = one_service(3)
    c = adoption.coefficients(BEHAVIOUR.replace(fear_of_failure=0.0, acculturation_trying=0.5))
    # P(try) = 0.2 * (1 - 0.5 * (1 - a)): 0.1, 0.15 and 0.2; uniforms just below and above.
    for below, tried in ((-1e-9, [1, 1, 1]), (1e-9, [0, 0, 0])):
        state.stage[:] = 0
        state.pair_draw[:, 0] = np.array([0.1, 0.15, 0.2]) + below
        adoption.adopt(state, services, c)
        np.testing.assert_array_equal(state.stage[:, 0] != 0, np.array(tried, dtype=bool))


# ------------------------------------------------------------------ involvement


def test_involvement_buffers_every_staff_member_alike():
    low = strain.coefficients(BEHAVIOUR, Levers(staff_involvement=0.0))
    high = strain.coefficients(BEHAVIOUR, Levers(staff_involvement=1.0))
    assert low.involvement_buffer == 0.0
    assert high.involvement_buffer == BEHAVIOUR.resource_involvement
    r_low = strain.resources(1.0, 0.2, 0.3, 0.4, low)
    r_high = strain.resources(1.0, 0.2, 0.3, 0.4, high)
    assert r_high - r_low == pytest.approx(BEHAVIOUR.resource_involvement, rel=1e-12)


# ------------------------------------------------------------------ costs


def test_weekly_costs_follow_their_equations():
    scenario = Scenario(
        tools=[
            {"name": "a", "cost_eur": 1000.0, "yearly_cost_eur": 5200.0},
            {"name": "b", "cost_eur": 300.0},
        ],
    )
    r = costs.rates(scenario)
    # Weeks 0 to 8; week 7 has the hours below, week 8 is faster than on paper.
    series = {name: np.zeros(9) for name in ("trainer", "e_learning", "training", "extra")}
    series["trainer"][7], series["e_learning"][7], series["training"][7] = 10.0, 4.0, 20.0
    series["extra"][7], series["extra"][8] = 2.0, -5.0  # no gain counted for -5
    departed = np.array([0, 0, 0, 0, 0, 0, 1, 4, 4], dtype=float)  # 3 leave in week 7
    out = costs.cost_table(
        r,
        trainer_hours=series["trainer"],
        e_learning_hours=series["e_learning"],
        training_hours=series["training"],
        extra_time=series["extra"],
        departed_external=departed,
        first_live=np.array([7, 10**9]),
    )
    unit = scenario.costs
    mix = scenario.levers.training_mix.as_array()
    expected = {
        **{
            f"training_{m}": 10.0 * mix[k] * unit.trainer_hour_eur.as_array()[k]
            for k, m in enumerate(TRAINING_MODES)
        },
        "e_learning": 4.0 * unit.e_learning_hour_eur,
        "staff_training_time": 20.0 * unit.staff_hour_eur,
        "productivity": 2.0 * unit.covered_hours_per_week * unit.staff_hour_eur,
        "tools": 1000.0 + 5200.0 / 52,  # b never goes live
        "replacement": 3.0 * unit.replacement_eur,
    }
    assert out.shape == (9, len(costs.COST_COMPONENTS))
    np.testing.assert_allclose(out[7], [expected[c] for c in costs.COST_COMPONENTS], rtol=1e-12)
    np.testing.assert_allclose(out[8], [0, 0, 0, 0, 0, 0, 100.0, 0], rtol=1e-12)
    # Before the first go-live no tool costs; week 6 pays one replacement.
    np.testing.assert_allclose(out[:6], 0.0)
    assert out[6, -1] == unit.replacement_eur


def test_a_runs_costs_add_up_from_its_hours_and_departures():
    scenario = Scenario().override({"horizon_weeks": 80})
    model = TransitionModel(scenario, rng=11)
    model.run()
    summary, table = model.summary(), model.timeseries()
    parts = [summary[c] for c in costs.COST_COLUMNS]
    assert summary["cost_total_eur"] == pytest.approx(sum(parts), rel=1e-12)
    unit = scenario.costs
    staff = scenario.staff_count
    left = round(summary["external_departure_share"] * staff)
    assert summary["cost_replacement_eur"] == pytest.approx(left * unit.replacement_eur)
    trainers = summary["trainer_hours_total"] * float(
        (scenario.levers.training_mix.as_array() * unit.trainer_hour_eur.as_array()).sum()
    )
    training_parts = sum(summary[f"cost_training_{m}_eur"] for m in TRAINING_MODES)
    assert training_parts == pytest.approx(trainers, rel=1e-9)
    assert summary["cost_staff_training_time_eur"] == pytest.approx(
        summary["training_hours_total"] * unit.staff_hour_eur, rel=1e-9
    )
    assert summary["cost_tools_eur"] == 0.0  # no tool costs by default
    assert (table[list(costs.COST_COLUMNS)] >= 0).all().all()


def test_tool_costs_count_once_at_the_first_go_live_and_yearly_while_live():
    scenario = Scenario().override(
        {"horizon_weeks": 60, "rollout.strategy": "big_bang", "rollout.start_week": 0}
    )
    tools = [t.to_plain() | {"cost_eur": 500.0, "yearly_cost_eur": 2600.0} for t in scenario.tools]
    scenario = scenario.override({"tools": tools})
    model = TransitionModel(scenario, rng=2)
    model.run()
    live_week = int(model.plan.go_live.min())  # big bang: every tool at once
    weeks_live = 60 - live_week + 1
    expected = len(tools) * (500.0 + weeks_live * 2600.0 / 52)
    assert model.summary()["cost_tools_eur"] == pytest.approx(expected, rel=1e-12)
