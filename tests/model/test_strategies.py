"""Unit tests of the rollout strategies in ``simulation/model/strategies.py``.

Plans are built from small scenarios (five services ``a``-``e``, three tools) with
``Scenario().override``, then asked week by week, as the model does, which pairs go
live and which are open to training. Expected schedules are worked out by hand in
the tests from each strategy's rules. Short-cycle gates are driven by fake usage
probes that return a fixed share.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation import TransitionModel
from simulation.i18n.words import phrase
from simulation.model.strategies import (
    DEFAULT_TRAINING_LEAD,
    NEVER,
    FixedPlan,
    GatedCycles,
    make_plan,
    plan_strategies,
    schedule_notes,
    service_order,
    shortfall,
    target_pairs,
)
from simulation.scenario.records import Scenario
from simulation.scenario.schema import ScenarioError

SERVICES = ("a", "b", "c", "d", "e")
TOOLS = ("t1", "t2", "t3")
# t1 for every service, t2 for b and d, t3 for e only.
TARGET = np.array(
    [
        # t1  t2     t3
        [True, False, False],  # a
        [True, True, False],  # b
        [True, False, False],  # c
        [True, True, False],  # d
        [True, False, True],  # e
    ]
)
# Technophiles per service: b and d tie for the most.
TECHNOPHILES = np.array([1, 3, 0, 3, 2])
HORIZON = 156


def small_scenario(**changes) -> Scenario:
    """Five services of ten staff and three tools, with dotted-path overrides."""
    base = {
        "horizon_weeks": HORIZON,
        "organisation.services": [{"name": n, "headcount": 10} for n in SERVICES],
        "organisation.relations": [],
        "tools": [
            {"name": "t1"},
            {"name": "t2", "services": ["b", "d"]},
            {"name": "t3", "services": ["e"]},
        ],
    }
    base.update(changes)
    return Scenario().override(base)


def always(share: float):
    """A fake adoption probe returning a fixed share."""
    return lambda pairs: share


def run_weeks(plan, weeks, probe=None):
    """Advance ``plan`` over ``weeks`` (from week 1, as the model does).

    Returns the go-live week of each pair seen by the caller, NEVER if none.
    """
    probe = probe or always(1.0)
    seen = np.full(plan.target.shape, NEVER, dtype=np.int64)
    for week in range(1, weeks + 1):
        due = plan.advance(week, probe)
        assert not np.any(due & (seen != NEVER)), "a pair went live twice"
        seen[due] = week
    return seen


def schedule_of(planned: np.ndarray) -> dict[tuple[str, str], int]:
    """{(service, tool): week} of the scheduled pairs."""
    return {
        (SERVICES[s], TOOLS[t]): int(planned[s, t])
        for s, t in zip(*np.nonzero(planned != NEVER), strict=True)
    }


# --------------------------------------------------------------------------- target pairs


def test_target_pairs_follow_each_tools_services():
    assert target_pairs(small_scenario()).tolist() == TARGET.tolist()


def test_target_pairs_of_default_scenario_have_the_right_shape():
    scenario = Scenario()
    target = target_pairs(scenario)
    assert target.shape == (len(scenario.organisation.services), len(scenario.tools))
    names = scenario.organisation.service_names
    for t, tool in enumerate(scenario.tools):
        expected = set(names) if tool.services == "all" else set(tool.services)
        assert {names[s] for s in np.flatnonzero(target[:, t])} == expected


# --------------------------------------------------------------------------- defaults


@pytest.mark.parametrize(
    ("strategy", "communication"),
    [("big_bang", 1.0), ("small_steps", 0.3), ("short_cycle", 0.6), ("custom", 0.6)],
)
def test_default_communication_per_strategy(strategy, communication):
    # Defaults as documented for ``rollout.communication`` in simulation/scenario/rollout.py.
    scenario = small_scenario(**{"rollout.strategy": strategy, "rollout.waves": [{"week": 9}]})
    assert make_plan(scenario, TECHNOPHILES).communication == communication


@pytest.mark.parametrize("strategy", ["big_bang", "small_steps", "short_cycle", "custom"])
def test_communication_and_training_lead_overrides(strategy):
    scenario = small_scenario(
        **{
            "rollout.strategy": strategy,
            "rollout.waves": [{"week": 9}],
            "rollout.communication": 0.85,
            "rollout.training_lead_weeks": 5,
        }
    )
    plan = make_plan(scenario, TECHNOPHILES)
    assert plan.communication == 0.85
    assert plan.training_lead == 5


@pytest.mark.parametrize("strategy", ["small_steps", "short_cycle", "custom"])
def test_default_training_lead_is_two_weeks_except_big_bang(strategy):
    scenario = small_scenario(**{"rollout.strategy": strategy, "rollout.waves": [{"week": 9}]})
    plan = make_plan(scenario, TECHNOPHILES)
    assert plan.training_lead == DEFAULT_TRAINING_LEAD == 2
    assert plan.framing == 0.0  # only a big bang is framed by an administration project


# --------------------------------------------------------------------------- big bang


def test_big_bang_everything_at_once_after_preparation():
    scenario = small_scenario(
        **{
            "rollout.strategy": "big_bang",
            "rollout.start_week": 4,
            "rollout.big_bang.preparation_weeks": 10,
            "rollout.big_bang.project_framing": 0.3,
        }
    )
    plan = make_plan(scenario, TECHNOPHILES)
    assert isinstance(plan, FixedPlan)
    assert plan.target.tolist() == TARGET.tolist()
    assert plan.communication == 1.0
    assert plan.framing == 0.3
    assert plan.training_lead == 10  # the preparation period

    seen = run_weeks(plan, 60)
    assert np.all(seen[TARGET] == 14)
    assert np.all(seen[~TARGET] == NEVER)
    assert np.array_equal(plan.go_live, seen)


def test_big_bang_training_opens_at_start():
    scenario = small_scenario(
        **{
            "rollout.strategy": "big_bang",
            "rollout.start_week": 4,
            "rollout.big_bang.preparation_weeks": 10,
        }
    )
    plan = make_plan(scenario, TECHNOPHILES)
    assert not plan.training_open(3).any()
    for week in (4, 9, 14, 40):
        assert plan.training_open(week).tolist() == TARGET.tolist()


def test_big_bang_training_lead_override():
    scenario = small_scenario(
        **{
            "rollout.strategy": "big_bang",
            "rollout.start_week": 4,
            "rollout.big_bang.preparation_weeks": 10,
            "rollout.training_lead_weeks": 3,
        }
    )
    plan = make_plan(scenario, TECHNOPHILES)
    assert not plan.training_open(10).any()
    assert plan.training_open(11).tolist() == TARGET.tolist()


# --------------------------------------------------------------------------- small steps


def small_steps(**changes):
    changes = {"rollout.strategy": "small_steps", "rollout.start_week": 4, **changes}
    return make_plan(small_scenario(**changes), TECHNOPHILES)


def test_small_steps_schedule_by_hand():
    plan = small_steps(
        **{"rollout.small_steps.pilot_weeks": 8, "rollout.small_steps.interval_weeks": 3}
    )
    # t1: pilot b (3 technophiles, tie with d broken by order) at 4; a, c, d, e every 3
    # weeks after the 8-week pilot: 12, 15, 18, 21. t2: pilot b at 24, d at 32.
    # t3: pilot e at 35.
    expected = {
        ("b", "t1"): 4,
        ("a", "t1"): 12,
        ("c", "t1"): 15,
        ("d", "t1"): 18,
        ("e", "t1"): 21,
        ("b", "t2"): 24,
        ("d", "t2"): 32,
        ("e", "t3"): 35,
    }
    assert schedule_of(plan.planned) == expected
    assert schedule_of(run_weeks(plan, HORIZON)) == expected


def test_small_steps_pilot_is_the_service_with_most_technophiles():
    technophiles = np.array([0, 1, 5, 2, 4])
    scenario = small_scenario(**{"rollout.strategy": "small_steps"})
    planned = make_plan(scenario, technophiles).planned
    assert int(np.argmin(np.where(TARGET[:, 0], planned[:, 0], NEVER))) == 2  # c
    assert int(np.argmin(np.where(TARGET[:, 1], planned[:, 1], NEVER))) == 3  # d (2 > 1)


def test_small_steps_pilot_service_setting():
    plan = small_steps(**{"rollout.small_steps.pilot_service": "c"})
    first = {t: SERVICES[int(np.argmin(plan.planned[:, t]))] for t in range(3)}
    # c pilots every tool meant for it; t2 (b, d) falls back to most technophiles.
    assert first == {0: "c", 1: "b", 2: "e"}


@pytest.mark.parametrize(("pilot_weeks", "interval"), [(8, 3), (2, 5), (1, 1)])
def test_small_steps_one_pair_at_a_time_with_pilot_and_interval_spacing(pilot_weeks, interval):
    scenario = Scenario(horizon_weeks=400).override(
        {
            "rollout.strategy": "small_steps",
            "rollout.start_week": 3,
            "rollout.small_steps.pilot_weeks": pilot_weeks,
            "rollout.small_steps.interval_weeks": interval,
        }
    )
    target = target_pairs(scenario)
    technophiles = np.arange(target.shape[0])[::-1].copy()
    plan = make_plan(scenario, technophiles)
    planned = plan.planned
    assert np.array_equal(planned != NEVER, target)

    weeks = planned[target]
    assert np.unique(weeks).size == weeks.size, "two go-lives in the same week"
    assert weeks.min() == 3

    previous_end = None
    for t in range(target.shape[1]):
        services = np.flatnonzero(target[:, t])
        order = services[np.argsort(planned[services, t])]
        tool_weeks = planned[order, t]
        if previous_end is not None:
            assert tool_weeks[0] > previous_end, "tools must follow one another"
        # Pilot: the target service with most technophiles (lowest code on ties).
        best = max(services, key=lambda s: (technophiles[s], -s))
        assert order[0] == best
        gaps = np.diff(tool_weeks)
        if gaps.size:
            assert gaps[0] == pilot_weeks
            assert np.all(gaps[1:] == interval)
        previous_end = tool_weeks[-1]


@pytest.mark.parametrize(
    ("per_step", "expected"),
    [
        # t1: pilot b at 4; after the 8-week pilot the other four in twos every 3
        # weeks: a, c at 12; d, e at 15. t2: pilot b at 18, d at 26. t3: pilot e at 29.
        (
            2,
            {
                ("b", "t1"): 4,
                ("a", "t1"): 12,
                ("c", "t1"): 12,
                ("d", "t1"): 15,
                ("e", "t1"): 15,
                ("b", "t2"): 18,
                ("d", "t2"): 26,
                ("e", "t3"): 29,
            },
        ),
        # t1: pilot b at 4; a, c, d at 12, e (the one left) at 15. Then as above.
        (
            3,
            {
                ("b", "t1"): 4,
                ("a", "t1"): 12,
                ("c", "t1"): 12,
                ("d", "t1"): 12,
                ("e", "t1"): 15,
                ("b", "t2"): 18,
                ("d", "t2"): 26,
                ("e", "t3"): 29,
            },
        ),
    ],
)
def test_small_steps_go_live_in_groups_of_services_per_step(per_step, expected):
    plan = small_steps(
        **{
            "rollout.small_steps.pilot_weeks": 8,
            "rollout.small_steps.interval_weeks": 3,
            "rollout.small_steps.services_per_step": per_step,
        }
    )
    assert schedule_of(plan.planned) == expected
    assert schedule_of(run_weeks(plan, HORIZON)) == expected


@pytest.mark.parametrize("per_step", [1, 2, 3, 5, 20])
def test_small_steps_groups_of_the_default_commune(per_step):
    scenario = Scenario(horizon_weeks=400).override(
        {
            "rollout.strategy": "small_steps",
            "rollout.small_steps.pilot_weeks": 6,
            "rollout.small_steps.interval_weeks": 2,
            "rollout.small_steps.services_per_step": per_step,
        }
    )
    target = target_pairs(scenario)
    technophiles = np.arange(target.shape[0]) % 4
    planned = make_plan(scenario, technophiles).planned
    assert np.array_equal(planned != NEVER, target)
    week = scenario.rollout.start_week
    for t in range(target.shape[1]):
        services = np.flatnonzero(target[:, t])
        weeks, sizes = np.unique(planned[services, t], return_counts=True)
        # The pilot alone, then full groups in the listed order, the rest last.
        full, left = divmod(services.size - 1, per_step)
        expected_sizes = [1] + [per_step] * full + ([left] if left else [])
        assert sizes.tolist() == expected_sizes
        expected_weeks = [week] + [week + 6 + 2 * k for k in range(len(expected_sizes) - 1)]
        assert weeks.tolist() == expected_weeks
        later = services[planned[services, t] > week]
        assert np.all(np.diff(planned[later, t]) >= 0), "groups follow the listed order"
        week = expected_weeks[-1] + (2 if len(expected_weeks) > 1 else 6)


def test_small_steps_training_opens_two_weeks_before_each_go_live():
    plan = small_steps()
    for week in range(0, 60):
        expected = TARGET & (plan.planned - 2 <= week)
        assert plan.training_open(week).tolist() == expected.tolist()
    assert plan.training_open(2)[1, 0]  # b, t1 goes live at 4
    assert not plan.training_open(1).any()


# --------------------------------------------------------------------------- short cycle


def short_cycle(probe_share=None, **changes) -> GatedCycles:
    changes = {
        "rollout.strategy": "short_cycle",
        "rollout.start_week": 4,
        "rollout.short_cycle.services_per_increment": 2,
        "rollout.short_cycle.cycle_weeks": 4,
        "rollout.short_cycle.max_wait_weeks": 8,
        "rollout.short_cycle.usage_gate": 0.25,
        **changes,
    }
    plan = make_plan(small_scenario(**changes), TECHNOPHILES)
    assert isinstance(plan, GatedCycles)
    return plan


def mask(*pairs: tuple[str, str]) -> np.ndarray:
    out = np.zeros(TARGET.shape, dtype=bool)
    for service, tool in pairs:
        out[SERVICES.index(service), TOOLS.index(tool)] = True
    return out


# Increments of two services per tool, tools in order.
INCREMENTS = [
    mask(("a", "t1"), ("b", "t1")),
    mask(("c", "t1"), ("d", "t1")),
    mask(("e", "t1")),
    mask(("b", "t2"), ("d", "t2")),
    mask(("e", "t3")),
]


def test_short_cycle_increments():
    plan = short_cycle()
    assert len(plan.increments) == len(INCREMENTS)
    for got, expected in zip(plan.increments, INCREMENTS, strict=True):
        assert got.tolist() == expected.tolist()
    assert plan.target.tolist() == TARGET.tolist()
    assert plan.communication == 0.6
    assert plan.training_lead == 2


def go_live_weeks(seen: np.ndarray) -> list[int]:
    """Go-live week of each increment."""
    weeks = []
    for increment in INCREMENTS:
        values = np.unique(seen[increment])
        assert values.size == 1, "an increment goes live at once"
        weeks.append(int(values[0]))
    return weeks


def test_short_cycle_open_gate_spaces_increments_by_cycle():
    plan = short_cycle()
    seen = run_weeks(plan, 60, always(1.0))
    assert go_live_weeks(seen) == [4, 8, 12, 16, 20]
    assert np.array_equal(plan.go_live, seen)


def test_short_cycle_gate_met_exactly_passes():
    plan = short_cycle()
    assert go_live_weeks(run_weeks(plan, 60, always(0.25))) == [4, 8, 12, 16, 20]


def test_short_cycle_closed_gate_waits_max_wait_weeks():
    plan = short_cycle()
    assert go_live_weeks(run_weeks(plan, 80, always(0.0))) == [4, 12, 20, 28, 36]


def test_short_cycle_max_wait_shorter_than_cycle_means_cycle_spacing():
    plan = short_cycle(**{"rollout.short_cycle.max_wait_weeks": 2})
    assert go_live_weeks(run_weeks(plan, 60, always(0.0))) == [4, 8, 12, 16, 20]


def test_short_cycle_next_increment_goes_as_soon_as_the_gate_opens():
    plan = short_cycle()
    calls = []

    def probe(pairs):
        calls.append(pairs.copy())
        # Usage reaches the gate two weeks after the cycle would allow (week 10),
        # then at once for the next increments.
        return 0.3 if len(calls) >= 3 else 0.1

    seen = run_weeks(plan, 60, probe)
    weeks = go_live_weeks(seen)
    assert weeks[:2] == [4, 10]
    assert weeks[2:] == [14, 18, 22]
    # The gate always looks at the last increment that went live.
    assert all(np.array_equal(c, INCREMENTS[0]) for c in calls[:3])
    assert np.array_equal(calls[3], INCREMENTS[1])


def test_short_cycle_does_not_probe_before_the_cycle_is_over():
    plan = short_cycle()
    calls = []
    run_weeks(plan, 7, lambda pairs: calls.append(1) or 1.0)
    assert calls == []  # week 4 is the first increment (no gate), weeks 5-7 too early


def test_short_cycle_training_opens_lead_weeks_before_next_increment_is_due():
    plan = short_cycle(**{"rollout.training_lead_weeks": 3})
    assert not plan.training_open(0).any()
    assert plan.training_open(1).tolist() == INCREMENTS[0].tolist()  # due at 4
    plan.advance(4, always(1.0))
    # Next due at 8: its training opens at 5; live pairs stay open.
    assert plan.training_open(4).tolist() == INCREMENTS[0].tolist()
    assert plan.training_open(5).tolist() == (INCREMENTS[0] | INCREMENTS[1]).tolist()
    # A closed gate holds the increment, its training stays open.
    for week in range(5, 12):
        plan.advance(week, always(0.0))
        assert plan.training_open(week).tolist() == (INCREMENTS[0] | INCREMENTS[1]).tolist()
    plan.advance(12, always(0.0))  # max wait reached
    assert plan.go_live[INCREMENTS[1]].tolist() == [12, 12]


def test_short_cycle_after_last_increment_only_live_pairs_are_open():
    plan = short_cycle()
    run_weeks(plan, 40, always(1.0))
    assert plan.done == len(INCREMENTS)
    assert plan.training_open(41).tolist() == TARGET.tolist()
    assert not plan.advance(41, always(1.0)).any()


def test_short_cycle_one_increment_per_tool_when_increments_are_large():
    plan = short_cycle(**{"rollout.short_cycle.services_per_increment": 100})
    expected = [TARGET & (np.arange(len(TOOLS)) == t) for t in range(len(TOOLS))]
    assert [m.tolist() for m in plan.increments] == [m.tolist() for m in expected]


def test_a_tool_aimed_at_no_service_is_refused():
    with pytest.raises(
        ScenarioError, match=r"tools\[0\]\.services: a tool needs at least one service"
    ):
        small_scenario(
            **{"rollout.strategy": "short_cycle", "tools": [{"name": "t1", "services": []}]}
        )


def test_short_cycle_plan_keeps_the_shape_of_the_target_pairs():
    scenario = small_scenario(**{"rollout.strategy": "short_cycle"})
    plan = make_plan(scenario, TECHNOPHILES)
    assert plan.target.shape == plan.go_live.shape == target_pairs(scenario).shape
    assert plan.advance(0, always(1.0)).shape == plan.target.shape
    assert plan.training_open(0).shape == plan.target.shape


# --------------------------------------------------------------------------- service order

# Headcounts and relations of the five services for the service orders. Sums of the
# relation weights: a 0.5 + 0.2 = 0.7, b 0.5, c 0.2 + 0.4 + 0.1 = 0.7 (a tie with a as
# written, though not in binary), d 0.4 + 0.2 = 0.6, e 0.1 + 0.2 = 0.3.
HEADCOUNTS = {"a": 10, "b": 30, "c": 20, "d": 30, "e": 5}
RELATIONS = [["a", "b", 0.5], ["a", "c", 0.2], ["c", "d", 0.4], ["c", "e", 0.1], ["d", "e", 0.2]]
# By hand, ties in the listed order (TECHNOPHILES: a 1, b 3, c 0, d 3, e 2).
ORDERS = {
    "listed": "abcde",
    "largest_first": "bdcae",  # 30, 30, 20, 10, 5
    "smallest_first": "eacbd",  # 5, 10, 20, 30, 30
    "technophiles_first": "bdeac",  # 3, 3, 2, 1, 0
    "connected_first": "acdbe",  # 0.7, 0.7, 0.6, 0.5, 0.3
}


def ordered_scenario(order: str, **changes) -> Scenario:
    """The five services with their own headcounts and relations, in ``order``."""
    return small_scenario(
        **{
            "organisation.services": [{"name": n, "headcount": h} for n, h in HEADCOUNTS.items()],
            "organisation.relations": RELATIONS,
            "rollout.service_order": order,
            **changes,
        }
    )


def names(indices) -> str:
    return "".join(SERVICES[int(s)] for s in indices)


@pytest.mark.parametrize(("order", "expected"), ORDERS.items())
def test_service_orders_by_hand(order, expected):
    assert names(service_order(ordered_scenario(order), TECHNOPHILES)) == expected


def test_service_orders_read_the_headcounts_after_rescaling():
    # 5 staff for 5 services: one each, so every size ties and the listed order stays.
    for order in ("largest_first", "smallest_first"):
        scenario = ordered_scenario(order, **{"organisation.total_staff": 5})
        assert names(service_order(scenario, TECHNOPHILES)) == "abcde"


def test_service_orders_without_relations_or_technophiles_keep_the_listed_order():
    scenario = ordered_scenario("connected_first", **{"organisation.relations": []})
    assert names(service_order(scenario, TECHNOPHILES)) == "abcde"
    scenario = ordered_scenario("technophiles_first")
    assert names(service_order(scenario, np.zeros(5, dtype=int))) == "abcde"


@pytest.mark.parametrize(("order", "expected"), ORDERS.items())
def test_small_steps_extend_each_tool_in_the_service_order(order, expected):
    scenario = ordered_scenario(
        order,
        **{
            "rollout.strategy": "small_steps",
            "rollout.start_week": 4,
            "rollout.small_steps.pilot_weeks": 8,
            "rollout.small_steps.interval_weeks": 3,
        },
    )
    planned = make_plan(scenario, TECHNOPHILES).planned
    # t1: the pilot is b whatever the order (most technophiles, before d on the tie);
    # the four others follow in the order at 12, 15, 18, 21.
    others = expected.replace("b", "")
    assert planned[SERVICES.index("b"), 0] == 4
    assert [int(planned[SERVICES.index(n), 0]) for n in others] == [12, 15, 18, 21]
    # t2 (b, d) and t3 (e) do not depend on the order.
    assert schedule_of(planned)[("d", "t2")] == 32
    assert schedule_of(planned)[("e", "t3")] == 35


def test_small_steps_groups_follow_the_service_order():
    scenario = ordered_scenario(
        "smallest_first",
        **{
            "rollout.strategy": "small_steps",
            "rollout.start_week": 4,
            "rollout.small_steps.services_per_step": 3,
        },
    )
    planned = make_plan(scenario, TECHNOPHILES).planned
    # t1: pilot b at 4; e, a, c (the three smallest) at 12, then d at 15.
    assert {n: int(planned[SERVICES.index(n), 0]) for n in "baecd"} == {
        "b": 4,
        "a": 12,
        "e": 12,
        "c": 12,
        "d": 15,
    }


def test_a_named_pilot_goes_first_whatever_the_order():
    scenario = ordered_scenario(
        "largest_first",
        **{"rollout.strategy": "small_steps", "rollout.small_steps.pilot_service": "e"},
    )
    planned = make_plan(scenario, TECHNOPHILES).planned
    t1 = np.argsort(planned[:, 0], kind="stable")
    assert names(t1) == "ebdca"


@pytest.mark.parametrize(
    ("order", "t1_increments"),
    [
        ("listed", ["ab", "cd", "e"]),
        ("largest_first", ["bd", "ca", "e"]),
        ("smallest_first", ["ea", "cb", "d"]),
        ("technophiles_first", ["bd", "ea", "c"]),
        ("connected_first", ["ac", "db", "e"]),
    ],
)
def test_short_cycle_increments_follow_the_service_order(order, t1_increments):
    changes = {
        "rollout.strategy": "short_cycle",
        "rollout.short_cycle.services_per_increment": 2,
    }
    plan = make_plan(ordered_scenario(order, **changes), TECHNOPHILES)
    assert isinstance(plan, GatedCycles)
    expected = [mask(*((n, "t1") for n in group)) for group in t1_increments]
    expected += [mask(("b", "t2"), ("d", "t2")), mask(("e", "t3"))]
    assert [m.tolist() for m in plan.increments] == [m.tolist() for m in expected]


# --------------------------------------------------------------------------- schedule notes


def test_schedule_notes_count_the_go_lives_of_groups_beyond_the_horizon():
    changes = {
        "horizon_weeks": 20,
        "rollout.strategy": "small_steps",
        "rollout.start_week": 4,
        "rollout.small_steps.pilot_weeks": 8,
        "rollout.small_steps.interval_weeks": 3,
    }
    # One at a time: 4, 12, 15, 18, then 21, 24, 32, 35 after week 20.
    assert schedule_notes(small_scenario(**changes)) == [
        "4 of 8 (service, tool) go-lives are planned after the horizon (week 20) and will "
        "not happen"
    ]
    # In twos: 4, 12, 12, 15, 15, 18, then 26 and 29 (as in the test above).
    changes["rollout.small_steps.services_per_step"] = 2
    assert schedule_notes(small_scenario(**changes)) == [
        "2 of 8 (service, tool) go-lives are planned after the horizon (week 20) and will "
        "not happen"
    ]
    # The service order changes which services go live late, not how many.
    for order in ORDERS:
        assert schedule_notes(ordered_scenario(order, **changes)) == schedule_notes(
            small_scenario(**changes)
        )


@pytest.mark.parametrize("order", list(ORDERS))
def test_schedule_notes_of_short_cycles_do_not_depend_on_the_order(order):
    changes = {
        "horizon_weeks": 10,
        "rollout.strategy": "short_cycle",
        "rollout.start_week": 4,
        "rollout.short_cycle.services_per_increment": 2,
    }
    # Five increments every 4 weeks from week 4: the last at week 20, whatever the order.
    found = shortfall(ordered_scenario(order, **changes))
    assert (found.increments, found.last_week) == (5, 20)
    assert schedule_notes(ordered_scenario(order, **changes)) == schedule_notes(
        ordered_scenario("listed", **changes)
    )


# --------------------------------------------------------------------------- custom waves


def test_custom_waves_earliest_wins_and_only_target_pairs():
    scenario = small_scenario(
        **{
            "rollout.strategy": "custom",
            "rollout.waves": [
                {"week": 10},
                {"week": 5, "tools": ["t1"], "services": ["a", "b"]},
                {"week": 7, "tools": ["t3"], "services": ["a"]},  # (a, t3) is not a target
                {"week": 12, "tools": ["t2"], "services": ["b"]},  # later than week 10
                {"week": 8, "tools": "all", "services": ["d"]},
            ],
        }
    )
    plan = make_plan(scenario, TECHNOPHILES)
    expected = {
        ("a", "t1"): 5,
        ("b", "t1"): 5,
        ("c", "t1"): 10,
        ("d", "t1"): 8,
        ("e", "t1"): 10,
        ("b", "t2"): 10,
        ("d", "t2"): 8,
        ("e", "t3"): 10,
    }
    assert schedule_of(plan.planned) == expected
    assert schedule_of(run_weeks(plan, 30)) == expected
    assert plan.communication == 0.6


def test_custom_pairs_in_no_wave_never_go_live():
    scenario = small_scenario(
        **{"rollout.strategy": "custom", "rollout.waves": [{"week": 6, "tools": ["t2"]}]}
    )
    plan = make_plan(scenario, TECHNOPHILES)
    assert schedule_of(plan.planned) == {("b", "t2"): 6, ("d", "t2"): 6}
    assert plan.target.tolist() == mask(("b", "t2"), ("d", "t2")).tolist()
    assert plan.training_open(4).tolist() == plan.target.tolist()  # lead 2
    assert not plan.training_open(3).any()


# --------------------------------------------------------------------------- every pair goes live


@pytest.mark.parametrize("strategy", ["big_bang", "small_steps", "short_cycle", "custom"])
def test_every_target_pair_goes_live_when_asked_from_week_one(strategy):
    scenario = small_scenario(
        **{"rollout.strategy": strategy, "rollout.start_week": 1, "rollout.waves": [{"week": 1}]}
    )
    plan = make_plan(scenario, TECHNOPHILES)
    seen = run_weeks(plan, HORIZON, always(0.0))
    assert np.array_equal(seen != NEVER, TARGET)


@pytest.mark.parametrize(
    "changes",
    [
        {
            "rollout.strategy": "big_bang",
            "rollout.start_week": 0,
            "rollout.big_bang.preparation_weeks": 0,
        },
        {"rollout.strategy": "custom", "rollout.waves": [{"week": 0}]},
        {"rollout.strategy": "small_steps", "rollout.start_week": 0},
    ],
    ids=["big_bang", "custom", "small_steps"],
)
def test_pairs_planned_at_week_zero_go_live(changes):
    plan = make_plan(small_scenario(**changes), TECHNOPHILES)
    seen = run_weeks(plan, HORIZON, always(0.0))
    assert np.array_equal(seen != NEVER, TARGET)


def test_a_short_cycle_shortfall_counts_the_pairs_of_the_increments_past_the_horizon():
    scenario = small_scenario(
        horizon_weeks=25,
        **{
            "rollout.strategy": "short_cycle",
            "rollout.start_week": 1,
            "rollout.short_cycle.cycle_weeks": 10,
            "rollout.short_cycle.services_per_increment": 2,
        },
    )
    # Increments: t1 for (a, b), (c, d), (e); t2 for (b, d); t3 for (e), at weeks
    # 1, 11, 21, 31 and 41 at the earliest: the last two (3 pairs) come after week 25.
    found = shortfall(scenario)
    assert (found.target, found.late, found.unplanned) == (8, 3, 0)
    assert (found.increments, found.last_week, found.missing) == (5, 41, 3)
    for lang in ("fr", "en"):
        words = phrase(
            "report.compare.plan_note.cycles",
            lang,
            n=3,
            total=8,
            increments=5,
            last=41,
            horizon=25,
        )
        assert schedule_notes(scenario, lang) == [words]


def test_a_plan_that_delivers_everything_has_no_note():
    scenario = small_scenario(**{"rollout.strategy": "big_bang"})
    assert shortfall(scenario).missing == 0 and schedule_notes(scenario) == []


@pytest.mark.parametrize("strategy", ["big_bang", "small_steps", "short_cycle", "custom"])
def test_a_plans_shortfall_is_what_its_run_misses_at_the_horizon(strategy):
    waves = [{"week": 3, "services": ["a", "b"]}]  # the other services in no wave
    scenario = small_scenario(horizon_weeks=30, **{"rollout.waves": waves}).with_strategy(strategy)
    expected = shortfall(scenario)
    model = TransitionModel(scenario, rng=2)
    model.run()
    missing = model.summary()["golives_missing"]
    if strategy == "short_cycle":  # the earliest weeks: waiting on the gate misses more
        assert missing >= expected.missing
    else:
        assert missing == expected.missing
    assert model.summary()["golives_target"] == expected.target == int(TARGET.sum())


def test_plan_strategies_add_the_custom_plan_when_there_are_waves():
    assert plan_strategies(small_scenario()) == ("big_bang", "small_steps", "short_cycle")
    with_waves = small_scenario(**{"rollout.waves": [{"week": 3}]})
    assert plan_strategies(with_waves)[-1] == "custom"
