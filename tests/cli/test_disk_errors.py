"""A full, read-only or forbidden disk ends every writing command in one message, exit 1.

The disk faults are injected where the files are written (the atomic writers'
``os.replace``, the sweep store's Parquet writer, the folder's creation); where the
test can mount a small tmpfs in its own mount namespace (``unshare``), a real full
and a real read-only file system are tried too.
"""

from __future__ import annotations

import errno
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import Result
from helpers import invoke, write

import simulation.storage.atomic as atomic

SMALL = "name: Petite commune\norganisation:\n  total_staff: 60\nhorizon_weeks: 20\n"
SWEEP = """\
name: Small sweep
horizon_weeks: 20
overrides: {organisation.total_staff: 60}
replications: 2
factors:
  levers.training_capacity: [5, 40]
weekly: [adoption]
"""
MORRIS = """\
name: Small Morris
horizon_weeks: 20
overrides: {organisation.total_staff: 60}
replications: 1
factors:
  levers.training_capacity: {low: 1, high: 60}
design: {method: morris, samples: 2, levels: 4}
outcomes: [adoption_final]
weekly: [adoption]
"""
CALIBRATION = """\
name: Small calibration
replications: 2
seed: 5
targets:
  - {id: split, source: test, outcome: staff_share_overwhelmed, low: 0.4, high: 0.6,
     overrides: {organisation.total_staff: 60, horizon_weeks: 20}}
"""


def assert_environment_error(result: Result, *words: str) -> None:
    """Exit status 1, one ``error:`` line naming ``words``, and no traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], errors[0]


def no_space_for(monkeypatch, name: str, code: int = errno.ENOSPC) -> None:
    """Make the atomic writers fail with ``code`` when they put ``name`` in place."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst).name == name:
            raise OSError(code, os.strerror(code))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "replace", replace)


def no_hidden_leftovers(folder: Path) -> bool:
    return not [p for p in folder.rglob(".*.part")]


# --------------------------------------------------------------------------- run, compare


def test_run_on_a_full_disk_names_the_file_and_what_was_kept(tmp_path, monkeypatch):
    no_space_for(monkeypatch, "figure.png")
    out = tmp_path / "out"
    result = invoke("run", write(tmp_path / "s.yaml", SMALL), "--out", out)
    assert_environment_error(
        result, str(out / "figure.png"), "no space left on device", "summary.json", "--out"
    )
    assert (out / "summary.json").is_file()  # what was written before stays
    assert not (out / "figure.png").exists() and no_hidden_leftovers(out)


def test_compare_on_a_full_disk_keeps_the_files_already_written(tmp_path, monkeypatch):
    no_space_for(monkeypatch, "runs.csv")
    out = tmp_path / "out"
    file = write(tmp_path / "s.yaml", SMALL)
    result = invoke("compare", file, "--replications", 2, "--workers", 1, "--out", out)
    assert_environment_error(result, str(out / "runs.csv"), "no space left on device")
    assert json.loads((out / "summary.json").read_text())["replications"] == 2
    assert not (out / "runs.csv").exists() and no_hidden_leftovers(out)


def test_run_into_a_folder_it_may_not_create(tmp_path, monkeypatch):
    out = tmp_path / "forbidden" / "out"
    real = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if self == out:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    result = invoke("run", write(tmp_path / "s.yaml", SMALL), "--out", out)
    assert_environment_error(result, str(out), "permission denied", "choose a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_run_into_a_read_only_folder(tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        result = invoke("run", write(tmp_path / "s.yaml", SMALL), "--out", parent / "out")
    finally:
        parent.chmod(0o755)
    assert_environment_error(result, str(parent / "out"), "permission denied")


def test_calibrate_on_a_full_disk(tmp_path, monkeypatch):
    no_space_for(monkeypatch, "calibration.csv")
    out = tmp_path / "out"
    file = write(tmp_path / "c.yaml", CALIBRATION)
    result = invoke("calibrate", file, "--workers", 1, "--out", out)
    assert_environment_error(result, str(out / "calibration.csv"), "no space left on device")


def test_init_on_a_full_disk(tmp_path, monkeypatch):
    no_space_for(monkeypatch, "services.csv")
    result = invoke("init", tmp_path / "mine")
    assert_environment_error(
        result, str(tmp_path / "mine" / "services.csv"), "no space left on device"
    )
    assert no_hidden_leftovers(tmp_path / "mine")


# --------------------------------------------------------------------------- report


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("run")
    result = invoke("run", write(base / "s.yaml", SMALL), "--out", base / "out")
    assert result.exit_code == 0, result.output
    return base / "out"


def test_report_into_a_read_only_folder_says_to_write_it_elsewhere(
    run_folder, tmp_path, monkeypatch
):
    folder = tmp_path / "results"
    shutil.copytree(run_folder, folder)
    no_space_for(monkeypatch, ".transnum.writer.json", errno.EROFS)
    result = invoke("report", folder, "--lang", "en")
    assert_environment_error(result, str(folder), "read-only file system", "--out FILE")
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in run_folder.iterdir())


