"""Speed and memory benchmark of the model (what ``transnum bench`` prints).

The organisation is the default commune rescaled to ``staff`` (all services,
relations and tools, every mechanism on), simulated for ``weeks`` under the
default strategy. A short warm-up run first loads the compiled kernels, so that
the figures measure the simulation, not the compiler.
"""

from __future__ import annotations

import resource
import sys
import time

from simulation.scenario import Scenario


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes vs KB


def benchmark(
    staff: int = 20_000, weeks: int = 520, seed: int = 1, scenario: Scenario | None = None
) -> dict[str, float | int]:
    """Time one run of ``staff`` staff over ``weeks`` weeks.

    Args:
        staff: Staff count (headcounts of the scenario are rescaled to it).
        weeks: Simulated weeks.
        seed: Run seed.
        scenario: Base scenario (default: the default commune).

    Raises:
        ScenarioError: if ``staff`` is fewer than the scenario's services.

    Returns:
        ``staff``, ``weeks``, ``setup_s`` (building the organisation, agents and
        network), ``wall_s`` (simulating the weeks), ``agent_steps_per_s``
        (staff x weeks / wall_s) and ``peak_rss_mb`` (peak memory of the process).
    """
    from simulation.model import TransitionModel

    base = scenario or Scenario()
    start_week = min(base.rollout.start_week, weeks)  # so that short benchmarks stay valid
    size = {"organisation.total_staff": staff, "rollout.start_week": start_week}
    # Warm-up on a small default organisation: it only loads the compiled kernels.
    warm = Scenario().override({"organisation.total_staff": 200, "horizon_weeks": 5})
    TransitionModel(warm, rng=seed).run()
    spec = base.override({**size, "horizon_weeks": weeks})
    start = time.perf_counter()
    model = TransitionModel(spec, rng=seed)
    built = time.perf_counter()
    model.run()
    done = time.perf_counter()
    wall = done - built
    return {
        "staff": model.network.n_staff,
        "weeks": weeks,
        "setup_s": round(built - start, 3),
        "wall_s": round(wall, 3),
        "agent_steps_per_s": round(model.network.n_staff * weeks / wall),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def peak_children_rss_mb() -> float:
    """Peak resident memory of the largest finished child process (workers), in MB."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def benchmark_compare(replications: int = 100, workers: int | None = None) -> dict:
    """Time ``transnum compare``'s work: 3 strategies x ``replications`` of the default.

    The time includes starting the worker processes and building every run's
    organisation (set-up included), not writing the results folder.
    """
    from simulation.executors import default_workers
    from simulation.runner import compare_strategies

    workers = workers or default_workers()
    start = time.perf_counter()
    comparison = compare_strategies(Scenario(), replications=replications, workers=workers)
    wall = time.perf_counter() - start
    return {
        "case": "compare",
        "runs": len(comparison.runs),
        "staff": Scenario().staff_count,
        "weeks": Scenario().horizon_weeks,
        "workers": workers,
        "wall_s": round(wall, 3),
        "runs_per_s": round(len(comparison.runs) / wall, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def benchmark_sweep(runs: int = 20_000, workers: int | None = None, folder=None) -> dict:
    """Run a sweep of ``runs`` small runs into a results folder and measure memory.

    The experiment: up to 100 points (a Latin hypercube over the training capacity) of
    a 60-staff organisation over 26 weeks, with enough replications for ``runs`` runs
    (rounded up to a multiple of the points), every outcome and five weekly series
    kept. Memory must stay flat however many runs.
    """
    import tempfile
    from pathlib import Path

    from simulation.executors import default_workers, open_executor
    from simulation.experiment import Experiment, design_points
    from simulation.sweep import kept_outcomes, points_table, run_experiment
    from simulation.sweep_store import SweepStore

    workers = workers or default_workers()
    n_points = min(100, runs)
    experiment = Experiment(
        name="sweep benchmark",
        overrides={"organisation.total_staff": 60},
        horizon_weeks=26,
        replications=-(-runs // n_points),  # at least ``runs`` runs in all
        factors={"levers.training_capacity": {"low": 1.0, "high": 60.0}},
        design={"samples": n_points},
    )
    points = design_points(experiment, Path.cwd())
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(folder or tmp) / "sweep"
        spec = where.parent / "experiment.yaml"
        where.parent.mkdir(parents=True, exist_ok=True)
        spec.write_text("name: sweep benchmark\n", encoding="utf-8")
        store = SweepStore.create(
            where, spec, points_table(points), kept_outcomes(experiment), experiment.weekly, {}
        )
        start = time.perf_counter()
        with open_executor(workers) as executor:
            report = run_experiment(experiment, points, store, executor, window=4 * workers)
        store.close("complete")
        saved = len(store.runs())
        wall = time.perf_counter() - start
    return {
        "case": "sweep",
        "runs": report.runs_done,
        "runs_saved": saved,
        "workers": workers,
        "wall_s": round(wall, 3),
        "runs_per_s": round(report.runs_done / wall, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "peak_worker_rss_mb": round(peak_children_rss_mb(), 1),
    }
