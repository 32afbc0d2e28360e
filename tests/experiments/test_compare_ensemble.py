"""A comparison over the ensemble: members, pairing, executors, folder and report."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from helpers import invoke

from simulation.experiments.ensemble import read_ensemble, write_ensemble
from simulation.experiments.parameters import ParameterDraw, choose_parameters
from simulation.experiments.runner import compare_strategies, run_scenario
from simulation.i18n.words import phrase, typography
from simulation.reports.compare_text import compare_summary
from simulation.scenario.records import Scenario


def small() -> Scenario:
    """A small commune (90 staff, 30 weeks): quick runs."""
    return Scenario.from_value(
        {
            "name": "Petite commune",
            "horizon_weeks": 30,
            "organisation": {
                "services": [
                    {"name": "accueil", "headcount": 30},
                    {"name": "finances", "headcount": 25},
                    {"name": "technique", "headcount": 35},
                ],
                "relations": [],
            },
            "tools": [{"name": "gestion", "samr": "modification", "services": "all"}],
        }
    )


def own_ensemble(path) -> str:
    """Three members far apart in strain recovery and refusal; the file's SHA-256."""
    members = pd.DataFrame(
        {
            "member": [0, 1, 2],
            "weight": [1 / 3] * 3,
            "behaviour.strain_recovery": [0.03, 0.1, 0.2],
            "behaviour.refusal_weeks": [10, 26, 40],
        }
    )
    return write_ensemble(path, members, {"method": "test"})


def stable(comparison) -> pd.DataFrame:
    return comparison.runs_table().drop(columns="wall_s")


def test_each_replication_runs_its_member_s_parameters_under_every_strategy(tmp_path):
    own_ensemble(tmp_path / "e.parquet")
    draw = choose_parameters(str(tmp_path / "e.parquet"), per_member=2)
    comparison = compare_strategies(
        small(), ("big_bang", "short_cycle"), replications=6, parameters=draw
    )
    runs = comparison.runs_table()
    # Replication r uses member (r // 2) mod 3, the same under both strategies.
    assert runs["member"].tolist() == [0, 0, 1, 1, 2, 2] * 2
    # Each run is the one-off run of its member's scenario with its replication's seed.
    ensemble = read_ensemble(tmp_path / "e.parquet")
    for run in comparison.runs[::5]:
        alone = run_scenario(
            ensemble.apply(run.scenario, run.replication), replication=run.replication
        )
        pd.testing.assert_frame_equal(alone.timeseries, run.timeseries)
        assert (
            run.scenario.behaviour.strain_recovery
            == ensemble.overrides(run.member)["behaviour.strain_recovery"]
        )


def test_results_over_the_ensemble_are_the_same_serially_on_processes_and_on_dask():
    draw = choose_parameters()  # the shipped ensemble
    common = {"replications": 4, "parameters": draw}
    serial = compare_strategies(small(), workers=1, **common)
    processes = compare_strategies(small(), workers=2, **common)
    dask = compare_strategies(small(), scheduler="local", workers=2, **common)
    pd.testing.assert_frame_equal(stable(serial), stable(processes))
    pd.testing.assert_frame_equal(stable(serial), stable(dask))
    assert serial.summary() == dask.summary()


def test_the_ensemble_changes_the_answer_and_default_keeps_one_set():
    default = compare_strategies(small(), ("big_bang",), replications=4)
    over = compare_strategies(
        small(), ("big_bang",), replications=4, parameters=choose_parameters()
    )
    assert "member" not in default.runs_table()
    assert set(default.summary()["big_bang"]["dropout_share"]) == {"mean", "ci_low", "ci_high", "n"}
    # Same seeds, other parameters: other runs.
    columns = ["adoption_final", "weeks_to_50pct_adoption", "acculturation_final"]
    assert not np.allclose(default.runs_table()[columns], over.runs_table()[columns])


def test_what_an_experiment_sets_itself_is_kept():
    draw = choose_parameters().keeping({"behaviour.strain_recovery"})
    scenario = small().override({"behaviour.strain_recovery": 0.33})
    for replication in range(4):
        made = draw.scenario(scenario, replication)
        assert made.behaviour.strain_recovery == 0.33
        member = draw.ensemble.overrides(draw.member(replication))
        assert made.behaviour.refusal_weeks == member["behaviour.refusal_weeks"]
    # The same object for the runs of one member (their set-up is shared in a batch).
    assert draw.scenario(scenario, 0) is draw.scenario(scenario, 1)
    assert draw.differences(scenario) == []  # kept: not replaced
    plain = choose_parameters()
    assert plain.differences(scenario) == ["behaviour.strain_recovery"]
    assert ParameterDraw(None).scenario(scenario, 3) is scenario


