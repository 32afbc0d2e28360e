"""The study's claims across the calibrated ensemble: in how many plausible sets the model agrees.

Each claim of docs/findings.md is stated as conditions on paired differences between
runs (:class:`Condition`): a linear combination of one outcome under some variants of
the organisation and strategies, replication by replication, that must be positive
(or negative). Replication ``r`` uses the seed ``run_seed(SEED, r)`` and the ensemble
member ``Ensemble.member_of(r, PER_MEMBER)`` under every variant and strategy, so the
combination is paired within each replication (common random numbers and common
parameters).

A member agrees with a claim when, for every condition, the mean of the combination
over the member's ``PER_MEMBER`` replications has the claimed sign: the judgement is
the member's, not one run's, and a claim whose effect is small next to chance gets a
share near one half whatever the parameters. :func:`variance_split` tells these apart:
the part of the spread of a combination between runs that comes from the parameters
rather than from chance (one-way analysis of variance, members as groups). The share
of members that agree is given with its Wilson 95 % interval (``scipy.stats.binomtest``),
which reads the members as a random sample of the plausible region (they are).

The same conditions are judged with the default parameter set on ``REPLICATIONS``
replications (the same seeds as the other experiments of the findings), as one member.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor

import numpy as np
from findings_claims import CLAIMS, Claim, Condition, needed, variants
from findings_runs import BATCH, Rows, run_rows
from scipy import stats

from simulation import Scenario
from simulation.experiments.ensemble import PER_MEMBER, Ensemble
from simulation.experiments.statistics import mean_ci
from simulation.experiments.uncertainty import variance_split as split_variance

Recipe = tuple[Scenario, dict, dict, str, int]
"""A run to set up in the worker: organisation, member overrides, variant overrides,
strategy, replication."""


def run_recipes(recipes: Sequence[Recipe]) -> Rows:
    """Set up and run a batch of recipes (top-level, for the pool).

    The runs of one (member, variant, strategy) share one scenario object, hence one
    set-up: pickling keeps the identity of objects repeated in a batch.
    """
    cache: dict[tuple[int, int, int, str], Scenario] = {}
    tasks = []
    for base, member, variant, strategy, replication in recipes:
        key = (id(base), id(member), id(variant), strategy)
        if key not in cache:
            cache[key] = base.override(member).override(variant).with_strategy(strategy)
        tasks.append((cache[key], replication))
    return run_rows(tasks)


def run_claims(
    pool: Executor,
    organisations: Mapping[str, tuple[Scenario, dict]],
    replications: int,
    parameters: Callable[[int], dict],
    claims: Mapping[str, Claim] = CLAIMS,
) -> dict[tuple[str, str], Rows]:
    """Rows of every (variant, strategy) the claims need, ``replications`` each.

    Args:
        pool: Executor the runs are mapped on.
        organisations: Per variant, the organisation and its overrides (:func:`variants`).
        replications: Replications per (variant, strategy).
        parameters: Replication -> the overrides of its parameter set (the same
            object for replications of one member, so they share a set-up).
        claims: The claims.
    """
    keys = needed(claims)
    recipes = [
        (organisations[v][0], parameters(r), organisations[v][1], s, r)
        for v, s in keys
        for r in range(replications)
    ]
    batches = [recipes[i : i + BATCH] for i in range(0, len(recipes), BATCH)]
    rows = [row for batch in pool.map(run_recipes, batches) for row in batch]
    return {key: rows[k * replications : (k + 1) * replications] for k, key in enumerate(keys)}


def combination(
    rows: Mapping[tuple[str, str], Rows], condition: Condition, horizon: int
) -> dict[int, float]:
    """The condition's combination per replication, where every term has a value.

    An adoption level never reached (``weeks_to_*`` None) counts as ``horizon + 1``
    weeks: the run is slower than any that reaches it.
    """
    values: list[dict[int, float]] = []
    for _, variant, strategy in condition.terms:
        by_replication = {}
        for row in rows[variant, strategy]:
            value = row[condition.outcome]
            if value is None and condition.outcome.startswith("weeks_to_"):
                value = horizon + 1
            if value is not None and np.isfinite(value):
                by_replication[row["replication"]] = float(value)
        values.append(by_replication)
    common = sorted(set.intersection(*(set(v) for v in values)))
    return {
        r: sum(c * v[r] for (c, _, _), v in zip(condition.terms, values, strict=True))
        for r in common
    }


def member_means(per_replication: Mapping[int, float], member_of: Callable[[int], int]) -> dict:
    """Mean of the combination over each member's replications, by member."""
    groups: dict[int, list[float]] = {}
    for r, value in per_replication.items():
        groups.setdefault(member_of(r), []).append(value)
    return {m: float(np.mean(v)) for m, v in sorted(groups.items())}


def variance_split(per_replication: Mapping[int, float], member_of: Callable[[int], int]) -> dict:
    """Part of the combination's variance between runs that comes from the parameters.

    One-way random-effects analysis of variance with members as groups
    (:func:`simulation.experiments.uncertainty.variance_split`).

    Returns:
        ``parameters`` (the share, 0 to 1; None if fewer than two members or no
        within-member spread can be estimated), ``between`` and ``within`` (variances).
    """
    replications = list(per_replication)
    between, within = split_variance(
        [per_replication[r] for r in replications], [member_of(r) for r in replications]
    )
    if np.isnan(between) or np.isnan(within):
        return {"parameters": None, "between": None, "within": None}
    total = between + within
    return {
        "parameters": between / total if total > 0 else None,
        "between": between,
        "within": within,
    }


