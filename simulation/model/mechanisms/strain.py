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

Resources (buffers, capped at 0.95):

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

from simulation.scenario.parameters import Behaviour, Levers


class StrainCoefficients(NamedTuple):
    """Coefficients of the strain mechanism."""

    baseline: float
    change_load: float
    tool_load: float  # already reduced by a right-to-disconnect policy
    frequency: float
    workload: float
    r_training: float
    r_support: float
    r_backing: float
    r_meaning: float
    max_training_hours: float
    mastery: float
    recovery: float
    contagion: float
    high: float


def coefficients(behaviour: Behaviour, levers: Levers) -> StrainCoefficients:
    """Strain coefficients from the scenario's behaviour and levers."""
    relief = behaviour.disconnect_relief if levers.right_to_disconnect else 0.0
    return StrainCoefficients(
        baseline=behaviour.baseline_demand,
        change_load=behaviour.change_load_weight,
        tool_load=behaviour.tool_load_weight * (1.0 - relief),
        frequency=behaviour.change_frequency_weight,
        workload=behaviour.workload_weight,
        r_training=behaviour.resource_training,
        r_support=behaviour.resource_support,
        r_backing=behaviour.resource_backing,
        r_meaning=behaviour.resource_meaning,
        max_training_hours=levers.max_training_hours,
        mastery=behaviour.mastery_threshold,
        recovery=behaviour.strain_recovery,
        contagion=behaviour.strain_contagion,
        high=behaviour.high_strain_threshold,
    )


@njit(cache=True)
def resources(
    training_hours: float, help_: float, backing: float, meaning: float, c: StrainCoefficients
) -> float:
    """Buffer R in [0, 0.95] against demands (see module docstring)."""
    train = min(1.0, training_hours / c.max_training_hours) if c.max_training_hours > 0 else 0.0
    r = c.r_training * train + c.r_support * help_ + c.r_backing * backing + c.r_meaning * meaning
    return min(r, 0.95)


@njit(cache=True)
def update_strain(
    strain: np.ndarray,
    next_strain: np.ndarray,
    high_weeks: np.ndarray,
    active: np.ndarray,
    service: np.ndarray,
    live: np.ndarray,
    proficiency: np.ndarray,
    vulnerability: np.ndarray,
    mean_help: np.ndarray,
    training_hours: np.ndarray,
    meaning: np.ndarray,
    team: np.ndarray,
    n_teams: int,
    depth: np.ndarray,
    info_load: np.ndarray,
    recent_change: np.ndarray,
    workload: np.ndarray,
    backing: np.ndarray,
    c: StrainCoefficients,
) -> None:
    """One synchronous week of strain; writes ``next_strain`` then copies it to ``strain``."""
    n, n_tools = proficiency.shape
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
                gap = 1.0 - proficiency[i, t] / c.mastery
                if gap > 0.0:
                    change += depth[t] * gap
                load += info_load[t]
        demand = (
            c.baseline
            + c.change_load * change
            + c.tool_load * load
            + c.frequency * recent_change[s]
            + c.workload * (workload[s] - 1.0)
        )
        buffer = resources(training_hours[i], mean_help[i], backing[s], meaning[i], c)
        value = strain[i] + vulnerability[i] * demand * (1.0 - buffer) - c.recovery * strain[i]
        colleagues = team_active[team[i]] - 1.0
        if colleagues > 0.0:
            mean_colleagues = (team_strain[team[i]] - strain[i]) / colleagues
            value += c.contagion * (mean_colleagues - strain[i])
        next_strain[i] = max(0.0, value)  # strain is never negative
    for i in range(n):
        strain[i] = next_strain[i]
        if active[i] and strain[i] > c.high:
            high_weeks[i] += 1
        else:
            high_weeks[i] = 0


def steady_strain(
    vulnerability: np.ndarray,
    backing: np.ndarray,
    meaning: np.ndarray,
    team: np.ndarray,
    n_teams: int,
    c: StrainCoefficients,
    tolerance: float = 1e-12,
) -> np.ndarray:
    """Strain before any rollout: the fixed point of the weekly update under baseline demand.

    With no live tool, no training and no help, the update keeps S unchanged when

        S_i = (b_i + contagion * m_i(S)) / (recovery + contagion)
        b_i = v_i * baseline * (1 - R_i)

    with ``m_i(S)`` the mean strain of i's team-mates (``S_i = b_i / recovery`` for
    staff alone in their team). The map is a contraction (factor
    contagion / (recovery + contagion) < 1), so iterating it converges. ``backing``
    and ``meaning`` are per staff member here. Zero if recovery is zero.
    """
    if c.recovery <= 0:
        return np.zeros_like(vulnerability)
    buffer = np.minimum(0.95, c.r_backing * backing + c.r_meaning * meaning)
    own = vulnerability * c.baseline * (1.0 - buffer)
    strain = own / c.recovery
    if c.contagion <= 0:
        return strain
    size = np.bincount(team, minlength=n_teams)[team]
    has_mates = size > 1
    for _ in range(1000):
        totals = np.bincount(team, weights=strain, minlength=n_teams)[team]
        mates = np.where(has_mates, (totals - strain) / np.maximum(size - 1, 1), 0.0)
        updated = np.where(
            has_mates, (own + c.contagion * mates) / (c.recovery + c.contagion), own / c.recovery
        )
        if np.max(np.abs(updated - strain)) < tolerance:
            return updated
        strain = updated
    return strain
