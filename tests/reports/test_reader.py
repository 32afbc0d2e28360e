"""Reading results folders back (simulation/reports/reader.py), on the shared folders."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from simulation.cli import main
from simulation.reports.reader import KINDS, kind_of, read_results
from simulation.scenario.schema import ScenarioError

TABLES = {
    "run": {"summary", "timeseries", "schedule", "staff", "ties", "snapshots"},
    "compare": {"summary", "timeseries", "schedule", "runs", "paired", "snapshots"},
    "sweep": {"runs", "points", "point_summary", "paired"},
    "sensitivity": {"runs", "points", "point_summary", "indices"},
    "calibrate": {"runs", "calibration"},
}
"""Tables each kind of folder must give (the others may be None)."""


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_folder_is_recognised_with_its_tables(folders, kind):
    assert kind_of(folders[kind]) == kind
    results = read_results(folders[kind])
    assert results.kind == kind and results.folder == folders[kind]
    for name in TABLES[kind]:
        assert getattr(results, name) is not None, name
    manifest = json.loads((folders[kind] / "manifest.json").read_text(encoding="utf-8"))
    assert results.manifest == manifest
    # The resolved scenario or the experiment file (a calibration keeps its targets).
    assert bool(results.scenario_text) == (kind != "calibrate")


def test_strategies_and_factors(compare, run, sweep):
    assert compare.strategies == ["big_bang", "small_steps", "short_cycle"]
    assert run.factors == [] and compare.factors == []
    assert sweep.factors == ["levers.training_capacity", "rollout.strategy"]
    weekly = sweep.sweep_weekly()
    assert {"run_id", "week", "adoption"} <= set(weekly.columns)
    assert len(weekly) == len(sweep.runs) * 61  # weeks 0..60 of every run


def test_a_folder_that_is_not_results_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="not a transnum results folder"):
        read_results(tmp_path)
    with pytest.raises(ScenarioError, match="no such results folder"):
        read_results(tmp_path / "nowhere")
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ScenarioError, match="unknown kind"):
        read_results(tmp_path)
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_a_damaged_folder_is_refused(folders, tmp_path):
    damaged = shutil.copytree(folders["compare"], tmp_path / "compare")
    (damaged / "timeseries.parquet").write_bytes(b"not parquet")
    with pytest.raises(ScenarioError, match="timeseries.parquet: is damaged"):
        read_results(damaged)
