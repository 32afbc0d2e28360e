"""The game's scoreboard: every team's organisation so far, ranked.

Columns (one row per team, from its weekly table up to the last round played):

* ``adoption_final``: share of staff who adopted the tools (0-1);
* ``weeks_to_80pct_adoption``: first week adoption reached 80 % (None: not yet);
* ``departures_strain``, ``departures_refusal``: staff who left their post, by cause;
* ``rps_high_person_weeks``: staff-weeks spent at high strain;
* ``budget_left_eur``, ``capital_left``: what the team has not spent.

Teams are ranked on adoption (to the whole percent, higher first), then on
departures (fewer first), then person-weeks at high strain, then budget left: a
transition is won by bringing staff along, not by spending (the game's rule).
"""

from __future__ import annotations

import math

import pandas as pd

from simulation.i18n.words import euros, number, percent, phrase, typography
from simulation.model.outcomes import summarize
from simulation.teaching.game.session import Game, Team

COLUMNS: tuple[str, ...] = (
    "adoption_final",
    "weeks_to_80pct_adoption",
    "departures_strain",
    "departures_refusal",
    "rps_high_person_weeks",
    "budget_left_eur",
    "capital_left",
)
"""The scoreboard's outcomes, in the order shown."""
HEADER: tuple[str, ...] = ("rank", "team", *COLUMNS)
"""The columns of the scoreboard as written for people (:func:`written`)."""


def team_outcomes(table: pd.DataFrame) -> dict[str, float | int | None]:
    """The outcomes of one team's weekly table (the columns of :data:`COLUMNS` but budgets)."""
    summary = summarize(table)
    initial = float(table["active_staff"].iloc[0])
    return {
        "adoption_final": summary["adoption_final"],
        "weeks_to_80pct_adoption": summary["weeks_to_80pct_adoption"],
        "departures_strain": round((summary["dropout_strain_share"] or 0.0) * initial),
        "departures_refusal": round((summary["dropout_refusal_share"] or 0.0) * initial),
        "rps_high_person_weeks": summary["rps_high_person_weeks"],
    }


def scoreboard(game: Game) -> pd.DataFrame:
    """One row per team, best first: ``rank``, ``team``, ``code`` and :data:`COLUMNS`."""
    rows = []
    for team in game.teams:
        rows.append({"team": team.name, "code": team.code, **_row(game, team)})
    board = pd.DataFrame(rows)
    order = board.assign(
        _adoption=-(board["adoption_final"].fillna(0.0) * 100).round(),
        _departures=board["departures_strain"] + board["departures_refusal"],
        _strain=board["rps_high_person_weeks"].fillna(0.0),
        _budget=-board["budget_left_eur"],
    ).sort_values(["_adoption", "_departures", "_strain", "_budget"], kind="stable")
    board = board.loc[order.index].reset_index(drop=True)
    board.insert(0, "rank", range(1, len(board) + 1))
    return board


def _row(game: Game, team: Team) -> dict[str, float | int | None]:
    euros, points = game.left(team)
    assert team.table is not None  # every team is run when the game is set up
    return {**team_outcomes(team.table), "budget_left_eur": euros, "capital_left": points}


# ----------------------------------------------------------------- written


def points(amount: int, lang: str) -> str:
    """Points of political capital (« 3 points », « 1 point »)."""
    key = "point_one" if abs(amount) == 1 else "point_many"
    return typography(phrase(f"gamepage.{key}", lang, n=number(amount, lang)), lang)


def cell(key: str, amount: float | int | None, lang: str, over: bool = False) -> str:
    """One value of the scoreboard with its unit.

    80 % adoption not reached reads « pas encore » while the game goes on, « pas
    atteint » once it is ``over``.
    """
    missing = amount is None or (isinstance(amount, float) and math.isnan(amount))
    if key == "adoption_final":
        return percent(amount, lang, 0)
    if key == "weeks_to_80pct_adoption":
        if missing:
            return phrase("game.export.not_reached" if over else "gamepage.not_yet", lang)
        return phrase("gamepage.week_number", lang, n=int(amount))
    if key == "budget_left_eur":
        return euros(float(amount or 0.0), lang)
    if key == "capital_left":
        return points(int(amount or 0), lang)
    return number(amount, lang, 0)  # departures and person-weeks: counts


def header(lang: str) -> list[str]:
    """The written scoreboard's column titles (:data:`HEADER`)."""
    return [phrase(f"gamepage.column_{key}", lang) for key in HEADER]


def written(game: Game, lang: str, code: str | None = None) -> list[list[str]]:
    """The scoreboard written for people: one row per team (only ``code``'s if given)."""
    rows = []
    for row in scoreboard(game).to_dict("records"):
        if code is None or row["code"] == code:
            cells = [str(row["rank"]), str(row["team"])]
            rows.append(cells + [cell(key, row[key], lang, game.over) for key in COLUMNS])
    return rows
