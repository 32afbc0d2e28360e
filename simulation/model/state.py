"""The model's state, grouped as the kernels receive it: staff, services, tools, ties.

Each group is a ``typing.NamedTuple`` of numpy arrays. numba compiles kernels taking
them (with ``cache=True``) and kernels write into their arrays in place, so a kernel
call names the groups it reads and writes, e.g. ``strain.update(staff, services, tools,
coefficients)``, and a new state variable is one more field, not one more argument in
every call.

* :class:`StaffState`: per staff member, arrays (N,); per staff member and tool,
  (N, T) in C order, so that one staff member's tools are contiguous for the kernels.
  It also holds the week's working arrays (tools being learnt, training hours, the
  week's uniform draws) that pass results from one mechanism to the next.
* :class:`Services`: per service (S,) and per (service, tool) pair (S, T).
* :class:`Tools`: per tool (T,), fixed for the run.
* :class:`Ties`: the staff network's adjacency in compressed sparse rows.

**Several runs at once.** Nothing in a kernel depends on how many runs exist: it
loops over the staff of one organisation. The batched engine
(:mod:`simulation.model.batch`) keeps one set of containers per run and steps them run
after run, a few weeks at a time (:func:`simulation.model.engine.advance_weeks`), so
that one run's arrays stay in the processor's cache while it runs, and runs of one
batch may differ in size. A stacked layout also works with the same kernels:
:func:`replica` gives the containers of row ``r`` of arrays with a leading replication
axis (views, so in-place writes land in the stacked arrays). The tools and the
coefficients are shared by all runs of a scenario.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from simulation.model.sources import N_SOURCES


class StaffState(NamedTuple):
    """All mutable and per-run state of the staff ((N,) per staff, (N, T) per staff and tool)."""

    # Fixed for the run (N,)
    profile: np.ndarray  # int8 profile code
    origin_service: np.ndarray  # int32 service code at the start
    service: np.ndarray  # int32 service code (changes on internal mobility)
    team: np.ndarray  # int32 global team number (scope of strain contagion)
    is_manager: np.ndarray  # bool
    is_referent: np.ndarray  # bool
    tutor_weight: np.ndarray  # weight of one's help to neighbours once a tool is mastered
    vulnerability: np.ndarray  # individual strain vulnerability
    external: np.ndarray  # weekly probability of trying from external influence (Bass p_i)
    fear: np.ndarray  # fear of failure 0-1
    learning_ability: np.ndarray  # multiplies every learning channel
    e_completion: np.ndarray  # share of e-learning followed
    meaning: np.ndarray  # meaning of the project as seen by the staff member, 0-1
    always_on: np.ndarray  # bool: stays connected outside working hours
    # Dynamic (N,)
    active: np.ndarray  # bool: still in post
    departed_week: np.ndarray  # int32 week the post was left, -1 while in post
    departure_cause: np.ndarray  # int8: 0 in post, 1 strain, 2 refusal (DEPARTURE_CAUSES)
    destination: np.ndarray  # int8: 0 in post, 1 internal mobility, 2 external (DESTINATIONS)
    strain: np.ndarray
    high_weeks: np.ndarray  # int32 consecutive weeks at high strain
    refusal_weeks: np.ndarray  # int32 consecutive weeks refusing
    acculturation: np.ndarray  # understanding and acceptance of the project's sense, 0-1
    n_learning: np.ndarray  # int32 tools being learnt this week (open, not mastered)
    in_person_hours: np.ndarray  # in-person training hours this week
    effective_hours: np.ndarray  # training hours this week, in in-person equivalent
    training_hours: np.ndarray  # hours followed this week, all modes
    mean_help: np.ndarray  # mean help over live tools this week
    degree: np.ndarray  # float: number of active neighbours
    shown_active: np.ndarray  # bool: whether neighbours currently count one as active
    exposed_service: np.ndarray  # int32 service whose live pairs ``live`` shows (-1: none yet)
    draw: np.ndarray  # this week's uniform number of each staff member (dropout)
    mobility_draw: np.ndarray  # this week's uniform number of each staff member (destination)
    # Per staff and tool (N, T)
    target: np.ndarray  # bool: tool meant for the staff member's service
    live: np.ndarray  # bool: tool live for the staff member
    training_open: np.ndarray  # bool: training open (live or about to be)
    stage: np.ndarray  # int8 adoption stage (simulation.model.stages)
    proficiency: np.ndarray  # 0-1
    nb_adopted: np.ndarray  # active neighbours who adopted
    nb_help: np.ndarray  # weighted active neighbours who master
    shown_adopted: np.ndarray  # contributions currently counted by neighbours
    shown_help: np.ndarray
    pair_draw: np.ndarray  # this week's uniform number of each (staff, tool) (adoption)
    # Per staff and strain source (N, K), sources.STRAIN_SOURCES
    strain_parts: np.ndarray  # strain by source; the parts add up to ``strain``
    demand_parts: np.ndarray  # this week's demand by source (before buffering)

    @property
    def n_staff(self) -> int:
        """Number of staff members (active or not)."""
        return int(self.active.size)

    @classmethod
    def empty(cls, n_staff: int, n_tools: int) -> StaffState:
        """Arrays of the right shapes and types: nobody exposed, all active.

        The arrays of one shape, dtype and start value are the rows of one block: a
        dozen allocations instead of one per field (most of the cost for a small
        run). Each is a C-contiguous view of its own part, as the kernels need.
        """
        arrays: dict[str, np.ndarray] = {}
        for (width, dtype, start), names in _BLOCKS:
            shape = {_ONE: (n_staff,), _TOOLS: (n_staff, n_tools)}.get(width, (n_staff, width))
            shape = (len(names), *shape)
            # Zeros come from calloc: no separate filling pass.
            block = np.zeros(shape, dtype) if start == 0 else np.full(shape, start, dtype)
            arrays.update(zip(names, block, strict=True))
        return cls(**arrays)


# How StaffState.empty allocates each array: (N, T) if per tool, (N, K) if per strain
# source, else (N,); float64 unless said; zero unless said.
_PER_SOURCE = frozenset(StaffState._fields[StaffState._fields.index("strain_parts") :])
_PER_TOOL = frozenset(StaffState._fields[StaffState._fields.index("target") :]) - _PER_SOURCE
_ONE, _TOOLS = 0, -1  # widths of the (N,) and (N, T) arrays in _BLOCKS

_DTYPE: dict[str, Any] = {
    **dict.fromkeys(("profile", "stage", "departure_cause", "destination"), np.int8),
    **dict.fromkeys(
        ("origin_service", "service", "team", "departed_week", "exposed_service")
        + ("high_weeks", "refusal_weeks", "n_learning"),
        np.int32,
    ),
    **dict.fromkeys(
        ("is_manager", "is_referent", "always_on", "active", "shown_active")
        + ("target", "live", "training_open", "shown_adopted", "shown_help"),
        bool,
    ),
}
_START: dict[str, Any] = {
    **dict.fromkeys(("tutor_weight", "vulnerability", "learning_ability"), 1.0),
    **dict.fromkeys(("active", "shown_active"), True),
    "departed_week": -1,
    "exposed_service": -1,
}


def _blocks() -> list[tuple[tuple[int, np.dtype, Any], list[str]]]:
    """The fields of :class:`StaffState` grouped by (width, dtype, start value), in order.

    The width is :data:`_ONE` for (N,) arrays, :data:`_TOOLS` for (N, T) and
    ``N_SOURCES`` for (N, K).
    """
    groups: dict[tuple[int, np.dtype, Any], list[str]] = {}
    for name in StaffState._fields:
        width = N_SOURCES if name in _PER_SOURCE else _TOOLS if name in _PER_TOOL else _ONE
        kind = (width, np.dtype(_DTYPE.get(name, float)), _START.get(name, 0))
        groups.setdefault(kind, []).append(name)
    return list(groups.items())


_BLOCKS = _blocks()


NOT_LIVE = np.iinfo(np.int32).max
"""``Services.go_live_week`` of a pair not live yet."""


class Services(NamedTuple):
    """State of the services ((S,) per service, (S, T) per service and tool)."""

    backing: np.ndarray  # managerial backing 0-1 (moved only by a lever change)
    priority: np.ndarray  # bool: staff trained right after referents (levers.training_priority)
    job_type: np.ndarray  # int8 code of the posts (scenario.organisation.JOB_TYPES), fixed
    initial_staff: np.ndarray  # float headcount at the start, fixed
    active_staff: np.ndarray  # float active staff at the last observation
    workload: np.ndarray  # relative to before (>= 1), rises when staff leave
    recent_change: np.ndarray  # recent go-lives in SAMR-depth units, fading
    receiving: np.ndarray  # share of repositioned staff each service receives (sums to 1)
    first_team: np.ndarray  # int32 team that repositioned staff join in each service
    mobility_posts: np.ndarray  # (1,) posts left for internal mobility, staff
    target: np.ndarray  # bool (S, T): tools meant for each service
    live: np.ndarray  # bool (S, T): pairs live so far
    open_or_live: np.ndarray  # bool (S, T): pairs live or open to training, as last shown
    go_live_week: np.ndarray  # int32 (S, T): week each pair went live (NOT_LIVE before)
    support: np.ndarray  # (S, T) first-level support by referents this week, 0-1
    used: np.ndarray  # (S, T) staff using each pair at the last observation

    @classmethod
    def start(
        cls,
        backing: np.ndarray,
        initial_staff: np.ndarray,
        n_tools: int,
        *,
        receiving: np.ndarray | None = None,
        first_team: np.ndarray | None = None,
        mobility_posts: float = 0.0,
        target: np.ndarray | None = None,
        job_type: np.ndarray | None = None,
        priority: np.ndarray | None = None,
    ) -> Services:
        """Services before the rollout: nothing live, full staff, usual workload.

        Without ``receiving``, every service receives in proportion to its staff;
        without ``target``, no tool is meant for any service; without ``job_type``,
        every service is back office; without ``priority``, no service's training
        comes first.
        """
        n_services = backing.size
        pairs = (n_services, n_tools)
        if receiving is None:
            receiving = initial_staff / initial_staff.sum()
        return cls(
            backing=backing,
            priority=np.zeros(n_services, bool) if priority is None else priority.astype(bool),
            job_type=(
                np.ones(n_services, np.int8) if job_type is None else job_type.astype(np.int8)
            ),  # back office unless told
            initial_staff=initial_staff,
            receiving=np.asarray(receiving, dtype=np.float64),
            first_team=np.zeros(n_services, np.int32)
            if first_team is None
            else first_team.astype(np.int32),
            mobility_posts=np.array([float(mobility_posts)]),
            target=np.zeros(pairs, dtype=bool) if target is None else target.astype(bool),
            active_staff=initial_staff.copy(),
            workload=np.ones(n_services),
            recent_change=np.zeros(n_services),
            live=np.zeros(pairs, dtype=bool),
            open_or_live=np.zeros(pairs, dtype=bool),
            go_live_week=np.full(pairs, NOT_LIVE, dtype=np.int32),
            support=np.zeros(pairs),
            used=np.zeros(pairs),
        )


class Tools(NamedTuple):
    """Fixed properties of the tools (T,)."""

    depth: np.ndarray  # SAMR depth: multiplies change load, divides learning
    saving: np.ndarray  # share of processing time saved at full proficiency
    info_load: np.ndarray  # information load (technostress)


class Ties(NamedTuple):
    """The staff network's adjacency in compressed sparse rows (scipy's CSR arrays).

    The neighbours of staff member ``j`` are ``indices[indptr[j]:indptr[j + 1]]``.
    """

    indptr: np.ndarray
    indices: np.ndarray


def replica[Container: tuple](container: Container, r: int) -> Container:
    """The container of replication ``r`` of a container whose arrays have a leading axis.

    Its arrays are views, so kernels called on it write into the stacked arrays (see
    the module docstring).
    """
    return type(container)(*(array[r] for array in container))
