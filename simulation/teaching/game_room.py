"""The game's room: the one game a server plays, shared by every browser connected to it.

The trainer's view and every team's device are separate connections of the same
server process; they all read and change the same :class:`Room` (the module's
:data:`ROOM`). Every change bumps its version, which each view polls about once a
second (:func:`~simulation.teaching.game_page.use_room_version`) to redraw: a team's
submission shows at once on the trainer's view, a new round on the teams' devices.
A lock guards every change, since connections run in threads of their own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from simulation.scenario.records import Scenario
from simulation.teaching.game.actions import Decision
from simulation.teaching.game.session import Game, GameError, Team

T = TypeVar("T")
PIN_ENV = "TRANSNUM_APP_PIN"
"""The trainer's PIN, set by ``transnum app --game`` only when served beyond this machine."""
GAME_ENV = "TRANSNUM_APP_GAME"
PLANS_ENV = "TRANSNUM_APP_PLANS"
"""The folder of ``transnum optimise`` whose robust plans the debrief shows (optional)."""
"""The set-up form's first values, as JSON (``teams``, ``rounds``, ``round_weeks``, ``seed``)."""


class Room:
    """The game a server plays, the opening time of its round and a version counter.

    Attributes:
        game: The game in progress (None until the trainer sets it up).
        opened: When the round being played opened (seconds since the epoch).
        round_minutes: The round's length the trainer set (minutes; 0: no limit).
        version: Bumped by every change (views redraw when it moved).
        debrief: The game's debrief, once the trainer asked for it.
        exported: The folder the session was exported to, once it was.
        title: The organisation's name as the trainer chose it.
        working: What the room is computing in the background (``debrief``,
            ``export``), or None.
        failure: Why the last background work failed ("" if it did not).
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self.game: Game | None = None
        self.opened = clock()
        self.round_minutes = 0
        self.version = 0
        self.debrief: Any = None
        self.exported: str | None = None
        self.title = ""
        self.working: str | None = None
        self.failure = ""

    def _changed(self) -> None:
        self.version += 1

    def set_up(
        self,
        scenario: Scenario,
        *,
        teams: int | Sequence[str],
        rounds: int,
        round_weeks: int,
        seed: int,
        title: str = "",
    ) -> Game:
        """Start a new game (replacing any earlier one) and open its first round.

        ``title`` names the organisation on the trainer's view (default: the scenario's name).

        Raises:
            GameError: for settings the game refuses.
        """
        game = Game(scenario, teams=teams, rounds=rounds, round_weeks=round_weeks, seed=seed)
        with self._lock:
            self.game = game
            self.title = title or scenario.name
            self.opened = self._clock()
            self.debrief = None
            self.exported = None
            self._changed()
        return game

    def submit(self, code: str, decisions: Sequence[Decision]) -> Team:
        """Record a team's decisions for the round (replacing its earlier ones).

        Raises:
            GameError: if there is no game, or the first problem the game finds.
        """
        with self._lock:
            game = self._playing()
            team = game.submit(code, decisions)
            self._changed()
            return team

    def advance(self) -> None:
        """Close the round, simulate every team and open the next round.

        Raises:
            GameError: if there is no game or it is over.
        """
        with self._lock:
            self._playing().advance()
            self.opened = self._clock()
            self._changed()

    def set_round_minutes(self, minutes: int) -> None:
        """Set the round's length shown by the timer (0: no limit)."""
        with self._lock:
            self.round_minutes = max(0, int(minutes))
            self._changed()

    def keep(self, name: str, value: object) -> None:
        """Keep what the trainer made of the game (``debrief`` or ``exported``)."""
        if name not in ("debrief", "exported"):
            raise AttributeError(name)
        with self._lock:
            setattr(self, name, value)
            self._changed()

    def start(self, name: str, job: Callable[[], object], keep: str) -> bool:
        """Run ``job`` in a thread of its own and keep its result as ``keep``.

        The debrief replays every team's plan on many seeds, which takes seconds: the
        views stay responsive meanwhile, show that it is under way, and redraw when it
        is done (the version moves). One job at a time.

        Returns:
            Whether the job started (False: another one is under way).
        """
        if keep not in ("debrief", "exported"):
            raise AttributeError(keep)
        with self._lock:
            if self.working is not None:
                return False
            self.working = name
            self.failure = ""
            self._changed()

        def work() -> None:
            try:
                result = job()
            except Exception as error:  # shown to the trainer, not lost in a thread
                with self._lock:
                    self.failure = f"{type(error).__name__}: {error}"
                    self.working = None
                    self._changed()
                return
            with self._lock:
                setattr(self, keep, result)
                self.working = None
                self._changed()

        threading.Thread(target=work, name=f"transnum-{name}", daemon=True).start()
        return True

    def read(self, reader: Callable[[Game | None], T]) -> T:
        """What ``reader`` makes of the game, read while no one changes it."""
        with self._lock:
            return reader(self.game)

    def elapsed(self) -> float:
        """Seconds since the round opened."""
        return max(0.0, self._clock() - self.opened)

    def remaining(self) -> float | None:
        """Seconds left in the round (negative: over time), or None without a limit."""
        if not self.round_minutes:
            return None
        return 60.0 * self.round_minutes - self.elapsed()

    def reset(self) -> None:
        """Forget the game (a new set-up starts from the form)."""
        with self._lock:
            self.game = None
            self.debrief = None
            self.exported = None
            self.failure = ""
            self._changed()

    def _playing(self) -> Game:
        if self.game is None:
            raise GameError("game.problem.no_game")
        return self.game


ROOM = Room()
"""The room of this server process (every connection's)."""
