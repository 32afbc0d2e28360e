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

from numba import njit

from simulation.model.coefficients import gather
from simulation.model.state import StaffState
from simulation.scenario.behaviour import Behaviour
from simulation.scenario.levers import Levers


class TrainingCoefficients(NamedTuple):
    """Coefficients of the training allocation."""

    supply: float  # trainee hours of in-person training per week
    training_group_size: float  # trainees per trainer hour
    max_training_hours: float  # weekly cap per staff member, all modes
    e_learning_hours: float  # e-learning offered per staff member and week
    e_learning_effectiveness: float  # value of an e-learning hour relative to in-person
    mastery_threshold: float  # proficiency at which a tool no longer needs training


def coefficients(levers: Levers, behaviour: Behaviour) -> TrainingCoefficients:
    """Training coefficients from the scenario's levers and behaviour."""
    return gather(
        TrainingCoefficients,
        levers,
        behaviour,
        supply=levers.training_capacity * levers.training_group_size,
        training_group_size=float(levers.training_group_size),
    )


@njit(cache=True)
def tools_to_learn(staff: StaffState, c: TrainingCoefficients) -> None:
    """Count into ``n_learning`` the tools each active staff member learns (open, unmastered)."""
    active, training_open, proficiency = staff.active, staff.training_open, staff.proficiency
    n_learning = staff.n_learning
    n, n_tools = proficiency.shape
    for i in range(n):
        count = 0
        if active[i]:
            for t in range(n_tools):
                if training_open[i, t] and proficiency[i, t] < c.mastery_threshold:
                    count += 1
        n_learning[i] = count


@njit(cache=True)
def allocate_training(staff: StaffState, c: TrainingCoefficients) -> None:
    """Share out this week's training, in place.

    Reads ``n_learning`` (0 for inactive staff), ``is_referent`` and ``e_completion``;
    writes ``in_person_hours``, ``effective_hours`` (in-person equivalent) and
    ``training_hours`` (followed, all modes).
    """
    n_learning, is_referent, completion = staff.n_learning, staff.is_referent, staff.e_completion
    in_person_hours, effective_hours, training_hours = (
        staff.in_person_hours,
        staff.effective_hours,
        staff.training_hours,
    )
    n = n_learning.size
    supply = c.supply
    for referents in (True, False):  # referents are served first
        count = 0
        for i in range(n):
            if n_learning[i] > 0 and is_referent[i] == referents:
                count += 1
        demand = c.max_training_hours * count
        rate = min(1.0, supply / demand) if demand > 0 and supply > 0 else 0.0
        for i in range(n):
            if is_referent[i] == referents:
                in_person_hours[i] = rate * c.max_training_hours if n_learning[i] > 0 else 0.0
        supply -= rate * demand
    for i in range(n):
        in_person = in_person_hours[i]
        offered = 0.0
        if n_learning[i] > 0:
            offered = min(c.e_learning_hours, c.max_training_hours - in_person)
        followed = offered * completion[i]
        effective_hours[i] = in_person + c.e_learning_effectiveness * followed
        training_hours[i] = in_person + followed


def trainer_hours(staff: StaffState, c: TrainingCoefficients) -> float:
    """Trainer hours used this week by the in-person hours of ``staff``."""
    return float(staff.in_person_hours.sum()) / c.training_group_size
