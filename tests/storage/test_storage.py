"""Atomic writes and the one-writer lock of results folders (simulation/storage/)."""

import io
import os
import signal
import subprocess
import sys
import textwrap
import time

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import pytest
from helpers import hold_folder
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from simulation.storage import (
    FolderBusyError,
    FolderLock,
    csv_bytes,
    replacing,
    save_figure,
    write_csv,
    write_json,
    write_parquet,
    write_text,
)
from simulation.storage.lock import is_busy


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_each_writer_puts_the_whole_file_under_its_name(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "é"]})
    write_csv(frame, tmp_path / "t.csv")
    write_parquet(frame, tmp_path / "t.parquet")
    write_json(tmp_path / "s.json", {"é": 1})
    write_text(tmp_path / "r.html", "<p>é</p>")
    figure = Figure()
    figure.add_subplot().plot([0, 1])
    save_figure(figure, tmp_path / "f.png", dpi=50)
    assert pd.read_csv(tmp_path / "t.csv").equals(frame)
    assert pd.read_parquet(tmp_path / "t.parquet").equals(frame)
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == '{\n  "é": 1\n}\n'
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == "<p>é</p>"
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _leftovers(tmp_path) == []


def test_files_get_the_permissions_of_an_ordinary_open(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    write_text(tmp_path / "a.txt", "x")
    (tmp_path / "b.txt").write_text("x")
    assert (tmp_path / "a.txt").stat().st_mode == (tmp_path / "b.txt").stat().st_mode
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o666 & ~umask


def test_an_error_while_writing_keeps_the_previous_file_and_no_temporary(tmp_path):
    target = tmp_path / "runs.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError, match="disk full"), replacing(target) as tmp:
        tmp.write_text("half of the new")
        raise RuntimeError("disk full")
    assert target.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_a_kill_while_writing_never_leaves_a_truncated_file(tmp_path):
    target = tmp_path / "summary.csv"
    target.write_text("old\n")
    child = textwrap.dedent(
        f"""
        import os, signal
        from simulation.storage import replacing
        with replacing({str(target)!r}) as tmp:
            tmp.write_text("new, half written")
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", child], check=False)
    assert result.returncode == -signal.SIGKILL
    assert target.read_text() == "old\n"  # never the half-written new content
    # The temporary file of the killed writer is hidden beside it.
    assert all(name.startswith(".summary.csv.") for name in _leftovers(tmp_path))


def test_a_second_writer_is_refused_at_once_naming_the_folder_and_the_process(tmp_path):
    holder = hold_folder(tmp_path, "transnum sweep e.yaml")
    try:
        start = time.monotonic()
        with pytest.raises(FolderBusyError) as refused:
            FolderLock(tmp_path, command="transnum sweep e.yaml --resume").acquire()
        assert time.monotonic() - start < 2  # refused, not waited for
        message = str(refused.value)
        assert str(tmp_path) in message
        assert f"process {holder.pid}" in message
        assert "transnum sweep e.yaml" in message
        assert isinstance(is_busy(tmp_path), FolderBusyError)
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_left_by_a_killed_process_never_blocks_the_next_writer(tmp_path):
    holder = hold_folder(tmp_path, "transnum sweep e.yaml")
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert is_busy(tmp_path) is None
    with FolderLock(tmp_path, command="transnum sweep e.yaml --resume") as lock:
        assert lock.held
        assert lock.owner()["pid"] == os.getpid()
    assert not lock.held
    assert list(tmp_path.iterdir()) == []  # the stale holder's note is gone with the lock


def test_a_folder_nobody_writes_is_not_busy(tmp_path):
    assert is_busy(tmp_path) is None
    with FolderLock(tmp_path):
        pass
    assert is_busy(tmp_path) is None


def test_csv_bytes_read_back_to_the_same_table_written_plainly():
    frame = pd.DataFrame(
        {
            "name": ["a", "b", "c", "d"],
            "x": [0.1, float("nan"), 1e-05, 500.0],
            "y": [-0.0, 1 / 3, 2.5e300, -7.0],
            "n": [1, 2, 3, 4],
        }
    )
    data = csv_bytes(frame)
    assert data.splitlines() == [
        b"name,x,y,n",
        b"a,0.1,0,1",  # -0.0 written 0
        b"b,,0.3333333333333333,2",  # a missing value: an empty field
        b"c,0.00001,2.5e+300,3",
        b"d,500,-7,4",  # no trailing .0
    ]
    back = pd.read_csv(io.BytesIO(data))
    pd.testing.assert_frame_equal(back, frame.assign(y=frame["y"] + 0.0), check_exact=True)


def test_csv_bytes_quote_text_only_where_a_reader_needs_it():
    frame = pd.DataFrame({"a name, with a comma": ["plain", 'b,"c"'], "x": [1.5, 2.0]})
    data = csv_bytes(frame)
    assert data.splitlines()[0] == b'"a name, with a comma",x'
    back = pd.read_csv(io.BytesIO(data))
    assert back.columns.tolist() == ["a name, with a comma", "x"]
    assert back["a name, with a comma"].tolist() == ["plain", 'b,"c"']
    assert csv_bytes(frame.iloc[:1]).splitlines()[1] == b"plain,1.5"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=False), min_size=1, max_size=30))
def test_csv_bytes_keep_every_number_exactly(values):
    for frame in (pd.DataFrame({"x": values}), pd.DataFrame({"x": values, "y": values})):
        back = pd.read_csv(io.BytesIO(csv_bytes(frame)), dtype=float)
        assert len(back) == len(values)  # a row of missing values is not a blank line
        expected = frame["x"] + 0.0
        assert back["x"].isna().tolist() == expected.isna().tolist()
        assert back["x"].dropna().tolist() == expected.dropna().tolist()
