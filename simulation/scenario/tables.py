"""Reading a table file as its user sees it: headings, then rows with their line numbers.

A DGS's services and relations come from whatever their spreadsheet exports:

* workbooks (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``), read by python-calamine; the
  sheet is the one named in the scenario, else the one whose name says what it holds
  (``Services``, ``Relations``), else the only one;
* CSV text separated by commas, semicolons or tabs (the separator is found from the
  file), in UTF-8 with or without a byte order mark, UTF-16 with one (Excel's
  "Unicode text"), else in the encoding charset-normalizer finds among those of
  Western European exports (Windows-1252 preferred to Latin-1, which it extends).

Rows keep the line number the user sees (the spreadsheet's row number, the text
file's line), so that every message can point at it. Blank rows and rows whose first
cell starts with ``#`` (comments) are skipped. Nothing here knows what the columns mean
(:mod:`simulation.scenario.organisation_tables` does).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from simulation.i18n.language import active, quoted, say
from simulation.i18n.words import number
from simulation.scenario.columns import simplified
from simulation.scenario.errors import ScenarioError

__all__ = ["WORKBOOK_SUFFIXES", "Row", "Table", "column_letter", "is_workbook", "read_table"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
"""File name endings read as workbooks (any other file is read as CSV text)."""

_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (xlsx, ods), OLE (xls)
SEPARATORS = (",", ";", "\t")
"""The separators of CSV exports (comma, semicolon, tab)."""
_WESTERN = ["cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850"]
"""Encodings of Western European exports that the detection chooses among."""
MOST_TITLE_ROWS = 5
"""Most rows of titles a sheet may have above its headings."""
MAX_TEXT_BYTES = 50_000_000
"""Largest table file read (bytes): far above any organisation (a line per service)."""


@dataclasses.dataclass(frozen=True)
class Row:
    """One row of a table.

    Attributes:
        line: Its number as the user sees it (spreadsheet row, text line), from 1.
        cells: Its cells, one per heading (missing ones empty): text, or numbers,
            booleans and dates from a workbook.
        extra: The values beyond the last heading (non-empty ones only).
    """

    line: int
    cells: tuple[object, ...]
    extra: tuple[object, ...] = ()


@dataclasses.dataclass(frozen=True)
class Table:
    """A table read from a file, with where each part came from.

    Attributes:
        file: The file.
        sheet: The workbook sheet it came from, or None for a CSV file.
        heading_line: The line of the headings.
        headings: The column headings as written (spaces around them removed).
        rows: The rows below the headings, blank and comment rows left out.
    """

    file: Path
    sheet: str | None
    heading_line: int
    headings: tuple[str, ...]
    rows: tuple[Row, ...]

    def where(self) -> str:
        """The file (and sheet) in words, for the first line of a message."""
        if self.sheet is None:
            return say("table.in_file", file=self.file)
        return say("table.in_sheet", file=self.file, sheet=quoted(self.sheet))


def column_letter(index: int) -> str:
    """The spreadsheet letter of a column counted from 0 (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def is_workbook(path: Path) -> bool:
    """Whether ``path`` names a workbook by its ending (.xlsx, .ods...)."""
    return path.suffix.lower() in WORKBOOK_SUFFIXES


def read_table(
    path: Path,
    sheet: str | None = None,
    kinds: Iterable[str] = (),
    is_heading: Callable[[Sequence[object]], bool] | None = None,
) -> Table:
    """Read a table file: its headings and rows, with their line numbers.

    Args:
        path: A workbook or CSV file.
        sheet: For a workbook, the sheet to read (its name, ignoring case and
            accents); None chooses by ``kinds``, else the only sheet.
        kinds: Names a sheet of this table may have (``Services``...).
        is_heading: Whether a row names the table's columns. The headings are the
            first such row among the first :data:`MOST_TITLE_ROWS` + 1 rows (those
            above it are titles, as in « Effectifs au 1er janvier »), else the first row.

    Raises:
        ScenarioError: the file is missing or unreadable, is neither a workbook nor
            text, has no such sheet, or has no headings; the message names the file.
    """
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_TEXT_BYTES + 1)
    except FileNotFoundError:
        raise _file_error(path, "table.file.not_found") from None
    except IsADirectoryError:
        raise _file_error(path, "table.file.directory") from None
    except OSError as error:
        raise _file_error(path, "table.file.unreadable", reason=error.strerror or error) from None
    if is_workbook(path) or data.startswith(_WORKBOOK_MAGIC):
        name, cells = _workbook_cells(path, data, sheet, tuple(kinds))
    else:
        if sheet is not None:
            raise _file_error(path, "table.file.sheet_of_text", sheet=quoted(sheet))
        if len(data) > MAX_TEXT_BYTES:
            raise _file_error(path, "table.file.too_big", most=number(MAX_TEXT_BYTES, active()))
        try:
            name, cells = None, _csv_cells(_decode(path, data))
        except csv.Error:  # e.g. a line longer than the csv module's field limit
            raise _file_error(path, "table.file.not_text") from None
    return _table(path, name, cells, is_heading)


def _file_error(path: Path, key: str, **values: object) -> ScenarioError:
    return ScenarioError(f"{path}: {say(key, **values)}")


# --------------------------------------------------------------------------- workbooks


