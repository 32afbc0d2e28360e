"""The boxes of scenario discovery: limits on a few inputs, with coverage and density.

A :class:`Box` (found by :func:`simulation.experiments.discovery.discover`) restricts
some inputs, one :class:`Limit` each, and leaves the others free; its numbers say how
well it explains the runs of interest (coverage) and how often they happen in it
(density). Plain frozen data, with :meth:`Box.to_plain` for JSON.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd


@dataclasses.dataclass(frozen=True)
class Limit:
    """A box's restriction on one input.

    Attributes:
        input: The input's name (a dotted scenario path, ``scenario``, or a declared name).
        low: Lower limit (inclusive), or None if the box does not restrict it from below.
        high: Upper limit (inclusive), or None if not restricted from above.
        range_low: Smallest value of the input over all runs (numeric inputs).
        range_high: Largest value over all runs (numeric inputs).
        categories: The categories the box keeps (categorical inputs; else empty).
        all_categories: Every category of the input over all runs.
        quasi_p: The restriction's quasi-p value (the larger of its two sides'), 0-1.
    """

    input: str
    low: float | None = None
    high: float | None = None
    range_low: float | None = None
    range_high: float | None = None
    categories: tuple[Any, ...] = ()
    all_categories: tuple[Any, ...] = ()
    quasi_p: float = math.nan

    @property
    def categorical(self) -> bool:
        """Whether the input is categorical (the box keeps some of its categories)."""
        return bool(self.all_categories)

    @property
    def side(self) -> str:
        """Which side is restricted: ``below`` (an upper limit), ``above``, ``between``, ``in``."""
        if self.categorical:
            return "in"
        if self.low is not None and self.high is not None:
            return "between"
        return "below" if self.high is not None else "above"

    def holds(self, values: pd.Series) -> np.ndarray:
        """Which of ``values`` (the input's column) satisfy the restriction."""
        if self.categorical:
            return values.isin(self.categories).to_numpy()
        inside = np.ones(len(values), dtype=bool)
        numbers = values.to_numpy(dtype=float)
        if self.low is not None:
            inside &= numbers >= self.low
        if self.high is not None:
            inside &= numbers <= self.high
        return inside

    def to_plain(self) -> dict[str, Any]:
        """The restriction as plain data (for JSON)."""
        data = dataclasses.asdict(self)
        data["categories"] = [plain_value(c) for c in self.categories]
        data["all_categories"] = [plain_value(c) for c in self.all_categories]
        data["side"] = self.side
        data["quasi_p"] = None if math.isnan(self.quasi_p) else self.quasi_p
        return data


@dataclasses.dataclass(frozen=True)
class Box:
    """Conditions under which runs of interest are concentrated.

    Attributes:
        number: 1 for the first box found, 2 for the next (among the runs box 1 left)...
        limits: The restricted inputs, one :class:`Limit` each; the others are free.
        coverage: Share of all the runs of interest that are in the box (0-1).
        density: Share of the runs in the box that are of interest (0-1).
        mass: Share of all the runs that are in the box (0-1).
        cases: Runs in the box.
        cases_of_interest: Runs of interest in the box.
        base_rate: Share of runs of interest over all the runs (0-1), for comparison.
    """

    number: int
    limits: tuple[Limit, ...]
    coverage: float
    density: float
    mass: float
    cases: int
    cases_of_interest: int
    base_rate: float

    @property
    def inputs(self) -> tuple[str, ...]:
        """The restricted inputs' names."""
        return tuple(limit.input for limit in self.limits)

    def contains(self, inputs: pd.DataFrame) -> np.ndarray:
        """Which rows of ``inputs`` satisfy every restriction (earlier boxes not excluded)."""
        inside = np.ones(len(inputs), dtype=bool)
        for limit in self.limits:
            inside &= limit.holds(inputs[limit.input])
        return inside

    def to_plain(self) -> dict[str, Any]:
        """The box as plain data (for JSON)."""
        data = dataclasses.asdict(self)
        data["limits"] = [limit.to_plain() for limit in self.limits]
        return data


def plain_value(value: Any) -> Any:
    """A numpy scalar as a Python one (for JSON and equality with plain values)."""
    return value.item() if hasattr(value, "item") else value
