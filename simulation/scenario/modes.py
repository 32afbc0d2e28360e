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
from typing import Any, ClassVar, Self

import numpy as np

from simulation.scenario.errors import ScenarioError
from simulation.scenario.schema import Record

TRAINING_MODES: tuple[str, ...] = ("vendor", "internal", "action")
"""In-person training modes, in the order used by every per-mode array."""


@dataclasses.dataclass(frozen=True)
class ByMode(Record):
    """One number per in-person training mode. A bare number in a file means the same for all."""

    _leaf: ClassVar[bool] = True
    _describe: ClassVar[str] = "a number or a mapping {vendor, internal, action}"

    vendor: float
    internal: float
    action: float

    @classmethod
    def _from_shorthand(cls, value: Any) -> Self | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return cls(value, value, value)
        return None

    def as_array(self) -> np.ndarray:
        """Values as a float array indexed by mode (:data:`TRAINING_MODES`)."""
        return np.array([getattr(self, m) for m in TRAINING_MODES], dtype=np.float64)


@dataclasses.dataclass(frozen=True)
class TrainingMix(ByMode):
    """Shares of the trainer hours given in each in-person mode; they must sum to 1."""

    _describe: ClassVar[str] = "a mapping {vendor, internal, action} of shares summing to 1"

    vendor: float = 0.2
    internal: float = 0.5
    action: float = 0.3

    @classmethod
    def _from_shorthand(cls, value: Any) -> Self | None:
        return None  # a single number cannot be a mix

    def _check(self) -> None:
        values = self.as_array()
        if np.any(values < 0) or np.any(values > 1):
            raise ScenarioError("each share must be from 0 to 1")
        total = float(values.sum())
        if abs(total - 1.0) > 1e-6:
            terms = " + ".join(f"{m} {getattr(self, m):g}" for m in TRAINING_MODES)
            raise ScenarioError(f"shares sum to {total:g} ({terms}); they must sum to 1")
