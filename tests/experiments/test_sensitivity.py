"""Tests of the sensitivity analysis (simulation/experiments/sensitivity.py, ``sensitivity``).

The SALib problem is built from the experiment's ranges only; the Morris and Sobol
designs have the documented sizes and are seeded. ``analyze`` is checked on
synthetic runs whose outcome is a known additive function of the design values,
y = 3 x1 + 1 x2 + 0 x3 (plus replication noise that cancels in the point means), for
which the indices are known exactly: Morris mu* equals each coefficient times its
range, and the first-order Sobol shares are a_i^2 w_i^2 / sum_j a_j^2 w_j^2 (w the
range widths). A small end-to-end run of the command checks the files it writes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import invoke, run_on_file, write

from simulation.experiments.experiment import Experiment
from simulation.experiments.rerun import rerun
from simulation.experiments.sensitivity import (
    analyze,
    point_means,
    problem,
    sample,
    sensitivity_points,
)
from simulation.experiments.store import read_runs
from simulation.i18n import words
from simulation.scenario.errors import ScenarioError

# x1 in [0, 1], x2 in [0, 2], x3 in [5, 6]; y = 3 x1 + 1 x2 + 0 x3.
BOUNDS = {"x1": (0.0, 1.0), "x2": (0.0, 2.0), "x3": (5.0, 6.0)}
COEFFICIENTS = {"x1": 3.0, "x2": 1.0, "x3": 0.0}
EFFECT = {k: COEFFICIENTS[k] * (BOUNDS[k][1] - BOUNDS[k][0]) for k in BOUNDS}  # 3, 2, 0
SHARES = {k: EFFECT[k] ** 2 / sum(e**2 for e in EFFECT.values()) for k in BOUNDS}  # 9/13, 4/13


def synthetic(samples: int, seed: int = 3, levels: int = 4) -> Experiment:
    return Experiment(
        name="synthetic",
        factors={k: {"low": lo, "high": hi} for k, (lo, hi) in BOUNDS.items()},
        design={"samples": samples, "seed": seed, "levels": levels},
    )


def synthetic_runs(values: np.ndarray) -> pd.DataFrame:
    """Two replications per point, y +/- 0.5 (mean y), and a failed run with garbage."""
    y = sum(COEFFICIENTS[k] * values[:, i] for i, k in enumerate(BOUNDS))
    n = len(values)
    frames = [
        pd.DataFrame({"point": range(n), "replication": 0, "status": "ok", "y": y + 0.5}),
        pd.DataFrame({"point": range(n), "replication": 1, "status": "ok", "y": y - 0.5}),
        pd.DataFrame({"point": [0], "replication": [2], "status": ["error"], "y": [1e6]}),
    ]
    return pd.concat(frames, ignore_index=True)


# ----------------------------------------------------------------- problem and designs


def test_problem_lists_the_ranges_in_file_order():
    spec = problem(synthetic(4))
    assert spec == {
        "num_vars": 3,
        "names": ["x1", "x2", "x3"],
        "bounds": [[0.0, 1.0], [0.0, 2.0], [5.0, 6.0]],
    }


def test_problem_refuses_a_level_factor():
    experiment = Experiment(
        name="mixed",
        factors={"x1": {"low": 0, "high": 1}, "rollout.strategy": ["big_bang", "small_steps"]},
    )
    with pytest.raises(ScenarioError) as info:
        problem(experiment)
    assert info.value.path == "factors.rollout.strategy"
    assert "{low, high} range" in info.value.problem


def test_problem_needs_a_range():
    with pytest.raises(ScenarioError) as info:
        problem(Experiment(name="none"))
    assert info.value.path == "factors"
    assert "at least one factor" in info.value.problem


@pytest.mark.parametrize(("samples", "levels"), [(3, 4), (10, 6)])
def test_morris_design_has_samples_times_k_plus_1_rows(samples, levels):
    values = sample(synthetic(samples, levels=levels), "morris")
    assert values.shape == (samples * (3 + 1), 3)
    for i, (low, high) in enumerate(BOUNDS.values()):
        assert values[:, i].min() >= low and values[:, i].max() <= high
        # A Morris grid: each coordinate takes at most `levels` values.
        assert len(np.unique(values[:, i])) <= levels


@pytest.mark.parametrize("samples", [8, 64])
def test_sobol_design_has_n_times_k_plus_2_rows(samples):
    values = sample(synthetic(samples), "sobol")
    assert values.shape == (samples * (3 + 2), 3)
    for i, (low, high) in enumerate(BOUNDS.values()):
        assert values[:, i].min() >= low and values[:, i].max() <= high


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_designs_are_seeded(method):
    np.testing.assert_array_equal(
        sample(synthetic(8, seed=1), method), sample(synthetic(8, seed=1), method)
    )
    assert not np.array_equal(
        sample(synthetic(8, seed=1), method), sample(synthetic(8, seed=2), method)
    )


@pytest.mark.parametrize("samples", [3, 12, 100])
def test_sobol_refuses_a_sample_size_that_is_not_a_power_of_2(samples):
    with pytest.raises(ScenarioError) as info:
        sample(synthetic(samples), "sobol")
    assert info.value.path == "design.samples"
    assert "power of 2" in info.value.problem


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown method 'fast'"):
        sample(synthetic(4), "fast")


def test_sensitivity_points_run_the_design_values(tmp_path):
    experiment = Experiment(
        name="points",
        horizon_weeks=20,
        factors={
            "levers.referent_share": {"low": 0.0, "high": 0.1},
            "levers.training_group_size": {"low": 2, "high": 12},
        },
        design={"samples": 3, "levels": 4, "seed": 2},
    )
    values, points = sensitivity_points(experiment, tmp_path, "morris")
    assert len(points) == len(values) == 3 * (2 + 1)
    for row, point in zip(values, points, strict=True):
        assert point.factors["levers.referent_share"] == pytest.approx(row[0], abs=1e-12)
        assert point.scenario.levers.referent_share == pytest.approx(row[0], abs=1e-12)
        # Whole-number parameters are rounded in the runs (the analysis keeps the design).
        assert point.factors["levers.training_group_size"] == round(row[1])
        assert point.scenario.levers.training_group_size == round(row[1])
        assert point.scenario.horizon_weeks == 20


# ----------------------------------------------------------------- analysis


def test_point_means_leave_out_failed_runs():
    runs = synthetic_runs(np.array([[0.5, 1.0, 5.5], [1.0, 0.0, 5.0]]))
    means = point_means(runs, "y", 3)
    assert means[:2] == pytest.approx([3 * 0.5 + 1.0, 3.0])
    assert np.isnan(means[2])  # no run at point 2


def test_morris_ranks_the_parameters_of_an_additive_function():
    experiment = synthetic(10)
    values = sample(experiment, "morris")
    indices = analyze(experiment, "morris", values, synthetic_runs(values), ("y",))
    assert list(indices.columns) == [
        "outcome",
        "parameter",
        "mu",
        "mu_star",
        "mu_star_conf",
        "sigma",
        "warning",
    ]
    rows = indices.set_index("parameter")
    ranking = rows["mu_star"].sort_values(ascending=False).index.tolist()
    assert ranking == ["x1", "x2", "x3"]
    # For a linear function every elementary effect of x_i is a_i times its range, so mu*
    # is exact up to rounding (1e-9) and sigma (the spread of the effects) is ~0.
    for name in BOUNDS:
        assert rows.loc[name, "mu_star"] == pytest.approx(EFFECT[name], abs=1e-9)
        assert rows.loc[name, "mu"] == pytest.approx(EFFECT[name], abs=1e-9)
        assert rows.loc[name, "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert rows.loc["x3", "mu_star"] < 1e-9


def test_sobol_first_order_shares_match_the_analytic_ones():
    experiment = synthetic(512)
    values = sample(experiment, "sobol")
    indices = analyze(experiment, "sobol", values, synthetic_runs(values), ("y",))
    assert list(indices.columns) == [
        "outcome",
        "parameter",
        "S1",
        "S1_conf",
        "ST",
        "ST_conf",
        "warning",
    ]
    rows = indices.set_index("parameter")
    assert "small_sample" not in set(rows["warning"])  # N = 512 is enough
    assert rows["ST"].sort_values(ascending=False).index.tolist() == ["x1", "x2", "x3"]
    for name in BOUNDS:
        share = SHARES[name]
        # The estimate lies within its reported 95 % interval of the analytic share, and
        # that interval is informative (well under the 0.3 gap between x1 and x2).
        assert abs(rows.loc[name, "S1"] - share) <= rows.loc[name, "S1_conf"] + 1e-9
        assert abs(rows.loc[name, "ST"] - share) <= rows.loc[name, "ST_conf"] + 1e-9
        assert rows.loc[name, "S1_conf"] < 0.2
    # No interaction in an additive function: S1 and ST agree; x3 has no effect at all.
    assert rows.loc["x3", "S1"] == pytest.approx(0.0, abs=1e-9)
    assert rows.loc["x3", "ST"] == pytest.approx(0.0, abs=1e-9)
    assert rows["S1"].sum() == pytest.approx(1.0, abs=0.05)


def test_outcome_missing_at_a_point_is_left_out():
    experiment = synthetic(4)
    values = sample(experiment, "morris")
    runs = synthetic_runs(values)
    runs["z"] = runs["y"]
    runs.loc[runs["point"] == 3, "z"] = np.nan
    indices = analyze(experiment, "morris", values, runs, ("y", "z"))
    assert set(indices["outcome"]) == {"y"}
    assert len(indices) == 3


# ----------------------------------------------------------------- the command

EXPERIMENT = """\
name: Small Morris
horizon_weeks: 20
overrides: {organisation.total_staff: 60}
replications: 2
seed: 9
factors:
  levers.training_capacity: {low: 1, high: 60}
  levers.referent_share: {low: 0.0, high: 0.1}
