"""Tests of simulation/scenario/footprint.py: the memory one run needs, and the refusal.

The estimate is checked against the peak resident memory of ``transnum run`` measured
in a fresh process (not timed), and a scenario beyond the limit is refused at once by
every command, with the estimate, the limit and the fields in the message.
"""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pytest
from helpers import invoke, write

from simulation.experiments.runner import snapshot_weeks
from simulation.model.network import build_staff_network
from simulation.scenario import footprint
from simulation.scenario.footprint import (
    LIMIT_VARIABLE,
    check_fits,
    estimate,
    memory_limit,
    parse_size,
    snapshot_count,
    tie_count,
)
from simulation.scenario.loading import scenario_from_text
from simulation.scenario.records import Scenario

TOLERANCE = (1.0, 1.5)
"""The estimate lies between the measured peak and 1.5 times it."""

# The memory of `transnum run FILE` in a process of its own: a wrapper whose only child
# it is reads the child's peak resident set size (Linux: KB).
_PEAK = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
assert done.returncode == 0, done.stderr.decode()
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""

SIZES = {
    "40,000 staff": "organisation:\n  total_staff: 40000\n",
    "200 services x 800 weeks": (
        "horizon_weeks: 800\norganisation:\n  services:\n"
        + "".join(f"    - {{name: s{i}, headcount: 4}}\n" for i in range(200))
        + "  relations: []\ntools:\n  - {name: t, samr: substitution, services: all}\n"
    ),
}


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KB is Linux's convention")
@pytest.mark.slow  # one run of up to 40,000 staff in a process of its own
@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_estimate_is_within_its_tolerance_of_the_measured_peak(tmp_path, size):
    scenario_file = write(tmp_path / "s.yaml", SIZES[size])
    transnum = [sys.executable, "-m", "simulation"]
    command = [*transnum, "run", str(scenario_file), "--out", str(tmp_path / "out")]
    peak = int(subprocess.check_output([sys.executable, "-c", _PEAK, *command], text=True))
    estimated = estimate(scenario_from_text(SIZES[size])).bytes
    low, high = TOLERANCE
    assert low * peak <= estimated <= high * peak, (size, peak / 2**20, estimated / 2**20)


@pytest.mark.parametrize("weeks", [1, 4, 12, 13, 14, 26, 156, 1000])
def test_snapshot_count_follows_the_runs_snapshot_weeks(weeks):
    assert snapshot_count(weeks) == len(snapshot_weeks(weeks))


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"organisation.team_size": 1, "organisation.ties_within_service": 0},
        {"organisation.team_size": 25, "organisation.ties_across_services": 5.0},
        {"organisation.total_staff": 3000, "organisation.ties_within_service": 30.0},
    ],
)
def test_tie_count_bounds_the_ties_drawn(changes):
    scenario = Scenario().override(changes)
    for seed in range(3):
        network = build_staff_network(scenario.organisation, np.random.default_rng(seed))
        drawn = network.adjacency.nnz // 2
        assert drawn <= tie_count(scenario) <= 1.5 * drawn + 50


def test_each_field_moves_the_estimate():
    base = estimate(Scenario()).bytes
    for changes in (
        {"organisation.total_staff": 5000},
        {"horizon_weeks": 5000},
        {"organisation.team_size": 40},
        {"organisation.ties_within_service": 50.0},
    ):
        assert estimate(Scenario().override(changes)).bytes > base, changes
    assert estimate(Scenario(), snapshots=False).bytes < base


@pytest.mark.parametrize(
    ("text", "size"),
    [("8G", 8 * 2**30), ("500M", 500 * 2**20), ("1.5GB", int(1.5 * 2**30)), ("2048", 2048)],
)
def test_sizes_in_the_limit_variable(text, size):
    assert parse_size(text) == size


def test_the_limit_is_the_variable_or_what_the_machine_has(monkeypatch):
    psutil = pytest.importorskip("psutil")
    monkeypatch.delenv(LIMIT_VARIABLE, raising=False)
    limit, origin = memory_limit()
    assert limit is not None and 0 < limit <= psutil.virtual_memory().total
    assert "available" in origin
    monkeypatch.setenv(LIMIT_VARIABLE, "3G")
    assert memory_limit()[0] == 3 * 2**30
    monkeypatch.setenv(LIMIT_VARIABLE, "none")
    assert memory_limit()[0] is None
    check_fits(Scenario().override({"organisation.total_staff": 10_000_000}))  # unchecked


HUGE = "name: huge\norganisation:\n  total_staff: 10000000\n  team_size: 50\n"


@pytest.mark.parametrize("command", ["validate", "run", "compare"])
def test_a_huge_scenario_is_refused_at_once_with_the_estimate(tmp_path, monkeypatch, command):
    monkeypatch.setenv(LIMIT_VARIABLE, "16G")
    scenario_file = write(tmp_path / "huge.yaml", HUGE)
    args = [command, scenario_file] + ([] if command == "validate" else ["--out", tmp_path / "o"])
    start = time.perf_counter()
    result = invoke(*args)
    assert time.perf_counter() - start < 5
    assert result.exit_code == 2, result.output
    expected = footprint.gigabytes(estimate(scenario_from_text(HUGE)).bytes)
    message = result.output
    assert f"{scenario_file}: one run needs about {expected} of memory" in message
    assert "16.0 GB allowed by TRANSNUM_MEMORY_LIMIT=16G" in message
    assert "organisation.team_size" in message and "organisation.total_staff" in message
    assert "Traceback" not in message
    assert not (tmp_path / "o").exists()


def test_command_line_options_are_counted_and_named(tmp_path, monkeypatch):
    monkeypatch.setenv(LIMIT_VARIABLE, "450M")
    assert invoke("validate", write(tmp_path / "s.yaml", "name: x\n")).exit_code == 0
    result = invoke("run", tmp_path / "s.yaml", "--weeks", "20000", "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "with command-line options: one run needs about" in result.output
    assert "horizon_weeks" in result.output


def test_an_experiment_is_refused_by_its_largest_point(tmp_path, monkeypatch):
    monkeypatch.setenv(LIMIT_VARIABLE, "2G")
    experiment = write(
        tmp_path / "e.yaml",
        "name: sizes\nreplications: 1\nfactors:\n  organisation.total_staff: [100, 2000000]\n",
    )
    result = invoke("sweep", experiment, "--out", tmp_path / "o")
    assert result.exit_code == 2, result.output
    assert f"{experiment} (point 1): one run needs about" in result.output
    assert not (tmp_path / "o").exists()


def test_local_workers_are_as_many_as_memory_holds(monkeypatch, capsys):
    from simulation.cli.options import workers_that_fit

    one_run = estimate(Scenario())
    monkeypatch.setenv(LIMIT_VARIABLE, str(3 * one_run.bytes))  # the command and two workers
    assert workers_that_fit(4, one_run) == 2
    assert "note: 2 worker(s), not 4" in capsys.readouterr().err
    assert workers_that_fit(2, one_run) == 2
    monkeypatch.setenv(LIMIT_VARIABLE, str(one_run.bytes))  # one run, in the command itself
    assert workers_that_fit(4, one_run) == 1
    monkeypatch.setenv(LIMIT_VARIABLE, "none")
    assert workers_that_fit(64, one_run) == 64
