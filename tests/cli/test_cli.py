"""Tests of the ``transnum`` command (simulation/cli/) through click's CliRunner.

One test calls the installed console script in a real subprocess. Runs use a small
organisation (120 staff) and short horizons; results go to tmp_path, and the
default results folder is checked from a temporary current directory.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import subprocess
import sysconfig
import time
import types
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pytest
from click.testing import Result
from helpers import invoke, run_on_file, write

from simulation.experiments import folders as new_folders
from simulation.experiments.runner import COMPARED_STRATEGIES
from simulation.i18n.words import text
from simulation.model.outcomes import ORGANISATION_ONLY, OUTCOMES, PROFILE_ONLY
from simulation.model.strategies import shortfall
from simulation.scenario.loading import load_scenario
from simulation.scenario.profiles import PROFILES

# The console script installed with this interpreter (its scripts folder first, then PATH).
SCRIPTS = os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])
TRANSNUM = shutil.which("transnum", path=SCRIPTS) or "transnum"
SMALL = "name: Petite commune\norganisation:\n  total_staff: 120\nhorizon_weeks: 40\n"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_bad_input(result: Result) -> None:
    """Exit status 2, a message on stderr, and no traceback anywhere."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


@pytest.fixture
def small_file(tmp_path) -> Path:
    return write(tmp_path / "small.yaml", SMALL)


# --------------------------------------------------------------------------- version, validate


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"transnum, version {version('transnum')}"


def test_help_lists_the_commands():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("run", "compare", "validate", "bench"):
        assert command in result.output


def test_validate_ok_files(tmp_path, small_file):
    empty = write(tmp_path / "empty.yaml", "")
    result = invoke("validate", str(small_file), str(empty))
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"ok: {small_file}: Petite commune (120 staff")
    assert "40 weeks" in lines[0]
    assert lines[1].startswith(f"ok: {empty}: ")
    assert "500 staff" in lines[1]
    # stderr may only carry notes about the plan, never errors
    assert all(line.startswith("note: ") for line in result.stderr.splitlines())


def notes_of(result: Result) -> dict[str, list[str]]:
    """The notes a command printed, by strategy (``note: small steps: ...``)."""
    code = {text(name, "en"): name for name in ("big_bang", "small_steps", "short_cycle", "custom")}
    found: dict[str, list[str]] = {}
    for line in result.stderr.splitlines():
        if line.startswith("note: "):
            strategy, note = line.removeprefix("note: ").split(": ", 1)
            found.setdefault(code.get(strategy, strategy), []).append(note)
    return found


def test_validate_notes_the_go_lives_each_strategy_cannot_deliver(tmp_path):
    # 40 weeks: big bang delivers, small steps and short cycles cannot; the custom plan
    # leaves every tool but the first in no wave.
    waves = "rollout:\n  strategy: small_steps\n  waves: [{week: 5, tools: [ged_courrier]}]\n"
    file = write(tmp_path / "short.yaml", SMALL + waves)
    result = invoke("validate", str(file))
    assert result.exit_code == 0, result.output  # notes are not errors
    assert result.stdout.startswith(f"ok: {file}: ")
    scenario = load_scenario(file)
    notes = notes_of(result)
    for strategy in ("big_bang", "small_steps", "short_cycle", "custom"):
        expected = shortfall(scenario.with_strategy(strategy))
        assert notes.get(strategy, []) == expected.notes("en"), strategy
    assert "big_bang" not in notes
    for strategy in ("small_steps", "short_cycle", "custom"):  # each with its count
        expected = shortfall(scenario.with_strategy(strategy))
        counted = f"{expected.missing} of {expected.target}"
        assert expected.missing > 0 and any(counted in note for note in notes[strategy])
    # Without waves, no custom plan to check.
    result = invoke("validate", str(write(tmp_path / "plain.yaml", SMALL)))
    assert set(notes_of(result)) == {"small_steps", "short_cycle"}


