"""The ``transnum sweep`` and ``transnum sensitivity`` commands: experiment files.

Both run the points of an experiment file, with replications, into a results folder
that a later session can resume (:func:`_session`), and share their options
(:func:`run_options`).
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
from pathlib import Path

import click

from simulation.cli.options import (
    command_line,
    fail,
    out_option,
    parameters_options,
    parse_precision,
    precision_options,
    print_parameters,
    progress_bar,
    remove_empty,
    scheduler_option,
    seconds,
    suggestion,
    warn,
    workers_option,
    workers_that_fit,
)
from simulation.i18n.language import active, quoted, say, say_count
from simulation.i18n.words import number
from simulation.scenario.errors import ScenarioError
from simulation.storage import FolderBusyError, StorageError, write_csv

_RUN_OPTIONS = [
    out_option("Results folder (new or empty; with --resume, the folder to continue)."),
    workers_option("Local worker processes (default: one per core; 1 runs serially)."),
    scheduler_option(),
    click.option("--resume", is_flag=True, help="Continue the run in --out: only what is missing."),
    click.option(
        "--retry-failed", is_flag=True, help="With --resume, run again the runs that failed."
    ),
    click.option(
        "--stop-if-damaged",
        is_flag=True,
        help="With --resume, stop with the list of damaged parts instead of setting them "
        "aside and running their runs again.",
    ),
]


def run_options(command):
    """Decorate a command with the options shared by sweep and sensitivity.

    The command receives them as keyword arguments (``out``, ``workers``,
    ``scheduler``, ``resume``, ``retry_failed``, ``stop_if_damaged``, ``parameters``,
    ``per_member``) and hands them on to :func:`_session`.
    """
    for option in reversed(_RUN_OPTIONS):
        command = option(command)
    return parameters_options()(command)


def _load(experiment_file: str):
    from simulation.experiments.experiment import load_experiment

    try:
        return load_experiment(experiment_file)
    except ScenarioError as error:
        fail(error)


def _session(
    experiment_file: str,
    experiment,
    points,
    *,
    kind: str,
    out,
    workers,
    scheduler,
    resume,
    retry_failed=False,
    stop_if_damaged=False,
    precision=None,
    max_replications=None,
    extra: dict | None = None,
    parameters="ensemble",
    per_member=2,
):
    """Open (or resume) the results folder, run what is missing, export the tables.

    Returns the store, the exported tables and the results folder; exits with
    status 130 on Ctrl-C (everything finished is saved). A new folder in which no run
    was saved (an error or Ctrl-C before the first run finished) is removed again.
    """
    from simulation.experiments.executors import ExecutorError, default_workers, open_executor
    from simulation.experiments.folders import new_results_dir, refuse_taken
    from simulation.experiments.parameters import choose_parameters
    from simulation.experiments.sweep import (
        RUNS_IN_FLIGHT_PER_WORKER,
        experiment_paths,
        export_tables,
        run_experiment,
    )

    if resume and not out:
        raise click.UsageError(say("cli.resume_needs_out"))
    if stop_if_damaged and not resume:
        raise click.UsageError(say("cli.sweep.damaged_needs_resume"))
    try:  # the experiment's own factors and overrides keep their values
        draw = choose_parameters(parameters, per_member).keeping(experiment_paths(experiment))
    except ScenarioError as error:
        fail(error)
    if points:
        print_parameters(draw, points[0].scenario, experiment.replications)
    folder = Path(out) if out else new_results_dir(kind)
    made = [] if resume else [p for p in (folder, *folder.parents) if not p.exists()]
    n_workers = workers or default_workers()
    if not scheduler and points:  # a Dask cluster's workers have their own memory
        n_workers = workers_that_fit(n_workers, _largest_run(points))
    if not resume:  # refused before any executor starts
        try:
            refuse_taken(folder, say("cli.sweep.taken"))
        except (ScenarioError, FolderBusyError) as error:
            fail(error)
    # The executor first: a scheduler out of reach (or a missing package) stops the
    # command before a results folder is made or a session is recorded as running.
    executor_stack = contextlib.ExitStack()
    try:
        executor = executor_stack.enter_context(open_executor(n_workers, scheduler))
    except ExecutorError as error:
        fail(error)
    try:
        store = _open_store(
            folder,
            experiment_file,
            experiment,
            points,
            kind=kind,
            resume=resume,
            extra={**(extra or {}), "parameters": draw.describe()},
            stop_if_damaged=stop_if_damaged,
        )
    except BaseException:  # also the exit of fail(): the executor is closed either way
        executor_stack.close()
        raise
    bar = progress_bar()
    failures = 0

    def on_record(record: dict) -> None:
        nonlocal failures
        failures += record["status"] != "ok"
        bar.set_postfix({say("cli.sweep.failed_postfix"): failures}, refresh=False)
        bar.update()

    def on_plan(count: int) -> None:
        bar.total = (bar.total or 0) + count
        bar.refresh()

    resume_hint = f"transnum {_resume_command(kind, experiment_file)} --resume --out {folder}"
    start = time.perf_counter()
    try:
        with executor_stack:
            report = run_experiment(
                experiment,
                points,
                store,
                executor,
                window=RUNS_IN_FLIGHT_PER_WORKER * n_workers,
                precision=precision,
                max_replications=max_replications,
                on_record=on_record,
                on_plan=on_plan,
                retry_failed=retry_failed,
                parameters=draw,
            )
        bar.close()
        store.flush()
        tables = export_tables(store, experiment, points)  # before the session says complete
        store.close("complete" if report.failures == 0 else "complete with failures")
    except KeyboardInterrupt:
        bar.close()
        with contextlib.suppress(OSError):
            store.close("interrupted")
        discarded = not store.completed() and _discard_folder(folder, made)
        click.echo(
            "\n"
            + (
                say("cli.sweep.interrupted_empty")
                if discarded
                else say("cli.sweep.interrupted", folder=folder)
            ),
            err=True,
        )
        sys.exit(130)
    except OSError as error:  # a full disk, a scheduler lost mid-sweep...
        bar.close()
        with contextlib.suppress(OSError):  # the disk may be full: the next resume closes it
            store.close("interrupted")
        if error.errno and not error.filename and not isinstance(error, StorageError):
            error = StorageError(folder, error)  # a disk error that names no file (pyarrow's)
        fail(error, say("cli.sweep.stopped", parts=folder / "parts", command=resume_hint))
    wall = time.perf_counter() - start
    runs = tables["runs"]
    click.echo(
        "\n"
        + say(
            "cli.sweep.done",
            runs=say_count("cli.count.run", report.runs_done),
            seconds=seconds(wall),
            before=number(report.runs_before, active()),
            saved=number(len(runs), active()),
            failed=int((runs["status"] != "ok").sum()),
        )
    )
    return store, tables, folder


def _largest_run(points):
    """The memory estimate of the largest point's run (sweeps record no snapshots)."""
    from simulation.scenario.footprint import estimate

    return max((estimate(p.scenario, snapshots=False) for p in points), key=lambda f: f.bytes)


