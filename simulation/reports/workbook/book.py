"""The workbook being written: its sheets, their headers, number formats and notes.

:class:`Book` writes one sheet per table (translated headers and values, number
formats, column widths, frozen header row, filter) in openpyxl's write-only mode, so
that memory stays flat for long tables, and collects what the last sheet, "Notes",
says about every sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from simulation.i18n.catalogue import names
from simulation.i18n.words import colon, outcome, outcome_kind, phrase, text
from simulation.model.costs import COST_COLUMNS
from simulation.reports.reader import Results
from simulation.scenario.profiles import PROFILES

MAX_ROWS = 1_048_576
"""Rows of an Excel sheet, header included; longer tables are cut, with a note."""
MAX_TEXT = 32_767  # characters an Excel cell holds

_EUROS = '#,##0 "€"'
_COLUMNS = frozenset(names("workbook.column"))
"""Columns with a header of their own (``workbook.column.*`` in the catalogue)."""
_WORDS = ("service", "tool", "strategy", "profile", "week", "all_staff", *PROFILES)
_TRANSLATED = ("strategy", "rollout.strategy", "level_a", "level_b", "profile")
_SHARES = ("adoption", "trying", "reverted", "deployed", "dropout", "rps_high_share")
_WEEKLY_FORMATS = (
    dict.fromkeys((*_SHARES, "mastered_share"), "0.0%")
    | dict.fromkeys(("strain_mean", "processing_time_index", "wall_s"), "0.00")
    | dict.fromkeys(("training_hours", "trainer_hours", "e_learning_hours"), "#,##0.0")
    | dict.fromkeys(COST_COLUMNS, _EUROS)
    | {"acculturation": "0.00"}
    | {"active_staff": "#,##0", "go_lives": "0", "processing_time_index_mastered": "0.00"}
)
_KIND_FORMATS = {
    "percent": "0.0%",
    "weeks": "0.0",
    "count": "#,##0",
    "factor": "0.00",
    "euros": _EUROS,
}
_HEADER_FONT, _HEADER_FILL = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")

Formats = dict[str, str | Sequence[str | None] | None]
"""Column -> number format, or one format per row."""


class Book:
    """A write-only workbook (flat memory for long tables) and what the Notes will say."""

    def __init__(self, results: Results, lang: str) -> None:
        self.lang = lang
        self.book = Workbook(write_only=True)
        self.about: list[tuple[str, str]] = []  # (sheet, what it holds)
        self.remarks = [self.t("note.source", kind=results.kind, folder=str(results.folder))]

    def t(self, key: str, **values: object) -> str:
        """A phrase of the catalogue's ``workbook`` namespace in the book's language."""
        return phrase(f"workbook.{key}", self.lang, **values)

    def header(self, column: str) -> str:
        """A column's header: a label, an outcome, a weekly measure, or the name itself."""
        base, _, profile = column.rpartition("_")
        if column in _COLUMNS:
            return self.t(f"column.{column}")
        if column in _WORDS:
            return text(column, self.lang)
        if outcome(column, self.lang) != column:
            return outcome(column, self.lang)
        if profile in PROFILES and base in _COLUMNS:
            return f"{self.t(f'column.{base}')} ({text(profile, self.lang)})"
        return column  # factor paths (organisation.total_staff...) are the user's own names

    def table(self, key: str, frame: pd.DataFrame, formats: Formats | None = None, **about) -> None:
        """One sheet: translated headers and values, formats, widths, frozen header, filter.

        Args:
            key: Sheet key: ``workbook.sheet.<key>`` names it, ``workbook.about.<key>``
                (or the one given as ``about``) describes it in the Notes.
            frame: The table, with the folder's column names.
            formats: Number formats; other columns get :func:`_auto_format`.
            **about: ``about`` and the values of the description's placeholders.
        """
        name = self.t(f"sheet.{key}")
        self.about.append((name, self.t(f"about.{about.pop('about', key)}", **about)))
        if len(frame) > MAX_ROWS - 1:
            cut = self.t("note.cut", kept=MAX_ROWS - 1, total=len(frame))
            self.remarks.append(f"{name}{colon(self.lang)}{cut}")
            frame = frame.iloc[: MAX_ROWS - 1]
        frame = frame.copy()
        for column in frame.columns:
            if column in _TRANSLATED:  # strategy and profile names, in the book's language
                frame[column] = [
                    text(v, self.lang) if isinstance(v, str) else v for v in frame[column]
                ]
        headers = [self.header(c) for c in frame.columns]
        sheet = self.book.create_sheet(name)
        for j, (header, column) in enumerate(zip(headers, frame.columns, strict=True), 1):
            sheet.column_dimensions[get_column_letter(j)].width = _width(header, frame[column])
        sheet.freeze_panes = "A2"  # the header stays in view while scrolling
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(frame) + 1}"
        sheet.append([self._cell(sheet, header, header=True) for header in headers])
        per_column = [(formats or {}).get(c, _auto_format(c)) for c in frame.columns]
        for i, row in enumerate(frame.itertuples(index=False, name=None)):
            sheet.append(
                [
                    self._cell(sheet, value, fmt if isinstance(fmt, str | None) else fmt[i])
                    for value, fmt in zip(row, per_column, strict=True)
                ]
            )

    def _cell(self, sheet: Any, value: Any, fmt: str | None = None, header: bool = False) -> Any:
        value = _plain(value)
        if isinstance(value, bool):
            value = self.t("yes" if value else "no")
        if isinstance(value, str):  # characters Excel refuses, and its cell size
            value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]
        cell = WriteOnlyCell(sheet, value)
        if isinstance(value, str):
            cell.data_type = "s"  # text starting with "=" would otherwise be a formula
        elif fmt and isinstance(value, int | float):
            cell.number_format = fmt
        if header:
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def notes(self) -> None:
        """The last sheet: what each sheet holds, then the remarks."""
        rows = self.about + [("", remark) for remark in self.remarks]
        sheet = self.book.create_sheet(self.t("sheet.notes"))
        sheet.column_dimensions["A"].width = 16
        sheet.column_dimensions["B"].width = 120
        sheet.freeze_panes = "A2"
        sheet.append(
            [self._cell(sheet, self.t(c), header=True) for c in ("column.sheet", "column.contents")]
        )
        for row in rows:
            sheet.append([self._cell(sheet, value) for value in row])


