"""Games shared by the game's tests: small organisations, a few short rounds."""

from __future__ import annotations

import pytest

from simulation.scenario.records import Scenario
from simulation.teaching.game.actions import Decision, Rules
from simulation.teaching.game.session import Game

ROUND_WEEKS = 8


@pytest.fixture(scope="module")
def organisation() -> Scenario:
    """The default commune at 200 staff (its 13 services, its five tools)."""
    return Scenario().override({"organisation.total_staff": 200})


def new_game(organisation: Scenario, rounds: int = 4, seed: int = 11) -> Game:
    """A game of two teams on ``organisation``, with capital enough for :func:`busy_round`."""
    return Game(
        organisation,
        teams=["Alpha", "Beta"],
        rounds=rounds,
        round_weeks=ROUND_WEEKS,
        seed=seed,
        rules=Rules(capital=40),
    )


def busy_round(game: Game, number: int) -> list[Decision]:
    """Decisions that use every kind of action, different from round to round."""
    tool = game.base.tools[min(number + 1, len(game.base.tools) - 1)]
    services = game.base.target_services(tool)
    decisions = [
        Decision(
            "train_service", service=services[0], mode=("vendor", "internal", "action")[number % 3]
        ),
        Decision("communicate") if number % 2 == 0 else Decision("support_referents"),
    ]
    if number == 0:
        decisions.append(Decision("relieve_workload"))
    if number == 1:
        decisions.append(Decision("disconnect_charter"))
    decisions.append(
        Decision("launch_now", tool=tool.name, services=services[:1])
        if number % 2
        else Decision("postpone", tool=tool.name, services=services[-2:], weeks=5)
    )
    return decisions


@pytest.fixture(scope="module")
def played(organisation: Scenario) -> Game:
    """A game played to its end: Alpha acts every round, Beta never does."""
    game = new_game(organisation)
    while not game.over:
        game.submit(game.teams[0].code, busy_round(game, game.round))
        game.advance()
    return game
