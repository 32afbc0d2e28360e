"""Every stored part is verified: damaged batches are named, set aside and run again.

Each batch of a sweep's store records its files' sizes, checksums and row counts in
its commit record. These tests damage batches the ways disks and people do
(truncated, altered in place, removed, commit record lost), and check that readers
refuse them by name, that ``--resume`` sets them aside (never deletes them) and runs
their runs again to the very numbers of an uninterrupted sweep, that
``--stop-if-damaged`` changes nothing, and that a run saved twice is read once.

Sweeps are tiny (40 staff, 12 weeks) and written one run per batch, so that a
folder has many batches to damage.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from helpers import assert_same_dataset, invoke, write

from simulation.experiments import parts
from simulation.experiments.parts import DamagedPartsError, sha256
from simulation.experiments.store import SweepStore, read_runs, read_weekly

TINY = (
    "name: tiny\nhorizon_weeks: 12\noverrides: {organisation.total_staff: 40}\n"
    "replications: 3\nseed: 5\nfactors: {levers.training_capacity: [10, 40]}\n"
    "outcomes: [adoption_final, dropout_share]\nweekly: [adoption, dropout]\n"
)
RUNS = 2 * 3


def sweep(experiment: Path, out: Path, *options: object):
    return invoke("sweep", experiment, "--out", out, "--workers", 1, *options)


@pytest.fixture
def one_run_per_batch(monkeypatch):
    monkeypatch.setattr(SweepStore, "flush_runs", 1)


@pytest.fixture
def reference(tmp_path_factory):
    """The tiny sweep, uninterrupted and undamaged (batches of the default size)."""
    folder = tmp_path_factory.mktemp("reference")
    experiment = write(folder / "tiny.yaml", TINY)
    result = sweep(experiment, folder / "out")
    assert result.exit_code == 0, result.output
    return folder / "out"


@pytest.fixture
def swept(tmp_path, one_run_per_batch):
    """The tiny sweep written one run per batch: (experiment file, results folder)."""
    experiment = write(tmp_path / "tiny.yaml", TINY)
    out = tmp_path / "out"
    result = sweep(experiment, out)
    assert result.exit_code == 0, result.output
    assert len(parts.batches(out)) == RUNS
    return experiment, out


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def alter(path: Path) -> None:
    """Change one byte in the middle of the file (same size: only the checksum tells)."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


# ----------------------------------------------------------------- commit records


def test_each_batch_records_the_size_checksum_and_rows_of_its_files(swept):
    _, out = swept
    assert json.loads((out / "manifest.json").read_text())["store_version"] == 2
    for batch in parts.batches(out):
        record = json.loads((batch / parts.COMMIT).read_text())
        assert record["runs"] == 1
        for name in parts.FILES:
            file = batch / name
            assert record["files"][name]["bytes"] == file.stat().st_size
            assert record["files"][name]["sha256"] == sha256(file)
            assert record["files"][name]["rows"] == pq.read_metadata(file).num_rows
        assert record["files"]["weekly.parquet"]["rows"] == 13  # weeks 0 to 12 of one run


# ----------------------------------------------------------------- readers


@pytest.mark.parametrize(
    ("damage", "expected"),
    [(truncate, "truncated"), (alter, "checksum differs"), (Path.unlink, "missing")],
)
def test_a_reader_refuses_a_damaged_runs_part_by_name(swept, damage, expected):
    _, out = swept
    batch = parts.batches(out)[2]
    damage(batch / "runs.parquet")
    with pytest.raises(DamagedPartsError) as info:
        read_runs(out)
    message = str(info.value)
    assert str(out) in message
    assert f"parts/{batch.name} (runs.parquet: " in message
    assert expected in message
    assert "holding 1 runs" in message
    # The message says how to repair the folder: the sweep's own command, resumed.
    assert "transnum sweep" in message and f"--resume --out {out}" in message
    assert info.value.damaged[0].name == batch.name
    assert batch.exists()  # a reader never moves or deletes anything


def test_a_reader_can_skip_damaged_parts_with_a_warning(swept):
    _, out = swept
    alter(parts.batches(out)[0] / "runs.parquet")
    with pytest.warns(UserWarning, match="damaged parts skipped"):
        runs = read_runs(out, on_damaged="skip")
    assert len(runs) == RUNS - 1


