"""Helpers shared by the test modules: small input files and the ``transnum`` command.

``tests/`` is on the import path (``pythonpath`` in pyproject.toml), so a test module
imports these with ``from helpers import ...``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner, Result

from simulation.cli import main
from simulation.scenario.errors import ScenarioError


def write(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path``, creating its folder; return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: object) -> Result:
    """Run ``transnum ARGS...`` in this process; each argument is passed as text."""
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="transnum")


class Ran(NamedTuple):
    """What one command made: its result, its results folder and its input file."""

    result: Result
    out: Path
    file: Path


def run_on_file(folder: Path, command: str, file_name: str, text: str, *options: object) -> Ran:
    """Write ``text`` to ``folder/file_name``, then run ``transnum COMMAND FILE OPTIONS``.

    The results go to ``folder/out`` (``--out``, after the options).
    """
    file = write(folder / file_name, text)
    out = folder / "out"
    return Ran(invoke(command, file, *options, "--out", out), out, file)


def scenario_error(load: Callable[[Any], object], source: Any) -> ScenarioError:
    """The :class:`ScenarioError` that ``load(source)`` raises (the test fails if none)."""
    with pytest.raises(ScenarioError) as info:
        load(source)
    return info.value


_HOLDER = """
import sys, time
from simulation.storage import FolderLock
lock = FolderLock(sys.argv[1], command=sys.argv[2]).acquire()
print("held", flush=True)
time.sleep(120)
"""


def hold_folder(folder: Path, command: str = "transnum sweep other.yaml --resume"):
    """Start a process that holds ``folder``'s writer lock (as a running sweep would).

    Returns the ``subprocess.Popen`` once the lock is held; kill it to end the hold.
    """
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(folder), command], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def comparable(folder: Path, exports: bool = False) -> tuple:
    """A sweep folder's runs and weekly tables without what differs between sessions.

    Wall times and session numbers are dropped; with ``exports``, the exported
    ``runs.csv`` (likewise) comes third.
    """
    import pandas as pd

    from simulation.experiments.store import read_runs, read_weekly

    drop = ["wall_s", "session"]
    tables = (read_runs(folder).drop(columns=drop), read_weekly(folder))
    if exports:
        tables += (pd.read_csv(folder / "runs.csv").drop(columns=drop),)
    return tables


def assert_same_dataset(folder: Path, reference: Path, exports: bool = False) -> None:
    """The two sweep folders hold the same runs and weekly series, number for number."""
    import pandas as pd

    got, expected = comparable(folder, exports), comparable(reference, exports)
    for table, wanted in zip(got, expected, strict=True):
        pd.testing.assert_frame_equal(table, wanted)
