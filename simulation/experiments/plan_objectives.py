"""What a candidate plan is judged on: objectives, satisficing and constraints.

A candidate plan runs the same replications as every other candidate (the same
ensemble members, seeds and draws of the uncertainties: common random numbers), and
is judged on the matrix of their outcomes (:data:`RUN_OUTCOMES`, one row per
replication). For each objective of :data:`OBJECTIVES` (all minimised) it gets:

* ``<objective>_mean``: the mean over the replications;
* ``<objective>_q``: the chosen quantile (0.9 by default: the bad side, exceeded in
  one replication in ten);

and, over all objectives at once:

* ``satisficing``: the share of replications in which the plan meets the thresholds
  (:class:`~simulation.experiments.plan_settings.Thresholds`; by default at most 5 %
  of the staff leave their post and 80 % adoption is reached before the horizon);
* the constraints, each feasible at zero or less (Optuna's convention):
  ``late_golives`` (the most (service, tool) go-lives not done by the deadline week in
  any replication), ``over_budget`` and ``over_training_budget`` (the mean cost minus
  the cap, in euros).

A replication that never reaches 80 % adoption counts ``horizon + 1`` weeks for
``weeks_to_80pct_adoption`` (a lower bound of the true delay, so never better than
any plan that does reach it) and fails the adoption threshold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from simulation.model.costs import COST_COLUMNS

TRAINING_COST_COLUMNS: tuple[str, ...] = tuple(
    c for c in COST_COLUMNS if c.startswith(("cost_training_", "cost_e_learning"))
)
"""Costs of training delivered (trainers of every mode, e-learning), by component."""


@dataclasses.dataclass(frozen=True)
class Objective:
    """One outcome to minimise, read from a run's summary."""

    outcome: str
    doc: str
    unit: str


OBJECTIVES: dict[str, Objective] = {
    "weeks_to_80pct_adoption": Objective(
        "weeks_to_80pct_adoption", "weeks until 80 % of the staff in post use their tools", "weeks"
    ),
    "external_departures": Objective(
        "external_departure_share", "staff who left the organisation", "share of staff"
    ),
    "refusal_departures": Objective(
        "dropout_refusal_share", "staff who left their post refusing the change", "share of staff"
    ),
    "strain": Objective("rps_high_person_weeks", "person-weeks at high strain", "person-weeks"),
    "cost": Objective("cost_total_eur", "total cost of the rollout", "EUR"),
}
"""The objectives a search can minimise, by name."""

LATE = "late_golives"
"""Per run: target (service, tool) pairs not live by the deadline week."""

RUN_OUTCOMES: tuple[str, ...] = (
    *dict.fromkeys(o.outcome for o in OBJECTIVES.values()),
    "dropout_share",
    "adoption_final",
    "training_cost_eur",
    LATE,
)
"""The columns of a candidate's outcome matrix (one row per replication)."""

CONSTRAINTS: tuple[str, ...] = ("late_golives", "over_budget", "over_training_budget")
"""The constraint values of a candidate; feasible when each is 0 or less."""


def run_outcomes(flat: Mapping[str, Any], late: int) -> np.ndarray:
    """A run's row of :data:`RUN_OUTCOMES` from its flat summary (NaN: never reached)."""
    row = {**flat, "training_cost_eur": sum(flat[c] for c in TRAINING_COST_COLUMNS), LATE: late}
    return np.array([np.nan if row[k] is None else float(row[k]) for k in RUN_OUTCOMES])


def judge(
    outcomes: np.ndarray,
    *,
    horizon: int,
    thresholds: Any,
    constraints: Any,
    quantile: float,
) -> dict[str, float]:
    """A candidate's statistics from its outcome matrix.

    Args:
        outcomes: (replications, len(RUN_OUTCOMES)) outcomes.
        horizon: The scenario's horizon in weeks (never-reached delays count horizon + 1).
        thresholds: A :class:`~simulation.experiments.plan_settings.Thresholds`.
        constraints: A :class:`~simulation.experiments.plan_settings.Constraints`.
        quantile: The quantile reported as ``<objective>_q`` (0-1).

    Returns:
        ``<objective>_mean`` and ``<objective>_q`` for every objective of
        :data:`OBJECTIVES` (whether searched or not), ``satisficing``, ``reached_80`` (share of
        replications reaching 80 % adoption by the horizon) and each of
        :data:`CONSTRAINTS`.
    """
    column = {name: outcomes[:, k] for k, name in enumerate(RUN_OUTCOMES)}
    out: dict[str, float] = {}
    for name in OBJECTIVES:
        values = column[OBJECTIVES[name].outcome]
        if OBJECTIVES[name].outcome == "weeks_to_80pct_adoption":
            values = np.where(np.isnan(values), horizon + 1, values)
        out[f"{name}_mean"] = float(np.mean(values))
        out[f"{name}_q"] = float(np.quantile(values, quantile))
    out.update(satisficing(outcomes, horizon=horizon, thresholds=thresholds))
    late = column[LATE]
    out["late_golives"] = float(np.max(late)) if late.size else 0.0
    out["over_budget"] = _over(column["cost_total_eur"], constraints.budget_eur)
    out["over_training_budget"] = _over(
        column["training_cost_eur"], constraints.training_budget_eur
    )
    return out


def satisficing(outcomes: np.ndarray, *, horizon: int, thresholds: Any) -> dict[str, float]:
    """The share of replications meeting the thresholds, and of those reaching 80 %."""
    met = meets(outcomes, horizon=horizon, thresholds=thresholds)
    weeks = outcomes[:, RUN_OUTCOMES.index("weeks_to_80pct_adoption")]
    return {"satisficing": float(met.mean()), "reached_80": float((~np.isnan(weeks)).mean())}


def meets(outcomes: np.ndarray, *, horizon: int, thresholds: Any) -> np.ndarray:
    """Per replication, whether it meets every threshold (bool array)."""
    weeks = outcomes[:, RUN_OUTCOMES.index("weeks_to_80pct_adoption")]
    dropout = outcomes[:, RUN_OUTCOMES.index("dropout_share")]
    by_week = horizon if thresholds.adoption_week is None else thresholds.adoption_week
    reached = ~np.isnan(weeks) & (np.nan_to_num(weeks, nan=np.inf) <= by_week)
    return reached & (dropout <= thresholds.dropout_share + 1e-12)


def objective_values(stats: Mapping[str, float], objectives: tuple[str, ...], statistic: str):
    """The values the search minimises: each objective's quantile or mean."""
    suffix = "_q" if statistic == "quantile" else "_mean"
    return [stats[f"{name}{suffix}"] for name in objectives]


def _over(values: np.ndarray, cap: float | None) -> float:
    return 0.0 if cap is None else float(np.mean(values) - cap)
