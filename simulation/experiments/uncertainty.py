"""Statistics over an ensemble of parameter sets: how much is parameters, how much chance.

When replications draw their behavioural parameters from the calibrated ensemble
(:mod:`simulation.experiments.ensemble`), an outcome varies for two reasons: the
parameter set (which member a replication uses) and chance (its seed). With ``k``
replications per member (``Ensemble.member_of``), a one-way random-effects analysis
of variance splits the two (method of moments, e.g. Searle, Casella & McCulloch 1992,
*Variance Components*, ch. 3): with ``N`` runs in ``M`` members of ``n_i`` runs each,

    MSB = sum_i n_i (mean_i - mean)^2 / (M - 1),   MSW = sum_i sum_j (y_ij - mean_i)^2 / (N - M),
    n0 = (N - sum_i n_i^2 / N) / (M - 1),
    parameters = max(0, (MSB - MSW) / n0),          chance = MSW,

and ``parameter_share = parameters / (parameters + chance)`` (0 when every member
gives the same distribution, 1 when the seed does not matter). It needs at least two
members and one member with two runs; otherwise it is missing.

The interval of an outcome "over the ensemble" is the central range (``spread``, 90 %
by default) of its values over every run: where the outcome falls, parameters and
chance together. The confidence interval of its mean treats runs of one member as a
cluster (a Student interval on the member means' spread), since they share their
parameters.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulation.experiments.statistics import (  # scipy loads on first use
    paired_differences,
    stdtrit,
    summarize_points,
)

MEMBER = "member"
"""The runs' column that names their ensemble member."""

SPREAD = 0.90
"""Central share of the runs the interval over the ensemble covers."""

STATISTICS: tuple[str, ...] = (
    "mean",
    "ci_low",
    "ci_high",
    "n",
    "members",
    "spread_low",
    "spread_high",
    "parameter_share",
)
"""The statistics :func:`ensemble_summary` gives of each outcome, in order."""

BETTER: dict[str, int] = {
    "adoption_final": 1,
    "weeks_to_50pct_adoption": -1,
    "weeks_to_80pct_adoption": -1,
    "dropout_share": -1,
    "dropout_strain_share": -1,
    "dropout_refusal_share": -1,
    "external_departure_share": -1,
    "rps_peak_share": -1,
    "rps_high_person_weeks": -1,
    "efficiency_gain": 1,
    "mastered_share_final": 1,
    "strain_mean_peak": -1,
    "acculturation_final": 1,
    "reverted_final": -1,
    "cost_total_eur": -1,
}
"""Which way is better for the outcomes strategies are ranked on: +1 higher, -1 lower.
A run that never reaches an adoption level (a missing ``weeks_to_*``) ranks last."""


def variance_split(values: Sequence[float], members: Sequence[int]) -> tuple[float, float]:
    """The parameters' and chance's variance of ``values`` grouped by ``members``.

    Args:
        values: One outcome per run (NaN: missing, left out).
        members: The member each run used.

    Returns:
        ``(parameters, chance)`` variance estimates (outcome units squared), NaN when
        they cannot be told apart (fewer than two members, or no member with two runs).
    """
    frame = pd.DataFrame({"y": np.asarray(values, dtype=float), MEMBER: np.asarray(members)})
    row = variance_components(frame, [], ["y"]).iloc[0]
    return float(row["parameters"]), float(row["chance"])


def variance_components(
    runs: pd.DataFrame, by: Sequence[str], outcomes: Sequence[str]
) -> pd.DataFrame:
    """Per group and outcome, the parameters' and chance's variance (module docstring).

    Returns:
        Long table: by..., outcome, mean, n, members, parameters, chance (variances,
        outcome units squared; NaN when they cannot be told apart), parameter_share.
    """
    ok = _ok(runs, outcomes)
    columns = ["mean", "n", "members", "parameters", "chance", "parameter_share"]
    return _components(ok, list(by), list(outcomes))[[*by, "outcome", *columns]]


