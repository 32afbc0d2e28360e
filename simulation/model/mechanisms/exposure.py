"""Exposure: tools go live for services when the rollout plan says so.

A staff member is exposed to tool ``t`` from the week its service's pair goes live:

    live[i, t] = go_live[service(i), t] <= week

Training for a tool opens ``training_lead`` weeks before its go-live (the plan
decides). Each go-live also adds to the service's recent-change load, which fades
with time constant ``change_memory_weeks`` (CNFPT 2018, section VI.C: the frequency
and scale of change is a source of psychosocial risk):

    change[s] <- change[s] * exp(-1 / change_memory_weeks) + sum_t new_live[s, t] * depth[t]
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulation.model.state import NOT_LIVE, Services, StaffState, Tools


@njit(cache=True, error_model="numpy")
def expose(
    staff: StaffState, services: Services, new_live: np.ndarray, open_pairs: np.ndarray
) -> None:
    """Add this week's go-lives to the services' live pairs and copy the plan to staff, in place.

    Args:
        staff: Writes ``live`` and ``training_open`` (a live tool is always open to
            training), from each staff member's service, where they changed (a new
            go-live or opening, or a move to another service: ``exposed_service``).
        services: Adds ``new_live`` to ``live``; keeps in ``open_or_live`` the pairs
            last shown to staff as open.
        new_live: Pairs going live this week, bool (S, T).
        open_pairs: Pairs whose training is open, bool (S, T).
    """
    live_pairs, shown, service, live, training_open = (
        services.live,
        services.open_or_live,
        staff.service,
        staff.live,
        staff.training_open,
    )
    exposed = staff.exposed_service
    n_services, n_tools = live_pairs.shape
    # Only the services whose pairs changed this week are copied to their staff (and
    # staff who moved service since their last copy): the others' rows already hold
    # the same values.
    changed = np.zeros(n_services, dtype=np.bool_)
    for s in range(n_services):
        for t in range(n_tools):
            if new_live[s, t] and not live_pairs[s, t]:
                live_pairs[s, t] = True
                changed[s] = True
            now = live_pairs[s, t] or open_pairs[s, t]
            if now != shown[s, t]:
                changed[s] = True
                shown[s, t] = now
    for i in range(service.size):
        s = service[i]
        if not changed[s] and exposed[i] == s:
            continue
        exposed[i] = s
        for t in range(n_tools):
            live[i, t] = live_pairs[s, t]
            training_open[i, t] = shown[s, t]


@njit(cache=True, error_model="numpy")
def record_change(
    services: Services, tools: Tools, new_live: np.ndarray, fade: float, week: int = -1
) -> None:
    """Fade each service's recent-change load and add this week's go-lives, in place.

    Args:
        services: Updates ``recent_change`` (SAMR-depth units) and, given ``week``,
            ``go_live_week`` of the pairs going live.
        tools: Reads ``depth``.
        new_live: Pairs going live this week, bool (S, T).
        fade: Share of the load kept from one week to the next,
            ``exp(-1 / change_memory_weeks)`` (:func:`change_fade`).
        week: This week (to record go-live weeks; -1: do not record).
    """
    recent_change, go_live_week, depth = services.recent_change, services.go_live_week, tools.depth
    n_services, n_tools = new_live.shape
    for s in range(n_services):
        added = 0.0
        for t in range(n_tools):
            if new_live[s, t]:
                added += depth[t]
                if week >= 0 and go_live_week[s, t] == NOT_LIVE:
                    go_live_week[s, t] = week
        recent_change[s] = recent_change[s] * fade + added


def change_fade(memory_weeks: float) -> float:
    """Weekly fading factor of the recent-change load, ``exp(-1 / memory_weeks)`` (> 0 weeks)."""
    return float(np.exp(-1.0 / memory_weeks))
