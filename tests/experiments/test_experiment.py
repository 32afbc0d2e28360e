"""Tests of experiment files (simulation/experiments/experiment.py): validation and design points.

Every kind of bad experiment file must end in one ScenarioError that names the file
and the field path, before anything runs. Good files give points in a documented
order: list factors crossed as a full factorial (file order, last factor fastest),
range factors sampled by a seeded, stratified Latin hypercube and crossed with the
levels, joint factors applied together, the ``scenario`` factor expanded from globs,
and the overrides and horizon applied to every point. Calibration files and every
experiment file shipped in experiments/ load too. Nothing here runs the model.
"""

from __future__ import annotations

import glob
import itertools
import json
import shutil
from pathlib import Path

import helpers
import numpy as np
import pytest
import yaml
from helpers import invoke, scenario_error

from simulation.experiments.experiment import Experiment, load_experiment
from simulation.scenario.errors import ScenarioError
from simulation.scenario.loading import load_scenario
from simulation.scenario.records import Scenario

REPO = Path(__file__).resolve().parents[2]
EXPERIMENTS = REPO / "experiments"
STUDY = REPO / "scenarios" / "study"
# The ensemble file is another kind (transnum calibrate --ensemble; test_ensemble_files.py).
# Not sweeps: the ensemble calibration's and the plan search's files.
SHIPPED = sorted(
    p
    for p in EXPERIMENTS.glob("*.yaml")
    if p.name not in ("ensemble.yaml", "optimise_commune.yaml")
)


def write(folder: Path, text: str, name: str = "experiment.yaml") -> Path:
    return helpers.write(folder / name, text)


def load_error(path: Path) -> ScenarioError:
    return scenario_error(load_experiment, path)


def get(scenario: Scenario, path: str):
    """The value at a dotted path of a scenario."""
    node = scenario
    for key in path.split("."):
        node = getattr(node, key)
    return node


# ----------------------------------------------------------------- bad files

JOINT = "organisation.total_staff,levers.training_capacity"

