"""Words and numbers in French or English, for every user-facing text.

The words come from one catalogue; :mod:`~simulation.i18n.words` looks them up and
formats numbers with each language's typography.
"""

from simulation.i18n.words import (
    LANGUAGES,
    NBSP,
    NNBSP,
    check,
    difference,
    number,
    outcome,
    outcome_kind,
    percent,
    quote,
    text,
    typography,
    value,
)

__all__ = [
    "LANGUAGES",
    "NBSP",
    "NNBSP",
    "check",
    "difference",
    "number",
    "outcome",
    "outcome_kind",
    "percent",
    "quote",
    "text",
    "typography",
    "value",
]
