"""Patterns, priors and scenarios of an ensemble calibration, declared as data.

An ensemble file (YAML, see ``experiments/ensemble.yaml``) says which behavioural
parameters are uncertain (``parameters``: each a dotted path with the range of its
prior), on which scenarios the model is run (``scenarios``: named groups of one
scenario file, or of every file a pattern such as ``study/*.yaml`` matches) and which
patterns of the study its runs must reproduce (``patterns``), after pattern-oriented
modelling (Grimm et al. 2005, Science 310): several facts at different scales, met
at once by one parameter set.

A pattern is an outcome of the flat run summary (:func:`simulation.model.outcomes.flatten`)
averaged over the runs of some scenario groups (each scenario weighing the same),
optionally minus the same average over other groups (a difference between strategies,
for instance), with the range the study allows (``low``, ``high``) and a
``tolerance``: the standard deviation of what the model cannot be expected to match
(model discrepancy, Vernon et al. 2010), stated with its reason. Patterns marked
``use: fit`` select the parameter sets; ``use: holdout`` ones are only reported, as
validation of the ensemble.

:func:`pattern_values` turns the runs of a wave (one row per run) into each parameter
set's value of each pattern and the variance of that value over replications.
"""

from __future__ import annotations

import dataclasses
import glob
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from simulation.experiments.calibration import check_outcome_range
from simulation.i18n.language import quoted, say
from simulation.scenario.errors import ScenarioError, did_you_mean
from simulation.scenario.loading import field_names, load_scenario, read_yaml
from simulation.scenario.records import Scenario
from simulation.scenario.schema import Record, hint_at, spec


@dataclasses.dataclass(frozen=True)
class Prior(Record):
    """A calibrated parameter and its prior: uniform between ``low`` and ``high``."""

    path: str = spec(doc="Dotted path of the parameter, as in Scenario.override.")
    low: float = spec(doc="Lowest plausible value.")
    high: float = spec(doc="Highest plausible value.")
    source: str = spec("assumption", doc="Why this range (a study section, a paper).")

    def _check(self) -> None:
        if hint_at(Scenario, self.path) is None:
            raise ScenarioError(say("error.plan.no_parameter", name=quoted(self.path)), path="path")
        if not self.low < self.high:
            raise ScenarioError(
                say("error.experiment.low_below_high", low=f"{self.low:g}", high=f"{self.high:g}"),
                path="low",
            )


@dataclasses.dataclass(frozen=True)
class ScenarioGroup(Record):
    """Scenarios a pattern is measured on: one file, or every file a glob matches."""

    id: str = spec(doc="Name the patterns use for this group.")
    scenario: str = spec(
        "default",
        doc="'default', a scenario file or a glob of scenario files, relative to the file.",
    )
    overrides: Mapping[str, Any] = spec(
        MappingProxyType({}), doc="Dotted-path changes to every scenario of the group."
    )


@dataclasses.dataclass(frozen=True)
class Pattern(Record):
    """A fact the runs of a plausible parameter set must reproduce."""

    id: str = spec(doc="Short identifier.")
    outcome: str = spec(doc="Outcome of the flat run summary.")
    scenarios: tuple[str, ...] = spec(doc="Groups whose runs are averaged (each scenario alike).")
    tolerance: float = spec(gt=0, doc="Model discrepancy: one standard deviation, outcome units.")
    tolerance_reason: str = spec(doc="Why that tolerance.")
    source: str = spec(doc="Where the study (or a paper) reports it.")
    minus: tuple[str, ...] = spec((), doc="Groups whose average is subtracted (a difference).")
    low: float | None = spec(None, doc="Lowest value the study allows (null: none).")
    high: float | None = spec(None, doc="Highest value the study allows (null: none).")
    use: Literal["fit", "holdout"] = spec(
        "fit", doc="fit: selects parameter sets; holdout: only reported."
    )
    description: str = spec("", doc="What the pattern means, in words.")

    def _check(self) -> None:
        check_outcome_range(self.outcome, self.low, self.high)
        if not self.scenarios:
            raise ScenarioError(say("error.ensemble.no_group"), path="scenarios")


