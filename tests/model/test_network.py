"""Unit tests of the staff network (``simulation/model/network.py``) and population
(``simulation/model/population.py``).

Networks are drawn from small organisations built with ``Scenario().override`` and
checked against brute-force reconstructions of the documented tie rules; the
population's quotas, referents and individual factors are checked against their
definitions, with statistical tolerances stated where draws are involved.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.model.network import build_staff_network, service_graph
from simulation.model.population import (
    FOLLOWER,
    OVERWHELMED,
    TECHNOPHILE,
    draw_population,
    lognormal_factor,
    quota,
)
from simulation.scenario.organisation import Organisation, Service
from simulation.scenario.records import Scenario

# Statistical checks allow this many standard errors: a correct implementation
# fails with probability below 1e-4 per check (normal approximation); seeds are
# fixed, so the tests are deterministic anyway.
N_SE = 4.0

SMALL_SERVICES = [("a", 12), ("b", 7), ("c", 20), ("d", 3)]
SMALL_RELATIONS = [["a", "b", 0.5], ["b", "c", 1.0]]  # d is related to nobody


def small_scenario(**changes) -> Scenario:
    base = {
        "organisation.services": [{"name": n, "headcount": h} for n, h in SMALL_SERVICES],
        "organisation.relations": SMALL_RELATIONS,
        "organisation.team_size": 5,
        "tools": [{"name": "t"}],
    }
    base.update(changes)
    return Scenario().override(base)


def network_of(scenario: Scenario, seed: int = 0):
    return build_staff_network(scenario.organisation, np.random.default_rng(seed))


def edge_set(adjacency) -> set[tuple[int, int]]:
    coo = adjacency.tocoo()
    return {(int(i), int(j)) for i, j in zip(coo.row, coo.col, strict=True) if i < j}


def related_pairs(organisation: Organisation) -> set[frozenset[int]]:
    index = {name: k for k, name in enumerate(organisation.service_names)}
    return {frozenset(index[n] for n in r.between) for r in organisation.relations}


@pytest.fixture(scope="module")
def small():
    scenario = small_scenario()
    return scenario, network_of(scenario, seed=3)


@pytest.fixture(scope="module")
def commune():
    scenario = Scenario()
    return scenario, network_of(scenario, seed=7)


# --------------------------------------------------------------------------- headcounts


@pytest.mark.parametrize("which", ["small", "commune"])
def test_headcounts_and_numbering_service_by_service(which, request):
    scenario, network = request.getfixturevalue(which)
    counts = np.array([s.headcount for s in scenario.organisation.services])
    assert network.n_staff == counts.sum()
    assert np.bincount(network.service_of).tolist() == counts.tolist()
    # Service by service: codes never decrease, so each service is one block.
    assert np.all(np.diff(network.service_of) >= 0)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    assert network.managers.tolist() == starts.tolist()
    assert network.is_manager.sum() == len(counts)
    assert network.service_names == scenario.organisation.service_names


def test_service_graph_nodes_and_relations(small):
    scenario, network = small
    graph = network.services
    assert list(graph.nodes) == [n for n, _ in SMALL_SERVICES]
    assert [graph.nodes[n]["headcount"] for n in graph.nodes] == [h for _, h in SMALL_SERVICES]
    assert graph["a"]["b"]["weight"] == 0.5
    assert graph["b"]["c"]["weight"] == 1.0
    assert graph.number_of_edges() == 2
    assert nx.is_isomorphic(graph, service_graph(scenario.organisation))


@pytest.mark.parametrize("total", [100, 250, 1000, 5000])
def test_total_staff_rescales_headcounts_proportionally(total):
    # Totals at which every service's exact share is at least one staff member.
    organisation = Scenario().organisation.replace(total_staff=total)
    counts = np.array(organisation.headcounts())
    original = np.array([s.headcount for s in organisation.services])
    exact = original * total / original.sum()
    assert exact.min() >= 1
    assert counts.sum() == total
    assert np.all(np.abs(counts - exact) < 1)
    network = build_staff_network(organisation, np.random.default_rng(0))
    assert network.n_staff == total
    assert np.bincount(network.service_of).tolist() == counts.tolist()


def commune_at(total: int) -> Organisation:
    return Scenario().organisation.replace(total_staff=total)


def three_services(headcounts, total: int) -> Organisation:
    services = tuple(Service(n, h) for n, h in zip("abc", headcounts, strict=True))
    return Organisation(services=services, relations=(), total_staff=total)


@pytest.mark.parametrize(
    "organisation",
    [three_services((1, 1, 1000), 10), commune_at(13)],
    ids=["1-1-1000_to_10", "commune_to_13"],
)
def test_total_staff_is_reached_whenever_every_service_can_keep_one(organisation):
    assert organisation.total_staff >= len(organisation.services)
    assert sum(organisation.headcounts()) == organisation.total_staff


@pytest.mark.parametrize(
    "organisation",
    [three_services((9, 45, 46), 10), commune_at(37)],
    ids=["9-45-46_to_10", "commune_to_37"],
)
def test_total_staff_rescaling_is_largest_remainder(organisation):
    original = np.array([s.headcount for s in organisation.services])
    exact = original * organisation.total_staff / original.sum()
    counts = np.array(organisation.headcounts())
    assert counts.sum() == organisation.total_staff
    assert np.all(np.abs(counts - exact) < 1)


# --------------------------------------------------------------------------- ties


@pytest.mark.parametrize("which", ["small", "commune"])
def test_adjacency_is_symmetric_binary_without_self_loops_and_sorted(which, request):
    _, network = request.getfixturevalue(which)
    adjacency = network.adjacency
    n = network.n_staff
    assert adjacency.shape == (n, n)
    assert (adjacency != adjacency.T).nnz == 0
    assert np.all(adjacency.data == 1)
    assert np.all(adjacency.diagonal() == 0)
    assert adjacency.has_sorted_indices
    for i in range(n):
        row = adjacency.indices[adjacency.indptr[i] : adjacency.indptr[i + 1]]
        assert np.all(np.diff(row) > 0)  # sorted, no duplicates
    assert network.degree().tolist() == np.asarray(adjacency.sum(axis=1)).ravel().tolist()


@pytest.mark.parametrize("which", ["small", "commune"])
def test_teams_are_complete_graphs_inside_one_service(which, request):
    scenario, network = request.getfixturevalue(which)
    team_size = scenario.organisation.team_size
    dense = network.adjacency.toarray()
    counts = np.bincount(network.service_of)
    n_teams = int(network.team_of.max()) + 1
    assert n_teams == sum(math.ceil(c / team_size) for c in counts)
    assert np.all(np.diff(network.team_of) >= 0)
    for team in range(n_teams):
        members = np.flatnonzero(network.team_of == team)
        assert 1 <= members.size <= team_size
        assert np.unique(network.service_of[members]).size == 1
        block = dense[np.ix_(members, members)]
        assert np.all(block + np.eye(members.size, dtype=block.dtype) == 1)


@pytest.mark.parametrize("which", ["small", "commune"])
def test_managers_tied_to_their_service_and_related_managers(which, request):
    scenario, network = request.getfixturevalue(which)
    dense = network.adjacency.toarray()
    for s, manager in enumerate(network.managers):
        members = np.flatnonzero(network.service_of == s)
        others = members[members != manager]
        assert np.all(dense[manager, others] == 1)
    related = related_pairs(scenario.organisation)
    for pair in related:
        a, b = sorted(pair)
        assert dense[network.managers[a], network.managers[b]] == 1


@pytest.mark.parametrize("which", ["small", "commune"])
def test_ties_across_services_only_along_relations(which, request):
    scenario, network = request.getfixturevalue(which)
    related = related_pairs(scenario.organisation)
    service = network.service_of
    for i, j in edge_set(network.adjacency):
        if service[i] != service[j]:
            assert frozenset((int(service[i]), int(service[j]))) in related


def test_structural_ties_exactly_without_random_ties():
    scenario = small_scenario(
        **{"organisation.ties_within_service": 0, "organisation.ties_across_services": 0}
    )
    network = network_of(scenario)
    expected = set()
    team, service, managers = network.team_of, network.service_of, network.managers
    n = network.n_staff
    for i in range(n):
        for j in range(i + 1, n):
            same_team = team[i] == team[j]
            manager_tie = service[i] == service[j] and (i in managers or j in managers)
            if same_team or manager_tie:
                expected.add((i, j))
    for pair in related_pairs(scenario.organisation):
        a, b = sorted(pair)
        expected.add((int(managers[a]), int(managers[b])))
    assert edge_set(network.adjacency) == expected


def test_random_tie_counts_follow_the_documented_rates():
    # One service of 2000 staff, teams of one (no team ties), ties_within_service 4:
    # each staff member starts Poisson(2) ties, so about Poisson(4000) ties overall,
    # less a few self-loops and duplicates (expected about 2 + 4) and those merged
    # into the manager's star. A second service of 1000 is related with weight 0.5:
    # Poisson(0.5 * 1 * 1000) ties across, duplicates negligible.
    scenario = Scenario().override(
        {
            "organisation.services": [
                {"name": "x", "headcount": 2000},
                {"name": "y", "headcount": 1000},
            ],
            "organisation.relations": [["x", "y", 0.5]],
            "organisation.team_size": 1,
            "organisation.ties_within_service": 4.0,
            "organisation.ties_across_services": 1.0,
            "tools": [{"name": "t"}],
        }
    )
    network = network_of(scenario, seed=11)
    service, managers = network.service_of, set(network.managers.tolist())
    within = across = 0
    for i, j in edge_set(network.adjacency):
        if i in managers or j in managers:
            continue  # manager ties are deterministic; random ones to them are merged
        if service[i] == service[j] == 0:
            within += 1
        elif service[i] != service[j]:
            across += 1
    # Poisson standard errors, N_SE of them, plus 30 ties of allowance for the
    # self-loops, duplicates and manager ties removed above (a few dozen at most).
    assert abs(within - 4000) < N_SE * math.sqrt(4000) + 30
    assert abs(across - 500) < N_SE * math.sqrt(500) + 5


def test_same_seed_same_network_other_seed_different():
    scenario = small_scenario()
    first, again, other = network_of(scenario, 5), network_of(scenario, 5), network_of(scenario, 6)
    assert np.array_equal(first.adjacency.indptr, again.adjacency.indptr)
    assert np.array_equal(first.adjacency.indices, again.adjacency.indices)
    assert edge_set(first.adjacency) != edge_set(other.adjacency)
    # The deterministic part does not depend on the seed.
    assert np.array_equal(first.team_of, other.team_of)
    assert np.array_equal(first.service_of, other.service_of)


def test_to_networkx_matches_adjacency(small):
    _, network = small
    graph = network.to_networkx()
    assert sorted(graph.nodes) == list(range(network.n_staff))
    assert {(min(e), max(e)) for e in graph.edges} == edge_set(network.adjacency)
    for i in range(network.n_staff):
        assert graph.nodes[i]["service"] == network.service_names[network.service_of[i]]
    assert graph.number_of_edges() == network.adjacency.nnz // 2


# --------------------------------------------------------------------------- layout


def assert_clusters_separate(positions, service_of):
    """Each pair of services is split by a line across the segment joining them."""
    for a in range(service_of.max() + 1):
        for b in range(a + 1, service_of.max() + 1):
            pa, pb = positions[service_of == a], positions[service_of == b]
            direction = pb.mean(axis=0) - pa.mean(axis=0)
            direction /= np.linalg.norm(direction)
            assert (pa @ direction).max() < (pb @ direction).min()


@pytest.mark.parametrize("which", ["small", "commune"])
def test_layout_shape_range_and_clusters(which, request):
    _, network = request.getfixturevalue(which)
    positions = network.layout()
    assert positions.shape == (network.n_staff, 2)
    assert np.all(np.isfinite(positions))
    assert positions.min() >= 0.0
    assert positions.max() <= 1.0
    assert np.unique(positions, axis=0).shape[0] == network.n_staff  # no two on one spot
    assert_clusters_separate(positions, network.service_of)
    assert np.array_equal(positions, network.layout())  # no randomness


def test_layout_single_service_inside_unit_square():
    scenario = Scenario().override(
        {
            "organisation.services": [{"name": "mairie", "headcount": 50}],
            "organisation.relations": [],
            "tools": [{"name": "t"}],
        }
    )
    positions = network_of(scenario).layout()
    assert positions.shape == (50, 2)
    assert positions.min() >= 0.0
    assert positions.max() <= 1.0


# --------------------------------------------------------------------------- quota


def test_quota_hand_cases():
    rng = np.random.default_rng(0)
    assert quota(10, np.array([0.1, 0.4, 0.5]), rng).tolist() == [1, 4, 5]
    # 7 * (0.1, 0.4, 0.5) = (0.7, 2.8, 3.5): floors 0, 2, 3; two seats left go to the
    # largest remainders 0.8 then 0.7.
    assert quota(7, np.array([0.1, 0.4, 0.5]), rng).tolist() == [1, 3, 3]
    assert quota(0, np.array([0.1, 0.4, 0.5]), rng).tolist() == [0, 0, 0]
    assert quota(5, np.array([0.0, 0.0, 1.0]), rng).tolist() == [0, 0, 5]


def test_quota_breaks_ties_at_random():
    # 6 * (0.25, 0.25, 0.5) = (1.5, 1.5, 3): one seat, tied between the first two.
    shares = np.array([0.25, 0.25, 0.5])
    outcomes = {tuple(quota(6, shares, np.random.default_rng(k)).tolist()) for k in range(50)}
    assert outcomes == {(2, 1, 3), (1, 2, 3)}


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=2000),
    weights=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=3, max_size=3).filter(
        lambda w: sum(w) > 0.01
    ),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_quota_is_exact_largest_remainder(n, weights, seed):
    shares = np.array(weights) / sum(weights)
    counts = quota(n, shares, np.random.default_rng(seed))
    exact = n * shares
    assert counts.sum() == n
    assert np.all(counts >= np.floor(exact))
    assert np.all(np.abs(counts - exact) < 1)
    # Largest remainder: every rounded-up share had at least the remainder of every
    # rounded-down one (up to floating-point noise).
    remainder = exact - np.floor(exact)
    up = counts > np.floor(exact)
    if up.any() and (~up).any():
        assert remainder[up].min() >= remainder[~up].max() - 1e-9


# --------------------------------------------------------------------------- population


def population_scenario(referent_share=0.1) -> Scenario:
    return small_scenario(
        **{
            "organisation.services": [
                {"name": "a", "headcount": 12},
                {
                    "name": "b",
                    "headcount": 7,
                    "profile_mix": {"technophile": 1.0, "follower": 0.0, "overwhelmed": 0.0},
                },
                {"name": "c", "headcount": 20},
                {
                    "name": "d",
                    "headcount": 9,
                    "profile_mix": {"technophile": 0.0, "follower": 0.5, "overwhelmed": 0.5},
                },
            ],
            "profile_mix": {"technophile": 0.2, "follower": 0.3, "overwhelmed": 0.5},
            "levers.referent_share": referent_share,
        }
    )


def draw(scenario, seed=0):
    network = network_of(scenario, seed)
    return network, draw_population(scenario, network, np.random.default_rng(seed + 100))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_profile_mix_respected_per_service_up_to_rounding(seed):
    scenario = population_scenario()
    network, population = draw(scenario, seed)
    assert population.profile.dtype == np.int8
    for code, service in enumerate(scenario.organisation.services):
        profiles = population.profile[network.service_of == code]
        mix = (service.profile_mix or scenario.profile_mix).as_array()
        counts = np.bincount(profiles, minlength=3)
        exact = profiles.size * mix
        assert counts.sum() == profiles.size
        assert np.all(np.abs(counts - exact) < 1), (service.name, counts, exact)
    # The service mixes: b all technophiles, d no technophile.
    assert np.all(population.profile[network.service_of == 1] == TECHNOPHILE)
    assert not np.any(population.profile[network.service_of == 3] == TECHNOPHILE)


def test_profiles_are_shuffled_within_services():
    scenario = population_scenario()
    network, population = draw(scenario, 0)
    members = np.flatnonzero(network.service_of == 2)  # c: 4 / 6 / 10 staff
    orders = set()
    for seed in range(5):
        pop = draw_population(scenario, network, np.random.default_rng(seed))
        orders.add(tuple(pop.profile[members].tolist()))
    assert len(orders) > 1
    assert population.profile[members].tolist() != sorted(population.profile[members].tolist())


@pytest.mark.parametrize("share", [0.03, 0.1, 0.3, 0.5])
def test_referents_most_at_ease_first_at_least_one_per_service(share):
    scenario = population_scenario(referent_share=share)
    network, population = draw(scenario, 4)
    for code in range(len(network.service_names)):
        members = network.service_of == code
        n = int(members.sum())
        referents = population.is_referent & members
        n_referents = int(referents.sum())
        assert 1 <= n_referents <= n
        # Rounded share of the service (at least one).
        assert abs(n_referents - share * n) <= 0.5 or (n_referents == 1 and share * n < 1)
        # Nobody left out is more at ease than a referent.
        others = members & ~population.is_referent
        if others.any():
            assert population.profile[referents].max() <= population.profile[others].min()


def test_referents_are_technophiles_when_enough():
    scenario = population_scenario(referent_share=0.2)
    network, population = draw(scenario, 8)
    for code in range(len(network.service_names)):
        members = network.service_of == code
        technophiles = int(np.sum(population.profile[members] == TECHNOPHILE))
        referents = population.profile[population.is_referent & members]
        if technophiles >= referents.size:
            assert np.all(referents == TECHNOPHILE)
        else:
            assert np.sum(referents == TECHNOPHILE) == technophiles


def test_no_referent_when_share_is_zero():
    _, population = draw(population_scenario(referent_share=0.0), 0)
    assert not population.is_referent.any()


def test_same_seed_same_population():
    scenario = population_scenario()
    network = network_of(scenario)
    first = draw_population(scenario, network, np.random.default_rng(9))
    again = draw_population(scenario, network, np.random.default_rng(9))
    other = draw_population(scenario, network, np.random.default_rng(10))
    for field in ("profile", "is_referent", "vulnerability", "learning_ability"):
        assert np.array_equal(getattr(first, field), getattr(again, field))
    assert not np.array_equal(first.vulnerability, other.vulnerability)


def test_lognormal_factor_without_spread_is_one():
    assert np.all(lognormal_factor(0.0, 5, np.random.default_rng(0)) == 1.0)


@pytest.fixture(scope="module")
def large_population():
    scenario = Scenario().override(
        {
            "organisation.services": [{"name": "mairie", "headcount": 30_000}],
            "organisation.relations": [],
            "organisation.ties_within_service": 0,
            "tools": [{"name": "t"}],
        }
    )
    network = network_of(scenario)
    return scenario, draw_population(scenario, network, np.random.default_rng(2024))


@pytest.mark.parametrize(
    ("attribute", "values", "spread"),
    [
        ("vulnerability", "vulnerability", "vulnerability_spread"),
        ("learning_ability", "learning_ability", "learning_ability_spread"),
    ],
)
def test_individual_factors_positive_with_profile_means(
    large_population, attribute, values, spread
):
    scenario, population = large_population
    behaviour = scenario.behaviour
    x = getattr(population, attribute)
    means = getattr(behaviour, values).as_array()
    s = getattr(behaviour, spread)
    assert np.all(x > 0)
    # x = value[profile] * exp(s Z - s^2 / 2): mean value[profile], and the
    # log-factor has sd s. Standard error of a mean of n such values:
    # value * sqrt(exp(s^2) - 1) / sqrt(n); of an sd estimate: about s / sqrt(2 n).
    for code in (TECHNOPHILE, FOLLOWER, OVERWHELMED):
        sample = x[population.profile == code]
        n = sample.size
        assert n > 1000
        se = means[code] * math.sqrt(math.exp(s**2) - 1) / math.sqrt(n)
        assert abs(sample.mean() - means[code]) < N_SE * se
        log_factor = np.log(sample / means[code])
        assert abs(log_factor.std() - s) < N_SE * s / math.sqrt(2 * n)


def test_large_population_profile_split_is_exact(large_population):
    scenario, population = large_population
    counts = np.bincount(population.profile, minlength=3)
    exact = 30_000 * scenario.profile_mix.as_array()
    assert np.all(np.abs(counts - exact) < 1)
    assert population.is_referent.sum() == round(scenario.levers.referent_share * 30_000)
    assert np.all(population.profile[population.is_referent] == TECHNOPHILE)
