"""The same organisation under several strategies: the runs and their statistics.

:class:`RunResult` holds one run's outputs. :class:`Comparison` holds a comparison's
runs (:func:`simulation.experiments.runner.compare_strategies` makes them) and gives
its tables: the runs, the stacked weekly series, each strategy's summary, the paired
differences between strategies and, over an ensemble of parameter sets, the share of
sets in which each strategy ranks first. Each table is computed once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments.parameters import ParameterDraw
from simulation.model.outcomes import (
    ORGANISATION_ONLY,
    OUTCOMES,
    PROFILE_ONLY,
    flat_outcome_names,
    flatten,
)
from simulation.model.seeds import describe, run_seed
from simulation.scenario.profiles import PROFILES
from simulation.scenario.records import Scenario


@dataclasses.dataclass(frozen=True, eq=False)
class RunResult:
    """Outputs of one run.

    Attributes:
        scenario: The scenario as run (strategy included).
        replication: Replication number under the root seed.
        root_seed: Root seed; the run's seed is ``run_seed(root_seed, replication)``.
        timeseries: The weekly table.
        summary: End-of-run summary (:func:`simulation.model.outcomes.summarize`).
        schedule: Go-live week of each (service, tool) pair.
        wall_s: Wall time of the run, set-up included, seconds.
        staff: Fixed attributes and layout of each staff member (if snapshots were taken).
        ties: The staff network's ties (if snapshots were taken).
        snapshots: Each staff member's state at the snapshot weeks (column ``week``).
        member: The ensemble member whose parameters the run used (None: the
            scenario's own values).
    """

    scenario: Scenario
    replication: int
    root_seed: int
    timeseries: pd.DataFrame
    summary: dict
    schedule: pd.DataFrame
    wall_s: float
    staff: pd.DataFrame | None = None
    ties: pd.DataFrame | None = None
    snapshots: pd.DataFrame | None = None
    member: int | None = None

    @property
    def strategy(self) -> str:
        """The rollout strategy of this run."""
        return self.scenario.rollout.strategy

    @property
    def seed(self) -> dict:
        """The run's seed sequence, as recorded in results (entropy and spawn key)."""
        return describe(run_seed(self.root_seed, self.replication))


@dataclasses.dataclass(frozen=True, eq=False)
class Comparison:
    """The same organisation under several strategies, with replications.

    Attributes:
        scenario: The base scenario (its own strategy is not necessarily compared).
        strategies: Strategies compared, in order.
        replications: Replications per strategy.
        root_seed: Root seed of every run.
        runs: All runs, ordered by strategy then replication.
        parameters: Where each replication's parameters came from (the ensemble, or
            the scenario's own values).
    """

    scenario: Scenario
    strategies: tuple[str, ...]
    replications: int
    root_seed: int
    runs: tuple[RunResult, ...]
    parameters: ParameterDraw = dataclasses.field(default_factory=lambda: ParameterDraw(None))
    _memo: dict = dataclasses.field(default_factory=dict, init=False, repr=False)
    """Tables computed once: the command prints them, then writes them."""

    def _once(self, key: tuple, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def runs_table(self) -> pd.DataFrame:
        """One row per run: strategy, replication, (member,) seed, wall time, flat summary."""
        # Built once (the summary, paired differences and ranks all read it); a copy
        # each time, so that a caller's changes stay its own.
        return self._once(("runs",), self._runs_table).copy()

    def _runs_table(self) -> pd.DataFrame:
        rows = []
        drawn = self.parameters.drawn
        for run in self.runs:
            rows.append(
                {
                    "strategy": run.strategy,
                    "replication": run.replication,
                    **({"member": run.member} if drawn else {}),
                    "seed_entropy": run.seed["entropy"],
                    "seed_spawn_key": ",".join(map(str, run.seed["spawn_key"])),
                    "wall_s": run.wall_s,
                    **flatten(run.summary),
                }
            )
        return pd.DataFrame(rows)

    def timeseries(self) -> pd.DataFrame:
        """Weekly tables of all runs, stacked, with ``strategy`` and ``replication`` columns.

        Over an ensemble, a ``member`` column too.
        """
        table = pd.concat([run.timeseries for run in self.runs], ignore_index=True)
        sizes = [len(run.timeseries) for run in self.runs]
        labels = {
            "strategy": np.repeat([run.strategy for run in self.runs], sizes).astype(object),
            "replication": np.repeat([run.replication for run in self.runs], sizes),
        }
        if self.parameters.drawn:
            labels["member"] = np.repeat([run.member for run in self.runs], sizes)
        return pd.concat([pd.DataFrame(labels), table], axis=1)

    def paired_differences(self, level: float = 0.95) -> pd.DataFrame:
        """Differences between strategies, replication by replication, with intervals.

        Returns:
            Long table: level_a, level_b (strategies), outcome, mean, ci_low, ci_high, n;
            over an ensemble also members, spread_low, spread_high, parameter_share,
            share_below and share_above
            (:func:`simulation.experiments.uncertainty.paired_ensemble`).
        """
        return self._once(("paired", level), lambda: self._paired(level))

    def _paired(self, level: float) -> pd.DataFrame:
        runs = self.runs_table()
        outcomes = [c for c in flat_outcome_names() if c in runs]
        if self.parameters.drawn:
            from simulation.experiments.uncertainty import paired_ensemble

            return paired_ensemble(runs, "strategy", outcomes, level=level)
        from simulation.experiments.statistics import paired_differences

        return paired_differences(runs, "strategy", outcomes, level=level)

    def first_shares(self) -> pd.DataFrame | None:
        """Over an ensemble, the share of members in which each strategy ranks first.

        Returns:
            :func:`simulation.experiments.uncertainty.first_shares` (outcome, level,
            share, members), or None without an ensemble.
        """
        if not self.parameters.drawn:
            return None
        from simulation.experiments.uncertainty import first_shares

        return self._once(("first",), lambda: first_shares(self.runs_table(), "strategy"))

    def replications_needed(self, precision: dict[str, float]) -> int:
        """Replications per strategy for every 95 % half-width in ``precision``.

        The half-width shrinks like 1/sqrt(n): n (h / target)^2, plus 10 %.
        """
        from math import ceil

        summary = self.summary()
        needed = self.replications
        for strategy in self.strategies:
            for outcome, target in precision.items():
                stat = summary[strategy].get(outcome) or _by_profile_stat(
                    summary[strategy], outcome
                )
                if stat is None or stat["n"] < 2:
                    continue
                if stat.get("members", 2) < 2:  # one parameter set: no interval yet
                    needed = max(needed, self.replications + 1)
                    continue
                half = (stat["ci_high"] - stat["ci_low"]) / 2
                if half > target:
                    wanted = ceil(1.1 * self.replications * (half / target) ** 2)
                    needed = max(needed, wanted, self.replications + 1)
        return needed

    def summary(self, level: float = 0.95) -> dict:
        """Per strategy, each outcome's mean and confidence interval over replications.

        Over an ensemble, each outcome also has ``members``, ``spread_low`` and
        ``spread_high`` (the central 90 % of its runs) and ``parameter_share`` (the share
        of its variance due to the parameters rather than chance), and the interval of
        its mean treats the runs of one member as a cluster
        (:mod:`simulation.experiments.uncertainty`).

        Returns:
            ``{strategy: {outcome: {mean, ci_low, ci_high, n[, members, spread_low,
            spread_high, parameter_share]}, ..., "by_profile": {profile: {outcome: {...}}}}}``.
        """
        return self._once(("summary", level), lambda: self._summary(level))

    def _summary(self, level: float) -> dict:
        if self.parameters.drawn:
            return self._ensemble_summary(level)
        # Imported here: the workers that import this module for the runs need no scipy.
        from simulation.experiments.statistics import mean_ci

        result = {}
        for strategy in self.strategies:
            runs = [r.summary for r in self.runs if r.strategy == strategy]
            entry: dict = {
                key: mean_ci((r[key] for r in runs), level) for key in OUTCOMES + ORGANISATION_ONLY
            }
            entry["by_profile"] = {
                p: {
                    key: mean_ci((r["by_profile"][p][key] for r in runs), level)
                    for key in OUTCOMES + PROFILE_ONLY
                }
                for p in PROFILES
            }
            result[strategy] = entry
        return result

    def _ensemble_summary(self, level: float) -> dict:
        from simulation.experiments.uncertainty import STATISTICS, ensemble_summary

        runs = self.runs_table()
        names = [c for c in flat_outcome_names() if c in runs]
        table = ensemble_summary(runs, ["strategy"], names, level=level)
        fields = list(STATISTICS)
        stats = {
            (row[0], row[1]): _stat(dict(zip(fields, row[2:], strict=True)))
            for row in table[["strategy", "outcome", *fields]].itertuples(index=False)
        }
        empty = _stat(dict.fromkeys(fields))  # an outcome no run has a value of

        result = {}
        for strategy in self.strategies:
            entry: dict = {
                key: stats.get((strategy, key), empty) for key in OUTCOMES + ORGANISATION_ONLY
            }
            entry["by_profile"] = {
                p: {
                    key: stats.get((strategy, f"{key}_{p}"), empty)
                    for key in OUTCOMES + PROFILE_ONLY
                }
                for p in PROFILES
            }
            result[strategy] = entry
        return result


def _stat(values: dict) -> dict:
    """One outcome's statistics as plain numbers (None where missing), as :func:`mean_ci`."""
    out = {}
    for key, value in values.items():
        missing = value is None or (isinstance(value, float) and np.isnan(value))
        if key in ("n", "members"):
            out[key] = 0 if missing else int(value)
        else:
            out[key] = None if missing else float(value)
    if not out["n"]:
        out.update(mean=None, ci_low=None, ci_high=None)
    return out


def _by_profile_stat(entry: dict, flat_name: str) -> dict | None:
    """The statistic of a flat per-profile outcome name (e.g. dropout_share_overwhelmed)."""
    for profile, stats in entry["by_profile"].items():
        suffix = f"_{profile}"
        if flat_name.endswith(suffix) and flat_name[: -len(suffix)] in stats:
            return stats[flat_name[: -len(suffix)]]
    return None
