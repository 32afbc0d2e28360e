"""Tests of the Excel workbook of a results folder (simulation/reports/workbook/).

The workbook of each shared results folder (``conftest.py``: run, compare, sweep,
sensitivity, calibrate) is written in French and English, reopened with openpyxl and
compared with the folder's own files; expected labels come from the catalogue.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from simulation.i18n.words import clipped, outcome, phrase, text
from simulation.model.sources import STRAIN_SOURCES
from simulation.reports import workbook
from simulation.reports.reader import read_results
from simulation.reports.style import tool_name
from simulation.reports.workbook import write_workbook

LANGS = ("fr", "en")
KINDS = ("run", "compare", "sweep", "sensitivity", "calibrate")
SERVICES = ["services", "service_adoption", "service_strain"]
"""The sheets per service of a run or a comparison."""
SHEETS = {
    "run": ["summary", "schedule", "weekly", *SERVICES, "scenario", "provenance", "notes"],
    "compare": ["summary", "by_profile", *SERVICES, "differences", "runs", "schedule"]
    + ["scenario", "provenance", "notes"],
    "sweep": ["points", "summary", "differences", "runs", "experiment", "provenance", "notes"],
    "sensitivity": ["points", "summary", "runs", "indices", "experiment", "provenance", "notes"],
    "calibrate": ["calibration", "runs", "provenance", "notes"],
}
"""The sheets of each kind of folder, in order (``workbook.sheet.*`` of the catalogue)."""
SHARES = {"adoption_final", "dropout_share", "rps_peak_share", "mastered_share_final"}
SHARES |= {"reverted_final"}
SHARES |= {"dropout_strain_share", "dropout_refusal_share"}
SHARES |= {"internal_mobility_share", "external_departure_share", "departures_internal_share"}
SHARES |= {f"strain_source_share_{source}" for source in STRAIN_SOURCES}


def sheet_name(key: str, lang: str) -> str:
    return phrase(f"workbook.sheet.{key}", lang)


def column(key: str, lang: str) -> str:
    """A column's header in the catalogue."""
    return phrase(f"workbook.column.{key}", lang)


def stats(lang: str) -> list[str]:
    return [column(key, lang) for key in ("mean", "ci_low", "ci_high", "n")]


@pytest.fixture(scope="module")
def books(folders, tmp_path_factory) -> dict[tuple[str, str], object]:
    """The workbook of each folder in each language, reopened."""
    out = tmp_path_factory.mktemp("books")
    opened = {}
    for kind, folder in folders.items():
        for lang in LANGS:
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


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_sheets_are_named_in_the_language_with_the_header_row_frozen(books, kind, lang):
    book = books[kind, lang]
    assert book.sheetnames == [sheet_name(key, lang) for key in SHEETS[kind]]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(c.value for c in sheet[1]), sheet.title  # every column has a header
        assert sheet[1][0].font.bold
    assert sheet_name("summary", "fr") != sheet_name("summary", "en")


@pytest.mark.parametrize("lang", LANGS)
def test_compare_summary_holds_summary_json_with_translated_strategies(books, folders, lang):
    summary = json.loads((folders["compare"] / "summary.json").read_text(encoding="utf-8"))
    sheet = books["compare", lang][sheet_name("summary", lang)]
    header = [c.value for c in sheet[1]]
    strategy = text("strategy", lang)
    # The folder's runs drew their parameters from the ensemble (compare's default).
    spread = [column(k, lang) for k in ("members", "spread_low", "spread_high", "parameter_share")]
    expected = [column("indicator", lang), strategy, *stats(lang), *spread, column("code", lang)]
    assert header == expected
    mean, ci_low = stats(lang)[:2]
    table = rows(sheet)
    for name, stat in summary["strategies"].items():
        found = [
            r for r in table if r["code"] == "dropout_share" and r[strategy] == text(name, lang)
        ]
        assert len(found) == 1
        assert found[0][mean] == close(stat["dropout_share"]["mean"])
        # The interval's bounds are cut to what a share can take.
        assert found[0][ci_low] == close(clipped("dropout_share", stat["dropout_share"]["ci_low"]))
        assert found[0][ci_low] >= 0
        assert found[0]["n"] == stat["dropout_share"]["n"]
    expected = [text(s, lang) for s in summary["strategies"]]
    assert [r[strategy] for r in table[:3]] == expected  # by outcome, then strategy
    for cell, name in zip(cells(sheet, mean), cells(sheet, "code"), strict=True):
        assert ("%" in cell.number_format) == (name.value in SHARES), name.value
        assert ("€" in cell.number_format) == name.value.startswith("cost_"), name.value
    codes = {r["code"] for r in table}
    assert {"cost_total_eur", "cost_replacement_eur", "acculturation_final"} <= codes


