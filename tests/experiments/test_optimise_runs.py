"""The plan search on real runs: common random numbers, a known best plan, the command."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from helpers import invoke, write

from simulation.experiments.executors import open_executor
from simulation.experiments.optimiser import open_study, search, trials_table
from simulation.experiments.parameters import choose_parameters
from simulation.experiments.plan_evaluation import CHECK, SEARCH, Evaluator
from simulation.experiments.plan_objectives import RUN_OUTCOMES
from simulation.experiments.plan_settings import OptimiseSettings, plan_space
from simulation.scenario.loading import load_scenario
from simulation.scenario.records import Scenario

TINY = {"organisation.total_staff": 60, "horizon_weeks": 40}
TINY_FILE = "name: Petite commune\norganisation:\n  total_staff: 60\nhorizon_weeks: 40\n"


def _evaluator(executor, settings=None, parameters="ensemble"):
    base = Scenario().override(TINY)
    chosen = settings or OptimiseSettings()
    space = plan_space(chosen, base)
    draw = choose_parameters(parameters, 1)
    return Evaluator(base, space, draw, 11, base.horizon_weeks, executor)


def test_every_candidate_runs_the_same_replications():
    plan = {"strategy": "big_bang", "preparation_weeks": 8, "training_capacity": 20.0}
    with open_executor(1) as executor:
        evaluator = _evaluator(executor)
        reps = evaluator.replications(SEARCH, 4)
        draws = evaluator.uncertainties(SEARCH, 4)
        a, b = evaluator.evaluate([plan, dict(plan)], reps, draws)
        again = evaluator.evaluate([plan], reps[2:], draws[2:])[0]
    np.testing.assert_array_equal(a, b)  # the same plan twice: the same numbers
    np.testing.assert_array_equal(a[2:], again)  # a replication's numbers are its own
    # Replications differ (members and seeds), so the rows are not all alike.
    assert len({tuple(row) for row in a}) > 1
    assert a.shape == (4, len(RUN_OUTCOMES))


def test_the_plan_keeps_its_levers_under_the_ensemble():
    with open_executor(1) as executor:
        evaluator = _evaluator(executor)
    draw = evaluator.parameters
    assert draw.per_member == 1
    assert "levers.training_capacity" in draw.kept
    changes = evaluator.changes(Scenario(), 3, [])
    assert changes and all(path.startswith("behaviour.") for path in changes)
    assert changes == {
        p: v for p, v in draw.ensemble.overrides(draw.member(3)).items()
    }  # member 3 for replication 3
    assert evaluator.replications(CHECK, 3, offset=16) == [16, 17, 18]


@pytest.mark.slow
def test_two_workers_give_the_same_numbers_as_one():
    plans = [
        {"strategy": "short_cycle", "cycle_weeks": 2, "services_per_increment": 6},
        {"strategy": "small_steps", "interval_weeks": 1, "services_per_step": 4},
    ]
    results = []
    for workers in (1, 2):
        with open_executor(workers) as executor:
            evaluator = _evaluator(executor)
            reps, draws = evaluator.replications(SEARCH, 6), evaluator.uncertainties(SEARCH, 6)
            results.append(evaluator.evaluate(plans, reps, draws))
    for one, two in zip(*results, strict=True):
        np.testing.assert_array_equal(one, two)


def test_the_search_keeps_to_the_only_feasible_plan():
    # By construction: big bang's single go-live after the horizon (a preparation of 60
    # weeks, horizon 40) or small steps one service every 30 weeks leave go-lives
    # undone, which the deadline forbids; only big bang with 4 weeks of preparation
    # delivers every go-live. Every named plan must be it.
    chosen = OptimiseSettings.from_value(
        {
            "levers": {
                "strategy": ["big_bang", "small_steps"],
                "preparation_weeks": {"low": 4, "high": 60},
                "interval_weeks": {"low": 30, "high": 40},
                "pilot_weeks": 2,
                **{
                    name: "scenario"
                    for name in (
                        "project_framing",
                        "services_per_step",
                        "service_order",
                        "training_capacity",
                        "mix_vendor",
                        "mix_internal",
                        "mix_action",
                        "e_learning_hours",
                        "referent_share",
                        "communication",
                        "staff_involvement",
                        "right_to_disconnect",
                    )
                },
            },
            "trials": 24,
            "batch": 8,
            "replications": 2,
        }
    )
    with open_executor(1) as executor:
        evaluator = _evaluator(executor, chosen, parameters="default")
        study = open_study(None, len(chosen.objectives), "mark", False)
        search(study, evaluator, chosen)
    table = trials_table(study, evaluator.space, chosen)
    feasible = table[table["feasible"]]
    assert not feasible.empty
    assert (feasible["strategy"] == "big_bang").all()
    # 40 weeks less the start week (4) and the go-live week: preparations up to ~35 fit.
    assert (feasible["preparation_weeks"] <= 36).all()
    assert (table[~table["feasible"]]["late_golives"] > 0).all()
    assert table["pareto"].sum() >= 1 and not table[table["pareto"] & ~table["feasible"]].size


@pytest.mark.slow
def test_the_command_writes_the_front_and_runnable_plans(tmp_path):
    scenario = write(tmp_path / "tiny.yaml", TINY_FILE)
    out = tmp_path / "search"
    args = ("optimise", scenario, "--trials", "12", "--replications", "3", "--workers", "1")
    space = write(tmp_path / "space.yaml", "batch: 6\ncheck_replications: 10\n")
    result = invoke(*args, "--space", space, "--out", out)
    assert result.exit_code == 0, result.output
    for name in ("trials", "pareto", "plans"):
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.parquet").is_file()
    trials = pd.read_parquet(out / "trials.parquet")
    assert len(trials) == 12
    pareto = pd.read_parquet(out / "pareto.parquet")
    assert pareto["feasible"].all() and len(pareto) == trials["pareto"].sum()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "optimise" and manifest["parameters"]["source"] == "ensemble"
    plans = pd.read_csv(out / "plans.csv")
    for name in plans["plan"]:
        path = out / "plans" / f"{name}.yaml"
        loaded = load_scenario(path)  # a complete scenario file, valid as is
        assert loaded.organisation.total_staff == 60
        ran = invoke(
            "compare",
            path,
            "--strategies",
            loaded.rollout.strategy,
            "--replications",
            "2",
            "--workers",
            "1",
            "--out",
            tmp_path / f"compare_{name}",
        )
        assert ran.exit_code == 0, ran.output
    assert (out / "pareto.png").is_file() and (out / "levers.png").is_file()


@pytest.mark.slow
def test_the_command_resumes_to_the_same_front(tmp_path):
    scenario = write(tmp_path / "tiny.yaml", TINY_FILE)
    space = write(tmp_path / "space.yaml", "batch: 4\ncheck_replications: 10\n")
    common = (scenario, "--replications", "2", "--workers", "1", "--space", space)
    whole, part = tmp_path / "whole", tmp_path / "part"
    assert invoke("optimise", *common, "--trials", "12", "--out", whole).exit_code == 0
    assert invoke("optimise", *common, "--trials", "8", "--out", part).exit_code == 0
    again = invoke("optimise", *common, "--trials", "12", "--out", part, "--resume")
    assert again.exit_code == 0, again.output
    a, b = (pd.read_parquet(f / "trials.parquet").drop(columns="trial") for f in (whole, part))
    pd.testing.assert_frame_equal(a, b)
    refused = invoke("optimise", *common, "--trials", "12", "--out", part)
    assert refused.exit_code == 2 and "--resume" in refused.stderr
