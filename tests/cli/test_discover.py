"""``transnum discover``: PRIM boxes of a results folder's runs, told and saved.

A small sweep over the shipped ensemble (60 staff, one year, a range of training
capacities) is made once for the module; the command's boxes are checked against the
runs themselves (each box's numbers recomputed from its limits), never against
hard-coded values.
"""

from __future__ import annotations

import json
import signal

import numpy as np
import pandas as pd
import pytest
from helpers import hold_folder, invoke, write

from simulation.experiments.discovery_files import of_interest, read_discovery
from simulation.experiments.ensemble import read_ensemble
from simulation.i18n.words import phrase

SWEEP = """\
name: Discovery sweep
horizon_weeks: 52
replications: 60
seed: 3
factors:
  organisation.total_staff: [60]
  levers.training_capacity: {low: 2, high: 30}
design: {method: latin_hypercube, samples: 4}
outcomes: [adoption_final, dropout_share, rps_peak_share, weeks_to_80pct_adoption]
weekly: [adoption]
"""
THRESHOLD = "0.08"


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """A sweep's folder over the ensemble (240 runs, a few seconds)."""
    folder = tmp_path_factory.mktemp("discover")
    file = write(folder / "sweep.yaml", SWEEP)
    out = folder / "out"
    result = invoke("sweep", file, "--workers", 1, "--parameters", "ensemble", "--out", out)
    assert result.exit_code == 0, result.output
    return out


def discover(folder, *options):
    return invoke("discover", folder, "--outcome", "dropout_share", *options)


def check_boxes_against_runs(folder, limits: pd.DataFrame, outcome: str, above: float):
    """Each box's numbers, recomputed from its limits on the runs, box after box."""
    data = read_discovery(folder)
    interest = of_interest(data.runs, outcome, above=above)
    left = np.ones(len(interest), dtype=bool)
    for _, rows in limits.groupby("box", sort=True):
        inside = left.copy()
        for row in rows.itertuples():
            values = data.inputs[row.input]
            if isinstance(row.categories, str):
                inside &= values.astype(str).isin(row.categories.split("|")).to_numpy()
                continue
            if pd.notna(row.low):
                inside &= values.to_numpy() >= row.low
            if pd.notna(row.high):
                inside &= values.to_numpy() <= row.high
        first = rows.iloc[0]
        assert first["cases"] == inside.sum()
        assert first["cases_of_interest"] == interest[inside].sum()
        assert first["density"] == pytest.approx(interest[inside].mean())
        assert first["coverage"] == pytest.approx(interest[inside].sum() / interest.sum())
        assert first["mass"] == pytest.approx(inside.sum() / len(interest))
        left &= ~inside


def test_discover_on_a_sweep_over_the_ensemble_tells_and_saves_its_boxes(swept):
    result = discover(swept, "--above", THRESHOLD, "--lang", "en")
    assert result.exit_code == 0, result.output
    record = json.loads((swept / "discovery.json").read_text(encoding="utf-8"))
    limits = pd.read_csv(swept / "discovery.csv")
    # Inputs: the sweep's factors and the calibrated parameters of each run's member.
    ensemble = read_ensemble()
    assert "levers.training_capacity" in record["inputs"]
    assert set(ensemble.parameters) <= set(record["inputs"])
    runs = pd.read_csv(swept / "runs.csv")
    assert record["runs"] == len(runs)
    assert record["runs_of_interest"] == int((runs["dropout_share"] > float(THRESHOLD)).sum())
    assert record["above"] == float(THRESHOLD) and record["below"] is None
    # Training capacity from 2 to 30 trainer hours a week moves dropout: a box is found,
    # and its numbers are those of its limits on the runs.
    assert record["boxes"], result.output
    assert set(limits["box"]) == {box["number"] for box in record["boxes"]}
    check_boxes_against_runs(swept, limits, "dropout_share", float(THRESHOLD))
    # Printed: the table's header and the sentences, in the language asked.
    assert phrase("discover.column.coverage", "en") in result.output
    for sentence in record["sentences"]["en"]:
        assert sentence in result.output
    assert len(record["sentences"]["fr"]) == len(record["boxes"])
    assert record["sentences"]["fr"][0].startswith("Quand")
    assert f"wrote {swept / 'discovery.json'}" in result.output


