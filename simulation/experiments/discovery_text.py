"""Scenario discovery's boxes in plain words, in French and English.

A box (:class:`~simulation.experiments.discovery.Box`) becomes one sentence: "When
strain recovery is below 0.071 per week and the share of overwhelmed staff is above
55 %, “dropout (left or mobility)” is above 5.0 % in 93 % of the runs (against 16 %
over all the runs); these conditions hold 72 % of the runs where it happens, in 12 %
of all the runs."

Inputs are named from the catalogue (``discover.input.<path>``, then the factor
labels ``factor.<path>``, quoted; else the path itself, quoted); their values are
written in the unit the parameter's documentation gives (``spec(unit=...)`` of
``simulation/scenario``): shares as percentages, rates per week, whole numbers for
whole-number fields. Limits are rounded to two significant digits, finer when the
sampled range needs it (a limit never reads as the range's end).

An input named otherwise than its scenario path (a declared uncertainty such as
``overwhelmed_share``) is told as the path it stands for with a :class:`Meaning`; one
that scales the plan's own value (the share of the planned training capacity actually
delivered) is told as that share.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from simulation.experiments.discovery_boxes import Box, Limit
from simulation.i18n.catalogue import entries
from simulation.i18n.words import (
    euros,
    number,
    outcome_kind,
    percent,
    phrase,
    quote,
    text,
    typography,
    value,
)
from simulation.scenario.records import Scenario
from simulation.scenario.schema import hint_at, info_at, is_whole_number

UNIT_WORDS = {
    "1/week": "per_week",
    "strain/week": "per_week",
    "1/hour": "per_hour",
    "week": "weeks",
    "weeks": "weeks",
    "hours/week per staff": "hours_per_week",
    "trainer hours/week": "trainer_hours_per_week",
    "staff": "staff",
}
"""Units of the parameters' documentation -> their words (``discover.unit.*``)."""
SIGNIFICANT = 2
"""Significant digits of a limit."""
RESOLUTION = 20
"""A limit is written at least to a twentieth of its input's sampled range."""


@dataclasses.dataclass(frozen=True)
class Meaning:
    """What an input stands for, when its name is not its scenario path.

    Attributes:
        path: The dotted scenario path whose value the input sets.
        scaled: Whether the input multiplies the plan's own value of ``path`` (a share
            of it, told as a percentage) rather than replacing it.
    """

    path: str
    scaled: bool = False


Meanings = Mapping[str, Meaning]
"""Input name -> what it stands for (inputs not listed stand for their own name)."""


def _meaning(name: str, meanings: Meanings | None) -> Meaning:
    return (meanings or {}).get(name) or Meaning(name)


def input_name(name: str, lang: str, meanings: Meanings | None = None) -> str:
    """How a sentence names an input (``strain recovery``, « effectif (agents) »...).

    Args:
        name: The input: a dotted scenario path, ``scenario`` or a declared name.
        lang: ``fr`` or ``en``.
        meanings: What inputs named otherwise stand for.
    """
    meaning = _meaning(name, meanings)
    if meaning.scaled:
        words = phrase("discover.scaled", lang, name=input_name(meaning.path, lang))
        # French contracts "de le" and "de les" (la part de la capacité, du soutien).
        return words.replace(" de le ", " du ").replace(" de les ", " des ")
    name = meaning.path
    labels = entries()
    if f"discover.input.{name}" in labels:
        return phrase(f"discover.input.{name}", lang)
    if f"factor.{name}" in labels:
        return quote(phrase(f"factor.{name}", lang), lang)
    return quote(name, lang)


def unit_kind(name: str, meanings: Meanings | None = None) -> str:
    """How an input's values are written: ``percent``, ``whole``, ``euros`` or ``number``."""
    meaning = _meaning(name, meanings)
    if meaning.scaled:
        return "percent"
    name = meaning.path
    info = info_at(Scenario, name)
    unit = info.unit if info is not None else ""
    if unit.startswith("share"):
        return "percent"
    if "EUR" in unit:
        return "euros"
    hint = hint_at(Scenario, name)
    if hint is not None and is_whole_number(hint):
        return "whole"
    return "number"


