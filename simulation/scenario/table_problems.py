"""The problems found in one table, and the one message that lists them all.

A person fixing a spreadsheet wants the whole list of what to change, not one problem
per try. :class:`Problems` collects each problem of a table with where the user sees
it (line, column as headed) in the language of messages, and raises them as one
:class:`~simulation.scenario.errors.ScenarioError`: the file (and sheet), how many
problems, one per line (at most :data:`MAX_PROBLEMS`, the others counted), and the
columns the table may hold when a heading is at fault.
"""

from __future__ import annotations

from simulation.i18n.language import active, quoted, say, say_count
from simulation.scenario.columns import Column, simplified
from simulation.scenario.errors import ScenarioError
from simulation.scenario.tables import Row, Table

__all__ = ["MAX_PROBLEMS", "Problems", "TableError", "allowed_columns"]

MAX_PROBLEMS = 20
"""Most problems a message lists; the others are counted ("and 5 more")."""


class TableError(ScenarioError):
    """The problems of a table file, with the service names it gives nonetheless.

    Attributes:
        names: The service names the table gives (a services table whose name column
            was found), so that a relations table can still be checked against them;
            None otherwise.
    """

    def __init__(self, problem: str, names: tuple[str, ...] | None = None) -> None:
        super().__init__(problem)
        self.names = names


class Problems:
    """The problems found in one table, in the order of the file."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.items: list[str] = []
        self.header = False  # a heading is at fault: the message lists the columns

    def add(self, at: str, key: str, **values: object) -> None:
        """Note the problem ``key`` (a ``table.problem`` phrase) at ``at`` (a place in words)."""
        self.items.append(say("table.item", at=at, problem=say(f"table.problem.{key}", **values)))

    def cell(self, row: Row, heading: str, key: str, **values: object) -> None:
        """Note a problem with one cell."""
        self.add(say("table.at.cell", line=row.line, column=quoted(heading)), key, **values)

    def heading(self, key: str, **values: object) -> None:
        """Note a problem with the headings."""
        self.header = True
        self.add(say("table.at.headings", line=self.table.heading_line), key, **values)

    def raise_if_any(
        self, columns: tuple[Column, ...], names: tuple[str, ...] | None = None
    ) -> None:
        """Raise one :class:`TableError` listing the problems, if any were found.

        Args:
            columns: The columns the table may hold (listed when a heading is at fault).
            names: The service names the table gives, if it is a services table.
        """
        if not self.items:
            return
        shown = self.items[:MAX_PROBLEMS]
        lines = [f"  - {item}" for item in shown]
        if len(self.items) > MAX_PROBLEMS:
            lines.append(f"  - {say('table.more', n=len(self.items) - MAX_PROBLEMS)}")
        if self.header:
            lines.append(allowed_columns(columns))
        count = say_count("table.count", len(self.items))
        first = say("table.summary", where=self.table.where(), count=count)
        raise TableError("\n".join([first, *lines]), names)


def allowed_columns(columns: tuple[Column, ...]) -> str:
    """The columns a table may hold, in words: each column's headings and which are required."""
    lang = active()
    parts = [
        say("table.column_names", main=c.name(lang), others=", ".join(_others(c, lang)))
        for c in columns
    ]
    required = ", ".join(c.name(lang) for c in columns if c.required)
    return say("table.allowed", columns="; ".join(parts), required=required)


def _others(column: Column, lang: str) -> list[str]:
    """The column's other headings, one per spelling (``service a`` stands for ``service_a``)."""
    seen = {simplified(column.name(lang))}
    others = []
    for name in (*column.names, column.field):
        if simplified(name) not in seen:
            seen.add(simplified(name))
            others.append(name)
    return others
