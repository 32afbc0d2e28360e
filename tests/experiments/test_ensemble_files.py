"""Ensemble files: the calibration file (patterns, priors, scenarios) and the ensemble."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import scenario_error, write

from simulation.experiments.ensemble import Ensemble, read_ensemble, write_ensemble
from simulation.experiments.patterns import (
    EnsembleSpec,
    load_ensemble_spec,
    pattern_values,
)
from simulation.scenario.records import Scenario

ROOT = Path(__file__).resolve().parents[2]

SMALL = """
name: Small ensemble
replications: 2
parameters:
  - {path: behaviour.dropout_refusal_rate, low: 0.01, high: 0.1}
  - {path: behaviour.refusal_weeks, low: 13, high: 52}
scenarios:
  - id: small
    overrides: {organisation.total_staff: 60, horizon_weeks: 20}
patterns:
  - id: refusal
    outcome: dropout_refusal_share
    scenarios: [small]
    low: 0.0
    high: 0.5
    tolerance: 0.01
    tolerance_reason: test
    source: test
waves: {count: 2, points: 10, candidates: 200, members: 5}
"""


def test_the_project_file_loads_with_the_nine_study_cases():
    spec, scenarios = load_ensemble_spec(ROOT / "experiments" / "ensemble.yaml")
    study = [n for n in scenarios.names if n.startswith("study/")]
    assert len(study) == 9
    assert len(spec.fitted) >= 5 and len(spec.held_out) >= 2
    assert spec.bounds.shape == (len(spec.parameters), 2)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            "  - {path: behaviour.no_such_rate, low: 0, high: 1}",
            "parameters[2]",
            "no scenario parameter",
        ),
        (
            "  - {path: behaviour.strain_recovery, low: 0.2, high: 0.1}",
            "parameters[2]",
            "below high",
        ),
        ("  - {path: behaviour.strain_recovery, low: 0.1, high: 2.0}", "parameters[2]", "small"),
    ],
)
def test_bad_priors_are_named(tmp_path, change, field, words):
    text = SMALL.replace("scenarios:\n", change + "\nscenarios:\n", 1)
    error = scenario_error(load_ensemble_spec, write(tmp_path / "e.yaml", text))
    assert field in str(error) and words in str(error)
    assert "e.yaml" in str(error)


def test_unknown_keys_groups_and_outcomes_are_errors(tmp_path):
    for old, new, words in [
        ("replications: 2", "replication: 2", "replication"),
        ("scenarios: [small]", "scenarios: [smal]", "no scenario group is called 'smal'"),
        ("outcome: dropout_refusal_share", "outcome: dropout_refusals", "unknown outcome"),
        ("tolerance: 0.01", "tolerance: 0", "tolerance"),
    ]:
        error = scenario_error(
            load_ensemble_spec, write(tmp_path / "e.yaml", SMALL.replace(old, new))
        )
        assert words in str(error), (new, str(error))


def test_a_glob_that_matches_nothing_is_an_error(tmp_path):
    text = SMALL.replace("  - id: small\n", "  - id: small\n    scenario: none/*.yaml\n")
    error = scenario_error(load_ensemble_spec, write(tmp_path / "e.yaml", text))
    assert "no file matches" in str(error)


def test_pattern_values_average_scenarios_alike_and_subtract():
    spec = EnsembleSpec.from_value(
        {
            "name": "x",
            "parameters": [{"path": "behaviour.strain_recovery", "low": 0.05, "high": 0.2}],
            "scenarios": [{"id": "a"}, {"id": "b"}],
            "patterns": [
                {
                    "id": "both",
                    "outcome": "dropout_share",
                    "scenarios": ["a", "b"],
                    "low": 0,
                    "tolerance": 0.1,
                    "tolerance_reason": "t",
                    "source": "t",
                },
                {
                    "id": "diff",
                    "outcome": "dropout_share",
                    "scenarios": ["a"],
                    "minus": ["b"],
                    "low": 0,
                    "tolerance": 0.1,
                    "tolerance_reason": "t",
                    "source": "t",
                },
            ],
        }
    )
    # Set 0: scenario a has runs 0.1 and 0.3 (mean 0.2, variance 0.02), b one run 0.6.
    runs = pd.DataFrame(
        {
            "set": [0, 0, 0, 1, 1],
            "scenario": ["a", "a", "b", "a", "b"],
            "replication": [0, 1, 0, 0, 0],
            "dropout_share": [0.1, 0.3, 0.6, 0.2, np.nan],
        }
    )
    values, variances = pattern_values(runs, {"a": "a", "b": "b"}, spec.patterns)
    assert values.loc[0, "both"] == pytest.approx(0.4)  # (0.2 + 0.6) / 2, not (0.1+0.3+0.6)/3
    assert variances.loc[0, "both"] == pytest.approx((0.02 / 2) / 4)
    assert values.loc[0, "diff"] == pytest.approx(-0.4)
    assert variances.loc[0, "diff"] == pytest.approx(0.02 / 2)
    # Set 1: b is undefined (e.g. no departures to split): left out of the mean.
    assert values.loc[1, "both"] == pytest.approx(0.2)
    assert np.isnan(values.loc[1, "diff"])  # nothing to subtract: undefined
    failed = runs.assign(status=["ok", "error", "ok", "ok", "ok"])
    values, _ = pattern_values(failed, {"a": "a", "b": "b"}, spec.patterns)
    assert values.loc[0].isna().all() and values.loc[1, "both"] == pytest.approx(0.2)


def members_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "member": [0, 1, 2],
            "weight": [1 / 3] * 3,
            "behaviour.strain_recovery": [0.08, 0.1, 0.12],
            "behaviour.refusal_weeks": [20.0, 26.0, 40.0],
        }
    )


def test_ensemble_round_trip_with_provenance_and_checksum(tmp_path):
    sha = write_ensemble(tmp_path / "e.parquet", members_frame(), {"method": "test", "n": 3})
    ensemble = read_ensemble(tmp_path / "e.parquet")
    assert isinstance(ensemble, Ensemble) and len(ensemble) == 3
    assert ensemble.provenance == {"method": "test", "n": 3}
    assert ensemble.sha256 == sha
    assert ensemble.parameters == ("behaviour.strain_recovery", "behaviour.refusal_weeks")
    # Replication r uses member (r // k) mod M, whole-number fields as whole numbers.
    assert [ensemble.member_of(r, 1) for r in range(5)] == [0, 1, 2, 0, 1]
    assert [ensemble.member_of(r) for r in range(7)] == [0, 0, 1, 1, 2, 2, 0]
    scenario = ensemble.apply(Scenario(), 4, per_member=1)
    assert ensemble.apply(Scenario(), 3).behaviour.strain_recovery == 0.1  # member 1
    assert scenario.behaviour.strain_recovery == 0.1
    assert scenario.behaviour.refusal_weeks == 26 and isinstance(
        scenario.behaviour.refusal_weeks, int
    )
    # Other members, another checksum.
    write_ensemble(tmp_path / "f.parquet", members_frame().assign(weight=[0.5, 0.25, 0.25]), {})
    assert read_ensemble(tmp_path / "f.parquet").sha256 != sha


def test_bad_ensemble_files_are_named(tmp_path):
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet")
    assert "not an ensemble file" in str(scenario_error(read_ensemble, bad))
    assert "cannot read" in str(scenario_error(read_ensemble, tmp_path / "missing.parquet"))
    frame = (
        members_frame()
        .assign(weight=[0.5, 0.5, 0.5])
        .rename(columns={"behaviour.refusal_weeks": "behaviour.refusal_week"})
    )
    write_ensemble(tmp_path / "e.parquet", frame, {})
    message = str(scenario_error(read_ensemble, tmp_path / "e.parquet"))
    assert "sum to 1" in message and "'behaviour.refusal_week'" in message  # both at once