def input_value(
    name: str,
    amount: float,
    lang: str,
    decimals: int = 2,
    unit: bool = True,
    meanings: Meanings | None = None,
) -> str:
    """A value of input ``name`` with its unit (``0.071 per week``, ``55 %``, ``24 weeks``).

    Args:
        name: The input.
        amount: The value, in the input's own unit (shares as 0-1).
        lang: ``fr`` or ``en``.
        decimals: Decimals of the written number (of the percentage for shares; may
            be negative: 540 for 537 with -1).
        unit: Whether to add the unit's words (``per week``); percentages and euros
            always carry their sign.
        meanings: What inputs named otherwise stand for.
    """
    kind = unit_kind(name, meanings)
    if kind == "percent":
        return percent(round(amount * 100, decimals) / 100, lang, max(decimals, 0))
    if kind == "euros":
        return euros(round(amount, min(decimals, 0)), lang)
    if kind == "whole":
        written = number(round(amount, min(decimals, 0)), lang, 0)
    else:
        written = number(round(amount, decimals), lang, max(decimals, 0))
    info = info_at(Scenario, _meaning(name, meanings).path)
    words = UNIT_WORDS.get(info.unit) if info is not None and unit else None
    return f"{written} {phrase(f'discover.unit.{words}', lang)}" if words else written


def decimals_for(limit: Limit, amounts: tuple[float, ...], meanings: Meanings | None = None) -> int:
    """Decimals that write ``amounts`` (a limit's values) with sensible rounding.

    Two significant digits of the smallest value, but at least a twentieth of the
    sampled range (0.071 in 0.02-0.2; 1.234 in 1.2-1.3; 540 in 0-1,000); on the
    percentage scale for shares.
    """
    scale = 100.0 if unit_kind(limit.input, meanings) == "percent" else 1.0
    digits = []
    for amount in amounts:
        if amount:
            exponent = math.floor(math.log10(abs(amount * scale)))
            digits.append(SIGNIFICANT - 1 - exponent)
    span = ((limit.range_high or 0.0) - (limit.range_low or 0.0)) * scale
    if span > 0:
        digits.append(-math.floor(math.log10(span / RESOLUTION)))
    return max(digits) if digits else 0


def condition(limit: Limit, lang: str, meanings: Meanings | None = None) -> str:
    """One restriction in words: ``strain recovery is below 0.071 per week``."""
    name = input_name(limit.input, lang, meanings)
    if limit.categorical:
        return phrase("discover.in", lang, name=name, values=_categories(limit, lang))
    side = limit.side
    if side == "between":
        assert limit.low is not None and limit.high is not None
        digits = decimals_for(limit, (limit.low, limit.high), meanings)
        return phrase(
            "discover.between",
            lang,
            name=name,
            low=input_value(limit.input, limit.low, lang, digits, False, meanings),
            high=input_value(limit.input, limit.high, lang, digits, True, meanings),
        )
    amount = limit.high if side == "below" else limit.low
    assert amount is not None
    digits = decimals_for(limit, (amount,), meanings)
    written = input_value(limit.input, amount, lang, digits, True, meanings)
    return phrase(f"discover.{side}", lang, name=name, value=written)


def conditions(box: Box, lang: str, meanings: Meanings | None = None) -> str:
    """Every restriction of ``box`` in words, joined: ``A, B and C``."""
    parts = [condition(limit, lang, meanings) for limit in box.limits]
    return _joined(parts, "discover.and", lang)


