"""The ``transnum calibrate`` command: the model against the study's ranges."""

from __future__ import annotations

import os
import sys
import time

import click

from simulation.cli.options import (
    claim_new_folder,
    command_line,
    fail,
    out_option,
    progress_bar,
    scheduler_option,
    seconds,
    warn,
    whole_number_option,
    workers_option,
    writing_results,
)
from simulation.i18n.language import say, say_count
from simulation.scenario.errors import ScenarioError
from simulation.scenario.footprint import check_fits

DEFAULT_ENSEMBLE_FILE = "experiments/ensemble.yaml"


@click.command()
@click.argument("calibration_file", required=False)
@click.option(
    "--ensemble",
    is_flag=True,
    help="History-match the behavioural parameters to the patterns of CALIBRATION_FILE "
    f"(an ensemble file; default {DEFAULT_ENSEMBLE_FILE}) and write the plausible ensemble.",
)
@whole_number_option("--replications", "Runs per scenario (default: the file's).", minimum=2)
@workers_option()
@scheduler_option()
@out_option("Results folder (new or empty; with --resume, the folder to continue).")
@click.option("--resume", is_flag=True, help="With --ensemble, continue the calibration in --out.")
@click.option(
    "--strict", is_flag=True, help="Exit with status 1 if a target's mean is out of range."
)
def calibrate(
    calibration_file, ensemble, replications, workers, scheduler, out, resume, strict
) -> None:
    """Check the model against the calibration targets of CALIBRATION_FILE.

    Prints, per target, the mean outcome with its 95 % confidence interval and
    whether it lies in the range the study reports; saves the tables.

    With --ensemble, finds instead the parameter sets that reproduce every pattern of
    the ensemble file at once (history matching in waves) and writes them as
    ensemble.parquet; an interrupted calibration continues with --resume --out.
    """
    if ensemble:
        from simulation.cli.ensemble import calibrate_ensemble_command

        calibrate_ensemble_command(
            calibration_file or DEFAULT_ENSEMBLE_FILE, workers, scheduler, out, resume
        )
        return
    if calibration_file is None:
        raise click.UsageError(say("cli.calibrate.file"))
    if resume or scheduler:
        raise click.UsageError(say("cli.calibrate.ensemble_only"))
    from simulation.experiments.calibration import (
        distinct_scenarios,
        load_calibration,
        run_calibration,
    )
    from simulation.experiments.results import write_calibration
    from simulation.reports.tables import calibration_table

    try:
        calibration, scenarios = load_calibration(calibration_file)
        for scenario in distinct_scenarios(scenarios)[0]:
            check_fits(scenario, calibration_file, snapshots=False)
        folder, lock = claim_new_folder(out, "calibrate")  # noqa: F841 - held until the end
    except (ScenarioError, OSError) as error:  # OSError: cannot create or lock the folder
        fail(error)
    reps = replications or calibration.replications
    n_runs = reps * len(distinct_scenarios(scenarios)[0])
    click.echo(
        say(
            "cli.calibrate.header",
            name=calibration.name,
            targets=len(calibration.targets),
            runs=say_count("cli.count.run", reps),
        )
    )
    start = time.perf_counter()
    with progress_bar(n_runs) as bar:
        targets, runs = run_calibration(
            calibration,
            scenarios,
            replications=reps,
            workers=workers or os.cpu_count() or 1,
            on_done=lambda _: bar.update(),
        )
    wall = time.perf_counter() - start
    click.echo(
        "\n" + say("cli.runs_in", runs=say_count("cli.count.run", len(runs)), seconds=seconds(wall))
    )
    missed = int((~targets["met"]).sum())
    if missed:
        warn(say("cli.calibrate.missed", n=missed, total=len(targets)))
    click.echo("")
    click.echo(calibration_table(targets))
    with writing_results(folder):
        write_calibration(
            targets,
            runs,
            folder,
            command=command_line(),
            wall_s=wall,
            seed=calibration.seed,
            replications=reps,
        )
    click.echo("\n" + say("cli.written", folder=folder))
    click.echo(say("cli.next_report", folder=folder))
    if strict and not targets["met"].all():
        sys.exit(1)