def _plain(value: Any) -> Any:
    """A value openpyxl writes: numpy scalars unwrapped, missing values empty."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if value is None or (isinstance(value, float | type(pd.NA) | type(pd.NaT)) and pd.isna(value)):
        return None
    return value


def _auto_format(column: str) -> str | None:
    """Number format from a column's name: weekly measures, outcomes by kind."""
    base, _, profile = column.rpartition("_")
    weekly = base if profile in PROFILES else column
    if weekly in _WEEKLY_FORMATS:
        return _WEEKLY_FORMATS[weekly]
    return outcome_format(column) if outcome(column, "en") != column else None


def outcome_format(name: str, single: bool = False, signed: bool = False) -> str:
    """Number format of an outcome (``single``: one run's whole weeks; ``signed``: a difference)."""
    kind = outcome_kind(name)
    fmt = "0" if kind == "weeks" and single else _KIND_FORMATS.get(kind, "0.000")
    return f"+{fmt};-{fmt};{fmt}" if signed else fmt


def _width(header: str, values: pd.Series) -> float:
    """Column width: the longer of the values and the header (which wraps at spaces)."""
    longest = 0
    for value in values.iloc[:2000]:  # enough to see the widths of a long table
        value = _plain(value)
        longest = max(longest, 9 if isinstance(value, float) else len(str(value or "")))
    words = max((len(w) for w in header.split()), default=4)
    return float(min(max(longest, words, min(len(header), 22), 6) + 2, 60))
