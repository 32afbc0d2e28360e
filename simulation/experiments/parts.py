"""The batches of a sweep's store: written whole, verified on every read, set aside if damaged.

A batch is a folder ``parts/<session>-<batch>/`` holding ``runs.parquet`` (one row per
run), ``weekly.parquet`` (one row per run and week) and ``commit.json``, its commit
record: for each file, its size in bytes, its SHA-256 and its number of rows. The
three files are written into a hidden folder that is then renamed into ``parts/`` in
one step, so a batch is there whole or not at all.

What a rename cannot guard against (a disk that loses blocks, a copy cut short, a
file edited by hand) the commit record catches: :func:`scan` checks every file of every
batch against it. A damaged batch is reported by name with what is wrong; a writer
(``--resume``) moves it to ``damaged/`` (never deletes it) and runs its runs again,
and a reader refuses to return a table with runs silently missing.

Batches written before commit records existed (stores of transnum 0.1) have none;
they are checked by reading their files whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from simulation.i18n.language import active, say
from simulation.i18n.words import number
from simulation.scenario.errors import ScenarioError

PARTS = "parts"
DAMAGED = "damaged"
COMMIT = "commit.json"
FILES = ("runs.parquet", "weekly.parquet")
RUN_COLUMNS = (
    ("run_id", pa.string()),
    ("point", pa.int64()),
    ("replication", pa.int64()),
    ("member", pa.int64()),  # the ensemble member whose parameters the run used (or none)
    ("seed_entropy", pa.uint64()),
    ("seed_spawn_key", pa.string()),
    ("status", pa.string()),
    ("error", pa.string()),
    ("wall_s", pa.float64()),
    ("session", pa.int64()),
)
"""The columns of a batch's ``runs.parquet`` before the outcomes (one column each)."""
STORE_VERSION = 2
"""Stores of this version record a commit file in every batch (0.1 stores: version 1)."""


@dataclasses.dataclass(frozen=True)
class DamagedPart:
    """A batch whose files do not match their commit record.

    Attributes:
        name: The batch's folder name (``0001-000003``), under ``parts/``.
        problems: What is wrong, one phrase per file (``weekly.parquet: 4,096 bytes
            instead of 10,240 (truncated)``).
        runs: Runs the batch held, as its commit record says (None if unknown).
    """

    name: str
    problems: tuple[str, ...]
    runs: int | None

    def describe(self) -> str:
        """``parts/NAME (problem; problem)`` for messages."""
        return f"{PARTS}/{self.name} ({'; '.join(self.problems)})"


class DamagedPartsError(ScenarioError):
    """A results folder holds batches that do not match their commit records."""

    def __init__(self, folder: Path, damaged: list[DamagedPart], advice: str) -> None:
        self.folder = Path(folder)
        self.damaged = damaged
        runs = sum(d.runs or 0 for d in damaged)
        held = say("error.parts.holding", runs=number(runs, active())) if runs else ""
        listing = ", ".join(d.describe() for d in damaged)
        key = f"error.parts.damaged.{'many' if len(damaged) > 1 else 'one'}"
        super().__init__(
            say(key, n=len(damaged), held=held, listing=listing, advice=advice),
            source=str(folder),
        )


def sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks (memory stays flat for large parts)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_batch(parts: Path, name: str, tables: Mapping[str, pa.Table], session: int) -> Path:
    """Write one batch (its files and their commit record) and rename it into ``parts``.

    Args:
        parts: The store's ``parts/`` folder.
        name: The batch's name (``<session>-<batch>``, zero-padded: names sort in the
            order batches were written).
        tables: File name (one of :data:`FILES`) -> table.
        session: The session writing it (recorded).

    Returns:
        The batch's folder.
    """
    tmp = parts / f".tmp-{name}"
    tmp.mkdir(parents=True, exist_ok=True)
    record: dict[str, object] = {"session": session, "files": {}}
    for file_name, table in tables.items():
        path = tmp / file_name
        pq.write_table(table, path)
        with open(path, "rb+") as handle:  # on disk before the batch's name points at it
            os.fsync(handle.fileno())
        record["files"][file_name] = {  # type: ignore[index]
            "bytes": path.stat().st_size,
            "sha256": sha256(path),
            "rows": table.num_rows,
        }
    runs = tables.get("runs.parquet")
    record["runs"] = None if runs is None else runs.num_rows
    (tmp / COMMIT).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    final = parts / name
    os.rename(tmp, final)  # the batch appears whole or not at all
    return final


