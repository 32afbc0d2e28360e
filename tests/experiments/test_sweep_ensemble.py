"""Sweeps over the ensemble: factors kept, the ensemble recorded, resumed and re-run."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from helpers import invoke, write

from simulation.experiments.ensemble import read_ensemble, write_ensemble
from simulation.experiments.rerun import rerun
from simulation.experiments.store import read_runs
from simulation.model.outcomes import flatten
from simulation.scenario.errors import ScenarioError

SWEEP = """\
name: Ensemble sweep
horizon_weeks: 20
replications: 4
seed: 5
factors:
  organisation.total_staff: [60]
  behaviour.strain_recovery: [0.05, 0.15]
outcomes: [adoption_final, dropout_share, rps_peak_share]
weekly: [adoption]
"""


def own_ensemble(path, refusal=(10, 26, 40)) -> str:
    members = pd.DataFrame(
        {
            "member": [0, 1, 2],
            "weight": [1 / 3] * 3,
            "behaviour.strain_recovery": [0.03, 0.1, 0.2],
            "behaviour.refusal_weeks": list(refusal),
        }
    )
    return write_ensemble(path, members, {"method": "test"})


def sweep(tmp_path, *options):
    file = write(tmp_path / "sweep.yaml", SWEEP)
    out = tmp_path / "out"
    result = invoke("sweep", file, "--workers", 1, "--out", out, *options)
    return result, file, out


def test_a_factor_keeps_its_value_and_the_ensemble_gives_the_rest(tmp_path):
    sha = own_ensemble(tmp_path / "e.parquet")
    result, _, out = sweep(tmp_path, "--parameters", tmp_path / "e.parquet")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["sha256"] == sha
    assert manifest["parameters"]["kept"] == ["behaviour.strain_recovery"]
    runs = read_runs(out)
    assert runs.groupby("point")["member"].apply(list).tolist() == [[0, 0, 1, 1]] * 2
    # The factor's value held at each point (each run re-made alone from the folder).
    ensemble = read_ensemble(tmp_path / "e.parquet")
    for row in runs.itertuples():
        again = rerun(str(out), row.run_id)
        factor = runs.at[row.Index, "behaviour.strain_recovery"]
        assert again.scenario.behaviour.strain_recovery == factor
        member = ensemble.overrides(row.member)
        assert again.scenario.behaviour.refusal_weeks == member["behaviour.refusal_weeks"]
        assert flatten(again.summary)["dropout_share"] == row.dropout_share
    summary = pd.read_csv(out / "summary.csv")
    assert {"members", "spread_low", "spread_high", "parameter_share"} <= set(summary.columns)
    assert (summary["members"] == 2).all()


def test_a_resume_with_another_ensemble_is_refused_and_a_changed_file_is_named(tmp_path):
    own_ensemble(tmp_path / "e.parquet")
    result, file, out = sweep(tmp_path, "--parameters", tmp_path / "e.parquet")
    assert result.exit_code == 0, result.output
    other = invoke("sweep", file, "--workers", 1, "--out", out, "--resume")  # shipped one
    assert other.exit_code != 0
    assert "resume with the same --parameters" in other.output
    again = invoke(
        "sweep",
        file,
        "--workers",
        1,
        "--out",
        out,
        "--resume",
        "--parameters",
        tmp_path / "e.parquet",
    )
    assert again.exit_code == 0, again.output
    # The ensemble file changed since: a run cannot be re-made with it, and says so.
    own_ensemble(tmp_path / "e.parquet", refusal=(11, 26, 40))
    with pytest.raises(ScenarioError, match="has changed since") as info:
        rerun(str(out), read_runs(out)["run_id"].iloc[0])
    assert str(out) in str(info.value)


def test_default_parameters_record_no_member(tmp_path):
    result, _, out = sweep(tmp_path, "--parameters", "default")
    assert result.exit_code == 0, result.output
    assert read_runs(out)["member"].isna().all()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"] == {"source": "default"}
    assert "members" not in pd.read_csv(out / "summary.csv").columns
