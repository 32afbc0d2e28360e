"""The cases of ``transnum bench`` by name, with their options resolved.

A case and its options (defaults filled in) name one measurement: the same pair
finds its figures in a baseline file (:mod:`~simulation.bench.baseline`).
"""

from __future__ import annotations

from simulation.bench.reference import reference_ms

CASES = ("model", "batch", "compare", "sweep", "app", "game")
"""What ``transnum bench --case`` measures (see :mod:`~simulation.bench.cases`)."""

MODEL_STAFF, MODEL_WEEKS = 20_000, 520
BATCH_STAFF, BATCH_WEEKS, BATCH_REPLICATIONS = 500, 156, 200
APP_STAFF, APP_WEEKS = 2000, 156
GAME_STAFF, GAME_WEEKS = 2000, 13


def case_options(
    case: str,
    *,
    staff: int | None = None,
    weeks: int | None = None,
    plans: int = 1,
    replications: int | None = None,
    runs: int = 20_000,
    workers: int | None = None,
) -> dict[str, int]:
    """The options that a case uses, defaults filled in (``workers``: one per core).

    Args:
        case: One of :data:`CASES`.
        staff: model, app and game: staff count (default 20,000; app and game 2,000).
        weeks: model and app: weeks (default 520; app 156); game: weeks per round (13).
        plans: app: plans side by side (1 to 3).
        replications: batch: runs (default 200); compare: replications of each
            strategy (default 100).
        runs: sweep: runs in all.
        workers: compare and sweep: worker processes (default: one per core).

    Raises:
        ValueError: for an unknown case.
    """
    if case == "model":
        return {"staff": staff or MODEL_STAFF, "weeks": weeks or MODEL_WEEKS}
    if case == "batch":
        return {
            "staff": staff or BATCH_STAFF,
            "weeks": weeks or BATCH_WEEKS,
            "replications": replications or BATCH_REPLICATIONS,
        }
    if case == "app":
        return {"staff": staff or APP_STAFF, "weeks": weeks or APP_WEEKS, "plans": plans}
    if case == "game":
        return {"staff": staff or GAME_STAFF, "weeks": weeks or GAME_WEEKS}
    if case not in CASES:
        raise ValueError(f"unknown benchmark case {case!r}: one of {', '.join(CASES)}")
    from simulation.experiments.executors import default_workers

    workers = workers or default_workers()
    if case == "compare":
        return {"replications": replications or 100, "workers": workers}
    return {"runs": runs, "workers": workers}


def command_line(case: str, options: dict[str, int]) -> str:
    """The ``transnum bench`` command that measures ``case`` with ``options``."""
    words = ["transnum", "bench", "--case", case]
    for name, value in options.items():
        words += [f"--{name}", str(value)]
    return " ".join(words)


def measure(case: str, options: dict[str, int], reference: bool = False) -> dict:
    """Measure one case.

    Args:
        case: One of :data:`CASES`.
        options: Its options (from :func:`case_options`).
        reference: Also time the reference workload, before and after the case, and
            add the mean of both as ``reference_ms``
            (:func:`~simulation.bench.reference.reference_ms`).

    Returns:
        The case's figures (see :mod:`~simulation.bench.cases`).
    """
    from simulation.bench.cases import (
        benchmark,
        benchmark_app,
        benchmark_batch,
        benchmark_compare,
        benchmark_game,
        benchmark_sweep,
    )

    functions = {
        "model": benchmark,
        "batch": benchmark_batch,
        "compare": benchmark_compare,
        "sweep": benchmark_sweep,
        "app": benchmark_app,
        "game": benchmark_game,
    }
    if case not in functions:
        raise ValueError(f"unknown benchmark case {case!r}: one of {', '.join(CASES)}")
    before = reference_ms() if reference else 0.0
    figures = functions[case](**options)
    if reference:
        figures["reference_ms"] = round((before + reference_ms()) / 2, 3)
    return figures
