"""The game's room: the one game every connection of the page's server shares."""

from __future__ import annotations

import pytest

from simulation.scenario.records import Scenario
from simulation.teaching import game_choices as menu
from simulation.teaching.game.actions import Decision
from simulation.teaching.game.scoreboard import header as scoreboard_header
from simulation.teaching.game.scoreboard import written as scoreboard_rows
from simulation.teaching.game.session import GameError
from simulation.teaching.game_page import asked, pin_matches
from simulation.teaching.game_room import Room
from simulation.teaching.game_text import (
    decisions_text,
    duration,
    problem,
)
from simulation.teaching.game_trainer import export_folder, form_start, game_scenario

SMALL = Scenario().override({"organisation.total_staff": 120})


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def played():
    """A room with a game of two teams, three rounds of four weeks."""
    clock = Clock()
    room = Room(clock)
    room.set_up(SMALL, teams=["A", "B"], rounds=3, round_weeks=4, seed=3)
    return room, clock


def test_every_change_bumps_the_version_and_a_round_reopens_the_timer():
    clock = Clock()
    room = Room(clock)
    assert room.game is None and room.version == 0
    with pytest.raises(GameError) as error:
        room.submit("ABCD", [])
    assert error.value.key == "game.problem.no_game"
    game = room.set_up(SMALL, teams=2, rounds=2, round_weeks=3, seed=1, title="Commune")
    assert room.version == 1 and room.title == "Commune" and room.game is game
    first, second = game.teams
    room.submit(first.code.lower(), [Decision("communicate")])  # any case
    assert room.version == 2 and first.pending == [Decision("communicate")]
    room.submit(first.code, [])  # submitting again replaces
    assert first.pending == [] and second.pending is None
    clock.now += 95
    assert room.elapsed() == pytest.approx(95)
    assert room.remaining() is None
    room.set_round_minutes(2)
    assert room.remaining() == pytest.approx(25)
    room.advance()
    assert game.round == 1 and room.version == 5
    assert room.elapsed() == 0 and first.pending is None
    assert len(first.table) == 4  # weeks 0 to 3
    room.advance()
    with pytest.raises(GameError, match="over"):
        room.advance()
    room.reset()
    assert room.game is None and room.version == 7


def test_a_refused_submission_changes_nothing(played):
    room, _ = played
    team = room.game.teams[0]
    version = room.version
    too_much = [Decision("disconnect_charter"), Decision("disconnect_charter")]
    with pytest.raises(GameError) as error:
        room.submit(team.code, too_much)
    assert error.value.key == "game.problem.charter_again"
    assert room.version == version and team.pending is None
    assert problem(error.value, "fr") == (
        "La charte du droit à la déconnexion ne s'adopte qu'une fois."
    )
    short = room.game.check(team, [Decision("managers_backing")] * 5)
    assert [problem(e, "fr") for e in short] == [
        "Capital politique insuffisant\xa0: il manque 3 points."
    ]


def test_the_menu_offers_only_the_go_lives_that_can_move(played):
    room, _ = played
    game = room.game
    team = game.teams[0]
    choices = menu.start_choices(game, team)
    assert menu.decisions(choices) == []  # nothing taken when a round opens
    launch = choices["launch_now"]
    assert launch["tool"] == game.base.tools[0].name
    assert launch["services"] == menu.movable_services(game, team, launch["tool"])
    for action in ("communicate", "launch_now", "train_service"):
        choices[action]["taken"] = True
    chosen = menu.decisions(choices)
    assert [d.action for d in chosen] == ["train_service", "communicate", "launch_now"]
    assert game.check(team, chosen) == []
    written = decisions_text(chosen, game, "fr")
    assert "Communiquer sur le sens du projet" in written and "formation interne" in written
    other = menu.choose_tool(game, team, launch, game.base.tools[1].name)
    assert other["services"] == menu.movable_services(game, team, game.base.tools[1].name)


