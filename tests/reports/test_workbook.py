"""Tests of the Excel workbook of a results folder (simulation/reports/workbook.py).

One small results folder of each kind (run, compare, sweep, sensitivity, calibrate) is
made once through the command line (80 to 120 staff, 30 to 40 weeks, 2 to 3
replications); its workbook is written in French and English, reopened with openpyxl
and compared with the folder's own files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from simulation.cli import main
from simulation.i18n.words import text
from simulation.reports import workbook
from simulation.reports.reader import read_results
from simulation.reports.workbook import write_workbook
from simulation.scenario.schema import ScenarioError

SCENARIO = 'name: Petite commune\ndescription: "=1+1"\nhorizon_weeks: 40\n'
SCENARIO += "organisation:\n  total_staff: 80\n"
SWEEP = """\
name: Small sweep
horizon_weeks: 30
replications: 2
seed: 11
factors:
  organisation.total_staff: [60, 120]
  rollout.strategy: [big_bang, small_steps]
outcomes: [adoption_final, dropout_share, weeks_to_50pct_adoption]
weekly: [adoption]
"""
SENSITIVITY = """\
name: Small sensitivity
horizon_weeks: 30
replications: 2
seed: 11
overrides: {organisation.total_staff: 80}
factors:
  behaviour.peer_influence: {low: 0.1, high: 0.5}
  behaviour.dropout_strain_rate: {low: 0.005, high: 0.03}
design: {samples: 2, levels: 4, seed: 7}
outcomes: [adoption_final, dropout_share]
weekly: [adoption]
"""
CALIBRATION = """\
name: Small calibration
replications: 2
seed: 5
targets:
  - {id: split, source: test, outcome: staff_share_overwhelmed, low: 0.4, high: 0.6,
     overrides: {organisation.total_staff: 80, horizon_weeks: 30}}
  - {id: impossible, source: test, outcome: adoption_final, low: 2.0,
     overrides: {organisation.total_staff: 80, horizon_weeks: 30}}
"""
COMMANDS = {
    "run": ["run", "{dir}/scenario.yaml"],
    "compare": ["compare", "{dir}/scenario.yaml", "--replications", "3", "--workers", "1"],
    "sweep": ["sweep", "{dir}/sweep.yaml", "--workers", "1"],
    "sensitivity": ["sensitivity", "{dir}/sensitivity.yaml", "--method", "morris"],
    "calibrate": ["calibrate", "{dir}/calibration.yaml", "--workers", "1"],
}
SHEETS = {
    "run": {
        "fr": ["Synthèse", "Calendrier", "Semaines", "Scénario", "Provenance", "Notes"],
        "en": ["Summary", "Schedule", "Weekly", "Scenario", "Provenance", "Notes"],
    },
    "compare": {
        "fr": ["Synthèse", "Par profil", "Différences", "Réplications", "Calendrier"]
        + ["Scénario", "Provenance", "Notes"],
        "en": ["Summary", "By profile", "Differences", "Runs", "Schedule", "Scenario"]
        + ["Provenance", "Notes"],
    },
    "sweep": {
        "fr": ["Points", "Synthèse", "Différences", "Réplications", "Expérience"]
        + ["Provenance", "Notes"],
        "en": ["Points", "Summary", "Differences", "Runs", "Experiment", "Provenance", "Notes"],
    },
    "sensitivity": {
        "fr": ["Points", "Synthèse", "Réplications", "Indices", "Expérience", "Provenance"]
        + ["Notes"],
        "en": ["Points", "Summary", "Runs", "Indices", "Experiment", "Provenance", "Notes"],
    },
    "calibrate": {
        "fr": ["Calibrage", "Réplications", "Provenance", "Notes"],
        "en": ["Calibration", "Runs", "Provenance", "Notes"],
    },
}
SHARES = {"adoption_final", "dropout_share", "rps_peak_share", "mastered_share_final"}
SHARES |= {"reverted_final"}
STATS = {
    "fr": ["moyenne", "IC 95 % bas", "IC 95 % haut", "n"],
    "en": ["mean", "95 % CI low", "95 % CI high", "n"],
}


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("workbook")
    files = {
        "scenario.yaml": SCENARIO,
        "sweep.yaml": SWEEP,
        "sensitivity.yaml": SENSITIVITY,
        "calibration.yaml": CALIBRATION,
    }
    for name, content in files.items():
        (base / name).write_text(content, encoding="utf-8")
    made = {}
    for kind, args in COMMANDS.items():
        out = base / kind
        command = [a.format(dir=base) for a in args] + ["--out", str(out)]
        if kind == "sensitivity":
            command += ["--workers", "1"]
        result = CliRunner().invoke(main, command, prog_name="transnum")
        assert result.exit_code == 0, result.output
        made[kind] = out
    return made


@pytest.fixture(scope="module")
def books(folders, tmp_path_factory) -> dict[tuple[str, str], object]:
    """The workbook of each folder in each language, reopened."""
    out = tmp_path_factory.mktemp("books")
    opened = {}
    for kind, folder in folders.items():
        for lang in ("fr", "en"):
            path = write_workbook(read_results(folder), out / f"{kind}-{lang}.xlsx", lang)
            assert path == out / f"{kind}-{lang}.xlsx"
            opened[kind, lang] = load_workbook(path)
    return opened


def close(expected):
    """Equal to the 16 significant digits openpyxl writes (Excel itself shows 15)."""
    return pytest.approx(expected, rel=1e-15, abs=0)


def rows(sheet: Worksheet) -> list[dict]:
    """The sheet's rows as dictionaries keyed by header."""
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def cells(sheet: Worksheet, header: str) -> list:
    """The cells of one column, below the header."""
    column = [c.value for c in sheet[1]].index(header)
    return [row[column] for row in sheet.iter_rows(min_row=2)]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", list(COMMANDS))
