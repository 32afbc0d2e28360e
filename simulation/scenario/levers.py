"""Change-management levers: what a directorate decides (training, referents, backing...).

The levers of CNFPT 2018, sections IV.A-IV.D, as scenario parameters with their unit,
allowed range and source. All rates are per week. Sources cite the CNFPT 2018 study by
section, a paper, or say "assumption".
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from simulation.scenario.modes import TrainingMix
from simulation.scenario.schema import Record, spec

STUDY = "CNFPT 2018"
"""The study the sources cite by section."""


@dataclasses.dataclass(frozen=True)
class Levers(Record):
    """Change-management levers (CNFPT 2018, sections IV.A-IV.D)."""

    training_capacity: float = spec(
        30.0,
        ge=0,
        le=1e6,
        unit="trainer hours/week",
        doc="In-person training delivered per week across the organisation, all modes "
        "(training_mix); each trainer hour serves one group of trainees.",
        source=f"{STUDY}, section IV.D (internal action-training preferred, good internal "
        "trainers scarce); value: assumption",
    )
    training_group_size: int = spec(
        6,
        ge=1,
        le=100,
        unit="staff per session",
        doc="Trainees per in-person session (trainee hours per trainer hour).",
        source="assumption",
    )
    training_mix: TrainingMix = spec(
        TrainingMix(),
        ge=0,
        le=1,
        unit="shares summing to 1",
        doc="Shares of the trainer hours given by the tool's supplier (vendor), by internal "
        "trainers (internal) and as action-training on one's own work (action).",
        source=f"{STUDY}, section IV.D (first sessions often by the supplier; internal and "
        "action-training preferred); values: assumption",
    )
    max_training_hours: float = spec(
        2.0,
        ge=0,
        le=40,
        unit="hours/week per staff",
        doc="Most time a staff member can give to training in a week, all modes together "
        "(the rest of the week goes to their work, new tools included).",
        source="assumption (the study gives no figure; 2 h is 6 % of a 35-hour week)",
    )
    training_focus: Literal["even", "earliest"] = spec(
        "even",
        doc="How a staff member shares their weekly training time between the tools they "
        "learn at once: even (the same share for each) or earliest (all of it for the tool "
        "that went live first, then the next; before any go-live, the first tool open).",
        source="assumption (the study does not say how time is shared between tools learnt "
        "at once)",
    )
    training_priority: tuple[str, ...] = spec(
        (),
        unit="services",
        doc="Services whose staff are trained in person right after the referents and "
        "before everybody else (a training campaign targeted at these services); none by "
        "default. A staff member counts in the service they work in.",
        source=f"{STUDY}, section IV.D (training); value: assumption",
    )
    e_learning_hours: float = spec(
        1.0,
        ge=0,
        le=40,
        unit="hours/week per staff",
        doc="E-learning offered weekly to each staff member who has a tool to learn "
        "(unlimited capacity, but with attrition).",
        source=f"{STUDY}, section IV.D (e-learning loses people; nobody goes all-digital)",
    )
    peer_tutoring: float = spec(
        0.5,
        ge=0,
        le=1,
        unit="intensity 0-1",
        doc="How systematically technophiles and referents tutor colleagues "
        "(0 none, 1 organised peer tutoring).",
        source=f"{STUDY}, section IV.D ('tutorat entre pairs')",
    )
    referent_share: float = spec(
        0.03,
        ge=0,
        le=0.5,
        unit="share of staff",
        doc="Share of staff appointed referents (at least one per service, rounded half up), "
        "who give first-level support in their service and are trained first.",
        source=f"{STUDY}, section IV.C (first-level support by referents in every service)",
    )
    manager_backing: float = spec(
        0.5,
        ge=0,
        le=1,
        unit="0-1",
        doc="How strongly managers back the change and give it meaning; a service's own "
        "value overrides it.",
        source=f"{STUDY}, section IV.B ('tutorials are not enough, political and managerial "
        "will is indispensable')",
    )
    business_project_lead: bool = spec(
        True,
        doc="Whether the project is led from the business side, which widens adherence.",
        source=f"{STUDY}, section IV.A",
    )
    project_meaning: float = spec(
        0.5,
        ge=0,
        le=1,
        unit="0-1",
        doc="How well the purpose of the project is explained to staff.",
        source=f"{STUDY}, section VI.A ('the sense of the project federates more than its "
        "technical features')",
    )
    staff_involvement: float = spec(
        0.2,
        ge=0,
        le=1,
        unit="0-1",
        doc="How far staff are involved in designing the tools and processes: it pushes "
        "towards trying the tools, buffers strain and speeds acculturation.",
        source=f"{STUDY}, section VI.A (acculturation is faster when staff are involved); "
        "Tarafdar et al. (2007) involvement facilitation; value: assumption",
    )
    internal_mobility_capacity: float = spec(
        0.08,
        ge=0,
        le=1,
        unit="share of initial staff",
        doc="Posts that can take staff repositioned by internal mobility (in front-office "
        "services, or any other service if there is none), as a share of the initial "
        "staff; once they are taken, staff who leave their post leave the organisation.",
        source=f"{STUDY}, section IV.D ('5 to 10 % of staff ... must be accompanied towards "
        "internal, or even external, mobility'); value: assumption (most of them "
        "repositioned)",
    )
    right_to_disconnect: bool = spec(
        False,
        doc="Whether a right-to-disconnect policy and tool-use charter are in force.",
        source=f"{STUDY}, section VI.C (prevention: right to disconnect, charters)",
    )
    workload_relief: float = spec(
        0.0,
        ge=0,
        le=1,
        unit="share of the extra workload",
        doc="Share of the extra workload left by departed colleagues that temporary "
        "reinforcements absorb (0: the colleagues who stay carry all of it).",
        source=f"assumption; {STUDY}, section VI.C (overload)",
    )