def agreement(holds: Sequence[bool]) -> dict:
    """Members that agree, their share and its Wilson 95 % interval."""
    n, k = len(holds), int(sum(holds))
    if n == 0:
        return {"members": 0, "agree": 0, "share": None, "ci_low": None, "ci_high": None}
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return {"members": n, "agree": k, "share": k / n, "ci_low": ci.low, "ci_high": ci.high}


def judge(
    rows: Mapping[tuple[str, str], Rows],
    member_of: Callable[[int], int],
    horizon: int,
    claims: Mapping[str, Claim] = CLAIMS,
) -> dict:
    """Every claim judged member by member: the agreement and each condition's spread.

    A member whose runs give no value of some condition (an outcome missing in all of
    them) is left out of that claim's count.

    Returns:
        Per claim: ``section``, ``statement``, ``test``, ``agreement`` (see
        :func:`agreement`) and ``conditions``: per condition its ``label``,
        ``outcome``, ``sign``, ``mean`` (mean and interval over replications), member
        means' ``p5``, ``median`` and ``p95``, its own ``agreement`` and the
        ``variance`` split (:func:`variance_split`); plus ``means`` (by member) for
        the figures and the parameters, dropped from the saved data.
    """
    result = {}
    for name, claim in claims.items():
        conditions, verdicts = [], []
        for condition in claim.conditions:
            per_replication = combination(rows, condition, horizon)
            means = member_means(per_replication, member_of)
            verdicts.append({m: np.sign(v) == condition.sign for m, v in means.items()})
            values = np.array(list(means.values()))
            p5, median, p95 = np.percentile(values, [5, 50, 95]) if len(values) else [None] * 3
            conditions.append(
                {
                    "label": condition.label,
                    "outcome": condition.outcome,
                    "sign": condition.sign,
                    "mean": mean_ci(per_replication.values()),
                    "p5": p5,
                    "median": median,
                    "p95": p95,
                    "agreement": agreement(list(verdicts[-1].values())),
                    "variance": variance_split(per_replication, member_of),
                    "means": means,
                }
            )
        members = set.intersection(*(set(v) for v in verdicts))
        holds = [all(v[m] for v in verdicts) for m in sorted(members)]
        result[name] = {
            "section": claim.section,
            "statement": claim.statement,
            "test": claim.test,
            "agreement": agreement(holds),
            "conditions": conditions,
        }
    return result


def parameter_correlations(judged: Mapping, ensemble: Ensemble, members: int) -> dict:
    """Spearman correlation of each calibrated parameter with each condition's member means.

    Returns:
        Per claim, per condition label, per parameter: ``rho`` and ``p`` (two-sided).
    """
    table = ensemble.members.iloc[:members]
    out: dict = {}
    for name, entry in judged.items():
        out[name] = {}
        for condition in entry["conditions"]:
            means = condition["means"]
            chosen = sorted(means)
            y = np.array([means[m] for m in chosen])
            cells = {}
            for path in ensemble.parameters:
                x = table[path].to_numpy()[chosen]
                if len(y) < 3 or np.ptp(y) == 0 or np.ptp(x) == 0:
                    cells[path] = {"rho": None, "p": None}
                    continue
                test = stats.spearmanr(x, y)
                cells[path] = {"rho": float(test.statistic), "p": float(test.pvalue)}
            out[name][condition["label"]] = cells
    return out


def ensemble_experiment(
    pool: Executor,
    typical: Scenario,
    default: Scenario,
    ensemble: Ensemble,
    members: int,
    default_replications: int,
    per_member: int = PER_MEMBER,
) -> dict:
    """The claims across the first ``members`` members, and with the default set.

    Args:
        pool: Executor the runs are mapped on.
        typical: The typical rollout.
        default: The default commune.
        ensemble: The plausible parameter sets.
        members: How many members, first in order (a random subsample already).
        default_replications: Replications of the default set.
        per_member: Replications per member (different seeds).

    Returns:
        ``sha256``, ``members``, ``per_member``, ``replications``, ``default_replications``,
        ``claims`` (:func:`judge` across the ensemble), ``default`` (the same with the
        default set) and ``parameters`` (:func:`parameter_correlations`).
    """
    organisations = variants(typical, default)
    replications = members * per_member
    overrides = [ensemble.overrides(m) for m in range(members)]
    rows = run_claims(
        pool,
        organisations,
        replications,
        lambda r: overrides[ensemble.member_of(r, per_member)],
    )
    no_change: dict = {}
    default_rows = run_claims(pool, organisations, default_replications, lambda r: no_change)
    horizon = typical.horizon_weeks
    judged = judge(rows, lambda r: ensemble.member_of(r, per_member), horizon)
    return {
        "sha256": ensemble.sha256,
        "members": members,
        "per_member": per_member,
        "replications": replications,
        "default_replications": default_replications,
        "claims": judged,
        "default": judge(default_rows, lambda r: 0, horizon),
        "parameters": parameter_correlations(judged, ensemble, members),
    }


def without_means(result: dict) -> dict:
    """``result`` without the member means (kept in memory for the figures only)."""
    out = dict(result)
    for key in ("claims", "default"):
        out[key] = {
            name: {
                **entry,
                "conditions": [
                    {k: v for k, v in c.items() if k != "means"} for c in entry["conditions"]
                ],
            }
            for name, entry in result[key].items()
        }
    return out
