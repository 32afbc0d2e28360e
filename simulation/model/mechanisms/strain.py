"""Strain (psychosocial risk, RPS): job demands against resources, with recovery and contagion.

Following the Job Demands-Resources model (Demerouti et al. 2001) and the
technostress creators and inhibitors of Tarafdar et al. (2007), each active staff
member's strain ``S`` evolves weekly as

    S <- max(0, S + v_i * D_i * (1 - R_i) - recovery * S + contagion * (mean_nb(S) - S))

Demands (the three RPS sources of CNFPT 2018, section VI.C, plus overload cascades):

    D_i = baseline
        + change_load_weight * sum_t live[i, t] * depth[t] * max(0, 1 - m[i, t] / mastery)
        + tool_load_weight * (1 - relief) * sum_t live[i, t] * load[t]
        + change_frequency_weight * recent_change[service(i)]
        + workload_weight * (workload[service(i)] - 1)

Resources (buffers, capped at ``resources_cap``):

    R_i = resource_training * min(1, training_hours_i / max_training_hours)
        + resource_support * help_i
        + resource_backing * backing[service(i)]
        + resource_meaning * meaning_i

``v_i`` is the individual vulnerability (profile value times a log-normal factor),
``mean_nb(S)`` the mean strain of i's close colleagues, the other active members of
their team (burnout contagion within teams, Bakker, Le Blanc & Schaufeli 2005). The
update is synchronous: colleagues' strain is read from the previous week.
``relief`` is ``disconnect_relief`` under a right-to-disconnect policy, else 0.
``high_weeks`` counts consecutive weeks above the high-risk threshold.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from simulation.model.coefficients import gather
from simulation.model.state import Services, StaffState, Tools
from simulation.scenario.behaviour import Behaviour
from simulation.scenario.levers import Levers

STEADY_TOLERANCE = 1e-12
"""Largest change of any staff member's strain at which the steady-state iteration stops."""
STEADY_MAX_ITERATIONS = 1000
"""Iterations of the steady-state map at most (it converges long before)."""


class StrainCoefficients(NamedTuple):
    """Coefficients of the strain mechanism."""

    baseline_demand: float
    change_load_weight: float
    tool_load: float  # tool_load_weight, reduced by a right-to-disconnect policy
    change_frequency_weight: float
    workload_weight: float
    resource_training: float
    resource_support: float
    resource_backing: float
    resource_meaning: float
    max_training_hours: float
    mastery_threshold: float
    strain_recovery: float
    strain_contagion: float
    high_strain_threshold: float
    resources_cap: float  # largest share of demands the resources buffer


def coefficients(behaviour: Behaviour, levers: Levers) -> StrainCoefficients:
    """Strain coefficients from the scenario's behaviour and levers."""
    relief = behaviour.disconnect_relief if levers.right_to_disconnect else 0.0
    return gather(
        StrainCoefficients,
        behaviour,
        levers,
        tool_load=behaviour.tool_load_weight * (1.0 - relief),
    )


@njit(cache=True)
def resources(
    training_hours: float, help_: float, backing: float, meaning: float, c: StrainCoefficients
) -> float:
    """Buffer R in [0, resources_cap] against demands (see module docstring)."""
    cap = c.max_training_hours
    train = min(1.0, training_hours / cap) if cap > 0 else 0.0
    r = (
        c.resource_training * train
        + c.resource_support * help_
        + c.resource_backing * backing
        + c.resource_meaning * meaning
    )
    return min(r, c.resources_cap)


