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
