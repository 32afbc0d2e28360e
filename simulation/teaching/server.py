"""Starting the teaching page's web server (used by ``transnum app``, tests and scripts).

The page is a Solara app (:mod:`simulation.teaching.page`, or the workshop game's
:mod:`simulation.teaching.game_page`) served by ``solara run`` in its own process; the
language, the mode, the user's scenario, the game's first settings and the trainer's
PIN reach it through environment variables.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from simulation.i18n.words import LANGUAGES, phrase
from simulation.teaching.game_room import GAME_ENV, PIN_ENV, PLANS_ENV
from simulation.teaching.models import SCENARIO_ENV

LANG_ENV = "TRANSNUM_APP_LANG"
MODE_ENV = "TRANSNUM_APP_MODE"
PAGES = {
    "single": ("simulation.teaching.page:page", "page.title"),
    "workshop": ("simulation.teaching.page:page", "page.workshop"),
    "game": ("simulation.teaching.game_page:page", "gamepage.title"),
}
"""Each mode's page (module:object for ``solara run``) and its title's catalogue key."""
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# The page is served from this machine and sends nothing elsewhere: Solara's usage
# telemetry is turned off here, and its start-up version check by `--no-check-version`.
OFFLINE_ENV = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
# Solara's footer ("This website runs on Solara") is framework text in the middle of
# a French page on a projector: its theme setting leaves it out.
THEME_ENV = {"SOLARA_THEME_SHOW_BANNER": "False"}
TITLE_ENV = "SOLARA_THEME_TITLE"
"""The browser tab's title before the page sets its own (the page's title in ``lang``)."""
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host``:``port`` now (as the page's server would)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def serve(command: list[str], env: dict[str, str], grace_s: float = 5.0) -> int:
    """Run the page's server until it ends or this process is told to stop.

    SIGINT (Ctrl-C), SIGTERM and SIGHUP stop the server too: it is asked to end,
    then killed after ``grace_s`` seconds, so no orphaned server keeps the port.

    Returns:
        The exit status to end with: the server's own, or 0 when told to stop.
    """
    stop_requested: list[int] = []

    def stop(signum: int, frame: object) -> None:
        # Only noted: raising here could interrupt the start of the server half-way.
        stop_requested.append(signum)

    # Handlers first: a signal arriving while the server starts must stop it too.
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, *STOP_SIGNALS)}
    server: subprocess.Popen | None = None
    try:
        server = subprocess.Popen(command, env=env)
        while server.poll() is None and not stop_requested:
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(0.2)
        return 0 if stop_requested else server.returncode
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(grace_s)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def app_command(
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    lang: str = "fr",
    workshop: bool = False,
    scenario: str | Path | None = None,
    game: bool = False,
    pin: str | None = None,
    game_settings: dict[str, int] | None = None,
    plans: str | Path | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that serve the teaching page.

    Args:
        host: Address to listen on (``127.0.0.1``: this machine only).
        port: TCP port.
        lang: ``fr`` or ``en``.
        workshop: Workshop mode (plans side by side) instead of one plan.
        scenario: A scenario file offered as a preset (and chosen first).
        game: The workshop game's page instead (trainer's and teams' views).
        pin: The game's trainer's PIN (None: the trainer's view asks for none).
        game_settings: The game's set-up form's first values (``teams``, ``rounds``,
            ``round_weeks``, ``seed``).
        plans: The game's optimisation folder, whose robust plans the debrief shows.

    Returns:
        The command (a list for :mod:`subprocess`) and its environment.
    """
    env = dict(os.environ)
    env.update(OFFLINE_ENV)
    env.update(THEME_ENV)
    mode = "game" if game else "workshop" if workshop else "single"
    served, title = PAGES[mode]
    env[TITLE_ENV] = phrase(title, lang if lang in LANGUAGES else "en")
    env[LANG_ENV] = lang
    env[MODE_ENV] = mode
    for name in (SCENARIO_ENV, PIN_ENV, GAME_ENV, PLANS_ENV):
        env.pop(name, None)  # never one left over from the calling environment
    if scenario is not None:
        env[SCENARIO_ENV] = str(Path(scenario).resolve())
    if game and pin:
        env[PIN_ENV] = pin
    if game and plans is not None:
        env[PLANS_ENV] = str(Path(plans).resolve())
    if game and game_settings:
        env[GAME_ENV] = json.dumps(game_settings)
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        served,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
    ]
    return command, env


def is_local(host: str) -> bool:
    """Whether ``host`` serves this machine only (no PIN needed for the trainer's view)."""
    return host.strip("[]").lower() in LOCAL_HOSTS


def start_app(**options) -> tuple[subprocess.Popen, str]:
    """Start the teaching page in the background on a free port of 127.0.0.1.

    Args:
        **options: ``lang``, ``workshop``, ``scenario``, ``game``, ``pin``,
            ``game_settings`` (see :func:`app_command`).

    Returns:
        The server process (stop it with ``terminate()``) and the page's address,
        once the page answers.
    """
    port = free_port()
    command, env = app_command(host="127.0.0.1", port=port, **options)
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(url, process)
    except Exception:
        process.terminate()
        raise
    return process, url


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 120.0) -> None:
    """Wait until ``url`` answers (the server imports Mesa and builds a first model).

    Raises:
        RuntimeError: if the server stopped (with its error output) or did not answer
            within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read() if process.stderr else ""
            raise RuntimeError(f"the teaching page's server stopped:\n{errors[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the teaching page did not answer at {url} within {timeout:.0f} s")
