"""Experiment files: sweeps declared as data.

An experiment (YAML) names a base scenario, the factors to vary, the replications,
the horizon, the outcomes to keep and a root seed::

    name: Training capacity x referents x strategy
    scenario: default                 # or a scenario file, relative to this file
    overrides: {horizon_weeks: 104}   # changes applied to every point
    replications: 20
    seed: 2018
    factors:
      rollout.strategy: [big_bang, small_steps, short_cycle]   # a list: levels
      levers.training_capacity: [10, 30, 90]
      levers.referent_share: {low: 0.0, high: 0.1}             # a range: sampled
    design: {method: latin_hypercube, samples: 16}
    outcomes: [adoption_final, dropout_share]   # or all
    weekly: [adoption, dropout]                 # weekly series kept (long form)

Factors given as lists are crossed (full factorial); factors given as ranges are
sampled (Latin hypercube) and the samples are crossed with the list factors. The
factor ``scenario`` takes a list of scenario files (glob patterns allowed). A
*joint* factor varies several paths together: its key joins the paths with commas
and each level lists one value per path, e.g.
``"organisation.total_staff,levers.training_capacity": [[100, 6], [1000, 60]]``.
Morris and Sobol designs (``transnum sensitivity``) need every factor as a range.

A calibration file (with ``targets``, see :mod:`simulation.experiments.calibration`) is also an
experiment: one point per distinct target scenario.
"""

from __future__ import annotations

import dataclasses
import glob
import itertools
import types
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Union, get_args, get_origin

import numpy as np

from simulation.i18n.language import quoted, say
from simulation.model.observation import WEEKLY_ORGANISATION_COLUMNS
from simulation.model.outcomes import flat_outcome_names
from simulation.scenario.errors import (
    RANGE,
    ScenarioError,
    describe,
    did_you_mean,
    range_form,
    show,
)
from simulation.scenario.loading import field_names, load_scenario, read_yaml
from simulation.scenario.records import Scenario
from simulation.scenario.schema import (
    Record,
    field_number,
    hint_at,
    is_whole_number,
    record_type,
    spec,
)

DesignMethod = Literal["latin_hypercube", "morris", "sobol"]
DEFAULT_WEEKLY = ("adoption", "dropout", "rps_high_share", "strain_mean", "deployed")


@dataclasses.dataclass(frozen=True)
class Design(Record):
    """How range factors are sampled."""

    method: DesignMethod = spec(
        "latin_hypercube",
        doc="Sampling of range factors: latin_hypercube for sweeps; morris or sobol for "
        "transnum sensitivity.",
    )
    samples: int = spec(
        16,
        ge=1,
        le=1_000_000,
        doc="Latin hypercube: points; Sobol: base sample N (N x (k + 2) points); Morris: "
        "trajectories (r x (k + 1) points).",
    )
    levels: int = spec(4, ge=2, le=100, doc="Morris grid levels.")
    seed: int = spec(1, ge=0, le=2**32 - 1, doc="Seed of the design's sampler.")


