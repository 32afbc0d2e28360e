"""The results folder of a sweep: a Parquet dataset that is never lost.

Layout of the folder::

    manifest.json      experiment file name and hash, versions, git commit, root seed,
                       and one entry per session (started, finished, status, runs)
    experiment.yaml    a copy of the experiment file
    points.parquet     one row per point: its number and factor values
    parts/<session>-<batch>/runs.parquet     one row per run (seeds, status, outcomes)
    parts/<session>-<batch>/weekly.parquet   the kept weekly series, one row per run-week
    parts/<session>-<batch>/commit.json      each file's size, SHA-256 and row count
    damaged/<session>-<batch>/               a batch found damaged, set aside by a resume
    runs.csv, summary.csv, paired.csv        exports written when a session ends

Finished runs are buffered and written as a *batch*: both files and the batch's
commit record (their sizes, checksums and row counts) are written into a temporary
folder, which is then renamed into ``parts/`` in one atomic step
(:mod:`~simulation.experiments.parts`). A batch is therefore either wholly there or
absent; a run is done when its batch is there. Killed at any moment, a sweep loses at
most the runs of the unwritten batch, and ``--resume`` reruns exactly the runs that no
batch holds: none is lost, none duplicated. A resume first checks every batch against
its commit record: a damaged one is moved to ``damaged/`` (never deleted) and its runs
run again, or the resume stops with the list (``stop_if_damaged``). Memory stays flat:
only one batch is held at a time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from simulation.experiments import parts
from simulation.experiments.folders import refuse_taken
from simulation.experiments.parts import RUN_COLUMNS, DamagedPart, DamagedPartsError
from simulation.experiments.reading import read_runs, read_weekly
from simulation.i18n.language import quoted, say
from simulation.scenario.errors import ScenarioError
from simulation.storage import FolderLock, write_json


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes (identifies the experiment a folder belongs to)."""
    return parts.sha256(Path(path))


