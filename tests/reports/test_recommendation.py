"""The recommendation rule of a comparison's report: its thresholds, and what it says.

A property test draws random comparison summaries (2 to 4 strategies, random means,
intervals, paired differences, missing go-lives and counts of runs reaching 80 %
adoption) and checks the report's sentences against the thresholds restated here:
the recommended strategy never misses one, "none meets" is said exactly when none
does, and the thresholds are always stated. Then the sentences on levels reached by
no run, some runs or every run, in both languages, on the shared comparison folder
(``conftest.py``) with its counts changed.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from simulation.i18n.words import colon, outcome, percent, phrase, quote, text, typography
from simulation.model.outcomes import ORGANISATION_ONLY, OUTCOMES, PROFILE_ONLY
from simulation.reports import html
from simulation.reports.compare_text import compare_summary
from simulation.reports.reader import read_results
from simulation.reports.recommendation import THRESHOLDS, recommend
from simulation.reports.robustness_text import robustness
from simulation.reports.workbook import write_workbook
from simulation.scenario.profiles import PROFILES

LANGS = ("fr", "en")
STRATEGIES = ("big_bang", "small_steps", "short_cycle", "custom")
LIMITS = {t.outcome: t.limit for t in THRESHOLDS}
"""The limits the report states, by outcome: the test restates what each one means."""
PAIRED = ("dropout_share", "rps_high_person_weeks", "weeks_to_80pct_adoption", "rps_peak_share")


def stat(mean: float | None, n: int, low: float = 0.0, high: float = 0.0) -> dict:
    """One outcome's statistics as in ``summary.json`` (no value: n = 0, mean None)."""
    if mean is None or n == 0:
        return {"mean": None, "ci_low": None, "ci_high": None, "n": 0}
    return {"mean": mean, "ci_low": mean - low, "ci_high": mean + high, "n": n}


def strategy_entry(runs: int, values: dict[str, tuple[float | None, int]]) -> dict:
    """A strategy's summary: every outcome of ``runs`` runs, ``values`` as (mean, n)."""
    entry = {name: stat(0.5, runs) for name in OUTCOMES + ORGANISATION_ONLY}
    entry.update({name: stat(mean, n, 0.01, 0.02) for name, (mean, n) in values.items()})
    entry["by_profile"] = {
        p: {name: stat(0.5, runs) for name in OUTCOMES + PROFILE_ONLY} for p in PROFILES
    }
    return entry


def meets(entry: dict) -> bool:
    """Whether a strategy meets every stated threshold, as the report's rule says it."""
    runs = entry["adoption_final"]["n"]
    reached = entry["weeks_to_80pct_adoption"]["n"]
    return (
        entry["dropout_share"]["mean"] <= LIMITS["dropout_share"]
        and reached / runs >= LIMITS["weeks_to_80pct_adoption"]
        and entry["adoption_final"]["mean"] >= LIMITS["adoption_final"]
        and entry["golives_missing"]["mean"] <= LIMITS["golives_missing"]
    )


def lead(key: str, lang: str, **values: str) -> str:
    """A phrase up to its colon (``{c}``): what starts the sentence, whatever follows."""
    return phrase(key, lang, c="\0", **values).split("\0")[0]


def near(limit: float) -> st.SearchStrategy[float]:
    """Shares at, around and away from a limit."""
    return st.one_of(
        st.just(limit), st.floats(0, 1), st.sampled_from([0.0, 1.0, limit - 0.001, limit + 0.001])
    ).map(lambda x: min(1.0, max(0.0, x)))