def test_report_that_cannot_be_renamed_into_place(run_folder, tmp_path):
    folder = tmp_path / "results"
    shutil.copytree(run_folder, folder)
    (folder / "report.html").mkdir()  # a folder where the report goes: no rename onto it
    result = invoke("report", folder, "--lang", "en")
    assert_environment_error(result, str(folder / "report.html"), "is a directory", "--out FILE")
    assert no_hidden_leftovers(folder)


# --------------------------------------------------------------------------- sweep, sensitivity


def test_sweep_whose_exports_do_not_fit_resumes_to_the_full_tables(tmp_path, monkeypatch):
    file = write(tmp_path / "e.yaml", SWEEP)
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        no_space_for(patch, "runs.csv")
        result = invoke("sweep", file, "--workers", 1, "--out", out)
    assert_environment_error(
        result, str(out / "runs.csv"), "no space left", f"sweep {file} --resume --out {out}"
    )
    assert list((out / "parts").iterdir())  # every run is saved
    statuses = [s["status"] for s in json.loads((out / "manifest.json").read_text())["sessions"]]
    assert statuses == ["interrupted"]
    again = invoke("sweep", file, "--workers", 1, "--resume", "--out", out)
    assert again.exit_code == 0, again.output
    assert "0 runs in" in again.output  # nothing ran twice
    assert len(pd.read_csv(out / "runs.csv")) == 4


def test_sweep_whose_runs_do_not_fit_names_the_folder_and_how_to_go_on(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    real = pq.write_table

    def full(table, where, *args, **kwargs):
        if Path(str(where)).parent.name.startswith(".tmp-"):  # a batch of runs, not the points
            raise OSError(errno.ENOSPC, "Error writing bytes to file")  # pyarrow names no file
        return real(table, where, *args, **kwargs)

    file = write(tmp_path / "e.yaml", SWEEP)
    out = tmp_path / "out"
    monkeypatch.setattr(pq, "write_table", full)
    result = invoke("sweep", file, "--workers", 1, "--out", out)
    assert_environment_error(result, str(out), "no space left on device", "--resume --out")
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert [s["status"] for s in sessions] == ["interrupted"]


def test_sweep_into_a_read_only_disk_leaves_no_folder(tmp_path, monkeypatch):
    import simulation.experiments.store as store

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(store.shutil, "copyfile", read_only)
    out = tmp_path / "out"
    result = invoke("sweep", write(tmp_path / "e.yaml", SWEEP), "--workers", 1, "--out", out)
    assert_environment_error(result, f"{out}: cannot be written: read-only file system")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.yaml"]


def test_sensitivity_whose_indices_do_not_fit_says_how_to_write_them(tmp_path, monkeypatch):
    no_space_for(monkeypatch, "indices.csv")
    file = write(tmp_path / "m.yaml", MORRIS)
    out = tmp_path / "out"
    result = invoke("sensitivity", file, "--workers", 1, "--out", out)
    assert_environment_error(
        result,
        str(out / "indices.csv"),
        f"sensitivity {file} --method morris --resume --out {out}",
    )


# --------------------------------------------------------------------------- a real tmpfs

_UNSHARE = shutil.which("unshare")


def _in_tmpfs(tmp_path: Path, options: str, *argv: object) -> subprocess.CompletedProcess:
    """Run ``transnum ARGV`` with ``tmp_path/disk`` a tmpfs of ``options``, in its own namespace."""
    disk = tmp_path / "disk"
    disk.mkdir(exist_ok=True)
    words = " ".join(shlex.quote(str(a)) for a in (sys.executable, "-m", "simulation", *argv))
    script = f"mount -t tmpfs -o {options} tmpfs {shlex.quote(str(disk))} && exec {words}"
    return subprocess.run(
        [_UNSHARE, "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=300
    )


def _can_mount(tmp_path: Path) -> bool:
    if _UNSHARE is None:
        return False
    probe = subprocess.run(
        [_UNSHARE, "-rm", "sh", "-c", f"mount -t tmpfs tmpfs '{tmp_path}'"], capture_output=True
    )
    return probe.returncode == 0


@pytest.fixture
def mountable(tmp_path):
    if not _can_mount(tmp_path):
        pytest.skip("cannot mount a tmpfs in a user namespace here")


def test_run_on_a_real_full_tmpfs(tmp_path, mountable):
    file = write(tmp_path / "s.yaml", SMALL)
    done = _in_tmpfs(tmp_path, "size=64k", "run", file, "--out", tmp_path / "disk" / "out")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "no space left on device" in done.stderr
    assert str(tmp_path / "disk" / "out") in done.stderr


def test_sweep_on_a_real_read_only_tmpfs(tmp_path, mountable):
    file = write(tmp_path / "e.yaml", SWEEP)
    out = tmp_path / "disk" / "out"
    done = _in_tmpfs(tmp_path, "ro", "sweep", file, "--workers", "1", "--out", out)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{out}: cannot be written: read-only file system" in done.stderr
