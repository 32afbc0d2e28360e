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
        runs do not all have the same distinct weeks, or no member has two runs (the
        general code handles those).
    """
    layout = _layout(table)
    if layout is None or not measures:
        return None
    strategies, weeks, run_strategy, run_rank, clusters = layout
    n_weeks, n_measures = len(weeks), len(measures)
    runs = len(run_strategy)
    if n_weeks < 2 or clusters.sum() == runs:
        # Then the general code's groups come in sorted order, and pandas sums them
        # another way (a plain sum, which keeps a lone -0.0): left to that code.
        return None
    # Row key of its (strategy, week, member) group, so that sorted keys put each
    # strategy's weeks in order and, within a week, its members in order of first
    # appearance: the order the general code sums them in.
    width = int(clusters.max())
    week_index = np.tile(np.arange(n_weeks), runs)
    run_group = np.repeat(run_strategy * n_weeks, n_weeks) + week_index
    key = run_group * width + np.repeat(run_rank, n_weeks)
    plain = all(table[m].dtype.kind in "fiu" for m in measures)
    cube = table[list(measures)].to_numpy(dtype=float) if plain else None
    direct = None
    if cube is not None:
        cube = cube.reshape(runs, n_weeks, n_measures)
        direct = _member_means(cube, run_strategy, run_rank, clusters)
    if direct is not None:
        n, mean = direct
    else:
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
        # In place where the general code makes a new array: a third less memory to
        # fill, and each operation's result is the same.
        weighted = np.nan_to_num(mean)
        weighted *= n
        grand = per_group(weighted) / big_n
        gap = np.repeat(grand, sizes, axis=0)
        np.subtract(mean, gap, out=gap)
        np.nan_to_num(gap, copy=False)
        np.square(gap, out=gap)
        np.square(n, out=weighted)
        gap *= weighted  # n**2 * gap**2, the product either way round
        cluster = per_group(gap)
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


def _member_means(
    cube: np.ndarray, run_strategy: np.ndarray, run_rank: np.ndarray, clusters: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """Each member's count and mean of every measure and week, or None.

    The mean of one or two values is their sum divided by their number, whatever the
    summation (pandas' compensated sum included): computed here on whole arrays, for
    members of at most two runs with no infinite value. Anything else gets pandas.

    Args:
        cube: Values of the runs, ``(run, week, measure)``.
        run_strategy: Each run's strategy index.
        run_rank: Each run's member rank within its strategy.
        clusters: Members per strategy.

    Returns:
        ``(n, mean)``, rows by strategy, week, then member (the layout of
        :func:`clustered_weekly`), or None.
    """
    if np.isinf(cube).any():
        return None
    by_week = cube.transpose(1, 0, 2)  # (week, run, measure): a view
    n_weeks, n_measures = cube.shape[1], cube.shape[2]
    counts = np.empty((n_weeks * int(clusters.sum()), n_measures))
    means = np.empty_like(counts)
    offset = 0
    for code, size in enumerate(clusters):
        first = np.full(size, -1)
        second = np.full(size, -1)
        for run in np.flatnonzero(run_strategy == code):
            rank = run_rank[run]
            if first[rank] < 0:
                first[rank] = run
            elif second[rank] < 0:
                second[rank] = run
            else:
                return None  # a member with three runs or more
        # (week, member, measure): each week's members side by side, as laid out.
        block = slice(offset, offset + n_weeks * size)
        offset = block.stop
        n = counts[block].reshape(n_weeks, size, n_measures)  # views: filled in place
        mean = means[block].reshape(n_weeks, size, n_measures)
        a = by_week[:, first]
        b = by_week[:, np.maximum(second, 0)]
        b[:, second < 0] = np.nan  # a member with one run
        missing_a, missing_b = np.isnan(a), np.isnan(b)
        np.subtract(2.0, missing_a, out=n)
        n -= missing_b
        np.copyto(a, 0.0, where=missing_a)
        np.copyto(b, 0.0, where=missing_b)
        a += b
        # A running sum starts from 0.0: -0.0 + -0.0 is 0.0 there, and x + 0.0 is x else.
        a += 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(a, n, out=mean)  # no value: 0 / 0, missing
    return counts, means


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