def test_the_scoreboard_is_written_with_units(played):
    room, _ = played
    rows = scoreboard_rows(room.game, "fr")
    assert [row[1] for row in rows] == ["A", "B"] or [row[1] for row in rows] == ["B", "A"]
    assert len(scoreboard_header("fr")) == len(rows[0])
    assert rows[0][2].endswith("\u202f%") and rows[0][7].endswith("\xa0€")
    assert rows[0][8] == "12 points"
    only = scoreboard_rows(room.game, "en", room.game.teams[1].code)
    assert len(only) == 1 and only[0][1] == "B" and only[0][7].startswith("€")


def test_the_address_chooses_the_view_and_the_pin_guards_the_trainers():
    assert asked("") == ("landing", "")
    assert asked("team=abcd") == ("team", "ABCD")
    assert asked("trainer=1") == ("trainer", "")
    assert pin_matches("", None) and pin_matches(" 123456 ", "123456")
    assert not pin_matches("123457", "123456")
    assert duration(65.4, "fr") == "1 min 05 s" and duration(-10, "fr") == "−0 min 10 s"


def test_the_set_up_form_starts_from_the_command_line_and_caps_the_staff(monkeypatch):
    monkeypatch.setenv("TRANSNUM_APP_GAME", '{"teams": 4, "rounds": 6}')
    start = form_start()
    assert start["teams"] == 4 and start["rounds"] == 6 and start["round_weeks"] == 13
    assert game_scenario("default", 0).staff_count == Scenario().staff_count
    assert game_scenario("default", 150).staff_count == 150
    assert game_scenario("default", 5000).staff_count == 2000
    assert export_folder().name.startswith("atelier-")


# ----------------------------------------------------------------- serving


def test_the_game_is_served_in_its_own_mode_with_its_pin_and_first_settings():
    from simulation.i18n.words import phrase
    from simulation.teaching.server import app_command

    command, env = app_command(game=True, pin="123456", game_settings={"teams": 4}, lang="fr")
    assert command[4] == "simulation.teaching.game_page:page"
    assert env["TRANSNUM_APP_MODE"] == "game"
    assert env["TRANSNUM_APP_PIN"] == "123456"
    assert env["TRANSNUM_APP_GAME"] == '{"teams": 4}'
    assert env["SOLARA_THEME_TITLE"] == phrase("gamepage.title", "fr")
    _, env = app_command(pin="123456")  # the teaching page has no PIN
    assert "TRANSNUM_APP_PIN" not in env and "TRANSNUM_APP_GAME" not in env


def test_transnum_app_game_prints_the_views_and_a_pin_beyond_this_machine(monkeypatch):
    from click.testing import CliRunner

    from simulation.cli import main
    from simulation.teaching import server

    served = []
    monkeypatch.setattr(server, "serve", lambda command, env: served.append(env) or 0)
    monkeypatch.setattr(server, "port_is_free", lambda host, port: True)
    local = CliRunner().invoke(main, ["app", "--game", "--lang", "en", "--rounds", "6"])
    assert local.exit_code == 0, local.output
    assert "http://127.0.0.1:8765/?trainer=1" in local.output
    assert "http://127.0.0.1:8765/ " in local.output and "PIN" not in local.output
    assert "TRANSNUM_APP_PIN" not in served[-1]
    assert served[-1]["TRANSNUM_APP_GAME"] == '{"rounds": 6}'
    room = CliRunner().invoke(main, ["app", "--game", "--lang", "en", "--host", "10.0.0.5"])
    assert room.exit_code == 0, room.output
    pin = served[-1]["TRANSNUM_APP_PIN"]
    assert len(pin) == 6 and f"PIN of the trainer's view: {pin}" in room.output
    given = CliRunner().invoke(main, ["app", "--game", "--host", "10.0.0.5", "--pin", "4242"])
    assert given.exit_code == 0 and served[-1]["TRANSNUM_APP_PIN"] == "4242"
    both = CliRunner().invoke(main, ["app", "--game", "--workshop"])
    assert both.exit_code == 2 and "--workshop" in both.output


