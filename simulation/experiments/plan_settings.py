"""An optimisation file: the levers searched, the thresholds, constraints and budget.

Every key is optional; an empty file (or none) searches :data:`DEFAULT_LEVERS
<simulation.experiments.plan_space.DEFAULT_LEVERS>` with the default thresholds::

    levers:
      training_capacity: {low: 10, high: 60}    # narrow a range
      strategy: [small_steps, short_cycle]      # keep some choices
      right_to_disconnect: true                 # fix a value (not searched)
      referent_share: scenario                  # keep the scenario's own value
      peer_tutoring: {path: levers.peer_tutoring, low: 0, high: 1}   # a new lever
    uncertainties:
      overwhelmed_share: {path: profile_mix.overwhelmed, low: 0.4, high: 0.65}
      training_available: {path: levers.training_capacity, low: 0.6, high: 1, scale: true}
    thresholds: {dropout_share: 0.05, adoption_week: 130}
    constraints: {deadline_week: 140, budget_eur: 600000, training_budget_eur: 150000}
    objectives: [weeks_to_80pct_adoption, external_departures, strain]
    trials: 360

Unknown keys, levers and paths are errors that name the file and the field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from simulation.experiments.plan_objectives import OBJECTIVES
from simulation.experiments.plan_space import (
    DEFAULT_LEVERS,
    FAMILIES,
    STRATEGY,
    Lever,
    PlanSpace,
    Uncertainty,
)
from simulation.i18n.language import quoted, say
from simulation.scenario.errors import (
    RANGE,
    ScenarioError,
    did_you_mean,
    listing,
    range_form,
    show,
)
from simulation.scenario.records import Scenario
from simulation.scenario.schema import Record, hint_at, is_whole_number, spec

KEEP = "scenario"
"""A lever given this value keeps the scenario's own value (it is not searched)."""


@dataclasses.dataclass(frozen=True)
class Thresholds(Record):
    """What a plan must achieve in a replication to be called satisfying."""

    dropout_share: float = spec(
        0.05,
        ge=0,
        le=1,
        unit="share of the initial staff",
        doc="Most staff who may leave their post by the horizon (both causes).",
    )
    adoption_week: int | None = spec(
        None,
        ge=1,
        le=100_000,
        unit="week",
        doc="Week by which 80 % of the staff in post must use their tools; null: the horizon.",
    )


@dataclasses.dataclass(frozen=True)
class Constraints(Record):
    """Hard limits on a plan: a plan that breaks one is infeasible."""

    deadline_week: int | None = spec(
        None,
        ge=0,
        le=100_000,
        unit="week",
        doc="Week by which every go-live must have happened, in every replication; "
        "null: the horizon.",
    )
    budget_eur: float | None = spec(
        None, ge=0, le=1e12, unit="EUR", doc="Cap on the mean total cost; null: none."
    )
    training_budget_eur: float | None = spec(
        None,
        ge=0,
        le=1e12,
        unit="EUR",
        doc="Cap on the mean cost of training (trainers of every mode and e-learning); null: none.",
    )


