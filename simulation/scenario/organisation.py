"""The organisation of a scenario: its services, their working relations, the network.

An :class:`Organisation` lists the services with their headcounts and the weighted
relations between them, and says how the staff interaction network is drawn from
them (teams, ties within and across services). The default is the 500-staff commune
of :mod:`simulation.scenario.commune`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Literal, Self

from simulation.i18n.language import quoted, say
from simulation.scenario import commune
from simulation.scenario.errors import ScenarioError, require_all_known
from simulation.scenario.profiles import ProfileMix
from simulation.scenario.schema import STUDY, Record, spec

JOB_TYPES = ("front_office", "back_office", "field", "management")
"""Kinds of posts a service holds: receiving the public, processing files and data,
working outside the offices, managing (CNFPT 2018, sections V.B to V.E and VI.B)."""
JobType = Literal["front_office", "back_office", "field", "management"]


@dataclasses.dataclass(frozen=True)
class Service(Record):
    """One service (a node of the organisation graph)."""

    name: str = spec(
        doc="Name of the service, shown as written in every output (accents, spaces and "
        "capitals allowed); tools, relations and waves give it the same way."
    )
    headcount: int = spec(
        doc="Staff of the service, manager included.", unit="staff", ge=1, le=1_000_000
    )
    profile_mix: ProfileMix | None = spec(
        None,
        doc="The service's own profile mix (e.g. more technophiles in IT); "
        "null uses the scenario's profile_mix.",
        source=f"{STUDY}, section VI.A",
    )
    manager_backing: float | None = spec(
        None,
        ge=0,
        le=1,
        unit="0-1",
        doc="The service manager's own backing of the change; null uses levers.manager_backing.",
    )
    job_type: JobType = spec(
        "back_office",
        doc="The kind of posts of the service: front_office (receiving the public), "
        "back_office (processing files and data entry), field or management. Staff who "
        "are repositioned go to front-office posts.",
        source=f"{STUDY}, section VI.B (reception and administrative assistance posts 'remain "
        "the main outlets for internal repositioning')",
    )


@dataclasses.dataclass(frozen=True)
class Relation(Record):
    """A working relation between two services. In files: ``[a, b, weight]`` or a mapping."""

    _describe: ClassVar[str] = "error.type.relation"

    between: tuple[str, ...] = spec(doc="The two related services.")
    weight: float = spec(1.0, gt=0, le=1, unit="0-1", doc="Intensity of the working relation.")

    @classmethod
    def _from_shorthand(cls, value: Any) -> Self | None:
        if isinstance(value, (list, tuple)) and len(value) in (2, 3):
            return cls(between=tuple(value[:2]), weight=value[2] if len(value) == 3 else 1.0)
        return None

    def _check(self) -> None:
        if len(self.between) != 2:
            raise ScenarioError(
                say("error.scenario.two_services", n=len(self.between)), path="between"
            )
        if self.between[0] == self.between[1]:
            raise ScenarioError(
                say("error.scenario.related_to_itself", name=quoted(self.between[0])),
                path="between",
            )


DEFAULT_SERVICES: tuple[Service, ...] = tuple(
    Service(name, headcount, job_type=commune.JOB_TYPES[name])  # type: ignore[arg-type]
    for name, headcount in commune.SERVICES
)
DEFAULT_RELATIONS: tuple[Relation, ...] = tuple(
    Relation((a, b), w) for a, b, w in commune.RELATIONS
)


@dataclasses.dataclass(frozen=True)
class Organisation(Record):
    """Services, their relations and how the staff interaction network is drawn.

    In a file, ``services_file`` and ``relations_file`` may name CSV files instead of
    the inline lists (see :func:`simulation.scenario.loading.load_scenario`).
    """

    services: tuple[Service, ...] = spec(
        DEFAULT_SERVICES, doc="The services with their headcounts (default: a 500-staff commune)."
    )
    relations: tuple[Relation, ...] = spec(
        DEFAULT_RELATIONS, doc="Working relations between services, with weights."
    )
    total_staff: int | None = spec(
        None,
        ge=1,
        le=10_000_000,
        unit="staff",
        doc="If set, headcounts are rescaled proportionally to reach this total "
        "(for organisation-size studies).",
    )
    team_size: int = spec(
        8,
        ge=1,
        le=1000,
        unit="staff",
        doc="Size of the teams inside a service; team members are all tied to each other.",
    )
    ties_within_service: float = spec(
        4.0,
        ge=0,
        le=1000,
        unit="ties per staff",
        doc="Mean number of random ties drawn per staff member to other members of the same "
        "service (a draw that repeats a team tie or an existing tie adds nothing, so the "
        "realised number is a little lower).",
    )
    ties_across_services: float = spec(
        1.0,
        ge=0,
        le=1000,
        unit="ties per staff",
        doc="Mean ties to a related service per member of the smaller of the two services, "
        "at relation weight 1.",
    )
    peer_scope: Literal["network", "organisation"] = spec(
        "network",
        doc="Whose example counts for peer influence and peer help: one's ties in the staff "
        "network, or every other member of staff (homogeneous mixing, the mean-field "
        "limit used to check the model against the Bass model).",
        source="Bass (1969) assumes homogeneous mixing; the network is the default",
    )

    def _check(self) -> None:
        if not self.services:
            raise ScenarioError(say("error.scenario.no_service"), path="services")
        if self.total_staff is not None and self.total_staff < len(self.services):
            raise ScenarioError(
                say("error.scenario.fewer_staff", staff=self.total_staff, n=len(self.services)),
                path="total_staff",
            )
        names = [s.name for s in self.services]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ScenarioError(
                    say("error.scenario.service_twice", name=quoted(name)),
                    path=f"services[{i}].name",
                )
        seen: set[frozenset[str]] = set()
        inherited = (
            say("error.scenario.default_relations")
            if (self.relations == DEFAULT_RELATIONS and self.services != DEFAULT_SERVICES)
            else ""
        )
        for i, relation in enumerate(self.relations):
            require_all_known(
                relation.between, names, "service", f"relations[{i}].between", inherited
            )
            pair = frozenset(relation.between)
            if pair in seen:
                a, b = relation.between
                raise ScenarioError(
                    say("error.scenario.relation_twice", a=quoted(a), b=quoted(b)),
                    path=f"relations[{i}]",
                )
            seen.add(pair)

    @property
    def service_names(self) -> tuple[str, ...]:
        """Names of the services, in order."""
        return tuple(s.name for s in self.services)

    def headcounts(self) -> tuple[int, ...]:
        """Headcount of each service, rescaled to ``total_staff`` if that is set.

        Rescaling is a largest-remainder apportionment of ``total_staff`` in
        proportion to the headcounts, with at least one staff member per service:
        services whose exact share is below one get one, the others share the rest
        in proportion, and the staff left over go to the largest remainders.
        """
        counts = [s.headcount for s in self.services]
        if self.total_staff is None:
            return tuple(counts)
        total = self.total_staff
        pinned = [False] * len(counts)
        while True:
            free = total - sum(pinned)
            weight = sum(c for c, p in zip(counts, pinned, strict=True) if not p)
            exact = [0.0 if p else c * free / weight for c, p in zip(counts, pinned, strict=True)]
            newly = [not p and x < 1 for p, x in zip(pinned, exact, strict=True)]
            if not any(newly):
                break
            pinned = [p or n for p, n in zip(pinned, newly, strict=True)]
        seats = [1 if p else int(x) for p, x in zip(pinned, exact, strict=True)]
        by_remainder = sorted(
            (i for i in range(len(counts)) if not pinned[i]),
            key=lambda i: exact[i] - int(exact[i]),
            reverse=True,
        )
        for i in by_remainder[: total - sum(seats)]:
            seats[i] += 1
        return tuple(seats)