def test_validate_bad_files_one_line_each(tmp_path, small_file):
    unknown = write(tmp_path / "unknown.yaml", "levers:\n  trainng_capacity: 3\n")
    broken = write(tmp_path / "broken.yaml", "horizon_weeks: 3\n  seed: 2\n")
    missing = tmp_path / "missing.yaml"
    result = invoke("validate", str(unknown), str(small_file), str(broken), str(missing))
    assert_bad_input(result)
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith(("error: ", "note: ")) for line in lines)
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 3
    assert errors[0].startswith(f"error: {unknown}: levers.trainng_capacity: ")
    assert "did you mean 'training_capacity'" in errors[0]
    assert errors[1].startswith(f"error: {broken}: not valid YAML")
    assert "line 2" in errors[1]
    assert errors[2].startswith(f"error: {missing}: file not found")
    ok_lines = result.stdout.strip().splitlines()
    assert len(ok_lines) == 1
    assert ok_lines[0].startswith(f"ok: {small_file}: ")


def test_validate_file_with_a_huge_number_fails_cleanly(tmp_path):
    bad = write(tmp_path / "huge.yaml", "levers:\n  training_capacity: 1" + "0" * 400 + "\n")
    result = invoke("validate", str(bad))
    assert result.exit_code == 2
    assert f"error: {bad}: levers.training_capacity" in result.stderr


