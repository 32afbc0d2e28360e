"""The game's debrief: the same seed, many seeds, profiles, and the readings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import new_game

from simulation.experiments.runner import COMPARED_STRATEGIES, run_scenario
from simulation.scenario.profiles import PROFILES
from simulation.teaching.game.debrief import LUCK_OUTCOMES, START, Debrief, debrief
from simulation.teaching.game.debrief_figures import FIGURES, figures
from simulation.teaching.game.debrief_text import readings
from simulation.teaching.game.scoreboard import team_outcomes

REPLICATIONS = 6


@pytest.fixture(scope="module")
def shown(played) -> Debrief:
    return debrief(played, replications=REPLICATIONS)


def test_the_same_seed_curves_are_the_game_and_the_strategies(played, shown):
    plans = list(dict.fromkeys(shown.curves["plan"]))
    assert plans == [*shown.teams, START, *COMPARED_STRATEGIES]
    for team in played.teams:
        mine = shown.curves[shown.curves["plan"] == team.code].reset_index(drop=True)
        np.testing.assert_array_equal(mine["adoption"], team.table["adoption"])
    big_bang = run_scenario(played.base.with_strategy("big_bang")).timeseries
    mine = shown.curves[shown.curves["plan"] == "big_bang"]
    np.testing.assert_array_equal(mine["dropout"], big_bang["dropout"])


def test_replication_zero_is_the_game_and_the_others_differ(played, shown):
    for team in played.teams:
        runs = shown.runs[shown.runs["plan"] == team.code]
        assert list(runs["replication"]) == list(range(REPLICATIONS))
        game = team_outcomes(team.table)
        first = runs.iloc[0]
        assert first["adoption_final"] == game["adoption_final"]
        assert first["departures"] == game["departures_strain"] + game["departures_refusal"]
        assert runs["adoption_final"].nunique() > 1  # other seeds, other draws


def test_luck_places_the_game_within_its_plan(shown):
    assert set(shown.luck["outcome"]) == set(LUCK_OUTCOMES)
    assert shown.luck["percentile"].between(0, 1).all()
    assert (shown.luck["low"] <= shown.luck["mean"]).all()
    assert (shown.luck["mean"] <= shown.luck["high"]).all()


def test_duels_are_complementary(shown):
    a, b = shown.teams
    assert shown.duels.loc[a, b] + shown.duels.loc[b, a] == pytest.approx(1.0)


def test_a_team_that_never_acted_changed_no_profile(played, shown):
    beta = played.teams[1].code
    mine = shown.profiles[shown.profiles["team"] == beta]
    assert list(mine["profile"]) == list(PROFILES)
    assert (mine[["adoption", "departures"]] == 0).all().all()


def test_two_identical_plans_tie(organisation):
    game = new_game(organisation, rounds=2)
    game.advance()
    game.advance()
    same = debrief(game, replications=4)
    a, b = same.teams
    assert same.duels.loc[a, b] == 0.5


def test_readings_name_the_team_and_speak_the_language(played, shown):
    for lang, other_word in (("fr", "draws"), ("en", "tirages")):
        texts = readings(shown, lang)
        assert set(texts) == set(shown.teams)
        for code, reading in texts.items():
            assert shown.teams[code] in reading
            assert other_word not in reading
    acted = readings(shown, "fr")[played.teams[0].code]
    assert any(name in acted for name in ("technophiles", "suiveurs", "dépassés"))


def test_readings_tell_luck_from_choice():
    teams = {"A": "Alpha", "B": "Beta"}
    luck = pd.DataFrame(
        [
            {
                "team": t,
                "outcome": o,
                "game": g,
                "mean": 0.5,
                "low": 0.4,
                "high": 0.6,
                "percentile": p,
            }
            for t, g, p in (("A", 0.7, 0.95), ("B", 0.3, 0.05))
            for o in LUCK_OUTCOMES
        ]
    )
    duels = pd.DataFrame([[np.nan, 0.9], [0.1, np.nan]], index=list(teams), columns=list(teams))
    profiles = pd.DataFrame(
        [
            {"team": t, "profile": p, "adoption": 0.0, "departures": 0.0}
            for t in teams
            for p in PROFILES
        ]
    )
    found = Debrief(
        teams, {"A": 0, "B": 1}, pd.DataFrame(), pd.DataFrame(), luck, duels, profiles, 10
    )
    texts = readings(found, "en")
    assert "luck helped" in texts["A"] and "from its choices" in texts["A"]
    assert "luck went against it" in texts["B"] and "Alpha's choices" in texts["B"]
    assert "changed the profiles' adoption little" in texts["A"]


def test_every_picture_is_drawn_in_both_languages(shown):
    for lang in ("fr", "en"):
        drawn = figures(shown, lang)
        assert list(drawn) == list(FIGURES)
        for figure in drawn.values():
            assert figure.axes and all(ax.has_data() for ax in figure.axes)


def test_the_optimisers_plans_are_drawn_beside_the_teams(played, tmp_path):
    """A folder of ``transnum optimise`` adds its named plans on the game's seed."""
    from simulation.scenario.errors import ScenarioError
    from simulation.scenario.loading import dump_scenario
    from simulation.teaching.game.debrief import ROBUST
    from simulation.teaching.game.robust import robust_plans

    (tmp_path / "plans").mkdir()
    balanced = played.base.override(
        {"rollout.strategy": "small_steps", "rollout.waves": [], "levers.manager_backing": 0.9}
    )
    (tmp_path / "plans" / "balanced.yaml").write_text(dump_scenario(balanced), encoding="utf-8")
    plans = robust_plans(tmp_path, played.base)
    assert list(plans) == ["balanced"]
    assert plans["balanced"].horizon_weeks == played.horizon
    assert plans["balanced"].seed == played.base.seed
    found = debrief(played, replications=2, robust=plans)
    curve = found.curves[found.curves["plan"] == f"{ROBUST}balanced"]
    assert set(curve["kind"]) == {"robust"}
    expected = run_scenario(plans["balanced"]).timeseries["adoption"]
    np.testing.assert_array_equal(curve["adoption"], expected)
    assert figures(found, "fr")["trajectories"].axes[0].get_legend_handles_labels() is not None

    other = _other_organisation()
    (tmp_path / "plans" / "balanced.yaml").write_text(dump_scenario(other), encoding="utf-8")
    with pytest.raises(ScenarioError, match="another organisation"):
        robust_plans(tmp_path, played.base)
    with pytest.raises(ScenarioError, match="holds no plan"):
        robust_plans(tmp_path / "plans", played.base)


def _other_organisation():
    from simulation.scenario.records import Scenario

    return Scenario().override(
        {
            "organisation.services": [
                {"name": "a", "headcount": 20},
                {"name": "b", "headcount": 20},
            ],
            "organisation.relations": [],
            "tools": [{"name": "t"}],
        }
    )