def test_background_work_is_kept_one_job_at_a_time_and_its_failure_told():
    import threading
    import time

    room = Room()
    release = threading.Event()
    assert room.start("debrief", lambda: release.wait(10) and "done", keep="debrief")
    assert room.working == "debrief"
    assert not room.start("export", lambda: "folder", keep="exported")  # one at a time
    release.set()
    deadline = time.monotonic() + 10
    while room.working is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert room.debrief == "done" and room.failure == ""

    def broken():
        raise OSError("disk full")

    assert room.start("export", broken, keep="exported")
    while room.working is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert room.exported is None and room.failure == "OSError: disk full"
    with pytest.raises(AttributeError):
        room.start("x", lambda: None, keep="game")


def test_transnum_app_game_passes_an_optimisation_folder_to_the_debrief(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from simulation.cli import main
    from simulation.scenario.loading import dump_scenario
    from simulation.teaching import server
    from simulation.teaching.game.session import Game
    from simulation.teaching.game_room import PLANS_ENV
    from simulation.teaching.game_trainer import session_debrief

    served = []
    monkeypatch.setattr(server, "serve", lambda command, env: served.append(env) or 0)
    monkeypatch.setattr(server, "port_is_free", lambda host, port: True)
    alone = CliRunner().invoke(main, ["app", "--plans", str(tmp_path), "--lang", "en"])
    assert alone.exit_code == 2 and "--plans goes with --game" in alone.output
    empty = CliRunner().invoke(main, ["app", "--game", "--plans", str(tmp_path), "--lang", "en"])
    assert empty.exit_code != 0 and "holds no plan of transnum optimise" in empty.output
    (tmp_path / "plans").mkdir()
    other = Scenario().override(
        {
            "organisation.services": [{"name": "a", "headcount": 9}, {"name": "b", "headcount": 9}],
            "organisation.relations": [],
            "tools": [{"name": "t"}],
        }
    )
    (tmp_path / "plans" / "safest.yaml").write_text(dump_scenario(other), encoding="utf-8")
    given = CliRunner().invoke(main, ["app", "--game", "--plans", str(tmp_path)])
    assert given.exit_code == 0, given.output
    assert served[-1][PLANS_ENV] == str(tmp_path.resolve())
    # A plan for another organisation: the debrief goes on without it and says why.
    monkeypatch.setenv(PLANS_ENV, str(tmp_path))
    game = Game(SMALL, teams=2, rounds=1, round_weeks=4)
    game.advance()
    found = session_debrief(game, "fr")
    assert len(found.notes) == 1 and "autre organisation" in found.notes[0]
    assert not found.curves["kind"].eq("robust").any()
    (tmp_path / "plans" / "safest.yaml").write_text(dump_scenario(SMALL), encoding="utf-8")
    found = session_debrief(game, "en")
    assert not found.notes and found.curves["kind"].eq("robust").any()


def test_a_training_campaign_per_service_chosen_each_priced(played):
    room, _ = played
    game = room.game
    team = game.teams[0]
    choices = menu.start_choices(game, team)
    services = list(game.base.organisation.service_names[:3])
    choices["train_service"] = {"taken": True, "services": services, "mode": "action"}
    chosen = menu.decisions(choices)
    assert [(d.service, d.mode) for d in chosen] == [(s, "action") for s in services]
    one = menu.action_decisions(
        "train_service", {**choices["train_service"], "services": services[:1]}
    )
    from simulation.teaching.game.actions import cost_eur

    priced = [cost_eur(d, game.base, game.rules, game.round_weeks) for d in chosen]
    assert priced == [cost_eur(one[0], game.base, game.rules, game.round_weeks)] * 3
    written = decisions_text(chosen, game, "en")
    assert written.count("Train a service: ") == 3 and " : " not in written
