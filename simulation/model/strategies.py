"""Rollout strategies: which tool goes live for which service, and when.

A strategy turns a scenario into a :class:`RolloutPlan`, asked once a week which
(service, tool) pairs go live. The plan also says how loudly the rollout is
communicated, how long before a go-live training opens, and how much an
organisation-wide project frames the change (CNFPT 2018, section VI.A, "Le temps
du changement et de l'adaptation"):

* ``big_bang``: every tool for every service at one date, after a preparation
  period during which training runs; loud, framed by an administration project;
* ``small_steps``: one tool at a time, a pilot service first, then one service (or
  ``services_per_step``) every few weeks; discreet;
* ``short_cycle``: frequent small increments (a tool for a few services); the next
  increment waits while too few of the last one's staff use the tool;
* ``custom``: the explicit waves of the scenario file.

Small steps and short cycles take a tool's target services in the order of
``rollout.service_order`` (:func:`service_order`): as listed, by headcount, by
technophiles or by working relations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from simulation.i18n.words import phrases
from simulation.scenario.records import Scenario

NEVER = np.iinfo(np.int32).max
"""Go-live week of a pair that is not (yet) scheduled."""

DEFAULT_COMMUNICATION = {"big_bang": 1.0, "short_cycle": 0.6, "custom": 0.6, "small_steps": 0.3}
DEFAULT_TRAINING_LEAD = 2

UsageProbe = Callable[[np.ndarray], float]
"""Returns the share of the staff of the (service, tool) pairs in a mask who use the tool
(trying it or having adopted it)."""


class RolloutPlan:
    """Week-by-week schedule of go-lives for one run.

    Attributes:
        target: Pairs meant to go live at some point, bool array (S, T).
        go_live: Week each pair went live (:data:`NEVER` if not yet), int array (S, T).
        communication: Intensity of communication, 0-1.
        training_lead: Weeks before a go-live that training for it opens.
        framing: Meaning added by an organisation-wide project, 0-1.
    """

    def __init__(
        self, target: np.ndarray, communication: float, training_lead: int, framing: float = 0.0
    ) -> None:
        self.target = target
        self.go_live = np.full(target.shape, NEVER, dtype=np.int64)
        self.communication = communication
        self.training_lead = training_lead
        self.framing = framing

    def advance(self, week: int, usage_of: UsageProbe) -> np.ndarray:
        """Pairs going live at ``week`` (bool (S, T)); records their go-live week."""
        raise NotImplementedError

    def training_open(self, week: int) -> np.ndarray:
        """Pairs whose training is open at ``week`` (bool (S, T))."""
        raise NotImplementedError


class FixedPlan(RolloutPlan):
    """A plan whose go-live weeks are all known in advance."""

    def __init__(self, planned: np.ndarray, **kwargs) -> None:
        super().__init__(target=planned != NEVER, **kwargs)
        self.planned = planned

    def advance(self, week: int, usage_of: UsageProbe) -> np.ndarray:  # noqa: D102
        # "<=": pairs planned at week 0 (the state before the rollout) go live in week 1.
        due = (self.planned <= week) & (self.go_live == NEVER)
        self.go_live[due] = week
        return due

    def training_open(self, week: int) -> np.ndarray:  # noqa: D102
        return self.target & (self.planned - self.training_lead <= week)


class GatedCycles(RolloutPlan):
    """Increments every ``cycle`` weeks, each waiting for enough use of the last one.

    ``increments`` are disjoint masks of ``target`` (bool (S, T)), in rollout order.
    The next increment goes live once ``cycle`` weeks have passed since the last
    one *and* the share of the last one's staff using its tool has reached ``gate``
    (or ``max_wait`` weeks have passed, so that a stalled increment cannot freeze the
    plan).
    """

    def __init__(
        self,
        target: np.ndarray,
        increments: list[np.ndarray],
        start: int,
        cycle: int,
        gate: float,
        max_wait: int,
        **kwargs,
    ) -> None:
        super().__init__(target=target, **kwargs)
        self.increments = increments
        self.start, self.cycle, self.gate, self.max_wait = start, cycle, gate, max_wait
        self.done = 0
        self.last_week: int | None = None

    def _next_due(self) -> int:
        return self.start if self.last_week is None else self.last_week + self.cycle

    def advance(self, week: int, usage_of: UsageProbe) -> np.ndarray:  # noqa: D102
        due = np.zeros_like(self.target)
        if self.done >= len(self.increments) or week < self._next_due():
            return due
        waiting = self.last_week is not None and week < self.last_week + self.max_wait
        if waiting and usage_of(self.increments[self.done - 1]) < self.gate:
            return due
        due = self.increments[self.done] & (self.go_live == NEVER)
        self.go_live[due] = week
        self.done += 1
        self.last_week = week
        return due

    def training_open(self, week: int) -> np.ndarray:  # noqa: D102
        open_ = self.go_live != NEVER
        if self.done < len(self.increments) and week >= self._next_due() - self.training_lead:
            open_ = open_ | self.increments[self.done]
        return open_


def target_pairs(scenario: Scenario) -> np.ndarray:
    """Bool array (S, T): which tool is meant for which service."""
    names = scenario.organisation.service_names
    target = np.zeros((len(names), len(scenario.tools)), dtype=bool)
    for t, tool in enumerate(scenario.tools):
        for name in scenario.target_services(tool):
            target[names.index(name), t] = True
    return target


def make_plan(
    scenario: Scenario, technophiles: np.ndarray, target: np.ndarray | None = None
) -> RolloutPlan:
    """Build the rollout plan of the scenario's strategy.

    Args:
        scenario: The validated scenario.
        technophiles: Number of technophiles in each service, shape (S,), used to pick
            small-steps pilots and by the ``technophiles_first`` service order.
        target: ``target_pairs(scenario)`` if already derived (a short-cycle plan keeps
            this array as its own).
    """
    rollout = scenario.rollout
    strategy = rollout.strategy
    target = target_pairs(scenario) if target is None else target
    communication = (
        rollout.communication
        if rollout.communication is not None
        else DEFAULT_COMMUNICATION[strategy]
    )
    lead_default = (
        rollout.big_bang.preparation_weeks if strategy == "big_bang" else DEFAULT_TRAINING_LEAD
    )
    lead = rollout.training_lead_weeks if rollout.training_lead_weeks is not None else lead_default
    common = {"communication": communication, "training_lead": lead}
    start = rollout.start_week
    if strategy == "big_bang":
        planned = np.where(target, start + rollout.big_bang.preparation_weeks, NEVER)
        return FixedPlan(planned, framing=rollout.big_bang.project_framing, **common)
    if strategy == "small_steps":
        order = service_order(scenario, technophiles)
        return FixedPlan(_small_steps(scenario, target, technophiles, order), **common)
    if strategy == "short_cycle":
        cycle = rollout.short_cycle
        return GatedCycles(
            target,
            _increments(
                target, cycle.services_per_increment, service_order(scenario, technophiles)
            ),
            start=start,
            cycle=cycle.cycle_weeks,
            gate=cycle.usage_gate,
            max_wait=cycle.max_wait_weeks,
            **common,
        )
    return FixedPlan(_waves(scenario, target), **common)


def service_order(scenario: Scenario, technophiles: np.ndarray) -> np.ndarray:
    """The services in the order they receive a tool (``rollout.service_order``).

    ``listed`` keeps the order of ``organisation.services``; the other orders put first
    the services with the largest key (the smallest headcount for ``smallest_first``),
    equal keys in the listed order, so that the order depends on nothing else.

    Args:
        scenario: The validated scenario.
        technophiles: Number of technophiles in each service, shape (S,): the key of
            ``technophiles_first``.

    Returns:
        The service indices in rollout order, int array (S,).
    """
    organisation = scenario.organisation
    rule = scenario.rollout.service_order
    if rule == "listed":
        return np.arange(len(organisation.services))
    if rule in ("largest_first", "smallest_first"):
        # The headcounts the run has: rescaling to total_staff may make two of them equal.
        headcounts = np.array(organisation.headcounts(), dtype=np.float64)
        key = headcounts if rule == "largest_first" else -headcounts
    elif rule == "technophiles_first":
        key = np.asarray(technophiles, dtype=np.float64)
    else:
        key = _connection(scenario)
    # Stable: equal keys stay in the listed order.
    return np.argsort(-key, kind="stable")


def _connection(scenario: Scenario) -> np.ndarray:
    """Sum of the weights of each service's working relations, shape (S,)."""
    index = {name: s for s, name in enumerate(scenario.organisation.service_names)}
    strength = np.zeros(len(index))
    for relation in scenario.organisation.relations:
        for name in relation.between:
            strength[index[name]] += relation.weight
    # Weights are written as decimals: sums that are equal as written (0.1 + 0.2 and
    # 0.3) tie, and keep the listed order, whatever the rounding of their binary sums.
    return np.round(strength, 9)