def test_compare_by_profile_differences_runs_and_schedule(books, folders):
    lang = "fr"
    summary = json.loads((folders["compare"] / "summary.json").read_text(encoding="utf-8"))
    book = books["compare", lang]
    mean, _, ci_high, _ = stats(lang)
    profile, strategy = text("profile", lang), text("strategy", lang)
    wanted = ("adoption_final", text("overwhelmed", lang), text("small_steps", lang))
    stat = summary["strategies"]["small_steps"]["by_profile"]["overwhelmed"]["adoption_final"]
    by_profile = rows(book[sheet_name("by_profile", lang)])
    [row] = [r for r in by_profile if (r["code"], r[profile], r[strategy]) == wanted]
    assert (row[mean], row[ci_high]) == close((stat["mean"], stat["ci_high"]))
    paired = pd.read_csv(folders["compare"] / "paired.csv")
    expected = paired[(paired["outcome"] == "dropout_share") & (paired["level_a"] == "big_bang")]
    differences = book[sheet_name("differences", lang)]
    found = [r for r in rows(differences) if r["code"] == "dropout_share"]
    others = [text(s, lang) for s in expected["level_b"]]
    assert [r[column("level_b", lang)] for r in found[: len(expected)]] == others
    assert [r[mean] for r in found[: len(expected)]] == close(list(expected["mean"]))
    assert "%" in cells(differences, mean)[0].number_format
    runs = pd.read_csv(folders["compare"] / "runs.csv")
    sheet_runs = rows(book[sheet_name("runs", lang)])
    assert len(sheet_runs) == len(runs) == 9
    assert [r[column("replication", lang)] for r in sheet_runs] == list(runs["replication"])
    seeds = [str(v) for v in runs["seed_entropy"]]
    assert [r[column("seed_entropy", lang)] for r in sheet_runs] == seeds
    schedule = rows(book[sheet_name("schedule", lang)])
    names = [text(s, lang) for s in summary["strategies"]]
    assert list(schedule[0]) == [text("service", lang), text("tool", lang), *names]
    source = pd.read_csv(folders["compare"] / "schedule.csv")
    first = source[(source["replication"] == 0) & (source["strategy"] == "big_bang")]
    service, tool = text("service", lang), text("tool", lang)
    weeks = {(r[service], r[tool]): r[text("big_bang", lang)] for r in schedule}
    for row in first.itertuples():  # tools by their labels (the name as words by default)
        assert weeks[row.service, tool_name(row.tool)] == row.go_live_week


@pytest.mark.parametrize("lang", LANGS)
def test_run_sheets_hold_the_summary_schedule_weekly_scenario_and_provenance(
    books, folders, inputs, lang
):
    folder = folders["run"]
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    book = books["run", lang]
    names = [sheet_name(key, lang) for key in SHEETS["run"]]
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
    spec = yaml.safe_load(inputs["scenario"])
    weekly = pd.read_parquet(folder / "timeseries.parquet")
    sheet_weekly = book[names[2]]
    assert sheet_weekly.max_row == len(weekly) + 1 == spec["horizon_weeks"] + 2  # weeks 0..40
    header = [c.value for c in sheet_weekly[1]]
    adopted = column("adoption", lang)
    assert header[:3] == [text("week", lang), column("active_staff", lang), adopted]
    assert f"{adopted} ({text('technophile', lang)})" in header
    assert not any("@" in h for h in header)
    assert [c.value for c in sheet_weekly["C"][1:]] == close(list(weekly["adoption"]))
    assert sheet_weekly["C"][5].number_format == "0.0%"
    scenario = {row[0]: row[1] for row in book[names[6]].iter_rows(min_row=2, values_only=True)}
    assert scenario["horizon_weeks"] == spec["horizon_weeks"]
    assert scenario["organisation.total_staff"] == spec["organisation"]["total_staff"]
    assert scenario["organisation.services[0].name"] == "direction_generale"
    description = [c for c in book[names[6]]["B"] if c.value == spec["description"]]
    assert description and description[0].data_type == "s"  # "=1+1" is text, not a formula
    provenance = {row[0]: row[1] for row in book[names[7]].iter_rows(min_row=2, values_only=True)}
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert provenance["command"] == manifest["command"]
    assert provenance["versions.mesa"] == manifest["versions"]["mesa"]
    assert provenance["seeds.root_seed"] == manifest["seeds"]["root_seed"]


