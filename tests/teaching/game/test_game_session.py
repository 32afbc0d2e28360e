"""The workshop game's session: rounds, decisions, budgets, and runs that replay exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import ROUND_WEEKS, busy_round, new_game

from simulation.experiments.runner import run_scenario
from simulation.scenario.loading import dump_scenario, scenario_from_text
from simulation.teaching.game import plan as plans
from simulation.teaching.game.actions import (
    ACTIONS,
    Decision,
    Rules,
    capital_cost,
    cost_eur,
    round_levers,
)
from simulation.teaching.game.scoreboard import COLUMNS, scoreboard
from simulation.teaching.game.session import Game, GameError


def test_every_team_starts_from_the_same_organisation_and_plan(organisation):
    game = new_game(organisation)
    alpha, beta = game.teams
    assert alpha.code != beta.code and len(alpha.code) == 4
    assert alpha.plan == beta.plan
    pd.testing.assert_frame_equal(alpha.table, beta.table)
    assert list(alpha.table["week"]) == [0]
    # One tool a round, for all its services, in the order of the tools.
    first = game.base.tools[0]
    assert {alpha.plan[(first.name, s)] for s in game.base.target_services(first)} == {ROUND_WEEKS}
    assert game.base.horizon_weeks == 4 * ROUND_WEEKS
    assert game.base.rollout.strategy == "custom"


def test_team_codes_are_found_in_any_case(organisation):
    game = new_game(organisation)
    code = game.teams[1].code
    assert game.team(f"  {code.lower()} ") is game.teams[1]
    with pytest.raises(GameError) as caught:
        game.team("ZZZZZ")
    assert caught.value.key == "game.problem.code"


@pytest.mark.parametrize("teams", [1, 7])
def test_two_to_six_teams(organisation, teams):
    with pytest.raises(GameError):
        Game(organisation, teams=teams, rounds=2, round_weeks=4)


def test_weeks_already_played_never_change(organisation):
    """Each round's decisions act from that round on: what the room saw stays as it was."""
    game = new_game(organisation)
    seen = []
    while not game.over:
        game.submit(game.teams[0].code, busy_round(game, game.round))
        game.advance()
        seen.append(game.teams[0].table.copy())
    final = game.teams[0].table
    for table in seen:
        pd.testing.assert_frame_equal(table, final.iloc[: len(table)].reset_index(drop=True))
    assert len(final) == game.horizon + 1


def test_decisions_change_the_run_from_their_round_on(played):
    alpha, beta = played.teams
    a, b = alpha.table, beta.table
    # Identical up to the first round's start (week 0), different afterwards.
    pd.testing.assert_frame_equal(a.iloc[:1], b.iloc[:1])
    assert not np.allclose(a["strain_mean"].to_numpy(), b["strain_mean"].to_numpy())


def test_the_exported_scenario_replays_the_game_exactly(played):
    """A team's scenario, written and read again, runs to the game's numbers."""
    for team in played.teams:
        text = dump_scenario(played.scenario_of(team))
        replayed = run_scenario(scenario_from_text(text)).timeseries
        pd.testing.assert_frame_equal(replayed, team.table)


def test_lever_changes_follow_the_rounds(played):
    alpha, beta = played.teams
    changes = played.scenario_of(alpha).lever_changes
    assert [c.week for c in changes] == [1, 9, 17, 25]
    first = changes[0].levers
    base = played.base.levers
    assert first["training_capacity"] == base.training_capacity + Rules().campaign_trainer_hours
    assert first["training_priority"] == (busy_round(played, 0)[0].service,)
    assert first["workload_relief"] == Rules().relief_share
    # Relief lasts one round: the next change puts it back.
    assert changes[1].levers["workload_relief"] == 0.0
    assert changes[1].levers["right_to_disconnect"] is True
    assert played.scenario_of(beta).lever_changes == ()


def test_go_lives_move_only_where_training_has_not_opened(organisation):
    game = new_game(organisation)
    alpha = game.teams[0]
    tool = game.base.tools[0]  # planned at week 8: training opens at week 6
    services = game.base.target_services(tool)
    game.submit(alpha.code, [Decision("postpone", tool=tool.name, services=services[:1], weeks=3)])
    game.advance()  # week 8: tool 0 went live where it was not postponed
    assert alpha.plan[(tool.name, services[0])] == ROUND_WEEKS + 3
    too_late = Decision("launch_now", tool=tool.name, services=services[:2])
    keys = [p.key for p in game.check(alpha, [too_late])]
    assert keys == ["game.problem.too_late"]  # services[1] went live at week 8
    # Launched now: at the earliest week the plan allows (week 8 + 1 + lead 2).
    game.submit(alpha.code, [Decision("launch_now", tool=tool.name, services=services[:1])])
    game.advance()
    assert alpha.plan[(tool.name, services[0])] == plans.earliest_week(ROUND_WEEKS, game.lead)
    live = game.scenario_of(alpha).rollout.waves
    assert any(w.week == ROUND_WEEKS + 3 and w.services == services[:1] for w in live)


