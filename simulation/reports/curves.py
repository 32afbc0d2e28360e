"""The lines and bands of the profile figures, computed without drawing them.

A weekly measure is drawn for all staff and for each profile: the mean over
replications, and a shaded band between two percentiles across replications. This
module computes those numbers from a weekly table and imports neither matplotlib nor
the rest of the figures: ``transnum compare`` sends the columns its figure needs
(:data:`COMPARISON_COLUMNS`) to a worker process, which computes and draws it
(:func:`simulation.reports.figures.overview.comparison_png`) while the command writes
the results folder.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from simulation.scenario.profiles import PROFILES

PANELS = (
    ("adoption", "adoption", "target_adoption_axis"),
    ("dropout", "dropout", "initial_dropout_axis"),
    ("rps_high_share", "rps_high_share", "above_threshold_axis"),
)
"""(column prefix, i18n key of the title, i18n key of the y label) of the three panels
of :func:`~simulation.reports.figures.overview.plot_run` and ``plot_comparison``."""

SERIES: tuple[str, ...] = ("", *(f"_{profile}" for profile in PROFILES))
"""Column suffixes of a measure's series: all staff, then each profile."""

COMPARISON_COLUMNS: tuple[str, ...] = (
    "week",
    *(column + suffix for column, _, _ in PANELS for suffix in SERIES),
)
"""The weekly columns :func:`comparison_curves` reads (with ``strategy`` and
``replication``): a comparison's figure needs only these of its stacked table."""


@dataclasses.dataclass(frozen=True, eq=False)
class Curve:
    """One weekly series over replications.

    Attributes:
        weeks: The weeks, in order.
        mean: The mean over replications, week by week (NaN where no run has a value).
        low: The band's lower percentile (None for a single run: no band).
        high: The band's upper percentile (None for a single run).
    """

    weeks: np.ndarray
    mean: np.ndarray
    low: np.ndarray | None = None
    high: np.ndarray | None = None


@dataclasses.dataclass(frozen=True, eq=False)
class ComparisonCurves:
    """The curves of a comparison's figure: per strategy, per panel, all staff then profiles.

    Attributes:
        strategies: Strategies, in the table's order.
        curves: ``{strategy: {column prefix: [Curve of each series of SERIES]}}``.
        replications: The largest number of replications of a strategy.
        band: Lower and upper percentiles (0-100) of the bands.
    """

    strategies: tuple[str, ...]
    curves: dict[str, dict[str, list[Curve]]]
    replications: int
    band: tuple[float, float]


def profile_bands(
    runs: pd.DataFrame, column: str, band: tuple[float, float] = (5, 95)
) -> list[Curve]:
    """A measure's curves for all staff and each profile (:data:`SERIES`), over replications.

    Args:
        runs: Weekly rows with ``week`` and ``replication`` columns and the measure per
            profile (``<column>``, ``<column>_<profile>``).
        column: The weekly measure (``adoption``, ``dropout``...).
        band: Lower and upper percentiles (0-100) of the band; none for a single run,
            where it would be the line itself.
    """
    return _curves(runs, [column], band)[column]


def comparison_curves(
    timeseries: pd.DataFrame, band: tuple[float, float] = (5, 95)
) -> ComparisonCurves:
    """The curves of a comparison's figure (:data:`PANELS`), strategy by strategy.

    Args:
        timeseries: Stacked weekly tables with ``strategy`` and ``replication`` columns.
        band: Lower and upper percentiles (0-100) of the shaded bands.
    """
    strategies = tuple(pd.unique(timeseries["strategy"]))  # in order of appearance
    measures = [column for column, _, _ in PANELS]
    columns = ["replication", *COMPARISON_COLUMNS]
    curves: dict[str, dict[str, list[Curve]]] = {}
    replications = 0
    for strategy in strategies:
        runs = timeseries.loc[timeseries["strategy"] == strategy, columns]
        curves[strategy] = _curves(runs, measures, band)
        replications = max(replications, runs["replication"].nunique())
    return ComparisonCurves(strategies, curves, int(replications), band)


def _curves(
    runs: pd.DataFrame, measures: list[str], band: tuple[float, float]
) -> dict[str, list[Curve]]:
    """Each measure's curves (:data:`SERIES`), from one table of weeks by replication.

    What pandas' ``pivot`` (weeks by replication) then ``mean`` and ``quantile`` across
    replications give, computed on one array: each mean summed as pandas sums one
    column of values, and numpy's quantile of the values present, as pandas takes it.
    """
    series = [(measure, measure + suffix) for measure in measures for suffix in SERIES]
    weeks, cube = _weeks_by_replication(runs, [name for _, name in series])
    quantiles = np.array([band[0] / 100, band[1] / 100])
    curves: dict[str, list[Curve]] = {measure: [] for measure in measures}
    for (measure, _), one in zip(series, cube, strict=True):  # one: replications x weeks
        missing = np.isnan(one)
        # Summed along rows of weeks by replications, as pandas sums (numpy's pairwise sum).
        filled = np.ascontiguousarray(np.where(missing, 0.0, one).T)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = filled.sum(axis=1) / (~missing).sum(axis=0)
        if one.shape[0] < 2:
            curves[measure].append(Curve(weeks, mean))
            continue
        # A profile without staff in a small organisation has no values at all: such
        # weeks stay empty (np.nanquantile would warn).
        if not missing.any():
            low, high = np.quantile(one, quantiles, axis=0)
        else:
            low, high = np.full((2, weeks.size), np.nan)
            for w in np.flatnonzero(~missing.all(axis=0)):
                low[w], high[w] = np.quantile(one[~missing[:, w], w], quantiles)
        curves[measure].append(Curve(weeks, mean, low, high))
    return curves


def _weeks_by_replication(runs: pd.DataFrame, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The weeks (ascending) and each column's values by replication and week.

    What ``runs.pivot(index="week", columns="replication", values=names)`` holds, as an
    array ``(names, replications ascending, weeks)``, NaN where a replication has no
    such week.

    Raises:
        ValueError: if a replication has a week twice (as ``pivot`` does).
    """
    weeks, week_code = np.unique(runs["week"].to_numpy(), return_inverse=True)
    replications, replication_code = np.unique(runs["replication"].to_numpy(), return_inverse=True)
    cell = replication_code * weeks.size + week_code
    if np.bincount(cell, minlength=1).max(initial=0) > 1:
        raise ValueError("Index contains duplicate entries, cannot reshape")
    cube = np.full((len(names), replications.size, weeks.size), np.nan)
    cube[:, replication_code, week_code] = runs[names].to_numpy(dtype=float).T
    return weeks, cube