@dataclasses.dataclass(frozen=True)
class Experiment(Record):
    """A sweep: a base scenario, factors, replications and what to keep."""

    name: str = spec(doc="Title of the experiment.")
    description: str = spec("", doc="What the experiment is for.")
    scenario: str = spec("default", doc="'default' or a scenario file (relative path).")
    overrides: Mapping[str, Any] = spec(
        MappingProxyType({}), doc="Dotted-path changes applied to every point."
    )
    horizon_weeks: int | None = spec(None, ge=1, le=100_000, doc="Horizon of every run.")
    replications: int = spec(10, ge=1, le=100_000, doc="Replications per point.")
    seed: int = spec(2018, ge=0, le=2**63 - 1, doc="Root seed of every run.")
    factors: Mapping[str, Any] = spec(
        MappingProxyType({}),
        doc="Factor path: list of levels, or {low, high} range (the 'scenario' factor "
        "takes scenario files).",
    )
    design: Design = spec(Design(), doc="Sampling of range factors.")
    outcomes: tuple[str, ...] | Literal["all"] = spec(
        "all", doc="Summary outcomes kept per run (flat names), or all."
    )
    weekly: tuple[str, ...] = spec(DEFAULT_WEEKLY, doc="Weekly columns kept per run.")
    targets_file: bool = spec(
        False, doc="Set when the experiment comes from a calibration file (with targets)."
    )

    def _check(self) -> None:
        self._check_each_path_once()
        for path, value in self.factors.items():
            where = f"factors.{path}"
            if isinstance(value, Mapping):
                if set(value) != {"low", "high"}:
                    raise ScenarioError(
                        say("error.experiment.range_form", form=range_form()), path=where
                    )
                low, high = value["low"], value["high"]
                if not all(_is_number(v) for v in (low, high)):
                    raise ScenarioError(say("error.experiment.range_numbers"), path=where)
                if low >= high:
                    raise ScenarioError(
                        say("error.experiment.low_below_high", low=low, high=high), path=where
                    )
                if path == "scenario":
                    raise ScenarioError(say("error.experiment.scenario_files"), path=where)
            elif isinstance(value, (list, tuple)):
                if not value:
                    raise ScenarioError(say("error.experiment.no_level"), path=where)
                if "," in path:  # joint factor: each level gives one value per path
                    width = len(path.split(","))
                    for i, level in enumerate(value):
                        if not isinstance(level, (list, tuple)) or len(level) != width:
                            raise ScenarioError(
                                say("error.experiment.joint_level", width=width, level=show(level)),
                                path=f"{where}[{i}]",
                            )
            else:
                raise ScenarioError(
                    say("error.experiment.factor_form", range=RANGE, value=show(value)),
                    path=where,
                )
        known = flat_outcome_names()
        if self.outcomes != "all":
            for i, name in enumerate(self.outcomes):
                _require(name, known, f"outcomes[{i}]", "outcome")
                if name in self.outcomes[:i]:
                    raise ScenarioError(
                        say("error.listed_twice", name=quoted(name)), path=f"outcomes[{i}]"
                    )
        for i, name in enumerate(self.weekly):
            _require(name, WEEKLY_ORGANISATION_COLUMNS, f"weekly[{i}]", "weekly_column")
            if name in self.weekly[:i]:
                raise ScenarioError(
                    say("error.listed_twice", name=quoted(name)), path=f"weekly[{i}]"
                )
        if self.design.method != "latin_hypercube" and self.level_factors:
            first = next(iter(self.level_factors))
            method = self.design.method
            raise ScenarioError(
                say("error.experiment.method_needs_ranges", method=method, range=RANGE),
                path=f"factors.{first}",
            )

    def _check_each_path_once(self) -> None:
        """A scenario path is varied by one factor only (else the design would shrink)."""
        first_seen: dict[str, str] = {}
        for key in self.factors:
            for path in (part.strip() for part in key.split(",")):
                if path in first_seen:
                    places = (
                        say("error.experiment.twice_in_joint", factor=quoted(key))
                        if first_seen[path] == key
                        else say(
                            "error.experiment.in_two_factors",
                            first=quoted(first_seen[path]),
                            second=quoted(key),
                        )
                    )
                    raise ScenarioError(
                        say("error.experiment.varied_twice", path=quoted(path), places=places),
                        path=f"factors.{key}",
                    )
                first_seen[path] = key

    @property
    def range_factors(self) -> dict[str, tuple[float, float]]:
        """Factors sampled from ranges: path to (low, high)."""
        return {
            p: (float(v["low"]), float(v["high"]))
            for p, v in self.factors.items()
            if isinstance(v, Mapping)
        }

    @property
    def level_factors(self) -> dict[str, tuple[Any, ...]]:
        """Factors given as lists of levels: path to levels."""
        return {p: tuple(v) for p, v in self.factors.items() if not isinstance(v, Mapping)}