def test_sweep_sheets_hold_points_summary_differences_runs_and_experiment(books, folders, inputs):
    lang = "en"
    folder = folders["sweep"]
    book = books["sweep", lang]
    factors = yaml.safe_load(inputs["sweep"])["factors"]
    strategy = text("strategy", lang)
    points = rows(book[sheet_name("points", lang)])
    expected = [
        (capacity, text(s, lang))
        for capacity in factors["levers.training_capacity"]
        for s in factors["rollout.strategy"]
    ]
    assert [(p["levers.training_capacity"], p[strategy]) for p in points] == expected
    summary = pd.read_csv(folder / "summary.csv")
    table = rows(book[sheet_name("summary", lang)])
    assert len(table) == len(summary)
    first = [column("indicator", lang), "point", "levers.training_capacity", strategy]
    assert list(table[0])[:4] == first  # factor paths are the user's own names
    assert [r["code"] for r in table[:4]] == ["adoption_final"] * 4  # by outcome, then point
    mean, _, ci_high, _ = stats(lang)
    for row in summary.itertuples():
        [found] = [r for r in table if r["point"] == row.point and r["code"] == row.outcome]
        if pd.isna(row.mean):
            assert found[mean] is None and found["n"] == 0
        else:
            assert (found[mean], found[ci_high]) == close((row.mean, row.ci_high))
    paired = pd.read_csv(folder / "paired.csv")
    differences = rows(book[sheet_name("differences", lang)])
    assert len(differences) == len(paired)
    assert {r[column("level_a", lang)] for r in differences} == {text("big_bang", lang)}
    assert len(rows(book[sheet_name("runs", lang)])) == 8
    experiment = [r[column("text", lang)] for r in rows(book[sheet_name("experiment", lang)])]
    assert experiment == inputs["sweep"].splitlines()
    for lang in LANGS:
        notes = " ".join(str(c.value) for c in books["sweep", lang][sheet_name("notes", lang)]["B"])
        assert phrase("workbook.note.weekly_sweep", lang) in notes
        assert "weekly.parquet" in notes


def test_sensitivity_indices_match_indices_csv(books, folders, inputs):
    lang = "fr"
    indices = pd.read_csv(folders["sensitivity"] / "indices.csv")
    sheet = books["sensitivity", lang][sheet_name("indices", lang)]
    table = rows(sheet)
    parameter, mu_star = column("parameter", lang), column("mu_star", lang)
    assert list(table[0])[:3] == [column("indicator", lang), parameter, column("mu", lang)]
    assert len(table) == len(indices)
    for row in indices.itertuples():
        [found] = [r for r in table if (r["code"], r[parameter]) == (row.outcome, row.parameter)]
        assert found[mu_star] == close(row.mu_star)
    for code in yaml.safe_load(inputs["sensitivity"])["outcomes"]:  # most influential first
        stars = [r[mu_star] for r in table if r["code"] == code]
        assert stars and stars == sorted(stars, reverse=True)
    assert table[0]["code"] in SHARES and "%" in sheet["D"][1].number_format


@pytest.mark.parametrize("lang", LANGS)
def test_calibration_sheet_holds_targets_means_and_verdicts(books, folders, lang):
    targets = pd.read_csv(folders["calibrate"] / "calibration.csv")
    sheet = books["calibrate", lang][sheet_name("calibration", lang)]
    table = rows(sheet)
    mean = stats(lang)[0]
    met = column("met", lang)
    yes, no = phrase("workbook.yes", lang), phrase("workbook.no", lang)
    for row, found in zip(targets.itertuples(), table, strict=True):
        assert found["code"] == row.outcome and found[mean] == close(row.mean)
        assert found[met] == (yes if row.met else no)
    assert table[1][met] == no  # adoption above 200 % is out of reach
    assert sheet["E"][1].number_format == "0.0%"  # the range of a share
    runs = pd.read_csv(folders["calibrate"] / "runs.csv")  # the targets share one scenario
    assert len(rows(books["calibrate", lang][sheet_name("runs", lang)])) == len(runs) == 2


def test_a_table_longer_than_a_sheet_is_cut_with_a_note(folders, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook.book, "MAX_ROWS", 5)  # where sheets are written
    path = write_workbook(read_results(folders["compare"]), tmp_path / "cut.xlsx", "en")
    book = load_workbook(path)
    assert book[sheet_name("runs", "en")].max_row == 5
    notes = [c.value for c in book[sheet_name("notes", "en")]["B"]]
    cut = f"{sheet_name('runs', 'en')}: {phrase('workbook.note.cut', 'en', kept=4, total=9)}"
    assert cut in notes


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
    [row] = rows(book[sheet_name("runs", "en")])[:1]
    assert row[column("seed_entropy", "en")] == str(entropy)
    error = row[column("error", "en")]
    assert error.startswith("Traceback (most recent") and "\x01" not in error
    assert len(error) == workbook.MAX_TEXT


