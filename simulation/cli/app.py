"""The ``transnum app`` command: the teaching page."""

from __future__ import annotations

import sys

import click

from simulation.cli.options import EXIT_ENVIRONMENT, fail, language_option, whole_number_option
from simulation.i18n.language import say
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
def app(scenario, host, port, lang, workshop) -> None:
    """Serve the teaching page in a browser (Mesa SolaraViz).

    Pick a strategy, set the levers, press play and watch who adopts, who struggles
    and who leaves. SCENARIO (optional) is offered as a preset, and the page starts
    on it, next to the default commune and the nine study cases. Stop with Ctrl-C.
    """
    from simulation.teaching.server import app_command, free_port, port_is_free, serve

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
    command, env = app_command(
        host=host, port=port, lang=lang, workshop=workshop, scenario=scenario
    )
    click.echo(say("cli.app.serving", address=f"http://{host}:{port}"))
    sys.exit(serve(command, env))
