"""Runs behind docs/findings.md: one replication with depth at equal exposure, paired statistics.

Every experiment of ``experiments/findings.py`` runs replication ``r`` of any scenario
with the seed ``run_seed(SEED, r)``, so replication ``r`` has the same organisation,
staff and random draws under every strategy and every variant of a parameter: the
differences between two scenarios are paired by replication (common random numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor

import numpy as np

from simulation import Scenario
from simulation.experiments.statistics import mean_ci
from simulation.model.outcomes import flatten
from simulation.model.seeds import run_seed
from simulation.scenario.profiles import PROFILES

SEED = 2018
"""Root seed of every experiment of the findings."""
EXPOSURE_WEEKS = 26
"""Age of a (service, tool) pair at which depth of integration is measured, in weeks."""
STRATEGIES = ("big_bang", "small_steps", "short_cycle")
"""The three strategies of the study, in the order of the tables."""
PAIRS = (("big_bang", "small_steps"), ("big_bang", "short_cycle"), ("short_cycle", "small_steps"))
"""Strategy pairs whose paired differences (first minus second) are reported."""
STRATEGY_COLOURS = {"big_bang": "#D55E00", "small_steps": "#0072B2", "short_cycle": "#009E73"}
"""Colour of each strategy in the figures (colour-blind safe, Okabe-Ito)."""

Rows = list[dict]
"""One dict per replication: the flattened summary, depth, replication and strategy."""


def pair_key(pair: Sequence[str]) -> str:
    """Key of a strategy pair in the data: ``"big_bang-small_steps"``."""
    return f"{pair[0]}-{pair[1]}"


class _Depth:
    """Proficiency summed over the staff of the pairs that reach the exposure age, by profile."""

    def __init__(self) -> None:
        self.sums = np.zeros(len(PROFILES))
        self.counts = np.zeros(len(PROFILES))

    def add(self, built, week: int) -> None:
        """Add the pairs of ``built`` that are ``EXPOSURE_WEEKS`` old after ``week``."""
        state = built.run.staff
        ages = week - built.plan.go_live  # (S, T); negative or huge if not live
        for s, t in zip(*np.nonzero(ages == EXPOSURE_WEEKS), strict=True):
            members = state.active & (state.service == s) & state.target[:, t]
            for p in range(len(PROFILES)):
                chosen = members & (state.profile == p)
                self.sums[p] += state.proficiency[chosen, t].sum()
                self.counts[p] += chosen.sum()

    def fields(self) -> dict:
        """``depth`` and ``depth_<profile>`` (None where no pair reached the age)."""
        with np.errstate(invalid="ignore"):
            depth = self.sums / self.counts
        total = self.counts.sum()
        row: dict = {"depth": float(self.sums.sum() / total) if total else None}
        for p, value in zip(PROFILES, depth, strict=True):
            row[f"depth_{p}"] = None if np.isnan(value) else float(value)
        return row


def run_rows(tasks: Sequence[tuple[Scenario, int]]) -> Rows:
    """Run replications stepped together and measure, besides the summary, depth at equal exposure.

    Depth: mean proficiency of the active staff of each (service, tool) pair
    ``EXPOSURE_WEEKS`` weeks after the pair went live, averaged over the pairs that
    reach that age before the horizon (overall and per profile; None if no pair does).
    Go-lives of short cycles depend on uptake, so the runs stop after every week to
    look (still far cheaper than one ``TransitionModel`` per run); the numbers are the
    same as one run at a time.

    Args:
        tasks: The scenario and the replication number (which fixes the seed) of each run.

    Returns:
        Per task, in order: the flattened summary plus ``depth``, ``depth_<profile>``,
        ``replication``, ``strategy`` and ``timeseries`` (weekly adoption, dropout, share
        at high strain and mean strain, as lists).
    """
    # Imported here: the model's compiled kernels load in the worker that runs them.
    from simulation.model.batch import run_batch as step_together

    depths: dict[int, _Depth] = {}

    def look(week: int, group) -> None:
        for built in group:
            if week <= built.run.settings.horizon:
                depths.setdefault(id(built), _Depth()).add(built, week)

    horizon = max(scenario.horizon_weeks for scenario, _ in tasks)
    runs = step_together(
        [(scenario, run_seed(SEED, r)) for scenario, r in tasks], range(1, horizon + 1), look
    )
    rows = []
    for (scenario, replication), run in zip(tasks, runs, strict=True):
        columns = run.columns()
        row = flatten(run.summary(columns))
        row.update(depths.get(id(run.built), _Depth()).fields())
        row["replication"] = replication
        row["strategy"] = scenario.rollout.strategy
        row["timeseries"] = {
            k: np.asarray(columns[k]).tolist()
            for k in ("week", "adoption", "dropout", "rps_high_share", "strain_mean")
        }
        rows.append(row)
    return rows


BATCH = 24
"""Runs stepped together per task of the pool: small enough that both workers stay
busy to the end, large enough to share each scenario's set-up."""


