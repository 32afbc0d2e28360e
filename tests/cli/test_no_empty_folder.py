"""A command that cannot start leaves no empty results folder behind.

run, compare, calibrate, sweep and sensitivity: a bad scenario, a scenario refused
for memory, an executor that fails or Ctrl-C before the first result leave no folder
(nor the parent folders made for it); a folder that existed before is left as it was,
and a sweep interrupted after some runs keeps them.
"""

from __future__ import annotations

import pytest
from helpers import invoke, write

from simulation.experiments import calibration, executors, runner, sweep

SWEEP = (
    "name: tiny\nreplications: 2\nhorizon_weeks: 6\n"
    "factors:\n  rollout.strategy: [big_bang, small_steps]\n"
)
SENSITIVITY = (
    "name: tiny\nreplications: 1\nhorizon_weeks: 6\ndesign: {method: morris, samples: 2}\n"
    "factors:\n  levers.training_capacity: {low: 10, high: 60}\n"
)
CALIBRATION = "experiments/calibration.yaml"


def boom(*args, **kwargs):
    raise RuntimeError("the executor could not start")


def interrupt(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("failure", [boom, interrupt])
@pytest.mark.parametrize(
    ("command", "module", "name"),
    [
        ("run", runner, "run_scenario"),
        ("compare", runner, "compare_strategies"),
        ("calibrate", calibration, "run_calibration"),
    ],
)
def test_a_failure_before_the_first_result_removes_the_folder(
    tmp_path, monkeypatch, command, module, name, failure
):
    monkeypatch.setattr(module, name, failure)
    args = [CALIBRATION] if command == "calibrate" else []
    out = tmp_path / "made" / "for" / "it"
    result = invoke(command, *args, "--out", out)
    assert result.exit_code != 0
    assert not (tmp_path / "made").exists()  # nor the parents made for it


def test_the_default_folder_and_results_base_are_removed_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runner, "run_scenario", boom)
    assert invoke("run").exit_code != 0
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_existed_before_stays(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "run_scenario", boom)
    (tmp_path / "given").mkdir()
    assert invoke("run", "--out", tmp_path / "given").exit_code != 0
    assert (tmp_path / "given").is_dir() and not list((tmp_path / "given").iterdir())


@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_bad_scenario_or_option_makes_no_folder(tmp_path, command):
    bad = write(tmp_path / "bad.yaml", "levers: {training_capacity: lots}\n")
    assert invoke(command, bad, "--out", tmp_path / "o").exit_code == 2
    assert invoke(command, "--weeks", "0", "--out", tmp_path / "o").exit_code == 2
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(("command", "text"), [("sweep", SWEEP), ("sensitivity", SENSITIVITY)])
def test_an_executor_that_cannot_start_makes_no_sweep_folder(tmp_path, monkeypatch, command, text):
    monkeypatch.setattr(executors, "open_executor", boom)
    experiment = write(tmp_path / "e.yaml", text)
    result = invoke(command, experiment, "--workers", "1", "--out", tmp_path / "made" / "o")
    assert result.exit_code != 0
    assert not (tmp_path / "made").exists()


@pytest.mark.parametrize(("command", "text"), [("sweep", SWEEP), ("sensitivity", SENSITIVITY)])
def test_ctrl_c_before_the_first_run_leaves_no_sweep_folder(tmp_path, monkeypatch, command, text):
    monkeypatch.setattr(sweep, "run_experiment", interrupt)
    experiment = write(tmp_path / "e.yaml", text)
    result = invoke(command, experiment, "--workers", "1", "--out", tmp_path / "o")
    assert result.exit_code == 130
    assert "nothing to keep" in result.output
    assert not (tmp_path / "o").exists()


def test_ctrl_c_after_some_runs_keeps_them_for_resume(tmp_path, monkeypatch):
    real = sweep.run_experiment

    def run_one_then_interrupt(experiment, points, store, executor, **options):
        on_record = options["on_record"]

        def interrupt_after(record):  # Ctrl-C once the first run is recorded
            on_record(record)
            raise KeyboardInterrupt

        options = {**options, "on_record": interrupt_after}
        return real(experiment, points, store, executor, **options)

    monkeypatch.setattr(sweep, "run_experiment", run_one_then_interrupt)
    experiment = write(tmp_path / "e.yaml", SWEEP)
    out = tmp_path / "o"
    result = invoke("sweep", experiment, "--workers", "1", "--out", out)
    assert result.exit_code == 130
    assert "continue with --resume" in result.output
    assert list((out / "parts").iterdir())  # the finished run is saved
    monkeypatch.setattr(sweep, "run_experiment", real)
    result = invoke("sweep", experiment, "--workers", "1", "--out", out, "--resume")
    assert result.exit_code == 0, result.output