def _workbook_cells(
    path: Path, data: bytes, sheet: str | None, kinds: tuple[str, ...]
) -> tuple[str, list[tuple[int, list[object]]]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        chosen = _choose_sheet(path, names, sheet, kinds)
        # The empty area above and left of the table is kept: row numbers stay true.
        grid = workbook.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except ScenarioError:
        raise
    except Exception as error:  # noqa: BLE001 - calamine raises many kinds; none may escape
        raise _file_error(path, "table.file.not_workbook", reason=type(error).__name__) from None
    return chosen, [(number, list(cells)) for number, cells in enumerate(grid, start=1)]


def _choose_sheet(path: Path, names: list[str], sheet: str | None, kinds: tuple[str, ...]) -> str:
    """The sheet to read: the one asked for, else the one named for its kind, else the only one."""
    shown = ", ".join(quoted(name) for name in names)
    if sheet is not None:
        found = [name for name in names if simplified(name) == simplified(sheet)]
        if found:
            return found[0]
        raise _file_error(path, "table.file.no_such_sheet", sheet=quoted(sheet), sheets=shown)
    wanted = {simplified(kind) for kind in kinds}
    found = [name for name in names if simplified(name) in wanted]
    if len(found) == 1:
        return found[0]
    if len(names) == 1:
        return names[0]
    raise _file_error(
        path, "table.file.which_sheet", kind=quoted(next(iter(kinds), "")), sheets=shown
    )


# --------------------------------------------------------------------------- text


def _decode(path: Path, data: bytes) -> str:
    """The text of a CSV file: UTF-8 (or a BOM's encoding) first, else a detected one."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _text(path, data.decode(encoding))
            except UnicodeDecodeError:
                raise _file_error(path, "table.file.not_text") from None
    try:
        return _text(path, data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    plausible = [match.encoding for match in from_bytes(data, cp_isolation=_WESTERN)]
    # Windows-1252 is Latin-1 with letters (é, œ, €, ’) where Latin-1 has control
    # codes, and the export of French spreadsheets on Windows: it is taken whenever it
    # is plausible (on a few short lines the detection may rank an old Mac or DOS code
    # page first); those are taken only when Windows-1252 is not plausible.
    if "cp1252" in plausible or not plausible or plausible[0] in ("latin_1", "iso8859_15"):
        candidates = ["cp1252", "latin_1"]
    else:
        candidates = [plausible[0], "latin_1"]
    for encoding in candidates:
        try:
            return _text(path, data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise _file_error(path, "table.file.not_text")  # pragma: no cover - latin_1 decodes all


def _text(path: Path, text: str) -> str:
    # A NUL or other control character is no exported table: a binary file.
    if re.search(r"[\x00-\x08\x0e-\x1f\x7f]", text):
        raise _file_error(path, "table.file.not_text")
    return text


def _separator(lines: list[str]) -> str:
    """The separator that cuts the first lines into the most, equally long, rows.

    Only the comma, semicolon and tab are considered: a decimal comma inside a
    semicolon-separated file cuts its lines unevenly, so the semicolon wins.
    """
    sample = [line for line in lines if line.strip()][:50]
    best, best_score = ",", (0, 0)
    for separator in SEPARATORS:
        widths = [len(cells) for cells in csv.reader(sample, delimiter=separator)]
        if not widths or widths[0] < 2:
            continue
        same = sum(1 for width in widths if width == widths[0])
        score = (same, widths[0])
        if score > best_score:
            best, best_score = separator, score
    return best


def _csv_cells(text: str) -> list[tuple[int, list[object]]]:
    # Comment lines are blanked, not removed, so that line numbers stay true.
    lines = [
        "" if line.lstrip().startswith("#") else line for line in re.split(r"\r\n|\r|\n", text)
    ]
    # Excel writes (and reads) a first line "sep=;" naming the separator.
    given = re.fullmatch(r"sep=([,;\t])", lines[0].strip(" ")) if lines else None
    if given:
        lines[0] = ""
    separator = given[1] if given else _separator(lines)
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=separator)
    return [(reader.line_num, list(cells)) for cells in reader]


# --------------------------------------------------------------------------- both


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _table(
    path: Path,
    sheet: str | None,
    grid: list[tuple[int, list[object]]],
    is_heading: Callable[[Sequence[object]], bool] | None,
) -> Table:
    rows = [
        (line, [c.strip() if isinstance(c, str) else c for c in cells])
        for line, cells in grid
        if not all(_blank(c) for c in cells)
        and not (isinstance(cells[0], str) and cells[0].lstrip().startswith("#"))
    ]
    if not rows:
        raise ScenarioError(f"{path}{_sheet_part(sheet)}: {say('table.file.no_header')}")
    first = 0
    if is_heading is not None:
        # Rows of titles may stand above the headings (« Effectifs au 1er janvier »).
        candidates = enumerate(rows[: MOST_TITLE_ROWS + 1])
        first = next((i for i, (_, cells) in candidates if is_heading(cells)), 0)
    rows = rows[first:]  # the title rows above the headings are no part of the table
    heading_line, heading_cells = rows[0]
    while heading_cells and _blank(heading_cells[-1]):
        heading_cells = heading_cells[:-1]  # spreadsheets export empty columns after the table
    headings = tuple("" if _blank(c) else str(c) for c in heading_cells)
    width = len(headings)
    body = []
    for line, cells in rows[1:]:
        padded = cells[:width] + [""] * (width - len(cells))
        extra = tuple(c for c in cells[width:] if not _blank(c))
        body.append(Row(line, tuple("" if c is None else c for c in padded), extra))
    return Table(path, sheet, heading_line, headings, tuple(body))


def _sheet_part(sheet: str | None) -> str:
    return "" if sheet is None else f" ({say('table.sheet', sheet=quoted(sheet))})"
