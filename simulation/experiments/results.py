"""Results folders: what ``transnum run`` and ``transnum compare`` write.

A results folder holds:

* ``summary.json``: the run's summary, or per strategy each outcome's mean, ci_low,
  ci_high and n (see :meth:`simulation.experiments.runner.Comparison.summary`), and the paired
  differences between strategies;
* ``paired.csv`` (comparison): the paired differences between strategies, one row per
  pair of strategies and outcome (mean, ci_low, ci_high, n);
* ``timeseries.parquet``: the weekly table (for a comparison, every run's weekly
  table stacked with ``strategy`` and ``replication`` columns);
* ``timeseries.csv``: for a run, the same weekly table; for a comparison, per strategy,
  weekly measure and week, the mean over replications with its 95 % interval and the
  number of replications with a value (columns strategy, measure, week, mean, ci_low,
  ci_high, n; see :func:`weekly_summary`);
* ``timeseries_runs.csv`` (comparison, only when asked: ``transnum compare
  --full-csv``): the stacked table of ``timeseries.parquet`` as CSV, tens of MB for
  100 replications;
* ``runs.csv`` (comparison): one row per run with its seed (and its ensemble member)
  and flat summary;
* ``first_shares.csv`` (comparison over an ensemble): per outcome and strategy, the
  share of the plausible parameter sets in which the strategy ranks first;
* ``schedule.csv``: go-live week of each (service, tool) pair (per strategy and
  replication for a comparison);
* ``scenario.yaml``: the resolved scenario, every default filled in;
* ``manifest.json``: versions, git commit, seeds, command, wall time, and where the
  parameters came from (``parameters``: the ensemble file's SHA-256, its number of
  members, the replications per member; or ``default``);
* ``figure.png``: adoption, dropout and strain by profile over time;
* ``staff.parquet`` (each staff member's service, team, profile, role and position
  in the network picture), ``ties.parquet`` (the staff network's ties) and
  ``snapshots.parquet`` (each staff member's stage, adoption, proficiency and strain
  at weeks 0, 4, 8 and every 13 weeks; for a comparison, replication 0 of each
  strategy, with a ``strategy`` column; the organisation is the same under every
  strategy).

Folders are never overwritten: :func:`new_results_dir` picks a fresh name, and
:func:`prepare_dir` refuses a non-empty folder before anything is computed (both in
:mod:`~simulation.experiments.folders`, importable from here).
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments.folders import new_results_dir, prepare_dir  # noqa: F401 - named here too
from simulation.experiments.runner import Comparison, RunResult
from simulation.experiments.statistics import mean_ci_by
from simulation.model.seeds import describe, run_seed
from simulation.scenario.loading import dump_scenario
from simulation.storage import (
    csv_bytes,
    write_bytes,
    write_csv,
    write_json,
    write_parquet,
    write_text,
)


def write_run(
    result: RunResult, folder: str | Path, *, command: str = "", wall_s: float = 0.0
) -> Path:
    """Write one run's results folder (see the module docstring) but its figure.

    The figure (``figure.png``) is a report product:
    :func:`simulation.reports.figures.overview.write_run_figure` adds it.
    """
    folder = Path(folder)
    _write_json(folder / "summary.json", result.summary)
    _write_table(folder / "timeseries", result.timeseries)
    write_csv(result.schedule, folder / "schedule.csv")
    _write_scenario(folder, result.scenario)
    seeds = {"root_seed": result.root_seed, "replication": result.replication, **result.seed}
    provenance = manifest(command, wall_s, seeds)
    provenance["parameters"] = {"source": "default"}  # one run: the scenario's own values
    _write_json(folder / "manifest.json", provenance)
    _write_network(folder, result, [result])
    return folder


def write_comparison(
    comparison: Comparison,
    folder: str | Path,
    *,
    command: str = "",
    wall_s: float = 0.0,
    table: pd.DataFrame | None = None,
    paired: pd.DataFrame | None = None,
    weekly: pd.DataFrame | None = None,
    weekly_csv: Future | None = None,
    full_csv: bool = False,
) -> Path:
    """Write a comparison's results folder (see the module docstring) but its figure.

    :func:`simulation.reports.figures.overview.write_comparison_figure` adds
    ``figure.png``. ``table`` is ``comparison.timeseries()`` when the caller already
    has it (it stacks every run's weekly table: worth building once), ``paired`` its
    ``paired_differences()`` (likewise), ``weekly`` the :func:`weekly_summary` of
    ``table``, and ``weekly_csv`` a worker's call that summarises and formats it
    (:func:`weekly_csv_bytes`): the other files are written meanwhile. Every run's
    weekly series go to ``timeseries.parquet``; ``timeseries.csv`` holds their means
    and intervals per strategy and week; ``full_csv`` also writes the stacked table as
    CSV (``timeseries_runs.csv``), the slowest and largest file of the folder.
    """
    folder = Path(folder)
    paired = comparison.paired_differences() if paired is None else paired
    summary = {
        "scenario": comparison.scenario.name,
        "replications": comparison.replications,
        "root_seed": comparison.root_seed,
        "confidence_level": 0.95,
        "strategies": comparison.summary(),
        "paired_differences": json.loads(paired.to_json(orient="records")),
        "parameters": comparison.parameters.describe(),
    }
    first = comparison.first_shares()
    if first is not None:
        summary["first_shares"] = json.loads(first.to_json(orient="records"))
        write_csv(first, folder / "first_shares.csv")
    _write_json(folder / "summary.json", summary)
    table = comparison.timeseries() if table is None else table
    # Dictionary-encoded: the strategy names only (the same values read back). The
    # weekly measures gain nothing from it, and trying it took three quarters of the write.
    write_parquet(table, folder / "timeseries.parquet", use_dictionary=["strategy"])
    if weekly_csv is None:
        weekly = weekly_summary(table) if weekly is None else weekly
        write_bytes(folder / "timeseries.csv", csv_bytes(weekly))  # as weekly_csv_bytes
    if full_csv:
        write_csv(table, folder / "timeseries_runs.csv")
    write_csv(comparison.runs_table(), folder / "runs.csv")
    write_csv(paired, folder / "paired.csv")
    schedule = pd.concat([run.schedule for run in comparison.runs], ignore_index=True)
    sizes = [len(run.schedule) for run in comparison.runs]
    schedule["strategy"] = np.repeat([run.strategy for run in comparison.runs], sizes)
    schedule["replication"] = np.repeat([run.replication for run in comparison.runs], sizes)
    write_csv(schedule, folder / "schedule.csv")
    _write_scenario(folder, comparison.scenario)
    seeds = {
        "root_seed": comparison.root_seed,
        "replications": [
            {"replication": r, **describe(run_seed(comparison.root_seed, r))}
            for r in range(comparison.replications)
        ],
        "note": "replication r uses the same seed under every strategy",
    }
    provenance = manifest(command, wall_s, seeds)
    provenance["parameters"] = comparison.parameters.describe()
    _write_json(folder / "manifest.json", provenance)
    _write_network(folder, comparison.runs[0], [r for r in comparison.runs if r.replication == 0])
    if weekly_csv is not None:  # last: formatted by a worker while the others were written
        write_bytes(folder / "timeseries.csv", weekly_csv.result())
    return folder


def weekly_summary(table: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Per strategy, weekly measure and week: mean over replications, interval and n.

    Args:
        table: Stacked weekly tables of a comparison (``strategy``, ``replication``,
            ``week`` and the weekly measures), as :meth:`Comparison.timeseries` gives.
        level: Confidence level of the Student-t interval (the one of
            :func:`simulation.experiments.statistics.mean_ci`: with one replication the
            interval is the value itself).

    Returns:
        Long table: strategy, measure, week, mean, ci_low, ci_high, n (replications
        with a value that week; over an ensemble, a ``member`` column in ``table``,
        the interval treats the runs of one member as a cluster).
        Strategies in the table's order, then measures in the
        weekly table's column order, then weeks: each measure's series of a strategy is
        one block of consecutive rows, ready to filter and plot in a spreadsheet.
    """
    keys = ["strategy", "week"]
    labels = (*keys, "replication", "member")
    measures = [c for c in table.select_dtypes(include="number").columns if c not in labels]
    if "member" in table:
        # Over an ensemble the runs of one parameter set are a cluster (as in summary.json).
        from simulation.experiments.uncertainty import clustered_mean_ci
        from simulation.experiments.weekly import clustered_weekly

        laid_out = clustered_weekly(table, measures, level)  # the same numbers, faster
        if laid_out is not None:
            return laid_out
        long = clustered_mean_ci(table, keys, measures, level)
    else:
        long = mean_ci_by(table, keys, measures, level)  # groups in the table's order
    strategy, _ = pd.factorize(long["strategy"])  # codes in order of first appearance
    measure, _ = pd.factorize(long["measure"])
    order = np.lexsort((long["week"].to_numpy(), measure, strategy))
    columns = ["strategy", "measure", "week", "mean", "ci_low", "ci_high", "n"]
    return long.iloc[order][columns].reset_index(drop=True)


def weekly_csv_bytes(table: pd.DataFrame, level: float = 0.95) -> bytes:
    """The bytes of a comparison's ``timeseries.csv``: :func:`weekly_summary` of ``table``.

    For a worker process, while the process that owns the results folder writes the
    other files (it then writes these bytes).
    """
    return csv_bytes(weekly_summary(table, level))


def write_calibration(
    targets: pd.DataFrame,
    runs: pd.DataFrame,
    folder: str | Path,
    *,
    command: str = "",
    wall_s: float = 0.0,
    seed: int,
    replications: int,
) -> Path:
    """Write a calibration's results folder.

    Files: ``calibration.csv`` and ``calibration.json`` (one row per target),
    ``runs.csv`` (one row per run) and ``manifest.json``.
    """
    folder = Path(folder)
    write_csv(targets, folder / "calibration.csv")
    records = json.loads(targets.to_json(orient="records"))
    _write_json(folder / "calibration.json", records)
    write_csv(runs, folder / "runs.csv")
    seeds = {
        "root_seed": seed,
        "replications": replications,
        "note": "replication r of every scenario uses run_seed(root_seed, r)",
    }
    provenance = manifest(command, wall_s, seeds)
    provenance["parameters"] = {"source": "default"}  # calibrating: the file's own values
    _write_json(folder / "manifest.json", provenance)
    return folder


def manifest(command: str, wall_s: float, seeds: dict[str, Any]) -> dict[str, Any]:
    """Provenance: versions, git commit (if the package comes from a git checkout), seeds."""
    from importlib.metadata import version

    from simulation import __version__

    return {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command or " ".join(sys.argv),
        "wall_s": round(wall_s, 3),
        "versions": {
            "transnum": __version__,
            "mesa": version("mesa"),  # not imported for it: importing Mesa takes a second
            "numpy": version("numpy"),
            "python": platform.python_version(),
        },
        "git_commit": git_commit(),
        "platform": platform.platform(),
        "seeds": seeds,
    }


def git_commit() -> str | None:
    """Commit of the source tree the package was imported from, if it is a git checkout."""
    source = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    if out.returncode != 0 or not commit:
        return None
    dirty = subprocess.run(
        ["git", "-C", str(source), "status", "--porcelain", "--", "."],
        capture_output=True,
        text=True,
        timeout=5,
        check=False,
    ).stdout.strip()
    return commit + ("-dirty" if dirty else "")


def _write_network(folder: Path, first: RunResult, runs: list[RunResult]) -> None:
    """Staff table, ties and snapshots of the runs that recorded them (if any)."""
    with_snapshots = [r for r in runs if r.snapshots is not None]
    if first.staff is None or not with_snapshots:
        return
    write_parquet(first.staff, folder / "staff.parquet")
    write_parquet(first.ties, folder / "ties.parquet")
    frames = [r.snapshots.assign(strategy=r.strategy) for r in with_snapshots]
    write_parquet(pd.concat(frames, ignore_index=True), folder / "snapshots.parquet")


def _write_json(path: Path, data: Any) -> None:
    write_json(path, data)


def _write_table(stem: Path, table: pd.DataFrame) -> None:
    write_parquet(table, stem.with_suffix(".parquet"))
    write_csv(table, stem.with_suffix(".csv"))


def _write_scenario(folder: Path, scenario) -> None:
    header = (
        "Resolved scenario: every field written out, defaults included.\n"
        "Run it again with: transnum run scenario.yaml"
    )
    write_text(folder / "scenario.yaml", dump_scenario(scenario, header))
