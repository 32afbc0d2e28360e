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

Every draw comes from the generator passed in (the run's "network" stream), inside
one compiled function (:func:`draw_network`) that draws the same numbers in the same
order as numpy's calls did (:mod:`simulation.model.draws`).
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from numba import njit

from simulation.model.draws import poisson, poisson_fill
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
        indptr: Row starts of the adjacency in compressed sparse rows, (N + 1,), int64.
        indices: Neighbours of each staff member, row after row, sorted within a row,
            int64 (the compiled step reads these two, :class:`~simulation.model.state.Ties`).
    """

    organisation: Organisation
    service_names: tuple[str, ...]
    service_of: np.ndarray
    team_of: np.ndarray
    managers: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray

    @functools.cached_property
    def adjacency(self) -> sp.csr_array:
        """Symmetric 0/1 staff adjacency, CSR with sorted indices, shape (N, N).

        Made when first asked for (the batched engine never does), on the same arrays.
        """
        n = self.n_staff
        data = np.ones(self.indices.size, dtype=np.int8)
        return sp.csr_array((data, self.indices, self.indptr), shape=(n, n))

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
        return np.diff(self.indptr)

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
    fixed_ties: np.ndarray  # int64 (E, 2) team and manager ties (before the relations' draws)
    relations: np.ndarray  # int64 (R, 2) service codes of the two ends of each relation
    mean_ties: np.ndarray  # float64 (R,) mean number of random ties of each relation


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
    ends = [tuple(index[name] for name in r.between) for r in organisation.relations]
    relations = np.array(ends, dtype=np.int64).reshape(len(ends), 2)
    mean_ties = np.array(
        [
            r.weight * organisation.ties_across_services * min(counts[a], counts[b])
            for r, (a, b) in zip(organisation.relations, ends, strict=True)
        ],
        dtype=np.float64,
    )
    fixed = np.concatenate(
        [_team_ties(team_of, team_size), _manager_ties(service_of, managers)]
        + [np.array([[managers[a], managers[b]]]) for a, b in ends]
    ).astype(np.int64)
    return Skeleton(
        organisation,
        counts,
        starts,
        service_of,
        team_of,
        managers,
        fixed,
        relations,
        mean_ties,
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

    The draws, in order: the number of random ties each staff member starts within
    their service (Poisson), the other end of each (uniform), then for each relation
    its number of ties (Poisson) and their ends in each of the two services (uniform
    integers); see :func:`_draw_ties`.
    """
    indptr, indices = _draw_ties(
        frame.fixed_ties,
        frame.service_of,
        frame.starts,
        frame.counts,
        frame.organisation.ties_within_service / 2.0,
        frame.relations,
        frame.mean_ties,
        rng,
    )
    return StaffNetwork(
        frame.organisation,
        frame.organisation.service_names,
        frame.service_of,
        frame.team_of,
        frame.managers,
        indptr,
        indices,
    )


@njit(cache=True, error_model="numpy")
def _draw_ties(
    fixed: np.ndarray,
    service_of: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
    half_within: float,
    relations: np.ndarray,
    mean_ties: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """All ties of one run, fixed and drawn, as the index arrays of a symmetric CSR matrix.

    The draws are numpy's ``rng.poisson(half_within, size=N)``, ``rng.random(M)`` for
    the M ties started within services, then per relation ``rng.poisson(mean)`` and
    ``rng.integers(0, n, size=k)`` for each of its two services, in that order.

    Returns:
        ``indptr`` (N + 1,) and ``indices`` (int64): the unique ties without self-ties,
        both directions, indices sorted within each row (:func:`_symmetric_csr`).
    """
    n_staff, n_fixed = service_of.size, fixed.shape[0]
    started = poisson_fill(rng, half_within, n_staff)
    uniforms = rng.random(started.sum())
    # The ties across services, relation after relation; their number is drawn, so
    # the buffer grows as needed (it starts at about twice the expected number).
    across = np.empty((16 + 2 * int(mean_ties.sum()), 2), dtype=np.int64)
    n_across = 0
    for r in range(relations.shape[0]):
        n_ties = poisson(rng, mean_ties[r])
        a, b = relations[r, 0], relations[r, 1]
        firsts = rng.integers(0, counts[a], size=n_ties) + starts[a]
        seconds = rng.integers(0, counts[b], size=n_ties) + starts[b]
        if n_across + n_ties > across.shape[0]:
            larger = np.empty((2 * (n_across + n_ties), 2), dtype=np.int64)
            larger[:n_across] = across[:n_across]
            across = larger
        across[n_across : n_across + n_ties, 0] = firsts
        across[n_across : n_across + n_ties, 1] = seconds
        n_across += n_ties
    pairs = np.empty((n_fixed + uniforms.size + n_across, 2), dtype=np.int64)
    pairs[:n_fixed] = fixed
    row = n_fixed
    for i in range(n_staff):
        s = service_of[i]
        for _ in range(started[i]):
            pairs[row, 0] = i
            # floor(u * n) in floating point, as numpy computed it for the whole array.
            pairs[row, 1] = starts[s] + np.int64(np.floor(uniforms[row - n_fixed] * counts[s]))
            row += 1
    pairs[row:] = across[:n_across]
    return _symmetric_csr(pairs, n_staff)


def _team_ties(team_of: np.ndarray, team_size: int) -> np.ndarray:
    """All pairs inside each team (teams are contiguous blocks of staff)."""
    pairs = []
    n = team_of.size
    for offset in range(1, team_size):
        left = np.arange(n - offset)
        same = team_of[left] == team_of[left + offset]
        pairs.append(np.column_stack([left[same], left[same] + offset]))
    return np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64)


def _manager_ties(service_of: np.ndarray, managers: np.ndarray) -> np.ndarray:
    """Each manager is tied to every member of their service."""
    staff = np.arange(service_of.size)
    return np.column_stack([managers[service_of], staff])


@njit(cache=True, error_model="numpy")
def _symmetric_csr(pairs: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Unique undirected ties without self-loops, as the arrays of a symmetric CSR 0/1 matrix.

    No sort: each tie is first put in the bucket of both its ends; then, the buckets
    taken in increasing order, bucket ``c``'s members ``r`` each receive column ``c``
    (the ties are symmetric, so bucket ``c`` holds exactly the rows with column
    ``c``), which leaves every row's columns in increasing order, repeats side by side.
    O(ties + n).

    Returns:
        ``indptr`` (n + 1,) and ``indices``, int64, indices sorted within each row.
    """
    bounds = np.zeros(n + 1, dtype=np.int64)
    for e in range(pairs.shape[0]):
        i, j = pairs[e, 0], pairs[e, 1]
        if i != j:
            bounds[i + 1] += 1
            bounds[j + 1] += 1
    bounds = np.cumsum(bounds)
    filled = bounds[:-1].copy()
    buckets = np.empty(bounds[n], dtype=np.int64)
    for e in range(pairs.shape[0]):
        i, j = pairs[e, 0], pairs[e, 1]
        if i != j:
            buckets[filled[i]] = j
            filled[i] += 1
            buckets[filled[j]] = i
            filled[j] += 1
    filled[:] = bounds[:-1]
    columns = np.empty(bounds[n], dtype=np.int64)
    for c in range(n):
        for k in range(bounds[c], bounds[c + 1]):
            r = buckets[k]
            columns[filled[r]] = c
            filled[r] += 1
    indptr = np.zeros(n + 1, dtype=np.int64)
    kept = 0
    for r in range(n):
        last = -1
        # Writes stay at or behind the reads: rows only move left.
        for k in range(bounds[r], bounds[r + 1]):
            if columns[k] != last:
                last = columns[k]
                columns[kept] = last
                kept += 1
        indptr[r + 1] = kept
    return indptr, columns[:kept].copy()
