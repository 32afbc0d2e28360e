"""The words of a DGS's tables: column headings, job types and numbers as people write them.

A table of services or relations comes from a spreadsheet, typed by someone who does
not know the model's field names. Headings are recognised in French and English with
their usual variants (``effectif``, ``agents``, ``headcount``...), whatever their case,
accents, spaces, underscores, hyphens or apostrophes (:func:`simplified`). Numbers may
have a decimal comma, spaces or no-break spaces between thousands (``1 520``) and a
percent sign (``40 %``); workbook cells may already hold numbers (:func:`number`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import unicodedata
from collections.abc import Mapping

__all__ = [
    "JOB_TYPE_WORDS",
    "RELATION_COLUMNS",
    "SERVICE_COLUMNS",
    "SHARE_COLUMNS",
    "Column",
    "NotANumberError",
    "column_of",
    "headings",
    "job_type",
    "number",
    "simplified",
]


def simplified(text: object) -> str:
    """A heading or word reduced to what identifies it: letters and digits, lower case.

    Accents, case, spaces, underscores, hyphens and punctuation are dropped, so that
    ``Soutien de l'encadrement``, ``soutien_de_l_encadrement`` and ``SOUTIEN DE
    L'ENCADREMENT`` are one word.
    """
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in decomposed if c.isalnum())


@dataclasses.dataclass(frozen=True)
class Column:
    """One column a table may hold.

    Attributes:
        field: The scenario field it gives (``headcount``).
        names: The headings that name it; the first French and first English ones are
            those messages and the starter files use.
        required: Whether a table without it is refused.
    """

    field: str
    names: tuple[str, ...]
    required: bool = False

    def name(self, lang: str) -> str:
        """The heading shown for this column in ``lang``: its first name (French) or its field."""
        return self.names[0] if lang == "fr" else self.field


SERVICE_COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        ("nom", "service", "nom du service", "nom service", "intitulé", "libellé", "service name"),
        required=True,
    ),
    Column(
        "headcount",
        ("effectif", "effectifs", "agents", "nombre d'agents", "nb agents", "staff"),
        required=True,
    ),
    Column("technophile", ("technophiles", "part technophiles", "technophiles share")),
    Column("follower", ("suiveurs", "suiveur", "part suiveurs", "followers")),
    Column("overwhelmed", ("dépassés", "dépassé", "part dépassés", "overwhelmed share")),
    Column(
        "manager_backing",
        (
            "soutien de l'encadrement",
            "soutien encadrement",
            "soutien de l'encadrant",
            "soutien encadrant",
            "soutien du manager",
            "backing",
        ),
    ),
    Column(
        "job_type",
        ("type de poste", "type de postes", "nature des postes", "type", "job"),
    ),
)
"""The columns of a services table, in the order the starter writes them."""

SHARE_COLUMNS: tuple[str, ...] = ("technophile", "follower", "overwhelmed")
"""The fields of a service's own profile mix: all three columns or none."""

RELATION_COLUMNS: tuple[Column, ...] = (
    Column("service_a", ("source", "de", "service 1", "service a", "from"), required=True),
    Column("service_b", ("cible", "vers", "service 2", "service b", "target", "to"), required=True),
    Column("weight", ("poids", "intensité", "intensity"), required=True),
)
"""The columns of a relations table."""


@functools.cache
def _vocabulary(columns: tuple[Column, ...]) -> dict[str, Column]:
    """Each simplified heading of a table's columns -> its column (built once per table kind)."""
    found: dict[str, Column] = {}
    for column in columns:
        for name in (column.field, *column.names):
            key = simplified(name)
            if found.get(key, column) is not column:  # a heading must name one column
                raise ValueError(f"heading {name!r} names two columns")
            found[key] = column
    return found


def column_of(heading: object, columns: tuple[Column, ...]) -> Column | None:
    """The column a heading names among ``columns`` (a table's vocabulary), or None."""
    return _vocabulary(columns).get(simplified(heading))


def headings(columns: tuple[Column, ...]) -> tuple[str, ...]:
    """Every heading accepted for ``columns``, French names first, then the fields."""
    return tuple(
        dict.fromkeys([name for c in columns for name in c.names] + [c.field for c in columns])
    )


JOB_TYPE_WORDS: Mapping[str, tuple[str, ...]] = {
    "front_office": ("accueil", "accueil du public", "guichet", "front office"),
    "back_office": ("instruction", "back-office", "gestion", "saisie", "back office"),
    "field": ("terrain", "field"),
    "management": ("encadrement", "direction", "management"),
}
"""The words of a ``job_type`` cell for each kind of post, French first."""

_JOB_TYPES = {
    simplified(word): kind for kind, words in JOB_TYPE_WORDS.items() for word in (kind, *words)
}


def job_type(word: object) -> str | None:
    """The kind of post (``front_office``...) a cell names, or None if it names none."""
    return _JOB_TYPES.get(simplified(word))


class NotANumberError(ValueError):
    """A cell that holds text which is not a number (the text is the error's argument)."""


_SPACES = "[ \u00a0\u202f\u2009]"  # space, no-break, narrow no-break, thin
_NUMBER = re.compile(
    rf"^(?P<sign>[-+−]?)(?P<whole>\d{{1,3}}(?:{_SPACES}\d{{3}})+|\d+)"
    rf"(?:[.,](?P<fraction>\d+))?(?P<percent>{_SPACES}*%)?$"
)


def number(cell: object) -> float | None:
    """The number a cell holds, or None if it is empty.

    Text may use a decimal point or comma (``0,5``), spaces, no-break or narrow
    no-break spaces between groups of three digits (``1 520``) and end with ``%``
    (``40 %`` is 0.4). A workbook's number cells are numbers already.

    Raises:
        NotANumberError: the cell holds something else (``douze``, ``1.520,5``, ``oui``).
    """
    if cell is None:
        return None
    if isinstance(cell, bool):  # a TRUE/FALSE cell is not a count
        raise NotANumberError(cell)
    if isinstance(cell, (int, float)):
        if not math.isfinite(cell):
            raise NotANumberError(cell)
        return float(cell)
    text = str(cell).strip()
    if not text:
        return None
    found = _NUMBER.match(text)
    if found is None:
        raise NotANumberError(cell)
    whole = re.sub(_SPACES, "", found["whole"])
    value = float(f"{whole}.{found['fraction'] or 0}")
    if found["sign"] in ("-", "−"):
        value = -value
    return value / 100 if found["percent"] else value
