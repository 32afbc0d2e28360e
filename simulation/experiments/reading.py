"""Reading a sweep's results folder: every part verified, no run missing or doubled.

:func:`read_runs` and :func:`read_weekly` read the batches of a
:class:`~simulation.experiments.store.SweepStore` folder (also while a sweep writes
it: a batch appears whole). Each file read is first checked against its batch's
commit record (:mod:`~simulation.experiments.parts`); a damaged batch stops the read
with a message naming it and the command that repairs the folder, unless the caller
asks to skip it. A run saved twice (a failed run retried with ``--retry-failed``)
is returned once, from the batch written last, in both tables alike.
"""

from __future__ import annotations

import json
import shlex
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from simulation.experiments.parts import (
    FILES,
    RUN_COLUMNS,
    DamagedPart,
    DamagedPartsError,
    scan,
)
from simulation.i18n.language import say
from simulation.scenario.errors import ScenarioError

OnDamaged = Literal["raise", "skip"]

RUN_KEYS = ["point", "replication"]


def read_runs(folder: str | Path, on_damaged: OnDamaged = "raise") -> pd.DataFrame:
    """The runs table of a sweep's results folder, one row per run.

    Args:
        folder: The results folder.
        on_damaged: ``"raise"`` (default) stops at a damaged batch; ``"skip"`` returns
            the runs of the intact batches, with a warning naming the others.

    Returns:
        One row per run (seeds, status, error, outcomes, session) with its point's
        factor values, sorted by point and replication.

    Raises:
        ScenarioError: the folder is not a sweep's results folder.
        DamagedPartsError: a batch does not match its commit record (``"raise"``).
    """
    folder = Path(folder)
    points = _points(folder)
    parts = _intact(folder, ("runs.parquet",), on_damaged)
    runs = _numbered(parts, "runs.parquet")
    if runs is None:
        return pd.DataFrame(columns=[n for n, _ in RUN_COLUMNS]).merge(points, on="point")
    runs = _latest(runs).drop(columns="_part")
    runs = runs.merge(points, on="point", how="left")
    return runs.sort_values(RUN_KEYS).reset_index(drop=True)


def read_weekly(
    folder: str | Path, columns: Iterable[str] | None = None, on_damaged: OnDamaged = "raise"
) -> pd.DataFrame:
    """The weekly table of a sweep's results folder (long form: one row per run and week).

    Args:
        folder: The results folder.
        columns: Weekly columns to read (default: all the store keeps).
        on_damaged: As for :func:`read_runs`.

    Returns:
        Columns ``run_id``, ``point``, ``replication``, ``week`` and the weekly ones,
        sorted by point, replication and week; never two rows for one run and week.
    """
    folder = Path(folder)
    _points(folder)
    parts = _intact(folder, FILES, on_damaged)
    wanted = None if columns is None else ["run_id", "point", "replication", "week", *columns]
    weekly = _numbered(parts, "weekly.parquet", wanted)
    if weekly is None or weekly.empty:
        return pd.DataFrame()
    runs = _numbered(parts, "runs.parquet", ["run_id"])
    if runs is not None and runs["run_id"].duplicated().any():
        # A run saved in two batches: keep the weekly rows of the batch read_runs keeps.
        keep = _latest(runs)[["run_id", "_part"]]
        weekly = weekly.merge(keep, on=["run_id", "_part"], how="inner")
    weekly = weekly.drop(columns="_part")
    return weekly.sort_values([*RUN_KEYS, "week"]).reset_index(drop=True)


def repair_command(folder: Path) -> str:
    """The command that resumes the folder's sweep (and so repairs it), for messages."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        words = shlex.split(manifest["sessions"][0]["command"])
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        words = []
    if len(words) < 3 or words[0] != "transnum":
        return f"the command that made it, with --resume --out {shlex.quote(str(folder))}"
    if "--out" in words:  # the folder may have been moved since: name it as it is now
        at = words.index("--out")
        del words[at : at + 2]
    words = [w for w in words if w != "--resume"]
    return shlex.join([*words, "--resume", "--out", str(folder)])


def _points(folder: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(folder / "points.parquet")
    except (OSError, ValueError, pa.ArrowException):
        raise ScenarioError(say("error.results.no_points"), source=str(folder)) from None


def _intact(folder: Path, files: tuple[str, ...], on_damaged: OnDamaged) -> list[Path]:
    good, damaged = scan(folder, files)
    if damaged:
        advice = say("error.parts.repair", command=repair_command(folder))
        if on_damaged == "raise":
            raise DamagedPartsError(folder, damaged, advice)
        warnings.warn(_skipped(folder, damaged), stacklevel=3)
    return good


def _skipped(folder: Path, damaged: list[DamagedPart]) -> str:
    names = ", ".join(d.describe() for d in damaged)
    return say("cli.sweep.skipped", folder=folder, names=names)


def _numbered(
    parts: list[Path], name: str, columns: list[str] | None = None
) -> pd.DataFrame | None:
    """The file ``name`` of every batch in ``parts``, with ``_part`` (the batch's order)."""
    tables = []
    for index, part in enumerate(parts):
        table = pq.read_table(part / name, columns=columns)
        tables.append(table.append_column("_part", pa.array([index] * table.num_rows, pa.int64())))
    if not tables:
        return None
    return pa.concat_tables(tables).to_pandas()


def _latest(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per run: the one of the batch written last (a retried run's retry wins)."""
    return runs.sort_values("_part", kind="stable").drop_duplicates("run_id", keep="last")
