"""A sweep's or sensitivity analysis's folder, read from its Parquet store.

The store (``points.parquet`` and the batches in ``parts/``) is what a sweep saves as
runs finish; the CSV exports are written when a session ends. A sweep stopped before
its exports (killed, a full disk) is therefore still readable: the per-point summary
and the paired differences are computed here from the saved runs, as the exports
would have been, and the report says that it did so.
"""

from __future__ import annotations

from typing import Any

from simulation.experiments.uncertainty import sweep_paired, sweep_summary
from simulation.i18n.language import say
from simulation.reports.integrity import (
    INDEX_COLUMNS,
    REQUIRED_COLUMNS,
    FolderReader,
    sweep_command,
)
from simulation.scenario.errors import ScenarioError

STRATEGY = "rollout.strategy"


def read_store(files: FolderReader, results: Any) -> None:
    """Fill ``results`` (a :class:`~simulation.reports.reader.Results`) from the store.

    Raises:
        ScenarioError: the points or the runs cannot be read, no run is saved yet, or
            a sensitivity folder has no usable ``indices.csv`` (named, with the
            ``--resume`` command that finishes it).
    """
    from simulation.experiments.store import read_runs

    results.points = files.table("points.parquet", ("point",))
    results.scenario_text = files.text("experiment.yaml")
    try:
        results.runs = read_runs(files.folder)
    except ScenarioError:
        raise
    except (OSError, ValueError, KeyError) as error:  # a damaged part (pyarrow's errors)
        raise files.problem("parts/", say("error.folder.parts_unreadable", reason=error)) from None
    if results.runs.empty:
        raise files.problem("parts/", say("error.folder.no_finished_run"))
    factors = [c for c in results.points.columns if c != "point"]
    outcomes = [o for o in files.manifest.get("outcomes", []) if o in results.runs.columns]
    results.point_summary = _export(
        files, "summary.csv", factors, lambda: sweep_summary(results.runs, outcomes, factors)
    )
    if STRATEGY in factors:
        others = [f for f in factors if f != STRATEGY]
        results.paired = _export(
            files,
            "paired.csv",
            (),
            lambda: sweep_paired(results.runs, STRATEGY, outcomes, by=others),
        )
    elif files.exists("paired.csv"):
        results.paired = files.table("paired.csv")
    if results.kind == "sensitivity":
        method = str(files.manifest.get("kind", "")).removeprefix("sensitivity-")
        results.indices = files.table("indices.csv", INDEX_COLUMNS.get(method, ("outcome",)))


def _export(files: FolderReader, name: str, columns, compute):
    """The export ``name`` if it is whole, else computed from the runs (with a note)."""
    if files.exists(name):
        try:
            return files.table(name, (*REQUIRED_COLUMNS.get(name, ()), *columns))
        except ScenarioError:
            why = "damaged"
    else:
        why = "missing"
    files.notes.append(
        say(
            f"cli.report.export_{why}",
            file=files.folder / name,
            command=sweep_command(files.folder, files.manifest),
        )
    )
    return compute()
