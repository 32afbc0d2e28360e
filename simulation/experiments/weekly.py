"""A comparison's weekly means over an ensemble, from one array of all its weekly tables.

The fast path of :func:`simulation.experiments.results.weekly_summary` over an
ensemble: the same numbers as
:func:`simulation.experiments.uncertainty.clustered_mean_ci` (bit for bit: the same
pandas reductions of each member's runs, then the same numpy operations in the same
order), for the layout :meth:`Comparison.timeseries` gives, where every run has the
same weeks. The general code groups the stacked table by strategy, week and member
and gathers each week's members from all over the result; here the members of a
strategy and week are already side by side, and the long table is laid out directly
in the order of ``timeseries.csv``. A third of the time, for 300 runs of three years.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulation.experiments.statistics import stdtrit

OUT_COLUMNS = ["strategy", "measure", "week", "mean", "ci_low", "ci_high", "n"]
"""The columns of ``timeseries.csv``, in order."""


def clustered_weekly(
    table: pd.DataFrame, measures: Sequence[str], level: float = 0.95
) -> pd.DataFrame | None:
    """Per strategy, measure and week: mean, clustered interval and n, or None.

    Args:
        table: Stacked weekly tables (``strategy``, ``replication``, ``member``,
            ``week`` and the measures), each run's rows consecutive.
        measures: The numeric measure columns, in order.
        level: Confidence level of the interval.

    Returns:
        The long table of ``weekly_summary`` (strategies in order of first appearance,
        then measures in the order given, then weeks ascending), or None when the
        runs do not all have the same distinct weeks (the general code handles those).
    """
    layout = _layout(table)
    if layout is None or not measures:
        return None
    strategies, weeks, run_strategy, run_rank, clusters = layout
    n_weeks, n_measures = len(weeks), len(measures)
    runs = len(run_strategy)
    # Row key of its (strategy, week, member) group, so that sorted keys put each
    # strategy's weeks in order and, within a week, its members in order of first
    # appearance: the order the general code sums them in.
    width = int(clusters.max())
    week_index = np.tile(np.arange(n_weeks), runs)
    run_group = np.repeat(run_strategy * n_weeks, n_weeks) + week_index
    key = run_group * width + np.repeat(run_rank, n_weeks)
    values = {m: pd.to_numeric(table[m], errors="coerce").astype(float) for m in measures}
    frame = pd.DataFrame(values, index=table.index)
    grouped = frame.groupby(key, sort=True)[list(measures)]
    n = grouped.count().to_numpy(dtype=float)
    mean = grouped.mean().to_numpy(dtype=float)
    # No variances: they split the parameters' part from chance's, not in this table.

    sizes = np.repeat(clusters, n_weeks)  # members of each (strategy, week)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])

    def per_group(column: np.ndarray) -> np.ndarray:
        return np.add.reduceat(column, starts, axis=0)

    # The operations of uncertainty._components, on the same values in the same order.
    big_n = per_group(n)
    members = per_group((n > 0).astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        grand = per_group(n * np.nan_to_num(mean)) / big_n
        gap = np.nan_to_num(mean - np.repeat(grand, sizes, axis=0))
        cluster = per_group(n**2 * gap**2)
        se = np.sqrt(members / (members - 1) * cluster) / big_n
        # One t quantile per number of members (a few), not per week and measure.
        df, where = np.unique(np.maximum(members - 1, 1), return_inverse=True)
        quantile = stdtrit(df, 0.5 + level / 2)[where.reshape(members.shape)]
        half = np.where(members >= 2, se * quantile, 0.0)
    order = np.argsort(weeks, kind="stable")

    def laid_out(array: np.ndarray) -> np.ndarray:
        # (strategy, week, measure) -> (strategy, measure, week ascending), flattened.
        cube = array.reshape(len(strategies), n_weeks, n_measures)[:, order, :]
        return cube.transpose(0, 2, 1).ravel()

    per_strategy = n_measures * n_weeks
    columns = {
        "strategy": np.repeat(np.asarray(strategies, dtype=object), per_strategy),
        "measure": np.tile(np.repeat(np.asarray(measures, dtype=object), n_weeks), len(strategies)),
        "week": np.tile(weeks[order], len(strategies) * n_measures),
        "mean": laid_out(grand),
        "ci_low": laid_out(grand - half),
        "ci_high": laid_out(grand + half),
        "n": laid_out(big_n).astype(int),
    }
    return pd.DataFrame(columns)[OUT_COLUMNS]


def _layout(table: pd.DataFrame) -> tuple | None:
    """The runs of a stacked weekly table, if they all have the same distinct weeks.

    Returns:
        ``(strategies, weeks, run_strategy, run_rank, clusters)``: the strategies in
        order of first appearance, one run's weeks, each run's strategy index and its
        member's rank among the strategy's members (in order of first appearance),
        and each strategy's number of members; or None.
    """
    if not len(table) or not {"strategy", "replication", "member", "week"} <= set(table):
        return None
    strategy = table["strategy"].to_numpy(dtype=object)
    replication = table["replication"].to_numpy()
    member = table["member"].to_numpy()
    week = table["week"].to_numpy()
    if pd.isna(member).any():
        return None
    change = (strategy[1:] != strategy[:-1]) | (replication[1:] != replication[:-1])
    firsts = np.flatnonzero(np.concatenate([[True], change]))
    n_weeks = len(table) // len(firsts)
    if n_weeks * len(firsts) != len(table) or np.any(np.diff(firsts) != n_weeks):
        return None
    grid = week.reshape(len(firsts), n_weeks)
    if len(np.unique(grid[0])) != n_weeks or not (grid == grid[0]).all():
        return None
    by_run = member.reshape(len(firsts), n_weeks)
    if not (by_run == by_run[:, :1]).all():
        return None
    run_codes, strategies = pd.factorize(strategy[firsts])
    run_members = member[firsts]
    run_rank = np.empty(len(firsts), dtype=np.int64)
    clusters = np.zeros(len(strategies), dtype=np.int64)
    seen: list[dict] = [{} for _ in strategies]
    for run, (code, value) in enumerate(zip(run_codes, run_members, strict=True)):
        rank = seen[code].setdefault(value, len(seen[code]))
        run_rank[run] = rank
        clusters[code] = len(seen[code])
    return list(strategies), grid[0], run_codes.astype(np.int64), run_rank, clusters
