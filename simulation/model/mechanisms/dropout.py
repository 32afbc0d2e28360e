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

from simulation.scenario.parameters import Behaviour


class DropoutCoefficients(NamedTuple):
    """Coefficients of the dropout mechanism."""

    strain_rate: float
    refusal_rate: float
    sustained_weeks: int
    refusal_weeks: int
    protection: float


def coefficients(behaviour: Behaviour) -> DropoutCoefficients:
    """Dropout coefficients from the scenario's behaviour."""
    return DropoutCoefficients(
        strain_rate=behaviour.dropout_strain_rate,
        refusal_rate=behaviour.dropout_refusal_rate,
        sustained_weeks=behaviour.sustained_strain_weeks,
        refusal_weeks=behaviour.refusal_weeks,
        protection=behaviour.backing_protection,
    )


@njit(cache=True)
def drop_out(
    active: np.ndarray,
    departed_week: np.ndarray,
    high_weeks: np.ndarray,
    refusal_weeks: np.ndarray,
    service: np.ndarray,
    backing: np.ndarray,
    uniforms: np.ndarray,
    week: int,
    c: DropoutCoefficients,
) -> int:
    """Draw this week's departures in place; return how many left."""
    left = 0
    for i in range(active.size):
        if not active[i]:
            continue
        hazard = 0.0
        if high_weeks[i] >= c.sustained_weeks:
            hazard += c.strain_rate
        if refusal_weeks[i] >= c.refusal_weeks:
            hazard += c.refusal_rate
        hazard *= 1.0 - c.protection * backing[service[i]]
        if uniforms[i] < hazard:
            active[i] = False
            departed_week[i] = week
            left += 1
    return left


def workload(initial_staff: np.ndarray, active_staff: np.ndarray) -> np.ndarray:
    """Workload of each service's remaining staff, relative to before (>= 1)."""
    return initial_staff / np.maximum(active_staff, 1)