def check_part(
    part: Path, files: Iterable[str] = FILES, versioned: bool = True
) -> DamagedPart | None:
    """The damage of one batch, or None if its ``files`` match its commit record.

    Args:
        part: The batch's folder.
        files: Which of its files to check (a reader of runs need not hash weekly files).
        versioned: Whether the store records commit files (a missing one is damage).
    """
    problems: list[str] = []
    record = _commit_record(part)
    if record is None:
        if versioned:
            problems.append(say("error.parts.commit_missing", file=COMMIT))
        for file_name in files:  # no record: the file must at least read whole
            problem = _unreadable(part / file_name)
            if problem:
                problems.append(f"{file_name}: {problem}")
        return DamagedPart(part.name, tuple(problems), None) if problems else None
    recorded = record.get("files", {})
    for file_name in files:
        expected = recorded.get(file_name)
        if expected is None:
            continue  # this batch has no such file (a batch of runs without weekly series)
        problem = _mismatch(part / file_name, expected)
        if problem:
            problems.append(f"{file_name}: {problem}")
    runs = record.get("runs")
    return DamagedPart(part.name, tuple(problems), runs) if problems else None


def scan(folder: Path, files: Iterable[str] = FILES) -> tuple[list[Path], list[DamagedPart]]:
    """The good batches of a results folder (in the order written) and the damaged ones.

    Args:
        folder: The results folder.
        files: Which files of each batch to verify.
    """
    files = tuple(files)
    versioned = store_version(folder) >= STORE_VERSION
    good: list[Path] = []
    damaged: list[DamagedPart] = []
    for part in batches(folder):
        problem = check_part(part, files, versioned)
        if problem is None:
            good.append(part)
        else:
            damaged.append(problem)
    return good, damaged


def batches(folder: Path) -> list[Path]:
    """Every batch folder of a results folder (hidden half-written ones excluded), sorted."""
    parts = Path(folder) / PARTS
    if not parts.is_dir():
        return []
    return sorted(p for p in parts.iterdir() if p.is_dir() and not p.name.startswith("."))


def set_aside(folder: Path, damaged: Iterable[DamagedPart]) -> list[Path]:
    """Move damaged batches from ``parts/`` to ``damaged/``, with a note of what was wrong.

    Only the folder's writer may call this. Nothing is deleted: a batch can be put back
    by hand (if it turns out to be intact) once the note is read.

    Returns:
        Where each batch now is.
    """
    target = Path(folder) / DAMAGED
    target.mkdir(exist_ok=True)
    moved = []
    for part in damaged:
        destination = target / part.name
        n = 1
        while destination.exists():  # the same name set aside twice: keep both
            destination = target / f"{part.name}.{n}"
            n += 1
        os.rename(Path(folder) / PARTS / part.name, destination)
        note = {"problems": list(part.problems), "runs": part.runs}
        (destination / "damage.json").write_text(json.dumps(note, indent=2) + "\n", "utf-8")
        moved.append(destination)
    return moved


def store_version(folder: Path) -> int:
    """The store version its manifest records (1 for stores made before versions)."""
    try:
        manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return STORE_VERSION  # no manifest: be strict
    return int(manifest.get("store_version", 1)) if isinstance(manifest, dict) else STORE_VERSION


def _commit_record(part: Path) -> dict | None:
    try:
        record = json.loads((part / COMMIT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("files"), dict) else None


def _mismatch(path: Path, expected: Mapping[str, object]) -> str | None:
    """Why ``path`` does not match its recorded size, checksum and rows (None if it does)."""
    try:
        size = path.stat().st_size
    except OSError:
        return say("error.parts.missing")
    lang = active()
    recorded = int(expected.get("bytes", -1))  # type: ignore[call-overload]
    if size != recorded:
        cut = say("error.parts.truncated") if size < recorded else ""
        return say(
            "error.parts.size", size=number(size, lang), recorded=number(recorded, lang), cut=cut
        )
    if sha256(path) != expected.get("sha256"):
        return say("error.parts.checksum")
    try:
        rows = pq.read_metadata(path).num_rows
    except (OSError, pa.ArrowException):
        return say("error.parts.not_parquet")
    if rows != expected.get("rows"):
        wanted = int(expected.get("rows", 0))  # type: ignore[call-overload]
        return say("error.parts.rows", rows=number(rows, lang), expected=number(wanted, lang))
    return None


def _unreadable(path: Path) -> str | None:
    if not path.is_file():
        return say("error.parts.missing")
    try:
        pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        return say("error.parts.not_parquet_because", error=type(error).__name__)
    return None
