"""The rollout plan as arrays, advanced inside the compiled weekly step.

:mod:`simulation.model.strategies` builds a :class:`~simulation.model.strategies.RolloutPlan`
from the scenario: its Python classes are the readable statement of each strategy.
A run hands the compiled weekly step (:mod:`simulation.model.engine`) the same plan as
a :class:`PlanState`, a ``NamedTuple`` of arrays, so that a week needs no call back
into Python. :func:`advance` and :func:`open_training` do, for both kinds of plan,
exactly what ``RolloutPlan.advance`` and ``RolloutPlan.training_open`` do (a test
runs both side by side):

* **fixed** plans (big bang, small steps, custom waves): pair ``(s, t)`` goes live at
  ``planned[s, t]`` (pairs planned at week 0 or before go live in week 1); its
  training opens ``training_lead`` weeks earlier;
* **gated** plans (short cycles): increment ``k`` (``increment[s, t] == k``) goes live
  once ``cycle`` weeks have passed since the last one and the share of the last
  increment's active staff using its tool has reached ``gate``, or ``max_wait`` weeks
  have passed.

The share in use is read from the services' tallies of the last observation
(``Services.used`` over ``Services.active_staff``), as ``TransitionModel`` always did.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from simulation.model.state import Services
from simulation.model.strategies import NEVER, GatedCycles, RolloutPlan

FIXED, GATED = 0, 1
"""Codes of :attr:`PlanState.kind`."""
NO_INCREMENT = -1


class PlanState(NamedTuple):
    """One run's rollout plan, as the compiled step reads and writes it.

    ``go_live`` is the plan's own array (``RolloutPlan.go_live``), written in place.
    """

    settings: np.ndarray  # int64 (6,): kind, training_lead, start, cycle, max_wait, increments
    gate: np.ndarray  # float (1,): usage share the next increment waits for (gated)
    progress: np.ndarray  # int64 (2,): increments done, week of the last (-1: none yet)
    target: np.ndarray  # bool (S, T): pairs meant to go live
    planned: np.ndarray  # int64 (S, T): go-live week of each pair (fixed; NEVER: none)
    increment: np.ndarray  # int64 (S, T): increment of each pair (gated; -1: none)
    go_live: np.ndarray  # int64 (S, T): week each pair went live (NEVER: not yet)


def plan_state(plan: RolloutPlan) -> PlanState:
    """The arrays of ``plan`` for the compiled step (sharing its ``go_live``)."""
    shape = plan.target.shape
    increment = np.full(shape, NO_INCREMENT, dtype=np.int64)
    planned = np.full(shape, NEVER, dtype=np.int64)
    if isinstance(plan, GatedCycles):
        for k, mask in enumerate(plan.increments):
            increment[mask] = k
        kind, start, cycle, max_wait = GATED, plan.start, plan.cycle, plan.max_wait
        n_increments, gate = len(plan.increments), plan.gate
        last = -1 if plan.last_week is None else plan.last_week
        progress = np.array([plan.done, last], dtype=np.int64)
    else:
        planned[...] = plan.planned  # type: ignore[attr-defined]
        kind, start, cycle, max_wait, n_increments, gate = FIXED, 0, 0, 0, 0, 0.0
        progress = np.zeros(2, dtype=np.int64)
    settings = np.array(
        [kind, plan.training_lead, start, cycle, max_wait, n_increments], dtype=np.int64
    )
    return PlanState(
        settings=settings,
        gate=np.array([float(gate)]),
        progress=progress,
        target=np.ascontiguousarray(plan.target, dtype=bool),
        planned=planned,
        increment=increment,
        go_live=plan.go_live,
    )


@njit(cache=True, error_model="numpy")
def advance(plan: PlanState, week: int, services: Services, due: np.ndarray) -> None:
    """Pairs going live at ``week`` into ``due`` (bool (S, T)); records their go-live week."""
    go_live = plan.go_live
    n_services, n_tools = go_live.shape
    due[...] = False
    if plan.settings[0] == FIXED:
        planned = plan.planned
        for s in range(n_services):
            for t in range(n_tools):
                if planned[s, t] <= week and go_live[s, t] == NEVER:
                    due[s, t] = True
                    go_live[s, t] = week
        return
    done, last = plan.progress[0], plan.progress[1]
    if done >= plan.settings[5] or week < _next_due(plan):
        return
    waiting = last >= 0 and week < last + plan.settings[4]
    if waiting and _usage(plan.increment, done - 1, services) < plan.gate[0]:
        return
    increment = plan.increment
    for s in range(n_services):
        for t in range(n_tools):
            if increment[s, t] == done and go_live[s, t] == NEVER:
                due[s, t] = True
                go_live[s, t] = week
    plan.progress[0] = done + 1
    plan.progress[1] = week


@njit(cache=True, error_model="numpy")
def open_training(plan: PlanState, week: int, out: np.ndarray) -> None:
    """Pairs whose training is open at ``week`` into ``out`` (bool (S, T))."""
    go_live = plan.go_live
    n_services, n_tools = go_live.shape
    lead = plan.settings[1]
    if plan.settings[0] == FIXED:
        target, planned = plan.target, plan.planned
        for s in range(n_services):
            for t in range(n_tools):
                out[s, t] = target[s, t] and planned[s, t] - lead <= week
        return
    done = plan.progress[0]
    upcoming = done < plan.settings[5] and week >= _next_due(plan) - lead
    increment = plan.increment
    for s in range(n_services):
        for t in range(n_tools):
            out[s, t] = go_live[s, t] != NEVER or (upcoming and increment[s, t] == done)


@njit(cache=True, error_model="numpy")
def pairs_live(target: np.ndarray, go_live: np.ndarray) -> tuple[int, int]:
    """Target pairs live so far, and target pairs.

    Args:
        target: Bool (S, T): the tools meant for each service (``Services.target``),
            pairs that a custom plan puts in no wave included (they never go live).
        go_live: The plan's go-live weeks (S, T) (:data:`NEVER`: not live).
    """
    n_services, n_tools = go_live.shape
    live = 0
    total = 0
    for s in range(n_services):
        for t in range(n_tools):
            if target[s, t]:
                total += 1
                if go_live[s, t] != NEVER:
                    live += 1
    return live, total


@njit(cache=True, error_model="numpy")
def _next_due(plan: PlanState) -> int:
    last = plan.progress[1]
    return plan.settings[2] if last < 0 else last + plan.settings[3]


@njit(cache=True, error_model="numpy")
def _usage(increment: np.ndarray, k: int, services: Services) -> float:
    """Share of the active staff of increment ``k``'s pairs using the pair's tool."""
    used, active = services.used, services.active_staff
    n_services, n_tools = increment.shape
    staff = 0.0
    users = 0.0
    for s in range(n_services):
        for t in range(n_tools):
            if increment[s, t] == k:
                staff += active[s]
                users += used[s, t]
    return users / staff if staff > 0 else 1.0
