"""Three plans to put before a directorate, and how robust each is on fresh replications.

From the feasible candidates of a search (every constraint met):

* **fastest safe** (``fastest_safe``): among the *safe* candidates, those meeting the
  thresholds in at least ``safe_share`` of the replications (80 % by default), the one
  that reaches 80 % adoption soonest (its statistic: quantile or mean); ties go to the
  more often satisfying, then to fewer departures. The fastest are the likeliest to
  have been lucky, so the :data:`SHORTLIST` fastest safe candidates are all checked on
  fresh replications with the other two named plans, and the fastest of those still
  safe there is named (it may be the safest, then one plan holds both names);
* **safest** (``safest``): the candidate meeting the thresholds most often; ties go to
  fewer departures (external and refusal), then fewer person-weeks at high strain;
* **balanced** (``balanced``): on the Pareto front, the candidate closest to the ideal
  point once each objective is scaled from the front's best (0) to its worst (1): the
  smallest largest scaled objective (a Chebyshev distance), so that no objective is
  given up for the others.

A plan can hold two names (then the report says so); there is no fastest safe plan
when no candidate is safe (or none of the shortlist stays safe on fresh replications),
and the report says that too, rather than naming the least bad. The search chose them
on its own replications, so their figures there are optimistic (the winner's curse):
:func:`check_plans` runs each again on fresh replications and ensemble members, and
those are the figures reported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments.plan_evaluation import CHECK, Evaluator
from simulation.experiments.plan_objectives import judge, meets
from simulation.experiments.plan_settings import OptimiseSettings
from simulation.experiments.plan_space import PlanSpace

NAMES: tuple[str, ...] = ("fastest_safe", "safest", "balanced")
"""The named plans, in the order they are presented."""
SHORTLIST = 5
"""The fastest safe candidates checked on fresh replications, of which the fastest still
safe there is named fastest safe."""


def name_plans(table: pd.DataFrame, settings: OptimiseSettings) -> dict[str, Any]:
    """The candidates of each named plan, before their check on fresh replications.

    Args:
        table: The trials table (:func:`simulation.experiments.optimiser.trials_table`).
        settings: The search's settings (objectives, statistic, safe share).

    Returns:
        ``fastest_safe``: the trial numbers of up to :data:`SHORTLIST` safe candidates,
        fastest first (empty if none is safe); ``safest`` and ``balanced``: a trial
        number (None without a feasible candidate).
    """
    none: dict[str, Any] = {"fastest_safe": [], "safest": None, "balanced": None}
    if table.empty:
        return none
    feasible = table[table["feasible"]]
    if feasible.empty:
        return none
    suffix = _suffix(settings)
    departures = feasible["external_departures_mean"] + feasible["refusal_departures_mean"]
    safe = feasible[feasible["satisficing"] >= settings.safe_share - 1e-12]
    order = safe.assign(_dep=departures.loc[safe.index]).sort_values(
        [f"weeks_to_80pct_adoption{suffix}", "satisficing", "_dep", "trial"],
        ascending=[True, False, True, True],
    )
    safest = int(
        feasible.assign(_dep=departures)
        .sort_values(
            ["satisficing", "_dep", "strain_mean", "trial"], ascending=[False, True, True, True]
        )["trial"]
        .iloc[0]
    )
    front = feasible[feasible["pareto"]]
    values = front[[f"{name}{suffix}" for name in settings.objectives]].to_numpy(float)
    low, high = values.min(axis=0), values.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    distance = ((values - low) / span).max(axis=1)
    best = np.lexsort((front["trial"].to_numpy(), distance))[0]
    return {
        "fastest_safe": [int(t) for t in order["trial"].iloc[:SHORTLIST]],
        "safest": safest,
        "balanced": int(front["trial"].iloc[best]),
    }


def _suffix(settings: OptimiseSettings) -> str:
    return "_q" if settings.statistic == "quantile" else "_mean"


@dataclasses.dataclass(frozen=True)
class CheckedPlan:
    """A named plan run again on fresh replications.

    Attributes:
        name: One of :data:`NAMES`.
        trial: Its trial number in the search.
        levers: Its lever values.
        stats: Its statistics on the fresh replications (as in the trials table).
        outcomes: (replications, len(RUN_OUTCOMES)) outcomes of the fresh replications.
        failed: Per fresh replication, whether it missed a threshold.
        inputs: Per fresh replication, the member's parameters and the uncertainties'
            values (what scenario discovery explains failures with).
    """

    name: str
    trial: int
    levers: dict[str, Any]
    stats: dict[str, float]
    outcomes: np.ndarray
    failed: np.ndarray
    inputs: pd.DataFrame


def check_plans(
    candidates: Mapping[str, Any],
    table: pd.DataFrame,
    evaluator: Evaluator,
    settings: OptimiseSettings,
    on_runs: Any = None,
) -> list[CheckedPlan]:
    """Run the named plans' candidates on ``settings.check_replications`` fresh replications.

    Fresh: replications (and so ensemble members and seeds) after the search's, with
    their own draw of the uncertainties. A candidate holding two names runs once. The
    fastest safe plan is the fastest of the candidates checked still safe on them.

    Args:
        candidates: What :func:`name_plans` returns.
        table: The trials table.
        evaluator: The search's evaluator.
        settings: The search's settings.
        on_runs: Called with the number of runs each time a batch finishes.
    """
    shortlist = list(candidates.get("fastest_safe") or [])
    trials = sorted({*shortlist, *(candidates.get(n) for n in ("safest", "balanced"))} - {None})
    if not trials:
        return []
    n = settings.check_replications
    replications = evaluator.replications(CHECK, n, offset=settings.replications)
    draws = evaluator.uncertainties(CHECK, n)
    rows = table.set_index("trial")
    plans = {t: _levers(rows.loc[t], evaluator.space) for t in trials}
    results = evaluator.evaluate([plans[t] for t in trials], replications, draws, on_runs)
    outcomes = dict(zip(trials, results, strict=True))
    horizon = evaluator.base.horizon_weeks
    stats = {
        t: judge(
            outcomes[t],
            horizon=horizon,
            thresholds=settings.thresholds,
            constraints=settings.constraints,
            quantile=settings.quantile,
        )
        for t in trials
    }
    # Fastest safe: of every candidate checked (the shortlist, the safest, the balanced),
    # the soonest to 80 % adoption among those still safe on the fresh replications.
    weeks = f"weeks_to_80pct_adoption{_suffix(settings)}"
    still_safe = sorted(
        (t for t in trials if stats[t]["satisficing"] >= settings.safe_share - 1e-12),
        key=lambda t: (stats[t][weeks], -stats[t]["satisficing"], t),
    )
    named = {
        "fastest_safe": still_safe[0] if still_safe else None,
        "safest": candidates.get("safest"),
        "balanced": candidates.get("balanced"),
    }
    inputs = _inputs(evaluator, replications, draws)
    checked = []
    for name in NAMES:
        trial = named[name]
        if trial is None:
            continue
        failed = ~meets(outcomes[trial], horizon=horizon, thresholds=settings.thresholds)
        checked.append(
            CheckedPlan(name, trial, plans[trial], stats[trial], outcomes[trial], failed, inputs)
        )
    return checked


def named_trials(checked: list[CheckedPlan]) -> dict[str, int | None]:
    """Plan name -> trial number after the check (None: no such plan)."""
    found = {c.name: c.trial for c in checked}
    return {name: found.get(name) for name in NAMES}


def checked_table(checked: list[CheckedPlan]) -> pd.DataFrame:
    """One row per named plan: name, trial, levers and fresh-replication statistics."""
    return pd.DataFrame(
        [{"plan": c.name, "trial": c.trial, **c.levers, **c.stats} for c in checked]
    )


def _levers(row: pd.Series, space: PlanSpace) -> dict[str, Any]:
    """A trials-table row's lever values (those of its family only)."""
    out = {}
    for lever in space.levers:
        value = row.get(lever.name)
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        if lever.kind == "int":
            value = int(value)
        elif lever.kind == "bool":
            value = bool(value)
        out[lever.name] = value
    return out


def _inputs(evaluator: Evaluator, replications: list[int], draws: np.ndarray) -> pd.DataFrame:
    """The conditions of each replication: member parameters and uncertainty values."""
    columns: dict[str, Any] = {"replication": replications}
    draw = evaluator.parameters
    if draw.ensemble is not None:
        members = [draw.member(r) for r in replications]
        columns["member"] = members
        values = [draw.ensemble.overrides(m) for m in members]  # type: ignore[arg-type]
        for path in draw.ensemble.parameters:
            if path not in draw.kept:
                columns[path] = [v[path] for v in values]
    for k, uncertainty in enumerate(evaluator.space.uncertainties):
        columns[uncertainty.name] = draws[:, k]
    return pd.DataFrame(columns)


__all__ = [
    "NAMES",
    "SHORTLIST",
    "CheckedPlan",
    "check_plans",
    "checked_table",
    "name_plans",
    "named_trials",
]