@dataclasses.dataclass(frozen=True, eq=False)
class Point:
    """One combination of factor values, and the scenario it runs.

    ``root_seed``, if set, replaces the experiment's root seed for this point's runs
    (replication ``r`` then uses ``run_seed(root_seed, r)``).
    """

    index: int
    factors: dict[str, Any]
    scenario: Scenario
    root_seed: int | None = None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _require(name: str, known: tuple[str, ...], path: str, what: str) -> None:
    """Refuse an outcome (``what``: ``outcome``) or weekly column (``weekly_column``) not known."""
    if name in known:
        return
    hint = did_you_mean(name, known)
    raise ScenarioError(
        say(f"error.experiment.unknown_{what}", name=quoted(name), hint=hint), path=path
    )


def load_experiment(path: str | Path) -> tuple[Experiment, list[Point]]:
    """Read an experiment (or calibration) file and build all its points.

    Every point's scenario is built and validated here, so that a bad factor value
    is reported before anything runs.

    Raises:
        ScenarioError: naming the file and the field.
    """
    path = Path(path)
    data = read_yaml(path, fields=(*field_names(Experiment), "targets"), what="experiment")
    try:
        if isinstance(data, dict) and "targets" in data:
            return _from_calibration(path)
        experiment = Experiment.from_value(data)
        return experiment, design_points(experiment, path.parent)
    except ScenarioError as error:
        raise error.from_source(str(path)) from None


def design_points(experiment: Experiment, folder: Path, unit_samples: np.ndarray | None = None):
    """The experiment's points: level factors crossed with samples of range factors.

    Args:
        experiment: The experiment.
        folder: Folder that relative scenario paths are resolved against.
        unit_samples: Samples of the range factors in [0, 1]^k (rows); default a Latin
            hypercube of ``design.samples`` points (or one row if there is no range).
    """
    ranges = experiment.range_factors
    levels = experiment.level_factors
    if unit_samples is None:
        unit_samples = (
            latin_hypercube(len(ranges), experiment.design) if ranges else np.zeros((1, 0))
        )
    lows = np.array([low for low, _ in ranges.values()])
    highs = np.array([high for _, high in ranges.values()])
    sampled = lows + unit_samples * (highs - lows)
    has_scenario_factor = "scenario" in levels
    scenario_files = _scenario_files(levels.pop("scenario", None), folder)
    bases = {name: base_scenario(experiment, name, folder) for name in scenario_files}
    given = {p: (v["low"], v["high"]) for p, v in experiment.factors.items() if p in ranges}
    for base in bases.values():
        check_ranges(base, given)
    points = []
    combos = list(itertools.product(*levels.values())) if levels else [()]
    for file_name in scenario_files:
        for combo in combos:
            for row in sampled:
                factors: dict[str, Any] = {}
                if has_scenario_factor:
                    factors["scenario"] = file_name
                for name, level in zip(levels, combo, strict=True):
                    if "," in name:  # joint factor: one value per path
                        factors.update(zip(name.split(","), level, strict=True))
                    else:
                        factors[name] = level
                factors.update(
                    {
                        p: _cast(bases[file_name], p, float(v))
                        for p, v in zip(ranges, row, strict=True)
                    }
                )
                changes = {k: v for k, v in factors.items() if k != "scenario"}
                try:
                    scenario = bases[file_name].override(changes)
                except ScenarioError as error:
                    raise ScenarioError(
                        say("error.experiment.in_point", problem=error.problem, point=factors),
                        path=f"factors.{error.path}" if error.path else "factors",
                    ) from None
                points.append(Point(len(points), factors, scenario))
    return points


