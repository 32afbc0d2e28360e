"""The compiled set-up draws give numpy's numbers (``simulation/model/draws.py``, the
network's and the population's compiled draws, and the cheaper set-up of a run).

The network and the population used to be drawn by numpy calls from Python; they are
now drawn inside numba functions that take the run's generators. Each test here keeps
a small numpy reference (the former implementation) and checks, for many seeds and
organisations, that the compiled draws give the same arrays and leave the generators
in the same state, so that the draws that follow (numpy's) stay the same too.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from numba import njit

from simulation.model.build import build_run
from simulation.model.compiled import type_key
from simulation.model.draws import poisson, poisson_fill
from simulation.model.network import draw_network, skeleton
from simulation.model.population import draw_population
from simulation.model.seeds import run_seed, stream, streams
from simulation.model.sources import N_SOURCES
from simulation.model.state import _DTYPE, _PER_SOURCE, _PER_TOOL, _START, StaffState
from simulation.model.strategies import _increments
from simulation.scenario.profiles import PROFILES
from simulation.scenario.records import Scenario

# ----------------------------------------------------------------- numpy references


def reference_network(organisation, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The former numpy draw of the staff network: CSR ``indptr``, ``indices``."""
    frame = skeleton(organisation)  # its fixed ties, counts and starts have no draws
    counts, starts, service_of = frame.counts, frame.starts, frame.service_of
    index = {name: k for k, name in enumerate(organisation.service_names)}
    n = service_of.size
    n_started = rng.poisson(organisation.ties_within_service / 2.0, size=n)
    sources = np.repeat(np.arange(n), n_started)
    svc = service_of[sources]
    targets = starts[svc] + np.floor(rng.random(sources.size) * counts[svc]).astype(np.int64)
    pieces = [frame.fixed_ties, np.column_stack([sources, targets])]
    for relation in organisation.relations:
        a, b = (index[name] for name in relation.between)
        mean_ties = relation.weight * organisation.ties_across_services * min(counts[a], counts[b])
        n_ties = rng.poisson(float(mean_ties))
        ends_a = rng.integers(0, counts[a], size=n_ties) + starts[a]
        ends_b = rng.integers(0, counts[b], size=n_ties) + starts[b]
        pieces.append(np.column_stack([ends_a, ends_b]))
    pairs = np.concatenate(pieces).astype(np.int64)
    low, high = pairs.min(axis=1), pairs.max(axis=1)
    keys = np.unique(low[low != high] * n + high[low != high])
    both = np.sort(np.concatenate([keys, (keys % n) * n + keys // n]))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(both // n, minlength=n), out=indptr[1:])
    return indptr, both % n


def reference_quota(n: int, shares: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The former numpy quota (largest remainder, ties by uniforms, ``np.lexsort``)."""
    exact = n * shares
    counts = np.floor(exact).astype(np.int64)
    missing = n - int(counts.sum())
    if missing > 0:
        order = np.lexsort((rng.random(shares.size), -(exact - counts)))
        counts[order[:missing]] += 1
    return counts


def reference_population(scenario, service_of, rng: np.random.Generator):
    """The former numpy draw of profiles, referents and individual factors."""
    n_staff = service_of.size
    profile = np.empty(n_staff, dtype=np.int8)
    is_referent = np.zeros(n_staff, dtype=bool)
    share = scenario.levers.referent_share
    counts_by_service = np.bincount(service_of, minlength=len(scenario.organisation.services))
    starts = np.concatenate([[0], np.cumsum(counts_by_service)[:-1]])
    for code, service in enumerate(scenario.organisation.services):
        members = np.arange(starts[code], starts[code] + counts_by_service[code])
        mix = (service.profile_mix or scenario.profile_mix).as_array()
        counts = reference_quota(members.size, mix, rng)
        labels = np.repeat(np.arange(len(PROFILES), dtype=np.int8), counts)
        profile[members] = rng.permutation(labels)
        if share > 0 and members.size:
            n_referents = min(members.size, max(1, int(share * members.size + 0.5)))
            order = np.lexsort((rng.random(members.size), profile[members]))
            is_referent[members[order[:n_referents]]] = True
    behaviour = scenario.behaviour
    spread_v, spread_a = behaviour.vulnerability_spread, behaviour.learning_ability_spread
    factor_v = np.exp(spread_v * rng.standard_normal(n_staff) - spread_v**2 / 2)
    vulnerability = behaviour.vulnerability.as_array()[profile] * factor_v
    factor_a = np.exp(spread_a * rng.standard_normal(n_staff) - spread_a**2 / 2)
    ability = behaviour.learning_ability.as_array()[profile] * factor_a
    return profile, is_referent, vulnerability, ability


def same_state(a: np.random.Generator, b: np.random.Generator) -> bool:
    """Whether two generators are in the same state (the 32-bit buffer included)."""
    return a.bit_generator.state == b.bit_generator.state


# ------------------------------------------------------------------- organisations

TIED = {"technophile": 0.25, "follower": 0.25, "overwhelmed": 0.5}  # equal remainders


def random_scenario(seed: int) -> Scenario:
    """A random organisation: sizes from 1 to 300, relations, mixes and levers vary."""
    rng = np.random.default_rng(seed)
    n_services = int(rng.integers(1, 9))
    names = [f"s{k}" for k in range(n_services)]
    services = []
    for name in names:
        service: dict = {"name": name, "headcount": int(rng.choice([1, 2, 3, 7, 40, 300]))}
        if rng.random() < 0.3:
            service["profile_mix"] = TIED
        services.append(service)
    relations = [
        [names[a], names[b], float(rng.choice([0.1, 0.5, 1.0]))]
        for a in range(n_services)
        for b in range(a + 1, n_services)
        if rng.random() < 0.5
    ]
    return Scenario().override(
        {
            "organisation.services": services,
            "organisation.relations": relations,
            "organisation.team_size": int(rng.choice([1, 3, 8])),
            # Means of 10 or more take numpy's other Poisson algorithm.
            "organisation.ties_within_service": float(rng.choice([0.0, 0.7, 4.0, 25.0])),
            "organisation.ties_across_services": float(rng.choice([0.0, 0.3, 1.0, 5.0])),
            "levers.referent_share": float(rng.choice([0.0, 0.03, 0.2, 0.5])),
            "tools": [{"name": "t"}],
        }
    )


SCENARIOS = [
    Scenario(),
    Scenario().override({"organisation.total_staff": 3000}),
    *(random_scenario(seed) for seed in range(40)),
]


# ------------------------------------------------------------------------- tests


@pytest.mark.parametrize("k", range(len(SCENARIOS)))
def test_network_and_population_draws_are_numpys(k):
    scenario = SCENARIOS[k]
    frame = skeleton(scenario.organisation)
    for replication in range(6):
        ours, theirs = streams(run_seed(k, replication)), streams(run_seed(k, replication))
        network = draw_network(frame, ours["network"])
        indptr, indices = reference_network(scenario.organisation, theirs["network"])
        assert network.indptr.dtype == indptr.dtype and network.indices.dtype == indices.dtype
        assert np.array_equal(network.indptr, indptr)
        assert np.array_equal(network.indices, indices)
        assert same_state(ours["network"], theirs["network"])
        population = draw_population(scenario, network, ours["population"])
        expected = reference_population(scenario, frame.service_of, theirs["population"])
        for drawn, reference in zip(
            (population.profile, population.is_referent)
            + (population.vulnerability, population.learning_ability),
            expected,
            strict=True,
        ):
            assert drawn.dtype == reference.dtype and np.array_equal(drawn, reference)
        assert same_state(ours["population"], theirs["population"])
        # What is drawn next from the same stream (numpy's) stays the same.
        assert np.array_equal(ours["population"].random(3), theirs["population"].random(3))


@njit(cache=True)
def _poisson_scalars(rng, means):
    out = np.empty(means.size, dtype=np.int64)
    for i in range(means.size):
        out[i] = poisson(rng, means[i])
    return out


def test_poisson_is_numpys_below_and_above_ten():
    means = np.concatenate([[0.0, 1e-9, 9.999999, 10.0, 10.000001], np.geomspace(0.01, 5000, 60)])
    for seed in range(30):
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        assert np.array_equal(
            _poisson_scalars(ours, means), np.array([theirs.poisson(m) for m in means])
        )
        for mean in (0.3, 2.0, 9.5, 10.0, 12.0, 288.0):
            assert np.array_equal(poisson_fill(ours, mean, 2000), theirs.poisson(mean, 2000))
        assert same_state(ours, theirs)


@njit(cache=True)
def _integers(rng, high, size):
    return rng.integers(0, high, size=size)


@njit(cache=True)
def _shuffled(rng, labels):
    rng.shuffle(labels)
    return labels


@pytest.mark.parametrize("seed", range(10))
def test_numbas_generator_methods_used_are_numpys(seed):
    """``integers`` (32- and 64-bit ranges), ``random`` and ``shuffle`` of int8 labels."""
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    highs = [1, 2, 3, 7, 150, 2**31 - 1, 2**32 - 1, 2**32, 2**32 + 1, 2**40 + 3, 2**62]
    for high in highs:
        for size in (0, 1, 5, 300):
            drawn = _integers(ours, np.int64(high), size)
            assert np.array_equal(drawn, theirs.integers(0, np.int64(high), size=size))
            assert same_state(ours, theirs), (high, size)
            # An odd number of 32-bit draws leaves half a 64-bit word for numpy's next.
            assert np.array_equal(ours.integers(0, 5, size=3), theirs.integers(0, 5, size=3))
    for size in (0, 1, 2, 9, 500):
        labels = (np.arange(size) % 3).astype(np.int8)
        assert np.array_equal(_shuffled(ours, labels.copy()), theirs.permutation(labels))
        assert same_state(ours, theirs)


def test_the_mesa_stream_made_later_is_the_same():
    built = build_run(Scenario().override({"organisation.total_staff": 60}), run_seed(3, 1))
    assert same_state(built.mesa, streams(run_seed(3, 1))["mesa"])
    assert built.mesa is built.mesa
    assert same_state(stream(run_seed(3, 1), "decisions"), built.decisions)


def test_staff_state_blocks_have_the_types_of_separate_arrays():
    for n_staff in (0, 1, 2, 7):
        for n_tools in (0, 1, 3):
            state = StaffState.empty(n_staff, n_tools)
            separate = StaffState(
                **{
                    name: np.full(
                        (n_staff, N_SOURCES)
                        if name in _PER_SOURCE
                        else (n_staff, n_tools)
                        if name in _PER_TOOL
                        else (n_staff,),
                        _START.get(name, 0),
                        dtype=_DTYPE.get(name, float),
                    )
                    for name in StaffState._fields
                }
            )
            assert type_key(state) == type_key(separate)
            assert numba.typeof(state) == numba.typeof(separate)
            for name, ours, theirs in zip(state._fields, state, separate, strict=True):
                assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, name
                assert np.array_equal(ours, theirs), name
            # Rows of one block, but no two fields share memory.
            arrays = list(state)
            assert not any(
                np.shares_memory(a, b) for i, a in enumerate(arrays) for b in arrays[i + 1 :]
            )


def test_increments_are_cut_as_before():
    rng = np.random.default_rng(0)
    for _ in range(300):
        target = rng.random((int(rng.integers(1, 15)), int(rng.integers(0, 6)))) < rng.random()
        per_increment = int(rng.integers(1, 6))
        expected = []
        for t in range(target.shape[1]):
            services = np.flatnonzero(target[:, t])
            for k in range(0, services.size, per_increment):
                mask = np.zeros_like(target)
                mask[services[k : k + per_increment], t] = True
                expected.append(mask)
        cut = _increments(target, per_increment)
        assert len(cut) == len(expected)
        for mask, reference in zip(cut, expected, strict=True):
            assert mask.dtype == reference.dtype and np.array_equal(mask, reference)