def test_validate_needs_a_file():
    result = invoke("validate")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_installed_console_script_validate_bad_file(tmp_path):
    bad = write(tmp_path / "bad.yaml", "horizon_weeks: 40\nlevers:\n  trainng_capacity: 3\n")
    completed = subprocess.run(
        [str(TRANSNUM), "validate", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {bad}: levers.trainng_capacity: ")
    assert "did you mean 'training_capacity'" in lines[0]
    assert "Traceback" not in completed.stderr


# --------------------------------------------------------------------------- run

RUN_WEEKS = 12


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """One ``transnum run`` of the small scenario, shared by the tests that read its files."""
    folder = tmp_path_factory.mktemp("run")
    return run_on_file(folder, "run", "small.yaml", SMALL, "--weeks", RUN_WEEKS)


def test_run_exits_zero_and_prints_the_summary_table(small_run):
    result = small_run.result
    assert result.exit_code == 0, result.output
    assert result.exception is None
    first = result.stdout.splitlines()[0]
    assert first.startswith("Petite commune: strategy short cycles, 120 staff, 12 weeks")
    assert "root seed 2018" in first
    header = next(line for line in result.stdout.splitlines() if line.startswith("outcome"))
    assert header.split() == ["outcome", "all", "staff", *(text(p, "en") for p in PROFILES)]
    for label in ("adoption at the end", "weeks to 50 % adoption", "dropout (left or mobility)"):
        assert label in result.stdout
    last = result.stdout.rstrip().splitlines()[-2:]
    assert last == [f"Results written to {small_run.out}", f"Next: transnum report {small_run.out}"]


def test_run_writes_every_result_file(small_run):
    names = {p.name for p in small_run.out.iterdir()}
    assert names == {
        "summary.json",
        "timeseries.parquet",
        "timeseries.csv",
        "schedule.csv",
        "scenario.yaml",
        "manifest.json",
        "staff.parquet",
        "ties.parquet",
        "snapshots.parquet",
        "figure.png",
    }


def test_run_summary_json(small_run):
    summary = json.loads((small_run.out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary) >= set(OUTCOMES + ORGANISATION_ONLY)
    assert set(summary["by_profile"]) == set(PROFILES)
    for profile in PROFILES:
        assert set(summary["by_profile"][profile]) >= set(OUTCOMES + PROFILE_ONLY)
    assert 0 <= summary["adoption_final"] <= 1
    assert 0 <= summary["dropout_share"] <= 1
    assert 0 <= summary["rps_peak_share"] <= 1
    for key in ("weeks_to_50pct_adoption", "weeks_to_80pct_adoption"):
        assert summary[key] is None or 0 <= summary[key] <= RUN_WEEKS


def test_run_timeseries_parquet_and_csv_hold_the_same_rows(small_run):
    parquet = pd.read_parquet(small_run.out / "timeseries.parquet")
    csv = pd.read_csv(small_run.out / "timeseries.csv")
    assert parquet["week"].tolist() == list(range(RUN_WEEKS + 1))
    assert list(csv.columns) == list(parquet.columns)
    pd.testing.assert_frame_equal(csv, parquet, check_dtype=False)
    summary = json.loads((small_run.out / "summary.json").read_text(encoding="utf-8"))
    assert parquet["adoption"].iloc[-1] == pytest.approx(summary["adoption_final"])


def test_run_schedule_lists_the_target_pairs(small_run):
    schedule = pd.read_csv(small_run.out / "schedule.csv")
    assert list(schedule.columns) == ["service", "tool", "go_live_week"]
    scenario = load_scenario(small_run.out / "scenario.yaml")
    expected = {
        (service, tool.name)
        for tool in scenario.tools
        for service in scenario.target_services(tool)
    }
    assert set(zip(schedule["service"], schedule["tool"], strict=True)) == expected
    weeks = schedule["go_live_week"].dropna()
    assert ((weeks >= 0) & (weeks <= RUN_WEEKS)).all()


def test_run_scenario_yaml_loads_back_to_the_scenario_run(small_run):
    saved = load_scenario(small_run.out / "scenario.yaml")
    expected = load_scenario(small_run.file).override({"horizon_weeks": RUN_WEEKS})
    assert saved == expected
    assert saved.organisation.total_staff == 120


def test_run_manifest(small_run):
    manifest = json.loads((small_run.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["versions"]["transnum"] == version("transnum")
    assert manifest["versions"]["mesa"] == version("mesa")
    assert manifest["versions"]["numpy"] == version("numpy")
    assert manifest["versions"]["python"] == platform.python_version()
    assert manifest["seeds"]["root_seed"] == 2018
    assert manifest["seeds"]["replication"] == 0
    assert manifest["seeds"]["spawn_key"] == [0]
    assert manifest["command"].startswith("transnum")
    assert isinstance(manifest["wall_s"], (int, float)) and manifest["wall_s"] >= 0
    datetime.datetime.fromisoformat(manifest["created"])


def test_run_figure_is_a_png(small_run):
    data = (small_run.out / "figure.png").read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 1000


def test_run_with_strategy_seed_and_replication(tmp_path, small_file):
    out = tmp_path / "bb"
    options = ("--weeks", 8, "--strategy", "big_bang", "--seed", 11, "--replication", 2)
    result = invoke("run", small_file, *options, "--out", out)
    assert result.exit_code == 0, result.output
    assert "strategy big bang" in result.stdout
    assert "root seed 11, replication 2" in result.stdout
    assert load_scenario(out / "scenario.yaml").rollout.strategy == "big_bang"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seeds"]["root_seed"] == 11
    assert manifest["seeds"]["replication"] == 2
    assert manifest["seeds"]["spawn_key"] == [2]


def test_run_with_an_unknown_strategy_is_a_usage_error(tmp_path, small_file):
    result = invoke("run", str(small_file), "--strategy", "bigbang", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "bigbang" in result.stderr
    assert not (tmp_path / "o").exists()


def test_same_run_twice_gives_the_same_results(tmp_path, small_file):
    for name in ("a", "b"):
        result = invoke("run", str(small_file), "--weeks", "8", "--out", str(tmp_path / name))
        assert result.exit_code == 0, result.output
    first = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "b" / "summary.json").read_text(encoding="utf-8"))
    assert first == second
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "a" / "timeseries.parquet"),
        pd.read_parquet(tmp_path / "b" / "timeseries.parquet"),
    )


def test_run_refuses_a_non_empty_out_folder_and_leaves_it_untouched(tmp_path, small_file):
    out = tmp_path / "taken"
    write(out / "keep.txt", "precious")
    write(out / "summary.json", "{}")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = invoke("run", str(small_file), "--weeks", "4", "--out", str(out))
    assert_bad_input(result)
    assert str(out) in result.stderr
    assert "not empty" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert "Results written" not in result.stdout


def test_run_accepts_an_existing_empty_out_folder(tmp_path, small_file):
    out = tmp_path / "empty"
    out.mkdir()
    result = invoke("run", str(small_file), "--weeks", "4", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "summary.json").is_file()


def test_run_refuses_an_out_path_that_is_a_file(tmp_path, small_file):
    out = write(tmp_path / "file.txt", "x")
    result = invoke("run", str(small_file), "--weeks", "4", "--out", str(out))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "x"


def test_run_with_an_unknown_field_in_the_file(tmp_path):
    bad = write(tmp_path / "bad.yaml", SMALL + "levers:\n  trainng_capacity: 3\n")
    out = tmp_path / "never"
    result = invoke("run", str(bad), "--weeks", "4", "--out", str(out))
    assert_bad_input(result)
    message = result.stderr.strip()
    assert message.startswith(f"error: {bad}: levers.trainng_capacity: unknown key")
    assert "did you mean 'training_capacity'" in message
    assert len(message.splitlines()) == 1
    assert not out.exists()


def test_run_with_a_missing_scenario_file(tmp_path):
    result = invoke("run", str(tmp_path / "nowhere.yaml"), "--out", str(tmp_path / "o"))
    assert_bad_input(result)
    assert "file not found" in result.stderr
    assert not (tmp_path / "o").exists()


def test_run_with_weeks_before_the_rollout_start_names_the_field(tmp_path, small_file):
    result = invoke("run", str(small_file), "--weeks", "2", "--out", str(tmp_path / "o"))
    assert_bad_input(result)
    assert "rollout.start_week" in result.stderr
    assert "command-line options" in result.stderr
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------- default folder


class FrozenDatetime(datetime.datetime):
    """A clock stopped at 2020-01-02 03:04:05, so that folder names collide."""

    @classmethod
    def now(cls, tz=None):
        return cls(2020, 1, 2, 3, 4, 5, tzinfo=tz)


def test_default_results_folder_is_new_under_results_of_the_current_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "small.yaml", SMALL)
    monkeypatch.setattr(
        new_folders, "dt", types.SimpleNamespace(datetime=FrozenDatetime, UTC=datetime.UTC)
    )
    existing = write(tmp_path / "results" / "run-20200102-030405" / "summary.json", "old")
    result = invoke("run", "small.yaml", "--weeks", "4")
    assert result.exit_code == 0, result.output
    created = tmp_path / "results" / "run-20200102-030405-2"
    assert (created / "summary.json").is_file()
    assert f"Results written to {Path('results') / created.name}\n" in result.stdout
    assert existing.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in existing.parent.iterdir()) == ["summary.json"]

    again = invoke("run", "small.yaml", "--weeks", "4")
    assert again.exit_code == 0, again.output
    assert (tmp_path / "results" / "run-20200102-030405-3" / "summary.json").is_file()
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == [
        "run-20200102-030405",
        "run-20200102-030405-2",
        "run-20200102-030405-3",
    ]


