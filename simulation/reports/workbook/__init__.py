"""An Excel workbook of a results folder, for people who work in a spreadsheet.

:func:`write_workbook` turns a :class:`~simulation.reports.reader.Results` (any kind of
folder) into an ``.xlsx`` file: one sheet per summary table; sheet names, headers,
strategies, profiles and outcomes in French or English; header row frozen, with a
filter; shares formatted as percentages; each 95 % interval as separate columns.
The last sheet, "Notes", says what every sheet holds and what was left out. Nothing
is recomputed: values are those of the folder's files, at full precision, but for two
things a reader would take for errors: interval bounds are cut to what the outcome can
take (no share below 0 % or above 100 %, no count below 0), and a difference of shares
too small to show (under 0.05 point) is written 0, never "-0.0 %". A run or a
comparison also gets its sheets per service
(:mod:`~simulation.reports.workbook.services`).

The sheets of each kind of folder are in :mod:`~simulation.reports.workbook.sheets`;
how a sheet is written (headers, formats, widths, notes) in
:mod:`~simulation.reports.workbook.book`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from simulation.i18n.words import check
from simulation.reports.reader import Results
from simulation.reports.workbook.book import MAX_ROWS, MAX_TEXT, Book
from simulation.reports.workbook.sheets import BUILDERS
from simulation.storage import replacing

__all__ = ["MAX_ROWS", "MAX_TEXT", "write_workbook"]


def write_workbook(
    results: Results,
    path: str | Path,
    lang: str = "fr",
    progress: Callable[..., None] | None = None,
) -> Path:
    """Write the summary tables of a results folder as an Excel workbook.

    Args:
        results: A folder read by :func:`~simulation.reports.reader.read_results`.
        path: The ``.xlsx`` file to write (its folder must exist; a file is replaced).
        lang: ``fr`` or ``en``: sheet names, headers and labels.
        progress: Told when the writing starts (``progress("report.progress.workbook")``,
            a catalogue key; see :data:`simulation.reports.html.Progress`).

    Returns:
        The path written.

    Raises:
        ValueError: unknown language.
    """
    book = Book(results, check(lang))
    if progress is not None:
        progress("report.progress.workbook")
    BUILDERS[results.kind](book, results)
    book.notes()
    with replacing(path) as tmp:  # the workbook appears whole, or not at all
        book.book.save(tmp)
    return Path(path)
