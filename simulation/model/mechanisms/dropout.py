"""Dropout: staff who refuse the change or stay under high strain leave or ask for mobility.

Each week an active staff member leaves (external or internal mobility) with
probability

    P(leave) = (dropout_strain_rate * [high_weeks_i >= sustained_strain_weeks]
              + dropout_refusal_rate * [refusal_weeks_i >= refusal_weeks])
             * (1 - backing_protection * backing[service(i)])

CNFPT 2018, section IV.D: "5 to 10 % of staff do not accept these changes and must
be accompanied towards internal, or even external, mobility"; section IV.A: "some
left because they did not think they would make it". Rates are assumptions
calibrated to that range; managerial backing protects (section IV.B).

Their work stays with the service: the remaining staff's workload becomes

    workload[s] = initial_staff[s] / active_staff[s]

(overload cascades, Casiraghi, Zingg & Schweitzer 2021), which raises their demands.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from simulation.model.coefficients import gather
from simulation.model.state import Services, StaffState
from simulation.scenario.behaviour import Behaviour


class DropoutCoefficients(NamedTuple):
    """Coefficients of the dropout mechanism."""

    dropout_strain_rate: float  # 1/week under sustained high strain
    dropout_refusal_rate: float  # 1/week while refusing
    sustained_strain_weeks: int
    refusal_weeks: int
    backing_protection: float  # share of the hazard removed at full backing


def coefficients(behaviour: Behaviour) -> DropoutCoefficients:
    """Dropout coefficients from the scenario's behaviour."""
    return gather(DropoutCoefficients, behaviour)


@njit(cache=True)
def drop_out(staff: StaffState, services: Services, week: int, c: DropoutCoefficients) -> int:
    """Draw this week's departures in place (``active``, ``departed_week``); return how many left.

    ``draw`` holds the week's uniforms.
    """
    active, departed_week, draw = staff.active, staff.departed_week, staff.draw
    high_weeks, refusal_weeks, service = staff.high_weeks, staff.refusal_weeks, staff.service
    backing = services.backing
    left = 0
    for i in range(active.size):
        if not active[i]:
            continue
        hazard = 0.0
        if high_weeks[i] >= c.sustained_strain_weeks:
            hazard += c.dropout_strain_rate
        if refusal_weeks[i] >= c.refusal_weeks:
            hazard += c.dropout_refusal_rate
        hazard *= 1.0 - c.backing_protection * backing[service[i]]
        if draw[i] < hazard:
            active[i] = False
            departed_week[i] = week
            left += 1
    return left


def shift_workload(staff: StaffState, services: Services) -> None:
    """Set each service's workload from its remaining staff (>= 1), in place."""
    active_staff = np.bincount(staff.service[staff.active], minlength=services.workload.size)
    services.workload[...] = services.initial_staff / np.maximum(active_staff, 1)
