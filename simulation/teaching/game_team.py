"""A team's view of the game: what it has left, its menu of actions, its plan, its curves.

Any device of the team may submit; submitting again replaces the team's choice for
the round. Refused choices are explained in the page's language (the problems of
:meth:`~simulation.teaching.game.session.Game.check`); once submitted, the view says
it waits for the trainer, with what was chosen, until the round closes.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import solara

from simulation.i18n.words import euros
from simulation.teaching import game_choices as menu
from simulation.teaching.game.actions import ACTIONS, PLAN
from simulation.teaching.game.scoreboard import header as scoreboard_header
from simulation.teaching.game.scoreboard import points
from simulation.teaching.game.scoreboard import written as scoreboard_rows
from simulation.teaching.game.session import Game, GameError, Team
from simulation.teaching.game_room import ROOM
from simulation.teaching.game_text import (
    action_label,
    cost,
    decisions_text,
    label,
    mode_label,
    problem,
    say,
    words,
)
from simulation.teaching.pictures.teams import TEAM_MEASURES, teams_png


def table_html(header: list[str], rows: list[list[str]], classes: str = "") -> str:
    """An HTML table of text cells (escaped)."""
    head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f'<table class="{classes}"><tr>{head}</tr>{body}</table>'


def plan_rows(game: Game, team: Team, lang: str) -> list[list[str]]:
    """The team's plan, tool by tool: the week of each go-live and its services."""
    rows = []
    for tool in game.base.tools:
        weeks: dict[int, list[str]] = {}
        for (name, service), week in team.plan.items():
            if name == tool.name:
                weeks.setdefault(week, []).append(label(service))
        for week, services in sorted(weeks.items()):
            rows.append([label(tool.name), say("week_number", lang, n=week), ", ".join(services)])
    return rows


@solara.component
def ActionRow(
    action: str,
    game: Game,
    team: Team,
    choices: dict[str, dict[str, Any]],
    set_choices: Callable[[dict], None],
    lang: str,
) -> None:
    """One action of the menu: taken or not, its cost, and its choices when taken."""
    w = words(lang)
    choice = choices[action]

    def change(**values: Any) -> None:
        set_choices({**choices, action: {**choice, **values}})

    offered = action not in PLAN or bool(menu.movable_tools(game, team))
    title = (
        f"{action_label(action, lang)} — {cost(menu.action_decisions(action, choice), game, lang)}"
    )
    taken = bool(choice["taken"]) and offered
    # Marked once the server has the action taken and drew its choices: the box ticks in
    # the browser at once, the choices below it arrive after (and move what follows).
    marks = ["transnum-taken"] if taken else []
    with solara.Column(gap="2px", classes=["transnum-action", f"transnum-action-{action}", *marks]):
        solara.Checkbox(
            label=title,
            value=taken,
            on_value=lambda taken: change(taken=taken),
            disabled=not offered,
        )
        if not taken:
            return
        with solara.Row(style={"padding-left": "32px", "flex-wrap": "wrap"}):
            if action == "train_service":
                services = {label(s): s for s in game.base.organisation.service_names}
                trained = {mode_label(m, lang): m for m in menu.modes()}
                # One campaign per service chosen, each with its trainer hours and cost.
                solara.SelectMultiple(
                    w["services_trained"],
                    values=[label(s) for s in choice["services"]],
                    all_values=list(services),
                    on_value=lambda shown: change(services=[services[s] for s in shown]),
                )
                solara.Select(
                    w["mode"],
                    value=mode_label(choice["mode"], lang),
                    values=list(trained),
                    on_value=lambda shown: change(mode=trained[shown]),
                )
            if action in PLAN:
                tools = {label(t): t for t in menu.movable_tools(game, team)}
                tool = choice["tool"] if choice["tool"] in tools.values() else None
                solara.Select(
                    w["tool"],
                    value=label(tool) if tool else None,
                    values=list(tools),
                    on_value=lambda shown: set_choices(
                        {**choices, action: menu.choose_tool(game, team, choice, tools[shown])}
                    ),
                )
                movable = {label(s): s for s in menu.movable_services(game, team, tool or "")}
                solara.SelectMultiple(
                    w["services"],
                    values=[label(s) for s in choice["services"] if label(s) in movable],
                    all_values=list(movable),
                    on_value=lambda shown: change(services=[movable[s] for s in shown]),
                )
            if action == "postpone":
                solara.InputInt(
                    w["weeks"],
                    value=int(choice["weeks"]),
                    on_value=lambda weeks: change(weeks=int(weeks or 0)),
                )


