"""Paired differences between two strategies, read from a comparison's paired table."""

from __future__ import annotations

import dataclasses

import pandas as pd


@dataclasses.dataclass(frozen=True)
class Paired:
    """The paired difference a - b of one outcome, over ``n`` replications (None: unknown)."""

    mean: float
    low: float
    high: float
    n: int | None = None

    @property
    def clear(self) -> bool:
        """Whether the 95 % interval excludes zero."""
        return self.low > 0 or self.high < 0


def paired(table: pd.DataFrame | None, a: str, b: str, name: str) -> Paired | None:
    """The paired difference a - b of outcome ``name`` from a paired table (either order)."""
    if table is None or table.empty:
        return None
    rows = table[(table["outcome"] == name)]
    forward = rows[(rows["level_a"] == a) & (rows["level_b"] == b)]
    if not forward.empty and forward.iloc[0]["n"] > 0:
        r = forward.iloc[0]
        return Paired(r["mean"], r["ci_low"], r["ci_high"], int(r["n"]))
    backward = rows[(rows["level_a"] == b) & (rows["level_b"] == a)]
    if not backward.empty and backward.iloc[0]["n"] > 0:
        r = backward.iloc[0]
        return Paired(-r["mean"], -r["ci_high"], -r["ci_low"], int(r["n"]))
    return None
