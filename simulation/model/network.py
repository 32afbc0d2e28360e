"""From a described organisation to the staff interaction network.

Services are nodes of a networkx graph (attributes ``headcount``; edges carry the
relation ``weight``). Staff are numbered service by service. Their ties:

* **teams**: each service is cut into teams of ``team_size``; team members are all
  tied to each other (dense local ties);
* **service**: each staff member has on average ``ties_within_service`` extra ties to
  random members of the same service (Poisson number of ties, half drawn by each end);
* **manager**: the first staff member of each service is its manager, tied to every
  member of the service and to the managers of related services;
* **relations**: for a relation of weight ``w`` between services of ``n_a`` and ``n_b``
  staff, Poisson(``w * ties_across_services * min(n_a, n_b)``) ties join random
  members of the two.

Every draw comes from the generator passed in (the run's "network" stream).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from simulation.scenario.records import Organisation

if TYPE_CHECKING:  # networkx loads only when a graph is asked for (a third of a second)
    import networkx as nx


@dataclasses.dataclass(frozen=True, eq=False)
class StaffNetwork:
    """The organisation as built for one run.

    Attributes:
        organisation: The organisation it was drawn for (``services`` gives its graph
            of services: node attribute ``headcount``, edge attribute ``weight``, nodes
            in scenario order).
        service_names: Service names; service code ``k`` is ``service_names[k]``.
        service_of: Service code of each staff member, shape (N,), int32.
        team_of: Global team number of each staff member, shape (N,), int32.
        managers: Staff index of each service's manager, shape (S,), int64.
        adjacency: Symmetric 0/1 staff adjacency, CSR with sorted indices, shape (N, N).
    """

    organisation: Organisation
    service_names: tuple[str, ...]
    service_of: np.ndarray
    team_of: np.ndarray
    managers: np.ndarray
    adjacency: sp.csr_array

    @property
    def n_staff(self) -> int:
        """Number of staff members."""
        return int(self.service_of.size)

    @property
    def is_manager(self) -> np.ndarray:
        """Boolean mask of managers, shape (N,)."""
        mask = np.zeros(self.n_staff, dtype=bool)
        mask[self.managers] = True
        return mask

    def degree(self) -> np.ndarray:
        """Number of ties of each staff member."""
        return np.diff(self.adjacency.indptr)

    @property
    def services(self) -> nx.Graph:
        """The graph of services (:func:`service_graph`), built when asked for."""
        return service_graph(self.organisation)

    def to_networkx(self) -> nx.Graph:
        """The staff network as a networkx graph (node attribute ``service``)."""
        import networkx as nx

        graph = nx.Graph()
        names = self.service_names
        graph.add_nodes_from(
            (i, {"service": names[s]}) for i, s in enumerate(self.service_of.tolist())
        )
        coo = sp.triu(self.adjacency, k=1).tocoo()
        graph.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True))
        return graph

    def layout(self) -> np.ndarray:
        """Cheap fixed positions in the unit square, services as visible clusters.

        Services sit on a circle, each as a disc whose area grows with its headcount;
        staff fill their service's disc in a sunflower pattern. Cost O(N), no
        randomness: the same organisation always gets the same picture.

        Returns:
            Array of shape (N, 2) with x, y in [0, 1].
        """
        counts = np.bincount(self.service_of, minlength=len(self.service_names))
        n_services = counts.size
        angle = 2 * np.pi * np.arange(n_services) / max(n_services, 1)
        ring = 0.0 if n_services == 1 else 0.34
        centres = 0.5 + ring * np.column_stack([np.cos(angle), np.sin(angle)])
        # Disc radii proportional to sqrt(headcount), scaled so neighbours do not overlap.
        room = 0.45 if n_services == 1 else min(0.15, ring * np.sin(np.pi / n_services))
        radii = room * np.sqrt(counts / counts.max())
        positions = np.empty((self.n_staff, 2))
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        golden = np.pi * (3 - np.sqrt(5))
        for s in range(n_services):
            k = np.arange(counts[s])
            r = radii[s] * np.sqrt((k + 0.5) / max(counts[s], 1))
            theta = k * golden
            block = slice(starts[s], starts[s] + counts[s])
            positions[block, 0] = centres[s, 0] + r * np.cos(theta)
            positions[block, 1] = centres[s, 1] + r * np.sin(theta)
        return positions


def service_graph(organisation: Organisation) -> nx.Graph:
    """The networkx graph of services, with rescaled headcounts and relation weights."""
    import networkx as nx

    graph = nx.Graph()
    for service, headcount in zip(organisation.services, organisation.headcounts(), strict=True):
        graph.add_node(service.name, headcount=headcount)
    for relation in organisation.relations:
        graph.add_edge(*relation.between, weight=relation.weight)
    return graph


@dataclasses.dataclass(frozen=True, eq=False)
class Skeleton:
    """What the staff network of every run of an organisation shares: no randomness.

    Services, staff numbering, teams, managers and the ties that do not depend on
    the draw (within teams, from each manager to their service, between the
    managers of related services). Built once per organisation
    (:func:`skeleton`) and reused by every replication (:func:`draw_network`).
    """

    organisation: Organisation
    counts: np.ndarray  # int64 (S,) headcounts
    starts: np.ndarray  # int64 (S,) first staff number of each service
    service_of: np.ndarray
    team_of: np.ndarray
    managers: np.ndarray
    fixed_ties: np.ndarray  # (E, 2) team and manager ties (before the relations' draws)
    relations: tuple[tuple[int, int, float], ...]  # service codes and mean random ties


def skeleton(organisation: Organisation) -> Skeleton:
    """The replication-independent part of :func:`build_staff_network`."""
    counts = np.array(organisation.headcounts(), dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    n_staff = int(counts.sum())
    service_of = np.repeat(np.arange(counts.size, dtype=np.int32), counts)
    local = np.arange(n_staff) - starts[service_of]
    team_size = organisation.team_size
    teams_per_service = -(-counts // team_size)
    team_offset = np.concatenate([[0], np.cumsum(teams_per_service)[:-1]])
    team_of = (team_offset[service_of] + local // team_size).astype(np.int32)
    managers = starts.copy()
    index = {name: k for k, name in enumerate(organisation.service_names)}
    relations = []
    for relation in organisation.relations:
        a, b = (index[name] for name in relation.between)
        mean_ties = relation.weight * organisation.ties_across_services * min(counts[a], counts[b])
        relations.append((a, b, float(mean_ties)))
    fixed = np.concatenate(
        [_team_ties(team_of, team_size), _manager_ties(service_of, managers)]
        + [np.array([[managers[a], managers[b]]]) for a, b, _ in relations]
    ).astype(np.int64)
    return Skeleton(
        organisation,
        counts,
        starts,
        service_of,
        team_of,
        managers,
        fixed,
        tuple(relations),
    )


def build_staff_network(organisation: Organisation, rng: np.random.Generator) -> StaffNetwork:
    """Draw the staff interaction network of one run.

    Args:
        organisation: The validated organisation of the scenario.
        rng: The run's "network" stream.

    Returns:
        The :class:`StaffNetwork`, with staff numbered service by service.
    """
    return draw_network(skeleton(organisation), rng)


def draw_network(frame: Skeleton, rng: np.random.Generator) -> StaffNetwork:
    """Draw the random ties of one run onto an organisation's :class:`Skeleton`.

    The draws, in order: the random ties within services, then for each relation its
    number of ties and their ends (:func:`build_staff_network`).
    """
    counts, starts, service_of = frame.counts, frame.starts, frame.service_of
    pieces = [frame.fixed_ties]
    pieces.append(
        _random_ties(service_of, starts, counts, frame.organisation.ties_within_service, rng)
    )
    ends_a, ends_b = [], []
    for a, b, mean_ties in frame.relations:
        n_ties = rng.poisson(mean_ties)
        ends_a.append(rng.integers(0, counts[a], size=n_ties) + starts[a])
        ends_b.append(rng.integers(0, counts[b], size=n_ties) + starts[b])
    if ends_a:
        pieces.append(np.column_stack([np.concatenate(ends_a), np.concatenate(ends_b)]))
    adjacency = _symmetric_csr(np.concatenate(pieces), service_of.size)
    return StaffNetwork(
        frame.organisation,
        frame.organisation.service_names,
        service_of,
        frame.team_of,
        frame.managers,
        adjacency,
    )


def _team_ties(team_of: np.ndarray, team_size: int) -> np.ndarray:
    """All pairs inside each team (teams are contiguous blocks of staff)."""
    pairs = []
    n = team_of.size
    for offset in range(1, team_size):
        left = np.arange(n - offset)
        same = team_of[left] == team_of[left + offset]
        pairs.append(np.column_stack([left[same], left[same] + offset]))
    return np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64)


def _random_ties(
    service_of: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
    mean_ties: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Random ties inside each service: each staff member starts Poisson(mean/2) ties."""
    n_started = rng.poisson(mean_ties / 2.0, size=service_of.size)
    sources = np.repeat(np.arange(service_of.size), n_started)
    svc = service_of[sources]
    targets = starts[svc] + np.floor(rng.random(sources.size) * counts[svc]).astype(np.int64)
    return np.column_stack([sources, targets])


def _manager_ties(service_of: np.ndarray, managers: np.ndarray) -> np.ndarray:
    """Each manager is tied to every member of their service."""
    staff = np.arange(service_of.size)
    return np.column_stack([managers[service_of], staff])


def _symmetric_csr(pairs: np.ndarray, n: int) -> sp.csr_array:
    """Unique undirected ties without self-loops, as a symmetric CSR 0/1 matrix.

    Built directly from sorted keys ``row * n + col`` (a sort is several times
    faster than ``np.unique``'s hashing here, and than scipy's conversion from COO):
    sorted indices, int64 index arrays.
    """
    pairs = pairs.astype(np.int64, copy=False)
    low = np.minimum(pairs[:, 0], pairs[:, 1])
    high = np.maximum(pairs[:, 0], pairs[:, 1])
    keep = low != high
    keys = np.sort(low[keep] * n + high[keep])
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if keys.size else keys
    both = np.concatenate([keys, (keys % n) * n + keys // n])
    both.sort()
    rows, cols = both // n, both % n
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    data = np.ones(both.size, dtype=np.int8)
    return sp.csr_array((data, cols, indptr), shape=(n, n))
