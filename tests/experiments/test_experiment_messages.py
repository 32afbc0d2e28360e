"""Messages of bad experiment files name what the file says: the bound, the method, the choices.

A range is checked by its bounds before anything is sampled, so a message never
quotes a sampled value that appears nowhere in the file.
"""

from __future__ import annotations

import re

import pytest
from helpers import scenario_error, write

from simulation.experiments.experiment import load_experiment
from simulation.experiments.sensitivity import sample
from simulation.scenario.records import Scenario

HEAD = "name: x\nreplications: 1\nhorizon_weeks: 10\n"


def experiment_error(tmp_path, body: str):
    return scenario_error(load_experiment, write(tmp_path / "e.yaml", HEAD + body))


def numbers_in(text: str) -> set[str]:
    return set(re.findall(r"-?\d+\.\d+", text))


@pytest.mark.parametrize(
    ("factor", "low", "high", "bad", "bound"),
    [
        ("levers.referent_share", 0.2, 1.5, "high", "1.5"),
        ("levers.training_capacity", -5, 10, "low", "-5"),
        ("behaviour.fear_of_failure", 0.1, 3, "high", "3"),  # a per-profile parameter
    ],
)
def test_a_range_out_of_the_field_s_bounds_names_the_bound(tmp_path, factor, low, high, bad, bound):
    body = f"factors:\n  {factor}: {{low: {low}, high: {high}}}\ndesign: {{samples: 8}}\n"
    error = experiment_error(tmp_path, body)
    assert error.path == f"factors.{factor}.{bad}"
    assert f"{bad} bound: {bound}" in error.problem
    assert "in the point" not in error.problem
    assert numbers_in(error.problem) <= {f"{float(bound)}", "0.5"}  # no sampled value


def test_a_range_on_a_choice_says_to_give_a_list(tmp_path):
    error = experiment_error(tmp_path, "factors:\n  rollout.strategy: {low: 0, high: 1}\n")
    assert error.path == "factors.rollout.strategy"
    assert "give its values as a list" in error.problem and "'big_bang'" in error.problem
    assert not numbers_in(error.problem)


def test_a_range_on_an_unknown_parameter_quotes_no_point(tmp_path):
    error = experiment_error(tmp_path, "factors:\n  levers.trainng: {low: 0, high: 1}\n")
    assert error.path == "factors.levers.trainng"
    assert "no such parameter" in error.problem and "in the point" not in error.problem


def test_a_sweep_file_with_a_sobol_design_names_the_file_s_method(tmp_path):
    error = experiment_error(
        tmp_path,
        "factors:\n  levers.training_capacity: [1, 2]\ndesign: {method: sobol}\n",
    )
    assert error.path == "factors.levers.training_capacity"
    assert "design.method is sobol" in error.problem and "latin_hypercube" in error.problem


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_the_analysis_asked_for_is_the_one_named(tmp_path, method):
    experiment, _ = load_experiment(
        write(tmp_path / "e.yaml", HEAD + "factors:\n  levers.training_capacity: [1, 2]\n")
    )
    error = scenario_error(lambda e: sample(e, method), experiment)
    assert f"a {method} analysis (transnum sensitivity --method {method})" in error.problem
    other = {"morris": "sobol", "sobol": "morris"}[method]
    assert other not in error.problem and "latin_hypercube" not in error.problem


@pytest.mark.parametrize(
    ("path", "parent", "kind"),
    [
        ("levers.training_capacity.x", "levers.training_capacity", "a single value"),
        ("tools.x", "tools", "a list"),
        ("profile_mix.technophile.y", "profile_mix.technophile", "a single value"),
    ],
)
def test_a_path_below_a_value_never_prints_an_empty_allowed_list(path, parent, kind):
    error = scenario_error(lambda p: Scenario().override({p: 1}), path)
    assert not re.search(r"allowed here: *$", error.problem)
    assert (
        f"{parent} is {kind}" in error.problem and "'" + path.split(".")[-1] + "'" in error.problem
    )


def test_an_override_below_a_value_in_an_experiment(tmp_path):
    error = experiment_error(tmp_path, "overrides: {levers.training_capacity.x: 3}\n")
    assert error.path == "overrides.levers.training_capacity.x"
    assert "is a single value" in error.problem
