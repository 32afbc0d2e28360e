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

from simulation.model.state import Services, StaffState, Tools


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
    services.live[...] |= new_live
    np.take(services.live, staff.service, axis=0, out=staff.live)
    np.take(open_pairs | services.live, staff.service, axis=0, out=staff.training_open)


def record_change(
    services: Services, tools: Tools, new_live: np.ndarray, memory_weeks: float
) -> None:
    """Fade each service's recent-change load and add this week's go-lives, in place.

    Args:
        services: Updates ``recent_change`` (SAMR-depth units).
        tools: Reads ``depth``.
        new_live: Pairs going live this week, bool (S, T).
        memory_weeks: Time constant of the fading, weeks (> 0).
    """
    services.recent_change[...] *= np.exp(-1.0 / memory_weeks)
    services.recent_change[...] += new_live.astype(np.float64) @ tools.depth