@dataclasses.dataclass(frozen=True)
class OptimiseSettings(Record):
    """Everything ``transnum optimise`` searches, and how."""

    levers: Mapping[str, Any] = spec(
        MappingProxyType({}),
        doc="Changes to the default levers: a {low, high} range, a list of choices, a value "
        "(fixed), 'scenario' (the scenario's own value), or {path, low, high} / {path, "
        "choices} for a new lever.",
    )
    uncertainties: Mapping[str, Any] = spec(
        MappingProxyType({}),
        doc="Inputs the plan does not control: name -> {path, low, high[, scale]}, drawn "
        "once per replication.",
    )
    thresholds: Thresholds = spec(Thresholds(), doc="What a satisfying replication achieves.")
    constraints: Constraints = spec(Constraints(), doc="Hard limits on a plan.")
    objectives: tuple[str, ...] = spec(
        tuple(OBJECTIVES),
        doc="Objectives minimised together (see simulation.experiments."
        "plan_objectives.OBJECTIVES).",
    )
    statistic: Literal["quantile", "mean"] = spec(
        "quantile",
        doc="What the search minimises for each objective over the replications: its "
        "quantile (the bad side) or its mean.",
    )
    quantile: float = spec(0.9, gt=0, lt=1, doc="The quantile of statistic: quantile.")
    trials: int = spec(360, ge=2, le=1_000_000, doc="Candidate plans evaluated in all.")
    batch: int = spec(
        24, ge=1, le=10_000, doc="Candidate plans proposed at once (evaluated in parallel)."
    )
    replications: int = spec(
        20,
        ge=2,
        le=100_000,
        doc="Replications per candidate: ensemble members 0 to N-1, one replication each, "
        "the same for every candidate.",
    )
    check_replications: int = spec(
        100,
        ge=10,
        le=1_000_000,
        doc="Replications on fresh members for each named plan (its robustness and the "
        "conditions under which it fails).",
    )
    safe_share: float = spec(
        0.8,
        gt=0,
        le=1,
        doc="Share of replications meeting the thresholds from which a plan is called safe.",
    )
    seed: int | None = spec(None, ge=0, le=2**63 - 1, doc="Root seed; null: the scenario's.")

    def _check(self) -> None:
        for i, name in enumerate(self.objectives):
            if name not in OBJECTIVES:
                hint = did_you_mean(name, OBJECTIVES)
                raise ScenarioError(
                    say(
                        "error.plan.unknown_objective",
                        name=quoted(name),
                        hint=hint,
                        known=listing(OBJECTIVES),
                    ),
                    path=f"objectives[{i}]",
                )
            if name in self.objectives[:i]:
                raise ScenarioError(
                    say("error.listed_twice", name=quoted(name)), path=f"objectives[{i}]"
                )
        if not self.objectives:
            raise ScenarioError(say("error.plan.no_objective"), path="objectives")


def load_settings(path: str | Path | None) -> OptimiseSettings:
    """Read an optimisation file (None: the defaults).

    Raises:
        ScenarioError: naming the file and the field.
    """
    if path is None:
        return OptimiseSettings()
    from simulation.scenario.loading import field_names, read_yaml

    data = read_yaml(path, fields=field_names(OptimiseSettings), what="optimisation")
    try:
        return OptimiseSettings.from_value(data or {})
    except ScenarioError as error:
        raise error.from_source(str(path)) from None


def plan_space(settings: OptimiseSettings, base: Scenario) -> PlanSpace:
    """The levers, fixed values and uncertainties of ``settings``, checked on ``base``.

    Every problem of the ``levers`` and ``uncertainties`` entries is reported at once.

    Raises:
        ScenarioError: listing each faulty entry (``levers.<name>``...).
    """
    problems: list[ScenarioError] = []
    by_name = {lever.name: lever for lever in DEFAULT_LEVERS}
    fixed: dict[str, Any] = {}
    for name, entry in settings.levers.items():
        try:
            lever = _changed_lever(by_name.get(name), name, entry, base)
        except ScenarioError as error:
            problems.append(error.inside(f"levers.{name}"))
            continue
        if isinstance(lever, Lever):
            by_name[name] = lever
        else:
            by_name.pop(name, None)
            if lever is not None:
                fixed.update(lever)
    levers = tuple(by_name.values())
    uncertainties = []
    for name, entry in settings.uncertainties.items():
        try:
            uncertainties.append(_uncertainty(name, entry, base))
        except ScenarioError as error:
            problems.append(error.inside(f"uncertainties.{name}"))
    for lever in levers:
        for problem in _check_lever(lever, base):
            problems.append(ScenarioError(problem, path=f"levers.{lever.name}"))
    if problems:
        if len(problems) == 1:
            raise problems[0]
        raise ScenarioError(
            say(
                "error.plan.problems",
                n=len(problems),
                problems=say("error.plan.separator").join(str(p) for p in problems),
            )
        )
    return PlanSpace(levers, MappingProxyType(fixed), tuple(uncertainties))


