"""The sheets of each kind of results folder: what is written, in which order.

One function per kind of folder (:data:`BUILDERS`) writes its tables through a
:class:`~simulation.reports.workbook.book.Book`; nothing is recomputed: values are
those of the folder's files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import yaml

from simulation.i18n.words import clipped, outcome, outcome_kind, text
from simulation.model.outcomes import ORGANISATION_ONLY, OUTCOMES, PROFILE_ONLY
from simulation.reports.reader import Results
from simulation.reports.style import tool_name
from simulation.reports.workbook.book import Book, Formats, outcome_format
from simulation.reports.workbook.services import write_service_sheets
from simulation.scenario.profiles import PROFILES


def _with_labels(book: Book, frame: pd.DataFrame, order: Sequence[str] = ()) -> pd.DataFrame:
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
    formats = [outcome_format(name, signed=signed) for name in frame["code"]]
    # Over an ensemble: where 90 % of the runs fall (in the outcome's units), and shares.
    spread = dict.fromkeys(("spread_low", "spread_high"), formats)
    shares = dict.fromkeys(("parameter_share", "share_below", "share_above"), "0.0%")
    return dict.fromkeys(columns, formats) | spread | shares | {"n": "0", "members": "0"}


def _long(book: Book, key: str, frame: pd.DataFrame, signed: bool = False, **about) -> None:
    """Write a long statistics table: indicator, ..., mean, ci_low, ci_high, n, code."""
    book.table(key, frame, _row_formats(frame, ["mean", "ci_low", "ci_high"], signed), **about)


def _within_range(name: str, stat: dict) -> dict:
    """A strategy's statistics with the interval cut to what the outcome can take.

    The same bounds as the report's (:func:`simulation.i18n.words.clipped`): no share
    below 0 % or above 100 %, no count or cost below 0, and never ``-0.0 %``.
    """
    cut = {bound: clipped(name, stat.get(bound)) for bound in ("ci_low", "ci_high")}
    return {**stat, **cut}


def _bounds_cut(frame: pd.DataFrame) -> pd.DataFrame:
    """A long table (with ``code``) whose interval bounds are cut as :func:`_within_range`'s."""
    frame = frame.copy()
    for bound in ("ci_low", "ci_high"):
        if bound in frame:
            frame[bound] = [
                clipped(name, value)
                for name, value in zip(frame["code"], frame[bound], strict=True)
            ]
    return frame


SHOWN_ZERO = 0.0005
"""A difference of shares below this (0.05 point) shows as 0.0 % in the workbook's format."""


def _shown_zero(frame: pd.DataFrame) -> pd.DataFrame:
    """Differences of shares too small to show written as 0, so that none reads -0.0 %.

    The sheet shows shares' differences to a tenth of a point; a tiny negative one
    (-0.02 point, say) would read "-0.0 %", a sign without a number behind it.
    """
    frame = frame.copy()
    shares = frame["code"].map(lambda name: outcome_kind(name) == "percent").to_numpy(bool)
    for column in ("mean", "ci_low", "ci_high"):
        if column in frame:
            values = pd.to_numeric(frame[column], errors="coerce")
            frame.loc[shares & (values.abs() < SHOWN_ZERO).to_numpy(bool), column] = 0.0
    return frame


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


def _provenance(book: Book, results: Results) -> None:
    book.table("provenance", pd.DataFrame(_flatten(results.manifest), columns=["key", "value"]))


def _scenario(book: Book, results: Results) -> None:
    data = yaml.safe_load(results.scenario_text)  # written by transnum: valid YAML
    rows = _flatten(data) if isinstance(data, dict) else []
    book.table("scenario", pd.DataFrame(rows, columns=["path", "value"]))


def _runs(book: Book, runs: pd.DataFrame) -> None:
    runs = runs.copy()
    if "seed_entropy" in runs:  # up to 2**64, beyond the 15 digits a spreadsheet keeps
        runs["seed_entropy"] = [None if pd.isna(v) else str(v) for v in runs["seed_entropy"]]
    book.table("runs", runs, {"replication": "0", "point": "0", "scenario_no": "0"})


def _schedule(book: Book, results: Results, schedule: pd.DataFrame) -> pd.DataFrame:
    """Go-live weeks in words where never live, tools by their labels."""
    weeks = [book.t("not_live") if pd.isna(w) else int(w) for w in schedule["go_live_week"]]
    tools = [tool_name(t, results.tool_labels) for t in schedule["tool"]]
    return schedule.assign(go_live_week=weeks, tool=tools)


