"""Levers in a run: what follows from them, at set-up and at each lever change.

A scenario's ``lever_changes`` give some levers new values from a week on
(:mod:`simulation.scenario.changes`): the step of that week is the first to see them.
The run then re-derives exactly what depends on the levers: the mechanisms'
coefficients (:func:`simulation.model.inputs.coefficients`), the services'
managerial backing and training priority, and the staff's tutor weights, meaning and
external support
(:func:`set_lever_state`, the set-up's own operations). Nothing is drawn, so the
random streams stay those of the run without changes; the levers that only the
set-up reads (referents, mobility posts) cannot change. A change of the training mix
also moves the unit costs of the trainer hours from its week on
(:func:`simulation.model.costs.trainer_hour_rates`, derived with the scenario).

:func:`apply` is called by ``TransitionModel.step`` and by the batched engine alike,
before the step of the change's week, so that both give the same numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from simulation.model.inputs import Coefficients, coefficients
from simulation.model.population import TECHNOPHILE
from simulation.model.state import Services, StaffState
from simulation.model.strategies import RolloutPlan
from simulation.scenario.parameters import Behaviour, Levers
from simulation.scenario.records import Scenario

if TYPE_CHECKING:
    from simulation.model.engine import Run


class Change(NamedTuple):
    """One lever change as a run applies it (shared by all runs of a scenario).

    Attributes:
        week: Week whose step first sees the new levers.
        levers: All levers in force from that week (the earlier changes included).
        coefficients: The mechanisms' coefficients under ``levers``.
        backing: Managerial backing of each service under ``levers`` (S,).
        priority: Whether each service's staff are trained right after the referents
            under ``levers`` (S,).
    """

    week: int
    levers: Levers
    coefficients: Coefficients
    backing: np.ndarray
    priority: np.ndarray


def scheduled(scenario: Scenario) -> tuple[Change, ...]:
    """The scenario's lever changes, derived once, in week order (empty without any)."""
    changes = []
    for change in scenario.lever_changes:
        levers = scenario.levers_from(change.week)
        changes.append(
            Change(
                week=change.week,
                levers=levers,
                coefficients=coefficients(scenario, levers),
                backing=service_backing(scenario, levers),
                priority=service_priority(scenario, levers),
            )
        )
    return tuple(changes)


def apply(
    run: Run,
    change: Change,
    plan: RolloutPlan,
    service_of: np.ndarray,
    behaviour: Behaviour,
) -> Run:
    """Apply ``change`` to ``run``: its arrays in place, and the run with the new coefficients.

    Args:
        run: The run, stepped up to the week before ``change.week``.
        change: The change.
        plan: The run's rollout plan.
        service_of: Each staff member's service at set-up (N,).
        behaviour: The scenario's behavioural parameters.

    Returns:
        ``run`` with ``change.coefficients`` (the same arrays, written in place).
    """
    run.services.backing[:] = change.backing
    run.services.priority[:] = change.priority
    set_lever_state(run.staff, run.services, plan, service_of, behaviour, change.levers)
    return run._replace(coefficients=change.coefficients)


def service_backing(scenario: Scenario, levers: Levers) -> np.ndarray:
    """Managerial backing of each service (S,): its own value, else ``levers.manager_backing``."""
    return np.array(
        [
            s.manager_backing if s.manager_backing is not None else levers.manager_backing
            for s in scenario.organisation.services
        ],
        dtype=np.float64,
    )


def service_priority(scenario: Scenario, levers: Levers) -> np.ndarray:
    """Whether each service is in ``levers.training_priority`` (S,), in service order."""
    chosen = set(levers.training_priority)
    return np.array([s.name in chosen for s in scenario.organisation.services], dtype=bool)


def set_lever_state(
    state: StaffState,
    services: Services,
    plan: RolloutPlan,
    service_of: np.ndarray,
    behaviour: Behaviour,
    levers: Levers,
) -> None:
    """Write the staff arrays that follow from the levers (at set-up and at a lever change).

    Tutor weights, the project's meaning and the external support, from the levers,
    the plan's communication and framing and the services' backing (``services.backing``,
    already set). The same operations at set-up and at a change, so that a change to
    the values in force leaves every number as it was.

    Args:
        state: The staff's state, written in place.
        services: The services (their ``backing``).
        plan: The rollout plan (its ``communication`` and ``framing``).
        service_of: Each staff member's service at set-up (N,): external support
            stays that of the service one started in.
        behaviour: The behavioural parameters.
        levers: The levers in force.
    """
    tutors = state.is_referent | (state.profile == TECHNOPHILE)
    state.tutor_weight[tutors] = 1.0 + levers.peer_tutoring * behaviour.tutor_extra_weight
    meaning = levers.project_meaning + plan.framing * (1.0 - levers.project_meaning)
    state.meaning[:] = meaning
    # External support: the mean of the levers that push towards trying (see adoption),
    # which differ only by service (the same operations as per staff member).
    pushes: tuple[float | np.ndarray, ...] = (
        plan.communication,
        meaning,
        services.backing,
        float(levers.business_project_lead),
        levers.staff_involvement,
    )
    external = behaviour.external_influence * (sum(pushes) / len(pushes))
    np.take(external, service_of, out=state.external)
