"""Peer counts: what each staff member sees of their colleagues, kept up to date by events.

Peer influence and peer help need, for every staff member ``i`` and tool ``t``,

    degree[i]        = number of active neighbours,
    nb_adopted[i, t] = number of active neighbours who adopted t,
    nb_help[i, t]    = sum over active neighbours mastering t of their tutor weight,

with tutor weight ``1 + peer_tutoring * tutor_extra_weight`` for technophiles and
referents (CNFPT 2018, sections IV.D and VI.A) and 1 for others. Recomputing these
sums every week would cost a pass over every tie for every tool. Instead, each staff
member's contribution is remembered, and only changes (an adoption, a newly
mastered tool, a reversion, a departure) are pushed to their neighbours through
the sparse adjacency: the total work over a run is about one pass over the ties
per tool. Counts are refreshed at the end of the week, so every decision of a week
sees the same state of its neighbourhood (synchronous update).

Under homogeneous mixing (``organisation.peer_scope: organisation``) everybody is
everybody's neighbour: :func:`mean_field` sets the same counts from organisation
totals, minus one's own contribution, in one pass.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulation.model.stages import ADOPTED
from simulation.model.state import StaffState, Ties


@njit(cache=True, error_model="numpy")
def propagate(staff: StaffState, ties: Ties, mastery: float) -> None:
    """Push every changed contribution to the neighbours' counts, in place.

    Updates ``degree``, ``nb_adopted`` and ``nb_help``; ``shown_*`` hold the
    contributions the neighbours currently count and are updated to the new state.
    A tool counts as mastered from proficiency ``mastery``.
    """
    # Arrays are taken out of their containers once, outside the loops (faster).
    indptr, indices = ties.indptr, ties.indices
    active, stage, proficiency, tutor_weight = (
        staff.active,
        staff.stage,
        staff.proficiency,
        staff.tutor_weight,
    )
    shown_active, shown_adopted, shown_help = (
        staff.shown_active,
        staff.shown_adopted,
        staff.shown_help,
    )
    degree, nb_adopted, nb_help = staff.degree, staff.nb_adopted, staff.nb_help
    n, n_tools = stage.shape
    for j in range(n):
        is_active = active[j]
        if is_active != shown_active[j]:
            step = 1.0 if is_active else -1.0
            for k in range(indptr[j], indptr[j + 1]):
                degree[indices[k]] += step
            shown_active[j] = is_active
        # Most weeks most staff change nothing: a branch-free scan of their tools first
        # lets them be passed over at the cost of a few comparisons.
        changed = False
        for t in range(n_tools):
            adopted = is_active & (stage[j, t] == ADOPTED)
            helping = is_active & (proficiency[j, t] >= mastery)
            changed |= (adopted != shown_adopted[j, t]) | (helping != shown_help[j, t])
        if not changed:
            continue
        for t in range(n_tools):
            adopted = is_active and stage[j, t] == ADOPTED
            if adopted != shown_adopted[j, t]:
                step = 1.0 if adopted else -1.0
                for k in range(indptr[j], indptr[j + 1]):
                    nb_adopted[indices[k], t] += step
                shown_adopted[j, t] = adopted
            helping = is_active and proficiency[j, t] >= mastery
            if helping != shown_help[j, t]:
                step = tutor_weight[j] if helping else -tutor_weight[j]
                for k in range(indptr[j], indptr[j + 1]):
                    nb_help[indices[k], t] += step
                shown_help[j, t] = helping


@njit(cache=True, error_model="numpy")
def mean_field(staff: StaffState, mastery: float) -> None:
    """Set the counts as if every active staff member were everyone's neighbour, in place.

    degree[i]        = active staff - [i active]
    nb_adopted[i, t] = active adopters of t - [i adopted t]
    nb_help[i, t]    = sum of tutor weights of active masters of t - i's own
    """
    active, stage, proficiency = staff.active, staff.stage, staff.proficiency
    tutor_weight, degree, nb_adopted, nb_help = (
        staff.tutor_weight,
        staff.degree,
        staff.nb_adopted,
        staff.nb_help,
    )
    n, n_tools = stage.shape
    n_active = 0.0
    adopters = np.zeros(n_tools)
    helpers = np.zeros(n_tools)
    for j in range(n):
        if not active[j]:
            continue
        n_active += 1.0
        for t in range(n_tools):
            if stage[j, t] == ADOPTED:
                adopters[t] += 1.0
            if proficiency[j, t] >= mastery:
                helpers[t] += tutor_weight[j]
    for i in range(n):
        own = 1.0 if active[i] else 0.0
        degree[i] = n_active - own
        for t in range(n_tools):
            nb_adopted[i, t] = adopters[t] - (own if stage[i, t] == ADOPTED else 0.0)
            mine = tutor_weight[i] if active[i] and proficiency[i, t] >= mastery else 0.0
            nb_help[i, t] = helpers[t] - mine
