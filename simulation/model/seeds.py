"""The one place where random streams are made.

A run is identified by a root seed and a replication number. Its seed sequence is
``SeedSequence(root, spawn_key=(replication,))`` (the same as the replication-th
child of ``SeedSequence(root)``), so replication ``r`` gets the same numbers under
every strategy and factor level: common random numbers. Each stochastic component
draws from its own child stream, so a component that draws more numbers never
shifts the others.
"""

from __future__ import annotations

from typing import cast

import numpy as np

STREAMS: tuple[str, ...] = ("network", "population", "decisions", "mesa")
"""Named child streams of a run: staff network, initial staff state, weekly
decisions (adoption, reverting, dropout), and the generator handed to Mesa."""


def run_seed(root_seed: int, replication: int = 0) -> np.random.SeedSequence:
    """Seed sequence of replication ``replication`` of root seed ``root_seed``."""
    return np.random.SeedSequence(int(root_seed), spawn_key=(int(replication),))


def as_seed_sequence(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    """Accept a seed sequence, or an integer taken as ``run_seed(seed, 0)``."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"a run seed must be an integer or a SeedSequence, got {seed!r}")
    return run_seed(int(seed), 0)


def child(seed: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """The ``index``-th child of ``seed``, without mutating it (unlike ``spawn``)."""
    return np.random.SeedSequence(
        seed.entropy, spawn_key=(*seed.spawn_key, index), pool_size=seed.pool_size
    )


def streams(seed: int | np.random.SeedSequence) -> dict[str, np.random.Generator]:
    """One independent generator per named component of a run (see :data:`STREAMS`)."""
    sequence = as_seed_sequence(seed)
    return {name: stream(sequence, name) for name in STREAMS}


def stream(seed: int | np.random.SeedSequence, name: str) -> np.random.Generator:
    """The generator of one named stream of a run, as :func:`streams` makes it.

    For a stream that may never be used: making a generator costs tens of
    microseconds, a few per cent of setting up a small run.
    """
    return np.random.default_rng(child(as_seed_sequence(seed), STREAMS.index(name)))


def describe(seed: np.random.SeedSequence) -> dict[str, object]:
    """JSON-friendly record of a seed sequence, enough to rerun the run alone."""
    entropy = cast(int, seed.entropy)  # an int for every seed sequence the model makes
    return {"entropy": int(entropy), "spawn_key": [int(k) for k in seed.spawn_key]}
