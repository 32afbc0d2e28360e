"""Training: the organisation's weekly training capacity is shared out.

Staff with at least one tool to learn (training open, proficiency below mastery)
ask for up to ``max_training_hours`` a week, the time they can give to training (an
assumption; the rest of the week is their work). In-person training supplies

    supply = training_capacity * training_group_size      (trainee hours/week)

served group after group, in equal shares within a group: referents first (they give
first-level support, CNFPT 2018 section IV.C), then the staff of the services of
``levers.training_priority`` (a training campaign targeted at some services, section
IV.D; who comes first is a value assumption), then everybody else:

    in_person[i] = max_training_hours * min(1, supply_left / demand_of_i's_group)
    supply_left <- supply_left - demand_of_the_group * min(1, supply_left / demand_of_the_group)

A referent of a priority service is served as a referent. A staff member counts in
the service they work in now (``StaffState.service``), not the one they started in:
staff repositioned by internal mobility learn their new service's tools, so a campaign
for that service trains them. With no priority service the middle group is empty:
its rate is 0 and it takes 0 from the supply, so every number is that of two groups.

**Modes.** The trainer hours are given in the modes of ``levers.training_mix``
(shares ``x_k`` of supplier, internal and action-training; section IV.D), each with
its completion ``c_k`` (share of scheduled hours followed) and effectiveness ``e_k``
(value of an hour relative to internal training). Every trainee gets the same mix, so
an in-person hour is worth

    value       = sum_k x_k * c_k * e_k      (e_vendor = vendor_effectiveness_project_team
                                              for referents, the project team)
    followed[i] = in_person[i] * sum_k x_k * c_k

E-learning fills the rest of the weekly cap, up to ``e_learning_hours``, but only a
profile-dependent share of it is followed and it counts for less (section IV.D:
"they forget, miss sessions or do not log in"):

    offered[i]    = min(e_learning_hours, max_training_hours - in_person[i])
    e_followed[i] = offered[i] * completion[profile(i)]
    effective[i]  = value(i) * in_person[i] + e_learning_effectiveness * e_followed[i]

Parameters: levers ``training_capacity``, ``training_group_size``, ``training_mix``,
``max_training_hours``, ``e_learning_hours``, ``training_priority`` (assumption,
section IV.D); behaviour
``training_effectiveness``, ``vendor_effectiveness_project_team``,
``training_completion``, ``e_learning_completion``, ``e_learning_effectiveness``
(section IV.D; values assumption).
"""

from __future__ import annotations

from typing import NamedTuple

from numba import njit

from simulation.model.coefficients import gather
from simulation.model.state import Services, StaffState
from simulation.scenario.behaviour import Behaviour
from simulation.scenario.levers import Levers
from simulation.scenario.modes import TRAINING_MODES


class TrainingCoefficients(NamedTuple):
    """Coefficients of the training allocation."""

    supply: float  # trainee hours of in-person training per week
    training_group_size: float  # trainees per trainer hour
    max_training_hours: float  # weekly cap per staff member, all modes
    e_learning_hours: float  # e-learning offered per staff member and week
    e_learning_effectiveness: float  # value of an e-learning hour relative to in-person
    mastery_threshold: float  # proficiency at which a tool no longer needs training
    in_person_value: float  # value of a scheduled in-person hour, staff outside the project
    in_person_value_team: float  # the same for referents (the project team)
    in_person_followed: float  # share of scheduled in-person hours followed
    contextual_followed: float  # share followed in internal or action-training


def mode_values(levers: Levers, behaviour: Behaviour) -> tuple[float, float, float, float]:
    """What a scheduled in-person hour gives, over the mix of modes (see the module).

    Returns:
        Its value for staff outside the project team and for referents, the share of
        it followed, and the share followed in internal or action-training.
    """
    mix = levers.training_mix.as_array()
    completion = behaviour.training_completion.as_array()
    effectiveness = behaviour.training_effectiveness.as_array()
    team = effectiveness.copy()
    team[TRAINING_MODES.index("vendor")] = behaviour.vendor_effectiveness_project_team
    followed = mix * completion
    contextual = sum(followed[TRAINING_MODES.index(m)] for m in TRAINING_MODES if m != "vendor")
    return (
        float(followed @ effectiveness),
        float(followed @ team),
        float(followed.sum()),
        float(contextual),
    )


def coefficients(levers: Levers, behaviour: Behaviour) -> TrainingCoefficients:
    """Training coefficients from the scenario's levers and behaviour."""
    value, value_team, followed, contextual = mode_values(levers, behaviour)
    return gather(
        TrainingCoefficients,
        levers,
        behaviour,
        supply=levers.training_capacity * levers.training_group_size,
        training_group_size=float(levers.training_group_size),
        in_person_value=value,
        in_person_value_team=value_team,
        in_person_followed=followed,
        contextual_followed=contextual,
    )


