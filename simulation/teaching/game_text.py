"""The game page's words: labels, problems, decisions and scoreboard written for people.

Plain Python over the catalogue (``gamepage`` for the page, ``game.action`` and
``game.problem`` for the game's own words), tested without a browser; the views
(:mod:`~simulation.teaching.game_team`, :mod:`~simulation.teaching.game_trainer`)
lay it out.
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence

from simulation.i18n.words import (
    LANGUAGES,
    euros,
    number,
    percent,
    phrase,
    phrases,
    typography,
)
from simulation.teaching.game.actions import Decision, capital_cost, cost_eur, describe
from simulation.teaching.game.scoreboard import COLUMNS, scoreboard
from simulation.teaching.game.session import Game, GameError


def words(lang: str) -> dict[str, str]:
    """The game page's labels in ``lang`` (English for an unknown language)."""
    return phrases("gamepage", lang if lang in LANGUAGES else "en")


def say(key: str, lang: str, **values: object) -> str:
    """One of the page's phrases (``gamepage.<key>``) with its values, French spacing applied."""
    return typography(phrase(f"gamepage.{key}", lang, **values), lang)


def label(name: str) -> str:
    """A service's or tool's name as written in the scenario, made readable."""
    return name.replace("_", " ")


def action_label(action: str, lang: str) -> str:
    """An action's name in the menu (``game.action.<code>``)."""
    return phrase(f"game.action.{action}", lang)


def mode_label(mode: str, lang: str) -> str:
    """A training mode's name (vendor, internal, action)."""
    return phrase(f"game.mode.{mode}", lang)


def points(amount: int, lang: str) -> str:
    """Points of political capital (« 3 points », « 1 point »)."""
    key = "point_one" if abs(amount) == 1 else "point_many"
    return say(key, lang, n=number(amount, lang))


def money(amount: float, lang: str) -> str:
    """Euros, to the euro."""
    return euros(amount, lang)


def problem(error: GameError, lang: str) -> str:
    """A refused decision or setting, in ``lang``, its values written for people."""
    values = dict(error.values)
    if "action" in values:
        values["action"] = action_label(str(values["action"]), lang)
    if "service" in values:
        values["service"] = label(str(values["service"]))
    if "missing" in values:
        if error.key.endswith("budget"):
            values["missing"] = money(float(values["missing"]), lang)
        else:
            values["missing"] = points(int(values["missing"]), lang)
    key = error.key
    needed = _placeholders(key)
    return typography(phrase(key, lang, **{k: v for k, v in values.items() if k in needed}), lang)


def _placeholders(key: str) -> set[str]:
    written = phrase(key, "en")
    return {name for _, name, _, _ in string.Formatter().parse(written) if name}


def cost(decisions: Sequence[Decision], game: Game, lang: str) -> str:
    """What decisions cost together: « 12 000 € · 2 points »."""
    euros = sum(cost_eur(d, game.base, game.rules, game.round_weeks) for d in decisions)
    spent = sum(capital_cost(d, game.rules) for d in decisions)
    return f"{money(euros, lang)} · {points(spent, lang)}"


def decisions_text(decisions: Sequence[Decision] | None, game: Game, lang: str) -> str:
    """A round's decisions on one line, go-lives' services counted (« aucune action » if none)."""
    if not decisions:
        return say("nothing", lang)
    return typography("; ".join(describe(d, game.base, lang, short=True) for d in decisions), lang)


def duration(seconds: float, lang: str) -> str:
    """A time on the timer: « 4 min 05 s », « −1 min 10 s » when over."""
    sign = "−" if seconds < 0 else ""
    whole = int(math.floor(abs(seconds)))
    return f"{sign}{whole // 60} min {whole % 60:02d} s"


SCORE_LABELS = ("rank", "team", *COLUMNS)
"""The scoreboard's columns as the page shows them."""


def scoreboard_rows(game: Game, lang: str, code: str | None = None) -> list[list[str]]:
    """The scoreboard written for people: one row per team (only ``code``'s if given)."""
    rows = []
    for row in scoreboard(game).to_dict("records"):
        if code is not None and row["code"] != code:
            continue
        cells = [str(row["rank"]), str(row["team"])]
        cells += [score_cell(key, row[key], lang) for key in COLUMNS]
        rows.append(cells)
    return rows


def score_cell(key: str, amount: float | int | None, lang: str) -> str:
    """One value of the scoreboard with its unit."""
    missing = amount is None or (isinstance(amount, float) and math.isnan(amount))
    if key == "adoption_final":
        return percent(amount, lang, 0)
    if key == "weeks_to_80pct_adoption":
        return say("not_yet", lang) if missing else say("week_number", lang, n=int(amount))
    if key == "budget_left_eur":
        return money(float(amount or 0.0), lang)
    if key == "capital_left":
        return points(int(amount or 0), lang)
    return number(amount, lang, 0)  # departures and person-weeks: counts


def scoreboard_header(lang: str) -> list[str]:
    """The scoreboard's column titles."""
    w = words(lang)
    return [w[f"column_{key}"] for key in SCORE_LABELS]