def ensemble_summary(
    runs: pd.DataFrame,
    by: Sequence[str],
    outcomes: Sequence[str],
    *,
    level: float = 0.95,
    spread: float = SPREAD,
) -> pd.DataFrame:
    """Per group and outcome: mean, its interval, the interval over the ensemble, the split.

    Args:
        runs: One row per run, with the ``by`` columns, :data:`MEMBER` and the outcomes;
            failed runs (``status`` other than ``ok``) are left out.
        by: Columns that define the groups (e.g. ``strategy`` or ``point``).
        outcomes: Outcome columns.
        level: Confidence level of the mean's interval.
        spread: Central share of the runs the interval over the ensemble covers.

    Returns:
        Long table: by..., outcome, mean, ci_low, ci_high, n (runs with a value),
        members, spread_low, spread_high (the interval over the ensemble), parameter_share (0-1).
    """
    ok = _ok(runs, outcomes)
    outcomes = list(outcomes)
    by = list(by) or ["_all"]
    if by == ["_all"]:
        ok = ok.assign(_all=0)
    table = _components(ok, by, outcomes, level)
    tails = [0.5 - spread / 2, 0.5 + spread / 2]
    quantiles = ok.groupby(by, sort=False, dropna=False)[outcomes].quantile(tails)
    long = quantiles.stack(future_stack=True).rename("q").reset_index()
    long.columns = [*by, "tail", "outcome", "q"]
    wide = long.pivot_table(index=[*by, "outcome"], columns="tail", values="q", sort=False)
    wide = wide.reindex(columns=tails)
    wide.columns = ["spread_low", "spread_high"]
    table = table.merge(wide.reset_index(), on=[*by, "outcome"], how="left")
    columns = [*by, "outcome", *STATISTICS]
    if by == ["_all"]:
        columns = columns[1:]
    return table[columns]


def clustered_mean_ci(
    frame: pd.DataFrame, by: Sequence[str], columns: Sequence[str], level: float = 0.95
) -> pd.DataFrame:
    """Mean and interval of each column within each group, runs of one member a cluster.

    The interval of :func:`ensemble_summary` without the rest (faster, for many
    groups such as weeks): the long table of
    :func:`simulation.experiments.statistics.mean_ci_by` (by..., measure, mean,
    ci_low, ci_high, n) and members, groups in order of first appearance. With one
    member the interval is the mean itself: it cannot be estimated.
    """
    ok = _ok(frame, columns)
    by = list(by)
    table = _components(ok, by, list(columns), level)
    table = table.rename(columns={"outcome": "measure"})
    return table[[*by, "measure", "mean", "ci_low", "ci_high", "n", "members"]]


def paired_ensemble(
    runs: pd.DataFrame,
    factor: str,
    outcomes: Sequence[str],
    by: Sequence[str] = (),
    *,
    level: float = 0.95,
    spread: float = SPREAD,
) -> pd.DataFrame:
    """Paired differences a - b between levels of ``factor``, summarised over the ensemble.

    Runs are paired on their replication (same seed and same member under both levels).

    Returns:
        Long table: by..., level_a, level_b, outcome, mean, ci_low, ci_high, n, members,
        spread_low, spread_high, parameter_share (as :func:`ensemble_summary`, of the
        difference), and share_below, share_above: the shares of members whose mean
        difference is below zero (a lower than b) and above it.
    """
    ok = _ok(runs, outcomes)
    by, outcomes = list(by), list(outcomes)
    levels = list(dict.fromkeys(ok[factor]))
    keys = [*by, "replication"]
    indexed = {lvl: g.set_index(keys) for lvl, g in ok.groupby(factor, sort=False)}
    frames = []
    for i, a in enumerate(levels):
        for b in levels[i + 1 :]:
            diff = indexed[a][outcomes] - indexed[b][outcomes]
            diff = diff.dropna(how="all")
            diff[MEMBER] = indexed[a][MEMBER].reindex(diff.index)
            frames.append(diff.reset_index().assign(level_a=a, level_b=b))
    columns = [*by, "level_a", "level_b", "outcome", "mean", "ci_low", "ci_high", "n", "members"]
    columns += ["spread_low", "spread_high", "parameter_share", "share_below", "share_above"]
    if not frames:
        return pd.DataFrame(columns=columns)
    diffs = pd.concat(frames, ignore_index=True)
    groups = [*by, "level_a", "level_b"]
    table = ensemble_summary(diffs, groups, outcomes, level=level, spread=spread)
    member_means = diffs.groupby([*groups, MEMBER], sort=False)[outcomes].mean()
    signs = member_means.stack(future_stack=True).rename("d").reset_index()
    signs.columns = [*groups, MEMBER, "outcome", "d"]
    signs = signs.dropna(subset=["d"])
    # Means of booleans: the share of members below (above) zero, for all groups at once.
    signs = signs.assign(share_below=signs["d"] < 0, share_above=signs["d"] > 0)
    shares = signs.groupby([*groups, "outcome"], sort=False)[["share_below", "share_above"]].mean()
    table = table.merge(shares.reset_index(), on=[*groups, "outcome"], how="left")
    return table[columns]


