"""The batched engine gives every run the numbers it has alone.

Runs of different strategies, seeds, parameter values (one group of mechanisms
moved per run) and even sizes are stepped together by
:func:`simulation.model.batch.run_batch`; each run's weekly table and schedule must
equal, exactly, those of ``TransitionModel`` run alone with the same scenario and
seed. The compiled plan (:mod:`simulation.model.schedule`) must follow the Python
plans of :mod:`simulation.model.strategies` week by week.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulation.model import batch, schedule
from simulation.model.batch import chunk_weeks, run_batch
from simulation.model.model import TransitionModel
from simulation.model.seeds import run_seed
from simulation.model.sizing import batch_size
from simulation.model.state import Services
from simulation.model.strategies import make_plan
from simulation.scenario.loading import load_scenario
from simulation.scenario.records import Scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BASE = {"organisation.total_staff": 150, "horizon_weeks": 70, "rollout.start_week": 4}

# One variant per group of mechanisms, each away from its default.
VARIANTS: dict[str, dict] = {
    "default": {},
    "training": {
        "levers.training_capacity": 12.0,  # short: referents first, then the priority
        "levers.e_learning_hours": 1.5,
        "levers.training_mix": {"vendor": 0.6, "internal": 0.2, "action": 0.2},
        "levers.training_priority": ["accueil_etat_civil", "urbanisme"],
    },
    "focus": {"levers.training_focus": "earliest", "levers.max_training_hours": 6},
    "peers": {"organisation.peer_scope": "organisation", "levers.peer_tutoring": 1.0},
    "strain": {
        "behaviour.strain_recovery": 0.05,
        "levers.right_to_disconnect": True,
        "behaviour.strain_contagion": 0.2,
    },
    "dropout": {
        "behaviour.dropout_strain_rate": 0.05,
        "behaviour.dropout_refusal_rate": 0.2,
        "levers.internal_mobility_capacity": 0.01,
        "levers.workload_relief": 0.6,  # the work of those who left, partly reinforced
    },
    "acculturation": {"behaviour.acculturation_rate": 0.05, "levers.staff_involvement": 0.9},
    "lever_changes": {
        "lever_changes": [
            {"week": 10, "levers": {"training_capacity": 80, "manager_backing": 0.9}},
            # Few trainer hours, most of them for one service (then for nobody first).
            {
                "week": 20,
                "levers": {"training_capacity": 5, "training_priority": ["services_techniques"]},
            },
            {
                "week": 30,
                "levers": {
                    "right_to_disconnect": True,
                    "peer_tutoring": 1.0,
                    "workload_relief": 0.5,
                },
            },
            {
                "week": 41,
                "levers": {
                    "training_mix": {"vendor": 0.1, "internal": 0.3, "action": 0.6},
                    "training_priority": [],
                },
            },
        ]
    },
}
STRATEGIES = ("big_bang", "small_steps", "short_cycle")


def alone(scenario: Scenario, seed: np.random.SeedSequence) -> TransitionModel:
    model = TransitionModel(scenario, rng=seed)
    model.run()
    return model


def assert_same_as_alone(runs: list[tuple[Scenario, np.random.SeedSequence]]) -> None:
    for (scenario, seed), result in zip(runs, run_batch(runs), strict=True):
        model = alone(scenario, seed)
        pd.testing.assert_frame_equal(result.timeseries(), model.timeseries(), check_exact=True)
        pd.testing.assert_frame_equal(result.schedule(), model.schedule(), check_exact=True)
        assert result.summary() == model.summary()


def test_every_strategy_and_mechanism_in_one_batch_gives_the_runs_alone():
    base = Scenario().override(BASE)
    runs = []
    for k, changes in enumerate(VARIANTS.values()):
        for j, strategy in enumerate(STRATEGIES):
            scenario = base.override({**changes, "rollout.strategy": strategy})
            runs.append((scenario, run_seed(100 + k, j)))  # a seed of its own
    assert_same_as_alone(runs)


def test_custom_waves_and_different_sizes_and_horizons_in_one_batch():
    custom = load_scenario(SCENARIOS / "custom.yaml").override({"horizon_weeks": 80})
    small = Scenario().override({**BASE, "organisation.total_staff": 80, "horizon_weeks": 45})
    large = Scenario().override({**BASE, "organisation.total_staff": 320})
    runs = [(custom, run_seed(5, 0)), (small, run_seed(5, 1)), (large, run_seed(5, 2))]
    runs.append((custom, run_seed(5, 3)))  # shares its set-up with the first run
    assert_same_as_alone(runs)


def test_runs_drawn_a_week_at_a_time_give_the_same_numbers(monkeypatch):
    scenario = Scenario().override(BASE)
    runs = [(scenario, run_seed(9, r)) for r in range(3)]
    chunked = [r.timeseries() for r in run_batch(runs)]
    monkeypatch.setattr(batch, "DRAW_BYTES", 1)  # one week of uniforms per draw
    assert chunk_weeks(run_batch(runs[:1])[0].built.run) == 1
    for table, result in zip(chunked, run_batch(runs), strict=True):
        pd.testing.assert_frame_equal(table, result.timeseries(), check_exact=True)


def test_replications_of_a_batch_differ_and_follow_their_seed():
    scenario = Scenario().override(BASE)
    first = run_batch([(scenario, run_seed(3, r)) for r in range(4)])
    again = run_batch([(scenario, run_seed(3, r)) for r in (2, 3)])
    dropout = [r.timeseries()["strain_mean"].iloc[-1] for r in first]
    assert len(set(dropout)) == 4  # four seeds, four different runs
    for one, other in zip(first[2:], again, strict=True):
        pd.testing.assert_frame_equal(one.timeseries(), other.timeseries(), check_exact=True)


def test_batch_size_bounds_memory_and_shares_the_work():
    scenario = Scenario()
    assert batch_size(scenario, 1) == 1
    assert batch_size(scenario, 10) == 10  # one worker: one batch if memory allows
    assert batch_size(scenario, 400, workers=2) == 50  # four batches per worker
    huge = Scenario().override({"organisation.total_staff": 400_000})
    assert batch_size(huge, 100) == 1  # a run of this size fills a batch alone


# ------------------------------------------------------------------ compiled plans


def small_plan_scenario(strategy: str, **changes) -> Scenario:
    return Scenario().override(
        {
            "horizon_weeks": 60,
            "organisation.services": [
                {"name": n, "headcount": h}
                for n, h in zip("abcde", (10, 30, 20, 30, 5), strict=True)
            ],
            "organisation.relations": [["a", "b", 0.5], ["c", "d", 0.4], ["c", "e", 0.1]],
            "tools": [{"name": "t1"}, {"name": "t2", "services": ["b", "d"]}],
            "rollout.strategy": strategy,
            "rollout.short_cycle.cycle_weeks": 3,
            "rollout.short_cycle.max_wait_weeks": 7,
            **changes,
        }
    )


# The rollout levers of small steps and short cycles, away from their defaults.
PLAN_LEVERS: list[tuple[str, dict]] = [
    ("small_steps", {"rollout.small_steps.services_per_step": 2}),
    ("small_steps", {"rollout.small_steps.services_per_step": 3}),
    *(
        (strategy, {"rollout.service_order": order})
        for strategy in ("small_steps", "short_cycle")
        for order in ("largest_first", "smallest_first", "technophiles_first", "connected_first")
    ),
    (
        "small_steps",
        {"rollout.small_steps.services_per_step": 2, "rollout.service_order": "smallest_first"},
    ),
]
PLAN_CASES = [
    *((strategy, {}) for strategy in ("big_bang", "small_steps", "short_cycle", "custom")),
    *PLAN_LEVERS,
]


def case_id(value) -> str:
    """``small_steps``, ``services_per_step=2``...: the name of a plan case's part."""
    if not isinstance(value, dict):
        return str(value)
    return ",".join(f"{path.rsplit('.', 1)[1]}={x}" for path, x in value.items()) or "defaults"


