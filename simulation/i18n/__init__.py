"""Words and numbers in French or English, for every user-facing text.

The words come from one catalogue, ``catalogue.yaml``, read by
:mod:`~simulation.i18n.catalogue`; :mod:`~simulation.i18n.words` looks them up and
formats numbers with each language's typography.
"""

from simulation.i18n.catalogue import CatalogueError
from simulation.i18n.words import (
    LANGUAGES,
    NBSP,
    NNBSP,
    check,
    colon,
    difference,
    number,
    outcome,
    outcome_kind,
    percent,
    phrase,
    phrases,
    quote,
    text,
    typography,
    value,
)

__all__ = [
    "LANGUAGES",
    "NBSP",
    "NNBSP",
    "CatalogueError",
    "check",
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