design: {samples: 2, levels: 4, seed: 5}
outcomes: [adoption_final, training_hours_total]
weekly: [adoption]
"""


def sensitivity(*args: object):
    return invoke("sensitivity", *args)


@pytest.fixture(scope="module")
def morris_run(tmp_path_factory):
    """``transnum sensitivity --method morris`` on the small experiment, run serially."""
    folder = tmp_path_factory.mktemp("morris")
    ran = run_on_file(
        folder, "sensitivity", "morris.yaml", EXPERIMENT, "--method", "morris", "--workers", 1
    )
    return ran.result, ran.out


def test_sensitivity_command_writes_indices_and_design(morris_run):
    result, out = morris_run
    assert result.exit_code == 0, result.output
    names = ["levers.training_capacity", "levers.referent_share"]

    design = pd.read_csv(out / "design.csv")
    assert len(design) == 2 * (2 + 1)
    assert list(design.columns) == ["point", *names]
    assert design["levers.training_capacity"].between(1, 60).all()
    assert design["levers.referent_share"].between(0.0, 0.1).all()

    indices = pd.read_csv(out / "indices.csv")
    assert set(indices["parameter"]) == set(names)
    assert set(indices["outcome"]) <= {"adoption_final", "training_hours_total"}
    assert not indices.empty
    assert (indices["mu_star"] >= 0).all()

    # The saved indices are those of the saved runs and the (seeded) design.
    runs = read_runs(out)
    assert len(runs) == len(design) * 2
    experiment = Experiment.from_value(yaml.safe_load(EXPERIMENT))
    values = sample(experiment, "morris")
    expected = analyze(experiment, "morris", values, runs, tuple(indices["outcome"].unique()))
    pd.testing.assert_frame_equal(indices, expected, check_exact=False, rtol=1e-9)
    for outcome in indices["outcome"].unique():  # each under its label
        assert f"\n{words.outcome(outcome, 'en')}\n" in result.output


def test_rerun_of_a_sensitivity_run_uses_its_design_point(morris_run):
    _, out = morris_run
    runs = read_runs(out)
    for row in runs.to_dict("records"):
        again = rerun(str(out), row["run_id"])
        assert again.scenario.levers.training_capacity == pytest.approx(
            row["levers.training_capacity"]
        )
        assert again.scenario.levers.referent_share == pytest.approx(row["levers.referent_share"])


@pytest.mark.filterwarnings("ignore:Constant values encountered:UserWarning")  # the bug's indices
def test_resume_with_another_method_is_refused(morris_run, tmp_path):
    _, out = morris_run
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    experiment_file = manifest["experiment_file"]
    result = sensitivity(
        experiment_file, "--method", "sobol", "--workers", 1, "--out", copy, "--resume"
    )
    assert result.exit_code == 2, result.output


def test_sensitivity_command_refuses_a_list_factor(tmp_path):
    experiment_file = write(
        tmp_path / "levels.yaml",
        EXPERIMENT.replace(
            "  levers.referent_share: {low: 0.0, high: 0.1}\n",
            "  levers.referent_share: [0.0, 0.1]\n",
        ),
    )
    out = tmp_path / "out"
    result = sensitivity(experiment_file, "--method", "morris", "--workers", 1, "--out", out)
    assert result.exit_code == 2, result.output
    assert str(experiment_file) in result.stderr
    assert "factors.levers.referent_share" in result.stderr
    assert "{low, high} range" in result.stderr
    assert "Traceback" not in result.output
    assert not Path(out).exists()


def test_sensitivity_command_refuses_sobol_with_a_bad_sample_size(tmp_path):
    experiment_file = write(tmp_path / "sobol.yaml", EXPERIMENT.replace("samples: 2", "samples: 3"))
    result = sensitivity(
        experiment_file, "--method", "sobol", "--workers", 1, "--out", tmp_path / "o"
    )
    assert result.exit_code == 2, result.output
    assert "design.samples" in result.stderr
    assert "power of 2" in result.stderr


def test_method_defaults_to_the_design_method(tmp_path):
    experiment_file = write(
        tmp_path / "m.yaml",
        "name: m\nreplications: 1\nhorizon_weeks: 10\noverrides: {organisation.total_staff: 60}\n"
        "factors:\n  levers.manager_backing: {low: 0.1, high: 0.9}\n"
        "design: {method: morris, samples: 2}\noutcomes: [dropout_share]\n",
    )
    result = sensitivity(experiment_file, "--workers", 1, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "morris" in result.output
    manifest = (tmp_path / "out" / "manifest.json").read_text(encoding="utf-8")
    assert '"kind": "sensitivity-morris"' in manifest


def test_method_is_required_without_a_sensitivity_design(tmp_path):
    experiment_file = write(
        tmp_path / "l.yaml", "name: l\nfactors:\n  levers.manager_backing: {low: 0.1, high: 0.9}\n"
    )
    result = sensitivity(experiment_file, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "--method" in result.output