def test_sheets_are_named_in_the_language_with_the_header_row_frozen(books, kind, lang):
    book = books[kind, lang]
    assert book.sheetnames == SHEETS[kind][lang]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(c.value for c in sheet[1]), sheet.title  # every column has a header
        assert sheet[1][0].font.bold


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compare_summary_holds_summary_json_with_translated_strategies(books, folders, lang):
    summary = json.loads((folders["compare"] / "summary.json").read_text(encoding="utf-8"))
    sheet = books["compare", lang][SHEETS["compare"][lang][0]]
    header = [c.value for c in sheet[1]]
    strategy = "stratégie" if lang == "fr" else "strategy"
    assert header == [header[0], strategy, *STATS[lang], "code"]
    assert header[0] == ("indicateur" if lang == "fr" else "outcome")
    table = rows(sheet)
    for name, stats in summary["strategies"].items():
        found = [
            r for r in table if r["code"] == "dropout_share" and r[strategy] == text(name, lang)
        ]
        assert len(found) == 1
        assert found[0][STATS[lang][0]] == close(stats["dropout_share"]["mean"])
        assert found[0][STATS[lang][1]] == close(stats["dropout_share"]["ci_low"])
        assert found[0]["n"] == stats["dropout_share"]["n"]
    expected = ["big bang", "petits pas", "cycles courts"]
    expected = expected if lang == "fr" else ["big bang", "small steps", "short cycles"]
    assert [r[strategy] for r in table[:3]] == expected  # by outcome, then strategy
    for cell, name in zip(cells(sheet, STATS[lang][0]), cells(sheet, "code"), strict=True):
        assert ("%" in cell.number_format) == (name.value in SHARES), name.value


