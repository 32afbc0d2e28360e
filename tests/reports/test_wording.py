"""The report read as a sentence: levels never reached, reached by some runs, by all.

The shared comparison folder (``conftest.py``) is read and its counts changed, so that
80 % adoption is reached by no run of one strategy, by some runs of another and by
every run of the third (or by every run of all three); every strategy otherwise meets
the thresholds, so that one is recommended and the report weighs the others against
it. The whole report, in French and in English, must then read as sentences: no
"en jamais", no difference left as a dash before the full stop, no negative zero.
"""

from __future__ import annotations

import html as markup
import math
import re

import pytest

from simulation.i18n.words import difference, outcome, percent, phrase, quote, text, typography
from simulation.reports import html
from simulation.reports.compare_text import diff_text, run_summary, speed_text
from simulation.reports.paired import Paired, paired
from simulation.reports.reader import read_results

LANGS = ("fr", "en")
LEVEL = "weeks_to_80pct_adoption"
BROKEN = (
    re.compile(r"\ben jamais\b"),  # "« petits pas » en jamais"
    re.compile(r"\bin never\b"),
    re.compile(r"–\s*[.;,)]"),  # a value left as a dash inside a sentence
    re.compile(r"[-−]0[,.]0\b"),  # a negative zero
    re.compile(r"\bnan\b|\bNone\b"),
    re.compile(r"\bdans 0 des\b|\bin 0 of\b"),  # "atteints dans 0 des 3 réplications"
)


def _stat(mean: float | None, n: int) -> dict:
    if n == 0:
        return {"mean": None, "ci_low": None, "ci_high": None, "n": 0}
    return {"mean": mean, "ci_low": mean - 2.0, "ci_high": mean + 2.0, "n": n}


def _reached(compare, counts: tuple[int, int, int]):
    """The comparison with 80 % adoption reached in ``counts`` runs of each strategy.

    Every strategy meets the other thresholds; the paired table's rows of the level
    are over the runs where both strategies reach it (the first ones, here).
    """
    results = read_results(compare.folder)
    strategies = results.summary["strategies"]
    runs = results.summary["replications"]
    reached = dict(zip(strategies, counts, strict=True))
    for k, (name, n) in enumerate(reached.items()):
        entry = strategies[name]
        entry[LEVEL] = _stat(20.0 + 5 * k, n)
        entry["dropout_share"] = {"mean": 0.01, "ci_low": -0.004, "ci_high": 0.02, "n": runs}
        entry["adoption_final"] = {"mean": 0.97, "ci_low": 0.93, "ci_high": 1.01, "n": runs}
        entry["golives_missing"] = {"mean": 0.0, "ci_low": 0.0, "ci_high": 0.0, "n": runs}
    table = results.paired
    for i, row in table[table["outcome"] == LEVEL].iterrows():
        both = min(reached[row["level_a"]], reached[row["level_b"]])
        gap = strategies[row["level_a"]][LEVEL]["mean"] or 0.0
        gap -= strategies[row["level_b"]][LEVEL]["mean"] or 0.0
        values = (gap, gap - 1.0, gap + 1.0) if both else (math.nan,) * 3
        table.loc[i, ["mean", "ci_low", "ci_high", "n"]] = [*values, both]
    return results, reached, runs


def _words(document: str) -> str:
    """The report's running text (tags, styles, figures and the scenario file left out)."""
    document = re.sub(r"<(style|pre)>.*?</\1>", " ", document, flags=re.S)
    document = re.sub(r"<[^>]+>", " ", document)
    return markup.unescape(document)


def _reads_well(words: str) -> None:
    for pattern in BROKEN:
        assert not pattern.search(words), pattern.search(words).group(0)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("pattern", ["never_some_every", "every_every_every"])