def _check_points(experiment_file: str, points) -> None:
    """Refuse the experiment if the run of one of its points would not fit in memory."""
    from simulation.scenario.footprint import check_fits, estimate

    if not points:
        return
    largest = max(range(len(points)), key=lambda i: estimate(points[i].scenario, False).bytes)
    try:
        where = say("cli.sweep.point_of", file=experiment_file, point=largest)
        check_fits(points[largest].scenario, where, snapshots=False)
    except ScenarioError as error:
        fail(error)


def _open_store(
    folder: Path, experiment_file: str, experiment, points, *, kind, resume, extra, stop_if_damaged
):
    """Create the results folder of a new session, or reopen it with ``resume``.

    A resume reports each damaged part it set aside (their runs run again).
    """
    from simulation.experiments.results import manifest
    from simulation.experiments.store import SweepStore
    from simulation.experiments.sweep import kept_outcomes, points_table

    try:
        if resume:
            store = SweepStore.resume(
                folder,
                Path(experiment_file),
                points_table(points),
                command_line(),
                kind=kind,
                stop_if_damaged=stop_if_damaged,
                parameters=(extra or {}).get("parameters"),
            )
            for part in store.set_aside:
                warn(
                    say(
                        "cli.sweep.damaged",
                        folder=folder,
                        part=part.describe(),
                        aside=folder / "damaged",
                        runs=f" ({say_count('cli.count.run', part.runs)})" if part.runs else "",
                    )
                )
            return store
        info = manifest(command_line(), 0.0, {"root_seed": experiment.seed})
        info.pop("wall_s")  # each session records its own times
        info.update(extra or {})
        return SweepStore.create(
            folder,
            Path(experiment_file),
            points_table(points),
            kept_outcomes(experiment),
            experiment.weekly,
            info,
            command=command_line(),
            kind=kind,
        )
    except (ScenarioError, FolderBusyError) as error:
        fail(error)
    except OSError as error:  # a read-only or full disk: named by the results folder
        fail(StorageError(folder, error))


