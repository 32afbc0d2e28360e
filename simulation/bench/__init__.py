"""Speed and memory measurements printed by ``transnum bench``.

The cases (:mod:`~simulation.bench.cases`), the cases by name with their options
(:mod:`~simulation.bench.measure`), a reference workload that measures the machine
itself (:mod:`~simulation.bench.reference`) and the stored baseline that today's
figures are compared with (:mod:`~simulation.bench.baseline`).
"""

from simulation.bench.baseline import BaselineError, compare, read_baseline
from simulation.bench.cases import (
    benchmark,
    benchmark_app,
    benchmark_compare,
    benchmark_sweep,
    peak_rss_mb,
)
from simulation.bench.measure import CASES, case_options, measure
from simulation.bench.reference import reference_ms

__all__ = [
    "CASES",
    "BaselineError",
    "benchmark",
    "benchmark_app",
    "benchmark_compare",
    "benchmark_sweep",
    "case_options",
    "compare",
    "measure",
    "peak_rss_mb",
    "read_baseline",
    "reference_ms",
]
