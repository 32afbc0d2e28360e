"""Speed and memory benchmark of the model (what ``transnum bench`` prints).

The organisation is the default commune rescaled to ``staff`` (all services,
relations and tools, every mechanism on), simulated for ``weeks`` under the
default strategy. A short warm-up run first loads the compiled kernels, so that
the figures measure the simulation, not the compiler.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time

from simulation.bench.kernel import bass_kernel
from simulation.scenario.records import Scenario


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    On Linux, the high-water mark of the process's own memory (``VmHWM``): the
    operating system's ``ru_maxrss`` of a process started by fork and exec also counts
    its parent's memory at the fork.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
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
        (staff x weeks / wall_s), ``kernel_agent_steps_per_s`` (the minimal Bass
        kernel of :mod:`~simulation.bench.kernel` at the same size, the mean of a timing
        just before and one just after), ``kernel_ratio`` (the model's rate over the
        kernel's) and ``peak_rss_mb`` (peak memory of the process).
    """
    from simulation.model.model import TransitionModel

    base = scenario or Scenario()
    start_week = min(base.rollout.start_week, weeks)  # so that short benchmarks stay valid
    size = {"organisation.total_staff": staff, "rollout.start_week": start_week}
    # Warm-up on a small default organisation: it only loads the compiled kernels.
    warm = Scenario().override({"organisation.total_staff": 200, "horizon_weeks": 5})
    TransitionModel(warm, rng=seed).run()
    spec = base.override({**size, "horizon_weeks": weeks})
    kernel_before = bass_kernel(spec.staff_count, weeks)["agent_steps_per_s"]
    start = time.perf_counter()
    model = TransitionModel(spec, rng=seed)
    built = time.perf_counter()
    model.run()
    done = time.perf_counter()
    wall = done - built
    rate = model.network.n_staff * weeks / wall
    kernel = (kernel_before + bass_kernel(model.network.n_staff, weeks)["agent_steps_per_s"]) / 2
    return {
        "staff": model.network.n_staff,
        "weeks": weeks,
        "setup_s": round(built - start, 3),
        "wall_s": round(wall, 3),
        "agent_steps_per_s": round(rate),
        "kernel_agent_steps_per_s": round(kernel),
        "kernel_ratio": round(rate / kernel, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def benchmark_batch(
    staff: int = 500, weeks: int = 156, replications: int = 200, seed: int = 1
) -> dict[str, float | int]:
    """Time the batched engine on one core: ``replications`` runs, set-up included.

    The default commune rescaled to ``staff``, its default strategy, replications
    ``0 .. replications - 1`` of root seed ``seed``, in batches of
    :func:`~simulation.model.sizing.batch_size` runs (as ``compare`` and sweeps run
    them), in this process. The minimal Bass kernel (:mod:`~simulation.bench.kernel`)
    is timed on as many runs of the same size, after each batch (the two alternate, so
    that both see the same drift of the machine's speed).

    Returns:
        ``staff``, ``weeks``, ``replications``, ``wall_s`` (set-up and stepping of
        every run), ``agent_steps_per_s``, ``kernel_agent_steps_per_s``,
        ``kernel_ratio`` (the first over the second) and ``peak_rss_mb``.
    """
    from simulation.model.batch import run_batch
    from simulation.model.seeds import run_seed
    from simulation.model.sizing import batch_size

    start_week = min(Scenario().rollout.start_week, weeks)
    spec = Scenario().override(
        {
            "organisation.total_staff": staff,
            "horizon_weeks": weeks,
            "rollout.start_week": start_week,
        }
    )
    run_batch([(spec, run_seed(seed, 0))])  # loads the compiled kernels
    n_staff = spec.staff_count
    size = batch_size(spec, replications)
    # The model's batches and the kernel's runs alternate, so that both see the same
    # drift of the machine's speed: a round is a batch, then the kernel on as many runs.
    wall = kernel_wall = 0.0
    for first in range(0, replications, size):
        count = min(size, replications - first)
        start = time.perf_counter()
        run_batch([(spec, run_seed(seed, first + r)) for r in range(count)])
        wall += time.perf_counter() - start
        kernel_wall += bass_kernel(n_staff, weeks, count, seed=first)["wall_s"]
    rate = n_staff * weeks * replications / wall
    kernel = n_staff * weeks * replications / kernel_wall
    return {
        "case": "batch",
        "staff": n_staff,
        "weeks": weeks,
        "replications": replications,
        "wall_s": round(wall, 3),
        "agent_steps_per_s": round(rate),
        "kernel_agent_steps_per_s": round(kernel),
        "kernel_ratio": round(rate / kernel, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def workers_peak_rss_mb(executor, workers: int) -> float:  # noqa: ANN001 - an Executor
    """Largest peak resident memory among an executor's worker processes, in MB.

    Asked of the workers themselves: the operating system's figure for finished
    children also counts any process the main one forked, whose resident memory starts
    as the main process's.
    """
    asked = [executor.submit(peak_rss_mb) for _ in range(4 * workers)]
    return max(future.result() for future in asked)


COMPARE_ROUNDS = 3
"""Times the compare case measures the command and its runs alone, alternately."""


def benchmark_compare(
    replications: int = 100, workers: int | None = None, rounds: int = COMPARE_ROUNDS
) -> dict:
    """Time ``transnum compare`` (3 strategies x ``replications`` of the default commune).

    Two figures, measured in the same session: ``wall_s``, the whole command as a user
    runs it (``python -m simulation compare`` in a new process: start-up, worker
    processes, every run, the tables printed, the results folder and its figure
    written), and ``compute_s``, the runs alone
    (:func:`~simulation.experiments.runner.compare_strategies` on as many workers, with
    the command's parameters from the ensemble, nothing written). The two alternate
    ``rounds`` times, so that each ratio compares measurements a few seconds apart:
    ``wall_s`` and ``compute_s`` are the medians, ``overhead`` the median of the
    rounds' ratios (``overhead_low`` and ``overhead_high`` the smallest and largest).
    Where the command's time goes besides: ``command_runs_s``, the median time of its
    runs within it (the ``wall_s`` of its ``manifest.json``: from its first run queued
    to its last run back; its workers start before, while it imports what it needs),
    and ``outside_runs_s``, the median of the rest of each command (start-up before,
    statistics, files and figure after).
    """
    from simulation.experiments.executors import default_workers

    workers = workers or default_workers()
    walls, computes, inside = [], [], []
    for _ in range(rounds):
        wall, runs_wall = _compare_command(replications, workers)
        walls.append(wall)
        inside.append(runs_wall)
        runs, compute = _compare_runs(replications, workers)
        computes.append(compute)
    ratios = [wall / compute for wall, compute in zip(walls, computes, strict=True)]
    wall = statistics.median(walls)
    return {
        "case": "compare",
        "runs": runs,
        "staff": Scenario().staff_count,
        "weeks": Scenario().horizon_weeks,
        "workers": workers,
        "measurements": rounds,
        "wall_s": round(wall, 3),
        "compute_s": round(statistics.median(computes), 3),
        "overhead": round(statistics.median(ratios), 3),
        "overhead_low": round(min(ratios), 3),
        "overhead_high": round(max(ratios), 3),
        "command_runs_s": round(statistics.median(inside), 3),
        "outside_runs_s": round(
            statistics.median(w - r for w, r in zip(walls, inside, strict=True)), 3
        ),
        "runs_per_s": round(runs / wall, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _compare_command(replications: int, workers: int) -> tuple[float, float]:
    """``transnum compare`` in a new process, into a temporary folder.

    Returns:
        Its wall time, and that of its runs within it (its manifest's ``wall_s``).
    """
    import json
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "compare"
        command = [sys.executable, "-m", "simulation", "compare"]
        command += ["--replications", str(replications), "--workers", str(workers)]
        command += ["--out", str(folder)]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"transnum compare failed: {done.stderr[-2000:]}")
        runs_wall = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["wall_s"]
    return wall, float(runs_wall)


def _compare_runs(replications: int, workers: int) -> tuple[int, float]:
    """The command's runs alone, in this process and a new pool: (runs, wall time)."""
    from simulation.experiments.parameters import choose_parameters
    from simulation.experiments.runner import compare_strategies

    start = time.perf_counter()
    # The same runs as the command: each replication with its ensemble member's parameters.
    draw = choose_parameters()
    comparison = compare_strategies(
        Scenario(), replications=replications, workers=workers, parameters=draw
    )
    return len(comparison.runs), time.perf_counter() - start


def benchmark_sweep(runs: int = 20_000, workers: int | None = None, folder=None) -> dict:
    """Run a sweep of ``runs`` small runs into a results folder and measure memory.

    The experiment: up to 100 points (a Latin hypercube over the training capacity) of
    a 60-staff organisation over 26 weeks, with enough replications for ``runs`` runs
    (rounded up to a multiple of the points), every outcome and five weekly series
    kept. Memory must stay flat however many runs.
    """
    import tempfile
    from pathlib import Path

    from simulation.experiments.executors import default_workers, open_executor
    from simulation.experiments.experiment import Experiment, design_points
    from simulation.experiments.store import SweepStore
    from simulation.experiments.sweep import (
        RUNS_IN_FLIGHT_PER_WORKER,
        kept_outcomes,
        points_table,
        run_experiment,
    )

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
            report = run_experiment(
                experiment, points, store, executor, window=RUNS_IN_FLIGHT_PER_WORKER * workers
            )
            worker_peak = workers_peak_rss_mb(executor, workers)
        store.close("complete")
        wall = time.perf_counter() - start
        peak = peak_rss_mb()  # the sweep's, before the check below reads the store
        saved = len(store.completed())
    return {
        "case": "sweep",
        "runs": report.runs_done,
        "runs_saved": saved,
        "workers": workers,
        "wall_s": round(wall, 3),
        "runs_per_s": round(report.runs_done / wall, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_worker_rss_mb": round(worker_peak, 1),
    }


def benchmark_app(staff: int = 2000, weeks: int = 156, plans: int = 1) -> dict:
    """Time the teaching page's work per week: one step and every picture redrawn.

    What the page's server does after each week, without the browser: step the
    model(s), redraw the network picture (coloured by stage) and both curve
    pictures as PNG, and summarise each plan for the scoreboard. The page adds its
    play interval (50 ms by default) between weeks.

    Args:
        staff: Organisation size (the page allows up to 2,000).
        weeks: Weeks played (at most the horizon, 156).
        plans: 1 (one plan, big bang) or 2-3 (workshop: big bang, small steps, short
            cycles on the same organisation).

    Returns:
        ``staff``, ``plans``, ``weeks``, ``setup_s`` (models and pictures),
        ``step_ms``, ``draw_ms`` (pictures and scoreboard, per week), ``weeks_per_s``
        (stepping and drawing) and ``weeks_per_s_playing`` (with the play interval).
    """
    from simulation.teaching.models import (
        MAX_TEACHING_STAFF,
        PLAY_INTERVAL_MS,
        TeachingModel,
        WorkshopModel,
        scoreboard,
    )
    from simulation.teaching.pictures import CURVE_PANELS, CurvesPicture, NetworkPicture

    if not 1 <= plans <= 3:
        raise ValueError(f"plans must be 1, 2 or 3, not {plans}")
    if not 1 <= staff <= MAX_TEACHING_STAFF:
        raise ValueError(f"staff must be between 1 and {MAX_TEACHING_STAFF}, not {staff}")
    TeachingModel(staff=60).step()  # load the compiled kernels first
    start = time.perf_counter()
    if plans == 1:
        model = TeachingModel(staff=staff, strategy="big_bang")
    else:
        chosen = ("big_bang", "small_steps", "short_cycle", "none", "none")
        model = WorkshopModel(
            staff=staff, plan_a=chosen[0], plan_b=chosen[1], plan_c=chosen[4 - plans + 1]
        )
    pictures = [NetworkPicture(model.view, "fr")]
    pictures += [CurvesPicture(model.view, "fr", measures) for measures in CURVE_PANELS.values()]
    setup = time.perf_counter() - start
    weeks = min(weeks, model.plans[0].spec.horizon_weeks)
    stepping = drawing = 0.0
    for _ in range(weeks):
        began = time.perf_counter()
        model.step()
        stepped = time.perf_counter()
        pictures[0].render("stage")
        for curves in pictures[1:]:
            curves.render()
        scoreboard(model)
        drawing += time.perf_counter() - stepped
        stepping += stepped - began
    per_week = (stepping + drawing) / weeks
    return {
        "case": "app",
        "staff": model.plans[0].network.n_staff,
        "plans": len(model.plans),
        "weeks": weeks,
        "setup_s": round(setup, 3),
        "step_ms": round(1000 * stepping / weeks, 1),
        "draw_ms": round(1000 * drawing / weeks, 1),
        "weeks_per_s": round(1 / per_week, 1),
        "weeks_per_s_playing": round(1 / (per_week + PLAY_INTERVAL_MS / 1000), 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


GAME_ROUNDS = 12
"""Rounds of the game the ``game`` case times a round of (the game's default)."""
GAME_TARGET_S = 1.0
"""What a round may take for one team, computing and drawing, so that closing a round
in front of the room feels immediate."""


def benchmark_game(staff: int = 2000, weeks: int = 13) -> dict:
    """Time one team's round of the workshop game: its run and its pictures.

    What closing a round costs per team: the team's decisions so far run as a scenario
    (every round runs the team's plan from week 0 with the game's seed, so that the
    weeks shown never change: the last round's run is the longest and is the one
    timed), then the team's curves drawn as its page draws them, and the trainer's
    picture of every team. A game of two teams and :data:`GAME_ROUNDS` rounds on the
    default commune at ``staff`` staff.

    Args:
        staff: Organisation size (the game allows up to 2,000).
        weeks: Weeks per round.

    Returns:
        ``staff``, ``round_weeks``, ``rounds``, ``compute_s`` (one team's run),
        ``redraw_s`` (its pictures), ``round_s`` (their sum), ``target_s`` and
        ``peak_rss_mb``.
    """
    from simulation.teaching.game.session import Game
    from simulation.teaching.models import MAX_TEACHING_STAFF
    from simulation.teaching.pictures.teams import TEAM_MEASURES, teams_png

    if not 1 <= staff <= MAX_TEACHING_STAFF:
        raise ValueError(f"staff must be between 1 and {MAX_TEACHING_STAFF}, not {staff}")
    warm = Scenario().override({"organisation.total_staff": 200})
    Game(warm, teams=2, rounds=1, round_weeks=8, seed=1)  # loads the compiled kernels
    scenario = Scenario().override({"organisation.total_staff": staff})
    game = Game(scenario, teams=2, rounds=GAME_ROUNDS, round_weeks=weeks, seed=1)
    team = game.teams[0]
    # The state of the last round: every earlier one played (with no action).
    game.round = GAME_ROUNDS - 1
    teams_png([(team.name, team.table)], game.horizon, "fr", TEAM_MEASURES)  # fonts loaded
    start = time.perf_counter()
    team.table = game._run(team)
    computed = time.perf_counter()
    teams_png([(team.name, team.table)], game.horizon, "fr", TEAM_MEASURES)
    teams_png([(t.name, t.table) for t in game.teams], game.horizon, "fr")
    drawn = time.perf_counter()
    return {
        "case": "game",
        "staff": game.base.staff_count,
        "round_weeks": weeks,
        "rounds": GAME_ROUNDS,
        "compute_s": round(computed - start, 3),
        "redraw_s": round(drawn - computed, 3),
        "round_s": round(drawn - start, 3),
        "target_s": GAME_TARGET_S,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