@st.composite
def comparisons(draw) -> tuple[dict, pd.DataFrame]:
    """A random comparison: its summary (``strategies``) and its paired table."""
    names = draw(st.lists(st.sampled_from(STRATEGIES), min_size=2, max_size=4, unique=True))
    runs = draw(st.integers(1, 30))
    summary = {}
    for name in names:
        # Each strategy meets every threshold, or all but one (a near miss), or is
        # drawn anywhere: the three cases, and the limits themselves, come up often.
        case = draw(st.sampled_from(["meets", "misses one", "anywhere"]))
        spoilt = draw(st.sampled_from(list(LIMITS))) if case == "misses one" else None
        values = {
            "dropout_share": draw(st.floats(0, LIMITS["dropout_share"])),
            "adoption_final": draw(st.floats(LIMITS["adoption_final"], 1)),
            "reached": draw(st.integers(math.ceil(LIMITS["weeks_to_80pct_adoption"] * runs), runs)),
            "golives_missing": 0.0,
        }
        if case == "anywhere" or spoilt == "dropout_share":
            values["dropout_share"] = draw(near(LIMITS["dropout_share"]))
        if case == "anywhere" or spoilt == "adoption_final":
            values["adoption_final"] = draw(near(LIMITS["adoption_final"]))
        if case == "anywhere" or spoilt == "weeks_to_80pct_adoption":
            values["reached"] = draw(st.integers(0, runs))
        if case == "anywhere" or spoilt == "golives_missing":
            values["golives_missing"] = draw(st.one_of(st.just(0.0), st.floats(0.05, 140)))
        n80 = values["reached"]
        n50 = draw(st.integers(n80, runs))
        weeks80 = draw(st.floats(1, 150)) if n80 else None
        weeks50 = min(weeks80, draw(st.floats(1, 150))) if n80 else draw(st.floats(1, 150))
        summary[name] = strategy_entry(
            runs,
            {
                "dropout_share": (values["dropout_share"], runs),
                "adoption_final": (values["adoption_final"], runs),
                "weeks_to_80pct_adoption": (weeks80, n80),
                "weeks_to_50pct_adoption": (weeks50, n50),
                "golives_missing": (values["golives_missing"], runs),
                "golives_target": (140.0, runs),
                "rps_high_person_weeks": (draw(st.floats(0, 5000)), runs),
            },
        )
    rows = []
    for a, b in itertools.combinations(names, 2):
        for name in PAIRED:
            mean = draw(st.floats(-0.2, 0.2))
            rows.append(
                {
                    "level_a": a,
                    "level_b": b,
                    "outcome": name,
                    "mean": mean,
                    "ci_low": mean - draw(st.floats(0, 0.2)),
                    "ci_high": mean + draw(st.floats(0, 0.2)),
                    "n": runs,
                }
            )
    return summary, pd.DataFrame(rows)


@settings(max_examples=80, deadline=None)
@given(comparisons())
def test_the_recommended_strategy_never_misses_a_stated_threshold(comparison):
    summary, table = comparison
    eligible = [s for s in summary if meets(summary[s])]
    event("some strategy meets the thresholds" if eligible else "none meets them")
    for lang in LANGS:
        parts = compare_summary(summary, table, lang)
        c = colon(lang)
        choice = parts["choice"]
        if eligible:
            assert choice in eligible
            assert parts["headline"] == phrase(
                "report.compare.headline", lang, c=c, a=quote(text(choice, lang), lang)
            )
            assert phrase("report.compare.none_next", lang) not in parts["recommendation"]
        else:  # said plainly, and no least bad is put forward
            assert choice is None
            assert parts["headline"] == phrase("report.compare.headline_none", lang, c=c)
            assert phrase("report.compare.none_next", lang) in parts["recommendation"]
            assert "optimise" in parts["recommendation"]
        # The thresholds are stated, each with its limit.
        for threshold in THRESHOLDS:
            limit = (
                percent(threshold.limit, lang, 0)
                if threshold.outcome != "golives_missing"
                else str(int(threshold.limit))
            )
            rule = phrase(f"report.compare.threshold.{threshold.outcome}.rule", lang, limit=limit)
            assert rule in parts["rule"]
        # Each strategy that misses one is named as such; missing go-lives are flagged.
        for strategy in summary:
            a = quote(text(strategy, lang), lang)
            named = lead("report.compare.breaks", lang, a=a, list="")
            assert (named in parts["recommendation"]) == (strategy not in eligible)
            flag = lead("report.compare.golives_missing", lang, a=a, missing="", target="")
            flagged = any(bullet.startswith(flag) for bullet in parts["bullets"])
            assert flagged == (summary[strategy]["golives_missing"]["mean"] > 0)
    assert recommend(summary, table).choice == parts["choice"]