def outcome_words(
    outcome: str, lang: str, *, above: float | None = None, below: float | None = None
) -> str:
    """What the runs of interest are, in words: “dropout (left or mobility)” is above 5.0 %.

    Args:
        outcome: A summary outcome (``dropout_share``...).
        lang: ``fr`` or ``en``.
        above: The runs of interest are those above this value...
        below: ... or those below it (exactly one of the two).
    """
    from simulation.i18n.words import outcome as outcome_label

    if (above is None) == (below is None):
        raise ValueError("give exactly one of above and below")
    side, threshold = ("above", above) if above is not None else ("below", below)
    assert threshold is not None
    written = value(outcome, threshold, lang)
    if outcome_kind(outcome) == "weeks":
        written += f" {text('weeks', lang)}"
    return phrase(
        f"discover.outcome_{side}",
        lang,
        outcome=quote(outcome_label(outcome, lang), lang),
        value=written,
    )


def tell(box: Box, lang: str, what: str, meanings: Meanings | None = None) -> str:
    """A box in one plain sentence.

    Args:
        box: A box :func:`~simulation.experiments.discovery.discover` found.
        lang: ``fr`` or ``en``.
        what: What the runs of interest are, as a clause: :func:`outcome_words`, or
            the caller's own (``this plan loses more than 5 % of staff``).
        meanings: What inputs named otherwise stand for (declared uncertainties).
    """
    key = "discover.box" if box.number == 1 else "discover.box_after"
    sentence = phrase(
        key,
        lang,
        conditions=conditions(box, lang, meanings),
        what=what,
        density=percent(box.density, lang, 0),
        base_rate=percent(box.base_rate, lang, 0),
        coverage=percent(box.coverage, lang, 0),
        mass=percent(box.mass, lang, 0),
    )
    return typography(sentence, lang)


def tell_none(kind: str, what: str, lang: str, *, runs: int = 0, base_rate: float = 0.0) -> str:
    """The sentence when there is no box.

    Args:
        kind: ``no_case`` (no run of interest), ``every_case`` (every run is) or
            ``no_box`` (no meaningful box).
        what: As for :func:`tell`.
        lang: ``fr`` or ``en``.
        runs: Runs looked at.
        base_rate: Share of runs of interest (0-1), for ``no_box``.
    """
    sentence = phrase(
        f"discover.{kind}",
        lang,
        what=what,
        runs=number(runs, lang),
        base_rate=percent(base_rate, lang, 0),
    )
    return typography(sentence[:1].upper() + sentence[1:], lang)


def limit_texts(box: Box, lang: str, meanings: Meanings | None = None) -> list[str]:
    """A box's restrictions, short, one per input (``strain recovery ≤ 0.071 per week``)."""
    parts = []
    for limit in box.limits:
        name = input_name(limit.input, lang, meanings)
        if limit.categorical:
            parts.append(f"{name} = {_categories(limit, lang)}")
            continue
        amounts = tuple(a for a in (limit.low, limit.high) if a is not None)
        digits = decimals_for(limit, amounts, meanings)
        low, high = (
            None
            if amount is None
            else input_value(limit.input, amount, lang, digits, unit, meanings)
            for amount, unit in ((limit.low, limit.high is None), (limit.high, True))
        )
        if low is not None and high is not None:
            parts.append(f"{low} ≤ {name} ≤ {high}")
        elif high is not None:
            parts.append(f"{name} ≤ {high}")
        else:
            parts.append(f"{name} ≥ {low}")
    return parts


def limits_text(box: Box, lang: str, meanings: Meanings | None = None) -> str:
    """A box's restrictions, short, in one line (``a ≤ 0.071 per week; b ≥ 55 %``)."""
    return "; ".join(limit_texts(box, lang, meanings))


def _categories(limit: Limit, lang: str) -> str:
    return _joined([quote(_category(c, lang), lang) for c in limit.categories], "discover.or", lang)


def _category(category: Any, lang: str) -> str:
    """A category in words: strategies and profiles from the catalogue, else as it is."""
    return text(category, lang) if isinstance(category, str) else str(category)


def _joined(parts: list[str], key: str, lang: str) -> str:
    """``a``, ``a and b``, ``a, b and c`` (the word of ``key``)."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {phrase(key, lang)} {parts[-1]}"
