"""Staff profiles and SAMR levels, and the small per-profile / per-level tables.

The three profiles come from the study: "10 % are up to date, 40 % follow the
movement and 50 % are overwhelmed" (CNFPT 2018, section VI.A, "Une fracture
numérique encore très présente"). The SAMR scale (Substitution, Augmentation,
Modification, Redefinition) is the study's reading grid for the depth of a change
(CNFPT 2018, section I).
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Self

import numpy as np

from simulation.i18n.language import general, say
from simulation.scenario.errors import ScenarioError
from simulation.scenario.schema import Record

PROFILES: tuple[str, ...] = ("technophile", "follower", "overwhelmed")
"""Profile names, in the order used by every per-profile array (codes 0, 1, 2)."""

SAMR_LEVELS: tuple[str, ...] = ("substitution", "augmentation", "modification", "redefinition")
"""SAMR levels from shallowest to deepest change."""


class ByName(Record):
    """Base of the small tables of one number per name (profile, training mode...).

    A bare number in a file means the same for every name; :meth:`as_array` gives the
    values in the fields' order.
    """

    _leaf: ClassVar[bool] = True

    @classmethod
    def _from_shorthand(cls, value: Any) -> Self | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return cls(*[value] * len(dataclasses.fields(cls)))  # type: ignore[arg-type]
        return None

    def as_array(self) -> np.ndarray:
        """Values as a float array, in the fields' order."""
        names = [f.name for f in dataclasses.fields(self)]  # type: ignore[arg-type]
        return np.array([getattr(self, name) for name in names], dtype=np.float64)


class Shares(ByName):
    """A table of shares from 0 to 1 that must sum to 1 (no shorthand)."""

    @classmethod
    def _from_shorthand(cls, value: Any) -> Self | None:
        return None  # a single number cannot be a mix

    def _check(self) -> None:
        values = self.as_array()
        if np.any(values < 0) or np.any(values > 1):
            raise ScenarioError(say("error.scenario.share_range"))
        total = float(values.sum())
        if abs(total - 1.0) > 1e-6:
            names = [f.name for f in dataclasses.fields(self)]  # type: ignore[arg-type]
            terms = " + ".join(f"{name} {_share(getattr(self, name))}" for name in names)
            raise ScenarioError(say("error.scenario.shares_sum", total=_share(total), terms=terms))


def _share(x: float) -> str:
    """A share as a message writes it: ``0.2`` (``0,2`` in French)."""
    return general(x)


@dataclasses.dataclass(frozen=True)
class ByProfile(ByName):
    """One number per staff profile. A bare number in a file means the same for all."""

    _describe: ClassVar[str] = "error.type.number_or_table"

    technophile: float
    follower: float
    overwhelmed: float


@dataclasses.dataclass(frozen=True)
class ProfileMix(Shares, ByProfile):
    """Shares of the three profiles among staff; they must sum to 1."""

    _describe: ClassVar[str] = "error.type.shares"

    technophile: float = 0.10
    follower: float = 0.40
    overwhelmed: float = 0.50


@dataclasses.dataclass(frozen=True)
class BySamr(Record):
    """One number per SAMR level. A bare number in a file means the same for all."""

    _leaf: ClassVar[bool] = True
    _describe: ClassVar[str] = "error.type.number_or_table"

    substitution: float
    augmentation: float
    modification: float
    redefinition: float

    @classmethod
    def _from_shorthand(cls, value: Any) -> Self | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return cls(value, value, value, value)
        return None

    def __getitem__(self, level: str) -> float:
        return float(getattr(self, level))
