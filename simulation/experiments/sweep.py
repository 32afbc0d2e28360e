"""Running a sweep: every (point, replication) of an experiment on an executor.

Replication ``r`` of every point uses the seed ``run_seed(root, r)`` (common random
numbers across points); the seeds are stored with each run, so any row of the
results reruns alone with ``transnum run``. A run that raises is recorded with its
error and the sweep goes on. Finished runs go to the :class:`SweepStore` as they
arrive; tasks are submitted in a bounded window, so memory does not grow with the
number of runs.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments.executors import worker_count
from simulation.experiments.experiment import Experiment, Point
from simulation.experiments.parameters import ParameterDraw
from simulation.i18n.language import quoted, say
from simulation.model.outcomes import flat_outcome_names, flatten
from simulation.model.seeds import describe, run_seed
from simulation.scenario.records import Scenario
from simulation.storage import write_csv

RUNS_IN_FLIGHT_PER_WORKER = 64
"""Runs a sweep keeps in flight per worker (:func:`run_experiment`'s ``window``): their
records wait in memory until saved, a few kilobytes each; batches take a share."""


def run_id(point: int, replication: int) -> str:
    """Identifier of a run: ``p<point>-r<replication>``, zero-padded."""
    return f"p{point:06d}-r{replication:05d}"


def parse_run_id(identifier: str) -> tuple[int, int]:
    """Point and replication of a run identifier."""
    point, replication = identifier.split("-r")
    return int(point[1:]), int(replication)


@dataclasses.dataclass(frozen=True)
class Task:
    """Everything a worker needs for one run (picklable, self-contained)."""

    point: int
    replication: int
    scenario: Scenario
    root_seed: int
    outcomes: tuple[str, ...]
    weekly: tuple[str, ...]
    member: int | None = None


def _record(task: Task) -> dict[str, Any]:
    """A run's record before it runs: identity and seed, no outcomes yet."""
    seed = run_seed(task.root_seed, task.replication)
    return {
        "run_id": run_id(task.point, task.replication),
        "point": task.point,
        "replication": task.replication,
        "member": task.member,
        "seed_entropy": describe(seed)["entropy"],
        "seed_spawn_key": ",".join(map(str, seed.spawn_key)),
        "status": "ok",
        "error": None,
        "outcomes": None,
        "weekly": None,
    }


def _fill(record: dict[str, Any], task: Task, table: Any, summary: dict) -> None:
    """Put a run's kept outcomes and weekly series into its record.

    ``table`` is the run's weekly table or its columns by name.
    """
    flat = flatten(summary)
    record["outcomes"] = {k: flat[k] for k in task.outcomes}
    record["weekly"] = {c: np.asarray(table[c]).tolist() for c in ("week", *task.weekly)}


def execute(task: Task) -> dict[str, Any]:
    """Run one task and return its record; an exception becomes an error record."""
    record = _record(task)
    start = time.perf_counter()
    try:
        from simulation.model.model import TransitionModel

        model = TransitionModel(task.scenario, rng=run_seed(task.root_seed, task.replication))
        model.run()
        _fill(record, task, model.timeseries(), model.summary())
    except Exception as error:  # noqa: BLE001 - recorded, the sweep goes on
        record["status"] = "error"
        record["error"] = "".join(traceback.format_exception_only(error)).strip()
        record["traceback"] = traceback.format_exc()
    record["wall_s"] = time.perf_counter() - start
    return record


def execute_batch(tasks: list[Task]) -> list[dict[str, Any]]:
    """Run tasks together with the batched engine; their records, in order.

    The same records as :func:`execute` one by one (each run's ``wall_s`` is its
    share of the batch's). If the batch raises, each task runs alone, so that only
    the faulty runs are recorded as errors.
    """
    from simulation.model.batch import run_batch

    start = time.perf_counter()
    try:
        finished = run_batch([(t.scenario, run_seed(t.root_seed, t.replication)) for t in tasks])
        records = []
        for task, run in zip(tasks, finished, strict=True):
            record = _record(task)
            columns = run.columns()
            _fill(record, task, columns, run.summary(columns))
            records.append(record)
    except Exception:  # noqa: BLE001 - each run alone then says which one fails
        return [execute(task) for task in tasks]
    share = (time.perf_counter() - start) / max(len(records), 1)
    for record in records:
        record["wall_s"] = share
    return records


def experiment_paths(experiment: Experiment) -> frozenset[str]:
    """The dotted paths an experiment sets itself: its factors and its overrides.

    They keep the experiment's values when replications draw their parameters from an
    ensemble.
    """
    return frozenset({*experiment.range_factors, *experiment.level_factors, *experiment.overrides})


def kept_outcomes(experiment: Experiment) -> tuple[str, ...]:
    """Outcome names the experiment keeps (all flat summary names for 'all')."""
    return flat_outcome_names() if experiment.outcomes == "all" else experiment.outcomes


def points_table(points: list[Point]) -> pd.DataFrame:
    """One row per point: its number and factor values (columns named by factor path)."""
    rows = [{"point": p.index, **{k: _cell(v) for k, v in p.factors.items()}} for p in points]
    return pd.DataFrame(rows)


def _cell(value: Any) -> Any:
    """Factor values as table cells: lists become text."""
    return ",".join(map(str, value)) if isinstance(value, (list, tuple)) else value


def run_tasks_windowed(
    executor: Executor,
    tasks: Iterable[Task],
    on_record: Callable[[dict[str, Any]], None],
    window: int,
    batch: int = 1,
) -> None:
    """Submit ``tasks`` with at most ``window`` runs in flight; hand each record to ``on_record``.

    Tasks (an iterable, consumed as they are submitted) go to the executor ``batch`` at
    a time (:func:`execute_batch`; 1: one by one, :func:`execute`). Records arrive in
    completion order; a record's content never depends on it.
    """
    pending: set[Future] = set()
    batch = max(1, batch)
    groups = itertools.batched(tasks, batch)
    in_flight = max(1, -(-window // batch))
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < in_flight:
            group = next(groups, None)
            if group is None:
                exhausted = True
                break
            if batch == 1:
                pending.add(executor.submit(execute, group[0]))
            else:
                pending.add(executor.submit(execute_batch, list(group)))
        if not pending:
            break
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            result = future.result()
            for rec in result if isinstance(result, list) else [result]:
                on_record(rec)


@dataclasses.dataclass
class SweepReport:
    """What a sweep session did."""

    folder: str
    points: int
    runs_expected: int
    runs_before: int
    runs_done: int
    failures: int
    replications: dict[int, int]


def needed_replications(
    runs: pd.DataFrame, precision: dict[str, float], current: dict[int, int], cap: int
) -> dict[int, int]:
    """Replications each point needs for every half-width in ``precision`` (capped).

    The half-width of a 95 % interval shrinks like 1/sqrt(n), so a point whose
    half-width is h with n runs needs about n (h / target)^2; 10 % is added so that one
    more round is rarely needed. Over an ensemble the interval is summary.csv's (runs
    of one member as a cluster).
    """
    from math import ceil

    from simulation.experiments.statistics import mean_ci_by

    ok = runs[runs["status"] == "ok"]
    wanted = dict(current)
    outcomes = list(precision)
    if "member" in ok and ok["member"].notna().any():
        # Over an ensemble: the interval summary.csv gives (a member's runs a cluster).
        from simulation.experiments.uncertainty import clustered_mean_ci

        stats = clustered_mean_ci(ok, ["point"], outcomes)
    else:
        numeric = ok.assign(**{o: pd.to_numeric(ok[o], errors="coerce") for o in outcomes})
        stats = mean_ci_by(numeric, ["point"], outcomes)
    for row in stats.itertuples(index=False):
        if row.n < 2 or row.point not in current:
            continue
        n, target = current[row.point], precision[row.measure]
        if getattr(row, "members", 2) < 2:  # one parameter set: no interval yet, more runs
            wanted[row.point] = max(wanted[row.point], min(cap, n + 1))
            continue
        half = (row.ci_high - row.ci_low) / 2
        if half > target:
            wanted[row.point] = max(
                wanted[row.point], min(cap, max(n + 1, ceil(1.1 * n * (half / target) ** 2)))
            )
    return wanted


def run_experiment(
    experiment: Experiment,
    points: list[Point],
    store: Any,
    executor: Executor,
    *,
    window: int,
    precision: dict[str, float] | None = None,
    max_replications: int | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
    retry_failed: bool = False,
    parameters: ParameterDraw | None = None,
) -> SweepReport:
    """Run every missing run of the experiment into ``store``; add runs for precision.

    Args:
        experiment: The experiment.
        points: Its points (from :func:`simulation.experiments.experiment.load_experiment`).
        store: The open :class:`~simulation.experiments.store.SweepStore`.
        executor: Where runs execute.
        window: Most runs in flight at once.
        precision: Outcome -> largest acceptable half-width of the 95 % interval; points
            get more replications until every one is met (or ``max_replications``).
        max_replications: Cap on replications per point when ``precision`` is set.
        on_record: Called with each finished run's record (e.g. a progress bar).
        on_plan: Called with the number of runs about to be added (progress total).
        retry_failed: Run again the runs saved as failed (on resume).
        parameters: Where each replication's parameters come from (default: each
            point's own values); replication r uses the same member at every point,
            the experiment's factors kept as the point sets them.

    Raises:
        ValueError: a precision target names an outcome the experiment does not keep.
    """
    missing = sorted(set(precision or {}) - set(kept_outcomes(experiment)))
    if missing:
        raise ValueError(say("error.experiment.precision_not_kept", name=quoted(missing[0])))
    done = store.completed(include_failed=not retry_failed)
    before = len(done)
    reps = {p.index: experiment.replications for p in points}
    # Replications added by an earlier --precision session count as planned too.
    for rid in done:
        point, replication = parse_run_id(rid)
        if point in reps:
            reps[point] = max(reps[point], replication + 1)
    failures = 0
    written = 0

    def record(rec: dict[str, Any]) -> None:
        nonlocal failures, written
        store.add(rec)
        written += 1
        failures += rec["status"] != "ok"
        if on_record:
            on_record(rec)

    cap = max_replications or 10 * experiment.replications
    # One tuple of outcome names for every task: 20,000 copies of it would take 80 MB.
    outcomes = kept_outcomes(experiment)
    draw = (parameters or ParameterDraw(None)).keeping(experiment_paths(experiment))
    while True:
        # The missing runs, made as they are submitted (memory stays flat in their number).
        missing = [
            (p, r) for p in points for r in range(reps[p.index]) if run_id(p.index, r) not in done
        ]
        tasks = (
            Task(
                p.index,
                r,
                draw.scenario(p.scenario, r),
                experiment.seed if p.root_seed is None else p.root_seed,
                outcomes,
                experiment.weekly,
                draw.member(r),
            )
            for p, r in missing
        )
        if on_plan:
            on_plan(len(missing))
        batch = sweep_batch(
            [p.scenario for p in points], len(missing), window, worker_count(executor)
        )
        run_tasks_windowed(executor, tasks, record, window, batch=batch)
        store.flush()
        done |= {run_id(p.index, r) for p, r in missing}
        if not precision:
            break
        wanted = needed_replications(store.runs(), precision, reps, cap)
        if wanted == reps:
            break
        reps = wanted
    return SweepReport(
        folder=str(store.folder),
        points=len(points),
        runs_expected=sum(reps.values()),
        runs_before=before,
        runs_done=written,
        failures=failures,
        replications=reps,
    )


def sweep_batch(scenarios: list[Scenario], runs: int, window: int, workers: int = 1) -> int:
    """Runs per batch in a sweep of ``runs`` runs of ``scenarios``, shared among ``workers``.

    At most a quarter of the window: the window bounds the runs in flight (their
    records wait in memory until saved), so batches take a share of it;
    :func:`simulation.model.sizing.batch_size` bounds a batch's memory.
    """
    if not scenarios or runs < 1:
        return 1
    from simulation.model.sizing import batch_size

    largest = max(scenarios, key=lambda s: s.staff_count * s.horizon_weeks)
    return max(1, min(batch_size(largest, runs, workers), window // 4 or 1))


def export_tables(
    store: Any, experiment: Experiment, points: list[Point]
) -> dict[str, pd.DataFrame]:
    """Write runs.csv, summary.csv and (with a strategy factor) paired.csv; return them.

    Over an ensemble (runs with a ``member``), summary.csv also gives each point's
    members, spread_low and spread_high (the central 90 % of its runs) and
    parameter_share, and paired.csv the shares of members on each side
    (:mod:`simulation.experiments.uncertainty`).
    """
    from simulation.experiments.uncertainty import sweep_paired, sweep_summary

    runs = store.runs()
    factors = [c for c in store.points().columns if c != "point"]
    outcomes = list(store.outcomes)
    summary = sweep_summary(runs, outcomes, factors)
    # Each export appears whole (written aside, then renamed into place).
    write_csv(runs, store.folder / "runs.csv")
    write_csv(summary, store.folder / "summary.csv")
    tables = {"runs": runs, "summary": summary}
    if "rollout.strategy" in factors:
        others = [f for f in factors if f != "rollout.strategy"]
        paired = sweep_paired(runs, "rollout.strategy", outcomes, by=others)
        write_csv(paired, store.folder / "paired.csv")
        tables["paired"] = paired
    return tables
