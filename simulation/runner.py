"""Running the model: one run, or the same organisation under several strategies.

Runners return values (tables, summaries); saving them is explicit
(:mod:`simulation.results`). Replication ``r`` of root seed ``s`` always uses
``SeedSequence(s, spawn_key=(r,))`` (:func:`simulation.seeds.run_seed`), whatever the
strategy, the executor or the number of workers: common random numbers, and the
same results serially or in parallel.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed

import pandas as pd

from simulation.outcomes import ORGANISATION_ONLY, OUTCOMES, PROFILE_ONLY, flatten
from simulation.profiles import PROFILES
from simulation.scenario import STRATEGIES, Scenario
from simulation.seeds import describe, run_seed
from simulation.statistics import mean_ci

COMPARED_STRATEGIES: tuple[str, ...] = ("big_bang", "small_steps", "short_cycle")
"""Strategies compared by default (``custom`` needs waves in the scenario)."""


@dataclasses.dataclass(frozen=True, eq=False)
class RunResult:
    """Outputs of one run.

    Attributes:
        scenario: The scenario as run (strategy included).
        replication: Replication number under the root seed.
        root_seed: Root seed; the run's seed is ``run_seed(root_seed, replication)``.
        timeseries: The weekly table.
        summary: End-of-run summary (:func:`simulation.outcomes.summarize`).
        schedule: Go-live week of each (service, tool) pair.
        wall_s: Wall time of the run, set-up included, seconds.
    """

    scenario: Scenario
    replication: int
    root_seed: int
    timeseries: pd.DataFrame
    summary: dict
    schedule: pd.DataFrame
    wall_s: float

    @property
    def strategy(self) -> str:
        """The rollout strategy of this run."""
        return self.scenario.rollout.strategy

    @property
    def seed(self) -> dict:
        """The run's seed sequence, as recorded in results (entropy and spawn key)."""
        return describe(run_seed(self.root_seed, self.replication))


def run_scenario(scenario: Scenario, *, replication: int = 0, seed: int | None = None) -> RunResult:
    """Run one replication of a scenario to its horizon.

    Args:
        scenario: The validated scenario.
        replication: Replication number (0 for a single run).
        seed: Root seed; default the scenario's ``seed``.
    """
    from simulation.model import TransitionModel  # heavy import, only when running

    root = scenario.seed if seed is None else int(seed)
    start = time.perf_counter()
    model = TransitionModel(scenario, rng=run_seed(root, replication))
    model.run()
    table = model.timeseries()
    return RunResult(
        scenario=scenario,
        replication=replication,
        root_seed=root,
        timeseries=table,
        summary=model.summary(),
        schedule=model.schedule(),
        wall_s=time.perf_counter() - start,
    )


def _run_task(task: tuple[Scenario, int, int]) -> RunResult:
    """Top-level (picklable) worker function for process pools."""
    scenario, replication, root = task
    return run_scenario(scenario, replication=replication, seed=root)


@dataclasses.dataclass(frozen=True, eq=False)
class Comparison:
    """The same organisation under several strategies, with replications.

    Attributes:
        scenario: The base scenario (its own strategy is not necessarily compared).
        strategies: Strategies compared, in order.
        replications: Replications per strategy.
        root_seed: Root seed of every run.
        runs: All runs, ordered by strategy then replication.
    """

    scenario: Scenario
    strategies: tuple[str, ...]
    replications: int
    root_seed: int
    runs: tuple[RunResult, ...]

    def runs_table(self) -> pd.DataFrame:
        """One row per run: strategy, replication, seed, wall time and flat summary."""
        rows = []
        for run in self.runs:
            rows.append(
                {
                    "strategy": run.strategy,
                    "replication": run.replication,
                    "seed_entropy": run.seed["entropy"],
                    "seed_spawn_key": ",".join(map(str, run.seed["spawn_key"])),
                    "wall_s": run.wall_s,
                    **flatten(run.summary),
                }
            )
        return pd.DataFrame(rows)

    def timeseries(self) -> pd.DataFrame:
        """Weekly tables of all runs, stacked, with ``strategy`` and ``replication`` columns."""
        frames = [
            run.timeseries.assign(strategy=run.strategy, replication=run.replication)
            for run in self.runs
        ]
        table = pd.concat(frames, ignore_index=True)
        first = ["strategy", "replication"]
        return table[first + [c for c in table.columns if c not in first]]

    def summary(self, level: float = 0.95) -> dict:
        """Per strategy, each outcome's mean and confidence interval over replications.

        Returns:
            ``{strategy: {outcome: {mean, ci_low, ci_high, n}, ..., "by_profile":
            {profile: {outcome: {...}}}}}``.
        """
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


def compare_strategies(
    scenario: Scenario,
    strategies: Sequence[str] = COMPARED_STRATEGIES,
    *,
    replications: int = 20,
    seed: int | None = None,
    workers: int = 1,
    on_done: Callable[[RunResult], None] | None = None,
) -> Comparison:
    """Run every strategy ``replications`` times with common random numbers.

    Args:
        scenario: The base scenario; only its rollout strategy changes between runs.
        strategies: Strategy names (see :data:`simulation.scenario.STRATEGIES`).
        replications: Replications per strategy (>= 1).
        seed: Root seed; default the scenario's ``seed``.
        workers: 1 runs in this process; more uses that many worker processes.
            Results are identical either way.
        on_done: Called with each finished run (e.g. to advance a progress bar).
    """
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        raise ValueError(f"unknown strategy {unknown[0]!r}; known: {', '.join(STRATEGIES)}")
    if replications < 1:
        raise ValueError("replications must be at least 1")
    root = scenario.seed if seed is None else int(seed)
    variants = {s: scenario.with_strategy(s) for s in strategies}
    tasks = [(variants[s], r, root) for s in strategies for r in range(replications)]
    results = run_tasks(tasks, workers=workers, on_done=on_done)
    return Comparison(scenario, tuple(strategies), replications, root, tuple(results))


def run_tasks(
    tasks: Sequence[tuple[Scenario, int, int]],
    *,
    workers: int = 1,
    on_done: Callable[[RunResult], None] | None = None,
) -> list[RunResult]:
    """Run ``(scenario, replication, root_seed)`` tasks; results in task order."""
    if workers <= 1 or len(tasks) <= 1:
        results = []
        for task in tasks:
            results.append(_run_task(task))
            if on_done:
                on_done(results[-1])
        return results
    with process_pool(min(workers, len(tasks))) as pool:
        futures = {pool.submit(_run_task, task): k for k, task in enumerate(tasks)}
        ordered: list[RunResult | None] = [None] * len(tasks)
        for future in as_completed(futures):
            ordered[futures[future]] = future.result()
            if on_done:
                on_done(ordered[futures[future]])
    return ordered  # type: ignore[return-value]


def process_pool(workers: int) -> Executor:
    """A pool of ``workers`` processes started with ``spawn`` (what Mesa requires)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