BAD_FILES = [
    # (id, body after "name: x", expected field path, fragment of the message)
    ("unknown-key", "replicatons: 3\n", "replicatons", "did you mean 'replications'"),
    ("unknown-design-key", "design: {smaples: 3}\n", "design.smaples", "did you mean 'samples'"),
    (
        "factor-number",
        "factors:\n  levers.training_capacity: 3\n",
        "factors.levers.training_capacity",
        "expected a list of levels or a {low, high} range",
    ),
    (
        "factor-text",
        "factors:\n  levers.training_capacity: high\n",
        "factors.levers.training_capacity",
        "expected a list of levels or a {low, high} range",
    ),
    (
        "empty-list",
        "factors:\n  levers.training_capacity: []\n",
        "factors.levers.training_capacity",
        "at least one level",
    ),
    (
        "range-low-equals-high",
        "factors:\n  levers.training_capacity: {low: 5, high: 5}\n",
        "factors.levers.training_capacity",
        "low (5) must be below high (5)",
    ),
    (
        "range-low-above-high",
        "factors:\n  levers.training_capacity: {low: 9, high: 2}\n",
        "factors.levers.training_capacity",
        "must be below",
    ),
    (
        "range-text",
        "factors:\n  levers.training_capacity: {low: a, high: 5}\n",
        "factors.levers.training_capacity",
        "must be numbers",
    ),
    (
        "range-boolean",
        "factors:\n  levers.training_capacity: {low: true, high: 5}\n",
        "factors.levers.training_capacity",
        "must be numbers",
    ),
    (
        "range-missing-high",
        "factors:\n  levers.training_capacity: {low: 1}\n",
        "factors.levers.training_capacity",
        "{low: number, high: number}",
    ),
    (
        "range-extra-key",
        "factors:\n  levers.training_capacity: {low: 1, high: 5, step: 1}\n",
        "factors.levers.training_capacity",
        "{low: number, high: number}",
    ),
    (
        "range-on-scenario",
        "factors:\n  scenario: {low: 0, high: 1}\n",
        "factors.scenario",
        "takes a list of files",
    ),
    (
        "joint-level-too-short",
        f"factors:\n  '{JOINT}': [[60, 3], [100]]\n",
        f"factors.{JOINT}[1]",
        "list of 2 values",
    ),
    (
        "joint-level-too-long",
        f"factors:\n  '{JOINT}': [[60, 3, 1]]\n",
        f"factors.{JOINT}[0]",
        "list of 2 values",
    ),
    (
        "joint-level-scalar",
        f"factors:\n  '{JOINT}': [60, 100]\n",
        f"factors.{JOINT}[0]",
        "list of 2 values",
    ),
    (
        "unknown-factor-path",
        "factors:\n  levers.trainng_capacity: [1, 2]\n",
        "factors.levers.trainng_capacity",
        "did you mean 'training_capacity'",
    ),
    (
        "unknown-range-factor-path",
        "factors:\n  levers.trainng_capacity: {low: 1, high: 2}\n",
        "factors.levers.trainng_capacity",
        "did you mean 'training_capacity'",
    ),
    (
        "bad-strategy-level",
        "factors:\n  rollout.strategy: [big_bang, bigbang]\n",
        "factors.rollout.strategy",
        "did you mean 'big_bang'",
    ),
    (
        "level-out-of-range",
        "factors:\n  levers.referent_share: [0.1, 0.9]\n",
        "factors.levers.referent_share",
        "out of range",
    ),
    (
        "range-beyond-bounds",
        "factors:\n  levers.referent_share: {low: 0.5, high: 2}\n",
        "factors.levers.referent_share.high",
        "high bound: 2.0 is out of range",
    ),
    (
        "joint-bad-value",
        f"factors:\n  '{JOINT}': [[60, -3]]\n",
        "factors.levers.training_capacity",
        "out of range",
    ),
    (
        "unknown-outcome",
        "outcomes: [dropout_share, adoption_finale]\n",
        "outcomes[1]",
        "did you mean 'adoption_final'",
    ),
    ("unknown-weekly", "weekly: [adoptoin]\n", "weekly[0]", "did you mean 'adoption'"),
    (
        "glob-matches-nothing",
        "factors:\n  scenario: [nowhere/*.yaml]\n",
        "factors.scenario",
        "no scenario file matches 'nowhere/*.yaml'",
    ),
    (
        "scenario-level-not-text",
        "factors:\n  scenario: [3]\n",
        "factors.scenario",
        "expected a scenario file",
    ),
    ("design-method", "design: {method: random}\n", "design.method", "'random' is not allowed"),
    ("design-samples-zero", "design: {samples: 0}\n", "design.samples", "out of range"),
    ("replications-zero", "replications: 0\n", "replications", "out of range"),
]


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_gives_one_error_naming_file_and_field(tmp_path, body, field, fragment):
    path = write(tmp_path, "name: x\nhorizon_weeks: 20\n" + body)
    error = load_error(path)
    assert error.source == str(path)
    assert error.path == field
    assert fragment in error.problem
    # One line that a user can act on: file, then field, then the problem.
    assert str(error).startswith(f"{path}: {field}: ")
    assert "\n" not in str(error)
    assert error.__cause__ is None


def test_bad_override_names_the_overrides_and_the_path(tmp_path):
    path = write(tmp_path, "name: x\noverrides: {levers.trainng_capacity: 3}\n")
    error = load_error(path)
    assert error.source == str(path)
    assert error.path.startswith("overrides")
    assert "levers.trainng_capacity" in error.path
    assert "did you mean 'training_capacity'" in error.problem


def test_missing_name_and_non_mapping_files(tmp_path):
    error = load_error(write(tmp_path, "replications: 3\n", "no_name.yaml"))
    assert error.source.endswith("no_name.yaml")
    assert "missing key 'name'" in error.problem
    error = load_error(write(tmp_path, "- 1\n- 2\n", "list.yaml"))
    assert error.source.endswith("list.yaml")
    assert "must hold a mapping of experiment fields, got list" in error.problem


def test_missing_base_scenario_file_is_named(tmp_path):
    error = load_error(write(tmp_path, "name: x\nscenario: nofile.yaml\n"))
    assert "nofile.yaml" in str(error)
    assert "not found" in error.problem


