"""The validated, immutable description of one simulated situation.

A :class:`Scenario` holds the organisation (services, headcounts, relations), the
profile mix, the digital tools, the rollout plan, the change-management levers and
the behavioural parameters. Every field has a documented default (the defaults
describe a 500-staff commune, see :mod:`simulation.scenario.commune`), so a scenario file
states only what differs. Build one from Python (``Scenario(...)``), from a mapping
(``Scenario.from_value(...)``) or from a file (:func:`simulation.scenario.loading.load_scenario`).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal, Self

from simulation.scenario import commune
from simulation.scenario.parameters import Behaviour, Levers
from simulation.scenario.profiles import ProfileMix
from simulation.scenario.schema import Record, ScenarioError, spec

Strategy = Literal["big_bang", "small_steps", "short_cycle", "custom"]
STRATEGIES: tuple[str, ...] = ("big_bang", "small_steps", "short_cycle", "custom")
Samr = Literal["substitution", "augmentation", "modification", "redefinition"]
STUDY = "CNFPT 2018"


def _require_known(
    name: str, known: Iterable[str], what: str, path: str, inherited: str = ""
) -> None:
    """Raise a ScenarioError at ``path`` unless ``name`` is among ``known``.

    ``inherited`` names a section left at its default (which describes the default
    commune) to point the user to it.
    """
    known = list(known)
    if name in known:
        return
    close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    shown = ", ".join(known) if len(known) <= 15 else ", ".join(known[:15]) + ", ..."
    message = f"unknown {what} {name!r}; {hint}known {what}s: {shown}"
    if inherited:
        message += f". The default {inherited}"
    raise ScenarioError(message, path=path)


def _set_path(plain: dict[str, Any], path: str, value: Any) -> None:
    """Set ``plain[a][b]...`` for the dotted ``path`` ``a.b...``; errors name the path."""
    keys = path.split(".")
    node: Any = plain
    for depth, key in enumerate(keys):
        last = depth == len(keys) - 1
        if not isinstance(node, dict) or key not in node:
            allowed = sorted(node) if isinstance(node, dict) else []
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ScenarioError(
                f"no such parameter; {hint}allowed here: {', '.join(allowed)}",
                path=".".join(keys[: depth + 1]),
            )
        if last:
            node[key] = value
        else:
            node = node[key]


@dataclasses.dataclass(frozen=True)
class Service(Record):
    """One service (a node of the organisation graph)."""

    name: str = spec(doc="Identifier of the service, used by tools, relations and waves.")
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


@dataclasses.dataclass(frozen=True)
class Relation(Record):
    """A working relation between two services. In files: ``[a, b, weight]`` or a mapping."""

    _describe: ClassVar[str] = "[service, service, weight] or a mapping {between, weight}"

    between: tuple[str, ...] = spec(doc="The two related services.")
    weight: float = spec(1.0, gt=0, le=1, unit="0-1", doc="Intensity of the working relation.")

    @classmethod
    def _from_shorthand(cls, value: Any) -> Self | None:
        if isinstance(value, (list, tuple)) and len(value) in (2, 3):
            return cls(between=tuple(value[:2]), weight=value[2] if len(value) == 3 else 1.0)
        return None

    def _check(self) -> None:
        if len(self.between) != 2:
            raise ScenarioError(f"expected two services, got {len(self.between)}", path="between")
        if self.between[0] == self.between[1]:
            raise ScenarioError(
                f"a service cannot be related to itself ({self.between[0]!r})", path="between"
            )


_DEFAULT_SERVICES = tuple(Service(name, headcount) for name, headcount in commune.SERVICES)
_DEFAULT_RELATIONS = tuple(Relation((a, b), w) for a, b, w in commune.RELATIONS)


@dataclasses.dataclass(frozen=True)
class Organisation(Record):
    """Services, their relations and how the staff interaction network is drawn.

    In a file, ``services_file`` and ``relations_file`` may name CSV files instead of
    the inline lists (see :func:`simulation.scenario.loading.load_scenario`).
    """

    services: tuple[Service, ...] = spec(
        _DEFAULT_SERVICES, doc="The services with their headcounts (default: a 500-staff commune)."
    )
    relations: tuple[Relation, ...] = spec(
        _DEFAULT_RELATIONS, doc="Working relations between services, with weights."
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
            raise ScenarioError("an organisation needs at least one service", path="services")
        if self.total_staff is not None and self.total_staff < len(self.services):
            raise ScenarioError(
                f"{self.total_staff} is fewer than the {len(self.services)} services; each "
                "service keeps at least one staff member",
                path="total_staff",
            )
        names = [s.name for s in self.services]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ScenarioError(f"service {name!r} is listed twice", path=f"services[{i}].name")
        seen: set[frozenset[str]] = set()
        inherited = (
            "organisation.relations describe the default commune: give your own "
            "(an empty list for none)"
            if (self.relations == _DEFAULT_RELATIONS and self.services != _DEFAULT_SERVICES)
            else ""
        )
        for i, relation in enumerate(self.relations):
            for j, name in enumerate(relation.between):
                _require_known(name, names, "service", f"relations[{i}].between[{j}]", inherited)
            pair = frozenset(relation.between)
            if pair in seen:
                raise ScenarioError(
                    f"relation {relation.between} is listed twice", path=f"relations[{i}]"
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


@dataclasses.dataclass(frozen=True)
class Tool(Record):
    """A digital tool rolled out to some services."""

    name: str = spec(doc="Identifier of the tool.")
    samr: Samr = spec(
        "augmentation", doc="Depth of change on the SAMR scale.", source=f"{STUDY}, section I"
    )
    services: tuple[str, ...] | Literal["all"] = spec(
        "all", doc="Services the tool is rolled out to, or 'all'."
    )
    time_saving: float | None = spec(
        None,
        ge=0,
        lt=1,
        unit="share of processing time",
        doc="Processing time saved once mastered; null uses behaviour.samr_time_saving.",
        source=f"{STUDY}, section V.C",
    )
    information_load: float = spec(
        1.0,
        ge=0,
        le=100,
        unit="relative",
        doc="Information load the tool adds to daily work (e-mail-like tools more).",
        source=f"{STUDY}, section VI.C",
    )
    description: str = spec("", doc="Free text describing the tool.")


_DEFAULT_TOOLS = tuple(
    Tool(name, samr, services, information_load=load, description=text)
    for name, samr, services, load, text in commune.TOOLS
)


@dataclasses.dataclass(frozen=True)
class Wave(Record):
    """One step of a custom rollout plan: tools that go live for services at a week."""

    week: int = spec(doc="Week of the go-live.", unit="week", ge=0, le=100_000)
    tools: tuple[str, ...] | Literal["all"] = spec("all", doc="Tools going live, or 'all'.")
    services: tuple[str, ...] | Literal["all"] = spec("all", doc="Services concerned, or 'all'.")


@dataclasses.dataclass(frozen=True)
class BigBangPlan(Record):
    """Settings of the big-bang strategy."""

    preparation_weeks: int = spec(
        16,
        ge=0,
        le=1000,
        unit="weeks",
        doc="Weeks of preparation (project framing, training) between the start and the "
        "single go-live of every tool.",
        source=f"{STUDY}, section VI.A, footnote 29 (switch at one date)",
    )
    project_framing: float = spec(
        0.5,
        ge=0,
        le=1,
        unit="0-1",
        doc="How much the organisation-wide administration project that frames a big bang "
        "adds to the meaning every staff member sees: meaning = project_meaning + "
        "project_framing x (1 - project_meaning).",
        source=f"{STUDY}, section VI.A (the administration project gives the change a "
        "general sense and involves all staff); value: assumption",
    )


@dataclasses.dataclass(frozen=True)
class SmallStepsPlan(Record):
    """Settings of the small-steps strategy."""

    pilot_service: str | None = spec(
        None,
        doc="Service that pilots each tool it is a target of; null (or, for a tool not "
        "meant for it, always) picks the tool's target service with the most technophiles.",
    )
    pilot_weeks: int = spec(
        8, ge=1, le=1000, unit="weeks", doc="Weeks a pilot runs before the tool is extended."
    )
    interval_weeks: int = spec(
        3,
        ge=1,
        le=1000,
        unit="weeks",
        doc="Weeks between two successive go-lives.",
        source=f"{STUDY}, section VI.A ('as it comes, without marked rupture')",
    )


@dataclasses.dataclass(frozen=True)
class ShortCyclePlan(Record):
    """Settings of the short-cycle strategy."""

    cycle_weeks: int = spec(
        4,
        ge=1,
        le=1000,
        unit="weeks",
        doc="Shortest time between two increments.",
        source=f"{STUDY}, section VI.A (frequent changes on short cycles)",
    )
    services_per_increment: int = spec(
        4, ge=1, le=100_000, unit="services", doc="Services receiving a tool in one increment."
    )
    usage_gate: float = spec(
        0.25,
        ge=0,
        le=1,
        unit="share",
        doc="Share of the last increment's staff using its tool (trying it or having adopted "
        "it) before the next increment starts.",
    )
    max_wait_weeks: int = spec(
        8,
        ge=1,
        le=1000,
        unit="weeks",
        doc="Longest wait for the usage gate before the next increment starts anyway.",
    )


@dataclasses.dataclass(frozen=True)
class Rollout(Record):
    """Which strategy rolls the tools out, and its settings."""

    strategy: Strategy = spec(
        "short_cycle",
        doc="Rollout strategy: big_bang, small_steps, short_cycle or custom.",
        source=f"{STUDY}, section VI.A ('Le temps du changement et de l'adaptation')",
    )
    start_week: int = spec(
        4,
        ge=0,
        le=100_000,
        unit="week",
        doc="Week the rollout project starts (custom plans use their waves' weeks instead).",
    )
    communication: float | None = spec(
        None,
        ge=0,
        le=1,
        unit="0-1",
        doc="Intensity of communication on the rollout; null uses the strategy's default "
        "(big_bang 1.0, short_cycle 0.6, custom 0.6, small_steps 0.3).",
        source=f"{STUDY}, section VI.A (small steps are 'discreet and little publicised', "
        "big bang a 'revolution shared by everyone')",
    )
    training_lead_weeks: int | None = spec(
        None,
        ge=0,
        le=1000,
        unit="weeks",
        doc="Weeks before a go-live that training for it opens; null uses the strategy's "
        "default (big_bang: the preparation period; others: 2).",
    )
    big_bang: BigBangPlan = spec(BigBangPlan(), doc="Big-bang settings.")
    small_steps: SmallStepsPlan = spec(SmallStepsPlan(), doc="Small-steps settings.")
    short_cycle: ShortCyclePlan = spec(ShortCyclePlan(), doc="Short-cycle settings.")
    waves: tuple[Wave, ...] = spec((), doc="The go-live waves of a custom plan.")


@dataclasses.dataclass(frozen=True)
class Scenario(Record):
    """Everything needed to simulate one organisation's digital transition."""

    name: str = spec("Commune de 500 agents", doc="Short title of the scenario.")
    description: str = spec("", doc="What the scenario represents and assumes.")
    horizon_weeks: int = spec(
        156,
        ge=1,
        le=100_000,
        unit="weeks",
        doc="Simulated duration (156 weeks = 3 years).",
        source=f"{STUDY}, section IV.D (dropout observed over a rollout); value: assumption",
    )
    seed: int = spec(2018, ge=0, le=2**63 - 1, doc="Root random seed of the scenario's runs.")
    organisation: Organisation = spec(Organisation(), doc="Services and network.")
    profile_mix: ProfileMix = spec(
        ProfileMix(),
        ge=0,
        le=1,
        unit="shares summing to 1",
        doc="Shares of technophile, follower and overwhelmed staff.",
        source=f"{STUDY}, section VI.A ('10 % up to date, 40 % follow, 50 % overwhelmed')",
    )
    tools: tuple[Tool, ...] = spec(_DEFAULT_TOOLS, doc="The digital tools rolled out.")
    rollout: Rollout = spec(Rollout(), doc="Rollout strategy and plan.")
    levers: Levers = spec(Levers(), doc="Change-management levers.")
    behaviour: Behaviour = spec(Behaviour(), doc="Behavioural parameters.")

    def _check(self) -> None:
        services = self.organisation.service_names
        tool_names = [t.name for t in self.tools]
        if not self.tools:
            raise ScenarioError("a scenario needs at least one tool", path="tools")
        inherited = (
            "tools aim at the default commune's services: give your own tools"
            if (self.tools == _DEFAULT_TOOLS and self.organisation.services != _DEFAULT_SERVICES)
            else ""
        )
        for i, tool in enumerate(self.tools):
            if tool.name in tool_names[:i]:
                raise ScenarioError(f"tool {tool.name!r} is listed twice", path=f"tools[{i}].name")
            if not tool.services:
                raise ScenarioError(
                    "a tool needs at least one service (or 'all')", path=f"tools[{i}].services"
                )
            if tool.services != "all":
                for j, name in enumerate(tool.services):
                    _require_known(
                        name, services, "service", f"tools[{i}].services[{j}]", inherited
                    )
        rollout = self.rollout
        if rollout.start_week > self.horizon_weeks:
            raise ScenarioError(
                f"{rollout.start_week} is beyond the horizon; allowed: 0 to horizon_weeks "
                f"({self.horizon_weeks})",
                path="rollout.start_week",
            )
        pilot = rollout.small_steps.pilot_service
        if pilot is not None:
            _require_known(pilot, services, "service", "rollout.small_steps.pilot_service")
        if rollout.strategy == "custom" and not rollout.waves:
            raise ScenarioError("the custom strategy needs at least one wave", path="rollout.waves")
        for i, wave in enumerate(rollout.waves):
            where = f"rollout.waves[{i}]"
            if wave.week > self.horizon_weeks:
                raise ScenarioError(
                    f"week {wave.week} is beyond the horizon; allowed: 0 to horizon_weeks "
                    f"({self.horizon_weeks})",
                    path=f"{where}.week",
                )
            if wave.tools != "all":
                for j, name in enumerate(wave.tools):
                    _require_known(name, tool_names, "tool", f"{where}.tools[{j}]")
            if wave.services != "all":
                for j, name in enumerate(wave.services):
                    _require_known(name, services, "service", f"{where}.services[{j}]")

    # ----------------------------------------------------------------- conveniences

    @property
    def staff_count(self) -> int:
        """Total staff at the start."""
        return sum(self.organisation.headcounts())

    def with_strategy(self, strategy: str) -> Scenario:
        """The same scenario under another rollout strategy."""
        return self.override({"rollout.strategy": strategy})

    def override(self, changes: Mapping[str, Any]) -> Scenario:
        """Return a copy with fields changed by dotted path, validated again.

        Example: ``scenario.override({"levers.training_capacity": 60, "horizon_weeks": 52})``.

        Raises:
            ScenarioError: naming the path, if a path does not exist or a value is invalid.
        """
        plain = self.to_plain()
        for path, value in changes.items():
            _set_path(plain, path, value)
        return Scenario.from_value(plain)

    def target_services(self, tool: Tool) -> tuple[str, ...]:
        """Services a tool is meant for."""
        return self.organisation.service_names if tool.services == "all" else tool.services
