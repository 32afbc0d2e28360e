"""The yardstick of the model's speed: a minimal Bass diffusion kernel in numpy/scipy.

The least any agent-based adoption model does each week: every staff member sees
the share of their neighbours who adopted and adopts with the discrete Bass hazard

    P(adopt) = p + q * adopted_neighbours / degree        (p = 0.01, q = 0.3)

on a Watts-Strogatz graph of the same size (k = 10, p = 0.1; networkx, seeded), one
sparse product, a few vector operations and one uniform per staff member a week.
``transnum bench`` times it in the same session as the model and prints the ratio
of the two speeds (``kernel_ratio``): a figure of the code, not of the machine.

The graph is the kernel's input, drawn once and not timed; each replication starts
from nobody adopting, with its own random stream.
"""

from __future__ import annotations

import time

import networkx as nx
import numpy as np

P_BASS, Q_BASS = 0.01, 0.3
NEIGHBOURS, REWIRING = 10, 0.1


def bass_kernel(staff: int, weeks: int, replications: int = 1, seed: int = 0) -> dict:
    """Time the minimal kernel: ``replications`` runs of ``staff`` over ``weeks`` weeks.

    Returns:
        ``wall_s`` (stepping every replication) and ``agent_steps_per_s``
        (staff x weeks x replications / wall_s); ``adopted`` (mean final share, a
        checksum that the work was done).
    """
    graph = nx.watts_strogatz_graph(staff, min(NEIGHBOURS, staff - 1), REWIRING, seed=seed)
    adjacency = nx.to_scipy_sparse_array(graph, format="csr", dtype=np.float64)
    degree = np.maximum(np.asarray(adjacency.sum(axis=1)).ravel(), 1.0)
    _run(adjacency, degree, min(weeks, 5), np.random.default_rng(seed))  # load the routines
    streams = np.random.SeedSequence(seed).spawn(replications)
    start = time.perf_counter()
    adopted = [_run(adjacency, degree, weeks, np.random.default_rng(s)) for s in streams]
    wall = time.perf_counter() - start
    return {
        "wall_s": wall,
        "agent_steps_per_s": staff * weeks * replications / wall,
        "adopted": float(np.mean(adopted)),
    }


def _run(adjacency, degree: np.ndarray, weeks: int, rng: np.random.Generator) -> float:  # noqa: ANN001
    adopted = np.zeros(degree.size)
    uniforms = np.empty(degree.size)
    for _ in range(weeks):
        hazard = P_BASS + Q_BASS * (adjacency @ adopted) / degree
        rng.random(out=uniforms)
        adopted = np.maximum(adopted, uniforms < hazard)
    return float(adopted.mean())
