"""Calibration files: validation, runs, the met/unmet verdicts and the command."""

import json
from pathlib import Path

import helpers
import pytest
from helpers import invoke, scenario_error

from simulation.experiments.calibration import FLAT_OUTCOMES, load_calibration, run_calibration
from simulation.scenario.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]

SMALL = """
name: Small calibration
replications: 3
seed: 5
targets:
  - id: share
    source: test
    outcome: staff_share_overwhelmed
    low: 0.4
    high: 0.6
    overrides: {organisation.total_staff: 120, horizon_weeks: 30}
  - id: impossible
    source: test
    outcome: adoption_final
    low: 2.0
    overrides: {organisation.total_staff: 120, horizon_weeks: 30}
  - id: other_scenario
    source: test
    outcome: dropout_share
    high: 1.0
    overrides: {organisation.total_staff: 150, horizon_weeks: 30}
"""


def write(tmp_path: Path, text: str, name: str = "calibration.yaml") -> Path:
    return helpers.write(tmp_path / name, text)


def error_of(tmp_path: Path, text: str) -> ScenarioError:
    return scenario_error(load_calibration, write(tmp_path, text))


def test_shipped_calibration_file_loads():
    calibration, scenarios = load_calibration(ROOT / "experiments" / "calibration.yaml")
    assert len(scenarios) == len(calibration.targets) >= 7
    assert all(t.outcome in FLAT_OUTCOMES for t in calibration.targets)
    assert all(t.source for t in calibration.targets)


def test_runs_are_shared_and_verdicts_follow_the_ranges(tmp_path):
    calibration, scenarios = load_calibration(write(tmp_path, SMALL))
    targets, runs = run_calibration(calibration, scenarios)
    # Two distinct scenarios (the first two targets share one), three runs each.
    assert len(runs) == 2 * 3
    by_id = targets.set_index("id")
    assert by_id.loc["share", "scenario"] == by_id.loc["impossible", "scenario"]
    share = runs.loc[runs["scenario"] == by_id.loc["share", "scenario"], "staff_share_overwhelmed"]
    assert by_id.loc["share", "mean"] == pytest.approx(share.mean())
    assert by_id.loc["share", "n"] == 3
    assert by_id.loc["share", "met"] and not by_id.loc["impossible", "met"]
    assert by_id.loc["other_scenario", "met"]
    assert (
        by_id.loc["share", "ci_low"] <= by_id.loc["share", "mean"] <= by_id.loc["share", "ci_high"]
    )


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        (
            "name: x\ntargets:\n  - {id: a, source: s, outcome: dropout_shar, high: 1}\n",
            "targets[0].outcome",
            "did you mean 'dropout_share'",
        ),
        (
            "name: x\ntargets:\n  - {id: a, source: s, outcome: dropout_share}\n",
            "targets[0].low",
            "give low, high or both",
        ),
        (
            "name: x\ntargets:\n  - {id: a, source: s, outcome: dropout_share, low: 2, high: 1}\n",
            "targets[0].low",
            "above high",
        ),
        (
            "name: x\ntargets:\n  - {id: a, source: s, outcome: dropout_share, high: 1}\n"
            "  - {id: a, source: s, outcome: dropout_share, high: 1}\n",
            "targets[1].id",
            "listed twice",
        ),
        (
            "name: x\ntargets:\n  - {id: a, source: s, outcome: dropout_share, high: 1,"
            " overrides: {levers.trainig_capacity: 3}}\n",
            "targets[0].overrides.levers.trainig_capacity",
            "did you mean 'training_capacity'",
        ),
        (
            "name: x\ntargets:\n  - {id: a, source: s, outcome: dropout_share, high: 1,"
            " scenario: missing.yaml}\n",
            "",
            "file not found",
        ),
        ("name: x\nreplications: 1\ntargets: []\n", "replications", "out of range"),
        (
            "name: x\ntargets:\n"
            "  - {id: a, source: s, outcome: dropout_share, high: 1, colour: 2}\n",
            "targets[0].colour",
            "unknown key",
        ),
    ],
)
def test_bad_calibration_files_give_one_clear_error(tmp_path, text, path, words):
    error = error_of(tmp_path, text)
    assert words in str(error)
    assert path in str(error)
    assert "calibration.yaml" in str(error) or "missing.yaml" in str(error)


def test_calibrate_command(tmp_path):
    calibration = write(tmp_path, SMALL)
    out = tmp_path / "out"
    result = invoke("calibrate", calibration, "--workers", 1, "--out", out)
    assert result.exit_code == 0, result.output
    assert "impossible" in result.output and "NO" in result.output
    records = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in records] == ["share", "impossible", "other_scenario"]
    assert {"calibration.csv", "runs.csv", "manifest.json"} <= {p.name for p in out.iterdir()}
    strict = invoke("calibrate", calibration, "--workers", 1, "--out", tmp_path / "o2", "--strict")
    assert strict.exit_code == 1


def test_calibrate_command_refuses_a_bad_file(tmp_path):
    bad = write(tmp_path, "name: x\ntargets: 3\n")
    result = invoke("calibrate", bad, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "targets" in result.output and "Traceback" not in result.output
