"""How many runs a batch holds: the memory of a run, estimated before it runs.

Without the compiled engine, so that the process that plans batches (a command's
main process) does not load it.
"""

from __future__ import annotations

from simulation.model.measures import MEASURES
from simulation.scenario.profiles import PROFILES
from simulation.scenario.records import Scenario

DRAW_BYTES = 1 << 20
"""Bytes of weekly uniforms drawn at once per run (a chunk of weeks)."""
BATCH_BYTES = 256 << 20
"""Bytes of run state a batch may hold (:func:`batch_size`)."""


def run_bytes(scenario: Scenario) -> int:
    """Rough memory of one run of ``scenario`` while it runs, in bytes.

    Per staff member about 60 values and 12 per tool; per week the records (profiles
    and services times the measures) and the uniforms of a chunk.
    """
    staff, tools = scenario.staff_count, len(scenario.tools)
    services = len(scenario.organisation.services)
    state = 8 * staff * (60 + 12 * tools) + 16 * staff * 12  # arrays and ties
    record = 8 * (scenario.horizon_weeks + 1) * (len(PROFILES) + services) * len(MEASURES)
    return state + record + DRAW_BYTES


def batch_size(scenario: Scenario, runs: int, workers: int = 1) -> int:
    """Runs of ``scenario`` per batch.

    Within :data:`BATCH_BYTES`, and enough batches for ``workers`` to share the work
    (about four batches per worker).

    Args:
        scenario: A scenario of the runs (the largest, if they differ).
        runs: Runs in all.
        workers: Workers the batches are shared among.
    """
    by_memory = max(1, BATCH_BYTES // run_bytes(scenario))
    by_balance = max(1, -(-runs // (4 * max(workers, 1)))) if workers > 1 else runs
    return max(1, min(by_memory, by_balance, runs))
