"""An Excel workbook of a results folder, for people who work in a spreadsheet.

:func:`write_workbook` turns a :class:`~simulation.reports.reader.Results` (any kind of
folder) into an ``.xlsx`` file: one sheet per summary table; sheet names, headers,
strategies, profiles and outcomes in French or English; header row frozen, with a
filter; shares formatted as percentages; each 95 % interval as separate columns.
The last sheet, "Notes", says what every sheet holds and what was left out. Nothing
is recomputed: values are those of the folder's files, at full precision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from simulation.i18n.catalogue import names
from simulation.i18n.words import check, colon, outcome, outcome_kind, phrase, text
from simulation.model.outcomes import ORGANISATION_ONLY, OUTCOMES, PROFILE_ONLY
from simulation.reports.reader import Results
from simulation.scenario.profiles import PROFILES

MAX_ROWS = 1_048_576
"""Rows of an Excel sheet, header included; longer tables are cut, with a note."""
MAX_TEXT = 32_767  # characters an Excel cell holds

_COLUMNS = frozenset(names("workbook.column"))
"""Columns with a header of their own (``workbook.column.*`` in the catalogue)."""
_WORDS = ("service", "tool", "strategy", "profile", "week", "all_staff", *PROFILES)
_TRANSLATED = ("strategy", "rollout.strategy", "level_a", "level_b", "profile")
_SHARES = ("adoption", "trying", "reverted", "deployed", "dropout", "rps_high_share")
_WEEKLY_FORMATS = (
    dict.fromkeys((*_SHARES, "mastered_share"), "0.0%")
    | dict.fromkeys(("strain_mean", "processing_time_index", "wall_s"), "0.00")
    | dict.fromkeys(("training_hours", "trainer_hours"), "#,##0.0")
    | {"active_staff": "#,##0", "go_lives": "0", "processing_time_index_mastered": "0.00"}
)
_KIND_FORMATS = {"percent": "0.0%", "weeks": "0.0", "count": "#,##0", "factor": "0.00"}
_HEADER_FONT, _HEADER_FILL = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")

Formats = dict[str, str | Sequence[str | None] | None]
"""Column -> number format, or one format per row."""


def write_workbook(results: Results, path: str | Path, lang: str = "fr") -> Path:
    """Write the summary tables of a results folder as an Excel workbook.

    Args:
        results: A folder read by :func:`~simulation.reports.reader.read_results`.
        path: The ``.xlsx`` file to write (its folder must exist; a file is replaced).
        lang: ``fr`` or ``en``: sheet names, headers and labels.

    Returns:
        The path written.

    Raises:
        ValueError: unknown language.
    """
    book = _Book(results, check(lang))
    _BUILDERS[results.kind](book, results)
    book.notes()
    book.book.save(Path(path))
    return Path(path)


class _Book:
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
    return _format(column) if outcome(column, "en") != column else None


def _format(name: str, single: bool = False, signed: bool = False) -> str:
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


def _with_labels(book: _Book, frame: pd.DataFrame, order: Sequence[str] = ()) -> pd.DataFrame:
    """A long table with the outcome's label first and its name (``code``) last.

    Rows are sorted by outcome in ``order`` (stably: within an outcome, rows keep
    their order), so that the values to compare sit one under the other.
    """
    frame = frame.copy()
    if order:
        rank = {name: k for k, name in enumerate(order)}
        frame = frame.sort_values(
            "outcome", key=lambda s: s.map(lambda o: rank.get(o, len(rank))), kind="stable"
        ).reset_index(drop=True)
    frame.insert(0, "indicator", [outcome(o, book.lang) for o in frame["outcome"]])
    frame["code"] = frame.pop("outcome")
    return frame


def _row_formats(frame: pd.DataFrame, columns: Sequence[str], signed: bool = False) -> Formats:
    """Formats of a long table, row by row from its ``code`` (the outcome's name)."""
    formats = [_format(name, signed=signed) for name in frame["code"]]
    return dict.fromkeys(columns, formats) | {"n": "0"}


def _long(book: _Book, key: str, frame: pd.DataFrame, signed: bool = False, **about) -> None:
    """Write a long statistics table: indicator, ..., mean, ci_low, ci_high, n, code."""
    book.table(key, frame, _row_formats(frame, ["mean", "ci_low", "ci_high"], signed), **about)


def _flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Dotted path / value rows of nested YAML or JSON data; a list of values as one text."""
    if isinstance(data, dict):
        rows = [] if data else [(prefix, "{}")]
        for key, value in data.items():
            rows += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if isinstance(data, list):
        if all(not isinstance(v, dict | list) for v in data):
            return [(prefix, ", ".join(map(str, data)) if data else "[]")]
        return [row for k, v in enumerate(data) for row in _flatten(v, f"{prefix}[{k}]")]
    return [(prefix, data)]


def _provenance(book: _Book, results: Results) -> None:
    book.table("provenance", pd.DataFrame(_flatten(results.manifest), columns=["key", "value"]))


def _scenario(book: _Book, results: Results) -> None:
    data = yaml.safe_load(results.scenario_text)  # written by transnum: valid YAML
    rows = _flatten(data) if isinstance(data, dict) else []
    book.table("scenario", pd.DataFrame(rows, columns=["path", "value"]))


def _runs(book: _Book, runs: pd.DataFrame) -> None:
    runs = runs.copy()
    if "seed_entropy" in runs:  # up to 2**64, beyond the 15 digits a spreadsheet keeps
        runs["seed_entropy"] = [None if pd.isna(v) else str(v) for v in runs["seed_entropy"]]
    book.table("runs", runs, {"replication": "0", "point": "0", "scenario_no": "0"})


def _schedule(book: _Book, schedule: pd.DataFrame) -> pd.DataFrame:
    weeks = [book.t("not_live") if pd.isna(w) else int(w) for w in schedule["go_live_week"]]
    return schedule.assign(go_live_week=weeks)


def _run(book: _Book, results: Results) -> None:
    summary = results.summary or {}
    by_profile = summary.get("by_profile", {})
    rows = []
    for name in OUTCOMES + ORGANISATION_ONLY + PROFILE_ONLY:
        values = [summary.get(name)] + [by_profile.get(p, {}).get(name) for p in PROFILES]
        if outcome_kind(name) == "weeks":  # a level never reached has no week
            values = [text("never", book.lang) if v is None else v for v in values]
        rows.append([outcome(name, book.lang), *values, name])
    frame = pd.DataFrame(rows, columns=["indicator", "all_staff", *PROFILES, "code"])
    formats = [_format(name, single=True) for name in frame["code"]]
    columns = dict.fromkeys(["all_staff", *PROFILES], formats)
    book.table("summary", frame, columns, about="summary_run")
    book.table("schedule", _schedule(book, results.schedule), {"go_live_week": "0"})
    weekly = results.timeseries
    book.table("weekly", weekly[[c for c in weekly.columns if "@" not in c]], {"week": "0"})
    _scenario(book, results)
    _provenance(book, results)
    book.remarks.append(book.t("note.weekly_run"))


def _compare(book: _Book, results: Results) -> None:
    strategies, stats = results.strategies, results.summary["strategies"]
    names = OUTCOMES + ORGANISATION_ONLY
    overall = [{"outcome": o, "strategy": s, **stats[s][o]} for o in names for s in strategies]
    profiles = [
        {"outcome": o, "profile": p, "strategy": s, **stats[s]["by_profile"][p][o]}
        for o in OUTCOMES + PROFILE_ONLY
        for p in PROFILES
        for s in strategies
    ]
    _long(
        book, "summary", _with_labels(book, pd.DataFrame(overall)), what=text("strategy", book.lang)
    )
    _long(book, "by_profile", _with_labels(book, pd.DataFrame(profiles)))
    if results.paired is not None:
        _long(book, "differences", _with_labels(book, results.paired, names), signed=True)
    _runs(book, results.runs)
    # One column per strategy: the go-live weeks of replication 0, side by side.
    first = _schedule(book, results.schedule[results.schedule["replication"] == 0])
    wide = first.pivot(index=["service", "tool"], columns="strategy", values="go_live_week")
    wide = wide[[s for s in strategies if s in wide.columns]].reset_index()
    wide.columns = ["service", "tool", *(text(s, book.lang) for s in wide.columns[2:])]
    book.table("schedule", wide, dict.fromkeys(wide.columns[2:], "0"))
    _scenario(book, results)
    _provenance(book, results)
    book.remarks += [book.t("note.ci"), book.t("note.weekly_compare")]


def _sweep(book: _Book, results: Results) -> None:
    book.table("points", results.points, {"point": "0"})
    order = list(results.manifest.get("outcomes") or [])
    if results.point_summary is not None:
        _long(book, "summary", _with_labels(book, results.point_summary, order), what="point")
    if results.paired is not None:
        _long(book, "differences", _with_labels(book, results.paired, order), signed=True)
    _runs(book, results.runs)
    if results.indices is not None:
        _indices(book, results.indices, order)
    if results.calibration is not None:  # a calibration file run as a sweep
        _calibration(book, results.calibration)
    lines = results.scenario_text.splitlines()
    experiment = pd.DataFrame({"line": range(1, len(lines) + 1), "text": lines})
    book.table("experiment", experiment, {"line": "0"})
    _provenance(book, results)
    book.remarks += [book.t("note.ci"), book.t("note.weekly_sweep")]


def _indices(book: _Book, indices: pd.DataFrame, order: Sequence[str]) -> None:
    """Sensitivity indices, the most influential parameter first for each outcome."""
    key = "mu_star" if "mu_star" in indices else "ST"
    frame = indices.sort_values(["outcome", key], ascending=[True, False], kind="stable")
    frame = _with_labels(book, frame.reset_index(drop=True), order)
    # Morris effects are in the outcome's unit; Sobol indices are shares of variance.
    morris = [c for c in ("mu", "mu_star", "mu_star_conf", "sigma") if c in frame]
    formats = _row_formats(frame, morris) | dict.fromkeys(
        ["S1", "S1_conf", "ST", "ST_conf"], "0.000"
    )
    book.table("indices", frame, formats)


def _calibration(book: _Book, calibration: pd.DataFrame) -> None:
    # "scenario" is the number of a target's scenario (a sweep's "scenario" factor is a file).
    frame = _with_labels(book, calibration.rename(columns={"scenario": "scenario_no"}))
    formats = _row_formats(frame, ["low", "high", "mean", "ci_low", "ci_high"])
    columns = ["id", "indicator", "description", "source", "low", "high", "mean", "ci_low"]
    columns += ["ci_high", "n", "met", "interval_inside", "tuned", "scenario_no", "code"]
    book.table("calibration", frame[[c for c in columns if c in frame]], formats)


def _calibrate(book: _Book, results: Results) -> None:
    _calibration(book, results.calibration)
    _runs(book, results.runs.rename(columns={"scenario": "scenario_no"}))
    _provenance(book, results)
    book.remarks.append(book.t("note.ci"))


_BUILDERS: dict[str, Callable[[_Book, Results], None]] = {
    "run": _run,
    "compare": _compare,
    "sweep": _sweep,
    "sensitivity": _sweep,
    "calibrate": _calibrate,
}