@njit(cache=True)
def update(staff: StaffState, services: Services, tools: Tools, c: StrainCoefficients) -> None:
    """One synchronous week of strain, in place.

    Writes ``next_strain`` then copies it to ``strain``, and counts ``high_weeks``.
    """
    # Arrays are taken out of their containers once, outside the loops (faster).
    strain, next_strain, high_weeks = staff.strain, staff.next_strain, staff.high_weeks
    proficiency, live, team, active = staff.proficiency, staff.live, staff.team, staff.active
    service, vulnerability, meaning = staff.service, staff.vulnerability, staff.meaning
    training_hours, mean_help = staff.training_hours, staff.mean_help
    depth, info_load = tools.depth, tools.info_load
    recent_change, workload, backing = services.recent_change, services.workload, services.backing
    n, n_tools = proficiency.shape
    n_teams = team.max() + 1 if n > 0 else 0
    team_strain = np.zeros(n_teams)
    team_active = np.zeros(n_teams)
    for i in range(n):
        if active[i]:
            team_strain[team[i]] += strain[i]
            team_active[team[i]] += 1.0
    for i in range(n):
        if not active[i]:
            next_strain[i] = strain[i]
            continue
        s = service[i]
        change = 0.0
        load = 0.0
        for t in range(n_tools):
            if live[i, t]:
                gap = 1.0 - proficiency[i, t] / c.mastery_threshold
                if gap > 0.0:
                    change += depth[t] * gap
                load += info_load[t]
        demand = (
            c.baseline_demand
            + c.change_load_weight * change
            + c.tool_load * load
            + c.change_frequency_weight * recent_change[s]
            + c.workload_weight * (workload[s] - 1.0)
        )
        buffer = resources(training_hours[i], mean_help[i], backing[s], meaning[i], c)
        value = strain[i] + vulnerability[i] * demand * (1.0 - buffer)
        value -= c.strain_recovery * strain[i]
        colleagues = team_active[team[i]] - 1.0
        if colleagues > 0.0:
            mean_colleagues = (team_strain[team[i]] - strain[i]) / colleagues
            value += c.strain_contagion * (mean_colleagues - strain[i])
        next_strain[i] = max(0.0, value)  # strain is never negative
    for i in range(n):
        strain[i] = next_strain[i]
        if active[i] and strain[i] > c.high_strain_threshold:
            high_weeks[i] += 1
        else:
            high_weeks[i] = 0


def steady_strain(staff: StaffState, services: Services, c: StrainCoefficients) -> np.ndarray:
    """Strain before any rollout: the fixed point of the weekly update under baseline demand.

    With no live tool, no training and no help, the update keeps S unchanged when

        S_i = (b_i + contagion * m_i(S)) / (recovery + contagion)
        b_i = v_i * baseline * (1 - R_i)

    with ``m_i(S)`` the mean strain of i's team-mates (``S_i = b_i / recovery`` for
    staff alone in their team). The map is a contraction (factor
    contagion / (recovery + contagion) < 1), so iterating it converges. Reads the
    staff's ``vulnerability``, ``meaning`` and ``team`` and their services' backing.
    Zero if recovery is zero.
    """
    vulnerability, team = staff.vulnerability, staff.team
    if c.strain_recovery <= 0:
        return np.zeros_like(vulnerability)
    backing = services.backing[staff.service]
    buffer = np.minimum(
        c.resources_cap, c.resource_backing * backing + c.resource_meaning * staff.meaning
    )
    own = vulnerability * c.baseline_demand * (1.0 - buffer)
    strain = own / c.strain_recovery
    if c.strain_contagion <= 0:
        return strain
    n_teams = int(team.max()) + 1
    size = np.bincount(team, minlength=n_teams)[team]
    has_mates = size > 1
    contagion, recovery = c.strain_contagion, c.strain_recovery
    for _ in range(STEADY_MAX_ITERATIONS):
        totals = np.bincount(team, weights=strain, minlength=n_teams)[team]
        mates = np.where(has_mates, (totals - strain) / np.maximum(size - 1, 1), 0.0)
        updated = np.where(
            has_mates, (own + contagion * mates) / (recovery + contagion), own / recovery
        )
        if np.max(np.abs(updated - strain)) < STEADY_TOLERANCE:
            return updated
        strain = updated
    return strain
