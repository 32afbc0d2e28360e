"""Boxes of scenario discovery in plain words (simulation/experiments/discovery_text.py).

Expected words come from the catalogue and the number helpers; the numbers are
rounded by hand from the stated rule (two significant digits, at least a twentieth
of the sampled range).
"""

from __future__ import annotations

import pytest

from simulation.experiments import discovery_text as words
from simulation.experiments.discovery_boxes import Box, Limit
from simulation.i18n.words import NNBSP, percent, phrase, quote, text
from simulation.scenario.records import Scenario
from simulation.scenario.schema import info_at

RECOVERY = Limit("behaviour.strain_recovery", high=0.07123, range_low=0.02, range_high=0.2)
OVERWHELMED = Limit("profile_mix.overwhelmed", low=0.5531, range_low=0.3, range_high=0.7)
STRATEGY = Limit(
    "rollout.strategy",
    categories=("big_bang", "short_cycle"),
    all_categories=("big_bang", "short_cycle", "small_steps"),
)
BOX = Box(
    number=1,
    limits=(RECOVERY, OVERWHELMED),
    coverage=0.7234,
    density=0.9312,
    mass=0.1207,
    cases=121,
    cases_of_interest=113,
    base_rate=0.1611,
)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_box_is_one_sentence_with_its_conditions_and_numbers(lang):
    what = words.outcome_words("dropout_share", lang, above=0.05)
    sentence = words.tell(BOX, lang, what)
    recovery = phrase(
        "discover.below",
        lang,
        name=phrase("discover.input.behaviour.strain_recovery", lang),
        value=f"{'0,071' if lang == 'fr' else '0.071'} {phrase('discover.unit.per_week', lang)}",
    )
    overwhelmed = phrase(
        "discover.above",
        lang,
        name=phrase("discover.input.profile_mix.overwhelmed", lang),
        value=percent(0.55, lang, 0),  # 55.31 % to two significant digits
    )
    assert f"{recovery} {phrase('discover.and', lang)} {overwhelmed}" in sentence
    for share in (BOX.density, BOX.base_rate, BOX.coverage, BOX.mass):
        assert percent(share, lang, 0) in sentence
    assert what in sentence
    assert sentence.startswith("Quand" if lang == "fr" else "When")
    if lang == "fr":  # French typography: narrow no-break spaces before ; and %
        assert f"{NNBSP};" in sentence and " %" not in sentence
    else:
        assert "0.071 per week" in sentence and "55 %" in sentence


def test_the_outcome_is_quoted_with_its_threshold_in_each_language():
    fr = words.outcome_words("dropout_share", "fr", above=0.05)
    en = words.outcome_words("weeks_to_80pct_adoption", "en", below=30)
    assert fr == phrase(
        "discover.outcome_above",
        "fr",
        outcome=quote(phrase("outcome.dropout_share", "fr"), "fr"),
        value=percent(0.05, "fr"),
    )
    assert en == phrase(
        "discover.outcome_below",
        "en",
        outcome=quote(phrase("outcome.weeks_to_80pct_adoption", "en"), "en"),
        value=f"30 {text('weeks', 'en')}",  # a number of weeks says so
    )
    with pytest.raises(ValueError, match="exactly one"):
        words.outcome_words("dropout_share", "en")


def test_a_later_box_says_it_is_among_the_other_runs():
    later = Box(2, (STRATEGY,), 0.2, 0.9, 0.05, 50, 45, 0.16)
    fr = words.tell(later, "fr", "x")
    en = words.tell(later, "en", "x")
    assert fr.startswith("Sinon") and en.startswith("Otherwise")
    big_bang, short = (quote(text(s, "en"), "en") for s in ("big_bang", "short_cycle"))
    assert f"the strategy is {big_bang} or {short}" in en
    assert f"{quote(text('big_bang', 'fr'), 'fr')} ou" in fr


@pytest.mark.parametrize(
    ("limit", "fr", "en"),
    [
        # 0.07123 in 0.02-0.2: two significant digits (a twentieth of the range, 0.009,
        # needs no more)
        (RECOVERY, "0,071 par semaine", "0.071 per week"),
        # a share, on the percentage scale: 55.31 % -> 55 %
        (OVERWHELMED, f"55{NNBSP}%", "55 %"),
        # 537 in 0-1,000 staff: 540 (two significant digits)
        (Limit("organisation.total_staff", low=537.0, range_low=0, range_high=1000), "540", "540"),
        # 1.2346 in 1.2-1.3: the range needs three decimals (a twentieth is 0.005)
        (
            Limit("levers.manager_backing", high=1.2346, range_low=1.2, range_high=1.3),
            "1,235",
            "1.235",
        ),
        # a whole-number field: whole weeks
        (Limit("behaviour.refusal_weeks", high=24.4, range_low=8, range_high=40), "24", "24 weeks"),
    ],
)
def test_limits_are_rounded_sensibly_with_their_unit(limit, fr, en):
    assert fr in words.condition(limit, "fr")
    assert en in words.condition(limit, "en")


def test_both_sides_read_between_with_the_same_rounding():
    limit = Limit(
        "behaviour.strain_recovery", low=0.0512, high=0.1434, range_low=0.02, range_high=0.2
    )
    assert words.condition(limit, "en") == phrase(
        "discover.between",
        "en",
        name=phrase("discover.input.behaviour.strain_recovery", "en"),
        low="0.051",  # the unit once, after the second value
        high="0.143 per week",
    )
    box = Box(1, (limit,), 0.5, 0.9, 0.1, 100, 90, 0.2)
    assert words.limit_texts(box, "fr") == [
        f"0,051 ≤ {phrase('discover.input.behaviour.strain_recovery', 'fr')} ≤ 0,143 par semaine"
    ]


def test_an_input_without_a_name_is_its_path_quoted_and_units_come_from_the_schema():
    assert words.input_name("levers.e_learning_hours", "en") == quote(
        "levers.e_learning_hours", "en"
    )
    assert words.input_name("my_own_input", "fr") == quote("my_own_input", "fr")
    # Named in the sentence's own words when the catalogue has them.
    assert words.input_name("rollout.strategy", "fr") == phrase(
        "discover.input.rollout.strategy", "fr"
    )
    # Units: what the parameter's spec says.
    assert info_at(Scenario, "behaviour.strain_recovery").unit == "1/week"
    assert words.unit_kind("behaviour.strain_recovery") == "number"
    assert words.unit_kind("levers.referent_share") == "percent"
    assert words.unit_kind("organisation.total_staff") == "whole"
    assert words.unit_kind("costs.trainer_hour_eur") in ("euros", "number")
    assert words.unit_kind("not.a.path") == "number"


def test_the_short_limits_of_a_table_cell():
    cell = words.limits_text(BOX, "en")
    assert cell == (
        f"{phrase('discover.input.behaviour.strain_recovery', 'en')} ≤ 0.071 per week; "
        f"{phrase('discover.input.profile_mix.overwhelmed', 'en')} ≥ 55 %"
    )


def test_no_box_and_nothing_to_explain_are_said_plainly():
    what = words.outcome_words("dropout_share", "en", above=0.05)
    none = words.tell_none("no_case", what, "en", runs=1200)
    assert (
        none
        == phrase("discover.no_case", "en", what=what, runs="1,200")[:1].upper()
        + (phrase("discover.no_case", "en", what=what, runs="1,200")[1:])
    )
    fr = words.tell_none(
        "no_box", words.outcome_words("dropout_share", "fr", above=0.05), "fr", base_rate=0.1
    )
    assert fr.startswith("«") and percent(0.1, "fr", 0) in fr