def test_weekly_damage_stops_read_weekly_but_not_read_runs(swept):
    _, out = swept
    batch = parts.batches(out)[4]
    truncate(batch / "weekly.parquet")
    assert len(read_runs(out)) == RUNS  # the runs files are intact
    with pytest.raises(DamagedPartsError, match=f"parts/{batch.name} \\(weekly.parquet: "):
        read_weekly(out)


def test_a_lost_commit_record_is_damage(swept):
    _, out = swept
    batch = parts.batches(out)[1]
    (batch / parts.COMMIT).unlink()
    with pytest.raises(DamagedPartsError, match="commit.json missing or unreadable"):
        read_runs(out)


def test_a_store_without_commit_records_is_read_and_its_unreadable_parts_found(swept):
    """A 0.1 store (no store_version, no commit records) reads; a truncated part is caught."""
    _, out = swept
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["store_version"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    for batch in parts.batches(out):
        (batch / parts.COMMIT).unlink()
    assert len(read_runs(out)) == RUNS
    truncate(parts.batches(out)[3] / "weekly.parquet")
    with pytest.raises(DamagedPartsError, match="not a readable Parquet file"):
        read_weekly(out)


def test_a_run_saved_in_two_batches_is_read_once_from_the_later(swept):
    _, out = swept
    first, *_, last = parts.batches(out)
    shutil.copytree(first, out / "parts" / "0009-000000")  # intact, commit record and all
    runs = read_runs(out)
    weekly = read_weekly(out)
    assert len(runs) == RUNS and runs["run_id"].is_unique
    assert not weekly.duplicated(["run_id", "week"]).any()
    assert len(weekly) == RUNS * 13


def test_a_folder_that_is_not_a_sweep_is_named(tmp_path):
    with pytest.raises(Exception, match="points.parquet is missing or unreadable") as info:
        read_runs(tmp_path)
    assert str(tmp_path) in str(info.value)


# ----------------------------------------------------------------- resume repairs


def test_resume_sets_damaged_parts_aside_and_reruns_them_to_the_same_numbers(swept, reference):
    experiment, out = swept
    batches = parts.batches(out)
    truncate(batches[0] / "runs.parquet")
    alter(batches[3] / "weekly.parquet")
    (batches[5] / "weekly.parquet").unlink()
    result = sweep(experiment, out, "--resume")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    for batch in (batches[0], batches[3], batches[5]):
        assert f"damaged part parts/{batch.name}" in result.stderr
        set_aside = out / "damaged" / batch.name
        assert set_aside.is_dir() and not batch.exists()  # moved, never deleted
        note = json.loads((set_aside / "damage.json").read_text())
        assert note["runs"] == 1 and note["problems"]
    assert "3 runs in" in result.output  # exactly the three damaged runs ran again
    assert_same_dataset(out, reference, exports=True)
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["sessions"][-1]["set_aside"]) == 3


def test_stop_if_damaged_lists_the_parts_and_changes_nothing(swept):
    experiment, out = swept
    batch = parts.batches(out)[2]
    alter(batch / "runs.parquet")
    manifest = (out / "manifest.json").read_text()
    result = sweep(experiment, out, "--resume", "--stop-if-damaged")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"parts/{batch.name} (runs.parquet: checksum differs" in result.stderr
    assert "resume without --stop-if-damaged" in result.stderr
    assert batch.exists() and not (out / "damaged").exists()
    assert (out / "manifest.json").read_text() == manifest  # no session was added
    # Resumed without the flag, the folder is repaired.
    assert sweep(experiment, out, "--resume").exit_code == 0
    assert len(read_runs(out)) == RUNS


def test_stop_if_damaged_needs_resume(tmp_path):
    experiment = write(tmp_path / "tiny.yaml", TINY)
    result = sweep(experiment, tmp_path / "out", "--stop-if-damaged")
    assert result.exit_code == 2
    assert "--stop-if-damaged goes with --resume" in result.output


def test_report_names_the_damaged_part_and_the_repair(swept):
    _, out = swept
    batch = parts.batches(out)[1]
    truncate(batch / "runs.parquet")
    result = invoke("report", out)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"parts/{batch.name}" in result.stderr
    assert "--resume" in result.stderr
