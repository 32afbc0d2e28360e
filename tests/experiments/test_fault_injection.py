"""Fault injection: a sweep crashed at random writes and damaged at random ends right.

Each trial drives one tiny sweep (one run per batch, so that a folder has many
batches) through rounds. In a round the sweep is crashed at a randomly chosen write
to disk (a batch file, the rename that commits a batch, the manifest, an export),
sometimes leaving the file being written half done, as a kill or a full disk would;
then, at random, one stored file is damaged (truncated, altered in place, removed,
or a batch's commit record lost). The next round resumes, until the trial has
crashed three times and a resume completed with nothing damaged since (crashes
after completion fall among the exports and the manifest). The sweep must always
end with exactly the dataset of an uninterrupted sweep, number for number, and
between rounds no file under a final name is ever truncated.

A crash is simulated in this process (an exception that no code may catch, raised
from the patched write, and the folder's lock released as the operating system
releases a dead process's locks); the tests of ``test_sweep.py`` kill real sweep
processes with SIGKILL. The random choices come from one seed per trial, so a
failing trial replays exactly.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from helpers import comparable, invoke, write

from simulation.experiments import parts
from simulation.experiments.store import SweepStore
from simulation.storage import atomic, lock

EXPERIMENT = (
    "name: faults\nhorizon_weeks: 10\noverrides: {organisation.total_staff: 30}\n"
    "replications: 3\nseed: 8\nfactors: {rollout.strategy: [big_bang, small_steps]}\n"
    "outcomes: [adoption_final, dropout_share]\nweekly: [adoption]\n"
)
TRIALS = 8
ROUNDS = 24  # rounds per trial at most
CRASHES = 3  # a trial ends once it crashed this often and a resume completed undamaged


class Crash(BaseException):
    """The process dies here (a BaseException: no ``except Exception`` may stop it)."""


class Faults:
    """Counts writes to disk and crashes at the chosen one.

    Every write a sweep makes goes through one of three primitives: Parquet files of
    a batch (``pyarrow.parquet.write_table``), the rename committing a batch
    (``os.rename``) and the final rename of every other file (``os.replace``, used by
    the atomic writers for the manifest and the exports).
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
        self.calls = 0
        self.crash_at: int | None = None
        self.half_written = False
        self.locks: list[lock.FolderLock] = []
        write_table, rename, replace = pq.write_table, os.rename, os.replace

        def counted(real, path_at: int, partial=None):
            def wrapper(*args, **kwargs):
                # Only the sweep's own writes count: numba, say, may write its cache too.
                if not str(args[path_at]).startswith(str(root)):
                    return real(*args, **kwargs)
                self.calls += 1
                if self.crash_at is not None and self.calls >= self.crash_at:
                    self.crash_at = None
                    if partial is not None and self.half_written:
                        partial(real, *args, **kwargs)
                    raise Crash
                return real(*args, **kwargs)

            return wrapper

        def half(real, table, where, *args, **kwargs):
            real(table, where, *args, **kwargs)
            truncate(Path(where), random.Random(self.calls))

        monkeypatch.setattr(pq, "write_table", counted(write_table, 1, half))
        monkeypatch.setattr(os, "rename", counted(rename, 0))
        monkeypatch.setattr(atomic.os, "replace", counted(replace, 0))
        acquire = lock.FolderLock.acquire

        def acquired(held: lock.FolderLock) -> lock.FolderLock:
            self.locks.append(acquire(held))
            return held

        monkeypatch.setattr(lock.FolderLock, "acquire", acquired)

    def die(self) -> None:
        """Release the locks as the OS does for a dead process (the owner note stays)."""
        for held in self.locks:
            if held.held:
                held._lock.release()
                held.held = False
        self.locks.clear()


def truncate(path: Path, rng: random.Random) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: rng.randrange(len(data))])


def damage(folder: Path, rng: random.Random) -> str | None:
    """Damage one stored file of a random batch; say what was done (None: no batch)."""
    batches = parts.batches(folder)
    if not batches:
        return None
    batch = rng.choice(batches)
    how = rng.choice(["truncate", "alter", "remove", "lose commit record"])
    file = batch / (parts.COMMIT if how == "lose commit record" else rng.choice(parts.FILES))
    if how == "truncate":
        truncate(file, rng)
    elif how == "alter":
        data = bytearray(file.read_bytes())
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        file.write_bytes(bytes(data))
    else:
        file.unlink()
    return f"{how} {file.relative_to(folder)}"


def assert_final_files_whole(folder: Path) -> None:
    """Every file under a final name reads whole (exports, manifest)."""
    if not folder.exists():
        return
    for csv in folder.glob("*.csv"):
        pd.read_csv(csv)
    if (folder / "manifest.json").exists():
        sessions = json.loads((folder / "manifest.json").read_text())["sessions"]
        if sessions and sessions[-1]["status"].startswith("complete"):
            assert (folder / "runs.csv").exists() and (folder / "summary.csv").exists()


def sweep(experiment: Path, out: Path):
    resume = ("--resume",) if (out / "manifest.json").exists() else ()
    return invoke("sweep", experiment, "--out", out, "--workers", 1, *resume)


@pytest.fixture
def experiment(tmp_path, monkeypatch):
    monkeypatch.setattr(SweepStore, "flush_runs", 1)
    return write(tmp_path / "faults.yaml", EXPERIMENT)


def test_random_crashes_and_damage_always_end_in_the_uninterrupted_dataset(
    experiment, tmp_path, monkeypatch
):
    faults = Faults(monkeypatch, tmp_path)
    reference = tmp_path / "reference"
    assert sweep(experiment, reference).exit_code == 0
    writes = faults.calls  # the writes of a whole sweep: crash points are drawn among them
    expected = comparable(reference, exports=True)
    crashes = damages = 0
    for trial in range(TRIALS):
        rng = random.Random(trial)
        out = tmp_path / f"trial-{trial}"
        log = []
        budget = writes  # crash points are drawn among the writes a round may make
        crashed = 0
        for _ in range(ROUNDS):
            faults.calls = 0
            faults.crash_at = rng.randint(1, budget) if rng.random() < 0.8 else None
            faults.half_written = rng.random() < 0.5
            try:
                result = sweep(experiment, out)
            except Crash:
                faults.die()
                crashed += 1
                log.append(f"crashed at write {faults.calls}")
                completed = False
            else:
                faults.crash_at = None
                assert result.exit_code == 0, (log, result.output)
                assert "Traceback" not in result.output
                completed = True
                budget = max(1, faults.calls)  # a finished folder: its exports and manifest
            assert_final_files_whole(out)
            if rng.random() < 0.5 and (done := damage(out, rng)):
                damages += 1
                log.append(f"damaged: {done}")
            elif completed and crashed >= CRASHES:
                break  # complete, and nothing damaged since: the dataset is checked below
        else:
            faults.crash_at = None
            assert sweep(experiment, out).exit_code == 0, log
        crashes += crashed
        for got, want in zip(comparable(out, exports=True), expected, strict=True):
            pd.testing.assert_frame_equal(got, want, obj=f"trial {trial}: {log}")
        # Nothing was deleted: every damaged batch is kept aside with its note.
        damaged = out / parts.DAMAGED
        kept = sorted(p.name for p in damaged.iterdir()) if damaged.exists() else []
        assert all((damaged / name / "damage.json").exists() for name in kept)
    # The trials exercised what they claim (fixed seeds: these counts are reproducible).
    assert crashes >= CRASHES * TRIALS, crashes
    assert damages >= TRIALS, damages
