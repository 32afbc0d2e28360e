"""A team's choices on its menu, as the page holds them, and the decisions they make.

The team's view keeps, for each action of the menu, whether it is taken and its
choices (a service and a mode, a tool and services, weeks); :func:`decisions` turns
them into the game's :class:`~simulation.teaching.game.actions.Decision` list.
Only the go-lives that can still move are offered (:func:`movable_services`).
Plain Python, tested without a browser.
"""

from __future__ import annotations

from typing import Any

from simulation.scenario.modes import TRAINING_MODES
from simulation.teaching.game import plan as plans
from simulation.teaching.game.actions import ACTIONS, PLAN, Decision
from simulation.teaching.game.session import Game, Team

DEFAULT_MODE = "internal"
DEFAULT_POSTPONE_WEEKS = 4


def movable_services(game: Game, team: Team, tool: str) -> list[str]:
    """The services whose go-live of ``tool`` can still move this round, in plan order."""
    return [
        service
        for (name, service) in team.plan
        if name == tool and plans.movable(team.plan, (name, service), game.week, game.lead)
    ]


def movable_tools(game: Game, team: Team) -> list[str]:
    """The tools with a go-live that can still move, in the scenario's order."""
    return [t.name for t in game.base.tools if movable_services(game, team, t.name)]


def start_choices(game: Game, team: Team) -> dict[str, dict[str, Any]]:
    """The menu when a round opens: nothing taken, the first of every choice preselected.

    A plan action starts on the first tool that can still move, with every one of its
    services that can (the usual choice: a tool for everyone at once).
    """
    services = game.base.organisation.service_names
    tools = movable_tools(game, team)
    tool = tools[0] if tools else None
    every = movable_services(game, team, tool) if tool else []
    choices: dict[str, dict[str, Any]] = {}
    for action in ACTIONS:
        choice: dict[str, Any] = {"taken": False}
        if action == "train_service":
            choice.update(services=[services[0]], mode=DEFAULT_MODE)
        if action in PLAN:
            choice.update(tool=tool, services=list(every))
        if action == "postpone":
            choice["weeks"] = DEFAULT_POSTPONE_WEEKS
        choices[action] = choice
    return choices


def choose_tool(game: Game, team: Team, choice: dict[str, Any], tool: str) -> dict[str, Any]:
    """A plan action's choice after picking ``tool``: every service of it that can move."""
    return {**choice, "tool": tool, "services": movable_services(game, team, tool)}


def action_decisions(action: str, choice: dict[str, Any]) -> list[Decision]:
    """The decisions one action's choices make: one training campaign per service chosen."""
    if action == "train_service":
        mode = choice.get("mode")
        return [Decision(action, service=s, mode=mode) for s in choice.get("services") or ()]
    if action in PLAN:
        weeks = int(choice.get("weeks") or 0) if action == "postpone" else 0
        services = tuple(choice.get("services") or ())
        return [Decision(action, tool=choice.get("tool"), services=services, weeks=weeks)]
    return [Decision(action)]


def decisions(choices: dict[str, dict[str, Any]]) -> list[Decision]:
    """The decisions of every action taken, in the menu's order."""
    taken = [a for a in ACTIONS if choices.get(a, {}).get("taken")]
    return [d for action in taken for d in action_decisions(action, choices[action])]


def modes() -> tuple[str, ...]:
    """The training modes a campaign can use."""
    return TRAINING_MODES
