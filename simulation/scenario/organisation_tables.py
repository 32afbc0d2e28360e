"""Services and relations from a DGS's tables, with every problem of a file at once.

:func:`read_services` and :func:`read_relations` turn a table file (any form
:mod:`simulation.scenario.tables` reads) into the lists a scenario's ``organisation``
holds, checking each cell on the way. A person fixing a spreadsheet wants the whole
list of what to change, not one problem per try: every heading and cell at fault is
collected (up to :data:`MAX_PROBLEMS`, then "and N more") into one
:class:`~simulation.scenario.errors.ScenarioError`, in the language of messages, each
problem with its line and column as the user sees them and what to write instead.

Service names are kept as written (accents, spaces, capitals): they are what every
output shows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from simulation.i18n import words
from simulation.i18n.language import active, quoted, say
from simulation.scenario.columns import (
    RELATION_COLUMNS,
    SERVICE_COLUMNS,
    SHARE_COLUMNS,
    Column,
    NotANumberError,
    column_of,
    headings,
    job_type,
    number,
    simplified,
)
from simulation.scenario.errors import ScenarioError, closest
from simulation.scenario.table_problems import MAX_PROBLEMS, Problems, allowed_columns
from simulation.scenario.tables import Row, Table, column_letter, read_table

__all__ = ["MAX_PROBLEMS", "RELATION_SHEETS", "SERVICE_SHEETS", "read_relations", "read_services"]

MOST_STAFF = 1_000_000
"""Largest headcount of a service (as the scenario's own check)."""
SERVICE_SHEETS = ("Services", "Service")
"""Names of a workbook's sheet of services (French and English alike)."""
RELATION_SHEETS = ("Relations", "Relation", "Liens")
"""Names of a workbook's sheet of relations."""
_SUM_TOLERANCE = 1e-6  # as the scenario's own check of shares


def _columns_of(table: Table, columns: tuple[Column, ...], problems: Problems) -> dict[str, int]:
    """Which column (by field) each heading gives, noting unknown, doubled and missing ones.

    Raises:
        ScenarioError: no heading names an expected column: the file is another kind
            of file (any file can be given by mistake), whose content is not repeated.
    """
    found: dict[str, int] = {}
    known = headings(columns)
    for index, heading in enumerate(table.headings):
        if not heading:
            if any(index < len(r.cells) and r.cells[index] != "" for r in table.rows):
                problems.heading("no_heading", letter=column_letter(index))
            continue
        column = column_of(heading, columns)
        if column is None:
            hint = closest(simplified(heading), {simplified(k): k for k in known})
            suggestion = (
                "" if hint is None else say("table.did_you_mean", name=quoted(_spelt(hint, known)))
            )
            problems.heading("unknown_column", column=quoted(heading), hint=suggestion)
        elif column.field in found:
            first = table.headings[found[column.field]]
            problems.heading("column_twice", first=quoted(first), second=quoted(heading))
        else:
            found[column.field] = index
    if not found and table.headings:
        raise ScenarioError(
            f"{table.where()}: {say('table.problem.foreign')}; {allowed_columns(columns)}"
        )
    lang = active()
    for column in columns:
        if column.required and column.field not in found:
            problems.heading("missing_column", column=quoted(column.name(lang)))
    return found


def _names_a_column(columns: tuple[Column, ...]) -> Callable[[Sequence[object]], bool]:
    """Whether a row names a column of the table (so that it is its headings row)."""
    return lambda cells: any(isinstance(c, str) and column_of(c, columns) for c in cells)


def _spelt(simple: str, known: Sequence[str]) -> str:
    return next(k for k in known if simplified(k) == simple)


def _text(cell: object) -> str:
    """A cell as text: a workbook's whole number without its ``.0``."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _shown(cell: object) -> str:
    """A cell quoted as a message shows it (numbers with the language's decimal mark)."""
    text = _text(cell)
    if isinstance(cell, float) and active() == "fr":
        text = text.replace(".", ",")
    return quoted(text)


def _number(problems: Problems, row: Row, heading: str, cell: object) -> float | None:
    """The number in a cell (None if empty), or None with the problem noted."""
    try:
        return number(cell)
    except NotANumberError:
        problems.cell(row, heading, "not_a_number", value=_shown(cell))
        return None


# --------------------------------------------------------------------------- services


def read_services(path: Path, sheet: str | None = None) -> tuple[list[dict], list[int]]:
    """The services of a table file, and the line of each.

    Args:
        path: A workbook or CSV file (see :func:`simulation.scenario.tables.read_table`).
        sheet: The workbook's sheet, if not the one named ``Services`` (or the only one).

    Returns:
        The services as the mappings of a scenario's ``organisation.services``, and
        the line each came from.

    Raises:
        ScenarioError: naming the file (and sheet) and listing every problem found.
    """
    table = read_table(path, sheet, SERVICE_SHEETS, _names_a_column(SERVICE_COLUMNS))
    problems = Problems(table)
    at = _columns_of(table, SERVICE_COLUMNS, problems)
    given = [field for field in SHARE_COLUMNS if field in at]
    if given and len(given) < len(SHARE_COLUMNS):
        lang = active()
        missing = [
            c.name(lang) for c in SERVICE_COLUMNS if c.field in SHARE_COLUMNS and c.field not in at
        ]
        problems.heading("shares_columns", missing=", ".join(quoted(m) for m in missing))
        given = []
    services: list[dict] = []
    lines: list[int] = []
    seen: dict[str, tuple[str, int]] = {}
    for row in table.rows:
        service = _service(row, table, at, given, problems)
        if row.extra:
            problems.add(say("table.at.line", line=row.line), "extra_values", n=len(table.headings))
        name = service.get("name")
        if name:
            key = simplified(name) or name
            if key in seen:
                first, line = seen[key]
                problems.cell(
                    row,
                    table.headings[at["name"]],
                    "same_service",
                    name=quoted(name),
                    first=quoted(first),
                    line=line,
                )
            else:
                seen[key] = (name, row.line)
        services.append(service)
        lines.append(row.line)
    names = tuple(s["name"] for s in services if s.get("name")) if "name" in at else None
    problems.raise_if_any(SERVICE_COLUMNS, names)
    return services, lines


def _service(
    row: Row, table: Table, at: dict[str, int], shares: list[str], problems: Problems
) -> dict[str, Any]:
    """One row as a scenario's service mapping; the fields at fault are left out, noted."""

    def cell(field: str) -> tuple[str, object]:
        index = at[field]
        return table.headings[index], row.cells[index]

    service: dict[str, Any] = {}
    if "name" in at:
        heading, value = cell("name")
        name = _text(value)
        if not name:
            problems.cell(row, heading, "empty_name")
        service["name"] = name
    if "headcount" in at:
        heading, value = cell("headcount")
        count = _number(problems, row, heading, value)
        if count is None and _text(value) == "":
            problems.cell(row, heading, "empty_headcount")
        elif count is not None and not count.is_integer():
            problems.cell(row, heading, "not_whole", value=_shown(value))
        elif count is not None and not 1 <= count <= MOST_STAFF:
            problems.cell(
                row,
                heading,
                "headcount_range",
                value=_shown(value),
                most=words.number(MOST_STAFF, active()),
            )
        elif count is not None:
            service["headcount"] = int(count)
    if shares:
        mix = _shares(row, table, at, shares, problems)
        if mix:
            service["profile_mix"] = mix
    if "manager_backing" in at:
        heading, value = cell("manager_backing")
        backing = _number(problems, row, heading, value)
        if backing is not None and not 0 <= backing <= 1:
            problems.cell(row, heading, "backing_range", value=_shown(value))
        elif backing is not None:
            service["manager_backing"] = backing
    if "job_type" in at:
        heading, value = cell("job_type")
        if _text(value):
            kind = job_type(value)
            if kind is None:
                problems.cell(row, heading, "job_type", value=_shown(value))
            else:
                service["job_type"] = kind
    return service


def _shares(
    row: Row, table: Table, at: dict[str, int], fields: list[str], problems: Problems
) -> dict[str, float]:
    """A service's own profile mix: three shares from 0 to 1 summing to 1, or none."""
    values: dict[str, float] = {}
    blank: list[str] = []
    for field in fields:
        heading, value = table.headings[at[field]], row.cells[at[field]]
        share = _number(problems, row, heading, value)
        if share is None:
            if _text(value) == "":
                blank.append(heading)
            continue
        if not 0 <= share <= 1:
            problems.cell(row, heading, "share_range", value=_shown(value))
            continue
        values[field] = share
    named = ", ".join(quoted(table.headings[at[f]]) for f in fields)
    if blank and len(blank) < len(fields):
        problems.add(
            say("table.at.line", line=row.line),
            "shares_partial",
            columns=named,
            empty=", ".join(quoted(b) for b in blank),
        )
        return {}
    if len(values) == len(fields):
        total = math.fsum(values.values())
        if abs(total - 1) > _SUM_TOLERANCE:
            problems.add(
                say("table.at.line", line=row.line),
                "shares_sum",
                columns=named,
                total=words.number(total, active(), digits=_digits(total)),
            )
            return {}
        return values
    return {}


# --------------------------------------------------------------------------- relations


def read_relations(
    path: Path, sheet: str | None = None, services: Sequence[str] | None = None
) -> tuple[list[list], list[int]]:
    """The relations of a table file, and the line of each.

    Args:
        path: A workbook or CSV file.
        sheet: The workbook's sheet, if not the one named ``Relations`` (or the only one).
        services: The names of the services, to check the ones each relation names
            (None: not checked here, but by the scenario).

    Returns:
        The relations as ``[service, service, weight]`` lists, and the line of each.

    Raises:
        ScenarioError: naming the file (and sheet) and listing every problem found.
    """
    table = read_table(path, sheet, RELATION_SHEETS, _names_a_column(RELATION_COLUMNS))
    problems = Problems(table)
    at = _columns_of(table, RELATION_COLUMNS, problems)
    relations: list[list] = []
    lines: list[int] = []
    pairs: dict[frozenset[str], int] = {}
    for row in table.rows:
        relation = _relation(row, table, at, services, problems)
        if row.extra:
            problems.add(say("table.at.line", line=row.line), "extra_values", n=len(table.headings))
        if relation is not None:
            pair = frozenset(relation[:2])
            if pair in pairs:
                problems.add(
                    say("table.at.line", line=row.line),
                    "same_relation",
                    a=quoted(relation[0]),
                    b=quoted(relation[1]),
                    line=pairs[pair],
                )
            pairs.setdefault(pair, row.line)
            relations.append(relation)
            lines.append(row.line)
    problems.raise_if_any(RELATION_COLUMNS)
    return relations, lines


def _relation(
    row: Row, table: Table, at: dict[str, int], services: Sequence[str] | None, problems: Problems
) -> list | None:
    ends: list[str] = []
    for field in ("service_a", "service_b"):
        if field not in at:
            return None
        heading, name = table.headings[at[field]], _text(row.cells[at[field]])
        if not name:
            problems.cell(row, heading, "empty_end")
        elif services is not None and name not in services:
            hint = closest(name, services) or _same_letters(name, services)
            suggestion = "" if hint is None else say("table.did_you_mean", name=quoted(hint))
            problems.cell(row, heading, "unknown_service", name=quoted(name), hint=suggestion)
        ends.append(name)
    if "weight" not in at:
        return None
    heading, value = table.headings[at["weight"]], row.cells[at["weight"]]
    weight = _number(problems, row, heading, value)
    if weight is None and _text(value) == "":
        problems.cell(row, heading, "empty_weight")
    elif weight is not None and not 0 < weight <= 1:
        problems.cell(row, heading, "weight_range", value=_shown(value))
        weight = None
    if ends[0] and ends[0] == ends[1]:
        problems.add(say("table.at.line", line=row.line), "itself", name=quoted(ends[0]))
        return None
    if weight is None or not all(ends) or (services is not None and not set(ends) <= set(services)):
        return None
    return [ends[0], ends[1], weight]


def _same_letters(name: str, services: Sequence[str]) -> str | None:
    """The service whose name is ``name`` but for case, accents and spacing, if any."""
    return next((s for s in services if simplified(s) == simplified(name)), None)


def _digits(value: float) -> int:
    """Decimals enough to write ``value`` as given (at most 6)."""
    return next((d for d in range(7) if abs(round(value, d) - value) < 1e-9), 6)
