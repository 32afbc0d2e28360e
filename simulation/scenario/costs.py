"""Unit costs in euros: trainers, staff time, tools and replacing staff who leave.

The study names costs as an emerging concern of the collectivités without figures
(CNFPT 2018, section IV.D); the defaults are orders of magnitude for a French
collectivité around 2018, each with its reasoning, for a scenario to override with its
own figures. How a run turns them into costs: :mod:`simulation.model.costs`.
"""

from __future__ import annotations

import dataclasses

from simulation.scenario.modes import ByMode
from simulation.scenario.schema import Record, spec


@dataclasses.dataclass(frozen=True)
class Costs(Record):
    """Unit costs of a rollout, in euros (tool costs are set per tool)."""

    trainer_hour_eur: ByMode = spec(
        ByMode(150.0, 50.0, 50.0),
        ge=0,
        le=1e5,
        unit="EUR per trainer hour",
        doc="Cost of an hour of in-person training, by mode (supplier, internal, "
        "action-training), preparation included.",
        source="assumption (a supplier's training day of about 1,000-1,200 EUR; an internal "
        "trainer's loaded hourly cost with preparation time)",
    )
    e_learning_hour_eur: float = spec(
        5.0,
        ge=0,
        le=1e4,
        unit="EUR per hour followed",
        doc="Cost of an hour of e-learning followed (platform and content).",
        source="assumption",
    )
    staff_hour_eur: float = spec(
        27.0,
        ge=0,
        le=1e4,
        unit="EUR per staff hour",
        doc="Loaded cost of an hour of a staff member's time (pay and employer "
        "contributions), used for time spent in training and productivity lost.",
        source="assumption (about 43,000 EUR a year of loaded pay over the 1,607 hours of a "
        "full-time year in the territorial civil service)",
    )
    covered_hours_per_week: float = spec(
        14.0,
        ge=0,
        le=60,
        unit="hours/week per staff",
        doc="Hours of a staff member's week spent on the tasks the tools cover; slower "
        "processing of these tasks while learning is productivity lost.",
        source="assumption (40 % of a 35-hour week)",
    )
    replacement_eur: float = spec(
        9000.0,
        ge=0,
        le=1e7,
        unit="EUR per departure",
        doc="Cost of replacing a member of staff who leaves the organisation (recruitment "
        "and onboarding); repositioned staff cost nothing here.",
        source="Boushey & Glynn (2012): replacing an employee costs about a fifth of a "
        "year's pay (21 % for most jobs); value: 21 % of 43,000 EUR",
    )