def test_the_folder_records_the_ensemble_s_checksum_and_a_changed_file_shows(tmp_path):
    sha = own_ensemble(tmp_path / "e.parquet")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: Petite\nhorizon_weeks: 20\n", encoding="utf-8")
    out = tmp_path / "out"
    options = ("--replications", 4, "--workers", 1, "--parameters", tmp_path / "e.parquet")
    result = invoke("compare", scenario, *options, "--out", out)
    assert result.exit_code == 0, result.output
    assert "2 of its 3 plausible sets" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["sha256"] == sha
    assert manifest["parameters"]["members"] == 3 and manifest["parameters"]["per_member"] == 2
    first = pd.read_csv(out / "first_shares.csv")
    assert np.allclose(first.groupby("outcome")["share"].sum(), 1.0)
    runs = pd.read_csv(out / "runs.csv")
    assert runs.groupby("strategy")["member"].apply(list).map(tuple).nunique() == 1  # paired
    # Another file, another checksum: a folder says which ensemble it used.
    members = read_ensemble(tmp_path / "e.parquet").members.assign(
        **{"behaviour.refusal_weeks": [11, 26, 40]}
    )
    assert write_ensemble(tmp_path / "f.parquet", members, {}) != sha


def test_the_report_says_how_robust_each_conclusion_is_in_both_languages(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: Petite\nhorizon_weeks: 40\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("compare", scenario, "--replications", 6, "--workers", 1, "--out", out)
    assert result.exit_code == 0, result.output
    assert "Over the plausible parameter sets" in result.stdout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    recommended = compare_summary(summary["strategies"], None, "en")["choice"] is not None
    for lang, words in (("fr", "des jeux de paramètres plausibles"), ("en", "of the plausible")):
        report = tmp_path / f"r-{lang}.html"
        done = invoke("report", out, "--lang", lang, "--out", report)
        assert done.exit_code == 0, done.output
        html = report.read_text(encoding="utf-8")
        # With a recommended strategy, how robust its edge is; without (40 weeks are
        # short), that none is weighed as a recommendation, and each one's spread.
        none = typography(phrase("report.compare.robust.none", lang), lang)
        assert (words in html) if recommended else (none in html)
        assert ("Solidité des conclusions" in html) == (lang == "fr")


def test_a_missing_ensemble_file_is_named_and_nothing_is_left(tmp_path):
    out = tmp_path / "out"
    result = invoke("compare", "--parameters", tmp_path / "none.parquet", "--out", out)
    assert result.exit_code != 0
    assert "none.parquet" in result.output and "cannot read the ensemble" in result.output
    assert not out.exists()


@pytest.mark.parametrize("per_member", [0])
def test_per_member_must_be_at_least_one(per_member):
    with pytest.raises(ValueError, match="at least 1"):
        choose_parameters("default", per_member)


def test_precision_over_the_ensemble_needs_two_parameter_sets_before_an_interval():
    # Two replications share one member: no interval over the parameters can be
    # estimated yet, so precision asks for more until there are two members.
    comparison = compare_strategies(
        small(),
        ("big_bang",),
        replications=2,
        precision={"dropout_share": 1.0},  # any interval meets it
        max_replications=8,
        parameters=choose_parameters(),
    )
    assert comparison.replications == 3
    stat = comparison.summary()["big_bang"]["dropout_share"]
    assert stat["members"] == 2 and stat["n"] == 3


def test_a_folder_of_another_version_of_the_shipped_ensemble_is_noted(tmp_path):
    from simulation.reports.reader import read_results

    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: Petite\nhorizon_weeks: 10\n", encoding="utf-8")
    out = tmp_path / "out"
    options = ("--strategies", "big_bang", "--replications", 2, "--workers", 1)
    assert invoke("compare", scenario, *options, "--out", out).exit_code == 0
    assert not any("another version" in n for n in read_results(out).notes)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["parameters"]["sha256"] = "0" * 64  # as if the shipped file had changed since
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    notes = read_results(out).notes
    assert any("another version of the shipped ensemble" in n for n in notes)