def test_budget_and_capital_are_spent_and_refused_beyond(organisation):
    rules = Rules(capital=3)
    game = Game(organisation, teams=2, rounds=3, round_weeks=4, seed=1, rules=rules)
    alpha = game.teams[0]
    backing = Decision("managers_backing")  # 3 points
    assert game.left(alpha, [backing]) == (
        game.budget_eur - cost_eur(backing, game.base, rules, 4),
        0,
    )
    keys = [p.key for p in game.check(alpha, [backing, Decision("communicate")])]
    assert keys == ["game.problem.capital"]
    game.submit(alpha.code, [backing])
    game.advance()
    assert game.left(alpha)[1] == 0
    poor = Game(organisation, teams=2, rounds=2, round_weeks=4, rules=Rules(budget_eur_per_staff=1))
    keys = [p.key for p in poor.check(poor.teams[0], [Decision("involve_staff")])]
    assert keys == ["game.problem.budget"]


def test_bad_choices_are_named(organisation):
    game = new_game(organisation)
    alpha = game.teams[0]
    found = game.check(
        alpha,
        [
            Decision("train_service", service="nowhere", mode="osmosis"),
            Decision("postpone", tool="fax", services=("x",)),
            Decision("teleport"),
        ],
    )
    assert [p.key for p in found] == [
        "game.problem.service",
        "game.problem.mode",
        "game.problem.tool",
        "game.problem.weeks",
        "game.problem.action",
    ]
    charter = Decision("disconnect_charter")
    assert [p.key for p in game.check(alpha, [charter, charter])] == ["game.problem.charter_again"]
    game.submit(alpha.code, [charter])
    game.advance()
    assert [p.key for p in game.check(alpha, [charter])] == ["game.problem.charter_again"]


def test_submitting_again_replaces_and_the_game_ends(organisation):
    game = Game(organisation, teams=2, rounds=1, round_weeks=4)
    alpha = game.teams[0]
    game.submit(alpha.code, [Decision("communicate")])
    game.submit(alpha.code, [Decision("involve_staff")])
    assert alpha.pending == [Decision("involve_staff")]
    game.advance()
    assert game.over and alpha.decisions == [[Decision("involve_staff")]]
    with pytest.raises(GameError):
        game.advance()
    assert [p.key for p in game.check(alpha, [])] == ["game.problem.over"]


def test_lasting_actions_add_up_to_their_maximum_and_round_ones_return():
    base = _levers()
    rules = Rules()
    lasting = base
    for _ in range(4):
        during, lasting = round_levers(lasting, base, [Decision("communicate")], rules)
    assert lasting.project_meaning == 1.0
    during, after = round_levers(
        lasting,
        base,
        [
            Decision("train_service", service="a", mode="vendor"),
            Decision("train_service", service="b", mode="vendor"),
        ],
        rules,
    )
    # The round's trainer hours in each mode: the organisation's, and 2 x 20 by the supplier.
    vendor = base.training_capacity * base.training_mix.vendor + 2 * rules.campaign_trainer_hours
    assert during.training_capacity == pytest.approx(base.training_capacity + 40)
    assert during.training_mix.vendor * during.training_capacity == pytest.approx(vendor)
    assert during.training_priority == ("a", "b")
    assert after.training_capacity == base.training_capacity and after.training_priority == ()


def _levers():
    from simulation.scenario.levers import Levers

    return Levers()


def test_every_action_has_a_cost_and_words(organisation):
    from simulation.i18n.words import phrase

    rules = Rules()
    for action in ACTIONS:
        decision = Decision(action, service="urbanisme", mode="internal", tool="x", services=("y",))
        assert cost_eur(decision, organisation, rules, 13) >= 0
        assert capital_cost(decision, rules) >= 1
        assert phrase(f"game.action.{action}", "fr") != phrase(f"game.action.{action}", "en")


def test_scoreboard_ranks_adoption_then_departures(played):
    board = scoreboard(played)
    assert list(board.columns) == ["rank", "team", "code", *COLUMNS]
    assert list(board["rank"]) == [1, 2]
    adoption = (board["adoption_final"] * 100).round()
    assert adoption.is_monotonic_decreasing
    alpha = board.set_index("team").loc["Alpha"]
    assert alpha["budget_left_eur"] < played.budget_eur
    assert board.set_index("team").loc["Beta", "budget_left_eur"] == played.budget_eur


def test_acting_raises_adoption_over_many_seeds(organisation):
    """Backing, communication and involvement in the first round help on average.

    Over 12 seeds the mean final adoption of the team that acts must be higher than
    the team's that does nothing (the levers' effects are a few points; a seed on which
    it is lower is allowed, the mean is not).
    """
    gains = []
    for seed in range(12):
        game = Game(organisation, teams=2, rounds=2, round_weeks=13, seed=seed)
        acting = [Decision("managers_backing"), Decision("communicate"), Decision("involve_staff")]
        game.submit(game.teams[0].code, acting)
        game.advance()
        game.advance()
        gains.append(
            game.teams[0].table["adoption"].iloc[-1] - game.teams[1].table["adoption"].iloc[-1]
        )
    assert np.mean(gains) > 0


def test_the_readme_table_gives_every_action_and_its_default_costs():
    """The README's table of actions shows each action and its cost on the default commune."""
    from pathlib import Path

    from simulation.i18n.words import euros, phrase
    from simulation.scenario.records import Scenario

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    table = readme.split("**The actions**", 1)[1].split("**The scoreboard**", 1)[0]
    commune, rules = Scenario(), Rules()
    for action in ACTIONS:
        assert phrase(f"game.action.{action}", "fr").split(" (")[0] in table, action
        mode = "vendor" if action == "train_service" else None
        cost = cost_eur(Decision(action, mode=mode), commune, rules, 13)
        if cost:
            assert euros(cost, "fr").replace("\u202f", " ").replace("\xa0", " ") in table, action
