"""The trainer's view of the game: set-up, the teams' codes, the round, the end.

Before the game, a form: the organisation (a preset, at most 2,000 staff as on the
teaching page), teams, rounds, weeks per round and seed; ``transnum app --game`` may
prefill it (``TRANSNUM_APP_GAME``, JSON). During the game: each team's name and code
in large letters for the room to read, the round and week, a timer, every team's
status (choosing or submitted, with what it chose), closing the round, the
scoreboard and every team's curves on one picture. After the last round: the
debrief (:mod:`simulation.teaching.game.debrief`) and the export of the session's
folder (:mod:`simulation.teaching.game.export`).
"""

from __future__ import annotations

import datetime
import html
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import solara

from simulation.i18n.language import using
from simulation.i18n.words import number, phrase
from simulation.scenario.errors import ScenarioError
from simulation.teaching.game.debrief import Debrief
from simulation.teaching.game.scoreboard import header as scoreboard_header
from simulation.teaching.game.scoreboard import written as scoreboard_rows
from simulation.teaching.game.session import Game, GameError
from simulation.teaching.game_room import GAME_ENV, PLANS_ENV, ROOM
from simulation.teaching.game_team import table_html
from simulation.teaching.game_text import (
    decisions_text,
    duration,
    problem,
    say,
    words,
)
from simulation.teaching.models import MAX_TEACHING_STAFF, first_preset, preset_scenario
from simulation.teaching.pictures import png
from simulation.teaching.pictures.teams import ROOM_MEASURES, teams_png
from simulation.teaching.settings import own_staff, preset_choices, preset_title

DEFAULTS = {"teams": 3, "rounds": 12, "round_weeks": 13, "seed": 1, "staff": 0}
FOLDER_FORMAT = "atelier-%Y%m%d-%H%M"
"""The export's folder, under the current directory."""


def form_start() -> dict:
    """The set-up form when it opens: the defaults, then what the command line gave."""
    given = json.loads(os.environ.get(GAME_ENV) or "{}")
    values = {**DEFAULTS, **{k: int(v) for k, v in given.items() if k in DEFAULTS}}
    return {"preset": first_preset(), **values}


def game_scenario(preset: str, staff: int):
    """The preset's scenario at ``staff`` staff (0: its own), capped at the page's limit."""
    scenario = preset_scenario(preset)
    size = min(int(staff) or own_staff(preset), MAX_TEACHING_STAFF)
    if size != own_staff(preset):
        scenario = scenario.override({"organisation.total_staff": size})
    return scenario


def export_folder(now: datetime.datetime | None = None) -> Path:
    """Where the session is exported: ``atelier-YYYYmmdd-HHMM`` in the current directory."""
    return Path.cwd() / (now or datetime.datetime.now()).strftime(FOLDER_FORMAT)


@solara.component
def SetupForm(lang: str, see: Callable[[], None]) -> None:
    """The game's settings and the button that starts it."""
    w = words(lang)
    form, set_form = solara.use_state(form_start())
    failure, set_failure = solara.use_state("")
    choices = preset_choices(lang)

    def field(key: str, low: int, high: int) -> None:
        solara.InputInt(
            w[f"setup_{key}"],
            value=int(form[key]),
            on_value=lambda v: set_form({**form, key: max(low, min(high, int(v or 0)))}),
            classes=[f"transnum-setup-{key}"],
        )

    def start() -> None:
        try:
            scenario = game_scenario(form["preset"], form["staff"])
            ROOM.set_up(
                scenario,
                # Named in the page's language, whatever the server's messages speak.
                teams=[phrase("game.team_name", lang, n=i + 1) for i in range(form["teams"])],
                rounds=form["rounds"],
                round_weeks=form["round_weeks"],
                seed=form["seed"],
                title=preset_title(form["preset"], lang),
            )
        except GameError as error:
            set_failure(problem(error, lang))
            return
        set_failure("")
        see()

    with solara.Card(w["setup_title"], style={"max-width": "640px"}):
        solara.Select(
            w["setup_preset"],
            value=next(t for t, p in choices.items() if p == form["preset"]),
            values=list(choices),
            on_value=lambda title: set_form({**form, "preset": choices[title]}),
        )
        field("staff", 0, MAX_TEACHING_STAFF)
        field("teams", 2, 6)
        field("rounds", 1, 24)
        field("round_weeks", 1, 52)
        field("seed", 0, 9999)
        solara.Text(say("setup_staff_note", lang, high=number(MAX_TEACHING_STAFF, lang)))
        solara.Button(w["start"], color="primary", on_click=start, classes=["transnum-start"])
        if failure:
            solara.Error(failure)


