"""The digital tools of a scenario and the plan that rolls them out.

A :class:`Tool` has a depth of change on the SAMR scale and the services it is meant
for; a :class:`Rollout` names the strategy (big bang, small steps, short cycles, or a
custom plan of :class:`Wave` go-lives) with each strategy's own settings.
"""

from __future__ import annotations

import dataclasses
from typing import Literal, get_args

from simulation.scenario import commune
from simulation.scenario.schema import STUDY, Record, spec

Strategy = Literal["big_bang", "small_steps", "short_cycle", "custom"]
STRATEGIES: tuple[str, ...] = ("big_bang", "small_steps", "short_cycle", "custom")
Samr = Literal["substitution", "augmentation", "modification", "redefinition"]
ServiceOrder = Literal[
    "listed", "largest_first", "smallest_first", "technophiles_first", "connected_first"
]
SERVICE_ORDERS: tuple[str, ...] = get_args(ServiceOrder)


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
    cost_eur: float = spec(
        0.0,
        ge=0,
        le=1e9,
        unit="EUR",
        doc="One-off cost of the tool (licences, deployment), counted at its first go-live.",
        source="the scenario's own figure (none by default)",
    )
    yearly_cost_eur: float = spec(
        0.0,
        ge=0,
        le=1e9,
        unit="EUR/year",
        doc="Running cost of the tool per year (subscription, maintenance), counted weekly "
        "from its first go-live.",
        source="the scenario's own figure (none by default)",
    )
    description: str = spec("", doc="Free text describing the tool.")
    label: str | None = spec(
        None,
        doc="Name of the tool in reports, workbooks and figures, e.g. 'GED et courrier' "
        "(null: the name with spaces for underscores and a capital first letter).",
    )

    @property
    def shown(self) -> str:
        """The tool's name for people: its label, else :func:`readable` of its name."""
        return self.label or readable(self.name)


def readable(name: str) -> str:
    """An identifier as words: ``ged_courrier`` -> ``Ged courrier``."""
    words = str(name).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def tool_labels(tools: object) -> dict[str, str]:
    """Tool name -> label, from a scenario's ``tools`` as plain data (a results folder's).

    Tools without a label (or folders written before labels existed) get
    :func:`readable` of their name; anything that is not a list of tools gives none.
    """
    labels: dict[str, str] = {}
    for tool in tools if isinstance(tools, list) else []:
        if isinstance(tool, dict) and tool.get("name") is not None:
            name = str(tool["name"])
            labels[name] = str(tool.get("label") or readable(name))
    return labels


DEFAULT_TOOLS: tuple[Tool, ...] = tuple(
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
    services_per_step: int = spec(
        1,
        ge=1,
        le=100_000,
        unit="services",
        doc="Services receiving a tool at each go-live after its pilot, taken in "
        "rollout.service_order (the tool's last go-live takes the services left); 1 "
        "extends a tool one service at a time.",
        source=f"assumption (1: one service at a time, the model's reading of the small "
        f"steps of {STUDY}, section VI.A)",
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
    service_order: ServiceOrder = spec(
        "listed",
        doc="Order in which a tool's target services receive it under small_steps (after "
        "the pilot) and short_cycle: listed (the order of organisation.services), "
        "largest_first or smallest_first (by headcount, after any total_staff rescaling), "
        "technophiles_first (most technophiles drawn in the run, as for the small-steps "
        "pilot) or connected_first (largest sum of the weights of the service's working "
        "relations); ties keep the listed order. Big bang and custom plans have no order.",
        source="assumption",
    )
    big_bang: BigBangPlan = spec(BigBangPlan(), doc="Big-bang settings.")
    small_steps: SmallStepsPlan = spec(SmallStepsPlan(), doc="Small-steps settings.")
    short_cycle: ShortCyclePlan = spec(ShortCyclePlan(), doc="Short-cycle settings.")
    waves: tuple[Wave, ...] = spec((), doc="The go-live waves of a custom plan.")
