"""The workshop game's page, served by ``transnum app --game``.

One server plays one game (:data:`~simulation.teaching.game_room.ROOM`), seen from
several devices: the trainer's view (``?trainer=1``: set-up, the room's codes, the
round's timer and status, closing rounds, the scoreboard, the debrief and export;
:mod:`~simulation.teaching.game_trainer`) and each team's (``?team=CODE``: its menu
of actions, plan, budget and curves; :mod:`~simulation.teaching.game_team`). The
landing page (no query) asks for a team's code or opens the trainer's view.

Every view polls the room's version about once a second (:func:`use_room_version`)
and redraws when it moved. Served beyond this machine, the trainer's view asks for
the PIN ``transnum app --game`` printed (``TRANSNUM_APP_PIN``); on localhost there is
none. The language comes from ``TRANSNUM_APP_LANG``.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable
from urllib.parse import parse_qs

import solara

from simulation.teaching.game_room import PIN_ENV, ROOM
from simulation.teaching.game_text import say, words

LANG = os.environ.get("TRANSNUM_APP_LANG", "fr")
POLL_S = 1.0
"""How often a view looks at the room's version (seconds)."""


def use_room_version() -> tuple[int, Callable[[], None]]:
    """The room's version as this view last saw it, and a function to see it now.

    A thread of the view's own looks at the version every :data:`POLL_S` seconds and
    sets it when it moved, which redraws the view; the view's own changes call the
    returned function to redraw at once. Components that read the room take the
    version among their arguments: the game object stays the same, and a component
    whose arguments did not change is not drawn again.
    """
    version, set_version = solara.use_state(ROOM.version)

    def poll(cancel: threading.Event) -> None:
        seen = ROOM.version
        while not cancel.wait(POLL_S):
            now = ROOM.version
            if now != seen:
                seen = now
                set_version(now)

    solara.use_thread(poll, dependencies=[], intrusive_cancel=False)
    return version, lambda: set_version(ROOM.version)


def asked(search: str | None) -> tuple[str, str]:
    """Which view the address's query asks for, and the team's code.

    Returns:
        (``landing``, ""), (``team``, CODE) for ``?team=CODE`` or (``trainer``, "")
        for ``?trainer=1``.
    """
    query = parse_qs(search or "")
    code = query.get("team", [""])[-1].strip().upper()
    if code:
        return "team", code
    if query.get("trainer", [""])[-1].lower() in ("1", "true", "yes", "oui"):
        return "trainer", ""
    return "landing", ""


def pin_matches(given: str, pin: str | None) -> bool:
    """Whether ``given`` opens the trainer's view (always without a PIN)."""
    if not pin:
        return True
    return secrets.compare_digest(given.strip().encode(), pin.encode())


@solara.component
def Landing(lang: str, go: Callable[[str, str], None]) -> None:
    """The team's code and « Rejoindre », and the way to the trainer's view."""
    w = words(lang)
    code, set_code = solara.use_state("")
    with solara.Card(w["landing_title"], classes=["transnum-game-landing"]):
        solara.Text(say("landing_intro", lang))
        solara.InputText(w["code_label"], value=code, on_value=set_code, continuous_update=True)
        solara.Button(
            w["join"],
            color="primary",
            on_click=lambda: go("team", code.strip().upper()),
            disabled=not code.strip(),
            classes=["transnum-join"],
        )
    solara.Button(
        w["trainer_view"],
        text=True,
        icon_name="mdi-account-tie",
        on_click=lambda: go("trainer", ""),
        classes=["transnum-trainer-link"],
    )


@solara.component
def PinGate(lang: str, unlock: Callable[[], None]) -> None:
    """The PIN the trainer's view asks for when the page is served beyond this machine."""
    w = words(lang)
    given, set_given = solara.use_state("")
    wrong, set_wrong = solara.use_state(False)

    def check() -> None:
        if pin_matches(given, os.environ.get(PIN_ENV)):
            unlock()
        else:
            set_wrong(True)

    with solara.Card(w["pin_title"]):
        solara.InputText(
            w["pin_label"], value=given, on_value=set_given, password=True, continuous_update=True
        )
        solara.Button(w["pin_enter"], color="primary", on_click=check)
        if wrong:
            solara.Error(say("pin_wrong", lang))


GAME_STYLE = """
.transnum-game { padding: 12px 16px; max-width: 1400px; }
.transnum-game-codes { display: flex; flex-wrap: wrap; gap: 24px; margin: 8px 0 16px; }
.transnum-game-code { border: 2px solid #0072B2; border-radius: 8px; padding: 8px 20px; }
.transnum-game-code .name { font-size: 1.4em; }
.transnum-game-code .code { font-size: 3.2em; font-weight: 700; letter-spacing: 0.15em;
  font-family: monospace; }
.transnum-round { font-size: 2.2em; font-weight: 600; line-height: 1.2; }
.transnum-timer { font-size: 1.8em; font-variant-numeric: tabular-nums; }
.transnum-timer-over { color: #b30000; }
.transnum-game table { border-collapse: collapse; }
.transnum-game th, .transnum-game td { padding: 4px 8px; text-align: left;
  border-bottom: 1px solid #ccc; vertical-align: top; }
.transnum-game th { font-weight: 600; max-width: 10em; white-space: normal; }
.transnum-game img { display: block; max-width: 100%; height: auto; }
.transnum-left { font-size: 1.3em; font-weight: 600; }
.transnum-action { border-bottom: 1px solid #eee; padding: 4px 0; }
"""


@solara.component
def GamePage(lang: str = LANG) -> None:
    """The page: the landing view, a team's or the trainer's, from the address."""
    from simulation.teaching.game_team import TeamView
    from simulation.teaching.game_trainer import TrainerView

    w = words(lang)
    router = solara.use_router()
    view, set_view = solara.use_state(asked(router.search))

    def go(kind: str, code: str = "") -> None:
        # The address follows the view, so that reloading the page keeps it.
        query = {"team": f"?team={code}", "trainer": "?trainer=1"}.get(kind, "")
        router.push(f"{router.path}{query}")
        set_view((kind, code))

    unlocked, set_unlocked = solara.use_state(not os.environ.get(PIN_ENV))
    version, see = use_room_version()
    solara.Title(w["title"])
    solara.Style(GAME_STYLE)
    with solara.AppBar():
        solara.AppBarTitle(w["title"])
    kind, code = view
    with solara.Column(classes=["transnum-game"]):
        if kind == "team":
            TeamView(code, lang, version, see, leave=lambda: go("landing"))
        elif kind == "trainer" and not unlocked:
            PinGate(lang, unlock=lambda: set_unlocked(True))
        elif kind == "trainer":
            TrainerView(lang, version, see)
        else:
            Landing(lang, go=go)


@solara.component
def page() -> None:
    """The game's page in the language ``transnum app`` chose."""
    GamePage(LANG)