@njit(cache=True, error_model="numpy")
def tools_to_learn(staff: StaffState, c: TrainingCoefficients) -> None:
    """Count into ``n_learning`` the tools each active staff member learns (open, unmastered)."""
    active, training_open, proficiency = staff.active, staff.training_open, staff.proficiency
    n_learning = staff.n_learning
    n, n_tools = proficiency.shape
    mastery = c.mastery_threshold
    for i in range(n):
        count = 0
        if active[i]:
            # Counted without a branch per tool: whether a tool is still to learn is
            # hard to predict while proficiencies cross the threshold.
            for t in range(n_tools):
                count += training_open[i, t] & (proficiency[i, t] < mastery)
        n_learning[i] = count


@njit(cache=True, error_model="numpy")
def allocate_training(staff: StaffState, services: Services, c: TrainingCoefficients) -> None:
    """Share out this week's training, in place.

    Reads ``n_learning`` (0 for inactive staff), ``is_referent``, ``service``,
    ``e_completion`` and the services' ``priority``; writes ``in_person_hours``
    (scheduled), ``effective_hours`` (in internal-training equivalent) and
    ``training_hours`` (followed, all modes).
    """
    n_learning, is_referent, completion = staff.n_learning, staff.is_referent, staff.e_completion
    service, priority = staff.service, services.priority
    in_person_hours, effective_hours, training_hours = (
        staff.in_person_hours,
        staff.effective_hours,
        staff.training_hours,
    )
    n = n_learning.size
    # Referents, then staff of priority services, then the others. The three groups
    # are counted in one pass and served in one more (the same rates, in the same
    # order, as group after group).
    learners = 0
    referents = 0
    prioritised = 0
    for i in range(n):
        if n_learning[i] > 0:
            learners += 1
            if is_referent[i]:
                referents += 1
            elif priority[service[i]]:
                prioritised += 1
    supply = c.supply
    demand = c.max_training_hours * referents
    rate_referents = min(1.0, supply / demand) if demand > 0 and supply > 0 else 0.0
    supply -= rate_referents * demand
    # An empty group has rate 0 and takes 0.0 * 0.0 from the supply: no float moves.
    demand = c.max_training_hours * prioritised
    rate_priority = min(1.0, supply / demand) if demand > 0 and supply > 0 else 0.0
    supply -= rate_priority * demand
    demand = c.max_training_hours * (learners - referents - prioritised)
    rate_others = min(1.0, supply / demand) if demand > 0 and supply > 0 else 0.0
    hours_referents = rate_referents * c.max_training_hours
    hours_priority = rate_priority * c.max_training_hours
    hours_others = rate_others * c.max_training_hours
    for i in range(n):
        in_person = 0.0
        offered = 0.0
        if n_learning[i] > 0:
            if is_referent[i]:
                in_person = hours_referents
            elif priority[service[i]]:
                in_person = hours_priority
            else:
                in_person = hours_others
            offered = min(c.e_learning_hours, c.max_training_hours - in_person)
        in_person_hours[i] = in_person
        followed = offered * completion[i]
        value = c.in_person_value_team if is_referent[i] else c.in_person_value
        effective_hours[i] = value * in_person + c.e_learning_effectiveness * followed
        training_hours[i] = c.in_person_followed * in_person + followed


@njit(cache=True, error_model="numpy")
def week_hours(staff: StaffState, c: TrainingCoefficients) -> tuple[float, float, float]:
    """Hours followed by ``staff`` this week (all modes), trainer hours and e-learning followed.

    Trainer hours are the in-person hours over the group size; e-learning is every
    hour followed but in-person. Both totals are summed in one pass, in staff order
    (as ``ndarray.sum`` adds them), so that the observation reads each array once.
    """
    training_hours, in_person_hours = staff.training_hours, staff.in_person_hours
    followed = 0.0
    in_person = 0.0
    for i in range(training_hours.size):
        followed += training_hours[i]
        in_person += in_person_hours[i]
    e_learning = max(0.0, followed - c.in_person_followed * in_person)
    return followed, in_person / c.training_group_size, e_learning


@njit(cache=True, error_model="numpy")
def trainer_hours(staff: StaffState, c: TrainingCoefficients) -> float:
    """Trainer hours used this week by the in-person hours of ``staff`` (all modes)."""
    return week_hours(staff, c)[1]


@njit(cache=True, error_model="numpy")
def e_learning_followed(staff: StaffState, c: TrainingCoefficients) -> float:
    """E-learning hours followed this week by ``staff``: all hours followed but in-person."""
    return week_hours(staff, c)[2]
