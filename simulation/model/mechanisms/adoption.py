"""Adoption: staged transitions between not using, trying, adopted and back to paper.

For a live tool, a staff member who does not use it (unaware, or reverted to paper)
starts trying it with the weekly probability of a discrete Bass hazard (Bass 1969),
held back by fear of failure when not yet proficient:

    P(try) = (p_i + q * A[i, t]) * (1 - fear_i * (1 - m[i, t])) * (1 - w_a * (1 - a_i))

* ``p_i = external_influence * support_i``: external influence, with
  ``support_i`` the mean of communication, meaning, the service's managerial backing,
  a business-side project lead (0/1) and staff involvement (CNFPT 2018, sections
  IV.A-IV.B and VI.A);
* ``q = peer_influence`` and ``A[i, t]``: share of i's active neighbours who adopted t;
* ``fear_i``: fear of failure of i's profile (section VI.A);
* ``a_i``: i's acculturation (:mod:`~simulation.model.mechanisms.acculturation`), with
  weight ``w_a = acculturation_trying``: staff who have not yet understood the sense
  of the project are slower to try its tools (section VI.A; intention to use follows
  acceptance, TAM, Davis 1989).

A trying staff member adopts once proficiency reaches ``adoption_threshold`` (a
staff member who starts trying already that proficient adopts at once). Users go
back to paper (section V.E: re-materialisation under managerial resistance) with

    P(revert) = revert_rate * (1 - backing[service(i)]) * min(cap, strain_i / high) * (1 - m[i, t])

with ``cap = revert_pressure_cap`` and ``high = high_strain_threshold``. One uniform
number per (staff, tool) and week decides whichever transition applies,
so runs under different strategies share their random numbers.

Refusal: a staff member with live tools, more than ``refusal_unused_share`` of them
unused, counts one more week of refusal; otherwise the count restarts from zero.
"""

from __future__ import annotations

from typing import NamedTuple

from numba import njit

from simulation.model.coefficients import gather
from simulation.model.stages import ADOPTED, REVERTED, TRYING, UNAWARE
from simulation.model.state import Services, StaffState
from simulation.scenario.behaviour import Behaviour


class AdoptionCoefficients(NamedTuple):
    """Coefficients of the adoption mechanism."""

    peer_influence: float  # Bass q, 1/week
    adoption_threshold: float  # proficiency at which trying becomes adopted
    revert_rate: float  # 1/week, at strain = high threshold, no backing, no proficiency
    high_strain_threshold: float  # strain scale for reverting
    revert_pressure_cap: float  # most that strain multiplies the reverting probability by
    refusal_unused_share: float  # share of live tools unused above which a week is refusal
    acculturation_trying: float  # how far a lack of acculturation holds back trying


def coefficients(behaviour: Behaviour) -> AdoptionCoefficients:
    """Adoption coefficients from the scenario's behaviour."""
    return gather(AdoptionCoefficients, behaviour)


@njit(cache=True, error_model="numpy")
def adopt(staff: StaffState, services: Services, c: AdoptionCoefficients) -> None:
    """Apply one week of stage transitions and refusal counting, in place.

    Writes ``stage`` and ``refusal_weeks``; ``pair_draw`` holds the week's uniforms.
    """
    # Arrays are taken out of their containers once, outside the loops (faster).
    stage, proficiency, live, draw = staff.stage, staff.proficiency, staff.live, staff.pair_draw
    active, service, strain, degrees = staff.active, staff.service, staff.strain, staff.degree
    external, fear, nb_adopted = staff.external, staff.fear, staff.nb_adopted
    acculturation = staff.acculturation
    refusal_weeks, backing = staff.refusal_weeks, services.backing
    n, n_tools = stage.shape
    for i in range(n):
        if not active[i]:
            continue
        resistance = 1.0 - backing[service[i]]
        pressure = min(c.revert_pressure_cap, strain[i] / c.high_strain_threshold)
        degree = degrees[i]
        accepting = 1.0 - c.acculturation_trying * (1.0 - acculturation[i])
        n_live = 0
        n_unused = 0
        for t in range(n_tools):
            if not live[i, t]:
                continue
            n_live += 1
            s = stage[i, t]
            m = proficiency[i, t]
            u = draw[i, t]
            if s == UNAWARE or s == REVERTED:  # noqa: SIM109 - kept plain for numba
                share = nb_adopted[i, t] / degree if degree > 0 else 0.0
                p_try = (
                    (external[i] + c.peer_influence * share)
                    * (1.0 - fear[i] * (1.0 - m))
                    * accepting
                )
                if u < p_try:
                    stage[i, t] = ADOPTED if m >= c.adoption_threshold else TRYING
                else:
                    n_unused += 1
            else:
                if u < c.revert_rate * resistance * pressure * (1.0 - m):
                    stage[i, t] = REVERTED
                    n_unused += 1
                elif s == TRYING and m >= c.adoption_threshold:
                    stage[i, t] = ADOPTED
        if n_live > 0 and n_unused > c.refusal_unused_share * n_live:
            refusal_weeks[i] += 1
        else:
            refusal_weeks[i] = 0