def test_compare_by_profile_differences_runs_and_schedule(books, folders):
    summary = json.loads((folders["compare"] / "summary.json").read_text(encoding="utf-8"))
    book = books["compare", "fr"]
    by_profile = rows(book["Par profil"])
    stat = summary["strategies"]["small_steps"]["by_profile"]["overwhelmed"]["adoption_final"]
    [row] = [
        r
        for r in by_profile
        if (r["code"], r["profil"], r["stratégie"]) == ("adoption_final", "dépassés", "petits pas")
    ]
    assert (row["moyenne"], row["IC 95 % haut"]) == close((stat["mean"], stat["ci_high"]))
    paired = pd.read_csv(folders["compare"] / "paired.csv")
    expected = paired[(paired["outcome"] == "dropout_share") & (paired["level_a"] == "big_bang")]
    found = [r for r in rows(book["Différences"]) if r["code"] == "dropout_share"]
    assert [r["stratégie B"] for r in found[: len(expected)]] == ["petits pas", "cycles courts"]
    assert [r["moyenne"] for r in found[:2]] == close(list(expected["mean"]))
    assert "%" in cells(book["Différences"], "moyenne")[0].number_format
    runs = pd.read_csv(folders["compare"] / "runs.csv")
    sheet_runs = rows(book["Réplications"])
    assert len(sheet_runs) == len(runs) == 9
    assert [r["réplication"] for r in sheet_runs] == list(runs["replication"])
    assert [r["graine (entropie)"] for r in sheet_runs] == [str(v) for v in runs["seed_entropy"]]
    schedule = rows(book["Calendrier"])
    assert list(schedule[0]) == ["service", "outil", "big bang", "petits pas", "cycles courts"]
    source = pd.read_csv(folders["compare"] / "schedule.csv")
    first = source[(source["replication"] == 0) & (source["strategy"] == "big_bang")]
    weeks = {(r["service"], r["outil"]): r["big bang"] for r in schedule}
    for row in first.itertuples():
        assert weeks[row.service, row.tool] == row.go_live_week


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_run_sheets_hold_the_summary_schedule_weekly_scenario_and_provenance(books, folders, lang):
    folder = folders["run"]
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    book = books["run", lang]
    names = SHEETS["run"][lang]
    table = {r["code"]: r for r in rows(book[names[0]])}
    everyone = text("all_staff", lang)
    assert table["adoption_final"][everyone] == close(summary["adoption_final"])
    overwhelmed = text("overwhelmed", lang)
    assert table["dropout_share"][overwhelmed] == close(
        summary["by_profile"]["overwhelmed"]["dropout_share"]
    )
    assert table["staff_share"][everyone] is None
    adoption = cells(book[names[0]], everyone)[0]
    assert adoption.number_format == "0.0%"
    weekly = pd.read_parquet(folder / "timeseries.parquet")
    sheet_weekly = book[names[2]]
    assert sheet_weekly.max_row == len(weekly) + 1 == 42
    header = [c.value for c in sheet_weekly[1]]
    assert header[:3] == (
        ["semaine", "agents présents", "adoption"]
        if lang == "fr"
        else ["week", "active staff", "adoption"]
    )
    assert "adoption (technophiles)" in header and not any("@" in h for h in header)
    assert [c.value for c in sheet_weekly["C"][1:]] == close(list(weekly["adoption"]))
    assert sheet_weekly["C"][5].number_format == "0.0%"
    scenario = {row[0]: row[1] for row in book[names[3]].iter_rows(min_row=2, values_only=True)}
    assert scenario["horizon_weeks"] == 40 and scenario["organisation.total_staff"] == 80
    assert scenario["organisation.services[0].name"] == "direction_generale"
    description = [c for c in book[names[3]]["B"] if c.value == "=1+1"]
    assert description and description[0].data_type == "s"  # text, not a formula
    provenance = {row[0]: row[1] for row in book[names[4]].iter_rows(min_row=2, values_only=True)}
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert provenance["command"] == manifest["command"]
    assert provenance["versions.mesa"] == manifest["versions"]["mesa"]
    assert provenance["seeds.root_seed"] == manifest["seeds"]["root_seed"]


def test_sweep_sheets_hold_points_summary_differences_runs_and_experiment(books, folders):
    folder = folders["sweep"]
    book = books["sweep", "en"]
    points = rows(book["Points"])
    assert [(p["organisation.total_staff"], p["strategy"]) for p in points] == [
        (60, "big bang"),
        (60, "small steps"),
        (120, "big bang"),
        (120, "small steps"),
    ]
    summary = pd.read_csv(folder / "summary.csv")
    table = rows(book["Summary"])
    assert len(table) == len(summary) and list(table[0])[:4] == ["outcome", "point"] + [
        "organisation.total_staff",
        "strategy",
    ]
    assert [r["code"] for r in table[:4]] == ["adoption_final"] * 4  # by outcome, then point
    for row in summary.itertuples():
        [found] = [r for r in table if r["point"] == row.point and r["code"] == row.outcome]
        if pd.isna(row.mean):
            assert found["mean"] is None and found["n"] == 0
        else:
            assert (found["mean"], found["95 % CI high"]) == close((row.mean, row.ci_high))
    paired = pd.read_csv(folder / "paired.csv")
    differences = rows(book["Differences"])
    assert len(differences) == len(paired)
    assert {r["strategy A"] for r in differences} == {"big bang"}
    assert len(rows(book["Runs"])) == 8
    experiment = [r["text"] for r in rows(book["Experiment"])]
    assert experiment == SWEEP.splitlines()
    notes = " ".join(str(c.value) for c in book["Notes"]["B"])
    assert "weekly.parquet" in notes
    assert "weekly.parquet" in " ".join(str(c.value) for c in books["sweep", "fr"]["Notes"]["B"])


