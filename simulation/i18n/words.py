"""Words and numbers in French or English, for figures, reports, the workbook and the page.

The words are those of the translation catalogue (:mod:`simulation.i18n.catalogue`);
the numbers are written here. French follows the usual typographic rules: decimal
comma, a narrow no-break space as thousands separator and before ``%``, ``;``, ``!``
and ``?``, a no-break space before ``:``, and French quotation marks « » with
no-break spaces inside.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping

from simulation.i18n.catalogue import LANGUAGES, CatalogueError, entries, entry, names

__all__ = [
    "LANGUAGES",
    "NBSP",
    "NNBSP",
    "check",
    "clipped",
    "colon",
    "difference",
    "number",
    "outcome",
    "outcome_kind",
    "percent",
    "phrase",
    "phrases",
    "quote",
    "text",
    "typography",
    "value",
]

NBSP = "\u00a0"  # no-break space (before ":" and inside « »)
NNBSP = "\u202f"  # narrow no-break space (thousands, before % ; ! ?)

OUTCOME_KIND: dict[str, str] = {
    "adoption_final": "percent",
    "weeks_to_50pct_adoption": "weeks",
    "weeks_to_80pct_adoption": "weeks",
    "dropout_share": "percent",
    "dropout_strain_share": "percent",
    "dropout_refusal_share": "percent",
    "internal_mobility_share": "percent",
    "external_departure_share": "percent",
    "rps_peak_share": "percent",
    "rps_high_person_weeks": "count",
    "efficiency_gain": "factor",
    "efficiency_gain_mastered": "factor",
    "mastered_share_final": "percent",
    "strain_mean_peak": "number",
    "reverted_final": "percent",
    "training_hours_total": "count",
    "trainer_hours_total": "count",
    "staff_share": "percent",
    "strain_source_share": "percent",  # and its _<source> variants
    "acculturation_final": "number",
    "e_learning_hours_total": "count",
    "departures_internal_share": "percent",
    "cost": "euros",  # cost_total_eur and cost_<component>_eur
    "golives": "count",  # golives_target and golives_missing
}
"""How each outcome is written: percent (shares), weeks, count, factor, euros or number."""


FEASIBLE: dict[str, tuple[float, float]] = {
    "percent": (0.0, 1.0),
    "weeks": (0.0, math.inf),
    "count": (0.0, math.inf),
    "euros": (0.0, math.inf),
    "factor": (0.0, math.inf),
    "strain_mean_peak": (0.0, math.inf),
    "acculturation_final": (0.0, 1.0),
}
"""What an outcome can take, by how it is written (shares in 0-1, counts, weeks, costs
and factors at least 0) or by name for the plain numbers known to be bounded."""


def clipped(name: str, amount: float | None) -> float | None:
    """A bound of an outcome's interval cut to what the outcome can take (:data:`FEASIBLE`).

    A Student interval over few replications can cross those limits (a share of
    -2 %, a cost below zero), which reads as nonsense. A bound cut to zero is a plain
    zero, never ``-0.0``.
    """
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return amount
    kind = outcome_kind(name)
    bounded = next((k for k in FEASIBLE if name == k or name.startswith(k + "_")), kind)
    low, high = FEASIBLE.get(bounded, (-math.inf, math.inf))
    amount = min(max(float(amount), low), high)
    return amount + 0.0  # -0.0 + 0.0 is 0.0


def check(lang: str) -> str:
    """Return ``lang`` if supported, else raise ValueError naming the choices."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang


TEXT_NAMESPACES: tuple[str, ...] = ("word", "figure", "factor")
"""Namespaces of the catalogue whose entries :func:`text` finds by their bare name."""


@functools.cache
def _words() -> Mapping[str, Mapping[str, str]]:
    """Bare name -> entry, over :data:`TEXT_NAMESPACES` (a name may stand in only one)."""
    found: dict[str, Mapping[str, str]] = {}
    for namespace in TEXT_NAMESPACES:
        for name in names(namespace):
            if name in found:
                raise CatalogueError(f"{namespace}.{name}: the name {name!r} is taken twice")
            found[name] = entries()[f"{namespace}.{name}"]
    return found


def phrase(key: str, lang: str, **values: object) -> str:
    """The phrase of a catalogue key (``report.heading.summary``) in ``lang``.

    Args:
        key: A dotted key of the catalogue.
        lang: ``fr`` or ``en``.
        **values: The values of the phrase's ``{name}`` placeholders.

    Raises:
        KeyError: no such key; ValueError: unknown language.
    """
    words = entry(key)[check(lang)]
    return words.format(**values) if values else words