def test_point_error_names_the_point(tmp_path):
    """A bad level among good ones: the message shows the point that holds it."""
    path = write(
        tmp_path,
        "name: x\nfactors:\n  levers.training_capacity: [10, 20]\n"
        "  rollout.strategy: [big_bang, bigbang]\n",
    )
    error = load_error(path)
    assert "'rollout.strategy': 'bigbang'" in error.problem
    assert "'levers.training_capacity': 10" in error.problem


def test_duplicated_weekly_column_is_refused(tmp_path):
    path = write(tmp_path, "name: x\nweekly: [adoption, dropout, adoption]\n")
    error = load_error(path)
    assert error.path == "weekly[2]"


@pytest.mark.parametrize(
    ("factors", "field", "places"),
    [
        (  # a list factor and a joint factor on the same path
            "  levers.training_capacity: [10, 60]\n"
            '  "organisation.total_staff,levers.training_capacity": [[100, 6], [1000, 60]]\n',
            "factors.organisation.total_staff,levers.training_capacity",
            "in the factors 'levers.training_capacity' and "
            "'organisation.total_staff,levers.training_capacity'",
        ),
        (  # a range factor and a joint factor
            "  levers.referent_share: {low: 0.0, high: 0.1}\n"
            '  "levers.referent_share,levers.manager_backing": [[0.1, 0.5]]\n',
            "factors.levers.referent_share,levers.manager_backing",
            "in the factors 'levers.referent_share' and",
        ),
        (  # the same path twice in one joint factor (spaces do not hide it)
            '  "levers.manager_backing, levers.manager_backing": [[0.1, 0.5]]\n',
            "factors.levers.manager_backing, levers.manager_backing",
            "twice in the joint factor",
        ),
    ],
)
def test_a_path_varied_by_two_factors_is_refused_naming_both(tmp_path, factors, field, places):
    # Otherwise one of the two factors would silently win and the design shrink.
    path = write(tmp_path, "name: x\nfactors:\n" + factors)
    error = load_error(path)
    assert error.path == field
    assert places in error.problem
    assert "a path can be varied by one factor only" in error.problem


# ----------------------------------------------------------------- design points


def test_full_factorial_count_and_order(tmp_path):
    path = write(
        tmp_path,
        "name: grid\nhorizon_weeks: 30\nfactors:\n"
        "  levers.training_capacity: [10, 30]\n"
        "  rollout.strategy: [big_bang, small_steps, short_cycle]\n"
        "  levers.referent_share: [0.0, 0.05]\n",
    )
    experiment, points = load_experiment(path)
    levels = experiment.level_factors
    expected = list(itertools.product(*levels.values()))
    assert len(points) == 2 * 3 * 2 == len(expected)
    for k, (point, combo) in enumerate(zip(points, expected, strict=True)):
        assert point.index == k
        assert point.factors == dict(zip(levels, combo, strict=True))
        for factor, value in point.factors.items():
            assert get(point.scenario, factor) == value
    # The last factor varies fastest.
    assert [p.factors["levers.referent_share"] for p in points[:2]] == [0.0, 0.05]
    assert {p.factors["levers.training_capacity"] for p in points[:6]} == {10}


def test_no_factor_gives_one_point_of_the_base_scenario(tmp_path):
    experiment, points = load_experiment(write(tmp_path, "name: base\nhorizon_weeks: 30\n"))
    assert len(points) == 1
    assert points[0].factors == {}
    assert points[0].scenario.to_plain() == Scenario().override({"horizon_weeks": 30}).to_plain()


RANGES = {"levers.referent_share": (0.0, 0.1), "behaviour.peer_influence": (0.1, 0.5)}


def lhs_file(tmp_path: Path, samples: int, seed: int, extra: str = "") -> Path:
    lines = [f"  {path}: {{low: {low}, high: {high}}}" for path, (low, high) in RANGES.items()]
    return write(
        tmp_path,
        "name: lhs\nfactors:\n" + "\n".join(lines) + "\n" + extra + f"design: {{samples: "
        f"{samples}, seed: {seed}}}\n",
        f"lhs-{samples}-{seed}-{len(extra)}.yaml",
    )


