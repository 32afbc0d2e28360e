"""Training: the organisation's weekly training capacity is shared out.

Staff with at least one tool to learn (training open, proficiency below mastery)
ask for up to ``max_training_hours`` a week. In-person internal training supplies

    supply = training_capacity * training_group_size      (trainee hours/week)

served to referents first (they give first-level support, CNFPT 2018 section IV.C),
then to everybody else in equal shares:

    in_person[i] = max_training_hours * min(1, supply_left / demand_of_i's_group)

E-learning fills the rest of the weekly cap, up to ``e_learning_hours``, but only a
profile-dependent share of it is followed and it counts for less (section IV.D:
"they forget, miss sessions or do not log in"):

    followed[i]  = min(e_learning_hours, max_training_hours - in_person[i]) * completion[profile(i)]
    effective[i] = in_person[i] + e_learning_effectiveness * followed[i]

Parameters: levers ``training_capacity``, ``training_group_size``,
``max_training_hours``, ``e_learning_hours`` (assumption, section IV.D);
behaviour ``e_learning_completion``, ``e_learning_effectiveness`` (assumption).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from simulation.scenario.parameters import Behaviour, Levers


class TrainingCoefficients(NamedTuple):
    """Coefficients of the training allocation."""

    supply: float  # trainee hours of in-person training per week
    group_size: float  # trainees per trainer hour
    max_hours: float  # weekly cap per staff member, all modes
    e_hours: float  # e-learning offered per staff member and week
    e_effectiveness: float  # value of an e-learning hour relative to in-person


def coefficients(levers: Levers, behaviour: Behaviour) -> TrainingCoefficients:
    """Training coefficients from the scenario's levers and behaviour."""
    return TrainingCoefficients(
        supply=levers.training_capacity * levers.training_group_size,
        group_size=float(levers.training_group_size),
        max_hours=levers.max_training_hours,
        e_hours=levers.e_learning_hours,
        e_effectiveness=behaviour.e_learning_effectiveness,
    )


@njit(cache=True)
def tools_to_learn(
    training_open: np.ndarray, proficiency: np.ndarray, active: np.ndarray, mastery: float
) -> np.ndarray:
    """Number of tools each active staff member is learning: open and not yet mastered."""
    n, n_tools = proficiency.shape
    count = np.zeros(n, dtype=np.int32)
    for i in range(n):
        if not active[i]:
            continue
        for t in range(n_tools):
            if training_open[i, t] and proficiency[i, t] < mastery:
                count[i] += 1
    return count


def allocate_training(
    n_learning: np.ndarray,
    is_referent: np.ndarray,
    completion: np.ndarray,
    c: TrainingCoefficients,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Share out this week's training.

    Args:
        n_learning: Tools each staff member is learning, (N,) (0 for inactive staff).
        is_referent: Referent mask, (N,).
        completion: Share of e-learning each staff member follows, (N,).
        c: Training coefficients.

    Returns:
        ``(effective, followed, trainer_hours)``: effective training hours of each
        staff member (in-person equivalent), hours actually followed in all modes, and
        trainer hours used.
    """
    learning = n_learning > 0
    in_person = np.zeros(n_learning.size)
    supply = c.supply
    for group in (learning & is_referent, learning & ~is_referent):
        demand = c.max_hours * np.count_nonzero(group)
        if demand > 0 and supply > 0:
            rate = min(1.0, supply / demand)
            in_person[group] = rate * c.max_hours
            supply -= rate * demand
    offered = np.where(learning, np.minimum(c.e_hours, c.max_hours - in_person), 0.0)
    e_followed = offered * completion
    effective = in_person + c.e_effectiveness * e_followed
    trainer_hours = float(in_person.sum()) / c.group_size
    return effective, in_person + e_followed, trainer_hours
