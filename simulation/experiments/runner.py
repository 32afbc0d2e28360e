"""Running the model: one run, or the same organisation under several strategies.

Runners return values (tables, summaries); saving them is explicit
(:mod:`simulation.experiments.results`). Replication ``r`` of root seed ``s`` always uses
``SeedSequence(s, spawn_key=(r,))`` (:func:`simulation.model.seeds.run_seed`), whatever the
strategy, the executor or the number of workers: common random numbers, and the
same results serially or in parallel.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed

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
from simulation.scenario.rollout import STRATEGIES

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


def snapshot_weeks(horizon: int) -> list[int]:
    """Weeks at which staff snapshots are taken: 0, 4, 8, every 13 weeks, and the last."""
    return sorted({0, 4, 8, *range(13, horizon + 1, 13), horizon} & set(range(horizon + 1)))


def run_scenario(
    scenario: Scenario,
    *,
    replication: int = 0,
    seed: int | None = None,
    snapshots: bool = False,
) -> RunResult:
    """Run one replication of a scenario to its horizon.

    Args:
        scenario: The validated scenario.
        replication: Replication number (0 for a single run).
        seed: Root seed; default the scenario's ``seed``.
        snapshots: Also record every staff member's state at :func:`snapshot_weeks`
            (with the staff table and the network's ties), for pictures of the network.
    """
    from simulation.model.batch import run_alone  # heavy import, only when running
    from simulation.model.tables import staff_table, ties

    root = scenario.seed if seed is None else int(seed)
    start = time.perf_counter()
    weeks = snapshot_weeks(scenario.horizon_weeks) if snapshots else []
    run, frames = run_alone(scenario, run_seed(root, replication), weeks)
    columns = run.columns()
    built = run.built
    return RunResult(
        scenario=scenario,
        replication=replication,
        root_seed=root,
        timeseries=pd.DataFrame(columns),
        summary=run.summary(columns),
        schedule=run.schedule(),
        wall_s=time.perf_counter() - start,
        staff=staff_table(built.run.staff, built.network) if snapshots else None,
        ties=ties(built.network) if snapshots else None,
        snapshots=pd.concat(frames, ignore_index=True) if snapshots else None,
    )


def _run_task(task: tuple) -> RunResult:
    """Top-level (picklable) worker function: ``(scenario, replication, root[, snapshots])``."""
    scenario, replication, root, *rest = task
    return run_scenario(
        scenario, replication=replication, seed=root, snapshots=bool(rest and rest[0])
    )


def run_batch_tasks(tasks: Sequence[tuple]) -> list[RunResult]:
    """Top-level (picklable) worker function: ``(scenario, replication, root)`` tasks, batched.

    The runs are stepped together by the batched engine
    (:func:`simulation.model.batch.run_batch`), with the same results as
    :func:`run_scenario` one by one. Each run's ``wall_s`` is its share of the batch's
    wall time.
    """
    from simulation.model.batch import run_batch

    start = time.perf_counter()
    finished = run_batch([(t[0], run_seed(t[2], t[1])) for t in tasks])
    results = []
    for task, run in zip(tasks, finished, strict=True):
        columns = run.columns()
        table = pd.DataFrame(columns)
        results.append(
            RunResult(
                scenario=task[0],
                replication=task[1],
                root_seed=task[2],
                timeseries=table,
                summary=run.summary(columns),
                schedule=run.schedule(),
                wall_s=0.0,
            )
        )
    share = (time.perf_counter() - start) / max(len(results), 1)
    return [dataclasses.replace(result, wall_s=share) for result in results]


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

    def runs_table(self) -> pd.DataFrame:
        """One row per run: strategy, replication, (member,) seed, wall time, flat summary."""
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
            over an ensemble also members, spread_low, spread_high, parameter_share, share_below and
            share_above (:func:`simulation.experiments.uncertainty.paired_ensemble`).
        """
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

        return first_shares(self.runs_table(), "strategy")

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

        Over an ensemble, each outcome also has ``members``, ``spread_low`` and ``spread_high`` (the
        central 90 % of its runs) and ``parameter_share`` (the share of its variance
        due to the parameters rather than chance), and the interval of its mean treats
        the runs of one member as a cluster (:mod:`simulation.experiments.uncertainty`).

        Returns:
            ``{strategy: {outcome: {mean, ci_low, ci_high, n[, members, spread_low, spread_high,
            parameter_share]}, ..., "by_profile": {profile: {outcome: {...}}}}}``.
        """
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
        from simulation.experiments.uncertainty import ensemble_summary

        runs = self.runs_table()
        names = [c for c in flat_outcome_names() if c in runs]
        table = ensemble_summary(runs, ["strategy"], names, level=level)
        fields = [
            "mean",
            "ci_low",
            "ci_high",
            "n",
            "members",
            "spread_low",
            "spread_high",
            "parameter_share",
        ]
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


def compare_strategies(
    scenario: Scenario,
    strategies: Sequence[str] = COMPARED_STRATEGIES,
    *,
    replications: int = 20,
    seed: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    precision: dict[str, float] | None = None,
    max_replications: int | None = None,
    on_done: Callable[[RunResult], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
    parameters: ParameterDraw | None = None,
    executor: Executor | None = None,
) -> Comparison:
    """Run every strategy ``replications`` times with common random numbers.

    Args:
        scenario: The base scenario; only its rollout strategy changes between runs.
        strategies: Strategy names (see :data:`simulation.scenario.rollout.STRATEGIES`).
        replications: Replications per strategy (>= 1).
        seed: Root seed; default the scenario's ``seed``.
        workers: 1 runs in this process; more uses that many worker processes.
            Results are identical either way.
        scheduler: A Dask scheduler address (or ``"local"``) instead of local workers.
        precision: Outcome -> largest acceptable half-width of its 95 % interval: more
            replications are added (to every strategy, keeping the pairing) until each
            strategy meets every target, or ``max_replications`` is reached.
        max_replications: Cap with ``precision`` (default 10 x ``replications``).
        on_done: Called with each finished run (e.g. to advance a progress bar).
        on_plan: Called with the number of runs about to start.
        parameters: Where each replication's parameters come from
            (:func:`simulation.experiments.parameters.choose_parameters`); default the
            scenario's own values. Replication r uses the same member under every
            strategy.
        executor: An open executor to run on instead (``workers`` and ``scheduler``
            are then ignored); its caller closes it, and may use it for more work.
    """
    draw = parameters or ParameterDraw(None)
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        raise ValueError(f"unknown strategy {unknown[0]!r}; known: {', '.join(STRATEGIES)}")
    if replications < 1:
        raise ValueError("replications must be at least 1")
    if max_replications is not None and max_replications < replications:
        raise ValueError(f"max_replications ({max_replications}) is below replications")
    root = scenario.seed if seed is None else int(seed)
    variants = {s: scenario.with_strategy(s) for s in strategies}
    cap = max_replications or 10 * replications
    results: list[RunResult] = []
    done, target = 0, replications
    while target > done:
        # Replication 0 of each strategy also records staff snapshots (network pictures).
        tasks = [
            (draw.scenario(variants[s], r), r, root, r == 0)
            for s in strategies
            for r in range(done, target)
        ]
        if on_plan:
            on_plan(len(tasks))
        finished = run_tasks(
            tasks, workers=workers, scheduler=scheduler, on_done=on_done, executor=executor
        )
        results += [
            dataclasses.replace(run, member=draw.member(run.replication)) for run in finished
        ]
        done = target
        if precision:
            partial = Comparison(scenario, tuple(strategies), done, root, tuple(results), draw)
            target = min(cap, partial.replications_needed(precision))
    results.sort(key=lambda run: (strategies.index(run.strategy), run.replication))
    return Comparison(scenario, tuple(strategies), done, root, tuple(results), draw)


def run_tasks(
    tasks: Sequence[tuple],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    on_done: Callable[[RunResult], None] | None = None,
    executor: Executor | None = None,
) -> list[RunResult]:
    """Run ``(scenario, replication, root_seed[, snapshots])`` tasks; results in task order.

    Runs without snapshots go to the workers in batches, stepped together by the
    batched engine (:func:`simulation.model.batch.batch_size` runs per batch); runs
    with snapshots run alone (``TransitionModel``). Results are the same either way.

    Args:
        tasks: The runs.
        workers: Local worker processes (1: in this process).
        scheduler: A Dask scheduler address (or ``"local"``) instead of local workers.
        on_done: Called with each finished run, in completion order.
        executor: An open executor to run on instead of ``workers`` or ``scheduler``
            (left open).
    """
    from simulation.experiments.executors import open_executor, worker_count
    from simulation.model.batch import batch_size

    if not tasks:
        return []
    workers = 1 if len(tasks) == 1 and not scheduler else min(workers, len(tasks))
    alone = {k for k, task in enumerate(tasks) if len(task) > 3 and task[3]}
    together = [k for k, task in enumerate(tasks) if not (len(task) > 3 and task[3])]
    ordered: list[RunResult | None] = [None] * len(tasks)
    opened = contextlib.nullcontext(executor) if executor else open_executor(workers, scheduler)
    with opened as executor:
        jobs: list[list[int]] = [[k] for k in sorted(alone)]
        if together:
            largest = max((tasks[k][0] for k in together), key=_run_size)
            size = batch_size(largest, len(together), worker_count(executor))
            jobs += [together[i : i + size] for i in range(0, len(together), size)]
        futures = {}
        for job in jobs:
            if job[0] in alone:
                future = executor.submit(_run_task, tasks[job[0]])
            else:
                future = executor.submit(run_batch_tasks, [tasks[k][:3] for k in job])
            futures[future] = job
        for future in as_completed(futures):
            job = futures[future]
            value = future.result()
            for k, result in zip(job, value if isinstance(value, list) else [value], strict=True):
                ordered[k] = result
                if on_done:
                    on_done(result)
    return ordered  # type: ignore[return-value]


def _run_size(scenario: Scenario) -> int:
    return scenario.staff_count * scenario.horizon_weeks


def _by_profile_stat(entry: dict, flat_name: str) -> dict | None:
    """The statistic of a flat per-profile outcome name (e.g. dropout_share_overwhelmed)."""
    for profile, stats in entry["by_profile"].items():
        suffix = f"_{profile}"
        if flat_name.endswith(suffix) and flat_name[: -len(suffix)] in stats:
            return stats[flat_name[: -len(suffix)]]
    return None
