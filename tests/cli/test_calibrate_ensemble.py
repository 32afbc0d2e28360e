"""``transnum calibrate --ensemble``: waves to a folder, resumable, and honest failure."""

import json
import shutil

import pandas as pd
import pytest
from helpers import invoke, write

from simulation.experiments.ensemble import read_ensemble

SPEC = """
name: Small ensemble
replications: 2
parameters:
  - {path: behaviour.dropout_refusal_rate, low: 0.01, high: 0.1}
  - {path: behaviour.peer_influence, low: 0.1, high: 0.5}
scenarios:
  - id: small
    overrides: {organisation.total_staff: 60, horizon_weeks: 20, rollout.start_week: 2}
patterns:
  - id: adoption
    outcome: adoption_final
    scenarios: [small]
    low: LOW
    tolerance: 0.02
    tolerance_reason: test
    source: test
  - id: split
    use: holdout
    outcome: staff_share_overwhelmed
    scenarios: [small]
    low: 0.4
    high: 0.6
    tolerance: 0.01
    tolerance_reason: test
    source: test
waves: {count: 2, points: 8, candidates: 300, members: 6, seed: 3}
"""


def calibrate(tmp_path, name="out", low="0.0", *options):
    spec = write(tmp_path / "ensemble.yaml", SPEC.replace("LOW", low))
    out = tmp_path / name
    return invoke("calibrate", "--ensemble", spec, "--out", out, *options), out


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ensemble")
    result, out = calibrate(tmp, "out", "0.0", "--workers", "1")
    assert result.exit_code == 0, result.output
    return tmp, out, result


def members(out):
    return read_ensemble(out / "ensemble.parquet").members


def test_the_folder_holds_the_waves_and_the_ensemble(done):
    _, out, result = done
    assert {"wave-01", "wave-02", "waves.parquet", "ensemble.parquet"} <= {
        p.name for p in out.iterdir()
    }
    ensemble = read_ensemble(out / "ensemble.parquet")
    assert len(ensemble) == 6  # every set is plausible with low 0: capped at members
    assert ensemble.members["weight"].sum() == pytest.approx(1.0)
    assert ensemble.provenance["method"]["cutoff"] == 3.0
    assert [p["id"] for p in ensemble.provenance["patterns"]] == ["adoption", "split"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "ensemble" and manifest["ensemble_sha256"] == ensemble.sha256
    waves = pd.read_parquet(out / "waves.parquet")
    assert len(waves) == 16 and waves["plausible"].all()
    assert "Ensemble: 6 members" in result.output


def test_processes_give_the_same_ensemble(done, tmp_path):
    _, out, _ = done
    result, other = calibrate(tmp_path, "two", "0.0", "--workers", "2")
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(members(other), members(out))


def test_resume_runs_only_what_is_missing_and_gives_the_same_ensemble(done, tmp_path):
    tmp, out, _ = done
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    shutil.rmtree(copy / "wave-02")  # as if interrupted during the second wave
    (copy / "ensemble.parquet").unlink()
    spec = tmp / "ensemble.yaml"
    result = invoke("calibrate", "--ensemble", spec, "--resume", "--out", copy, "--workers", "1")
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(members(copy), members(out))
    sessions = json.loads((copy / "wave-01" / "manifest.json").read_text())["sessions"]
    assert len(sessions) == 2 and sessions[1]["runs_written"] == 0  # wave 1 replayed


def test_resume_refuses_another_folder_or_another_file(done, tmp_path):
    tmp, out, _ = done
    plain = tmp_path / "plain"
    plain.mkdir()
    result = invoke("calibrate", "--ensemble", tmp / "ensemble.yaml", "--resume", "--out", plain)
    assert result.exit_code != 0 and "not the folder of an ensemble calibration" in result.output
    changed = write(tmp_path / "ensemble.yaml", SPEC.replace("LOW", "0.01"))
    result = invoke("calibrate", "--ensemble", changed, "--resume", "--out", out)
    assert result.exit_code != 0 and "another version of ensemble.yaml" in result.output


def test_an_impossible_pattern_reports_no_consistent_set(tmp_path):
    result, out = calibrate(tmp_path, "out", "1.5", "--workers", "1")  # adoption above 100 %
    assert result.exit_code == 1
    assert "No consistent parameter set" in result.output
    assert not (out / "ensemble.parquet").exists()
    waves = pd.read_parquet(out / "waves.parquet")  # what was computed is kept
    assert not waves["plausible"].any()