def _small_steps(
    scenario: Scenario, target: np.ndarray, technophiles: np.ndarray, order: np.ndarray
) -> np.ndarray:
    """One tool at a time: its pilot, then its other services in ``order``, a step at a time."""
    plan = scenario.rollout.small_steps
    names = scenario.organisation.service_names
    step = plan.services_per_step
    planned = np.full(target.shape, NEVER, dtype=np.int64)
    week = scenario.rollout.start_week
    for t in range(target.shape[1]):
        services = order[target[order, t]].tolist()
        if not services:
            continue
        if plan.pilot_service is not None and names.index(plan.pilot_service) in services:
            pilot = names.index(plan.pilot_service)
        else:
            pilot = max(services, key=lambda s: (technophiles[s], -s))
        services.remove(pilot)
        planned[pilot, t] = week
        week += plan.pilot_weeks
        for first in range(0, len(services), step):
            planned[services[first : first + step], t] = week
            week += plan.interval_weeks
    return planned


def _increments(
    target: np.ndarray, per_increment: int, order: np.ndarray | None = None
) -> list[np.ndarray]:
    """Cut each tool's services into increments of ``per_increment`` services.

    Tool after tool, its target services in ``order`` (service indices; None: the
    listed order), ``per_increment`` at a time: the service of rank ``r`` in tool
    ``t``'s column is in increment ``r // per_increment`` after those of the tools
    before ``t`` (all masks at once, as views of one array).
    """
    if order is None:
        rank = np.cumsum(target, axis=0) - 1
    else:
        rank = np.empty(target.shape, dtype=np.int64)
        rank[order] = np.cumsum(target[order], axis=0) - 1
    per_tool = -(-target.sum(axis=0) // per_increment)
    first = np.cumsum(per_tool) - per_tool
    number = np.where(target, first + rank // per_increment, -1)
    return list(number == np.arange(per_tool.sum())[:, None, None])


def _waves(scenario: Scenario, target: np.ndarray) -> np.ndarray:
    """Earliest wave week of each pair; a wave applies only to pairs in the target."""
    names = scenario.organisation.service_names
    tools = [t.name for t in scenario.tools]
    planned = np.full(target.shape, NEVER, dtype=np.int64)
    for wave in scenario.rollout.waves:
        rows = (
            range(len(names)) if wave.services == "all" else [names.index(s) for s in wave.services]
        )
        cols = range(len(tools)) if wave.tools == "all" else [tools.index(t) for t in wave.tools]
        block = np.ix_(list(rows), list(cols))
        planned[block] = np.minimum(planned[block], wave.week)
    return np.where(target, planned, NEVER)


@dataclasses.dataclass(frozen=True)
class Shortfall:
    """Target go-lives a plan cannot deliver within the horizon, counted before any run.

    Attributes:
        strategy: The plan's strategy.
        target: The plan's target (service, tool) pairs.
        horizon: The scenario's horizon, weeks.
        unplanned: Target pairs in no wave (custom plans): they never go live.
        late: Target pairs planned after the horizon (fixed plans), or in the short-cycle
            increments that cannot start before it even if no increment waits on the
            usage gate (a lower bound: waiting cuts off more).
        increments: Short cycles only: the plan's increments.
        last_week: Short cycles only: the earliest week the last increment can go live.
    """

    strategy: str
    target: int
    horizon: int
    unplanned: int = 0
    late: int = 0
    increments: int | None = None
    last_week: int | None = None

    @property
    def missing(self) -> int:
        """Target pairs that will not be live at the horizon (at least, for short cycles)."""
        return self.unplanned + self.late

    def notes(self, lang: str = "en") -> list[str]:
        """The shortfall in words (none if the plan delivers every go-live)."""
        words = phrases("report.compare.plan_note", lang)
        out = []
        if self.unplanned:
            out.append(words["unplanned"].format(n=self.unplanned, total=self.target))
        if self.late and self.increments is not None:
            out.append(
                words["cycles"].format(
                    n=self.late,
                    total=self.target,
                    increments=self.increments,
                    last=self.last_week,
                    horizon=self.horizon,
                )
            )
        elif self.late:
            out.append(words["late"].format(n=self.late, total=self.target, horizon=self.horizon))
        return out


def shortfall(scenario: Scenario) -> Shortfall:
    """What the scenario's plan cannot deliver within its horizon (see :class:`Shortfall`).

    Fixed plans are computed as they will run (small-steps pilots and the
    ``technophiles_first`` order use the expected number of technophiles per service,
    which changes which service goes live when, not how many go live by each week);
    for short cycles the earliest possible week of each increment (no waiting on the
    usage gate) is used, and their number does not depend on the service order.
    """
    target = target_pairs(scenario)
    total = int(target.sum())
    horizon = scenario.horizon_weeks
    strategy = scenario.rollout.strategy
    if strategy == "short_cycle":
        cycle = scenario.rollout.short_cycle
        increments = _increments(target, cycle.services_per_increment)
        # The first increment goes live in week 1 at the earliest (week 0 is the state
        # before the rollout), then one every cycle at best.
        first = max(scenario.rollout.start_week, 1)
        weeks = [first + k * cycle.cycle_weeks for k in range(len(increments))]
        late = sum(
            int(mask.sum()) for mask, week in zip(increments, weeks, strict=True) if week > horizon
        )
        return Shortfall(
            strategy,
            total,
            horizon,
            late=late,
            increments=len(increments),
            last_week=weeks[-1] if weeks else None,
        )
    mix = np.array(
        [
            (service.profile_mix or scenario.profile_mix).technophile * headcount
            for service, headcount in zip(
                scenario.organisation.services, scenario.organisation.headcounts(), strict=True
            )
        ]
    )
    planned = make_plan(scenario, mix).planned  # type: ignore[attr-defined]
    return Shortfall(
        strategy,
        total,
        horizon,
        unplanned=int((target & (planned == NEVER)).sum()),
        late=int((target & (planned != NEVER) & (planned > horizon)).sum()),
    )


def schedule_notes(scenario: Scenario, lang: str = "en") -> list[str]:
    """Warnings about a plan that cannot deliver every target go-live within the horizon."""
    return shortfall(scenario).notes(lang)


def plan_strategies(scenario: Scenario) -> tuple[str, ...]:
    """The strategies whose plans can be checked for the scenario.

    The three built-in ones, and ``custom`` when the scenario has waves (a custom plan
    needs them).
    """
    built_in = ("big_bang", "small_steps", "short_cycle")
    return built_in + (("custom",) if scenario.rollout.waves else ())


def go_live_table(
    plan: RolloutPlan, service_names: tuple[str, ...], scenario: Scenario
) -> pd.DataFrame:
    """Go-live week of each (service, tool) pair so far (missing: not live).

    Columns: service, tool, go_live_week; pairs in the target or already live.
    """
    go_live = plan.go_live
    rows = [
        {
            "service": service,
            "tool": tool.name,
            "go_live_week": None if go_live[s, t] == NEVER else int(go_live[s, t]),
        }
        for s, service in enumerate(service_names)
        for t, tool in enumerate(scenario.tools)
        if plan.target[s, t] or go_live[s, t] != NEVER
    ]
    return pd.DataFrame(rows, columns=["service", "tool", "go_live_week"])
