"""The recommendation rule of a comparison, as data: thresholds first, then people first.

A strategy is recommended only if it meets every threshold of :data:`THRESHOLDS`,
judged on the comparison's summary (``summary.json``'s ``strategies``):

* staff leaving: the mean of ``dropout_share`` over the runs is at most 5 %;
* 80 % adoption reached: ``weeks_to_80pct_adoption`` has a value (the level was
  reached within the horizon) in at least 90 % of the runs; a mean over the runs that
  reach it would hide the others, so the share of runs is what is judged;
* final adoption: the mean of ``adoption_final`` is at least 90 %;
* every go-live delivered: the mean of ``golives_missing`` is 0, that is no run left a
  target (service, tool) pair not live at the horizon (a count is never negative).

Among the strategies that meet them, the people-first order picks one: keep those not
clearly worse than the best on dropout, then on person-weeks at high strain, then take
the fastest to 80 % adoption. When none meets them, none is recommended (not the least
bad). A threshold whose outcome the results do not hold (folders made before it was
counted) is not checked, and the report says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal

import pandas as pd

from simulation.reports.paired import paired

REACHED = "reached"
"""Statistic of a level-reached threshold: the share of runs that reached the level."""


@dataclasses.dataclass(frozen=True)
class Threshold:
    """One condition a recommended strategy meets.

    Attributes:
        outcome: The summary outcome it reads.
        statistic: ``mean`` (the mean over runs) or :data:`REACHED` (the share of
            runs in which the outcome has a value: a level reached within the horizon).
        bound: ``at_most`` or ``at_least``.
        limit: The limit (a share 0-1, or a count for ``golives_missing``).
    """

    outcome: str
    statistic: Literal["mean", "reached"]
    bound: Literal["at_most", "at_least"]
    limit: float

    def value(self, stats: dict) -> float | None:
        """What the threshold judges in one strategy's summary (None: not in the results)."""
        stat = stats.get(self.outcome)
        if stat is None:
            return None
        if self.statistic == REACHED:
            runs = runs_of(stats)
            return stat.get("n", 0) / runs if runs else None
        return stat.get("mean")

    def met(self, stats: dict) -> bool | None:
        """Whether one strategy's summary meets it (None: it cannot be checked)."""
        if self.outcome not in stats:
            return None
        amount = self.value(stats)
        if amount is None:  # in the results, but no run has a value: not met
            return False
        return amount <= self.limit if self.bound == "at_most" else amount >= self.limit


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("dropout_share", "mean", "at_most", 0.05),
    Threshold("weeks_to_80pct_adoption", REACHED, "at_least", 0.9),
    Threshold("adoption_final", "mean", "at_least", 0.9),
    Threshold("golives_missing", "mean", "at_most", 0.0),
)
"""The thresholds a recommended strategy meets (module docstring)."""

RUN_COUNTERS: tuple[str, ...] = ("adoption_final", "dropout_share")
"""Outcomes every run has a value of: their ``n`` is the strategy's number of runs."""


def runs_of(stats: dict) -> int:
    """Runs of one strategy in a comparison's summary (``n`` of an outcome every run has)."""
    counts = (int(stats[name].get("n") or 0) for name in RUN_COUNTERS if name in stats)
    return max(counts, default=0)


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What the rule concludes.

    Attributes:
        choice: The recommended strategy, or None when no strategy meets the thresholds.
        eligible: The strategies that meet every threshold (that can be checked), in order.
        broken: For each strategy, the thresholds it misses (empty: it meets them all).
        unchecked: The thresholds the results cannot tell (their outcome is absent).
    """

    choice: str | None
    eligible: tuple[str, ...]
    broken: dict[str, tuple[Threshold, ...]]
    unchecked: tuple[Threshold, ...]


def recommend(
    summary: dict,
    table: pd.DataFrame | None,
    thresholds: Sequence[Threshold] = THRESHOLDS,
) -> Verdict:
    """Apply the rule (module docstring) to a comparison.

    Args:
        summary: ``summary.json``'s ``strategies`` entry.
        table: The paired differences (``paired.csv``), or None.
        thresholds: The thresholds (default :data:`THRESHOLDS`).
    """
    broken = {s: tuple(t for t in thresholds if t.met(summary[s]) is False) for s in summary}
    unchecked = tuple(t for t in thresholds if any(t.met(summary[s]) is None for s in summary))
    eligible = tuple(s for s in summary if not broken[s])
    if not eligible:
        return Verdict(None, eligible, broken, unchecked)
    kept = list(eligible)
    for name in ("dropout_share", "rps_high_person_weeks"):
        best = min(kept, key=lambda s: _mean(summary, s, name, 0.0))

        def clearly_worse(s: str, best: str = best, name: str = name) -> bool:
            d = paired(table, s, best, name)
            return d is not None and d.clear and d.mean > 0

        kept = [s for s in kept if s == best or not clearly_worse(s)]
    fastest = min(kept, key=lambda s: _mean(summary, s, "weeks_to_80pct_adoption", 1e9))
    return Verdict(fastest, eligible, broken, unchecked)


def _mean(summary: dict, strategy: str, name: str, missing: float) -> float:
    stat = summary[strategy].get(name) or {}
    mean = stat.get("mean")
    return missing if mean is None else float(mean)
