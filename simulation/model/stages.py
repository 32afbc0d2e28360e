"""Adoption stages of a staff member for one tool (staged adoption, as in CBAM/ADKAR).

Codes are small integers so that they fit the ``int8`` state arrays. A staff member's
summary over their live tools (:func:`summary_stages`) is what the agents and the
network picture show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from simulation.model.state import StaffState

UNAWARE = 0
"""Has not started using the tool (it may not be live yet)."""
TRYING = 1
"""Uses the tool but below the adoption threshold of proficiency."""
ADOPTED = 2
"""Uses the tool with at least the adoption threshold of proficiency."""
REVERTED = 3
"""Went back to paper after trying or adopting (re-materialisation); may try again."""

STAGE_NAMES: tuple[str, ...] = ("unaware", "trying", "adopted", "reverted")

SUMMARY_STAGES: tuple[str, ...] = ("left", "waiting", "unaware", "trying", "adopted", "reverted")
"""Summary stage of a staff member over their live tools (see :func:`summary_stages`)."""


def summary_stages(stage: np.ndarray, live: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Summary stage of each staff member over their live tools, for colouring the network.

    ``left`` (no longer in post), ``waiting`` (no live tool), ``reverted`` (back to
    paper for some live tool), ``adopted`` (all live tools), ``trying`` (using some
    live tool) or ``unaware``, the first that applies in that order.

    Args:
        stage: Adoption stage of each staff member and tool, int8 (N, T).
        live: Whether each tool is live for each staff member, bool (N, T).
        active: Whether each staff member is in post, bool (N,).

    Returns:
        Names from :data:`SUMMARY_STAGES`, object array (N,).
    """
    n_live = live.sum(axis=1)
    using = ((stage == TRYING) | (stage == ADOPTED)) & live
    adopted = ((stage == ADOPTED) & live).sum(axis=1)
    reverted = ((stage == REVERTED) & live).any(axis=1)
    stages = np.full(active.shape, "unaware", dtype=object)
    # Later assignments take precedence: the order is the reverse of the docstring's.
    stages[using.any(axis=1)] = "trying"
    stages[(n_live > 0) & (adopted == n_live)] = "adopted"
    stages[reverted] = "reverted"
    stages[n_live == 0] = "waiting"
    stages[~active] = "left"
    return stages


def staff_stages(state: StaffState) -> np.ndarray:
    """Summary stage of every staff member of ``state`` (see :func:`summary_stages`)."""
    return summary_stages(state.stage, state.live, state.active)
