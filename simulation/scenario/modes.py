"""Training modes and the small per-mode tables.

The in-person modes of CNFPT 2018, section IV.D ("Des formations internes « agiles »"):

* ``vendor``: training by the tool's supplier, "effective for the project teams" but
  "too theoretical or too technical, decontextualised" for the staff of the new service;
* ``internal``: internal training, "entirely contextualised to the organisation, its
  tools and procedures", the mode the collectivités prefer;
* ``action``: action-training (formation-action), learning on one's own work.

E-learning (offered hours, attrition) and peer tutoring are the other two modes of the
study; they are levers of their own (``levers.e_learning_hours``,
``levers.peer_tutoring``), since they are not delivered by trainers.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from simulation.scenario.profiles import ByName, Shares

TRAINING_MODES: tuple[str, ...] = ("vendor", "internal", "action")
"""In-person training modes, in the order used by every per-mode array."""


@dataclasses.dataclass(frozen=True)
class ByMode(ByName):
    """One number per in-person training mode. A bare number in a file means the same for all."""

    _describe: ClassVar[str] = "error.type.number_or_table"

    vendor: float
    internal: float
    action: float


@dataclasses.dataclass(frozen=True)
class TrainingMix(Shares, ByMode):
    """Shares of the trainer hours given in each in-person mode; they must sum to 1."""

    _describe: ClassVar[str] = "error.type.shares"

    vendor: float = 0.2
    internal: float = 0.5
    action: float = 0.3
