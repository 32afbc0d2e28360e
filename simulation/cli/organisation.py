"""The ``transnum init`` and ``transnum validate`` commands: one's own organisation."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from simulation.cli.options import (
    EXIT_BAD_INPUT,
    fail,
    print_every_plan_notes,
    strategy_name,
)
from simulation.i18n.language import say, say_count
from simulation.scenario.errors import ScenarioError
from simulation.scenario.footprint import check_fits
from simulation.scenario.loading import load_scenario


@click.command()
@click.argument("folder")
def init(folder) -> None:
    """Write a ready-to-edit description of your organisation into FOLDER.

    FOLDER gets scenario.yaml (commented), organisation.xlsx (replace the example
    services of its Services sheet by yours: names and headcounts; relations between
    services are optional) and the same tables as services.csv and relations.csv. Then:
    transnum compare FOLDER/scenario.yaml --out RESULTS and transnum report RESULTS.
    """
    from simulation.scenario.starter import write_starter

    try:
        files = write_starter(folder)
    except (ScenarioError, OSError) as error:  # OSError: a read-only or full disk
        fail(error)
    for path in files:
        click.echo(say("cli.wrote", path=path))
    scenario = files[0]
    results = Path(folder) / say("cli.results_stem")
    click.echo("\n" + say("cli.init_next", services=files[1]))
    for command in (
        f"transnum validate {scenario}",
        f"transnum compare {scenario} --out {results}",
        f"transnum report {results}",
    ):
        click.echo(f"  {command}")


@click.command()
@click.argument("files", nargs=-1, required=True)
def validate(files) -> None:
    """Check scenario FILES without running them (exit status 2 if any is invalid).

    Notes, for each strategy (big bang, small steps, short cycles, and the custom plan
    when the file has waves), how many go-lives cannot happen within the horizon;
    notes are not errors.
    """
    bad = 0
    for name in files:
        try:
            spec = load_scenario(name)
            check_fits(spec, name)
        except ScenarioError as error:
            bad += 1
            click.echo(say("cli.error", message=error), err=True)
            continue
        click.echo(
            say(
                "cli.valid",
                file=name,
                name=spec.name,
                staff=say_count("cli.count.staff", spec.staff_count),
                services=say_count("cli.count.service", len(spec.organisation.services)),
                tools=say_count("cli.count.tool", len(spec.tools)),
                strategy=strategy_name(spec.rollout.strategy),
                weeks=say_count("cli.count.week", spec.horizon_weeks),
            )
        )
        print_every_plan_notes(spec)
    if bad:
        sys.exit(EXIT_BAD_INPUT)