@pytest.mark.parametrize(("strategy", "changes"), PLAN_CASES, ids=case_id)
def test_the_compiled_plan_follows_the_python_plan(strategy, changes):
    if strategy == "custom":
        scenario = load_scenario(SCENARIOS / "custom.yaml")
    else:
        scenario = small_plan_scenario(strategy, **changes)
    n_services = len(scenario.organisation.services)
    technophiles = np.arange(n_services) % 3
    python, compiled = make_plan(scenario, technophiles), make_plan(scenario, technophiles)
    state = schedule.plan_state(compiled)
    services = Services.start(np.ones(n_services), np.full(n_services, 10.0), len(scenario.tools))
    rng = np.random.default_rng(4)
    due = np.zeros(python.target.shape, dtype=bool)
    opened = np.zeros_like(due)
    for week in range(1, scenario.horizon_weeks + 1):
        # Usage goes up and down, so that gates both hold and open.
        services.used[...] = np.floor(rng.random(services.used.shape) * 11)
        used = services.used.copy()

        def probe(pairs, used=used):
            staff = 10.0 * pairs.sum()
            return float(used[pairs].sum() / staff) if staff > 0 else 1.0

        expected = python.advance(week, probe)
        schedule.advance(state, week, services, due)
        assert due.tolist() == expected.tolist(), week
        schedule.open_training(state, week, opened)
        assert opened.tolist() == python.training_open(week).tolist(), week
    assert compiled.go_live.tolist() == python.go_live.tolist()


def test_the_rollout_levers_in_one_batch_give_the_runs_alone():
    base = Scenario().override(BASE)
    runs = [
        (base.override({**changes, "rollout.strategy": strategy}), run_seed(40 + k, 0))
        for k, (strategy, changes) in enumerate(PLAN_LEVERS)
    ]
    assert_same_as_alone(runs)


def test_a_run_alone_takes_the_snapshots_of_the_mesa_model():
    from simulation.model.batch import run_alone

    scenario = Scenario().override(BASE)
    seed = run_seed(21, 2)
    weeks = [0, 3, 4, 30, 70]
    run, frames = run_alone(scenario, seed, weeks)
    model = TransitionModel(scenario, rng=seed)
    expected = [model.staff_state().assign(week=0)]
    while model.running:
        model.step()
        if model.week in weeks:
            expected.append(model.staff_state().assign(week=model.week))
    assert [int(f["week"].iloc[0]) for f in frames] == weeks
    for frame, other in zip(frames, expected, strict=True):
        pd.testing.assert_frame_equal(frame, other, check_exact=True)
    pd.testing.assert_frame_equal(run.timeseries(), model.timeseries(), check_exact=True)
