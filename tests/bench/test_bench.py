"""Tests of ``transnum bench``'s baseline and reference (simulation/bench/).

The comparison with a baseline is checked on figures written by hand, the command
on a tiny model case against a baseline file made in the test. The stored baseline
(benchmarks/baseline.json) must cover every command its refresh script measures.
The compare and sweep cases start worker processes: their smoke tests are slow.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simulation.bench.baseline import (
    FORMAT,
    OTHERS,
    RATES,
    TIMES,
    BaselineError,
    baseline_figures,
    baseline_file,
    compare,
    read_baseline,
)
from simulation.bench.measure import CASES, case_options, command_line, measure
from simulation.bench.reference import reference_ms, reference_workload
from simulation.cli import main
from simulation.cli.bench import LABELS

ROOT = Path(__file__).resolve().parents[2]
STORED = ROOT / "benchmarks" / "baseline.json"
TINY = {"staff": 150, "weeks": 6}


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="transnum")


def refresh_script():
    script = ROOT / "benchmarks" / "refresh_baseline.py"
    spec = importlib.util.spec_from_file_location("refresh_baseline", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_baseline(path: Path, case: str, options: dict, figures: dict) -> Path:
    entry = {"case": case, "options": options, "figures": figures}
    path.write_text(json.dumps(baseline_file([entry], "0.1.0")), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- reference


def test_reference_workload_is_deterministic_and_reference_time_positive():
    assert reference_workload() == reference_workload()
    assert reference_workload(size=10, rounds=3) != reference_workload(size=10, rounds=4)
    assert reference_ms(repeats=1) > 0
    with pytest.raises(ValueError, match="at least 1"):
        reference_ms(repeats=0)


# --------------------------------------------------------------------------- comparison


def test_ratios_of_times_rates_and_memory_against_hand_computed_values():
    base = {"staff": 100, "wall_s": 2.0, "runs_per_s": 10.0, "peak_rss_mb": 200.0}
    now = {"staff": 100, "wall_s": 3.0, "runs_per_s": 5.0, "peak_rss_mb": 300.0}
    base["reference_ms"], now["reference_ms"] = 4.0, 8.0  # today's machine is half as fast
    rows = {row.figure: row for row in compare(now, base)}
    assert rows["staff"].ratio is None and rows["staff"].baseline == 100  # a count
    assert rows["wall_s"].ratio == pytest.approx(1.5)
    assert rows["wall_s"].at_equal_reference == pytest.approx((3.0 / 8.0) / (2.0 / 4.0))
    assert rows["runs_per_s"].ratio == pytest.approx(0.5)
    assert rows["runs_per_s"].at_equal_reference == pytest.approx((5.0 * 8.0) / (10.0 * 4.0))
    assert rows["peak_rss_mb"].ratio == pytest.approx(1.5)
    assert rows["peak_rss_mb"].at_equal_reference is None  # memory is not a speed
    assert rows["reference_ms"].ratio == pytest.approx(2.0)


def test_without_a_reference_or_a_baseline_value_only_what_is_known_is_compared():
    rows = {row.figure: row for row in compare({"wall_s": 1.0, "draw_ms": 3.0}, {"wall_s": 4.0})}
    assert rows["wall_s"].ratio == pytest.approx(0.25)
    assert rows["wall_s"].at_equal_reference is None
    assert rows["draw_ms"].baseline is None and rows["draw_ms"].ratio is None


def test_every_figure_that_bench_prints_has_a_label_and_a_kind():
    kinds = TIMES | RATES | OTHERS
    assert not TIMES & RATES and not (TIMES | RATES) & OTHERS
    assert kinds <= set(LABELS)


def test_a_baseline_entry_is_found_by_case_and_options_only(tmp_path):
    path = write_baseline(tmp_path / "b.json", "model", TINY, {"wall_s": 1.0})
    baseline = read_baseline(path)
    assert baseline["format"] == FORMAT
    assert baseline_figures(baseline, "model", TINY, str(path)) == {"wall_s": 1.0}
    other = {"staff": 150, "weeks": 7}
    with pytest.raises(BaselineError, match="no baseline for `transnum bench --case model") as e:
        baseline_figures(baseline, "model", other, str(path))
    assert command_line("model", TINY) in str(e.value)  # what the file has


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read"), ("{", "not a JSON"), ("[]", "no list"), ('{"cases": []}', "format")],
)
def test_unreadable_baselines_are_named_errors(tmp_path, content, message):
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError, match=message):
        read_baseline(path)


def test_options_of_each_case_have_their_defaults_filled_in():
    assert case_options("model") == {"staff": 20_000, "weeks": 520}
    assert case_options("app", plans=3) == {"staff": 2000, "weeks": 156, "plans": 3}
    assert case_options("game") == {"staff": 2000, "weeks": 13}
    assert case_options("compare", workers=2) == {"replications": 100, "workers": 2}
    assert case_options("sweep", runs=50)["runs"] == 50
    assert case_options("sweep")["workers"] >= 1
    with pytest.raises(ValueError, match="unknown benchmark case"):
        case_options("nothing")


# --------------------------------------------------------------------------- command


def test_bench_prints_each_figure_next_to_the_baseline(tmp_path):
    figures = measure("model", TINY, reference=True)
    assert figures["reference_ms"] > 0
    path = write_baseline(tmp_path / "b.json", "model", TINY, figures)
    result = invoke("bench", "--staff", 150, "--weeks", 6, "--baseline", path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["now", "baseline", "ratio", "at", "equal", "ref."]
    wall = next(line for line in lines if line.startswith("agent-steps/s"))
    now, base, ratio, equal = wall.split()[1:]
    assert base == f"{figures['agent_steps_per_s']:,}"
    steps = int(now.replace(",", ""))
    assert float(ratio) == pytest.approx(steps / figures["agent_steps_per_s"], abs=0.006)
    assert float(equal) > 0
    assert any(line.startswith("reference (ms)") for line in lines)


def test_bench_json_with_a_baseline_adds_the_ratios(tmp_path):
    figures = {"staff": 150, "weeks": 6, "wall_s": 1.0, "peak_rss_mb": 100.0}
    path = write_baseline(tmp_path / "b.json", "model", TINY, {**figures, "reference_ms": 5.0})
    result = invoke("bench", "--staff", 150, "--weeks", 6, "--json", "--baseline", path)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["reference_ms"] > 0
    assert set(printed["baseline"]) == {"wall_s", "peak_rss_mb", "reference_ms"}
    wall = printed["baseline"]["wall_s"]
    assert wall["baseline"] == 1.0
    assert wall["ratio"] == pytest.approx(printed["wall_s"], abs=0.001)
    assert printed["baseline"]["peak_rss_mb"]["at_equal_reference"] is None


def test_bench_with_a_wrong_baseline_fails_before_measuring(tmp_path):
    path = write_baseline(tmp_path / "b.json", "model", TINY, {"wall_s": 1.0})
    result = invoke("bench", "--staff", 20_000, "--baseline", path)  # would take seconds
    assert result.exit_code == 2
    assert "no baseline for `transnum bench --case model --staff 20000 --weeks 520`" in (
        result.stderr
    )
    missing = invoke("bench", "--baseline", tmp_path / "none.json")
    assert missing.exit_code == 2 and "cannot read the baseline" in missing.stderr


# --------------------------------------------------------------------------- stored baseline


def test_the_stored_baseline_covers_every_command_of_its_refresh_script():
    baseline = read_baseline(STORED)
    for case, given in refresh_script().COMMANDS:
        options = case_options(case, **given)
        if "workers" in options:  # measured with the development machine's two cores
            options["workers"] = 2
        figures = baseline_figures(baseline, case, options, str(STORED))
        assert figures["reference_ms"] > 0
        assert figures["peak_rss_mb"] > 0
        assert {key for key in figures if key in TIMES | RATES}, case
    assert {entry["case"] for entry in baseline["cases"]} == set(CASES)


# --------------------------------------------------------------------------- slow cases


def test_bench_game_times_one_teams_round_against_its_target():
    result = invoke("bench", "--case", "game", "--staff", 150, "--weeks", 3, "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["case"] == "game"
    assert (figures["staff"], figures["round_weeks"], figures["rounds"]) == (150, 3, 12)
    assert figures["compute_s"] > 0 and figures["redraw_s"] > 0
    assert figures["round_s"] == pytest.approx(
        figures["compute_s"] + figures["redraw_s"], abs=0.002
    )
    assert figures["target_s"] == 1.0
    printed = invoke("bench", "--case", "game", "--staff", 150, "--weeks", 3, "--lang", "fr")
    assert "objectif par tour (s)" in printed.stdout
    too_big = invoke("bench", "--case", "game", "--staff", 2001)
    assert too_big.exit_code == 2 and "2,000" in too_big.output


@pytest.mark.slow  # three strategies in worker processes
def test_bench_compare_json():
    result = invoke("bench", "--case", "compare", "--replications", 2, "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert {"case", "runs", "wall_s", "runs_per_s", "peak_rss_mb"} <= set(figures)
    assert figures["case"] == "compare"
    assert figures["runs"] == 3 * 2  # three strategies x 2 replications
    assert figures["wall_s"] > 0 and figures["peak_rss_mb"] > 0
    # runs_per_s is rounded to 0.1 (so within 0.05) and wall_s to 1 ms.
    assert figures["runs_per_s"] == pytest.approx(figures["runs"] / figures["wall_s"], abs=0.1)
    # The command and its runs alone alternate: the overhead is the median of the
    # rounds' ratios, between the lowest and the highest.
    assert figures["measurements"] == 3
    assert figures["overhead_low"] <= figures["overhead"] <= figures["overhead_high"]
    assert figures["compute_s"] > 0
    # The command's own runs take part of its time; the rest is outside them. Medians of
    # three rounds each, rounded to 1 ms: the two need not add up to wall_s exactly.
    assert 0 < figures["command_runs_s"] < figures["wall_s"]
    assert 0 < figures["outside_runs_s"] < figures["wall_s"]


@pytest.mark.slow  # 200 runs in two worker processes into a results folder
def test_bench_sweep_json():
    result = invoke("bench", "--case", "sweep", "--runs", 200, "--workers", 2, "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    keys = {"case", "runs", "wall_s", "runs_per_s", "peak_rss_mb", "runs_saved"}
    assert keys | {"peak_worker_rss_mb"} <= set(figures)
    assert figures["case"] == "sweep"
    assert figures["runs"] == figures["runs_saved"] == 200
    assert figures["runs_per_s"] == pytest.approx(figures["runs"] / figures["wall_s"], abs=0.1)
    assert figures["peak_rss_mb"] > 0
    assert figures["peak_worker_rss_mb"] > 0  # two worker processes ran
