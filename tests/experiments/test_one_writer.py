"""One writer per results folder: a second writer is refused at once, a dead one never blocks.

A holder process takes a folder's lock (as a running sweep or compare does), then the
commands are run against the same folder: each must stop before writing anything,
with exit status 1 and a message naming the folder and the holder.
"""

from __future__ import annotations

import json
import signal

import pandas as pd
from helpers import hold_folder, invoke, write

from simulation.storage.lock import OWNER_FILE

TINY = (
    "name: tiny\nhorizon_weeks: 12\noverrides: {organisation.total_staff: 40}\n"
    "replications: 2\nfactors: {levers.training_capacity: [10, 40]}\n"
    "outcomes: [adoption_final]\nweekly: [adoption]\n"
)


def _assert_busy(result, folder, holder):
    assert result.exit_code == 1, result.output
    assert "results folder in use" in result.stderr
    assert str(folder) in result.stderr
    assert f"process {holder.pid}" in result.stderr
    assert "Traceback" not in result.output


def _sweep(experiment, out, *options):
    return invoke("sweep", experiment, "--out", out, "--workers", 1, *options)


def test_a_second_resume_is_refused_and_the_folder_keeps_exactly_its_runs(tmp_path):
    experiment = write(tmp_path / "tiny.yaml", TINY)
    out = tmp_path / "sweep"
    assert _sweep(experiment, out).exit_code == 0
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    runs = pd.read_csv(out / "runs.csv")
    holder = hold_folder(out)
    try:
        _assert_busy(_sweep(experiment, out, "--resume"), out, holder)
        # Refused before reading anything: no session was added, nothing was exported.
        assert (out / "manifest.json").read_text(encoding="utf-8") == manifest
        _assert_busy(invoke("report", out), out, holder)
        assert not (out / "rapport.html").exists()
    finally:
        holder.send_signal(signal.SIGKILL)  # dies holding the lock
        holder.wait()
    # The dead holder's lock never blocks: the resume runs nothing (all runs are there).
    result = _sweep(experiment, out, "--resume")
    assert result.exit_code == 0, result.output
    assert "0 runs in" in result.output
    again = pd.read_csv(out / "runs.csv")
    assert len(again) == len(runs) == 4
    assert again["run_id"].is_unique
    assert sorted(again["run_id"]) == sorted(runs["run_id"])
    sessions = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["sessions"]
    assert [s["status"] for s in sessions] == ["complete", "complete"]
    assert not (out / OWNER_FILE).exists()  # the stale holder's note left with its lock


def test_a_compare_into_a_folder_another_process_writes_is_refused(tmp_path):
    out = tmp_path / "compare"
    out.mkdir()
    holder = hold_folder(out)
    try:
        result = invoke("compare", "--replications", 2, "--weeks", 5, "--out", out)
        _assert_busy(result, out, holder)
        assert sorted(p.name for p in out.iterdir()) == [OWNER_FILE]  # the holder's only
    finally:
        holder.kill()
        holder.wait()


def test_a_finished_command_leaves_no_lock_behind(tmp_path):
    out = tmp_path / "run"
    result = invoke("run", "--weeks", 5, "--out", out)
    assert result.exit_code == 0, result.output
    assert not any(p.name.startswith(".transnum") for p in out.iterdir())