def test_sensitivity_indices_match_indices_csv(books, folders):
    indices = pd.read_csv(folders["sensitivity"] / "indices.csv")
    sheet = books["sensitivity", "fr"]["Indices"]
    table = rows(sheet)
    assert list(table[0])[:3] == ["indicateur", "paramètre", "μ (effet moyen)"]
    assert len(table) == len(indices)
    for row in indices.itertuples():
        [found] = [r for r in table if (r["code"], r["paramètre"]) == (row.outcome, row.parameter)]
        assert found["μ* (effet absolu moyen)"] == close(row.mu_star)
    for code in ("adoption_final", "dropout_share"):  # most influential first
        stars = [r["μ* (effet absolu moyen)"] for r in table if r["code"] == code]
        assert stars == sorted(stars, reverse=True)
    assert "%" in sheet["D"][1].number_format


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_calibration_sheet_holds_targets_means_and_verdicts(books, folders, lang):
    targets = pd.read_csv(folders["calibrate"] / "calibration.csv")
    sheet = books["calibrate", lang][SHEETS["calibrate"][lang][0]]
    table = rows(sheet)
    mean, low, high, n = STATS[lang]
    met = "moyenne dans la plage" if lang == "fr" else "mean in range"
    yes, no = ("oui", "non") if lang == "fr" else ("yes", "no")
    for row, found in zip(targets.itertuples(), table, strict=True):
        assert found["code"] == row.outcome and found[mean] == close(row.mean)
        assert found[met] == (yes if row.met else no)
    assert table[1][met] == no  # adoption above 200 % is out of reach
    assert sheet["E"][1].number_format == "0.0%"  # the range of a share
    runs = pd.read_csv(folders["calibrate"] / "runs.csv")  # the targets share one scenario
    assert len(rows(books["calibrate", lang][SHEETS["calibrate"][lang][1]])) == len(runs) == 2


def test_a_table_longer_than_a_sheet_is_cut_with_a_note(folders, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 5)
    path = write_workbook(read_results(folders["compare"]), tmp_path / "cut.xlsx", "en")
    book = load_workbook(path)
    assert book["Runs"].max_row == 5
    notes = [c.value for c in book["Notes"]["B"]]
    assert any(n and "first 4 rows of 9" in n for n in notes)


def test_a_folder_that_holds_no_results_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here", encoding="utf-8")
    with pytest.raises(ScenarioError):
        write_workbook(read_results(tmp_path), tmp_path / "book.xlsx")


def test_an_unknown_language_is_refused(folders, tmp_path):
    with pytest.raises(ValueError, match="unknown language"):
        write_workbook(read_results(folders["run"]), tmp_path / "book.xlsx", lang="de")


def test_text_is_kept_as_text_and_seeds_keep_every_digit(folders, tmp_path):
    results = read_results(folders["calibrate"])
    entropy = 2**63 + 5  # a root seed may have more digits than a spreadsheet number keeps
    long_error = "Traceback\x01 (most recent call last)\n=SUM(A1)" + "x" * 40_000
    results.runs = results.runs.assign(
        seed_entropy=pd.Series([entropy] * len(results.runs), dtype="uint64"),
        error=[long_error] + [None] * (len(results.runs) - 1),
    )
    book = load_workbook(write_workbook(results, tmp_path / "text.xlsx", "en"))
    [row] = rows(book["Runs"])[:1]
    assert row["seed (entropy)"] == str(entropy)
    assert row["error"].startswith("Traceback (most recent") and "\x01" not in row["error"]
    assert len(row["error"]) == workbook.MAX_TEXT