@solara.component
def TeamView(
    code: str,
    lang: str,
    version: int,
    see: Callable[[], None],
    leave: Callable[[], None],
) -> None:
    """The view of the team of ``code``: header, menu or waiting note, plan, curves, score."""
    w = words(lang)
    game = ROOM.game
    team = None
    if game is not None:
        try:
            team = game.team(code)
        except GameError:
            team = None
    if game is None or team is None:
        message = "not_started" if game is None else "unknown_code"
        solara.Info(say(message, lang, code=code), classes=[f"transnum-{message}"])
        solara.Button(w["back"], text=True, on_click=leave)
        return
    # A new round (or a new game) starts the menu afresh: the form is keyed on it.
    TeamRound(game, team, lang, version, see).key(f"{id(game)}-{game.round}")


@solara.component
def TeamRound(game: Game, team: Team, lang: str, version: int, see: Callable[[], None]) -> None:
    """The team's round: what is left, the menu or the waiting note, plan, curves, score."""
    w = words(lang)
    choices, set_choices = solara.use_state(menu.start_choices(game, team))
    editing, set_editing = solara.use_state(False)
    refused, set_refused = solara.use_state([])
    chosen = menu.decisions(choices)
    waiting = team.pending is not None and not editing and not game.over
    # What is left after the choices shown: the submitted ones while waiting (another
    # device of the team may have sent them), the menu's while choosing.
    euros_left, points_left = game.left(team, team.pending if waiting else chosen)

    def submit() -> None:
        found = game.check(team, chosen)
        if found:
            set_refused([problem(error, lang) for error in found])
            return
        try:
            ROOM.submit(team.code, chosen)
        except GameError as error:
            set_refused([problem(error, lang)])
            return
        set_refused([])
        set_editing(False)
        see()

    solara.HTML(tag="h2", unsafe_innerHTML=html.escape(team.name))
    shown_round = min(game.round + 1, game.rounds)
    solara.Text(
        say("round_of", lang, k=shown_round, n=game.rounds)
        + " · "
        + say("week_number", lang, n=game.week),
        classes=["transnum-round"],
    )
    solara.Text(
        say("left", lang, euros=euros(euros_left, lang), points=points(points_left, lang)),
        classes=["transnum-left"],
    )
    if game.over:
        solara.Success(say("game_over", lang), classes=["transnum-game-over"])
    elif waiting:
        solara.Success(
            say("waiting", lang, chosen=decisions_text(team.pending, game, lang)),
            classes=["transnum-waiting"],
        )
        solara.Button(w["change"], text=True, on_click=lambda: set_editing(True))
    else:
        with solara.Card(w["menu"]):
            for action in ACTIONS:
                ActionRow(action, game, team, choices, set_choices, lang)
            solara.Button(
                w["submit"], color="primary", on_click=submit, classes=["transnum-submit"]
            )
            for text in refused:
                solara.Error(text, classes=["transnum-refused"])
    with solara.Card(w["plan"]):
        header = [w["tool"], w["go_live"], w["services"]]
        solara.HTML(tag="div", unsafe_innerHTML=table_html(header, plan_rows(game, team, lang)))
    picture = solara.use_memo(
        lambda: teams_png([(team.name, team.table)], game.horizon, lang, TEAM_MEASURES),
        dependencies=[id(game), game.round, team.code, lang],
    )
    solara.Image(picture, classes=["transnum-team-curves"])
    solara.HTML(
        tag="div",
        unsafe_innerHTML=table_html(
            scoreboard_header(lang), scoreboard_rows(game, lang, team.code), "transnum-team-score"
        ),
    )