def _run(book: Book, results: Results) -> None:
    summary = results.summary or {}
    by_profile = summary.get("by_profile", {})
    rows = []
    for name in OUTCOMES + ORGANISATION_ONLY + PROFILE_ONLY:
        values = [summary.get(name)] + [by_profile.get(p, {}).get(name) for p in PROFILES]
        if outcome_kind(name) == "weeks":  # a level never reached has no week
            values = [text("never", book.lang) if v is None else v for v in values]
        rows.append([outcome(name, book.lang), *values, name])
    frame = pd.DataFrame(rows, columns=["indicator", "all_staff", *PROFILES, "code"])
    formats = [outcome_format(name, single=True) for name in frame["code"]]
    columns = dict.fromkeys(["all_staff", *PROFILES], formats)
    book.table("summary", frame, columns, about="summary_run")
    book.table("schedule", _schedule(book, results, results.schedule), {"go_live_week": "0"})
    weekly = results.timeseries
    book.table("weekly", weekly[[c for c in weekly.columns if "@" not in c]], {"week": "0"})
    write_service_sheets(book, results)
    _scenario(book, results)
    _provenance(book, results)
    book.remarks.append(book.t("note.weekly_run"))


def _compare(book: Book, results: Results) -> None:
    strategies, stats = results.strategies, results.summary["strategies"]
    # Outcomes added since a folder was made (the go-lives counts...) are left out.
    names = tuple(o for o in OUTCOMES + ORGANISATION_ONLY if all(o in stats[s] for s in strategies))
    overall = [
        {"outcome": o, "strategy": s, **_within_range(o, stats[s][o])}
        for o in names
        for s in strategies
    ]
    profiles = [
        {
            "outcome": o,
            "profile": p,
            "strategy": s,
            **_within_range(o, stats[s]["by_profile"][p][o]),
        }
        for o in OUTCOMES + PROFILE_ONLY
        for p in PROFILES
        for s in strategies
    ]
    _long(
        book, "summary", _with_labels(book, pd.DataFrame(overall)), what=text("strategy", book.lang)
    )
    _long(book, "by_profile", _with_labels(book, pd.DataFrame(profiles)))
    write_service_sheets(book, results)
    if results.paired is not None:
        differences = _shown_zero(_with_labels(book, results.paired, names))
        _long(book, "differences", differences, signed=True)
    _runs(book, results.runs)
    # One column per strategy: the go-live weeks of replication 0, side by side.
    first = _schedule(book, results, results.schedule[results.schedule["replication"] == 0])
    wide = first.pivot(index=["service", "tool"], columns="strategy", values="go_live_week")
    wide = wide[[s for s in strategies if s in wide.columns]].reset_index()
    wide.columns = ["service", "tool", *(text(s, book.lang) for s in wide.columns[2:])]
    book.table("schedule", wide, dict.fromkeys(wide.columns[2:], "0"))
    _scenario(book, results)
    _provenance(book, results)
    book.remarks += [book.t("note.ci"), book.t("note.weekly_compare")]


def _sweep(book: Book, results: Results) -> None:
    book.table("points", results.points, {"point": "0"})
    order = list(results.manifest.get("outcomes") or [])
    if results.point_summary is not None:
        points = _bounds_cut(_with_labels(book, results.point_summary, order))
        _long(book, "summary", points, what="point")
    if results.paired is not None:
        differences = _shown_zero(_with_labels(book, results.paired, order))
        _long(book, "differences", differences, signed=True)
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


def _indices(book: Book, indices: pd.DataFrame, order: Sequence[str]) -> None:
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


def _calibration(book: Book, calibration: pd.DataFrame) -> None:
    # "scenario" is the number of a target's scenario (a sweep's "scenario" factor is a file).
    frame = _with_labels(book, calibration.rename(columns={"scenario": "scenario_no"}))
    frame = _bounds_cut(frame)
    formats = _row_formats(frame, ["low", "high", "mean", "ci_low", "ci_high"])
    columns = ["id", "indicator", "description", "source", "low", "high", "mean", "ci_low"]
    columns += ["ci_high", "n", "met", "interval_inside", "tuned", "scenario_no", "code"]
    book.table("calibration", frame[[c for c in columns if c in frame]], formats)


def _calibrate(book: Book, results: Results) -> None:
    _calibration(book, results.calibration)
    _runs(book, results.runs.rename(columns={"scenario": "scenario_no"}))
    _provenance(book, results)
    book.remarks.append(book.t("note.ci"))


BUILDERS: dict[str, Callable[[Book, Results], None]] = {
    "run": _run,
    "compare": _compare,
    "sweep": _sweep,
    "sensitivity": _sweep,
    "calibrate": _calibrate,
}