def test_default_compare_folder_is_created_under_results(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "small.yaml", SMALL)
    result = invoke(
        "compare", "small.yaml", "--strategies", "big_bang", "--replications", "1", "--weeks", "6"
    )
    assert result.exit_code == 0, result.output
    folders = list((tmp_path / "results").iterdir())
    assert len(folders) == 1
    assert folders[0].name.startswith("compare-")
    assert (folders[0] / "summary.json").is_file()
    assert f"Results written to {Path('results') / folders[0].name}\n" in result.stdout


# --------------------------------------------------------------------------- compare

REPLICATIONS = 3


ENSEMBLE_STATS = {"members", "spread_low", "spread_high", "parameter_share"}


@pytest.fixture(scope="module")
def small_comparison(tmp_path_factory):
    """One ``transnum compare`` of the three strategies, 3 replications, 40 weeks."""
    folder = tmp_path_factory.mktemp("compare")
    options = ("--replications", REPLICATIONS, "--workers", 1)
    return run_on_file(folder, "compare", "small.yaml", SMALL, *options)


def test_compare_exits_zero_and_writes_its_files(small_comparison):
    result = small_comparison.result
    assert result.exit_code == 0, result.output
    assert "9 runs" in result.stdout
    assert "1 worker\n" in result.stdout
    assert "big bang" in result.stdout and "short cycles" in result.stdout
    names = {p.name for p in small_comparison.out.iterdir()}
    assert {"summary.json", "runs.csv", "timeseries.parquet", "timeseries.csv"} <= names
    assert {"schedule.csv", "scenario.yaml", "manifest.json", "figure.png"} <= names
    assert "timeseries_runs.csv" not in names  # every run's weekly CSV: only with --full-csv
    assert (small_comparison.out / "figure.png").read_bytes().startswith(PNG_SIGNATURE)


