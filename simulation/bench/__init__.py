"""Speed and memory measurements printed by ``transnum bench``."""

from simulation.bench.cases import (
    benchmark,
    benchmark_app,
    benchmark_compare,
    benchmark_sweep,
    peak_rss_mb,
)

__all__ = ["benchmark", "benchmark_app", "benchmark_compare", "benchmark_sweep", "peak_rss_mb"]
