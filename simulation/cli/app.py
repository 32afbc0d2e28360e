"""The ``transnum app`` command: the teaching page."""

from __future__ import annotations

import secrets
import socket
import sys
from pathlib import Path

import click

from simulation.cli.options import EXIT_ENVIRONMENT, fail, language_option, whole_number_option
from simulation.i18n.language import quoted, say
from simulation.scenario.errors import ScenarioError
from simulation.scenario.loading import load_scenario


@click.command()
@click.argument("scenario", required=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@whole_number_option("--port", "Port (0: any free one).", minimum=0, maximum=65535, default=8765)
@language_option("the page")
@click.option(
    "--workshop",
    is_flag=True,
    help="Workshop mode: two or three plans side by side, with a scoreboard.",
)
@click.option(
    "--game",
    is_flag=True,
    help="The workshop game: teams play rounds on their own devices, the trainer runs "
    "the game from the trainer's view.",
)
@click.option(
    "--pin",
    default=None,
    help="Game: the trainer's PIN when served beyond this machine (default: a new one, "
    "printed at start).",
)
@click.option(
    "--plans",
    "plans",
    default=None,
    help="Game: a folder of transnum optimise on the game's organisation; the debrief shows "
    "its robust plans beside the teams'.",
)
@whole_number_option("--teams", "Game: number of teams in the set-up form.", minimum=2, maximum=6)
@whole_number_option("--rounds", "Game: rounds in the set-up form.", minimum=1, maximum=24)
@whole_number_option(
    "--round-weeks", "Game: weeks per round in the set-up form.", minimum=1, maximum=52
)
@whole_number_option("--seed", "Game: seed in the set-up form.", minimum=0, maximum=9999)
def app(
    scenario, host, port, lang, workshop, game, pin, plans, teams, rounds, round_weeks, seed
) -> None:
    """Serve the teaching page in a browser (Mesa SolaraViz).

    Pick a strategy, set the levers, press play and watch who adopts, who struggles
    and who leaves. SCENARIO (optional) is offered as a preset, and the page starts
    on it, next to the default commune and the nine study cases. Stop with Ctrl-C.
    """
    from simulation.teaching.server import (
        app_command,
        free_port,
        is_local,
        port_is_free,
        serve,
    )

    if game and workshop:
        raise click.UsageError(say("cli.app.game_or_workshop"))
    if plans and not game:
        raise click.UsageError(say("cli.app.plans_without_game"))
    if plans and not has_plans(plans):
        fail(ScenarioError(say("game.robust.no_plan", folder=quoted(plans)), path="plans"))
    if scenario:
        try:
            load_scenario(scenario)
        except ScenarioError as error:
            fail(error)
    if port and not port_is_free(host, port):
        click.echo(
            say("cli.error", message=say("cli.app.port_taken", port=port, host=host)), err=True
        )
        sys.exit(EXIT_ENVIRONMENT)
    port = port or free_port(host)
    settings = {"teams": teams, "rounds": rounds, "round_weeks": round_weeks, "seed": seed}
    settings = {key: value for key, value in settings.items() if value is not None}
    # On this machine only, the trainer's view needs no PIN; beyond it, anyone in the
    # room could open it, so it asks for one (given, or a new one printed below).
    pin = None if is_local(host) else (pin or f"{secrets.randbelow(10**6):06d}")
    command, env = app_command(
        host=host,
        port=port,
        lang=lang,
        workshop=workshop,
        scenario=scenario,
        game=game,
        pin=pin if game else None,
        game_settings=settings,
        plans=plans if game else None,
    )
    address = f"http://{shown_host(host)}:{port}"
    if game:
        click.echo(say("cli.app.game_trainer", address=f"{address}/?trainer=1"))
        click.echo(say("cli.app.game_teams", address=f"{address}/"))
        if pin:
            click.echo(say("cli.app.game_pin", pin=pin))
    else:
        click.echo(say("cli.app.serving", address=address))
    sys.exit(serve(command, env))


def has_plans(folder: str) -> bool:
    """Whether ``folder`` holds a named plan of ``transnum optimise`` (``plans/<name>.yaml``)."""
    from simulation.experiments.named_plans import NAMES
    from simulation.experiments.optimise_results import PLANS_FOLDER

    return any((Path(folder) / PLANS_FOLDER / f"{name}.yaml").is_file() for name in NAMES)


def shown_host(host: str) -> str:
    """The address to give people for ``host``: this machine's own for ``0.0.0.0``."""
    if host not in ("0.0.0.0", "::", ""):
        return f"[{host}]" if ":" in host else host
    try:
        # Connecting a UDP socket sends nothing: it only picks the outgoing interface.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            return probe.getsockname()[0]
    except OSError:
        return socket.gethostname()
