"""Dropout: staff who refuse the change or stay under high strain leave their post.

Each week a member of staff still in their post leaves it with probability

    h_strain  = dropout_strain_rate  * [high_weeks_i >= sustained_strain_weeks]
    h_refusal = dropout_refusal_rate * [refusal_weeks_i >= refusal_weeks]
                * (1 - acculturation_refusal * a_i)
    P(leave)  = (h_strain + h_refusal) * (1 - backing_protection * backing[service(i)])

with ``a_i`` the staff member's acculturation
(:mod:`~simulation.model.mechanisms.acculturation`): refusing the tools turns into
leaving one's post less often once the sense of the project is understood.

CNFPT 2018, section IV.D: "5 to 10 % of staff do not accept these changes and must
be accompanied towards internal, or even external, mobility"; section IV.A: "some
left because they did not think they would make it". Rates are assumptions
calibrated to that range; managerial backing protects (section IV.B).

**Cause.** The two hazards compete: a departure is caused by strain when the week's
uniform ``u`` falls in the strain part of the probability, by refusal otherwise,

    cause = strain   if u < h_strain * (1 - backing_protection * backing)
            refusal  otherwise (u below P(leave))

so each departure has exactly one cause and the causes' shares add up to the total.

**Destination.** With probability ``internal_mobility_preference``, and while posts
for repositioned staff are left (``internal_mobility_capacity`` times the initial
staff), the person is repositioned: they stay in the organisation, on a post of a
front-office service (reception and administrative assistance, the study's "main
outlets for internal repositioning", section VI.B; any other service if there is
none), chosen in proportion to its headcount, and join its first team. There they
face that service's tools with what they already know. Their former service loses
them. Otherwise they leave the organisation (external departure). A repositioned
member of staff does not leave their new post again (assumption: an accompanied
mobility, section IV.D). The destination uses a second uniform ``v`` of the week:
internal if ``v < preference``, and the service from ``v / preference`` (uniform
again) over the cumulative shares of the receiving services.

Their work stays with the service: the remaining staff's workload becomes

    workload[s] = initial_staff[s] / active_staff[s]

(overload cascades, Casiraghi, Zingg & Schweitzer 2021), which raises their demands;
a service receiving repositioned staff sees its workload fall below 1.
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
    internal_mobility_preference: float  # probability of seeking an internal post
    acculturation_refusal: float  # share of the refusal hazard acculturation removes at 1


IN_POST, STRAIN, REFUSAL = 0, 1, 2
"""Codes of ``departure_cause`` (:data:`DEPARTURE_CAUSES` names them)."""
DEPARTURE_CAUSES = ("strain", "refusal")
INTERNAL, EXTERNAL = 1, 2
"""Codes of ``destination`` (:data:`DESTINATIONS` names them)."""
DESTINATIONS = ("internal_mobility", "external")


def coefficients(behaviour: Behaviour) -> DropoutCoefficients:
    """Dropout coefficients from the scenario's behaviour."""
    return gather(DropoutCoefficients, behaviour)


@njit(cache=True, error_model="numpy")
def drop_out(staff: StaffState, services: Services, week: int, c: DropoutCoefficients) -> int:
    """Draw this week's departures from post in place; return how many left their post.

    Writes ``departed_week``, ``departure_cause`` and ``destination``; an external
    departure clears ``active``; a repositioned member of staff changes ``service``,
    ``team`` and ``target`` (and their refusal and strain counters restart), and
    takes one of ``services.mobility_posts``. ``draw`` and ``mobility_draw`` hold the
    week's uniforms.
    """
    active, departed_week, draw = staff.active, staff.departed_week, staff.draw
    high_weeks, refusal_weeks, service = staff.high_weeks, staff.refusal_weeks, staff.service
    cause, destination, mobility_draw = (
        staff.departure_cause,
        staff.destination,
        staff.mobility_draw,
    )
    backing, posts, acculturation = services.backing, services.mobility_posts, staff.acculturation
    left = 0
    for i in range(active.size):
        if not active[i] or destination[i] != IN_POST:
            continue
        if high_weeks[i] < c.sustained_strain_weeks and refusal_weeks[i] < c.refusal_weeks:
            continue  # no hazard: a uniform in [0, 1) is never below 0
        protection = 1.0 - c.backing_protection * backing[service[i]]
        strain_part = 0.0
        if high_weeks[i] >= c.sustained_strain_weeks:
            strain_part = c.dropout_strain_rate * protection
        hazard = strain_part
        if refusal_weeks[i] >= c.refusal_weeks:
            accepted = 1.0 - c.acculturation_refusal * acculturation[i]
            hazard += c.dropout_refusal_rate * accepted * protection
        if draw[i] >= hazard:
            continue
        left += 1
        departed_week[i] = week
        cause[i] = STRAIN if draw[i] < strain_part else REFUSAL
        v = mobility_draw[i]
        preference = c.internal_mobility_preference
        if v < preference and posts[0] >= 1.0:
            posts[0] -= 1.0
            destination[i] = INTERNAL
            _reposition(staff, services, i, v / preference)
        else:
            destination[i] = EXTERNAL
            active[i] = False
    return left


@njit(cache=True, error_model="numpy")
def _reposition(staff: StaffState, services: Services, i: int, u: float) -> None:
    """Move staff member ``i`` to the receiving service where ``u`` falls (cumulative shares)."""
    receiving = services.receiving
    home = staff.service[i]
    total = 0.0
    for s in range(receiving.size):
        if s != home:
            total += receiving[s]
    new = home
    if total > 0.0:
        point = u * total
        running = 0.0
        for s in range(receiving.size):
            if s == home:
                continue
            new = s
            running += receiving[s]
            if point < running:
                break
    staff.service[i] = new
    staff.team[i] = services.first_team[new]
    for t in range(services.target.shape[1]):
        staff.target[i, t] = services.target[new, t]
    staff.refusal_weeks[i] = 0
    staff.high_weeks[i] = 0


@njit(cache=True, error_model="numpy")
def shift_workload(staff: StaffState, services: Services) -> None:
    """Set each service's workload from its remaining staff (>= 1), in place."""
    service, active, workload = staff.service, staff.active, services.workload
    # Compiled: it runs in every week with a departure. Staff come in runs of one
    # service, so each run is counted in a register and added once (whole numbers:
    # the same counts in any order).
    active_staff = np.zeros(workload.size, dtype=np.int64)
    current, run = -1, 0
    for i in range(service.size):
        if active[i]:
            if service[i] != current:
                if current >= 0:
                    active_staff[current] += run
                current, run = service[i], 0
            run += 1
    if current >= 0:
        active_staff[current] += run
    for s in range(workload.size):
        workload[s] = services.initial_staff[s] / max(active_staff[s], 1)
