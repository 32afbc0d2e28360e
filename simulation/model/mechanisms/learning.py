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
  effective training hours (see :mod:`~simulation.model.mechanisms.training`) are
  shared over such tools by ``levers.training_focus``: evenly (``n_learning[i]``
  shares), or all of them to the one that went live first for the staff member's
  service (``earliest``; ties and tools not live yet by their order in the
  scenario), so that ``training_rate * effective_hours[i]`` goes to that tool alone;
* ``help``: colleagues and referents who master the tool (section IV.C-IV.D, peer
  tutoring and first-level support):

      help[i, t] = min(1, nb_help[i, t] / degree[i] + referent_support[service(i), t])

  where ``nb_help`` counts active neighbours who master the tool, technophiles and
  referents weighted ``1 + peer_tutoring * tutor_extra_weight``;
* ``depth``: the tool's SAMR depth; deeper changes are learnt more slowly.

The kernel also writes each staff member's mean help over their live tools, a
resource that buffers strain. Referent support is

    referent_support[s, t] = min(1, referent_reach * referents_mastering[s, t] / active_staff[s])

with the services' active staff counted at the last observation.
"""

from __future__ import annotations

from typing import NamedTuple

from numba import njit

from simulation.model.coefficients import gather
from simulation.model.stages import ADOPTED, TRYING
from simulation.model.state import Services, StaffState, Tools
from simulation.scenario.behaviour import Behaviour
from simulation.scenario.levers import Levers


class LearningCoefficients(NamedTuple):
    """Coefficients of the learning mechanism."""

    practice_rate: float  # share of the gap closed per week of use
    training_rate: float  # share of the gap closed per effective training hour
    peer_help_rate: float  # share of the gap closed per week of full help
    mastery_threshold: float  # proficiency at which a tool is mastered
    referent_reach: float  # colleagues one referent mastering a tool can support
    focus_earliest: bool  # all training time to the earliest live tool (else even split)


def coefficients(behaviour: Behaviour, levers: Levers | None = None) -> LearningCoefficients:
    """Learning coefficients from the scenario's behaviour (and its levers' training focus)."""
    focus = levers is not None and levers.training_focus == "earliest"
    return gather(LearningCoefficients, behaviour, focus_earliest=focus)


@njit(cache=True, error_model="numpy")
def referent_support(staff: StaffState, services: Services, c: LearningCoefficients) -> None:
    """First-level support in each service for each tool into ``services.support``, in [0, 1].

    Counts the active referents mastering each tool, by service; reads
    ``services.active_staff``.
    """
    support, active_staff = services.support, services.active_staff
    proficiency, is_referent, active, service = (
        staff.proficiency,
        staff.is_referent,
        staff.active,
        staff.service,
    )
    support[:] = 0.0
    n, n_tools = proficiency.shape
    for i in range(n):
        if is_referent[i] and active[i]:
            for t in range(n_tools):
                if proficiency[i, t] >= c.mastery_threshold:
                    support[service[i], t] += 1.0
    for s in range(support.shape[0]):
        staff_count = max(active_staff[s], 1.0)
        for t in range(n_tools):
            support[s, t] = min(1.0, c.referent_reach * support[s, t] / staff_count)


@njit(cache=True, error_model="numpy", inline="always")
def _earliest(staff: StaffState, services: Services, i: int, mastery: float) -> int:
    """The tool staff member ``i`` learns first: open, unmastered, earliest go-live."""
    go_live, s = services.go_live_week, staff.service[i]
    best, best_week = -1, 0
    for t in range(staff.proficiency.shape[1]):
        if staff.training_open[i, t] and staff.proficiency[i, t] < mastery:
            week = go_live[s, t]
            if best < 0 or week < best_week:
                best, best_week = t, week
    return best


@njit(cache=True, error_model="numpy")
def learn(staff: StaffState, services: Services, tools: Tools, c: LearningCoefficients) -> None:
    """Update ``proficiency`` and ``mean_help`` in place.

    Reads this week's ``n_learning`` and ``effective_hours`` (see
    :mod:`~simulation.model.mechanisms.training`) and ``services.support``.
    """
    # Arrays are taken out of their containers once, outside the loops (faster).
    proficiency, stage, live, training_open = (
        staff.proficiency,
        staff.stage,
        staff.live,
        staff.training_open,
    )
    active, service, degrees, ability = (
        staff.active,
        staff.service,
        staff.degree,
        staff.learning_ability,
    )
    n_learning, effective_hours, mean_help = (
        staff.n_learning,
        staff.effective_hours,
        staff.mean_help,
    )
    nb_help, support, depth = staff.nb_help, services.support, tools.depth
    n, n_tools = proficiency.shape
    for i in range(n):
        mean_help[i] = 0.0
        if not active[i]:
            continue
        per_tool_training = 0.0
        focus = -1  # with focus_earliest: the one tool that gets the training time
        if n_learning[i] > 0:
            per_tool_training = c.training_rate * effective_hours[i] / n_learning[i]
            if c.focus_earliest:
                per_tool_training = c.training_rate * effective_hours[i]
                focus = _earliest(staff, services, i, c.mastery_threshold)
        n_live = 0
        help_sum = 0.0
        s = service[i]
        degree = degrees[i]
        for t in range(n_tools):
            if not training_open[i, t]:
                continue
            m = proficiency[i, t]
            gain = 0.0
            if m < c.mastery_threshold and (focus < 0 or focus == t):
                gain += per_tool_training
            if live[i, t]:
                peer = nb_help[i, t] / degree if degree > 0 else 0.0
                help_ = min(1.0, peer + support[s, t])
                help_sum += help_
                n_live += 1
                gain += c.peer_help_rate * help_
                if stage[i, t] == TRYING or stage[i, t] == ADOPTED:
                    gain += c.practice_rate
            proficiency[i, t] = m + (1.0 - m) * min(1.0, ability[i] * gain / depth[t])
        if n_live > 0:
            mean_help[i] = help_sum / n_live