def test_latin_hypercube_values_inside_bounds_and_stratified(tmp_path):
    n = 12
    _, points = load_experiment(lhs_file(tmp_path, n, seed=3))
    assert len(points) == n
    for path, (low, high) in RANGES.items():
        values = np.array([p.factors[path] for p in points])
        assert np.all((values >= low) & (values <= high))
        # Latin hypercube: exactly one sample in each of the n equal strata of the range.
        strata = np.floor((values - low) / (high - low) * n).astype(int)
        assert sorted(strata) == list(range(n))
        # The scenario of each point runs the sampled value.
        assert [get(p.scenario, path) for p in points] == pytest.approx(values.tolist())


def test_latin_hypercube_is_seeded(tmp_path):
    def values(samples, seed):
        _, points = load_experiment(lhs_file(tmp_path, samples, seed))
        return [tuple(p.factors[k] for k in RANGES) for p in points]

    assert values(8, 3) == values(8, 3)
    assert values(8, 3) != values(8, 4)
    assert len(values(5, 3)) == 5


def test_range_samples_are_crossed_with_levels(tmp_path):
    strategies = ["big_bang", "small_steps"]
    extra = f"  rollout.strategy: [{', '.join(strategies)}]\n"
    _, points = load_experiment(lhs_file(tmp_path, 6, seed=3, extra=extra))
    assert len(points) == 6 * 2
    first = [{k: p.factors[k] for k in RANGES} for p in points[:6]]
    second = [{k: p.factors[k] for k in RANGES} for p in points[6:]]
    assert [p.factors["rollout.strategy"] for p in points] == ["big_bang"] * 6 + ["small_steps"] * 6
    # The same design rows under each level: the levels are compared at the same values.
    assert first == second


WHOLE = {"levers.training_group_size": (2, 12), "organisation.team_size": (4, 12)}


def test_whole_number_parameters_are_rounded(tmp_path):
    n = 8
    lines = "".join(f"  {p}: {{low: {lo}, high: {hi}}}\n" for p, (lo, hi) in WHOLE.items())
    path = write(tmp_path, f"name: whole\nfactors:\n{lines}design: {{samples: {n}, seed: 5}}\n")
    _, points = load_experiment(path)
    for factor, (low, high) in WHOLE.items():
        values = [p.factors[factor] for p in points]
        assert all(type(v) is int for v in values)
        assert [get(p.scenario, factor) for p in points] == values
        assert all(low <= v <= high for v in values)
        # Still stratified: the i-th smallest value is its stratum's sample rounded, so it
        # lies in the stratum widened by half a unit on each side.
        width = (high - low) / n
        for i, v in enumerate(sorted(values)):
            assert low + i * width - 0.5 <= v <= low + (i + 1) * width + 0.5


def test_range_on_total_staff_is_rounded(tmp_path):
    path = write(
        tmp_path,
        "name: staff\nhorizon_weeks: 20\nfactors:\n"
        "  organisation.total_staff: {low: 60, high: 150}\ndesign: {samples: 4}\n",
    )
    _, points = load_experiment(path)
    values = [p.factors["organisation.total_staff"] for p in points]
    assert all(type(v) is int and 60 <= v <= 150 for v in values)


def test_joint_factor_values_are_applied_together(tmp_path):
    pairs = [[60, 3], [150, 9], [400, 24]]
    path = write(
        tmp_path,
        f"name: joint\nfactors:\n  '{JOINT}': {json.dumps(pairs)}\n"
        "  rollout.strategy: [big_bang, short_cycle]\n",
    )
    _, points = load_experiment(path)
    assert len(points) == len(pairs) * 2
    seen = []
    for point in points:
        staff = point.factors["organisation.total_staff"]
        capacity = point.factors["levers.training_capacity"]
        assert JOINT not in point.factors
        assert point.scenario.organisation.total_staff == staff
        assert point.scenario.levers.training_capacity == capacity
        assert point.scenario.rollout.strategy == point.factors["rollout.strategy"]
        seen.append([staff, capacity])
    # Never a staff count with another pair's capacity; each pair under each strategy.
    assert seen == [pair for pair in pairs for _ in range(2)]


