"""``--scheduler`` that cannot work: one message, exit 1 or 2, and no folder or session left."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import Result
from helpers import invoke, write

from simulation.experiments import executors

SMALL = "name: Petite commune\norganisation:\n  total_staff: 60\nhorizon_weeks: 10\n"
SWEEP = """\
name: Small sweep
horizon_weeks: 10
overrides: {organisation.total_staff: 60}
replications: 1
factors:
  levers.training_capacity: [5, 40]
weekly: [adoption]
"""


def one_error(result: Result, status: int, *words: str) -> str:
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output
    assert result.stderr.count("rror") == 1, result.stderr  # "error:" or click's "Error:"
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT_S", 1)


@pytest.mark.parametrize("address", ["foo", "tcp://", "http://x:y"])
@pytest.mark.parametrize("command", ["sweep", "sensitivity", "compare"])
def test_a_malformed_address_is_bad_input_and_makes_no_folder(tmp_path, command, address):
    file = write(tmp_path / "in.yaml", SMALL if command == "compare" else SWEEP)
    result = invoke(command, file, "--scheduler", address, "--out", tmp_path / "out")
    one_error(result, 2, "--scheduler", repr(address))
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_leaves_no_sweep_folder(tmp_path, short_timeout):
    file = write(tmp_path / "e.yaml", SWEEP)
    out = tmp_path / "out"
    result = invoke("sweep", file, "--scheduler", "tcp://127.0.0.1:1", "--out", out)
    one_error(result, 1, "tcp://127.0.0.1:1", "within 1 s")
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.yaml"]  # no staging folder either


def test_an_unreachable_scheduler_on_resume_records_no_session(tmp_path, short_timeout):
    file = write(tmp_path / "e.yaml", SWEEP)
    out = tmp_path / "out"
    assert invoke("sweep", file, "--workers", 1, "--out", out).exit_code == 0
    before = json.loads((out / "manifest.json").read_text())["sessions"]
    result = invoke("sweep", file, "--scheduler", "tcp://127.0.0.1:1", "--resume", "--out", out)
    one_error(result, 1, "tcp://127.0.0.1:1")
    after = json.loads((out / "manifest.json").read_text())["sessions"]
    assert after == before and all(s["status"] != "running" for s in after)


def test_an_unreachable_scheduler_leaves_no_compare_folder(tmp_path, short_timeout):
    file = write(tmp_path / "s.yaml", SMALL)
    out = tmp_path / "out"
    result = invoke("compare", file, "--scheduler", "tcp://127.0.0.1:1", "--out", out)
    one_error(result, 1, "tcp://127.0.0.1:1", "leave out --scheduler")
    assert not out.exists()


def test_an_existing_empty_out_folder_stays_empty(tmp_path, short_timeout):
    file = write(tmp_path / "s.yaml", SMALL)
    out = tmp_path / "out"
    out.mkdir()
    result = invoke("compare", file, "--scheduler", "tcp://127.0.0.1:1", "--out", out)
    one_error(result, 1, "tcp://127.0.0.1:1")
    assert out.is_dir() and not list(out.iterdir())


@pytest.mark.parametrize("command", ["sweep", "compare"])
def test_local_scheduler_without_distributed(tmp_path, monkeypatch, command):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    file = write(tmp_path / "in.yaml", SMALL if command == "compare" else SWEEP)
    out = tmp_path / "out"
    result = invoke(command, file, "--scheduler", "local", "--out", out)
    one_error(result, 1, "'distributed' package", "pip install 'transnum[distributed]'")
    assert not out.exists()
