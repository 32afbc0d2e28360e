"""The space of rollout plans searched by ``transnum optimise``: levers and uncertainties.

A *lever* is a decision the directorate takes (a rollout setting or a change-management
lever), declared as data: the scenario field it sets, its kind and its range. Levers of
one strategy family (big bang's preparation, short cycles' usage gate...) are searched
only when that family is drawn: the space is conditional. An *uncertainty* is an input
the directorate does not control (the profile mix it actually has, the share of the
planned training capacity actually available); it is drawn once per replication, the
same for every candidate plan (common random numbers), and it is what scenario
discovery (:mod:`simulation.experiments.discovery`) explains failures with.

:data:`DEFAULT_LEVERS` gives every lever with its default range (an assumption: wide
enough to hold the study's plans and the usual practice of a collectivité, narrow
enough to stay plausible); an optimisation file narrows, fixes or adds levers
(:mod:`simulation.experiments.plan_settings`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from simulation.scenario.profiles import PROFILES
from simulation.scenario.records import Scenario
from simulation.scenario.rollout import SERVICE_ORDERS
from simulation.scenario.schema import field_number, value_at

LeverKind = Literal["int", "float", "bool", "choice", "weight"]
FAMILIES: tuple[str, ...] = ("big_bang", "small_steps", "short_cycle")
"""Strategy families the search draws from (a custom plan has no settings to tune)."""
STRATEGY = "strategy"
"""Name of the lever that draws the strategy family."""


@dataclasses.dataclass(frozen=True)
class Lever:
    """One decision variable of the plan search.

    Attributes:
        name: Its name in tables and in Optuna's study (a scenario field's last part).
        path: The dotted scenario path it sets.
        kind: ``int`` or ``float`` (a range ``low``-``high``), ``bool``, ``choice`` (one
            of ``choices``) or ``weight`` (a number from ``low`` to ``high``; the weights
            of one table, such as the training modes' mix, are divided by their sum).
        low: Smallest value (ranges and weights).
        high: Largest value.
        choices: The values a ``choice`` takes.
        families: Strategy families it applies to (empty: every family).
        doc: What it decides, in a few words.
    """

    name: str
    path: str
    kind: LeverKind
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] = ()
    families: tuple[str, ...] = ()
    doc: str = ""

    def applies(self, family: str) -> bool:
        """Whether the lever is searched when the plan's family is ``family``."""
        return not self.families or family in self.families

    @property
    def group(self) -> str:
        """The table a weight belongs to (its path without the last part)."""
        return self.path.rsplit(".", 1)[0]


def _lever(name: str, path: str, kind: LeverKind, bounds: Any, doc: str, *families: str) -> Lever:
    if kind in ("choice",):
        return Lever(name, path, kind, choices=tuple(bounds), families=families, doc=doc)
    if kind == "bool":
        return Lever(name, path, kind, choices=(False, True), families=families, doc=doc)
    low, high = bounds
    return Lever(name, path, kind, float(low), float(high), families=families, doc=doc)


DEFAULT_LEVERS: tuple[Lever, ...] = (
    _lever(STRATEGY, "rollout.strategy", "choice", FAMILIES, "strategy family"),
    _lever(
        "preparation_weeks",
        "rollout.big_bang.preparation_weeks",
        "int",
        (4, 52),
        "weeks of preparation and training before the single go-live",
        "big_bang",
    ),
    _lever(
        "project_framing",
        "rollout.big_bang.project_framing",
        "float",
        (0, 1),
        "how much the administration project frames the big bang",
        "big_bang",
    ),
    _lever(
        "pilot_weeks",
        "rollout.small_steps.pilot_weeks",
        "int",
        (2, 26),
        "weeks a pilot runs before a tool is extended",
        "small_steps",
    ),
    _lever(
        "interval_weeks",
        "rollout.small_steps.interval_weeks",
        "int",
        (1, 12),
        "weeks between two go-lives",
        "small_steps",
    ),
    _lever(
        "services_per_step",
        "rollout.small_steps.services_per_step",
        "int",
        (1, 8),
        "services receiving a tool at each step",
        "small_steps",
    ),
    _lever(
        "cycle_weeks",
        "rollout.short_cycle.cycle_weeks",
        "int",
        (1, 12),
        "shortest time between two increments",
        "short_cycle",
    ),
    _lever(
        "services_per_increment",
        "rollout.short_cycle.services_per_increment",
        "int",
        (1, 12),
        "services receiving a tool in one increment",
        "short_cycle",
    ),
    _lever(
        "usage_gate",
        "rollout.short_cycle.usage_gate",
        "float",
        (0, 0.8),
        "share of the last increment's staff using its tool before the next one",
        "short_cycle",
    ),
    _lever(
        "max_wait_weeks",
        "rollout.short_cycle.max_wait_weeks",
        "int",
        (1, 16),
        "longest wait for the usage gate",
        "short_cycle",
    ),
    _lever(
        "service_order",
        "rollout.service_order",
        "choice",
        SERVICE_ORDERS,
        "order in which services receive the tools",
        "small_steps",
        "short_cycle",
    ),
    _lever(
        "training_capacity",
        "levers.training_capacity",
        "float",
        (5, 120),
        "in-person trainer hours a week",
    ),
    *(
        _lever(
            f"mix_{mode}",
            f"levers.training_mix.{mode}",
            "weight",
            (0, 1),
            f"weight of {mode} training in the trainer hours",
        )
        for mode in ("vendor", "internal", "action")
    ),
    _lever(
        "e_learning_hours",
        "levers.e_learning_hours",
        "float",
        (0, 3),
        "e-learning hours offered a week",
    ),
    _lever(
        "referent_share",
        "levers.referent_share",
        "float",
        (0, 0.1),
        "share of staff appointed referents",
    ),
    _lever("communication", "rollout.communication", "float", (0, 1), "intensity of communication"),
    _lever(
        "staff_involvement",
        "levers.staff_involvement",
        "float",
        (0, 1),
        "involvement of staff in designing the tools",
    ),
    _lever(
        "right_to_disconnect",
        "levers.right_to_disconnect",
        "bool",
        None,
        "right-to-disconnect charter",
    ),
)
"""Every lever of the default search, with its default range (assumption)."""


@dataclasses.dataclass(frozen=True)
class Uncertainty:
    """An input the plan does not control, drawn once per replication.

    Attributes:
        name: Its name in tables (by default its path).
        path: The dotted scenario path it sets.
        low: Smallest value.
        high: Largest value.
        scale: If true, the value multiplies the plan's own value of ``path`` (for
            example the share of the planned training capacity actually available);
            otherwise it replaces it. A profile's share (``profile_mix.<profile>``)
            rescales the other two so that the mix still sums to 1.
    """

    name: str
    path: str
    low: float
    high: float
    scale: bool = False


@dataclasses.dataclass(frozen=True)
class PlanSpace:
    """The levers searched, the values held fixed, and the uncertainties."""

    levers: tuple[Lever, ...]
    fixed: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    uncertainties: tuple[Uncertainty, ...] = ()

    @property
    def families(self) -> tuple[str, ...]:
        """The strategy families searched (or the one fixed)."""
        for lever in self.levers:
            if lever.name == STRATEGY:
                return tuple(lever.choices)
        return (str(self.fixed.get("rollout.strategy", "short_cycle")),)

    @property
    def paths(self) -> frozenset[str]:
        """Every scenario path the plan sets (levers and fixed values)."""
        return frozenset({lever.path for lever in self.levers} | set(self.fixed))

    def suggest(self, trial: Any) -> dict[str, Any]:
        """Draw a plan's lever values from an Optuna ``trial`` (conditional on its family).

        Returns:
            Lever name -> value, for the levers of the drawn family only.
        """
        values: dict[str, Any] = {}
        by_name = {lever.name: lever for lever in self.levers}
        if STRATEGY in by_name:
            values[STRATEGY] = trial.suggest_categorical(STRATEGY, list(by_name[STRATEGY].choices))
        family = str(values.get(STRATEGY, self.families[0]))
        for lever in self.levers:
            if lever.name == STRATEGY or not lever.applies(family):
                continue
            if lever.kind == "int":
                values[lever.name] = trial.suggest_int(lever.name, int(lever.low), int(lever.high))
            elif lever.kind in ("float", "weight"):
                values[lever.name] = trial.suggest_float(lever.name, lever.low, lever.high)
            else:
                values[lever.name] = trial.suggest_categorical(lever.name, list(lever.choices))
        return values

    def overrides(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The scenario changes of a plan: dotted path -> value.

        Weights of one table become shares summing to 1 (equal shares if all are 0),
        rounded to 1e-6 so that the plan's file reads well and loads to the same mix.
        """
        changes: dict[str, Any] = dict(self.fixed)
        weights: dict[str, dict[str, float]] = {}
        for lever in self.levers:
            if lever.name not in values:
                continue
            value = values[lever.name]
            if lever.kind == "weight":
                weights.setdefault(lever.group, {})[lever.path] = float(value)
            elif lever.kind in ("int", "float"):
                changes[lever.path] = field_number(Scenario, lever.path, value)
            else:
                changes[lever.path] = value
        for table in weights.values():
            changes.update(_shares(table))
        return changes

    def plan(self, base: Scenario, values: Mapping[str, Any]) -> Scenario:
        """``base`` under the plan of lever ``values`` (validated)."""
        return base.override(self.overrides(values))

    def draw_uncertainties(self, seed: np.random.SeedSequence, n: int) -> np.ndarray:
        """``n`` draws of the uncertainties, one row per replication (Latin hypercube).

        Row ``r`` is replication ``r``'s: the same for every candidate plan. The draw
        depends on ``seed`` and ``n`` only.
        """
        if not self.uncertainties:
            return np.empty((n, 0))
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(self.uncertainties), rng=np.random.default_rng(seed))
        sample = unit.random(n)
        low = np.array([u.low for u in self.uncertainties])
        high = np.array([u.high for u in self.uncertainties])
        return low + sample * (high - low)

    def uncertain_changes(self, scenario: Scenario, row: Sequence[float]) -> dict[str, Any]:
        """The changes one replication's draw of the uncertainties makes to ``scenario``."""
        changes: dict[str, Any] = {}
        for uncertainty, value in zip(self.uncertainties, row, strict=True):
            changes.update(_uncertain_change(scenario, uncertainty, float(value)))
        return changes

    def uncertain(self, scenario: Scenario, row: Sequence[float]) -> Scenario:
        """``scenario`` with one replication's draw of the uncertainties applied."""
        if not self.uncertainties:
            return scenario
        return scenario.override(self.uncertain_changes(scenario, row))


def _shares(weights: Mapping[str, float]) -> dict[str, float]:
    """Weights by path as shares summing to exactly 1 (the last takes the remainder)."""
    paths = list(weights)
    total = sum(weights.values())
    shares = [weights[p] / total if total > 0 else 1 / len(paths) for p in paths]
    rounded = [round(s, 6) for s in shares[:-1]]
    return {**dict(zip(paths, rounded, strict=False)), paths[-1]: round(1 - sum(rounded), 6)}


def _uncertain_change(scenario: Scenario, u: Uncertainty, value: float) -> dict[str, Any]:
    head, _, last = u.path.rpartition(".")
    if u.scale:
        current = value_at(scenario, u.path)
        return {u.path: field_number(Scenario, u.path, float(current) * value)}
    if head == "profile_mix" and last in PROFILES:
        mix = scenario.profile_mix
        others = [p for p in PROFILES if p != last]
        rest = sum(getattr(mix, p) for p in others)
        share = min(max(value, 0.0), 1.0)
        out = {
            f"profile_mix.{p}": round((1 - share) * (getattr(mix, p) / rest if rest else 1 / 2), 6)
            for p in others
        }
        out[u.path] = round(1 - sum(out.values()), 6)
        return out
    return {u.path: field_number(Scenario, u.path, value)}
