"""Acculturation: the slow understanding and acceptance of the sense of the project.

Distinct from proficiency in a tool (:mod:`~simulation.model.mechanisms.learning`),
acculturation ``a_i`` in [0, 1] is how far a member of staff understands and accepts
why the organisation goes digital (CNFPT 2018, section VI.A: "the sense of the project
federates more than its technical features"; its long time "does not match the pace
imposed by digital change"). It starts at the profile's ``acculturation_initial`` and
closes a share of its gap every week from the start of the run, tools live or not:

    a_i <- a_i + acculturation_rate * min(1, drive_i) * (1 - a_i)
    drive_i = (meaning_i + involvement + backing[service(i)] + lead) / 4
            + acculturation_training * contextual_i / max_training_hours

* ``meaning_i``: the sense of the project as the staff member sees it
  (``levers.project_meaning``, raised by big bang's project framing);
* ``involvement``: ``levers.staff_involvement`` (section VI.A: acculturation is
  faster when staff are involved);
* ``backing``: their service's managerial backing (section IV.B; managers' part in
  training "is attached first to the sense of the project", section IV.D);
* ``lead``: 1 if the project is led from the business side (section IV.A), else 0;
* ``contextual_i``: this week's hours of internal and action-training followed
  (internal training "gives meaning", section IV.D; supplier training and
  e-learning give none).

Refusal depends on it (:mod:`~simulation.model.mechanisms.dropout`): the refusal
hazard is multiplied by ``1 - acculturation_refusal * a_i``, so a plan whose go-lives
come before staff have understood the project pays for it in refusal. Rates per week;
values assumption.
"""

from __future__ import annotations

from typing import NamedTuple

from numba import njit

from simulation.model.coefficients import gather
from simulation.model.state import Services, StaffState
from simulation.scenario.behaviour import Behaviour
from simulation.scenario.levers import Levers


class AcculturationCoefficients(NamedTuple):
    """Coefficients of the acculturation mechanism."""

    acculturation_rate: float  # share of the gap closed per week at full drive
    shared_drive: float  # (involvement + lead) / 4: the part of the drive common to all
    training_drive: float  # drive per followed in-person hour (contextualised modes only)


def coefficients(
    behaviour: Behaviour, levers: Levers, contextual_followed: float
) -> AcculturationCoefficients:
    """Acculturation coefficients from the scenario.

    Args:
        behaviour: The scenario's behaviour.
        levers: The scenario's levers.
        contextual_followed: Share of a scheduled in-person hour followed in internal
            or action-training (:func:`simulation.model.mechanisms.training.mode_values`).
    """
    cap = levers.max_training_hours
    per_hour = behaviour.acculturation_training * contextual_followed / cap if cap > 0 else 0.0
    return gather(
        AcculturationCoefficients,
        behaviour,
        shared_drive=(levers.staff_involvement + float(levers.business_project_lead)) / 4.0,
        training_drive=per_hour,
    )


@njit(cache=True, error_model="numpy")
def acculturate(staff: StaffState, services: Services, c: AcculturationCoefficients) -> None:
    """One week of acculturation of the active staff, in place (``acculturation``).

    Reads this week's ``in_person_hours`` (scheduled; see
    :mod:`~simulation.model.mechanisms.training`), ``meaning`` and the services' backing.
    """
    acculturation, active, meaning = staff.acculturation, staff.active, staff.meaning
    service, in_person, backing = staff.service, staff.in_person_hours, services.backing
    for i in range(active.size):
        if not active[i]:
            continue
        drive = (
            c.shared_drive
            + 0.25 * (meaning[i] + backing[service[i]])
            + c.training_drive * in_person[i]
        )
        a = acculturation[i]
        acculturation[i] = a + c.acculturation_rate * min(1.0, drive) * (1.0 - a)
