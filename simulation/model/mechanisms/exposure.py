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


def expose(
    live_pairs: np.ndarray,
    open_pairs: np.ndarray,
    service: np.ndarray,
    live: np.ndarray,
    training_open: np.ndarray,
) -> None:
    """Copy the service-level plan to staff, in place.

    Args:
        live_pairs: Pairs live so far, bool (S, T).
        open_pairs: Pairs whose training is open, bool (S, T).
        service: Service code of each staff member, (N,).
        live: Staff-level exposure, bool (N, T), overwritten.
        training_open: Staff-level training access, bool (N, T), overwritten
            (a live tool is always open to training).
    """
    np.take(live_pairs, service, axis=0, out=live)
    np.take(open_pairs | live_pairs, service, axis=0, out=training_open)


def record_change(
    recent_change: np.ndarray, new_live: np.ndarray, depth: np.ndarray, memory_weeks: float
) -> None:
    """Fade each service's recent-change load and add this week's go-lives, in place.

    Args:
        recent_change: Recent change of each service, (S,), in SAMR-depth units.
        new_live: Pairs going live this week, bool (S, T).
        depth: SAMR depth of each tool, (T,).
        memory_weeks: Time constant of the fading, weeks (> 0).
    """
    recent_change *= np.exp(-1.0 / memory_weeks)
    recent_change += new_live.astype(np.float64) @ depth