@dataclasses.dataclass(frozen=True)
class Waves(Record):
    """How the history matching proceeds (:mod:`simulation.experiments.history_matching`)."""

    count: int = spec(4, ge=1, le=20, doc="Most waves.")
    points: int = spec(200, ge=2, le=100_000, doc="Parameter sets run in each wave.")
    candidates: int = spec(
        20_000, ge=100, le=10_000_000, doc="Candidates screened by the emulators per wave."
    )
    cutoff: float = spec(3.0, gt=0, le=10, doc="Largest implausibility kept (Pukelsheim's 3).")
    members: int = spec(300, ge=1, le=100_000, doc="Parameter sets kept in the ensemble.")
    seed: int = spec(1, ge=0, le=2**32 - 1, doc="Seed of the designs.")


@dataclasses.dataclass(frozen=True)
class EnsembleSpec(Record):
    """An ensemble calibration: priors, scenarios, patterns and waves."""

    name: str = spec(doc="Title.")
    parameters: tuple[Prior, ...] = spec(doc="The calibrated parameters.")
    scenarios: tuple[ScenarioGroup, ...] = spec(doc="Scenario groups.")
    patterns: tuple[Pattern, ...] = spec(doc="The patterns.")
    description: str = spec("", doc="What it covers.")
    replications: int = spec(2, ge=1, le=1000, doc="Runs per parameter set and scenario.")
    seed: int = spec(2018, ge=0, le=2**63 - 1, doc="Root seed of every run.")
    waves: Waves = spec(Waves(), doc="History matching settings.")

    def _check(self) -> None:
        for what, items, key in (
            ("parameter", self.parameters, "path"),
            ("scenario group", self.scenarios, "id"),
            ("pattern", self.patterns, "id"),
        ):
            names = [getattr(item, key) for item in items]
            for i, name in enumerate(names):
                if name in names[:i]:
                    field = {"parameter": "parameters", "scenario group": "scenarios"}
                    words = {"parameter": "parameter", "scenario group": "group"}
                    raise ScenarioError(
                        say(
                            f"error.ensemble.{words.get(what, 'pattern')}_twice", name=quoted(name)
                        ),
                        path=f"{field.get(what, 'patterns')}[{i}].{key}",
                    )
        groups = [g.id for g in self.scenarios]
        for i, pattern in enumerate(self.patterns):
            for key in ("scenarios", "minus"):
                for j, name in enumerate(getattr(pattern, key)):
                    if name not in groups:
                        hint = did_you_mean(name, groups)
                        raise ScenarioError(
                            say("error.ensemble.no_such_group", name=quoted(name), hint=hint),
                            path=f"patterns[{i}].{key}[{j}]",
                        )
        if not any(p.use == "fit" for p in self.patterns):
            raise ScenarioError(say("error.ensemble.no_fit"), path="patterns")

    @property
    def fitted(self) -> tuple[Pattern, ...]:
        """Patterns that select the parameter sets."""
        return tuple(p for p in self.patterns if p.use == "fit")

    @property
    def held_out(self) -> tuple[Pattern, ...]:
        """Patterns only reported."""
        return tuple(p for p in self.patterns if p.use == "holdout")

    @property
    def bounds(self) -> np.ndarray:
        """(P, 2) prior ranges, in the order of ``parameters``."""
        return np.array([[p.low, p.high] for p in self.parameters], dtype=float)


@dataclasses.dataclass(frozen=True, eq=False)
class Scenarios:
    """The scenarios of an ensemble file: each with its group and a short name."""

    names: tuple[str, ...]  # one per scenario: "<group>" or "<group>/<file stem>"
    groups: tuple[str, ...]  # the group of each scenario
    scenarios: tuple[Scenario, ...]


