"""Strain (psychosocial risk, RPS): job demands against resources, with recovery and contagion.

Following the Job Demands-Resources model (Demerouti et al. 2001) and the
technostress creators and inhibitors of Tarafdar et al. (2007), each active staff
member's strain ``S`` evolves weekly as

    S <- max(0, S + v_i * D_i * (1 - R_i) - recovery * S + contagion * (mean_nb(S) - S))

Demands, one term per source (:data:`~simulation.model.sources.STRAIN_SOURCES`; the
three RPS sources of CNFPT 2018, section VI.C, overload cascades, and the monotony
and isolation of section VI.B):

    D_i = baseline                                                            (baseline)
        + change_load_weight * sum_t live[i, t] * depth[t] * max(0, 1 - m[i, t] / mastery)
                                                                          (digital_turn)
        + (tool_load_weight + always_on_weight * always_on_i) * (1 - relief)
          * sum_t live[i, t] * load[t]                                           (tools)
        + change_frequency_weight * recent_change[service(i)]         (change_frequency)
        + workload_weight * (1 - workload_relief)
          * max(0, workload[service(i)] - 1)                                  (workload)
        + monotony_weight * [back office(i)] * live_targets_i / targets_i     (monotony)

``always_on_i`` marks staff who stay connected outside working hours (drawn at
set-up: ``always_on_share_managers`` of managers and of management services' staff,
``always_on_share_staff`` of the others; the study's 60 % of managers working on rest
days). A service receiving repositioned staff has a workload below 1; extra hands
take no demand away (hence ``max(0, .)``). ``workload_relief`` (a lever) is the share
of the extra workload that temporary reinforcements absorb (CNFPT 2018, section VI.C on
overload; value: assumption); it is folded into the coefficient ``workload_weight``, so
the kernel is that of no relief (``w * (1 - 0)`` is ``w`` exactly: no number moves at 0).

Resources (buffers, capped at ``resources_cap``):

    R_i = resource_training * min(1, training_hours_i / max_training_hours)
        + resource_support * help_i
        + resource_backing * backing[service(i)]
        + resource_meaning * meaning_i
        + resource_involvement * involvement

with ``involvement`` the lever ``staff_involvement`` (involvement facilitation, a
technostress inhibitor of Tarafdar et al. 2007). ``v_i`` is the individual
vulnerability (profile value times a log-normal factor), ``mean_nb(S)`` the mean
strain of i's close colleagues, the other active members of their team (burnout
contagion within teams, Bakker, Le Blanc & Schaufeli 2005). The update is
synchronous: colleagues' strain is read from the previous week.
``relief`` is ``disconnect_relief`` under a right-to-disconnect policy, else 0.
``high_weeks`` counts consecutive weeks above the high-risk threshold.

**Strain by source.** The update is linear in the demands, so strain splits exactly
into one part per source, each following the same update with its own demand term
and its team-mates' part: ``S_k <- S_k + v_i D_ik (1 - R_i) - recovery S_k +
contagion (mean_nb(S_k) - S_k)``, and ``S = sum_k S_k``. The strain of before the
rollout is the baseline's part, as is any strain set from outside the update. With
``recovery + contagion <= 1`` (the defaults) no part ever falls below zero; otherwise
a staff member whose total would fall below zero has every part set to zero.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from simulation.model.coefficients import gather
from simulation.model.sources import (
    BASELINE,
    CHANGE_FREQUENCY,
    DIGITAL_TURN,
    MONOTONY,
    N_SOURCES,
    TOOLS,
    WORKLOAD,
)
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
    always_on_load: float  # always_on_weight, reduced likewise
    monotony_weight: float
    change_frequency_weight: float
    workload_weight: float  # behaviour.workload_weight * (1 - levers.workload_relief)
    resource_training: float
    resource_support: float
    resource_backing: float
    resource_meaning: float
    involvement_buffer: float  # resource_involvement * staff_involvement, the same for all
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
        always_on_load=behaviour.always_on_weight * (1.0 - relief),
        workload_weight=behaviour.workload_weight * (1.0 - levers.workload_relief),
        involvement_buffer=behaviour.resource_involvement * levers.staff_involvement,
    )


BACK_OFFICE = 1
"""Code of ``back_office`` in :data:`simulation.scenario.organisation.JOB_TYPES`."""


@njit(cache=True, error_model="numpy")
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
        + c.involvement_buffer
    )
    return min(r, c.resources_cap)


@njit(cache=True, error_model="numpy")
def update(staff: StaffState, services: Services, tools: Tools, c: StrainCoefficients) -> None:
    """One synchronous week of strain, in place.

    Writes ``demand_parts`` (the week's demands by source), ``strain_parts`` and
    ``strain`` (their sum), and counts ``high_weeks``. Team-mates' strain is read from
    the team totals of the previous week, taken first, so each staff member's parts
    can be overwritten as soon as they are computed.
    """
    # Arrays are taken out of their containers once, outside the loops (faster).
    strain, parts, demand_parts = staff.strain, staff.strain_parts, staff.demand_parts
    high_weeks, always_on = staff.high_weeks, staff.always_on
    proficiency, live, target = staff.proficiency, staff.live, staff.target
    team, active, service = staff.team, staff.active, staff.service
    vulnerability, meaning = staff.vulnerability, staff.meaning
    training_hours, mean_help = staff.training_hours, staff.mean_help
    depth, info_load = tools.depth, tools.info_load
    recent_change, workload, backing = services.recent_change, services.workload, services.backing
    job_type = services.job_type
    n, n_tools = proficiency.shape
    n_teams = team.max() + 1 if n > 0 else 0
    team_parts = np.zeros((n_teams, N_SOURCES))
    team_active = np.zeros(n_teams)
    mastery = c.mastery_threshold
    # The six sources of sources.STRAIN_SOURCES are unrolled, in their order, and each
    # staff member's parts read and written as scalars (no row views, no inner loop):
    # the same operations in the same order, in registers.
    for i in range(n):
        # Strain set from outside (the set-up's steady state, a test) is the baseline's.
        baseline, turn, load_part = parts[i, BASELINE], parts[i, DIGITAL_TURN], parts[i, TOOLS]
        frequency, overload, monotony_part = (
            parts[i, CHANGE_FREQUENCY],
            parts[i, WORKLOAD],
            parts[i, MONOTONY],
        )
        total = 0.0 + baseline + turn + load_part + frequency + overload + monotony_part
        baseline += strain[i] - total
        parts[i, BASELINE] = baseline
        if active[i]:
            g = team[i]
            team_parts[g, BASELINE] += baseline
            team_parts[g, DIGITAL_TURN] += turn
            team_parts[g, TOOLS] += load_part
            team_parts[g, CHANGE_FREQUENCY] += frequency
            team_parts[g, WORKLOAD] += overload
            team_parts[g, MONOTONY] += monotony_part
            team_active[g] += 1.0
    # part' = keep * part + gain * demand + pull * (team total - part), with the
    # contagion folded into two factors per team (no colleague: no pull).
    team_pull = np.zeros(n_teams)
    team_keep = np.empty(n_teams)
    for g in range(n_teams):
        colleagues = team_active[g] - 1.0
        team_pull[g] = c.strain_contagion / colleagues if colleagues > 0.0 else 0.0
        team_keep[g] = 1.0 - c.strain_recovery - (c.strain_contagion if colleagues > 0.0 else 0.0)
    for i in range(n):
        if not active[i]:
            for k in range(N_SOURCES):
                demand_parts[i, k] = 0.0
            high_weeks[i] = 0
            continue
        s = service[i]
        change = 0.0
        load = 0.0
        for t in range(n_tools):
            if live[i, t]:
                m = proficiency[i, t]
                if m < mastery:  # else the gap is not positive: no division needed
                    gap = 1.0 - m / mastery
                    if gap > 0.0:
                        change += depth[t] * gap
                load += info_load[t]
        monotony = 0.0
        if job_type[s] == BACK_OFFICE:  # only their targets are counted
            targets = 0.0
            live_targets = 0.0
            for t in range(n_tools):
                if target[i, t]:
                    targets += 1.0
                    if live[i, t]:
                        live_targets += 1.0
            if targets > 0.0:
                monotony = c.monotony_weight * live_targets / targets
        buffer = resources(training_hours[i], mean_help[i], backing[s], meaning[i], c)
        gain = vulnerability[i] * (1.0 - buffer)
        g = team[i]
        pull, keep = team_pull[g], team_keep[g]
        weight = c.tool_load + (c.always_on_load if always_on[i] else 0.0)
        d_baseline = c.baseline_demand
        d_turn = c.change_load_weight * change
        d_tools = weight * load
        d_frequency = c.change_frequency_weight * recent_change[s]
        d_workload = c.workload_weight * max(0.0, workload[s] - 1.0)
        demand_parts[i, BASELINE] = d_baseline
        demand_parts[i, DIGITAL_TURN] = d_turn
        demand_parts[i, TOOLS] = d_tools
        demand_parts[i, CHANGE_FREQUENCY] = d_frequency
        demand_parts[i, WORKLOAD] = d_workload
        demand_parts[i, MONOTONY] = monotony
        baseline = _part(parts[i, BASELINE], team_parts[g, BASELINE], d_baseline, keep, gain, pull)
        turn = _part(parts[i, DIGITAL_TURN], team_parts[g, DIGITAL_TURN], d_turn, keep, gain, pull)
        load_part = _part(parts[i, TOOLS], team_parts[g, TOOLS], d_tools, keep, gain, pull)
        frequency = _part(
            parts[i, CHANGE_FREQUENCY],
            team_parts[g, CHANGE_FREQUENCY],
            d_frequency,
            keep,
            gain,
            pull,
        )
        overload = _part(parts[i, WORKLOAD], team_parts[g, WORKLOAD], d_workload, keep, gain, pull)
        monotony_part = _part(
            parts[i, MONOTONY], team_parts[g, MONOTONY], monotony, keep, gain, pull
        )
        total = baseline + turn + load_part + frequency + overload + monotony_part
        if total <= 0.0:  # strain is never negative
            total = baseline = turn = load_part = frequency = overload = monotony_part = 0.0
        parts[i, BASELINE] = baseline
        parts[i, DIGITAL_TURN] = turn
        parts[i, TOOLS] = load_part
        parts[i, CHANGE_FREQUENCY] = frequency
        parts[i, WORKLOAD] = overload
        parts[i, MONOTONY] = monotony_part
        strain[i] = total
        if total > c.high_strain_threshold:
            high_weeks[i] += 1
        else:
            high_weeks[i] = 0


@njit(cache=True, error_model="numpy", inline="always")
def _part(own: float, mates: float, demand: float, keep: float, gain: float, pull: float) -> float:
    """One source's part of one staff member after the week (see :func:`update`)."""
    return keep * own + gain * demand + pull * (mates - own)


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
    if c.strain_recovery <= 0:
        return np.zeros_like(staff.vulnerability)
    # The four arrays rather than the containers: typing some fifty arrays at the call
    # would cost more than the fixed point of a small organisation.
    return _steady(
        staff.vulnerability, staff.team, staff.service, staff.meaning, services.backing, c
    )


@njit(cache=True, error_model="numpy")
def _steady(
    vulnerability: np.ndarray,
    team: np.ndarray,
    service: np.ndarray,
    meaning: np.ndarray,
    backing: np.ndarray,
    c: StrainCoefficients,
) -> np.ndarray:
    """:func:`steady_strain` for a positive recovery, compiled (same operations, in order)."""
    n = vulnerability.size
    own = np.empty(n)
    for i in range(n):
        buffer = min(
            c.resources_cap,
            c.resource_backing * backing[service[i]]
            + c.resource_meaning * meaning[i]
            + c.involvement_buffer,
        )
        own[i] = vulnerability[i] * c.baseline_demand * (1.0 - buffer)
    strain = own / c.strain_recovery
    if c.strain_contagion <= 0 or n == 0:
        return strain
    n_teams = team.max() + 1
    size = np.zeros(n_teams, dtype=np.int64)
    for i in range(n):
        size[team[i]] += 1
    contagion, recovery = c.strain_contagion, c.strain_recovery
    totals = np.empty(n_teams)
    updated = np.empty(n)
    for _ in range(STEADY_MAX_ITERATIONS):
        totals[:] = 0.0
        for i in range(n):
            totals[team[i]] += strain[i]
        largest = 0.0
        for i in range(n):
            g = team[i]
            if size[g] > 1:
                mates = (totals[g] - strain[i]) / (size[g] - 1)
                updated[i] = (own[i] + contagion * mates) / (recovery + contagion)
            else:
                updated[i] = own[i] / recovery
            largest = max(largest, abs(updated[i] - strain[i]))
        if largest < STEADY_TOLERANCE:
            return updated
        strain, updated = updated, strain
    return strain