def first_shares(
    runs: pd.DataFrame, factor: str, outcomes: Sequence[str] | None = None
) -> pd.DataFrame:
    """For each outcome, the share of members in which each level of ``factor`` is best.

    A level is best in a member when its mean over the member's runs is the best
    (:data:`BETTER`) of all levels'; a tie shares the member between the tied levels.
    Missing ``weeks_to_*`` (the level never reached) rank last.

    Returns:
        Long table: outcome, level, share (0-1; the shares of an outcome sum to one),
        members (members with every level run).
    """
    ok = _ok(runs)
    names = [o for o in (outcomes or BETTER) if o in ok and o in BETTER]
    rows = []
    levels = list(dict.fromkeys(ok[factor]))
    signed = {}
    for outcome in names:
        values = ok[outcome].astype(float)
        if outcome.startswith("weeks_to"):
            values = values.fillna(np.inf)
        signed[outcome] = values * BETTER[outcome]
    # Every outcome's member means in one grouping (each column's means are its own).
    frame = pd.DataFrame({MEMBER: ok[MEMBER], factor: ok[factor], **signed}, index=ok.index)
    grouped = frame.groupby([MEMBER, factor], sort=False)[names].mean() if names else None
    for outcome in names:
        means = grouped[outcome].unstack(factor).reindex(columns=levels).dropna()
        if means.empty:
            shares = np.full(len(levels), np.nan)
        else:
            best = means.to_numpy() == means.max(axis=1).to_numpy()[:, None]
            shares = (best / best.sum(axis=1, keepdims=True)).mean(axis=0)
        rows += [
            {"outcome": outcome, "level": lvl, "share": float(s), "members": len(means)}
            for lvl, s in zip(levels, shares, strict=True)
        ]
    return pd.DataFrame(rows, columns=["outcome", "level", "share", "members"])


def over_ensemble(runs: pd.DataFrame) -> bool:
    """Whether the runs drew their parameters from an ensemble (a ``member`` recorded)."""
    return "member" in runs and bool(runs["member"].notna().any())


def sweep_summary(
    runs: pd.DataFrame, outcomes: Sequence[str], factors: Sequence[str], level: float = 0.95
) -> pd.DataFrame:
    """A sweep's summary.csv: :func:`summarize_points`, or over an ensemble its summary.

    Over an ensemble (:func:`over_ensemble`), each point and outcome also gets members,
    spread_low, spread_high and parameter_share
    (:func:`ensemble_summary`), the interval of the
    mean treating a member's runs as a cluster.
    """
    if not over_ensemble(runs):
        return summarize_points(runs, outcomes, factors, level)
    stats = ensemble_summary(runs, ["point"], outcomes, level=level)
    first = runs.drop_duplicates("point").set_index("point")[list(factors)]
    return stats.join(first, on="point")[["point", *factors, *stats.columns[1:]]]