@pytest.mark.parametrize("lang", LANGS)
def test_compare_sheets_per_service_hold_adoption_dropout_by_cause_and_strain(
    books, folders, inputs, lang
):
    book = books["compare", lang]
    series = pd.read_parquet(folders["compare"] / "timeseries.parquet")
    services = [c.split("@", 1)[1] for c in series.columns if c.startswith("adoption@")]
    strategy, service = text("strategy", lang), text("service", lang)
    table = rows(book[sheet_name("services", lang)])
    assert len(table) == 3 * len(services)
    staff = yaml.safe_load(inputs["scenario"])["organisation"]["total_staff"]
    first = [r for r in table if r[strategy] == text("big_bang", lang)]
    assert sum(r[column("headcount", lang)] for r in first) == staff
    label = {name: outcome(name, lang) for name in ("adoption_final", "dropout_share")}
    causes = [outcome(f"dropout_{c}_share", lang) for c in ("strain", "refusal")]
    big_bang = series[series["strategy"] == "big_bang"]
    last = big_bang[big_bang["week"] == big_bang["week"].max()]
    for row, name in zip(first, services, strict=True):
        assert row[service] == name.replace("_", " ")
        assert row[label["adoption_final"]] == pytest.approx(last[f"adoption@{name}"].mean())
        assert row[label["dropout_share"]] == pytest.approx(last[f"dropout@{name}"].mean())
        assert sum(row[c] for c in causes) == pytest.approx(row[label["dropout_share"]])
        peak = big_bang.groupby("replication")[f"strain_mean@{name}"].max().mean()
        assert row[outcome("strain_mean_peak", lang)] == pytest.approx(peak)
    assert any(r[label["dropout_share"]] > 0 for r in table)  # the check above is not empty
    strain = book[sheet_name("service_strain", lang)]
    weekly = rows(strain)
    weeks = series["week"].nunique()
    assert len(weekly) == 3 * weeks
    assert list(weekly[0])[:2] == [strategy, text("week", lang)]
    assert list(weekly[0])[2:] == [s.replace("_", " ") for s in services]
    week_ten = big_bang[big_bang["week"] == 10][f"strain_mean@{services[0]}"].mean()
    [row] = [
        r for r in weekly if r[strategy] == text("big_bang", lang) and r[text("week", lang)] == 10
    ]
    assert row[services[0].replace("_", " ")] == pytest.approx(week_ten)
    adoption = book[sheet_name("service_adoption", lang)]
    assert adoption.max_row == 3 * weeks + 1
    assert cells(adoption, services[0].replace("_", " "))[5].number_format == "0.0%"


def test_no_share_reads_minus_zero_in_the_workbook(compare, tmp_path):
    results = read_results(compare.folder)
    paired = results.paired
    dropout = paired.index[paired["outcome"] == "dropout_share"][0]
    strain = paired.index[paired["outcome"] == "rps_high_person_weeks"][0]
    paired.loc[dropout, ["mean", "ci_low", "ci_high"]] = [-0.0002, -0.0004, 0.01]
    paired.loc[strain, ["mean", "ci_low"]] = [-0.0002, -0.0004]
    entry = results.summary["strategies"][results.strategies[0]]
    entry["dropout_share"] |= {"ci_low": -1e-9}
    book = load_workbook(write_workbook(results, tmp_path / "b.xlsx", "en"))
    mean, ci_low, ci_high, _ = stats("en")
    found = rows(book[sheet_name("differences", "en")])
    by_code = {}
    for row in found:
        by_code.setdefault(row["code"], row)
    assert (by_code["dropout_share"][mean], by_code["dropout_share"][ci_low]) == (0, 0)
    assert by_code["dropout_share"][ci_high] == close(0.01)
    assert by_code["rps_high_person_weeks"][mean] == close(-0.0002)  # counts are kept
    summary = rows(book[sheet_name("summary", "en")])
    lows = [r[ci_low] for r in summary if r["code"] == "dropout_share"]
    assert min(lows) >= 0 and str(lows[0]) != "-0.0"


def test_a_sweeps_interval_bounds_are_cut_in_the_workbook(sweep, tmp_path):
    results = read_results(sweep.folder)
    points = results.point_summary
    row = points.index[points["outcome"] == "dropout_share"][0]
    points.loc[row, ["ci_low", "ci_high"]] = [-0.02, 1.3]
    book = load_workbook(write_workbook(results, tmp_path / "s.xlsx", "fr"))
    _, ci_low, ci_high, _ = stats("fr")
    found = [r for r in rows(book[sheet_name("summary", "fr")]) if r["code"] == "dropout_share"]
    assert min(r[ci_low] for r in found) == 0 and max(r[ci_high] for r in found) == 1
