"""The game page's words: labels, problems and decisions written for people.

Plain Python over the catalogue (``gamepage`` for the page, ``game.action`` and
``game.problem`` for the game's own words; the scoreboard's from
:mod:`simulation.teaching.game.scoreboard`), tested without a browser; the views
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
    phrase,
    phrases,
    typography,
)
from simulation.teaching.game.actions import Decision, capital_cost, cost_eur, describe
from simulation.teaching.game.scoreboard import points
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


def problem(error: GameError, lang: str) -> str:
    """A refused decision or setting, in ``lang``, its values written for people."""
    values = dict(error.values)
    if "action" in values:
        values["action"] = action_label(str(values["action"]), lang)
    if "service" in values:
        values["service"] = label(str(values["service"]))
    if "missing" in values:
        if error.key.endswith("budget"):
            values["missing"] = euros(float(values["missing"]), lang)
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
    amount = sum(cost_eur(d, game.base, game.rules, game.round_weeks) for d in decisions)
    spent = sum(capital_cost(d, game.rules) for d in decisions)
    return f"{euros(amount, lang)} · {points(spent, lang)}"


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