def load_ensemble_spec(path: str | Path) -> tuple[EnsembleSpec, Scenarios]:
    """Read an ensemble file and its scenarios; every parameter set must apply to each.

    Raises:
        ScenarioError: naming the file and the field, for any invalid part (unknown key,
            unknown parameter or outcome, a glob matching no file, a prior range that a
            scenario refuses).
    """
    path = Path(path)
    data = read_yaml(path, fields=field_names(EnsembleSpec), what="ensemble")
    try:
        ensemble = EnsembleSpec.from_value(data)
        names, groups, scenarios = [], [], []
        for i, group in enumerate(ensemble.scenarios):
            where = f"scenarios[{i}]"
            for name, base in _group_scenarios(group, path.parent, where):
                try:
                    scenario = base.override(dict(group.overrides))
                except ScenarioError as error:
                    raise ScenarioError(
                        error.problem, path=f"{where}.overrides.{error.path}"
                    ) from None
                for j, prior in enumerate(ensemble.parameters):
                    for value in (prior.low, prior.high):
                        try:
                            scenario.override({prior.path: value})
                        except ScenarioError as error:
                            raise ScenarioError(
                                say(
                                    "error.ensemble.in_scenario",
                                    problem=error.problem,
                                    name=quoted(name),
                                ),
                                path=f"parameters[{j}]",
                            ) from None
                names.append(name)
                groups.append(group.id)
                scenarios.append(scenario)
    except ScenarioError as error:
        raise error.from_source(str(path)) from None
    return ensemble, Scenarios(tuple(names), tuple(groups), tuple(scenarios))


def _group_scenarios(group: ScenarioGroup, folder: Path, where: str):  # noqa: ANN202
    if group.scenario == "default":
        return [(group.id, Scenario())]
    if glob.has_magic(group.scenario):
        files = sorted(glob.glob(str(folder / group.scenario)))
        if not files:
            raise ScenarioError(
                say("error.ensemble.no_match", pattern=quoted(group.scenario)),
                path=f"{where}.scenario",
            )
        return [(f"{group.id}/{Path(f).stem}", load_scenario(f)) for f in files]
    return [(group.id, load_scenario(folder / group.scenario))]


def pattern_values(
    runs: pd.DataFrame, groups: Mapping[str, str], patterns: tuple[Pattern, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each parameter set's value of each pattern, and the variance of that value.

    Args:
        runs: One row per run, with columns ``set`` (parameter set), ``scenario``
            (scenario name), ``replication`` and the outcomes; a ``status`` column, if
            present, marks failed runs (not ``ok``).
        groups: Scenario name -> its group.
        patterns: The patterns.

    Returns:
        ``values`` and ``variances``, indexed by set, one column per pattern. A value is
        the mean over the pattern's scenarios of each scenario's mean over replications
        (minus the same for ``minus``); its variance the matching sum of each
        scenario's variance of the mean (sample variance / replications; zero with one
        replication). A scenario whose outcome is undefined in every replication (no
        departures to split, say) is left out of the mean; a set with a failed run, or
        with no defined scenario, has NaN.
    """
    frame = runs.assign(group=runs["scenario"].map(groups))
    sets = pd.Index(sorted(frame["set"].unique()), name="set")
    values = pd.DataFrame(index=sets, dtype=float)
    variances = pd.DataFrame(index=sets, dtype=float)
    failed = pd.Series(False, index=sets)
    if "status" in frame:
        failed = (frame["status"] != "ok").groupby(frame["set"]).any().reindex(sets)
    for pattern in patterns:
        by_scenario = frame.groupby(["set", "scenario"])[pattern.outcome]
        stats = pd.DataFrame(
            {"mean": by_scenario.mean(), "var": by_scenario.var(ddof=1), "n": by_scenario.count()}
        )
        stats["var_mean"] = (stats["var"] / stats["n"]).fillna(0.0)
        stats.loc[stats["n"] == 0, "mean"] = np.nan
        stats = stats.join(frame.groupby(["set", "scenario"])["group"].first())
        value, variance = _side(stats, pattern.scenarios, sets)
        if pattern.minus:
            other, other_variance = _side(stats, pattern.minus, sets)
            value, variance = value - other, variance + other_variance
        values[pattern.id] = value.where(~failed)
        variances[pattern.id] = variance.where(~failed)
    return values, variances


def _side(
    stats: pd.DataFrame, group_ids: tuple[str, ...], sets: pd.Index
) -> tuple[pd.Series, pd.Series]:
    """Mean, and variance of the mean, over the defined scenarios of ``group_ids``, per set."""
    chosen = stats[stats["group"].isin(group_ids)]
    means = chosen["mean"].unstack("scenario").reindex(sets)
    var = chosen["var_mean"].unstack("scenario").reindex(sets).where(means.notna())
    k = means.notna().sum(axis=1).replace(0, np.nan)
    return means.sum(axis=1, min_count=1) / k, var.sum(axis=1, min_count=1) / k**2
