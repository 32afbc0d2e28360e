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

import pandas as pd

from simulation.experiments.comparison import Comparison, RunResult
from simulation.experiments.parameters import ParameterDraw
from simulation.model.seeds import run_seed
from simulation.scenario.records import Scenario
from simulation.scenario.rollout import STRATEGIES

COMPARED_STRATEGIES: tuple[str, ...] = ("big_bang", "small_steps", "short_cycle")
"""Strategies compared by default (``custom`` needs waves in the scenario)."""


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
    batched engine (:func:`simulation.model.sizing.batch_size` runs per batch); runs
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
    from simulation.model.sizing import batch_size

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
