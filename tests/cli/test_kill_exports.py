"""SIGKILL while ``transnum compare`` and ``transnum sweep`` write their exports.

The command runs in a process of its own; the test polls its folder and kills it a
random moment after the first export appears (fixed seeds: the same moments every
time). Every file left under a final name must be whole, a sweep's manifest must not
say complete unless every export is in place, and ``--resume`` must finish the sweep
with the numbers of an uninterrupted one.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from helpers import invoke, write

TRANSNUM = [sys.executable, "-m", "simulation"]
ROUNDS = 2
SWEEP = """\
name: killed exports
replications: 4
horizon_weeks: 30
factors:
  rollout.strategy: [big_bang, small_steps, short_cycle]
weekly: [adoption, dropout]
"""
SWEEP_EXPORTS = ("runs.csv", "summary.csv")


def assert_whole(folder: Path) -> set[str]:
    """Every file under a final name parses; returns the names present."""
    names = set()
    for path in folder.rglob("*"):
        if not path.is_file() or path.name.startswith("."):
            continue  # a hidden .part file is a temporary one, never a result
        names.add(path.name)
        data = path.read_bytes()
        assert data, path
        if path.suffix == ".csv":
            pd.read_csv(path)
        elif path.suffix == ".json":
            json.loads(data)
        elif path.suffix == ".parquet":
            pq.read_table(path)
        elif path.suffix == ".png":
            assert data.endswith(b"IEND\xaeB`\x82"), path
        elif path.suffix == ".yaml":
            yaml.safe_load(data)
    return names


def kill_after_first(
    args: list[str], out: Path, first: str, delay: float, timeout: float = 90.0
) -> bool:
    """Start ``transnum ARGS``; SIGKILL it ``delay`` s after ``out/first`` appears.

    Returns False if the command ended before the kill.
    """
    process = subprocess.Popen(
        [*TRANSNUM, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill reaches the workers
    )
    deadline = time.monotonic() + timeout
    try:
        while not (out / first).exists():
            if process.poll() is not None:
                return False
            assert time.monotonic() < deadline, "the first export never appeared"
            time.sleep(0.002)
        time.sleep(delay)
        if process.poll() is not None:
            return False
        os.killpg(process.pid, signal.SIGKILL)
        return True
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.slow  # three compare processes
def test_compare_killed_during_its_exports_leaves_only_whole_files(tmp_path):
    delays = random.Random(10).sample([0.0, 0.01, 0.03, 0.08, 0.15, 0.3], ROUNDS)
    killed = 0
    for k, delay in enumerate(delays):
        out = tmp_path / f"compare-{k}"
        args = ["compare", "--replications", "2", "--weeks", "20", "--workers", "1"]
        killed += kill_after_first([*args, "--out", str(out)], out, "summary.json", delay)
        assert_whole(out)
    assert killed >= 1  # at least one kill fell during the exports


@pytest.mark.slow  # three killed sweeps, their resumes and a reference
def test_sweep_killed_during_its_exports_resumes_to_the_same_numbers(tmp_path):
    experiment = write(tmp_path / "sweep.yaml", SWEEP)
    reference = tmp_path / "reference"
    assert invoke("sweep", experiment, "--workers", "1", "--out", reference).exit_code == 0
    delays = random.Random(11).sample([0.0, 0.005, 0.02, 0.05, 0.1], ROUNDS)
    killed = 0
    for k, delay in enumerate(delays):
        out = tmp_path / f"sweep-{k}"
        args = ["sweep", str(experiment), "--workers", "1", "--out", str(out)]
        killed += kill_after_first(args, out, SWEEP_EXPORTS[0], delay)
        names = assert_whole(out)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        if manifest["sessions"][-1]["status"] == "complete":
            assert set(SWEEP_EXPORTS) <= names
        result = invoke("sweep", experiment, "--workers", "1", "--out", out, "--resume")
        assert result.exit_code == 0, result.output
        for name in SWEEP_EXPORTS:
            pd.testing.assert_frame_equal(
                pd.read_csv(out / name).drop(columns=["wall_s", "session"], errors="ignore"),
                pd.read_csv(reference / name).drop(columns=["wall_s", "session"], errors="ignore"),
            )
    assert killed >= 1