def phrases(namespace: str, lang: str) -> dict[str, str]:
    """Every phrase under ``namespace`` in ``lang``, by key without the namespace."""
    check(lang)
    return {name: entries()[f"{namespace}.{name}"][lang] for name in names(namespace)}


def text(key: str, lang: str, **values: object) -> str:
    """A word or phrase in ``lang`` (the key itself if it has no translation).

    ``key`` is a bare name of the catalogue's ``word``, ``figure`` or ``factor``
    entries: a strategy, profile or stage code, a figure's label, a factor's path.
    """
    found = _words().get(key)
    words = found[check(lang)] if found else key
    return words.format(**values) if values else words


def outcome(name: str, lang: str) -> str:
    """The label of a summary outcome, organisation-level or ``<outcome>_<profile>``."""
    labels = entries()
    if f"outcome.{name}" in labels:
        return labels[f"outcome.{name}"][check(lang)]
    for profile in ("technophile", "follower", "overwhelmed"):
        suffix = f"_{profile}"
        base = f"outcome.{name[: -len(suffix)]}"
        if name.endswith(suffix) and base in labels:
            return f"{labels[base][lang]} ({text(profile, lang)})"
    return name


def outcome_kind(name: str) -> str:
    """How an outcome (or its per-profile variant) is written."""
    for key, kind in OUTCOME_KIND.items():
        if name == key or name.startswith(key + "_"):
            return kind
    return "number"


def number(value: float | None, lang: str, digits: int = 0) -> str:
    """A number with the language's decimal mark and thousands separator."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if round(value, digits) == 0:  # a tiny negative rounds to "-0.0": write 0
        value = 0.0
    written = f"{value:,.{digits}f}"
    if check(lang) == "fr":
        written = written.replace(",", NNBSP).replace(".", ",")
    return written


def percent(share: float | None, lang: str, digits: int = 1) -> str:
    """A share (0-1) as a percentage: ``12,5 %`` or ``12.5 %``."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    space = NNBSP if lang == "fr" else " "
    return f"{number(100 * share, lang, digits)}{space}%"


def value(name: str, amount: float | None, lang: str) -> str:
    """An outcome's value written for people (``never`` for a level not reached)."""
    kind = outcome_kind(name)
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return text("never", lang) if kind == "weeks" else "–"
    if kind == "percent":
        return percent(amount, lang)
    if kind in ("weeks", "count"):
        return number(amount, lang, 0)
    if kind == "factor":
        return number(amount, lang, 2)
    if kind == "euros":
        return euros(amount, lang)
    return number(amount, lang, 2)


def euros(amount: float | None, lang: str) -> str:
    """An amount in euros, to the euro: ``12 345 €`` or ``€12,345``."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "–"
    sign = "−" if amount < 0 else ""
    if check(lang) == "fr":
        return f"{sign}{number(abs(amount), lang, 0)}{NBSP}€"
    return f"{sign}€{number(abs(amount), lang, 0)}"


def difference(name: str, amount: float | None, lang: str) -> str:
    """A difference between two values of an outcome, signed; shares in points."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "–"
    sign = "+" if amount > 0 else ("−" if amount < 0 else "±")
    kind = outcome_kind(name)
    if kind == "percent":
        points = text("points_unit", lang)
        space = NNBSP if lang == "fr" else " "
        return f"{sign}{number(abs(100 * amount), lang, 1)}{space}{points}"
    if kind == "euros":
        return f"{sign}{euros(abs(amount), lang)}"
    digits = 0 if kind in ("weeks", "count") else 2
    return f"{sign}{number(abs(amount), lang, digits)}"


def colon(lang: str) -> str:
    """A colon between a lead and what follows: `` : `` in French, ``: `` in English.

    The spaces are plain; :func:`typography` makes the French one no-break in running text.
    """
    return " : " if lang == "fr" else ": "


def quote(words: str, lang: str) -> str:
    """Quoted words: « … » in French, “…” in English."""
    return f"«{NBSP}{words}{NBSP}»" if lang == "fr" else f"“{words}”"


def typography(sentence: str, lang: str) -> str:
    """Apply French spacing rules to running text (no change in English).

    A plain space before ``: ; ! ? %`` becomes the right no-break space, and a space
    is added where none was.
    """
    if lang != "fr":
        return sentence
    sentence = re.sub(r"\s*([;!?%])", lambda m: NNBSP + m.group(1), sentence)
    sentence = re.sub(r"(?<=[^\s\d])\s*:(?=\s)", NBSP + ":", sentence)
    return sentence
