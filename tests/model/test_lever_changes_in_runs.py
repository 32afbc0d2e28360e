"""Lever changes during a run (``lever_changes``): what they change, and when.

A change at week W is applied before the step of week W: rows 0 to W-1 of the weekly
table are those of the run without it, and the same change in the batched engine
gives the same numbers as ``TransitionModel``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import invoke

from simulation.model.batch import run_alone, run_batch
from simulation.model.model import TransitionModel
from simulation.model.seeds import run_seed
from simulation.scenario.loading import dump_scenario, load_scenario
from simulation.scenario.modes import TRAINING_MODES, TrainingMix
from simulation.scenario.records import Scenario

BASE = {"organisation.total_staff": 150, "horizon_weeks": 40, "rollout.start_week": 2}
WEEK = 13


def scenario_with(*changes: dict, **overrides) -> Scenario:
    scenario = Scenario().override({**BASE, **overrides})
    return scenario.replace(lever_changes=list(changes))


def weekly(scenario: Scenario, seed: int | np.random.SeedSequence = 7) -> pd.DataFrame:
    model = TransitionModel(scenario, rng=seed)
    model.run()
    return model.timeseries()


def test_a_change_leaves_the_weeks_before_it_as_they_were_and_moves_the_later_ones():
    before = weekly(scenario_with())
    after = weekly(scenario_with({"week": WEEK, "levers": {"training_capacity": 150}}))
    pd.testing.assert_frame_equal(before.iloc[:WEEK], after.iloc[:WEEK], check_exact=True)
    assert not before.iloc[WEEK].equals(after.iloc[WEEK])  # the step of week W sees it
    assert after["trainer_hours"].iloc[WEEK] > before["trainer_hours"].iloc[WEEK]


def test_training_capacity_raised_from_zero_gives_training_from_that_week_on():
    # Without trainers nobody follows in-person training; from week W on, they do.
    none = {"levers.training_capacity": 0.0, "levers.e_learning_hours": 0.0}
    scenario = scenario_with({"week": WEEK, "levers": {"training_capacity": 120}}, **none)
    for seed in range(5):  # the same for every seed: exact, no tolerance
        table = weekly(scenario, seed)
        assert (table["trainer_hours"].iloc[:WEEK] == 0).all()
        assert (table["training_hours"].iloc[:WEEK] == 0).all()
        assert (table["trainer_hours"].iloc[WEEK : WEEK + 10] > 0).all()
        assert (table["training_hours"].iloc[WEEK : WEEK + 10] > 0).all()


def test_right_to_disconnect_lowers_strain_on_average_over_seeds():
    seeds = range(12)
    later = scenario_with({"week": 5, "levers": {"right_to_disconnect": True}})
    without = [weekly(scenario_with(), s)["strain_mean"].iloc[-1] for s in seeds]
    with_it = [weekly(later, s)["strain_mean"].iloc[-1] for s in seeds]
    # The charter relieves the tools' demands: lower final mean strain on average over
    # 12 seeds, and in at least 9 of them (all 12 when written: a margin for chance).
    assert np.mean(with_it) < np.mean(without)
    assert sum(w < o for w, o in zip(with_it, without, strict=True)) >= 9


def test_a_change_to_the_values_in_force_changes_nothing():
    same = scenario_with(
        {"week": 3, "levers": {"training_capacity": 30, "manager_backing": 0.5}},
        {"week": 20, "levers": {"right_to_disconnect": False, "project_meaning": 0.5}},
    )
    pd.testing.assert_frame_equal(weekly(same), weekly(scenario_with()), check_exact=True)


def test_a_later_change_overrides_an_earlier_one():
    scenario = scenario_with(
        {"week": 5, "levers": {"manager_backing": 0.9, "peer_tutoring": 1.0}},
        {"week": 10, "levers": {"manager_backing": 0.1}},
    )
    assert scenario.levers_from(4) == scenario.levers
    assert scenario.levers_from(7).manager_backing == 0.9
    assert scenario.levers_from(10).manager_backing == 0.1
    assert scenario.levers_from(40).peer_tutoring == 1.0
    model = TransitionModel(scenario, rng=1)
    for _ in range(10):
        model.step()
    assert (model.services.backing == 0.1).all()
    fixed = scenario.replace(levers=scenario.levers_from(10), lever_changes=())
    assert model.coefficients == TransitionModel(fixed, rng=1).coefficients


def test_a_change_re_derives_the_staff_arrays_the_set_up_derives_from_the_levers():
    levers = {"peer_tutoring": 1.0, "project_meaning": 0.9, "manager_backing": 0.2}
    levers |= {"staff_involvement": 0.6, "business_project_lead": False}
    levers |= {"training_priority": ["urbanisme", "sports"], "workload_relief": 0.4}
    scenario = scenario_with({"week": 6, "levers": levers})
    model = TransitionModel(scenario, rng=3)
    for _ in range(6):
        model.step()
    fixed = scenario.replace(levers=scenario.levers_from(6), lever_changes=())
    start = TransitionModel(fixed, rng=3)  # the same draws: the same staff
    for name in ("tutor_weight", "meaning", "external"):
        np.testing.assert_array_equal(getattr(model.state, name), getattr(start.state, name))
    np.testing.assert_array_equal(model.services.backing, start.services.backing)
    np.testing.assert_array_equal(model.services.priority, start.services.priority)
    assert model.services.priority.sum() == 2
    assert model.coefficients == start.coefficients


CHANGES = (
    {"week": 1, "levers": {"staff_involvement": 0.7}},
    {"week": 9, "levers": {"training_capacity": 90, "e_learning_hours": 0.5}},
    {"week": 10, "levers": {"manager_backing": 0.85, "project_meaning": 0.9}},
    {"week": 21, "levers": {"right_to_disconnect": True, "training_focus": "earliest"}},
    {"week": 40, "levers": {"peer_tutoring": 1.0, "max_training_hours": 4}},
)


@pytest.mark.parametrize("strategy", ["big_bang", "short_cycle"])
def test_batched_runs_with_changes_give_the_runs_alone(strategy):
    changed = scenario_with(*CHANGES, **{"rollout.strategy": strategy})
    other = scenario_with(CHANGES[2], **{"rollout.strategy": strategy, "horizon_weeks": 30})
    plain = scenario_with(**{"rollout.strategy": strategy})
    runs = [(changed, run_seed(4, 0)), (other, run_seed(4, 1)), (plain, run_seed(4, 2))]
    runs.append((changed, run_seed(4, 3)))  # shares its set-up with the first run
    for (scenario, seed), result in zip(runs, run_batch(runs), strict=True):
        model = TransitionModel(scenario, rng=seed)
        model.run()
        pd.testing.assert_frame_equal(result.timeseries(), model.timeseries(), check_exact=True)
        pd.testing.assert_frame_equal(result.schedule(), model.schedule(), check_exact=True)
        assert result.built.run.coefficients == model.coefficients
    alone, _ = run_alone(changed, run_seed(4, 0), (9, 10))
    pd.testing.assert_frame_equal(
        alone.timeseries(), run_batch(runs[:1])[0].timeseries(), check_exact=True
    )


def test_a_scenario_file_with_changes_round_trips_and_runs_the_same(tmp_path):
    scenario = scenario_with(*CHANGES[1:3], horizon_weeks=20)
    path = tmp_path / "rounds.yaml"
    path.write_text(dump_scenario(scenario), encoding="utf-8")
    assert load_scenario(path) == scenario
    result = invoke("run", path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    ran = pd.read_parquet(tmp_path / "out" / "timeseries.parquet")
    pd.testing.assert_frame_equal(ran, weekly(scenario, scenario.seed), check_exact=True)


def test_a_change_of_the_training_mix_prices_the_trainer_hours_at_the_new_mix_from_its_week():
    new = {"vendor": 0.7, "internal": 0.1, "action": 0.2}
    scenario = scenario_with({"week": WEEK, "levers": {"training_mix": new}})
    model = TransitionModel(scenario, rng=5)
    model.run()
    table = model.timeseries()
    unit = scenario.costs.trainer_hour_eur.as_array()
    old_rate = scenario.levers.training_mix.as_array() * unit
    new_rate = TrainingMix(**new).as_array() * unit
    hours = table["trainer_hours"].to_numpy()
    assert (hours[1:WEEK] > 0).all() and (hours[WEEK:] > 0).any()
    # Exact: each week's cost is its trainer hours times the rate of the mix in force.
    for k, mode in enumerate(TRAINING_MODES):
        cost = table[f"cost_training_{mode}_eur"].to_numpy()
        np.testing.assert_array_equal(cost[:WEEK], hours[:WEEK] * old_rate[k])
        np.testing.assert_array_equal(cost[WEEK:], hours[WEEK:] * new_rate[k])
    # The training coefficients follow the new mix too.
    fixed = scenario.replace(levers=scenario.levers_from(WEEK), lever_changes=())
    assert model.coefficients == TransitionModel(fixed, rng=5).coefficients