def test_compare_on_two_workers_writes_the_same_files(small_comparison, tmp_path):
    # On a pool, one worker draws the figure and another formats timeseries.csv while
    # this process writes the rest: every file is the one written by a single process.
    options = ("--replications", REPLICATIONS, "--workers", 2)
    pooled = run_on_file(tmp_path, "compare", "small.yaml", SMALL, *options)
    assert pooled.result.exit_code == 0, pooled.result.output
    assert "2 workers" in pooled.result.stdout
    names = sorted(p.name for p in small_comparison.out.iterdir())
    assert names == sorted(p.name for p in pooled.out.iterdir())
    for name in names:
        if name == "runs.csv":  # each run's own time aside
            pd.testing.assert_frame_equal(
                pd.read_csv(pooled.out / name).drop(columns="wall_s"),
                pd.read_csv(small_comparison.out / name).drop(columns="wall_s"),
                check_exact=True,
            )
        elif name != "manifest.json":  # the command line and its time
            same = (pooled.out / name).read_bytes() == (small_comparison.out / name).read_bytes()
            assert same, name


def test_compare_notes_each_strategy_s_missing_go_lives_before_its_results(small_comparison):
    result = small_comparison.result
    scenario = load_scenario(small_comparison.file)
    notes = notes_of(result)
    for strategy in COMPARED_STRATEGIES:
        assert notes.get(strategy, []) == shortfall(scenario.with_strategy(strategy)).notes()
    assert notes, "40 weeks leave go-lives undone"
    table = result.output.index("outcome (mean [95 % CI])")
    assert all(result.output.index(f"note: {text(s, 'en')}: ") < table for s in notes)
    runs = pd.read_csv(small_comparison.out / "runs.csv")
    summary = json.loads((small_comparison.out / "summary.json").read_text(encoding="utf-8"))
    for strategy, group in runs.groupby("strategy"):
        stats = summary["strategies"][strategy]
        assert stats["golives_missing"]["mean"] == pytest.approx(group["golives_missing"].mean())
        assert (group["golives_target"] == shortfall(scenario).target).all()
    small_steps = runs[runs["strategy"] == "small_steps"]  # a fixed plan: as planned
    expected = shortfall(scenario.with_strategy("small_steps")).missing
    assert (small_steps["golives_missing"] == expected).all()


def test_compare_summary_has_mean_and_interval_per_strategy(small_comparison):
    summary = json.loads((small_comparison.out / "summary.json").read_text(encoding="utf-8"))
    assert summary["replications"] == REPLICATIONS
    assert summary["scenario"] == "Petite commune"
    strategies = summary["strategies"]
    assert list(strategies) == list(COMPARED_STRATEGIES)
    for entry in strategies.values():
        for key in OUTCOMES + ORGANISATION_ONLY:
            stat = entry[key]
            # Over the ensemble (the default): the spread of the runs and its split.
            assert set(stat) == {"mean", "ci_low", "ci_high", "n"} | ENSEMBLE_STATS
            assert 0 <= stat["n"] <= REPLICATIONS
        for key in ("adoption_final", "dropout_share", "rps_peak_share", "efficiency_gain"):
            stat = entry[key]
            assert stat["n"] == REPLICATIONS
            assert stat["ci_low"] <= stat["mean"] <= stat["ci_high"]
        assert set(entry["by_profile"]) == set(PROFILES)
        for profile in PROFILES:
            assert set(entry["by_profile"][profile]) == set(OUTCOMES + PROFILE_ONLY)


def test_compare_runs_csv_has_every_strategy_and_replication(small_comparison):
    runs = pd.read_csv(small_comparison.out / "runs.csv")
    assert len(runs) == len(COMPARED_STRATEGIES) * REPLICATIONS
    for strategy in COMPARED_STRATEGIES:
        assert sorted(runs.loc[runs["strategy"] == strategy, "replication"]) == [0, 1, 2]
    # common random numbers: replication r has the same seed under every strategy
    seeds = runs.groupby("replication")["seed_spawn_key"].nunique()
    assert (seeds == 1).all()
    summary = json.loads((small_comparison.out / "summary.json").read_text(encoding="utf-8"))
    for strategy in COMPARED_STRATEGIES:
        mean = runs.loc[runs["strategy"] == strategy, "adoption_final"].mean()
        assert summary["strategies"][strategy]["adoption_final"]["mean"] == pytest.approx(mean)


def test_compare_timeseries_is_stacked_with_strategy_and_replication(small_comparison):
    table = pd.read_parquet(small_comparison.out / "timeseries.parquet")
    assert list(table.columns[:2]) == ["strategy", "replication"]
    assert len(table) == len(COMPARED_STRATEGIES) * REPLICATIONS * 41
    for (_, _), run in table.groupby(["strategy", "replication"]):
        assert run["week"].tolist() == list(range(41))
    schedule = pd.read_csv(small_comparison.out / "schedule.csv")
    assert {"strategy", "replication"} <= set(schedule.columns)


