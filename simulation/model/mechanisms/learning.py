"""Learning: proficiency in each tool grows with practice, training and help.

Proficiency ``m[i, t]`` in [0, 1] closes a share of its remaining gap each week:

    m <- m + (1 - m) * min(1, ability[i] * gain / depth[t])
    gain = practice_rate * using[i, t]
         + training_rate * effective_hours[i] / n_learning[i] * learning[i, t]
         + peer_help_rate * help[i, t] * live[i, t]

* ``ability``: individual learning ability, the profile's value times a log-normal
  factor (CNFPT 2018 section VI.A, uneven digital maturity; values assumption);
* ``using``: the tool is live and the staff member is trying or has adopted it
  (learning by doing);
* ``learning``: training for the tool is open and it is not mastered; the week's
  effective training hours are split evenly over such tools (see
  :mod:`~simulation.model.mechanisms.training`);
* ``help``: colleagues and referents who master the tool (section IV.C-IV.D, peer
  tutoring and first-level support):

      help[i, t] = min(1, nb_help[i, t] / degree[i] + referent_support[service(i), t])

  where ``nb_help`` counts active neighbours who master the tool, technophiles and
  referents weighted ``1 + peer_tutoring * tutor_extra_weight``;
* ``depth``: the tool's SAMR depth; deeper changes are learnt more slowly.

The kernel also returns each staff member's mean help over their live tools, a
resource that buffers strain.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from simulation.model.stages import ADOPTED, TRYING
from simulation.scenario.parameters import Behaviour


class LearningCoefficients(NamedTuple):
    """Coefficients of the learning mechanism."""

    practice_rate: float  # share of the gap closed per week of use
    training_rate: float  # share of the gap closed per effective training hour
    peer_help_rate: float  # share of the gap closed per week of full help
    mastery: float  # proficiency at which a tool is mastered


def coefficients(behaviour: Behaviour) -> LearningCoefficients:
    """Learning coefficients from the scenario's behaviour."""
    return LearningCoefficients(
        practice_rate=behaviour.practice_rate,
        training_rate=behaviour.training_rate,
        peer_help_rate=behaviour.peer_help_rate,
        mastery=behaviour.mastery_threshold,
    )


def referent_support(
    proficiency: np.ndarray,
    active: np.ndarray,
    is_referent: np.ndarray,
    service: np.ndarray,
    active_count: np.ndarray,
    mastery: float,
    reach: float,
) -> np.ndarray:
    """First-level support available in each service for each tool, (S, T) in [0, 1].

    support[s, t] = min(1, reach * referents_mastering[s, t] / active_staff[s])
    """
    referents = np.flatnonzero(is_referent & active)
    n_services, n_tools = active_count.size, proficiency.shape[1]
    masters = np.zeros((n_services, n_tools))
    if referents.size:
        mastering = (proficiency[referents] >= mastery).astype(np.float64)
        np.add.at(masters, service[referents], mastering)
    return np.minimum(1.0, reach * masters / np.maximum(active_count, 1)[:, None])


@njit(cache=True)
def learn(
    proficiency: np.ndarray,
    stage: np.ndarray,
    live: np.ndarray,
    training_open: np.ndarray,
    active: np.ndarray,
    service: np.ndarray,
    ability: np.ndarray,
    effective_hours: np.ndarray,
    n_learning: np.ndarray,
    nb_help: np.ndarray,
    degree: np.ndarray,
    support_by_service: np.ndarray,
    depth: np.ndarray,
    c: LearningCoefficients,
) -> np.ndarray:
    """Update proficiency in place; return each staff member's mean help, (N,)."""
    n, n_tools = proficiency.shape
    mean_help = np.zeros(n)
    for i in range(n):
        if not active[i]:
            continue
        per_tool_training = 0.0
        if n_learning[i] > 0:
            per_tool_training = c.training_rate * effective_hours[i] / n_learning[i]
        n_live = 0
        help_sum = 0.0
        s = service[i]
        for t in range(n_tools):
            if not training_open[i, t]:
                continue
            m = proficiency[i, t]
            gain = 0.0
            if m < c.mastery:
                gain += per_tool_training
            if live[i, t]:
                peer = nb_help[i, t] / degree[i] if degree[i] > 0 else 0.0
                help_ = min(1.0, peer + support_by_service[s, t])
                help_sum += help_
                n_live += 1
                gain += c.peer_help_rate * help_
                if stage[i, t] == TRYING or stage[i, t] == ADOPTED:
                    gain += c.practice_rate
            proficiency[i, t] = m + (1.0 - m) * min(1.0, ability[i] * gain / depth[t])
        if n_live > 0:
            mean_help[i] = help_sum / n_live
    return mean_help
