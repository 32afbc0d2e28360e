"""Tables of a run's staff: fixed attributes, current state, network ties.

What ``TransitionModel.staff_table``, ``staff_state`` and ``ties`` return, for any
run's containers (a ``TransitionModel``'s or the batched engine's), so that results
folders get the same snapshots whichever path ran them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from simulation.model.network import StaffNetwork
from simulation.model.stages import ADOPTED, staff_stages
from simulation.model.state import StaffState
from simulation.scenario.profiles import PROFILES


def staff_table(state: StaffState, network: StaffNetwork) -> pd.DataFrame:
    """Fixed attributes of every staff member, with the picture's layout.

    Columns: staff, service, team, profile, manager, referent, x, y.
    """
    layout = network.layout()
    return pd.DataFrame(
        {
            "staff": np.arange(network.n_staff),
            "service": np.asarray(network.service_names, dtype=object)[state.service],
            "team": network.team_of,
            "profile": np.asarray(PROFILES, dtype=object)[state.profile],
            "manager": state.is_manager,
            "referent": state.is_referent,
            "x": layout[:, 0],
            "y": layout[:, 1],
        }
    )


def staff_state(state: StaffState, high_strain_threshold: float) -> pd.DataFrame:
    """Current state of every staff member.

    Columns: staff, active, stage (left, waiting, unaware, trying, adopted, reverted;
    :func:`simulation.model.stages.staff_stages`), adoption (share of target tools
    adopted), proficiency (mean over target tools), strain, high_strain (active and
    above ``high_strain_threshold``).
    """
    n_targets = state.target.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        adoption = np.where(
            n_targets > 0,
            ((state.stage == ADOPTED) & state.target).sum(axis=1) / n_targets,
            0.0,
        )
        proficiency = np.where(
            n_targets > 0, (state.proficiency * state.target).sum(axis=1) / n_targets, 0.0
        )
    return pd.DataFrame(
        {
            "staff": np.arange(state.n_staff),
            "active": state.active,
            "stage": staff_stages(state),
            "adoption": adoption,
            "proficiency": proficiency,
            "strain": state.strain,
            "high_strain": state.active & (state.strain > high_strain_threshold),
        }
    )


def ties(network: StaffNetwork) -> pd.DataFrame:
    """Ties of the staff network, each once (columns a, b: staff numbers)."""
    upper = sp.triu(network.adjacency, k=1).tocoo()
    return pd.DataFrame({"a": upper.row.astype(np.int32), "b": upper.col.astype(np.int32)})
