"""A reference workload: how fast this machine is at the moment of a benchmark.

A figure of ``transnum bench`` depends on the code and on the machine: its
processor, and on a shared machine whatever else runs at the same time. Dividing a
time by the time of a fixed workload measured in the same run takes much of the
machine out of a comparison with a baseline measured on another day or machine.

The workload is small and plain on purpose: elementwise numpy arithmetic on arrays
of 20,000 values (the staff arrays of the default benchmark), a few hundred
operations in a row, on one core. It does not follow the model's code, so that a
change to the model never changes the reference. It corrects for a steady slowdown
(a slower processor, a constant load), not for a burst of load during one case.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

SIZE = 20_000
"""Values per array (the staff of the default model benchmark)."""

ROUNDS = 100
"""Updates of the arrays per repetition (about 5 to 15 ms on a current core)."""


def reference_workload(size: int = SIZE, rounds: int = ROUNDS) -> float:
    """Run the fixed workload once and return a checksum (so that nothing is skipped).

    Args:
        size: Values per array (at least 1).
        rounds: Updates of the arrays (at least 1).

    Returns:
        The sum of the final array (deterministic for given arguments).
    """
    x = np.linspace(0.0, 1.0, size)
    y = np.zeros(size)
    for _ in range(rounds):
        y = 0.9 * y + 0.1 * np.sqrt(x)  # a smoothed update, as the strain mechanism does
        x = np.minimum(x + 1e-3 * y, 1.0)  # a capped increment, as learning does
    return float(y.sum())


def reference_ms(repeats: int = 5) -> float:
    """Median time of the reference workload over ``repeats`` runs, in milliseconds.

    Args:
        repeats: Timed runs (at least 1); the median ignores a run slowed by chance.

    Returns:
        Milliseconds, rounded to 0.001 ms.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, not {repeats}")
    reference_workload()  # untimed: the first run pays for loading numpy's routines
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        reference_workload()
        times.append(time.perf_counter() - start)
    return round(1000 * statistics.median(times), 3)