def test_scenario_factor_expands_a_glob_over_the_study_files(tmp_path):
    study = sorted(glob.glob(str(STUDY / "*.yaml")))
    assert len(study) >= 2  # the glob must expand to several files for the test to mean much
    path = write(
        tmp_path,
        "name: study\nhorizon_weeks: 130\noverrides: {levers.referent_share: 0.07}\n"
        f"factors:\n  scenario: ['{STUDY}/*.yaml']\n  rollout.strategy: [big_bang, small_steps]\n",
    )
    _, points = load_experiment(path)
    assert len(points) == 2 * len(study)
    assert [p.factors["scenario"] for p in points] == [f for f in study for _ in range(2)]
    for point in points:
        own = load_scenario(point.factors["scenario"])
        expected = own.override(
            {
                "levers.referent_share": 0.07,
                "horizon_weeks": 130,
                "rollout.strategy": point.factors["rollout.strategy"],
            }
        )
        assert point.scenario.to_plain() == expected.to_plain()


def test_scenario_factor_relative_glob_and_default(tmp_path):
    """A glob relative to the experiment file gives relative names; 'default' is allowed."""
    files = sorted(STUDY.glob("*.yaml"))[:2]
    (tmp_path / "cases").mkdir()
    for f in files:
        shutil.copy(f, tmp_path / "cases" / f.name)
    _, points = load_experiment(
        write(tmp_path, "name: rel\nfactors:\n  scenario: [default, 'cases/*.yaml']\n")
    )
    names = [p.factors["scenario"] for p in points]
    assert names == ["default"] + [f"cases/{f.name}" for f in files]
    assert points[0].scenario.to_plain() == Scenario().to_plain()
    for point, f in zip(points[1:], files, strict=True):
        assert point.scenario.to_plain() == load_scenario(f).to_plain()


def test_overrides_and_horizon_apply_to_every_point(tmp_path):
    path = write(
        tmp_path,
        "name: o\nhorizon_weeks: 33\n"
        "overrides: {levers.referent_share: 0.07, organisation.total_staff: 90}\n"
        "factors:\n  rollout.strategy: [big_bang, small_steps]\n"
        "  levers.training_capacity: {low: 5, high: 50}\ndesign: {samples: 3}\n",
    )
    _, points = load_experiment(path)
    assert len(points) == 6
    for point in points:
        assert point.scenario.horizon_weeks == 33
        assert point.scenario.levers.referent_share == 0.07
        assert point.scenario.organisation.total_staff == 90
        assert point.scenario.staff_count == 90


def test_horizon_weeks_wins_over_an_override_of_the_horizon(tmp_path):
    path = write(tmp_path, "name: h\nhorizon_weeks: 33\noverrides: {horizon_weeks: 80}\n")
    _, points = load_experiment(path)
    assert points[0].scenario.horizon_weeks == 33


def test_experiment_defaults_keep_every_outcome(tmp_path):
    experiment, _ = load_experiment(write(tmp_path, "name: d\n"))
    assert experiment.outcomes == "all"
    assert experiment.replications == Experiment(name="d").replications
    assert not experiment.targets_file


# ----------------------------------------------------------------- calibration files


def test_calibration_file_is_an_experiment_with_one_point_per_target_scenario():
    path = EXPERIMENTS / "calibration.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    experiment, points = load_experiment(path)
    assert experiment.targets_file
    assert experiment.replications == data["replications"]
    assert experiment.seed == data["seed"]

    def key(target):
        return (target.get("scenario", "default"), json.dumps(target.get("overrides", {})))

    distinct = list(dict.fromkeys(key(t) for t in data["targets"]))
    assert len(points) == len(distinct)
    assert [p.index for p in points] == list(range(len(points)))
    listed = [i for p in points for i in p.factors["targets"].split(",")]
    assert sorted(listed) == sorted(t["id"] for t in data["targets"])
    for point, (scenario_file, overrides) in zip(points, distinct, strict=True):
        ids = set(point.factors["targets"].split(","))
        assert ids == {t["id"] for t in data["targets"] if key(t) == (scenario_file, overrides)}
        base = (
            Scenario() if scenario_file == "default" else load_scenario(path.parent / scenario_file)
        )
        expected = base.override(json.loads(overrides))
        assert point.scenario.to_plain() == expected.to_plain()


# ----------------------------------------------------------------- shipped files


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_experiment_loads_and_dry_runs(path):
    experiment, points = load_experiment(path)
    assert points
    result = invoke("sweep", path, "--dry-run")
    assert result.exit_code == 0, result.output
    expected = f"{len(points)} points x {experiment.replications} replications"
    assert expected in result.output
