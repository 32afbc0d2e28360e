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


@njit(cache=True)
def expose(
    staff: StaffState, services: Services, new_live: np.ndarray, open_pairs: np.ndarray
) -> None:
    """Add this week's go-lives to the services' live pairs and copy the plan to staff, in place.

    Args:
        staff: Writes ``live`` and ``training_open`` (a live tool is always open to
            training), from each staff member's service.
        services: Adds ``new_live`` to ``live``.
        new_live: Pairs going live this week, bool (S, T).
        open_pairs: Pairs whose training is open, bool (S, T).
    """
    live_pairs, service, live, training_open = (
        services.live,
        staff.service,
        staff.live,
        staff.training_open,
    )
    n_services, n_tools = live_pairs.shape
    open_or_live = np.empty_like(live_pairs)
    for s in range(n_services):
        for t in range(n_tools):
            live_pairs[s, t] = live_pairs[s, t] or new_live[s, t]
            open_or_live[s, t] = live_pairs[s, t] or open_pairs[s, t]
    for i in range(service.size):
        s = service[i]
        for t in range(n_tools):
            live[i, t] = live_pairs[s, t]
            training_open[i, t] = open_or_live[s, t]


def record_change(
    services: Services,
    tools: Tools,
    new_live: np.ndarray,
    memory_weeks: float,
    week: int | None = None,
) -> None:
    """Fade each service's recent-change load and add this week's go-lives, in place.

    Args:
        services: Updates ``recent_change`` (SAMR-depth units) and, given ``week``,
            ``go_live_week`` of the pairs going live.
        tools: Reads ``depth``.
        new_live: Pairs going live this week, bool (S, T).
        memory_weeks: Time constant of the fading, weeks (> 0).
        week: This week (to record go-live weeks).
    """
    services.recent_change[...] *= np.exp(-1.0 / memory_weeks)
    if not new_live.any():  # no go-live to record; adding none would add exact zeros
        return
    if week is not None:
        services.go_live_week[new_live & (services.go_live_week == NOT_LIVE)] = week
    services.recent_change[...] += new_live.astype(np.float64) @ tools.depth
