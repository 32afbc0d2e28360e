"""The validated, immutable description of one simulated situation.

A :class:`Scenario` holds the organisation (services, headcounts, relations), the
profile mix, the digital tools, the rollout plan, the change-management levers (and
their changes during the run, :mod:`simulation.scenario.changes`) and the behavioural
parameters. Every field has a documented default (the defaults
describe a 500-staff commune, see :mod:`simulation.scenario.commune`), so a scenario file
states only what differs. Build one from Python (``Scenario(...)``), from a mapping
(``Scenario.from_value(...)``) or from a file (:func:`simulation.scenario.loading.load_scenario`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from simulation.i18n.language import quoted, say
from simulation.scenario.changes import LeverChange, levers_after
from simulation.scenario.costs import Costs
from simulation.scenario.errors import (
    ScenarioError,
    did_you_mean,
    listing,
    require_all_known,
    require_known,
)
from simulation.scenario.organisation import DEFAULT_SERVICES, Organisation
from simulation.scenario.parameters import Behaviour, Levers
from simulation.scenario.profiles import ProfileMix
from simulation.scenario.rollout import DEFAULT_TOOLS, STRATEGIES, Rollout, Tool
from simulation.scenario.schema import STUDY, Record, plain_data, spec

__all__ = ["STRATEGIES", "Scenario"]


def _set_path(plain: dict[str, Any], path: str, value: Any) -> None:
    """Set ``plain[a][b]...`` for the dotted ``path`` ``a.b...``; errors name the path."""
    keys = path.split(".")
    node: Any = plain
    for depth, key in enumerate(keys):
        last = depth == len(keys) - 1
        if not isinstance(node, dict):
            # A value, or a list (services, tools): nothing to name below it.
            parent = ".".join(keys[:depth])
            kind = "in_list" if isinstance(node, list) else "in_value"
            raise ScenarioError(
                say(f"error.scenario.no_parameter_{kind}", parent=parent, name=quoted(key)),
                path=".".join(keys[: depth + 1]),
            )
        if key not in node:
            allowed = sorted(node)
            hint = did_you_mean(key, allowed)
            raise ScenarioError(
                say("error.scenario.no_parameter", hint=hint, allowed=listing(allowed)),
                path=".".join(keys[: depth + 1]),
            )
        if last:
            node[key] = value
        else:
            node = node[key]


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
    tools: tuple[Tool, ...] = spec(DEFAULT_TOOLS, doc="The digital tools rolled out.")
    rollout: Rollout = spec(Rollout(), doc="Rollout strategy and plan.")
    levers: Levers = spec(Levers(), doc="Change-management levers.")
    lever_changes: tuple[LeverChange, ...] = spec(
        (),
        doc="Levers that take new values during the run: each change names a week "
        "(whose step is the first to see the new values) and the levers that change; "
        "weeks increase strictly, a later change overrides an earlier one.",
    )
    behaviour: Behaviour = spec(Behaviour(), doc="Behavioural parameters.")
    costs: Costs = spec(Costs(), doc="Unit costs in euros.")

    def _check(self) -> None:
        services = self.organisation.service_names
        tool_names = [t.name for t in self.tools]
        if not self.tools:
            raise ScenarioError(say("error.scenario.no_tool"), path="tools")
        inherited = (
            say("error.scenario.default_tools")
            if (self.tools == DEFAULT_TOOLS and self.organisation.services != DEFAULT_SERVICES)
            else ""
        )
        for i, tool in enumerate(self.tools):
            if tool.name in tool_names[:i]:
                raise ScenarioError(
                    say("error.scenario.tool_twice", name=quoted(tool.name)),
                    path=f"tools[{i}].name",
                )
            if tool.shown in [t.shown for t in self.tools[:i]]:  # reports tell tools by it
                raise ScenarioError(
                    say("error.scenario.label_twice", label=quoted(tool.shown)),
                    path=f"tools[{i}].label",
                )
            if not tool.services:
                raise ScenarioError(
                    say("error.scenario.tool_without_service", all=quoted("all")),
                    path=f"tools[{i}].services",
                )
            require_all_known(tool.services, services, "service", f"tools[{i}].services", inherited)
        rollout = self.rollout
        self._check_within_horizon(
            str(rollout.start_week), rollout.start_week, "rollout.start_week"
        )
        pilot = rollout.small_steps.pilot_service
        if pilot is not None:
            require_known(pilot, services, "service", "rollout.small_steps.pilot_service")
        if rollout.strategy == "custom" and not rollout.waves:
            raise ScenarioError(say("error.scenario.custom_without_wave"), path="rollout.waves")
        for i, wave in enumerate(rollout.waves):
            where = f"rollout.waves[{i}]"
            week = say("error.scenario.week", week=wave.week)
            self._check_within_horizon(week, wave.week, f"{where}.week")
            require_all_known(wave.tools, tool_names, "tool", f"{where}.tools")
            require_all_known(wave.services, services, "service", f"{where}.services")
        require_all_known(
            self.levers.training_priority, services, "service", "levers.training_priority"
        )
        for i, change in enumerate(self.lever_changes):
            priority = change.levers.get("training_priority", ())
            field = f"lever_changes[{i}].levers.training_priority"
            require_all_known(priority, services, "service", field)
            where = f"lever_changes[{i}].week"
            week = say("error.scenario.week", week=change.week)
            self._check_within_horizon(week, change.week, where)
            previous = self.lever_changes[i - 1].week if i else None
            if previous is not None and change.week <= previous:
                raise ScenarioError(
                    say("error.scenario.change_weeks_order", week=change.week, previous=previous),
                    path=where,
                )

    def _check_within_horizon(self, given: str, week: int, path: str) -> None:
        """Raise at ``path`` if ``week`` (shown as ``given``) lies beyond the horizon."""
        if week > self.horizon_weeks:
            raise ScenarioError(
                say("error.scenario.beyond_horizon", given=given, horizon=self.horizon_weeks),
                path=path,
            )

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
        # Only the top-level fields a path goes through are rebuilt and validated
        # again (then the whole scenario's rules): the same result and messages as
        # validating everything, without going through the organisation's services
        # and relations when the behaviour changes (ensemble members, sweep points).
        plain: dict[str, Any] = dict.fromkeys(f.name for f in dataclasses.fields(self))
        heads = {path.split(".", 1)[0] for path in changes} & set(plain)
        for head in heads:
            plain[head] = plain_data(getattr(self, head))
        for path, value in changes.items():
            _set_path(plain, path, value)
        updates = {}
        for head in heads:
            current = getattr(self, head)
            if isinstance(current, Record):
                try:
                    updates[head] = type(current).from_value(plain[head])
                except ScenarioError as error:
                    raise error.inside(head) from None
            else:
                updates[head] = plain[head]
        return dataclasses.replace(self, **updates)

    def levers_from(self, week: int) -> Levers:
        """The levers in force at the step of ``week`` (after the changes up to it)."""
        count = sum(1 for change in self.lever_changes if change.week <= week)
        return levers_after(self.levers, self.lever_changes, count)

    def target_services(self, tool: Tool) -> tuple[str, ...]:
        """Services a tool is meant for."""
        return self.organisation.service_names if tool.services == "all" else tool.services