def codes_html(game: Game) -> str:
    """Each team's name and code, large (for the room to read)."""
    cards = "".join(
        f'<div class="transnum-game-code"><div class="name">{html.escape(t.name)}</div>'
        f'<div class="code">{html.escape(t.code)}</div></div>'
        for t in game.teams
    )
    return f'<div class="transnum-game-codes">{cards}</div>'


@solara.component
def Timer(lang: str) -> None:
    """Time since the round opened and, with a round length, the time left."""
    w = words(lang)
    tick, set_tick = solara.use_state(0)

    def run(cancel: threading.Event) -> None:
        count = 0
        while not cancel.wait(1.0):
            count += 1
            set_tick(count)

    solara.use_thread(run, dependencies=[], intrusive_cancel=False)
    remaining = ROOM.remaining()
    with solara.Row(style={"align-items": "center", "gap": "24px"}):
        solara.Text(
            say("elapsed", lang, time=duration(ROOM.elapsed(), lang)), classes=["transnum-timer"]
        )
        if remaining is not None:
            over = remaining < 0
            solara.Text(
                say("over_time" if over else "remaining", lang, time=duration(remaining, lang)),
                classes=["transnum-timer"] + (["transnum-timer-over"] if over else []),
            )
        solara.InputInt(
            w["round_minutes"],
            value=ROOM.round_minutes,
            on_value=lambda v: ROOM.set_round_minutes(int(v or 0)),
            style={"max-width": "220px"},
        )


def status_rows(game: Game, lang: str) -> list[list[str]]:
    """Each team's status this round: choosing, or submitted with what it chose."""
    rows = []
    for team in game.teams:
        if team.pending is None:
            rows.append([team.name, team.code, say("choosing", lang), ""])
        else:
            rows.append(
                [
                    team.name,
                    team.code,
                    say("submitted", lang),
                    decisions_text(team.pending, game, lang),
                ]
            )
    return rows


@solara.component
def RoundPanel(game: Game, lang: str, version: int, see: Callable[[], None]) -> None:
    """The round being played: its number, the timer, the teams' status, closing it.

    ``version`` is the room's: a new one redraws the panel (the game object is the same).
    """
    w = words(lang)
    failure, set_failure = solara.use_state("")

    def close() -> None:
        try:
            ROOM.advance()
        except GameError as error:
            set_failure(problem(error, lang))
            return
        set_failure("")
        see()

    solara.Text(
        say("round_of", lang, k=game.round + 1, n=game.rounds)
        + " · "
        + say("week_number", lang, n=game.week),
        classes=["transnum-round"],
    )
    Timer(lang)
    header = [w["column_team"], w["code_label"], w["status"], w["chosen"]]
    solara.HTML(
        tag="div", unsafe_innerHTML=table_html(header, status_rows(game, lang), "transnum-status")
    )
    solara.Button(w["close_round"], color="primary", on_click=close, classes=["transnum-close"])
    if failure:
        solara.Error(failure)


def session_debrief(game: Game, lang: str) -> Debrief:
    """The game's debrief (every team's plan replayed on many seeds).

    With ``transnum app --game --plans FOLDER``, the optimisation's robust plans too; a
    folder for another organisation leaves them out, with a note saying why.
    """
    from simulation.teaching.game.debrief import debrief
    from simulation.teaching.game.robust import robust_plans

    folder = os.environ.get(PLANS_ENV)
    robust, notes = None, []
    if folder:
        try:
            with using(lang):  # the problem in the page's language
                robust = robust_plans(folder, game.base)
        except ScenarioError as error:  # the debrief goes on without them, and says why
            notes.append(phrase("game.robust.left_out", lang, problem=str(error)))
    found = debrief(game, robust=robust)
    found.notes.extend(notes)
    return found


def export(game: Game, lang: str) -> str:
    """Write the session's folder (with the debrief, computed if not yet) and name it."""
    from simulation.teaching.game.export import export_session

    found = ROOM.debrief if ROOM.debrief is not None else session_debrief(game, lang)
    return str(export_session(game, found, export_folder(), lang=lang))