def test_compare_timeseries_csv_holds_the_weekly_means_with_intervals(small_comparison):
    table = pd.read_parquet(small_comparison.out / "timeseries.parquet")
    csv = pd.read_csv(small_comparison.out / "timeseries.csv")
    assert list(csv.columns) == ["strategy", "measure", "week", "mean", "ci_low", "ci_high", "n"]
    labels = ("replication", "member", "week")
    measures = [c for c in table.select_dtypes("number") if c not in labels]
    assert "adoption" in measures and any(m.startswith("strain_mean@") for m in measures)
    assert len(csv) == len(COMPARED_STRATEGIES) * len(measures) * 41
    # Strategies in the compared order, then measures in the weekly table's order, then weeks.
    assert list(dict.fromkeys(csv["strategy"])) == list(COMPARED_STRATEGIES)
    first = csv[csv["strategy"] == COMPARED_STRATEGIES[0]]
    assert list(dict.fromkeys(first["measure"])) == measures
    assert first["week"].tolist() == list(range(41)) * len(measures)
    # The means are the Parquet table's means over replications, strategy by strategy.
    means = table.groupby(["strategy", "week"])[measures].mean()
    wide = csv.pivot(index=["strategy", "week"], columns="measure", values="mean")
    pd.testing.assert_frame_equal(
        wide.loc[means.index, measures], means, check_names=False, rtol=1e-9
    )
    counts = table.groupby(["strategy", "week"])[measures].count()
    n = csv.pivot(index=["strategy", "week"], columns="measure", values="n")
    assert (n.loc[counts.index, measures].to_numpy() == counts.to_numpy()).all()
    adoption = csv[csv["measure"] == "adoption"]
    assert (adoption["n"] == REPLICATIONS).all()
    assert (adoption["ci_low"] <= adoption["mean"] + 1e-12).all()
    assert (adoption["mean"] <= adoption["ci_high"] + 1e-12).all()
    assert (adoption["ci_high"] > adoption["ci_low"]).any()  # runs differ: real intervals
    # The same interval as summary.json (runs of one parameter set as a cluster), here
    # for the final week's adoption.
    summary = json.loads((small_comparison.out / "summary.json").read_text(encoding="utf-8"))
    for strategy in COMPARED_STRATEGIES:
        last = adoption[(adoption["strategy"] == strategy) & (adoption["week"] == 40)].iloc[0]
        stat = summary["strategies"][strategy]["adoption_final"]
        assert last["n"] == stat["n"]
        for key in ("mean", "ci_low", "ci_high"):
            assert last[key] == pytest.approx(stat[key], rel=1e-9, abs=1e-12)


def test_compare_full_csv_writes_every_run_s_weekly_table(tmp_path, small_file):
    out = tmp_path / "full"
    options = ("--strategies", "big_bang", "--replications", 1, "--weeks", 6, "--workers", 1)
    result = invoke("compare", small_file, *options, "--full-csv", "--out", out)
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out / "timeseries.parquet")
    runs = pd.read_csv(out / "timeseries_runs.csv")
    assert list(runs.columns) == list(table.columns)
    pd.testing.assert_frame_equal(runs, table, check_dtype=False)
    # One replication: each weekly mean is the run's value and its interval is the value.
    csv = pd.read_csv(out / "timeseries.csv")
    adoption = csv[csv["measure"] == "adoption"]
    assert adoption["mean"].tolist() == pytest.approx(table["adoption"].tolist())
    assert (adoption["n"] == 1).all()
    assert (adoption["ci_low"] == adoption["mean"]).all()
    assert (adoption["ci_high"] == adoption["mean"]).all()


def test_compare_scenario_and_manifest(small_comparison):
    assert load_scenario(small_comparison.out / "scenario.yaml") == load_scenario(
        small_comparison.file
    )
    manifest = json.loads((small_comparison.out / "manifest.json").read_text(encoding="utf-8"))
    replications = manifest["seeds"]["replications"]
    assert [r["replication"] for r in replications] == [0, 1, 2]
    assert manifest["seeds"]["root_seed"] == 2018