class SweepStore:
    """Writes and reads one sweep's results folder.

    Use :meth:`create` for a new sweep or :meth:`resume` to continue one; then
    :meth:`add` finished runs, and :meth:`close` at the end (or on interruption).
    """

    flush_runs = 200
    """Runs per batch: a kill loses at most this many (and :attr:`flush_seconds`)."""
    flush_seconds = 10.0

    def __init__(self, folder: Path, outcomes: tuple[str, ...], weekly: tuple[str, ...]) -> None:
        self.folder = Path(folder)
        self._lock: FolderLock | None = None
        self.outcomes = outcomes
        self.weekly_columns = weekly
        self.run_schema = pa.schema(
            [pa.field(n, t) for n, t in RUN_COLUMNS] + [pa.field(o, pa.float64()) for o in outcomes]
        )
        self.weekly_schema = pa.schema(
            [
                pa.field("run_id", pa.string()),
                pa.field("point", pa.int64()),
                pa.field("replication", pa.int64()),
                pa.field("week", pa.int64()),
            ]
            + [pa.field(c, pa.float64()) for c in weekly]
        )
        self.session = 0
        self.set_aside: list[DamagedPart] = []
        """Damaged batches this session moved to ``damaged/`` (their runs run again)."""
        self._buffer: list[dict[str, Any]] = []
        self._batch = 0
        self._last_flush = time.monotonic()

    # ----------------------------------------------------------------- opening

    @classmethod
    def create(
        cls,
        folder: Path,
        experiment_file: Path,
        points: pd.DataFrame,
        outcomes: tuple[str, ...],
        weekly: tuple[str, ...],
        manifest: dict[str, Any],
        command: str = "",
        kind: str = "sweep",
    ) -> SweepStore:
        """Start a new results folder (it must not exist or be empty).

        The folder is assembled under a temporary name and renamed into place, so a
        sweep killed while starting leaves no half-made folder behind.

        Args:
            folder: The results folder.
            experiment_file: The experiment file (copied, and hashed for --resume).
            points: The points table.
            outcomes: Outcome columns kept per run.
            weekly: Weekly columns kept per run.
            manifest: Provenance to record (versions, git commit, root seed...).
            command: The command that started the session.
            kind: What made the folder (``sweep``, ``sensitivity-morris``...); resume
                checks it.
        """
        folder = Path(folder)
        refuse_taken(folder, say("error.results.taken_resume"))
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = folder.parent / f".{folder.name}.creating-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            (staging / "parts").mkdir(parents=True)
            shutil.copyfile(experiment_file, staging / "experiment.yaml")
            points.to_parquet(staging / "points.parquet", index=False)
            record = {
                **manifest,
                "kind": kind,
                "experiment_file": str(Path(experiment_file).resolve()),
                "experiment_sha256": file_hash(experiment_file),
                "outcomes": list(outcomes),
                "weekly": list(weekly),
                "store_version": parts.STORE_VERSION,
                "sessions": [],
            }
            (staging / "manifest.json").write_text(
                json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            if folder.exists():
                folder.rmdir()  # empty, checked above
            os.rename(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        store = cls(folder, outcomes, weekly)
        store._claim(command)
        store._start_session(command)
        return store

    @classmethod
    def resume(
        cls,
        folder: Path,
        experiment_file: Path,
        points: pd.DataFrame,
        command: str = "",
        kind: str = "sweep",
        stop_if_damaged: bool = False,
        parameters: dict[str, Any] | None = None,
    ) -> SweepStore:
        """Reopen a results folder to run what is missing.

        Every batch is first checked against its commit record. Damaged ones are moved
        to ``damaged/`` and their runs count as missing (:attr:`set_aside` lists them),
        unless ``stop_if_damaged``.

        Raises:
            ScenarioError: the folder is not a sweep's, or was made by another experiment
                file, another kind of run (sweep or sensitivity method), another design
                or, if ``parameters`` (the session's manifest entry, as
                :meth:`~simulation.experiments.parameters.ParameterDraw.describe` gives
                it) is given, other parameters (another ensemble, or none).
            DamagedPartsError: damaged batches with ``stop_if_damaged`` (nothing changed).
        """
        folder = Path(folder)
        # One writer at a time: a second resume is refused before it reads anything.
        is_sweep = (folder / "manifest.json").is_file()  # else refused below, untouched
        lock = FolderLock(folder, command).acquire() if is_sweep else None
        try:
            return cls._reopen(
                folder, experiment_file, points, command, kind, lock, stop_if_damaged, parameters
            )
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    @classmethod
    def _reopen(
        cls,
        folder: Path,
        experiment_file: Path,
        points: pd.DataFrame,
        command: str,
        kind: str,
        lock: FolderLock | None,
        stop_if_damaged: bool,
        parameters: dict[str, Any] | None = None,
    ) -> SweepStore:
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            saved_points = pd.read_parquet(folder / "points.parquet")
        except (OSError, ValueError):
            raise ScenarioError(say("error.results.not_a_sweep"), source=str(folder)) from None
        if manifest.get("experiment_sha256") != file_hash(experiment_file):
            raise ScenarioError(
                say("error.results.other_experiment", file=folder / "experiment.yaml"),
                source=str(folder),
            )
        if manifest.get("kind", "sweep") != kind:
            raise ScenarioError(
                say(
                    "error.results.other_kind",
                    made=quoted(manifest.get("kind", "sweep")),
                    kind=quoted(kind),
                ),
                source=str(folder),
            )
        if parameters is not None:
            _check_same_parameters(folder, manifest.get("parameters"), parameters)
        if not _same_points(saved_points, points):
            raise ScenarioError(say("error.results.other_points"), source=str(folder))
        _, damaged = parts.scan(folder)
        if damaged and stop_if_damaged:
            raise DamagedPartsError(
                folder,
                damaged,
                say("error.parts.stop_if_damaged", folder=folder / parts.DAMAGED),
            )
        store = cls(folder, tuple(manifest["outcomes"]), tuple(manifest["weekly"]))
        store._lock = lock
        for tmp in (folder / "parts").glob(".tmp-*"):  # half-written batches of a killed run
            shutil.rmtree(tmp, ignore_errors=True)
        parts.set_aside(folder, damaged)
        store.set_aside = damaged
        store._start_session(command, set_aside=[d.describe() for d in damaged])
        return store

    def _manifest(self) -> dict[str, Any]:
        return json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        write_json(self.folder / "manifest.json", manifest)

    def _start_session(self, command: str, set_aside: list[str] | None = None) -> None:
        manifest = self._manifest()
        for session in manifest["sessions"]:
            if session["status"] == "running":  # a session that never closed was killed
                session["status"] = "interrupted"
        self.session = len(manifest["sessions"])
        manifest["sessions"].append(
            {
                "session": self.session,
                "command": command,
                "started": _now(),
                "finished": None,
                "status": "running",
                "runs_written": 0,
                "failures": 0,
                **({"set_aside": set_aside} if set_aside else {}),
            }
        )
        self._write_manifest(manifest)

    # ----------------------------------------------------------------- writing

    def completed(self, include_failed: bool = True) -> set[str]:
        """Run ids already saved (in any batch); failed ones only if ``include_failed``.

        A run saved as failed and later retried successfully counts as done.
        """
        files = self._part_files("runs.parquet")
        if not files:
            return set()
        table = ds.dataset(files, format="parquet").to_table(columns=["run_id", "status"])
        ids = table.column("run_id").to_pylist()
        if include_failed:
            return set(ids)
        return {
            i
            for i, status in zip(ids, table.column("status").to_pylist(), strict=True)
            if status == "ok"
        }

    def add(self, record: dict[str, Any]) -> None:
        """Buffer a finished run; write a batch when the buffer is full or old enough."""
        self._buffer.append(record)
        full = len(self._buffer) >= self.flush_runs
        if full or time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> None:
        """Write the buffered runs as one batch (atomically)."""
        if not self._buffer:
            return
        records, self._buffer = self._buffer, []
        name = f"{self.session:04d}-{self._batch:06d}"
        tables = {
            "runs.parquet": self._runs_table(records),
            "weekly.parquet": self._weekly_table(records),
        }
        parts.write_batch(self.folder / parts.PARTS, name, tables, self.session)
        self._batch += 1
        self._last_flush = time.monotonic()
        manifest = self._manifest()
        entry = manifest["sessions"][self.session]
        entry["runs_written"] += len(records)
        entry["failures"] += sum(r["status"] != "ok" for r in records)
        self._write_manifest(manifest)

    def _runs_table(self, records: list[dict[str, Any]]) -> pa.Table:
        columns: dict[str, list] = {name: [] for name in self.run_schema.names}
        for r in records:
            for name, _ in RUN_COLUMNS:
                columns[name].append(self.session if name == "session" else r.get(name))
            outcomes = r.get("outcomes") or {}
            for o in self.outcomes:
                value = outcomes.get(o)
                columns[o].append(None if value is None else float(value))
        return pa.table(columns, schema=self.run_schema)

    def _weekly_table(self, records: list[dict[str, Any]]) -> pa.Table:
        columns: dict[str, list] = {name: [] for name in self.weekly_schema.names}
        for r in records:
            weekly = r.get("weekly")
            if not weekly:
                continue
            n = len(weekly["week"])
            columns["run_id"] += [r["run_id"]] * n
            columns["point"] += [r["point"]] * n
            columns["replication"] += [r["replication"]] * n
            columns["week"] += list(weekly["week"])
            for c in self.weekly_columns:
                columns[c] += [float(v) for v in weekly[c]]
        return pa.table(columns, schema=self.weekly_schema)

    def _claim(self, command: str) -> None:
        """Hold the folder's lock for this session (released by :meth:`close`)."""
        self._lock = FolderLock(self.folder, command).acquire()

    def close(self, status: str) -> None:
        """Write what is buffered, record the session's end and let the next writer in.

        Call it after the exports, so that a session recorded as complete has every
        export in place.
        """
        self.flush()
        manifest = self._manifest()
        entry = manifest["sessions"][self.session]
        entry["finished"] = _now()
        entry["status"] = status
        self._write_manifest(manifest)
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # ----------------------------------------------------------------- reading

    def _part_files(self, name: str) -> list[str]:
        # The writer's own view: batches were verified when the session began, and
        # those it wrote since are its own.
        return [str(p / name) for p in parts.batches(self.folder) if (p / name).exists()]

    def points(self) -> pd.DataFrame:
        """The points table (point number and factor values)."""
        return pd.read_parquet(self.folder / "points.parquet")

    def runs(self) -> pd.DataFrame:
        """All saved runs, with their point's factor values, sorted by point and replication."""
        return read_runs(self.folder)

    def weekly(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The saved weekly series (long form: one row per run and week)."""
        return read_weekly(self.folder, columns)


def _check_same_parameters(folder: Path, saved: dict | None, wanted: dict[str, Any]) -> None:
    """Refuse to resume a folder whose runs drew their parameters elsewhere.

    The manifest records where the parameters came from (the ensemble file's
    checksum): a resume with another ensemble (or none) would mix runs of two models
    in one folder.
    """
    saved = saved or {"source": "default"}
    if saved.get("source") == "default" and wanted.get("source") == "default":
        return
    if "sha256" in saved and all(saved.get(k) == wanted.get(k) for k in ("sha256", "per_member")):
        return
    was = (
        say("error.results.own_values")
        if "sha256" not in saved
        else say(
            "error.results.the_ensemble",
            source=saved.get("source"),
            sha=saved["sha256"][:12],
            per_member=saved.get("per_member"),
        )
    )
    raise ScenarioError(say("error.results.other_parameters", was=was), source=str(folder))


def _same_points(saved: pd.DataFrame, points: pd.DataFrame) -> bool:
    """Whether two points tables describe the same design (values compared as text)."""
    if list(saved.columns) != list(points.columns) or len(saved) != len(points):
        return False
    return saved.astype(str).equals(points.astype(str))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