def sweep_paired(
    runs: pd.DataFrame,
    factor: str,
    outcomes: Sequence[str],
    by: Sequence[str] = (),
    level: float = 0.95,
) -> pd.DataFrame:
    """A sweep's paired.csv: :func:`paired_differences`, over an ensemble with its shares."""
    if not over_ensemble(runs):
        return paired_differences(runs, factor, outcomes, by, level)
    return paired_ensemble(runs, factor, outcomes, by, level=level)


def _ok(runs: pd.DataFrame, outcomes: Sequence[str] = ()) -> pd.DataFrame:
    """The successful runs, their ``outcomes`` as floats (a missing value is NaN)."""
    if MEMBER not in runs:
        raise ValueError(f"the runs have no {MEMBER!r} column (not run over an ensemble)")
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    # A runs table built from summaries holds None where a level is never reached.
    numeric = {
        o: pd.to_numeric(ok[o], errors="coerce").astype(float)
        for o in outcomes
        if ok[o].dtype != np.float64  # already floats (e.g. differences): left as they are
    }
    return ok.assign(**numeric) if numeric else ok


def _components(
    frame: pd.DataFrame, by: list[str], outcomes: list[str], level: float = 0.95
) -> pd.DataFrame:
    """Per group and outcome: n, members, mean, the two variance components, the interval.

    Computed on arrays (members' rows by outcomes), grouped once by group and member
    with pandas, then summed by group with numpy: fast for thousands of groups (weeks
    times strategies).
    """
    keys = by or ["_all"]
    frame = frame.assign(_all=0) if not by else frame
    grouped = frame.groupby([*keys, MEMBER], sort=False, dropna=False)[outcomes]
    counts = grouped.count()
    n = counts.to_numpy(dtype=float)
    mean = grouped.mean().to_numpy(dtype=float)
    ss = np.nan_to_num(grouped.var(ddof=0).to_numpy(dtype=float) * n)
    index = counts.index
    group_index = index.droplevel(MEMBER) if len(keys) > 1 else index.get_level_values(0)
    codes, groups = pd.factorize(group_index)
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(groups)))

    def per_group(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values[order], starts, axis=0)

    big_n = per_group(n)
    members = per_group((n > 0).astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        grand = per_group(n * np.nan_to_num(mean)) / big_n
        gap = np.nan_to_num(mean - grand[codes])
        ssb, cluster = per_group(n * gap**2), per_group(n**2 * gap**2)
        msb = ssb / (members - 1)
        msw = per_group(ss) / (big_n - members)
        n0 = (big_n - per_group(n**2) / big_n) / (members - 1)
        valid = (members >= 2) & (big_n > members)
        parameters = np.where(valid, np.maximum(0.0, (msb - msw) / n0), np.nan)
        chance = np.where(valid, msw, np.nan)
        total = parameters + chance
        share = np.where(valid, np.where(total > 0, parameters / total, 0.0), np.nan)
        # The cluster-robust standard error (module docstring), M - 1 degrees of freedom.
        se = np.sqrt(members / (members - 1) * cluster) / big_n
        quantile = stdtrit(np.maximum(members - 1, 1), 0.5 + level / 2)
        half = np.where(members >= 2, se * quantile, 0.0)
    if len(keys) > 1:
        group_keys = pd.DataFrame(list(groups), columns=keys)
    else:
        group_keys = pd.DataFrame({keys[0]: np.asarray(groups, dtype=object)})
    long = group_keys.loc[group_keys.index.repeat(len(outcomes))].reset_index(drop=True)
    long["outcome"] = np.tile(np.array(outcomes, dtype=object), len(groups))
    parts = {
        "mean": grand,
        "n": big_n,
        "members": members,
        "parameters": parameters,
        "chance": chance,
        "parameter_share": share,
        "ci_low": grand - half,
        "ci_high": grand + half,
    }
    for name, values in parts.items():
        long[name] = values.ravel()
    long[["n", "members"]] = long[["n", "members"]].astype(int)
    return long.drop(columns="_all") if not by else long