def _changed_lever(
    lever: Lever | None, name: str, entry: Any, base: Scenario
) -> Lever | dict[str, Any] | None:
    """The lever an entry makes, or the fixed values it sets, or None (kept as is)."""
    if isinstance(entry, Mapping) and "path" in entry:
        return _new_lever(name, entry, base)
    if lever is None:
        known = [lever.name for lever in DEFAULT_LEVERS]
        raise ScenarioError(
            say(
                "error.plan.unknown_lever",
                hint=did_you_mean(name, known),
                known=listing(known),
                example="{path: levers.peer_tutoring, low: 0, high: 1}",
            )
        )
    if entry == KEEP:
        return None
    if isinstance(entry, Mapping):
        if set(entry) != {"low", "high"}:
            raise ScenarioError(say("error.plan.range_form", form=range_form()))
        if lever.kind not in ("int", "float", "weight"):
            raise ScenarioError(say("error.plan.takes_choices", choices=show(list(lever.choices))))
        return dataclasses.replace(lever, low=float(entry["low"]), high=float(entry["high"]))
    if isinstance(entry, (list, tuple)):
        if lever.kind not in ("choice", "bool"):
            raise ScenarioError(say("error.plan.takes_range", range=RANGE))
        wrong = [c for c in entry if c not in lever.choices]
        if wrong or not entry:
            raise ScenarioError(
                say(
                    "error.plan.choices_among",
                    choices=show(list(lever.choices)),
                    given=show(list(entry)),
                )
            )
        if len(entry) == 1:
            return {lever.path: entry[0]}
        return dataclasses.replace(lever, choices=tuple(entry))
    return {lever.path: entry}


def _new_lever(name: str, entry: Mapping[str, Any], base: Scenario) -> Lever:
    allowed = {"path", "low", "high", "choices", "families"}
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ScenarioError(
            say("error.plan.lever_key", name=quoted(unknown[0]), allowed=show(sorted(allowed)))
        )
    path = str(entry["path"])
    hint = hint_at(Scenario, path)
    if hint is None:
        raise ScenarioError(say("error.plan.no_parameter", name=quoted(path)), path="path")
    families = tuple(entry.get("families", ()))
    if "choices" in entry:
        return Lever(name, path, "choice", choices=tuple(entry["choices"]), families=families)
    if "low" not in entry or "high" not in entry:
        raise ScenarioError(
            say("error.plan.new_lever", range="{path, low, high}", choices="{path, choices}")
        )
    kind = "int" if is_whole_number(hint) else "float"
    return Lever(name, path, kind, float(entry["low"]), float(entry["high"]), families=families)


def _uncertainty(name: str, entry: Any, base: Scenario) -> Uncertainty:
    if not isinstance(entry, Mapping) or not {"path", "low", "high"} <= set(entry):
        raise ScenarioError(
            say("error.plan.uncertainty_form", form="{path, low, high[, scale: true]}")
        )
    unknown = sorted(set(entry) - {"path", "low", "high", "scale"})
    if unknown:
        raise ScenarioError(
            say(
                "error.plan.uncertainty_key",
                name=quoted(unknown[0]),
                allowed="path, low, high, scale",
            )
        )
    path = str(entry["path"])
    if hint_at(Scenario, path) is None:
        raise ScenarioError(say("error.plan.no_parameter", name=quoted(path)), path="path")
    low, high = float(entry["low"]), float(entry["high"])
    if not low < high:
        raise ScenarioError(
            say("error.experiment.low_below_high", low=f"{low:g}", high=f"{high:g}")
        )
    uncertainty = Uncertainty(name, path, low, high, bool(entry.get("scale", False)))
    for bound in (low, high):
        try:
            PlanSpace((), uncertainties=(uncertainty,)).uncertain(base, [bound])
        except ScenarioError as error:
            raise ScenarioError(
                say("error.plan.at_bound", bound=f"{bound:g}", problem=error.problem),
                path=error.path,
            ) from None
    return uncertainty


def _check_lever(lever: Lever, base: Scenario) -> list[str]:
    """Problems with a lever's range or choices, tried on ``base`` at each end."""
    if lever.name == STRATEGY:
        wrong = [c for c in lever.choices if c not in FAMILIES]
        if not wrong:
            return []
        return [say("error.plan.strategy_choices", choices=show(list(FAMILIES)), given=show(wrong))]
    if lever.kind in ("int", "float", "weight"):
        if lever.low is None or lever.high is None or not lever.low < lever.high:
            return [say("error.experiment.low_below_high", low=lever.low, high=lever.high)]
        ends = [lever.low, lever.high]
    else:
        ends = list(lever.choices)
    if lever.kind == "weight":  # a share once divided by its table's sum: not tried
        return [] if lever.low >= 0 else [say("error.plan.weights_from_zero")]
    problems = []
    family = {"rollout.strategy": lever.families[0]} if lever.families else {}
    for end in ends:
        value = int(round(end)) if lever.kind == "int" else end
        try:
            base.override({lever.path: value, **family})
        except ScenarioError as error:
            problems.append(say("error.plan.at_value", value=show(value), problem=error.problem))
    return problems
