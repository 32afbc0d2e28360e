"""``transnum report`` on damaged or partly written results folders of every kind.

Each damage ends in one message naming the file and what to do (exit status 2, no
traceback), except a sweep stopped before its exports: its report is made from the
Parquet store, with a note.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from conftest import folder_of

from simulation.cli import main
from simulation.reports.reader import read_results


def report(folder: Path) -> Result:
    return CliRunner().invoke(main, ["report", str(folder), "--lang", "en"], prog_name="transnum")


def truncate(size: int) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        path.write_bytes(path.read_bytes()[:size])

    return damage


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def replace_text(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text, encoding="utf-8")


CASES = [
    # kind, file, damage, words the message must hold (besides the file's path)
    ("run", "manifest.json", remove, "no manifest.json"),
    ("run", "manifest.json", truncate(40), "cannot be read"),
    ("run", "summary.json", remove, "is missing"),
    ("run", "summary.json", replace_text("{}"), "no outcome per profile"),
    ("run", "timeseries.parquet", truncate(100), "is damaged"),
    ("run", "schedule.csv", truncate(10), "no column"),
    ("run", "scenario.yaml", remove, "is missing"),
    ("run", "staff.parquet", truncate(50), "is damaged"),
    ("compare", "runs.csv", remove, "is missing"),
    ("compare", "runs.csv", truncate(30), "holds no run"),
    ("compare", "summary.json", replace_text('{"strategies": {}}'), "no strategy"),
    ("compare", "paired.csv", truncate(0), "is damaged"),
    ("calibrate", "calibration.csv", truncate(12), "no column"),
    ("calibrate", "runs.csv", remove, "is missing"),
    ("sweep", "points.parquet", remove, "is missing"),
    ("sweep", "parts", remove, "holds no finished run yet"),
    ("sweep", "experiment.yaml", remove, "is missing"),
    ("sensitivity", "indices.csv", remove, "is missing"),
    ("sensitivity", "indices.csv", truncate(10), "no column"),
]


@pytest.mark.parametrize(
    ("kind", "name", "damage", "words"),
    CASES,
    ids=[f"{k}-{n}-{getattr(d, '__name__', 'edit')}" for k, n, d, _ in CASES],
)
def test_a_damaged_file_is_named_with_what_to_do(_made, tmp_path, kind, name, damage, words):
    folder = shutil.copytree(folder_of(_made, kind), tmp_path / kind)
    damage(folder / name)
    result = report(folder)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert str(folder) in errors[0] and words in errors[0]
    if name != "manifest.json":
        assert str(folder / name) in errors[0]
    if kind in ("sweep", "sensitivity") and name != "experiment.yaml":
        assert f"--resume --out {folder}" in errors[0]
    elif kind in ("run", "compare", "calibrate") and name not in ("manifest.json",):
        assert f"transnum {kind}" in errors[0] and "--out NEW_FOLDER" in errors[0]
        assert f"--out {folder_of(_made, kind)}" not in errors[0]  # not the old folder
    assert not (folder / "report.html").exists()


def test_a_sweep_stopped_before_its_exports_is_reported_from_its_store(_made, tmp_path):
    complete = folder_of(_made, "sweep")
    folder = shutil.copytree(complete, tmp_path / "sweep")
    for name in ("runs.csv", "summary.csv", "paired.csv"):
        (folder / name).unlink()
    result = report(folder)
    assert result.exit_code == 0, result.output
    assert (folder / "report.html").is_file()
    assert "note:" in result.stderr and "summary.csv is missing" in result.stderr
    assert "transnum sweep" in result.stderr and f"--resume --out {folder}" in result.stderr
    # The tables computed from the store are the exports the sweep would have written.
    read, exported = read_results(folder), read_results(complete)
    pd.testing.assert_frame_equal(read.point_summary, exported.point_summary, check_dtype=False)
    pd.testing.assert_frame_equal(read.paired, exported.paired, check_dtype=False)
    assert not exported.notes


def test_a_truncated_export_of_a_sweep_is_computed_again(_made, tmp_path):
    folder = shutil.copytree(folder_of(_made, "sweep"), tmp_path / "sweep")
    truncate(20)(folder / "summary.csv")
    read = read_results(folder)
    assert len(read.point_summary) == len(read_results(folder_of(_made, "sweep")).point_summary)
    assert any("summary.csv is damaged" in note for note in read.notes)


def test_a_damaged_part_of_a_sweep_ends_without_a_traceback(_made, tmp_path):
    folder = shutil.copytree(folder_of(_made, "sweep"), tmp_path / "sweep")
    part = sorted((folder / "parts").glob("*/runs.parquet"))[0]
    truncate(100)(part)
    result = report(folder)
    assert "Traceback" not in result.output
    # Refused with the part named, or (where the store sets damaged parts aside) reported.
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert "parts" in result.stderr and "--resume" in result.stderr