def check_ranges(base: Scenario, ranges: dict[str, tuple[Any, Any]]) -> None:
    """Check each range factor's bounds on ``base``, before any value is sampled.

    A sampled value out of the field's range would be reported as that value (say
    1.28), which appears nowhere in the file; the bound the file gives (1.5) is what
    to correct.

    Args:
        base: A base scenario of the experiment (with its overrides).
        ranges: Each range factor's path and its bounds as the file gives them.

    Raises:
        ScenarioError: at ``factors.<path>.low`` or ``.high``, naming the bound, or at
            ``factors.<path>`` for a path that is no parameter or takes no number.
    """
    for path, (low, high) in ranges.items():
        where = f"factors.{path}"
        hint = hint_at(Scenario, path)
        if hint is not None and not _is_numeric(hint):
            raise ScenarioError(
                say(
                    "error.experiment.range_of_numbers",
                    range=RANGE,
                    path=path,
                    takes=describe(hint),
                ),
                path=where,
            )
        for name, bound in (("low", low), ("high", high)):
            value = int(round(bound)) if hint is not None and is_whole_number(hint) else bound
            try:
                base.override({path: value})
            except ScenarioError as error:
                about_bound = error.path == path or error.path.startswith(f"{path}.")
                if hint is None or not about_bound:
                    # No such parameter, or a rule on another field: not about the bound.
                    raise ScenarioError(error.problem, path=f"factors.{error.path}") from None
                raise ScenarioError(
                    say(f"error.experiment.{name}_bound", problem=error.problem),
                    path=f"{where}.{name}",
                ) from None


def _is_numeric(hint: Any) -> bool:
    """Whether a declared type takes numbers (possibly per profile, possibly optional)."""
    if record_type(hint) is not None:  # a per-profile table: its components are numbers
        return True
    options = get_args(hint) if get_origin(hint) in (Union, types.UnionType) else (hint,)
    return any(option in (int, float) for option in options)


def latin_hypercube(k: int, design: Design) -> np.ndarray:
    """``design.samples`` points of a Latin hypercube in [0, 1]^k (scipy's, seeded)."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=k, seed=np.random.default_rng(design.seed)).random(design.samples)


def _scenario_files(levels: tuple[Any, ...] | None, folder: Path) -> list[str | None]:
    """Scenario files of the 'scenario' factor (globs expanded); [None] without it."""
    if levels is None:
        return [None]
    files: list[str | None] = []
    for pattern in levels:
        if not isinstance(pattern, str):
            raise ScenarioError(
                say(
                    "error.expected", expected=say("error.file.kind.scenario"), value=show(pattern)
                ),
                path="factors.scenario",
            )
        matches = sorted(glob.glob(str(folder / pattern)))
        if not matches and pattern != "default":
            raise ScenarioError(
                say("error.experiment.no_match", pattern=quoted(pattern)), path="factors.scenario"
            )
        files += [
            str(Path(m).relative_to(folder)) if Path(m).is_relative_to(folder) else m
            for m in matches
        ] or ["default"]
    return files


def base_scenario(experiment: Experiment, file_name: str | None, folder: Path) -> Scenario:
    """The scenario of one scenario file (or the experiment's), with the overrides."""
    name = file_name if file_name is not None else experiment.scenario
    base = Scenario() if name == "default" else load_scenario(folder / name)
    changes = dict(experiment.overrides)
    if experiment.horizon_weeks is not None:
        changes["horizon_weeks"] = experiment.horizon_weeks
    try:
        return base.override(changes)
    except ScenarioError as error:
        raise ScenarioError(error.problem, path=f"overrides.{error.path}") from None


def _cast(base: Scenario, path: str, value: float) -> Any:
    """A sampled number as the field wants it: whole-number fields get it rounded."""
    return field_number(Scenario, path, value)  # an unknown path: override() reports it


def _from_calibration(path: Path) -> tuple[Experiment, list[Point]]:
    """A calibration file as an experiment: one point per distinct target scenario."""
    from simulation.experiments.calibration import distinct_scenarios, load_calibration

    calibration, scenarios = load_calibration(path)
    distinct, numbers = distinct_scenarios(scenarios)
    experiment = Experiment(
        name=calibration.name,
        description=calibration.description,
        replications=calibration.replications,
        seed=calibration.seed,
        targets_file=True,
    )
    points = []
    for k, scenario in enumerate(distinct):
        ids = [t.id for t, n in zip(calibration.targets, numbers, strict=True) if n == k]
        points.append(Point(k, {"targets": ",".join(ids)}, scenario))
    return experiment, points
