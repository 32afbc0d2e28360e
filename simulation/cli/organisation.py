"""The ``transnum init`` and ``transnum validate`` commands: one's own organisation."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from simulation.cli.options import (
    EXIT_BAD_INPUT,
    fail,
    plural,
    print_every_plan_notes,
)
from simulation.scenario.errors import ScenarioError
from simulation.scenario.footprint import check_fits
from simulation.scenario.loading import load_scenario


@click.command()
@click.argument("folder")
def init(folder) -> None:
    """Write a ready-to-edit description of your organisation into FOLDER.

    FOLDER gets scenario.yaml (commented), services.csv (replace the example services
    by yours: names and headcounts) and relations.csv (optional). Then:
    transnum compare FOLDER/scenario.yaml --out RESULTS and transnum report RESULTS.
    """
    from simulation.scenario.starter import write_starter

    try:
        files = write_starter(folder)
    except (ScenarioError, OSError) as error:  # OSError: a read-only or full disk
        fail(error)
    for path in files:
        click.echo(f"wrote {path}")
    scenario = files[0]
    click.echo(
        f"\nNext: put your services and headcounts in {files[1]}, then\n"
        f"  transnum validate {scenario}\n"
        f"  transnum compare {scenario} --out {Path(folder) / 'resultats'}\n"
        f"  transnum report {Path(folder) / 'resultats'}"
    )


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
            click.echo(f"error: {error}", err=True)
            continue
        click.echo(
            f"ok: {name}: {spec.name} ({spec.staff_count} staff in "
            f"{len(spec.organisation.services)} services, {plural(len(spec.tools), 'tool')}, "
            f"{spec.rollout.strategy.replace('_', ' ')}, {spec.horizon_weeks} weeks)"
        )
        print_every_plan_notes(spec)
    if bad:
        sys.exit(EXIT_BAD_INPUT)
