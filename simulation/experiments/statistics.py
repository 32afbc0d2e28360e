"""Summary statistics over replications.

Means come with a two-sided Student-t confidence interval over replications
(independent runs, so the t interval is exact for normal outcomes and a good
approximation for the sums and shares reported here at 10+ replications).
Outcomes that may be missing in a run (e.g. ``weeks_to_80pct_adoption`` when 80 %
is never reached) are summarised over the runs that have a value; ``n`` says how
many did.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd


def stdtrit(df: float | np.ndarray, p: float | np.ndarray) -> float | np.ndarray:
    """The Student t quantile (scipy's ``stdtrit``, what ``scipy.stats.t.ppf`` uses).

    scipy loads on the first interval (a third of a second): ``transnum compare``
    imports this module before its runs, and needs it after.

    Args:
        df: Degrees of freedom.
        p: Lower-tail probability.

    Returns:
        The quantile, elementwise for arrays.
    """
    from scipy.special import stdtrit as quantile

    return quantile(df, p)


def mean_ci(values: Iterable[float | None], level: float = 0.95) -> dict[str, float | int | None]:
    """Mean and confidence interval of the non-missing values.

    Args:
        values: One value per replication; None or NaN counts as missing.
        level: Confidence level, in (0, 1).

    Returns:
        ``{"mean", "ci_low", "ci_high", "n"}``; with one value the interval is that
        value, with none everything is None.
    """
    data = np.array([v for v in values if v is not None and not _is_nan(v)], dtype=float)
    n = int(data.size)
    if n == 0:
        return {"mean": None, "ci_low": None, "ci_high": None, "n": 0}
    mean = float(data.mean())
    if n == 1:
        return {"mean": mean, "ci_low": mean, "ci_high": mean, "n": 1}
    half = float(stdtrit(n - 1, 0.5 + level / 2) * data.std(ddof=1) / math.sqrt(n))
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def mean_ci_by(
    frame: pd.DataFrame, by: Sequence[str], columns: Sequence[str], level: float = 0.95
) -> pd.DataFrame:
    """:func:`mean_ci` of every column within every group, in one vectorised pass.

    The same Student-t interval as :func:`mean_ci` (missing values left out, with one
    value the interval is that value, with none everything is missing), computed with
    pandas ``groupby`` instead of a loop over groups: fast for tens of thousands of
    rows and hundreds of columns.

    Args:
        frame: One row per observation (e.g. per run and week).
        by: Columns that define the groups (kept in order of first appearance).
        columns: Numeric columns to summarise.
        level: Confidence level, in (0, 1).

    Returns:
        Long table: by..., measure, mean, ci_low, ci_high, n; one row per group and
        column, the groups in order of first appearance, the columns in the order given.
    """
    by, columns = list(by), list(columns)
    grouped = frame.groupby(by, sort=False, dropna=False)[columns]
    means = grouped.mean().to_numpy(dtype=float)
    spread = grouped.std(ddof=1).to_numpy(dtype=float)
    counts = grouped.count()
    keys = counts.index.to_frame(index=False)
    n = counts.to_numpy(dtype=int)
    quantile = np.full(n.shape, np.nan)
    for size in np.unique(n[n >= 2]):  # one t quantile per sample size
        quantile[n == size] = stdtrit(size - 1, 0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(n == 1, 0.0, quantile * spread / np.sqrt(n))
    long = keys.loc[keys.index.repeat(len(columns))].reset_index(drop=True)
    long["measure"] = np.tile(np.array(columns, dtype=object), len(keys))
    long["mean"] = means.ravel()
    long["ci_low"] = (means - half).ravel()
    long["ci_high"] = (means + half).ravel()
    long["n"] = n.ravel()
    return long


def _is_nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


def summarize_points(
    runs: pd.DataFrame, outcomes: Sequence[str], factors: Sequence[str], level: float = 0.95
) -> pd.DataFrame:
    """Per point and outcome: mean, confidence interval and number of runs with a value.

    Args:
        runs: One row per run, with ``point``, the factor columns and the outcomes;
            failed runs (``status`` other than ``ok``) are left out.
        outcomes: Outcome columns to summarise.
        factors: Factor columns to carry into the result.
        level: Confidence level.

    Returns:
        Long table: point, factors..., outcome, mean, ci_low, ci_high, n.
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    rows = []
    for point, group in ok.groupby("point", sort=True):
        first = group.iloc[0]
        for outcome in outcomes:
            stat = mean_ci(_values(group[outcome]), level)
            rows.append(
                {"point": point, **{f: first[f] for f in factors}, "outcome": outcome, **stat}
            )
    return pd.DataFrame(
        rows, columns=["point", *factors, "outcome", "mean", "ci_low", "ci_high", "n"]
    )


def paired_differences(
    runs: pd.DataFrame,
    factor: str,
    outcomes: Sequence[str],
    by: Sequence[str] = (),
    level: float = 0.95,
) -> pd.DataFrame:
    """Differences between levels of ``factor``, paired by replication (common random numbers).

    For every combination of the ``by`` columns and every pair of levels (a, b) of
    ``factor`` (in order of appearance), the difference a - b of each outcome is taken
    replication by replication, then summarised. Pairing removes the variation the two
    levels share, so these intervals are much tighter than those of the two means.

    Returns:
        Long table: by..., level_a, level_b, outcome, mean, ci_low, ci_high, n.
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    levels = list(dict.fromkeys(ok[factor]))
    groups = ok.groupby(list(by), sort=False, dropna=False) if by else [((), ok)]
    rows = []
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        indexed = {
            lvl: g.set_index("replication")[list(outcomes)]
            for lvl, g in group.groupby(factor, sort=False)
        }
        for i, a in enumerate(levels):
            for b in levels[i + 1 :]:
                if a not in indexed or b not in indexed:
                    continue
                # Every outcome's differences at once, aligned on the replication as
                # one outcome's would be; then each outcome's column without its gaps.
                diffs = (indexed[a] - indexed[b]).to_numpy(dtype=float)
                for j, outcome in enumerate(outcomes):
                    diff = diffs[:, j]
                    rows.append(
                        {
                            **dict(zip(by, key, strict=True)),
                            "level_a": a,
                            "level_b": b,
                            "outcome": outcome,
                            **mean_ci(diff[~np.isnan(diff)], level),
                        }
                    )
    return pd.DataFrame(
        rows, columns=[*by, "level_a", "level_b", "outcome", "mean", "ci_low", "ci_high", "n"]
    )


def _values(series: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in series]