def test_levels_reached_by_no_run_some_or_all_read_as_sentences(compare, lang, pattern):
    results0 = read_results(compare.folder)
    runs0 = results0.summary["replications"]
    counts = (0, runs0 - 1, runs0) if pattern == "never_some_every" else (runs0,) * 3
    results, reached, runs = _reached(compare, counts)
    summary = html._summary(results, lang)
    choice = summary["choice"]
    assert choice is not None and reached[choice] == runs
    words = _words(html.build_report(results, lang))
    _reads_well(words)
    recommendation = summary["recommendation"]
    for name, n in reached.items():
        if name == choice:
            continue
        d = paired(results.paired, name, choice, LEVEL)
        if n == 0:
            said = phrase("report.compare.speed.never", lang, runs=runs)
            missed = "report.compare.threshold.weeks_to_80pct_adoption.never"
            assert phrase(missed, lang, runs=runs) in recommendation  # why it is set aside
        elif n < runs:
            said = phrase("report.compare.speed.some", lang, d=diff_text(LEVEL, d, lang), n=n)
        else:
            said = phrase("report.compare.speed.all", lang, d=diff_text(LEVEL, d, lang))
        assert said in recommendation
        assert typography(said, lang) in words
    # The level's sentence names each strategy once, with what it reached.
    bullet = next(b for b in summary["bullets"] if percent(0.8, lang, 0) in b)
    for name in reached:
        assert bullet.count(quote(text(name, lang), lang)) == 1
    # The dropout's lower bound (-0.4 %) is written 0,0 %, never below zero.
    assert percent(0.0, lang) in words


@pytest.mark.parametrize("lang", LANGS)
def test_no_run_where_both_reach_the_level_is_said_as_such(compare, lang):
    results, _, runs = _reached(compare, (2, 1, 3))
    strategies = results.summary["strategies"]
    first, second, _ = list(strategies)
    table = results.paired
    rows = (table["outcome"] == LEVEL) & table["level_a"].isin([first, second])
    rows &= table["level_b"].isin([first, second])
    table.loc[rows, ["mean", "ci_low", "ci_high"]] = math.nan
    table.loc[rows, "n"] = 0
    said = speed_text(strategies, table, first, second, lang)
    assert said == phrase("report.compare.speed.apart", lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("missing", [(), (LEVEL,), ("weeks_to_50pct_adoption", LEVEL)])
def test_a_run_report_says_which_levels_were_never_reached(run, lang, missing):
    results = read_results(run.folder)
    for name, weeks in (("weeks_to_50pct_adoption", 31.0), (LEVEL, 37.0)):
        results.summary[name] = None if name in missing else weeks
    bullets = run_summary(results.summary, lang)
    words = _words(html.build_report(results, lang))
    _reads_well(words)
    adoption = bullets[0]
    for name, level in (("weeks_to_50pct_adoption", 0.5), (LEVEL, 0.8)):
        key = "never" if name in missing else "reached"
        weeks = results.summary[name]
        shown = None if weeks is None else f"{weeks:.0f} {text('weeks', lang)}"
        said = phrase(f"report.run.level_{key}", lang, level=percent(level, lang, 0), weeks=shown)
        assert said in adoption
    assert outcome(LEVEL, lang)  # the label exists in both languages


def test_bounds_are_cut_to_what_an_outcome_can_take(compare):
    results = read_results(compare.folder)
    entry = results.summary["strategies"][results.strategies[0]]
    entry["cost_total_eur"] = {"mean": 100.0, "ci_low": -50.0, "ci_high": 250.0, "n": 3}
    entry["strain_mean_peak"] = {"mean": 0.5, "ci_low": -0.2, "ci_high": 1.2, "n": 3}
    entry["dropout_share"] = {"mean": 0.9, "ci_low": 0.7, "ci_high": 1.1, "n": 3}
    for lang in LANGS:
        table = html._summary(results, lang)["table"]
        cells = [c for row in table.rows for cell in row[1:] for c in _parts(cell)]
        assert cells and not any(re.search(r"[-−]\s?\d", c) for c in cells)
        assert any(percent(1.0, lang) in c for c in cells)  # 110 % is cut to 100 %


def _parts(cell) -> tuple[str, ...]:
    return (cell,) if isinstance(cell, str) else tuple(cell)


@pytest.mark.parametrize("lang", LANGS)
def test_a_paired_gap_of_shares_stays_within_100_points(lang):
    wide = Paired(0.2, -1.4, 1.7, 3)
    written = diff_text("dropout_share", wide, lang)
    points = difference("dropout_share", 1.0, lang)
    assert points[1:] in written and "117" not in written and "140" not in written
    counts = diff_text("rps_high_person_weeks", Paired(5.0, -900.0, 1200.0, 3), lang)
    assert difference("rps_high_person_weeks", -900.0, lang) in counts  # counts are not cut
