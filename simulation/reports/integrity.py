"""Reading a results folder that may be damaged or partly written, file by file.

A folder can lose files or hold truncated ones: a disk filled up, a copy stopped, a
command was killed before its exports. Each file is read here with the columns the
reports need; a missing or damaged one is reported by name, with what to do about
it (make the folder again with the command its manifest records, or finish a sweep
with ``--resume``), as one :class:`~simulation.scenario.errors.ScenarioError`.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.i18n.language import say
from simulation.scenario.errors import ScenarioError, listing

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "timeseries.parquet": ("week", "adoption", "dropout"),
    "schedule.csv": ("service", "tool", "go_live_week"),
    "runs.csv": ("replication",),
    "paired.csv": ("outcome", "mean", "ci_low", "ci_high"),
    "summary.csv": ("outcome", "mean", "ci_low", "ci_high", "n"),
    "calibration.csv": ("id", "outcome", "low", "high", "mean", "ci_low", "ci_high", "met"),
    "staff.parquet": ("service",),
    "snapshots.parquet": ("week",),
}
"""Columns without which a file cannot be used, by file name (others: none checked)."""

INDEX_COLUMNS: dict[str, tuple[str, ...]] = {
    "morris": ("outcome", "parameter", "mu_star", "mu_star_conf", "sigma"),
    "sobol": ("outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"),
}
"""Columns of ``indices.csv``, by method."""


def sweep_command(folder: Path, manifest: dict[str, Any]) -> str:
    """The command that continues (and exports) a sweep or sensitivity folder."""
    experiment = shlex.quote(str(manifest.get("experiment_file") or "EXPERIMENT_FILE"))
    kind = str(manifest.get("kind", "sweep"))
    if kind.startswith("sensitivity-"):
        method = kind.removeprefix("sensitivity-")
        return f"transnum sensitivity {experiment} --method {method} --resume --out {folder}"
    return f"transnum sweep {experiment} --resume --out {folder}"


def what_to_do(folder: Path, kind: str, manifest: dict[str, Any] | None) -> str:
    """Advice for a folder with a missing or damaged file."""
    if kind in ("sweep", "sensitivity") and manifest is not None:
        return say("error.folder.finish_with", command=sweep_command(folder, manifest))
    command = (manifest or {}).get("command")
    if command:
        return say("error.folder.make_again_with", command=_new_out(command))
    return say("error.folder.make_again")


class FolderReader:
    """Reads the files of one results folder; a bad file raises one clear error.

    Args:
        folder: The results folder.
        kind: Its kind (``run``, ``compare``, ``sweep``, ``sensitivity``, ``calibrate``).
        manifest: Its manifest, when it could be read (for the advice).

    Attributes:
        notes: What was made up for while reading (an export computed from the store).
    """

    def __init__(self, folder: Path, kind: str, manifest: dict[str, Any] | None) -> None:
        self.folder = folder
        self.kind = kind
        self.manifest = manifest
        self.notes: list[str] = []

    def problem(self, name: str, what: str) -> ScenarioError:
        """The error for file ``name`` of the folder: ``what`` is wrong, and what to do.

        ``what`` is already worded in the active language (``error.folder.*``).
        """
        advice = what_to_do(self.folder, self.kind, self.manifest)
        return ScenarioError(
            say("error.folder.not_completely_written", what=what, advice=advice),
            source=str(self.folder / name),
        )

    def exists(self, name: str) -> bool:
        """Whether the folder holds file ``name``."""
        return (self.folder / name).is_file()

    def read(self, name: str, load: Callable[[Path], Any]) -> Any:
        """``load(folder / name)``; a missing or unreadable file is named."""
        path = self.folder / name
        if not path.is_file():
            raise self.problem(name, say("error.folder.missing"))
        try:
            return load(path)
        except (OSError, ValueError, UnicodeDecodeError) as error:  # pyarrow's are ValueErrors
            raise self.problem(name, say("error.folder.damaged", why=_short(error))) from None

    def json(self, name: str) -> dict[str, Any]:
        """A JSON object file."""
        data = self.read(name, lambda p: json.loads(p.read_text(encoding="utf-8")))
        if not isinstance(data, dict):
            raise self.problem(
                name, say("error.folder.damaged", why=say("error.folder.not_json_object"))
            )
        return data

    def table(self, name: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """A CSV or Parquet table, with the columns the reports need."""
        load = pd.read_parquet if name.endswith(".parquet") else pd.read_csv
        table = self.read(name, load)
        self.require(name, table, REQUIRED_COLUMNS.get(name, ()) if columns is None else columns)
        return table

    def require(self, name: str, table: pd.DataFrame, columns: Iterable[str]) -> None:
        """Raise if ``table`` (read from ``name``) lacks one of ``columns``."""
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise self.problem(
                name,
                say(
                    "error.folder.damaged",
                    why=say("error.folder.no_column", columns=listing(missing)),
                ),
            )

    def text(self, name: str) -> str:
        """A UTF-8 text file."""
        return self.read(name, lambda p: p.read_text(encoding="utf-8"))


def _new_out(command: str) -> str:
    """``command`` writing to ``NEW_FOLDER`` instead of its own ``--out`` folder."""
    try:
        words = shlex.split(command)
    except ValueError:  # a damaged manifest's command: shown as it is
        return f"{command} --out NEW_FOLDER"
    kept = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--out":
            skip = True
        elif not word.startswith("--out="):
            kept.append(word)
    return shlex.join([*kept, "--out", "NEW_FOLDER"])


def _short(error: Exception) -> str:
    """The first line of an error's message, without the path it repeats."""
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return line if len(line) <= 160 else line[:157] + "..."