def test_a_strategy_with_missing_go_lives_is_set_aside_with_its_count():
    good = {"dropout_share": (0.02, 10), "adoption_final": (0.95, 10)}
    good |= {"weeks_to_80pct_adoption": (40.0, 10), "golives_missing": (0.0, 10)}
    summary = {
        "big_bang": strategy_entry(10, {**good, "dropout_share": (0.206, 10)}),
        "small_steps": strategy_entry(10, {**good, "golives_missing": (92.0, 10)}),
        "short_cycle": strategy_entry(10, good),
    }
    for entry in summary.values():
        entry["golives_target"] = stat(140.0, 10)
    for lang in LANGS:
        parts = compare_summary(summary, None, lang)
        assert parts["choice"] == "short_cycle"
        flag = phrase(
            "report.compare.golives_missing",
            lang,
            a=quote(text("small_steps", lang), lang),
            c=colon(lang),
            missing="92",
            target="140",
        )
        assert flag in parts["bullets"]
        missing = phrase("report.compare.threshold.golives_missing.actual", lang, value="92")
        dropout = phrase(
            "report.compare.threshold.dropout_share.actual", lang, value=percent(0.206, lang)
        )
        assert missing in parts["recommendation"] and dropout in parts["recommendation"]


@pytest.fixture
def levels(compare):
    """The shared comparison with 80 % adoption reached by no run, some runs and all runs."""
    results = read_results(compare.folder)
    strategies = results.summary["strategies"]
    runs = results.summary["replications"]
    never, some, every = list(strategies)
    reached = {never: 0, some: runs - 1, every: runs}
    for name, n in reached.items():
        strategies[name]["weeks_to_80pct_adoption"] = stat(None if n == 0 else 30.0 + n, n, 1, 1)
    return results, reached, runs


@pytest.mark.parametrize("lang", LANGS)
def test_each_level_says_in_how_many_runs_it_was_reached(levels, lang):
    results, reached, runs = levels
    summary = html._summary(results, lang)
    level = lead("report.compare.level", lang, level=percent(0.8, lang, 0), parts="")
    bullet = next(b for b in summary["bullets"] if b.startswith(level))
    labels = [row[0] for row in summary["table"].rows]
    row = summary["table"].rows[labels.index(outcome("weeks_to_80pct_adoption", lang))]
    cells = dict(zip(results.strategies, row[1:], strict=True))
    for name, n in reached.items():
        said = (
            phrase("report.compare.never_reached", lang, runs=runs)
            if n == 0
            else phrase("report.compare.reached", lang, n=n, runs=runs)
        )
        assert f"{quote(text(name, lang), lang)} " in bullet and said in bullet
        assert said in cells[name][1]  # the table's cell says it under the interval
    document = html.build_report(results, lang)
    assert typography(phrase("report.compare.reached", lang, n=runs - 1, runs=runs), lang) in (
        document
    )


def test_a_folder_made_before_the_go_lives_were_counted_says_they_were_not_checked(
    compare, tmp_path
):
    results = read_results(compare.folder)
    for entry in results.summary["strategies"].values():
        del entry["golives_missing"], entry["golives_target"]
    for lang in LANGS:
        parts = compare_summary(results.summary["strategies"], results.paired, lang)
        rule = phrase("report.compare.threshold.golives_missing.rule", lang)
        unchecked = phrase("report.compare.threshold.unchecked", lang, rule=rule)
        assert unchecked in parts["rule"]
        assert write_workbook(results, tmp_path / f"{lang}.xlsx", lang).exists()


def test_without_a_recommendation_the_robustness_weighs_no_strategy_against_the_others(compare):
    results = read_results(compare.folder)
    strategies, first = results.summary["strategies"], results.summary["first_shares"]
    for lang in LANGS:
        said = robustness(strategies, results.paired, first, None, lang)
        assert phrase("report.compare.robust.none", lang) in said
        pair = phrase("report.compare.robust.pair", lang, share="\0", a="", verb="", b="", grade="")
        assert not any(sentence.startswith(pair.split("\0")[0]) for sentence in said)
        for name in strategies:  # where each one's dropout falls, once
            assert sum(quote(text(name, lang), lang) in sentence for sentence in said) == 1