def run_tasks(pool: Executor, tasks: list[tuple[Scenario, int]]) -> Rows:
    """Rows of every ``(scenario, replication)`` task, in order, in batches on the pool."""
    batches = [tasks[i : i + BATCH] for i in range(0, len(tasks), BATCH)]
    return [row for rows in pool.map(run_rows, batches) for row in rows]


def run_many(pool: Executor, scenarios: list[Scenario], replications: int) -> Rows:
    """Run every scenario ``replications`` times (replication r: same seeds everywhere)."""
    return run_tasks(pool, [(s, r) for s in scenarios for r in range(replications)])


def run_batch[K](
    pool: Executor, scenarios: Mapping[K, Scenario], replications: int
) -> dict[K, Rows]:
    """Run every scenario ``replications`` times, submitted as one batch; rows by key.

    One batch keeps every worker busy to the end, instead of waiting for the slowest
    run of each scenario in turn.
    """
    rows = run_many(pool, list(scenarios.values()), replications)
    return {key: rows[k * replications : (k + 1) * replications] for k, key in enumerate(scenarios)}


def run_strategies(pool: Executor, base: Scenario, replications: int) -> dict[str, Rows]:
    """The three strategies on ``base``, ``replications`` each."""
    return run_batch(pool, {s: base.with_strategy(s) for s in STRATEGIES}, replications)


def first(rows: Rows, replications: int) -> Rows:
    """The rows of the first ``replications`` replications (a smaller paired sample)."""
    return [r for r in rows if r["replication"] < replications]


def summarise(rows: Rows, keys: Iterable[str]) -> dict:
    """Mean and 95 % interval of each key over rows (missing values left out)."""
    return {k: mean_ci([r[k] for r in rows]) for k in keys}


def by_replication(rows: Rows, key: str) -> dict[int, float]:
    """Value of ``key`` in each replication, where it has one (None and NaN left out)."""
    return {
        r["replication"]: float(r[key]) for r in rows if r[key] is not None and not np.isnan(r[key])
    }


def differences(rows_a: Rows, rows_b: Rows, key: str) -> dict[int, float]:
    """Per replication, ``key`` under a minus under b, where both have a value."""
    a, b = by_replication(rows_a, key), by_replication(rows_b, key)
    return {r: a[r] - b[r] for r in sorted(a.keys() & b.keys())}


def paired(rows_a: Rows, rows_b: Rows, key: str) -> dict:
    """Mean and 95 % interval of the paired difference a - b (same replication)."""
    return mean_ci(differences(rows_a, rows_b, key).values())


def strategy_gaps(rows: Mapping[str, Rows], key: str) -> dict[str, dict[int, float]]:
    """Per strategy pair (see :data:`PAIRS`), the paired differences of ``key``."""
    return {pair_key(p): differences(rows[p[0]], rows[p[1]], key) for p in PAIRS}


def field_array(stats: list[dict], field: str) -> np.ndarray:
    """One field (``mean``, ``ci_low``...) of a list of intervals, missing values as NaN."""
    return np.array([np.nan if s[field] is None else s[field] for s in stats], dtype=float)