def test_with_the_scenarios_own_parameters_the_inputs_are_the_factors(tmp_path):
    file = write(tmp_path / "sweep.yaml", SWEEP.replace("replications: 60", "replications: 10"))
    out = tmp_path / "out"
    made = invoke("sweep", file, "--workers", 1, "--parameters", "default", "--out", out)
    assert made.exit_code == 0, made.output
    result = discover(out, "--above", THRESHOLD, "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["inputs"] == ["organisation.total_staff", "levers.training_capacity"]
    check_boxes_against_runs(
        out, pd.read_csv(out / "discovery.csv"), "dropout_share", float(THRESHOLD)
    )


def test_json_inputs_and_out_options(swept, tmp_path):
    out = tmp_path / "elsewhere"
    before = sorted(p.name for p in swept.iterdir())
    result = discover(
        swept, "--above", THRESHOLD, "--inputs", "levers.training_capacity", "--json", "--out", out
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record == json.loads((out / "discovery.json").read_text(encoding="utf-8"))
    assert record["inputs"] == ["levers.training_capacity"]
    assert all(
        limit["input"] == "levers.training_capacity"
        for box in record["boxes"]
        for limit in box["limits"]
    )
    assert (out / "discovery.csv").exists()
    assert sorted(p.name for p in swept.iterdir()) == before  # the results folder untouched
    french = discover(
        swept, "--above", THRESHOLD, "--max-boxes", 1, "--out", tmp_path / "fr", "--lang", "fr"
    )
    assert french.exit_code == 0, french.output
    again = json.loads((tmp_path / "fr" / "discovery.json").read_text(encoding="utf-8"))
    assert len(again["boxes"]) <= 1 and again["settings"]["max_boxes"] == 1
    assert again["sentences"]["fr"][0] in french.output


def test_bad_outcomes_inputs_and_thresholds_are_refused_plainly(swept, tmp_path):
    typo = invoke("discover", swept, "--outcome", "dropout_shar", "--above", "0.1")
    assert typo.exit_code == 2
    assert "did you mean 'dropout_share'?" in typo.output
    assert "adoption_final" in typo.output  # the known outcomes are listed
    not_kept = invoke("discover", swept, "--outcome", "efficiency_gain", "--above", "1")
    assert not_kept.exit_code == 2 and "not kept per run" in not_kept.output
    wrong_input = discover(swept, "--above", "0.1", "--inputs", "levers.training_capasity")
    assert wrong_input.exit_code == 2
    assert "did you mean 'levers.training_capacity'?" in wrong_input.output
    both = discover(swept, "--above", "0.1", "--below", "0.2")
    neither = discover(swept)
    assert both.exit_code == neither.exit_code == 2
    assert "give one of --above V or --below V" in both.output
    dropout = pd.read_csv(swept / "runs.csv")["dropout_share"]
    none = discover(swept, "--above", dropout.max() + 0.1)
    assert none.exit_code == 2
    assert f"no run has dropout_share above {dropout.max() + 0.1:g}" in none.stderr
    assert "nothing to explain, no box" in none.stderr
    every = discover(swept, "--below", dropout.max() + 0.1)
    assert every.exit_code == 2
    assert f"all {len(dropout):,} runs have dropout_share below" in every.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder in (empty, tmp_path / "missing"):
        result = discover(folder, "--above", "0.1")
        assert result.exit_code == 2
        assert f"error: {folder}: is not a transnum results folder" in result.stderr
    assert not (empty / "discovery.json").exists()


def test_a_run_or_calibration_folder_is_not_for_discovery(tmp_path):
    run = invoke("run", "--weeks", 4, "--out", tmp_path / "run")
    assert run.exit_code == 0, run.output
    result = discover(tmp_path / "run", "--above", "0.1")
    assert result.exit_code == 2
    assert "holds no runs with inputs that vary" in result.stderr


def test_a_folder_another_process_writes_is_refused(swept):
    holder = hold_folder(swept)
    try:
        result = discover(swept, "--above", THRESHOLD)
        assert result.exit_code == 1, result.output
        assert "results folder in use" in result.stderr
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()


def test_discover_on_a_comparison_searches_the_strategy_and_the_parameters(tmp_path):
    scenario = write(tmp_path / "tiny.yaml", "name: tiny\norganisation: {total_staff: 60}\n")
    out = tmp_path / "compare"
    made = invoke(
        "compare", scenario, "--weeks", 52, "--replications", 40, "--workers", 1, "--out", out
    )
    assert made.exit_code == 0, made.output
    result = invoke(
        "discover", out, "--outcome", "rps_peak_share", "--above", "0.05", "--lang", "en"
    )
    assert result.exit_code == 0, result.output
    record = json.loads((out / "discovery.json").read_text(encoding="utf-8"))
    assert record["inputs"][0] == "rollout.strategy"
    assert set(read_ensemble().parameters) <= set(record["inputs"])
    assert record["boxes"], result.output  # big bang's strain peak stands out
    check_boxes_against_runs(out, pd.read_csv(out / "discovery.csv"), "rps_peak_share", 0.05)


def test_discover_on_a_sensitivity_analysis(tmp_path):
    experiment = write(
        tmp_path / "morris.yaml",
        "name: morris\nhorizon_weeks: 40\nreplications: 4\nseed: 2\n"
        "overrides: {organisation.total_staff: 60}\n"
        "factors: {levers.training_capacity: {low: 2, high: 30}}\n"
        "design: {method: morris, samples: 10, levels: 4, seed: 1}\n"
        "outcomes: [dropout_share]\nweekly: [adoption]\n",
    )
    out = tmp_path / "out"
    made = invoke("sensitivity", experiment, "--workers", 1, "--out", out)
    assert made.exit_code == 0, made.output
    runs = pd.read_csv(out / "runs.csv")
    median = float(runs["dropout_share"].median())
    result = invoke("discover", out, "--outcome", "dropout_share", "--above", median)
    assert result.exit_code == 0, result.output
    record = json.loads((out / "discovery.json").read_text(encoding="utf-8"))
    assert record["runs"] == len(runs)
    assert "levers.training_capacity" in record["inputs"]
    assert record["boxes"], result.output
    check_boxes_against_runs(out, pd.read_csv(out / "discovery.csv"), "dropout_share", median)