def _resume_command(kind: str, experiment_file: str) -> str:
    """The command (without ``transnum``) that continues a session of ``kind``."""
    if kind.startswith("sensitivity-"):
        return f"sensitivity {experiment_file} --method {kind.removeprefix('sensitivity-')}"
    return f"sweep {experiment_file}"


@contextlib.contextmanager
def exports_of(folder: Path, command: str):
    """Stop with one message if a table written after the runs cannot be written.

    Every run is saved by then: a resume runs nothing again and writes the tables.
    """
    try:
        yield
    except OSError as error:
        fail(
            error,
            say("cli.sweep.export_failed", parts=folder / "parts", command=command, folder=folder),
        )


def _discard_folder(folder: Path, made: list[Path]) -> bool:
    """Remove a new session's folder that holds no run, and the parents made for it."""
    if not made:
        return False
    shutil.rmtree(folder, ignore_errors=True)
    remove_empty(made[1:])
    return not folder.exists()


def _warn_failed(tables, folder: Path) -> int:
    """Say how many runs failed (before the results, which they leave out); their number."""
    failed = int((tables["runs"]["status"] != "ok").sum())
    if failed:
        warn(say("cli.sweep.runs_failed", runs=failed, table=folder / "runs.csv"))
    return failed


def _end(folder: Path, failed: int, written: Path | None = None) -> None:
    """The last lines: where the results are, the next step; exit status 1 if runs failed."""
    click.echo("\n" + say("cli.written", folder=written or folder))
    click.echo(say("cli.next_report", folder=folder))
    if failed:
        sys.exit(1)


@click.command()
@click.argument("experiment_file")
@run_options
@click.option("--dry-run", is_flag=True, help="Check the experiment and list what would run.")
@precision_options("at every point", "point with --precision (default 10 x the file's)")
def sweep(experiment_file, dry_run, precision, max_replications, **session) -> None:
    """Run every point of EXPERIMENT_FILE, with replications, into a Parquet dataset.

    Runs are saved as they finish; a sweep interrupted at any moment continues with
    --resume. Exit status 1 if some runs failed (their errors are in runs.csv).
    """
    from simulation.experiments.sweep import kept_outcomes, points_table
    from simulation.reports.tables import sweep_table

    targets = parse_precision(precision)
    experiment, points = _load(experiment_file)
    if experiment.design.method != "latin_hypercube":
        fail(
            ScenarioError(
                say("cli.sweep.not_a_sweep", method=experiment.design.method),
                path="design.method",
                source=experiment_file,
            )
        )
    not_kept = sorted(set(targets) - set(kept_outcomes(experiment)))
    if not_kept:
        raise click.BadParameter(
            say("cli.sweep.not_kept", name=quoted(not_kept[0])), param_hint="'--precision'"
        )
    if max_replications is not None and max_replications < experiment.replications:
        raise click.BadParameter(
            say("cli.sweep.below_replications", n=experiment.replications),
            param_hint="'--max-replications'",
        )
    _check_points(experiment_file, points)
    n_runs = len(points) * experiment.replications
    click.echo(
        say(
            "cli.sweep.header",
            name=experiment.name,
            points=len(points),
            each=say_count("cli.count.replication", experiment.replications),
            runs=say_count("cli.count.run", n_runs),
            seed=experiment.seed,
        )
    )
    if dry_run:
        table = points_table(points)
        click.echo(table.head(20).to_string(index=False))
        if len(table) > 20:
            click.echo(say("cli.sweep.more_points", n=len(table) - 20))
        return
    store, tables, folder = _session(
        experiment_file,
        experiment,
        points,
        kind="sweep",
        precision=targets,
        max_replications=max_replications,
        **session,
    )
    failed = _warn_failed(tables, folder)
    click.echo(sweep_table(tables["summary"]))
    if experiment.targets_file:
        with exports_of(folder, f"sweep {experiment_file}"):
            _calibration_report(experiment_file, tables["runs"], folder)
    _end(folder, failed)