@solara.component
def EndPanel(game: Game, lang: str, version: int, see: Callable[[], None]) -> None:
    """After the last round: the debrief and the export of the session's folder.

    Both run in the background (:meth:`~simulation.teaching.game_room.Room.start`);
    the panel shows what is under way and redraws when it is done.
    """
    w = words(lang)

    def run_debrief() -> None:
        ROOM.start("debrief", lambda: session_debrief(game, lang), keep="debrief")
        see()

    def run_export() -> None:
        ROOM.start("export", lambda: export(game, lang), keep="exported")
        see()

    busy = ROOM.working is not None
    solara.Success(say("game_over", lang), classes=["transnum-game-over"])
    with solara.Row():
        solara.Button(
            w["debrief"],
            color="primary",
            on_click=run_debrief,
            disabled=busy,
            classes=["transnum-debrief"],
        )
        solara.Button(
            w["export"],
            color="primary",
            on_click=run_export,
            disabled=busy,
            classes=["transnum-export"],
        )
    if busy:
        solara.Text(say(f"working_{ROOM.working}", lang), classes=["transnum-working"])
        solara.ProgressLinear(True)
    if ROOM.failure:
        solara.Error(ROOM.failure)
    if ROOM.exported:
        solara.Info(say("exported", lang, path=ROOM.exported), classes=["transnum-exported"])
    if ROOM.debrief is not None:
        DebriefPanel(ROOM.debrief, lang)


@solara.component
def DebriefPanel(found: Debrief, lang: str) -> None:
    """The debrief's figures and each team's reading."""
    from simulation.teaching.game.debrief_figures import figures
    from simulation.teaching.game.debrief_text import readings

    pictures = solara.use_memo(
        lambda: {name: png(figure) for name, figure in figures(found, lang).items()},
        dependencies=[id(found), lang],
    )
    read = solara.use_memo(lambda: readings(found, lang), dependencies=[id(found), lang])
    with solara.Column(classes=["transnum-debrief-panel"]):
        solara.HTML(tag="h3", unsafe_innerHTML=html.escape(words(lang)["debrief"]))
        for note in found.notes:
            solara.Warning(note, classes=["transnum-debrief-note"])
        for reading in read.values():  # each names its team first
            solara.Text(reading, classes=["transnum-reading"], style={"display": "block"})
        for name, picture in pictures.items():
            solara.Image(picture, classes=[f"transnum-debrief-{name}"])


@solara.component
def TrainerView(lang: str, version: int, see: Callable[[], None]) -> None:
    """The trainer's view: the set-up form, then the game."""
    game = ROOM.game
    if game is None:
        SetupForm(lang, see)
    else:
        GameView(game, lang, version, see)


@solara.component
def GameView(game: Game, lang: str, version: int, see: Callable[[], None]) -> None:
    """The game in progress (or over) as the trainer runs it."""
    w = words(lang)
    shown = f"{ROOM.title} · {number(game.base.staff_count, lang)} {w['staff']}"
    solara.Text(shown, classes=["transnum-shown"])
    solara.HTML(tag="div", unsafe_innerHTML=codes_html(game))
    if game.over:
        EndPanel(game, lang, version, see)
    else:
        RoundPanel(game, lang, version, see)
    solara.HTML(tag="h3", unsafe_innerHTML=html.escape(w["scoreboard"]))
    solara.HTML(
        tag="div",
        unsafe_innerHTML=table_html(
            scoreboard_header(lang), scoreboard_rows(game, lang), "transnum-scoreboard"
        ),
    )
    picture = solara.use_memo(
        lambda: teams_png(
            [(t.name, t.table) for t in game.teams], game.horizon, lang, ROOM_MEASURES
        ),
        dependencies=[id(game), game.round, lang],
    )
    solara.Image(picture, classes=["transnum-room-curves"])
    NewGame(lang, see)


@solara.component
def NewGame(lang: str, see: Callable[[], None]) -> None:
    """« Nouvelle partie », asked twice: a stray click must not end a session."""
    w = words(lang)
    asked, set_asked = solara.use_state(False)
    if not asked:
        solara.Button(
            w["new_game"],
            text=True,
            on_click=lambda: set_asked(True),
            classes=["transnum-new-game"],
        )
        return
    solara.Warning(w["new_game_asked"], classes=["transnum-new-game-asked"])
    with solara.Row():
        solara.Button(
            w["new_game_yes"],
            color="error",
            on_click=lambda: (set_asked(False), ROOM.reset(), see()),
            classes=["transnum-new-game-yes"],
        )
        solara.Button(w["new_game_no"], on_click=lambda: set_asked(False))
