"""Small results folders of every kind, made once per test session, for the report tests.

The figure, report, workbook and reader tests read the same folders, as reports do:
made through the command line (``transnum run``, ``compare``, ``sweep``,
``sensitivity`` with Morris and Sobol designs, ``calibrate``), serially, from the
small inputs of :data:`INPUTS` (60 to 120 staff, 40 to 60 weeks, 2 to 3
replications). Each folder is made on first use; tests that change a folder copy it
first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from simulation.cli import main
from simulation.reports.reader import Results, read_results

SMALL = """\
horizon_weeks: 60
overrides: {organisation.total_staff: 60}
replications: 2
seed: 3
"""
"""What the sweep and the sensitivity analyses share: 60 staff, 60 weeks, 2 replications."""
INPUTS: dict[str, str] = {
    # A description starting with "=" checks that the workbook keeps text as text; no
    # internal mobility and a high strain dropout rate, so that staff who left their post
    # show in the pictures as left within 40 weeks.
    "scenario": 'name: Petite commune\ndescription: "=1+1"\nhorizon_weeks: 40\n'
    "organisation:\n  total_staff: 120\nlevers:\n  internal_mobility_capacity: 0\n"
    "behaviour:\n  dropout_strain_rate: 0.05\n",
    "sweep": "name: Small sweep\n"
    + SMALL
    + """\
factors:
  levers.training_capacity: [5, 40]
  rollout.strategy: [big_bang, small_steps]
outcomes: [adoption_final, dropout_share, weeks_to_50pct_adoption, rps_high_person_weeks]
weekly: [adoption]
""",
    "sensitivity": "name: Small sensitivity\n"
    + SMALL
    + """\
factors:
  levers.training_capacity: {low: 1, high: 60}
  behaviour.peer_influence: {low: 0.1, high: 0.5}
design: {samples: 4, levels: 4, seed: 5}
outcomes: [adoption_final, rps_high_person_weeks]
weekly: [adoption]
""",
    "calibration": """\
name: Small calibration
replications: 2
seed: 5
targets:
  - {id: split, source: test, outcome: staff_share_overwhelmed, low: 0.4, high: 0.6,
     overrides: {organisation.total_staff: 80, horizon_weeks: 30}}
  - {id: impossible, source: test, outcome: adoption_final, low: 2.0,
     overrides: {organisation.total_staff: 80, horizon_weeks: 30}}
""",
}
"""The input files of the folders, by name (``scenario`` is a scenario, the others experiments)."""

SERIAL = ("--workers", "1")
COMMANDS: dict[str, tuple[str, ...]] = {
    "run": ("run", "scenario"),
    "compare": ("compare", "scenario", "--replications", "3", *SERIAL),
    "sweep": ("sweep", "sweep", *SERIAL),
    "sensitivity": ("sensitivity", "sensitivity", "--method", "morris", *SERIAL),
    "sobol": ("sensitivity", "sensitivity", "--method", "sobol", *SERIAL),
    "calibrate": ("calibrate", "calibration", *SERIAL),
}
"""Folder -> the command that makes it, the input it reads (second word) and options."""


@pytest.fixture(scope="session")
def inputs() -> dict[str, str]:
    """The input files' texts (to compare the folders' contents with)."""
    return dict(INPUTS)


@pytest.fixture(scope="session")
def _made(tmp_path_factory) -> dict[str, Path]:
    """Folders made so far (filled on demand by :func:`folder_of`)."""
    base = tmp_path_factory.mktemp("results")
    for name, content in INPUTS.items():
        (base / f"{name}.yaml").write_text(content, encoding="utf-8")
    return {"": base}


def folder_of(made: dict[str, Path], kind: str) -> Path:
    """The folder ``kind`` of :data:`COMMANDS`, made by its command the first time."""
    if kind not in made:
        base = made[""]
        command, source, *options = COMMANDS[kind]
        out = base / kind
        argv = [command, str(base / f"{source}.yaml"), *options, "--out", str(out)]
        result = CliRunner().invoke(main, argv, prog_name="transnum")
        assert result.exit_code == 0, result.output
        made[kind] = out
    return made[kind]


@pytest.fixture(scope="session")
def folders(_made) -> dict[str, Path]:
    """Every folder but the Sobol one: run, compare, sweep, sensitivity (Morris), calibrate."""
    return {kind: folder_of(_made, kind) for kind in COMMANDS if kind != "sobol"}


def _read(kind: str, what: str):
    """A session fixture giving the folder ``kind``, read."""

    @pytest.fixture(scope="session")
    def fixture(_made) -> Results:
        return read_results(folder_of(_made, kind))

    fixture.__doc__ = f"The {what} folder, read (to alter it, read it again)."
    return fixture


run = _read("run", "run")
compare = _read("compare", "comparison (three strategies, three replications)")
sweep = _read("sweep", "sweep (2 x 2 points: training capacity, strategy)")
morris = _read("sensitivity", "Morris sensitivity")
sobol = _read("sobol", "Sobol sensitivity")