def _calibration_report(experiment_file: str, runs, folder: Path) -> None:
    """For a calibration file run as a sweep: compare its targets and save the table."""
    from simulation.experiments.calibration import (
        compare_targets,
        distinct_scenarios,
        load_calibration,
    )
    from simulation.reports.tables import calibration_table

    calibration, scenarios = load_calibration(experiment_file)
    _, number_of = distinct_scenarios(scenarios)
    targets = compare_targets(calibration, number_of, runs, column="point")
    write_csv(targets, folder / "calibration.csv")
    click.echo("\n" + calibration_table(targets))


@click.command()
@click.argument("experiment_file")
@click.option(
    "--method",
    type=click.Choice(["morris", "sobol"]),
    default=None,
    help="SALib method (default: the experiment's design.method).",
)
@click.option(
    "--outcomes",
    default=None,
    help="Comma-separated outcomes to analyse (default: the experiment's, or a core set).",
)
@run_options
def sensitivity(experiment_file, method, outcomes, **session) -> None:
    """Sensitivity indices of the range factors of EXPERIMENT_FILE (Morris or Sobol).

    Runs the SALib design with the experiment's replications (common random numbers),
    saves every run like a sweep, and prints and saves the indices: Morris mu*, with
    its 95 % interval, and sigma; Sobol S1 and ST with their 95 % intervals.
    """
    from simulation.experiments.index_checks import warning_lines
    from simulation.experiments.sensitivity import DEFAULT_OUTCOMES, analyze, sensitivity_points
    from simulation.experiments.sweep import kept_outcomes
    from simulation.model.outcomes import flat_outcome_names
    from simulation.reports.tables import indices_table

    experiment, _ = _load(experiment_file)
    method = method or experiment.design.method
    if method not in ("morris", "sobol"):
        raise click.UsageError(say("cli.sensitivity.method"))
    try:
        values, points = sensitivity_points(experiment, Path(experiment_file).parent, method)
    except ScenarioError as error:
        fail(error.from_source(experiment_file))
    _check_points(experiment_file, points)
    if outcomes:
        names = tuple(o.strip() for o in outcomes.split(",") if o.strip())
        unknown = [o for o in names if o not in kept_outcomes(experiment)]
        if unknown:
            hint = suggestion(unknown[0], flat_outcome_names())
            raise click.BadParameter(
                say("cli.sensitivity.unknown_outcome", name=quoted(unknown[0]), hint=hint),
                param_hint="'--outcomes'",
            )
    elif experiment.outcomes == "all":
        names = DEFAULT_OUTCOMES
    else:
        names = experiment.outcomes
    click.echo(
        say(
            "cli.sensitivity.header",
            name=experiment.name,
            method=method,
            parameters=len(experiment.range_factors),
            points=len(points),
            each=say_count("cli.count.replication", experiment.replications),
            runs=say_count("cli.count.run", len(points) * experiment.replications),
        )
    )
    store, tables, folder = _session(
        experiment_file,
        experiment,
        points,
        kind=f"sensitivity-{method}",
        extra={"sensitivity_method": method},
        **session,
    )
    indices = analyze(experiment, method, values, tables["runs"], names)
    with exports_of(folder, f"sensitivity {experiment_file} --method {method}"):
        write_csv(store.points(), folder / "design.csv")
        write_csv(indices, folder / "indices.csv")
    failed = _warn_failed(tables, folder)
    for line in warning_lines(indices, method, experiment.design.samples):
        warn(say("cli.sensitivity.index_warning", line=line))
    skipped = [o for o in names if o not in set(indices.get("outcome", []))]
    if skipped:
        warn(say("cli.sensitivity.skipped", names=", ".join(skipped)))
    click.echo(indices_table(indices, method))
    _end(folder, failed, folder / "indices.csv")
