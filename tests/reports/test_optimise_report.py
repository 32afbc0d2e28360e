"""The report of a plan search: thresholds stated, no false safety, both languages."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from helpers import invoke, write
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.experiments.named_plans import NAMES
from simulation.reports import optimise_text as words
from simulation.reports.optimise_report import build_search_report, is_search, read_search

SETTINGS = {
    "thresholds": {"dropout_share": 0.05, "adoption_week": None},
    "constraints": {"deadline_week": None, "budget_eur": 5e5, "training_budget_eur": None},
    "safe_share": 0.8,
}
OBJECTIVES = (
    "weeks_to_80pct_adoption",
    "external_departures",
    "refusal_departures",
    "strain",
    "cost",
)


def _plans(rows: list[dict]) -> pd.DataFrame:
    out = []
    for row in rows:
        full = {"strategy": "short_cycle", "trial": 0, "satisficing": 0.9}
        for objective in OBJECTIVES:
            full[f"{objective}_mean"] = 10.0
            full[f"{objective}_q"] = 12.0
        full.update(row)
        out.append(full)
    return pd.DataFrame(out)


def test_the_thresholds_and_constraints_are_always_stated():
    for lang, dropout in (("fr", "5 %"), ("en", "5 %")):
        sentence = words.thresholds_sentence(SETTINGS, 156, lang)
        assert dropout in sentence.replace("\u202f", " ") and "156" in sentence
        assert "80 %" in sentence.replace("\u202f", " ")
    assert "500" in words.constraints_sentence(SETTINGS, 156, "en")  # the budget cap


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(NAMES), min_size=0, max_size=3, unique=True),
    st.lists(st.floats(0, 1), min_size=3, max_size=3),
)
def test_no_safe_plan_is_said_exactly_when_there_is_none(names, shares):
    plans = _plans(
        [
            {"plan": n, "trial": k, "satisficing": s}
            for k, (n, s) in enumerate(zip(names, shares, strict=False))
        ]
    )
    for lang in ("fr", "en"):
        said = words.headline(plans, lang)
        text = " ".join(said)
        if not names:
            assert said == [words.phrase("optimise.report.no_feasible", lang)]
        else:
            no_safe = words.phrase("optimise.report.no_safe", lang)
            assert (no_safe in text) == ("fastest_safe" not in names)


def test_a_plan_that_did_worse_on_fresh_replications_says_so():
    plans = _plans([{"plan": "fastest_safe", "trial": 3, "satisficing": 0.7}])
    trials = pd.DataFrame({"trial": [3], "satisficing": [0.95]})
    for lang in ("fr", "en"):
        [sentence] = words.plan_bullets(plans, trials, 0.8, 0.9, lang)
        assert "95" in sentence and "70" in sentence  # before and after
        assert words.phrase("optimise.report.not_safe_now", lang, safe="80 %")[:12] in sentence
    steady = words.plan_bullets(
        _plans([{"plan": "safest", "trial": 3, "satisficing": 0.94}]), trials, 0.8, 0.9, "en"
    )
    assert "fresh" not in steady[0]  # within 5 points: no curse sentence


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_mean_delay_counting_runs_that_never_reach_80_percent_is_said_a_floor(lang):
    trials = pd.DataFrame({"trial": [3], "satisficing": [0.9]})
    some = _plans([{"plan": "safest", "trial": 3, "satisficing": 0.9, "reached_80": 0.75}])
    [sentence] = words.plan_bullets(some, trials, 0.8, 0.9, lang)
    floor = words.phrase("report.search.weeks_floor", lang, share=words.percent(0.25, lang, 0))
    assert sentence.endswith(floor)
    every = _plans([{"plan": "safest", "trial": 3, "satisficing": 0.9, "reached_80": 1.0}])
    [sentence] = words.plan_bullets(every, trials, 0.8, 0.9, lang)
    assert floor[:20] not in sentence


def test_a_plan_holding_two_names_is_said_once():
    plans = _plans([{"plan": "safest", "trial": 4}, {"plan": "balanced", "trial": 4}])
    assert any("same plan" in s for s in words.headline(plans, "en"))
    assert words.trade_offs(plans, "en") == []  # no trade-off of a plan with itself


@pytest.mark.slow
def test_the_report_of_a_real_search(tmp_path):
    scenario = write(
        tmp_path / "tiny.yaml",
        "name: Petite commune\norganisation:\n  total_staff: 60\nhorizon_weeks: 40\n",
    )
    space = write(tmp_path / "space.yaml", "batch: 6\ncheck_replications: 10\n")
    out = tmp_path / "search"
    ran = invoke(
        "optimise",
        scenario,
        "--trials",
        "12",
        "--replications",
        "3",
        "--workers",
        "1",
        "--space",
        space,
        "--out",
        out,
    )
    assert ran.exit_code == 0, ran.output
    assert is_search(out)
    search = read_search(out)
    for lang in ("fr", "en"):
        page = build_search_report(search, lang)
        assert "{" not in re.sub(r"<style>.*?</style>", "", page, flags=re.S)  # all filled
        assert words.phrase("optimise.report.heading.plans", lang) in page
        assert page.count("data:image/png;base64,") == 2
    report = invoke("report", out)
    assert report.exit_code == 0, report.output
    assert (out / "rapport.html").is_file() and (out / "rapport.xlsx").is_file()
    book = pd.read_excel(out / "rapport.xlsx", sheet_name=None, engine="openpyxl")
    assert len(book[words.phrase("optimise.sheet.trials", "fr")]) == 12