def test_compare_with_a_misspelt_strategy(tmp_path, small_file):
    out = tmp_path / "o"
    result = invoke(
        "compare", str(small_file), "--strategies", "big_bang,bigbang", "--out", str(out)
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "'bigbang'" in result.stderr
    assert "did you mean 'big_bang'" in result.stderr
    assert "--strategies" in result.stderr
    assert not out.exists()


def test_compare_with_no_strategy(tmp_path, small_file):
    result = invoke("compare", str(small_file), "--strategies", " , ", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "at least one strategy" in result.stderr


def test_compare_custom_without_waves_fails_before_running(tmp_path, small_file):
    out = tmp_path / "o"
    result = invoke("compare", str(small_file), "--strategies", "custom", "--out", str(out))
    assert_bad_input(result)
    assert "rollout.waves" in result.stderr
    assert not out.exists()


def test_compare_a_subset_of_strategies(tmp_path, small_file):
    out = tmp_path / "subset"
    options = ("--strategies", "small_steps,big_bang", "--replications", 2, "--weeks", 10)
    result = invoke("compare", small_file, *options, "--workers", 1, "--out", out)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert list(summary["strategies"]) == ["small_steps", "big_bang"]
    runs = pd.read_csv(out / "runs.csv")
    assert sorted(runs["strategy"].unique()) == ["big_bang", "small_steps"]
    assert len(runs) == 4
    table = pd.read_parquet(out / "timeseries.parquet")
    assert table["week"].max() == 10


def test_compare_on_worker_processes_writes_the_folder_of_a_serial_compare(tmp_path, small_file):
    # Two workers run the runs and draw the figure (its PNG bytes come back); the serial
    # command does both in its own process. The files are the same, figure included.
    options = ("--strategies", "big_bang,short_cycle", "--replications", 3, "--weeks", 12)
    folders = {}
    for workers in (1, 2):
        folders[workers] = tmp_path / f"workers-{workers}"
        result = invoke(
            "compare", small_file, *options, "--workers", workers, "--out", folders[workers]
        )
        assert result.exit_code == 0, result.output
        assert f"{workers} worker{'s' if workers > 1 else ''}\n" in result.stdout
    names = sorted(p.name for p in folders[1].iterdir())
    assert names == sorted(p.name for p in folders[2].iterdir())
    assert "figure.png" in names and "timeseries.parquet" in names
    for name in names:
        serial, parallel = folders[1] / name, folders[2] / name
        if name == "runs.csv":  # the runs' wall times differ
            pd.testing.assert_frame_equal(
                pd.read_csv(parallel).drop(columns="wall_s"),
                pd.read_csv(serial).drop(columns="wall_s"),
                check_exact=True,
            )
        elif name != "manifest.json":  # the command and its wall time differ
            assert parallel.read_bytes() == serial.read_bytes(), name


def test_a_compare_failing_during_its_runs_closes_its_workers(tmp_path, small_file, monkeypatch):
    from simulation.experiments import runner

    def failing(*args, on_done, **options):
        on_done(None)  # as after the first run
        raise RuntimeError("a run failed")

    monkeypatch.setattr(runner, "compare_strategies", failing)
    start = time.monotonic()
    result = invoke("compare", small_file, "--workers", 2, "--out", tmp_path / "out")
    assert isinstance(result.exception, RuntimeError), result.output
    assert time.monotonic() - start < 60  # the pool closed


def test_compare_refuses_a_non_empty_out_folder(tmp_path, small_file):
    out = tmp_path / "taken"
    write(out / "keep.txt", "precious")
    result = invoke("compare", str(small_file), "--replications", "1", "--out", str(out))
    assert_bad_input(result)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


# --------------------------------------------------------------------------- bench


def test_bench_json():
    result = invoke("bench", "--staff", "200", "--weeks", "5", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert {"staff", "weeks", "wall_s", "agent_steps_per_s", "peak_rss_mb"} <= set(figures)
    assert figures["staff"] == 200
    assert figures["weeks"] == 5
    assert figures["wall_s"] >= 0
    assert figures["agent_steps_per_s"] > 0
    assert figures["peak_rss_mb"] > 0


def test_bench_text():
    result = invoke("bench", "--staff", "150", "--weeks", "5")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].split() == ["staff", "150"]
    assert "agent-steps/s" in result.stdout
    assert "peak memory" in result.stdout


def test_bench_with_fewer_weeks_than_the_rollout_start_fails_cleanly():
    result = invoke("bench", "--staff", "100", "--weeks", "3")
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
