"""A team's go-live plan: the week each tool goes live for each of its services.

Every team starts from the same project plan (:func:`starting_plan`: one tool a round,
for all its services at once, in the order of the scenario's tools) and moves
go-lives with the ``launch_now`` and ``postpone`` actions. The plan is a custom
rollout (:class:`simulation.scenario.rollout.Wave` go-lives), so the team's scenario
replays with ``transnum run``.

A go-live can move only while its training has not opened: training opens
``training_lead`` weeks before it (:class:`simulation.model.strategies.FixedPlan`),
so a round starting at week ``w`` (its first step simulates week ``w + 1``) may move
the go-lives planned from week ``w + 1 + lead`` on, to weeks from ``w + 1 + lead`` on.
Everything a team saw in earlier rounds stays as it was (a test checks it).
"""

from __future__ import annotations

from collections.abc import Mapping

from simulation.scenario.records import Scenario
from simulation.scenario.rollout import Wave

Pair = tuple[str, str]
"""A (tool, service) pair."""


def starting_plan(scenario: Scenario, round_weeks: int, horizon: int) -> dict[Pair, int]:
    """The plan every team starts from: tool ``i`` for all its services at round ``i + 1``'s end.

    Go-lives that would fall after ``horizon`` are at ``horizon`` (the last week).
    """
    plan = {}
    for i, tool in enumerate(scenario.tools):
        week = min(horizon, (i + 1) * round_weeks)
        for service in scenario.target_services(tool):
            plan[(tool.name, service)] = week
    return plan


def earliest_week(round_start: int, lead: int) -> int:
    """The earliest go-live week a round starting at week ``round_start`` can set or move."""
    return round_start + 1 + lead


def movable(plan: Mapping[Pair, int], pair: Pair, round_start: int, lead: int) -> bool:
    """Whether ``pair``'s go-live can still move (its training has not opened)."""
    return plan[pair] >= earliest_week(round_start, lead)


def waves(plan: Mapping[Pair, int], scenario: Scenario) -> tuple[Wave, ...]:
    """The plan as custom-rollout waves: one per week and tool, services in listed order."""
    order = {name: i for i, name in enumerate(scenario.organisation.service_names)}
    tool_order = {t.name: i for i, t in enumerate(scenario.tools)}
    grouped: dict[tuple[int, str], list[str]] = {}
    for (tool, service), week in plan.items():
        grouped.setdefault((week, tool), []).append(service)
    return tuple(
        Wave(week=week, tools=(tool,), services=tuple(sorted(services, key=order.__getitem__)))
        for (week, tool), services in sorted(
            grouped.items(), key=lambda item: (item[0][0], tool_order[item[0][1]])
        )
    )
