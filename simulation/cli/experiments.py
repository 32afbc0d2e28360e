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
    SUGGESTION,
    command_line,
    fail,
    out_option,
    parameters_options,
    parse_precision,
    precision_options,
    print_parameters,
    remove_empty,
    scheduler_option,
    workers_option,
    workers_that_fit,
)
from simulation.scenario.errors import ScenarioError, did_you_mean
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
    from tqdm import tqdm

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
        raise click.UsageError("--resume needs the --out folder to continue")
    if stop_if_damaged and not resume:
        raise click.UsageError("--stop-if-damaged goes with --resume")
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
            refuse_taken(folder, "use --resume to continue that sweep, or another --out")
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
    bar = tqdm(total=0, unit="run", desc="runs", file=sys.stderr, disable=None)
    failures = 0

    def on_record(record: dict) -> None:
        nonlocal failures
        failures += record["status"] != "ok"
        bar.set_postfix(failed=failures, refresh=False)
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
            "\nInterrupted before any run finished: nothing to keep, no folder left"
            if discarded
            else f"\nInterrupted: finished runs are saved; continue with --resume --out {folder}",
            err=True,
        )
        sys.exit(130)
    except OSError as error:  # a full disk, a scheduler lost mid-sweep...
        bar.close()
        with contextlib.suppress(OSError):  # the disk may be full: the next resume closes it
            store.close("interrupted")
        if error.errno and not error.filename and not isinstance(error, StorageError):
            error = StorageError(folder, error)  # a disk error that names no file (pyarrow's)
        fail(
            error,
            f". The sweep stopped; the runs finished before are saved in {folder / 'parts'}. "
            f"Once this is fixed, continue with: {resume_hint}",
        )
    wall = time.perf_counter() - start
    runs = tables["runs"]
    click.echo(
        f"\n{report.runs_done:,} runs in {wall:.1f} s ({report.runs_before:,} already done); "
        f"{len(runs):,} runs saved, {int((runs['status'] != 'ok').sum())} failed"
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
        where = f"{experiment_file} (point {largest})"
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
                runs = f"its {part.runs:,} runs" if part.runs else "its runs"
                click.echo(
                    f"warning: {folder}: damaged part {part.describe()} set aside in "
                    f"{folder / 'damaged'}; {runs} run again",
                    err=True,
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
            f". Every run is saved in {folder / 'parts'}; once this is fixed, write the "
            f"tables with: transnum {command} --resume --out {folder}",
        )


def _discard_folder(folder: Path, made: list[Path]) -> bool:
    """Remove a new session's folder that holds no run, and the parents made for it."""
    if not made:
        return False
    shutil.rmtree(folder, ignore_errors=True)
    remove_empty(made[1:])
    return not folder.exists()


def _exit_if_failed(tables, folder: Path) -> None:
    failed = int((tables["runs"]["status"] != "ok").sum())
    if failed:
        click.echo(f"{failed} runs failed: see the error column of {folder / 'runs.csv'}", err=True)
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
                f"a {experiment.design.method} design is run by transnum sensitivity "
                f"--method {experiment.design.method}; sweeps sample ranges by latin_hypercube",
                path="design.method",
                source=experiment_file,
            )
        )
    not_kept = sorted(set(targets) - set(kept_outcomes(experiment)))
    if not_kept:
        raise click.BadParameter(
            f"{not_kept[0]!r} is not among the outcomes the experiment keeps",
            param_hint="'--precision'",
        )
    if max_replications is not None and max_replications < experiment.replications:
        raise click.BadParameter(
            f"below the experiment's {experiment.replications} replications",
            param_hint="'--max-replications'",
        )
    _check_points(experiment_file, points)
    n_runs = len(points) * experiment.replications
    click.echo(
        f"{experiment.name}: {len(points)} points x {experiment.replications} replications = "
        f"{n_runs:,} runs (root seed {experiment.seed})"
    )
    if dry_run:
        table = points_table(points)
        click.echo(table.head(20).to_string(index=False))
        if len(table) > 20:
            click.echo(f"... and {len(table) - 20} more points")
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
    click.echo(sweep_table(tables["summary"]))
    if experiment.targets_file:
        with exports_of(folder, f"sweep {experiment_file}"):
            _calibration_report(experiment_file, tables["runs"], folder)
    click.echo(f"\nResults written to {folder}")
    _exit_if_failed(tables, folder)


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
        raise click.UsageError(
            "give --method morris or sobol (or set design.method in the experiment file)"
        )
    try:
        values, points = sensitivity_points(experiment, Path(experiment_file).parent, method)
    except ScenarioError as error:
        fail(error.from_source(experiment_file))
    _check_points(experiment_file, points)
    if outcomes:
        names = tuple(o.strip() for o in outcomes.split(",") if o.strip())
        unknown = [o for o in names if o not in kept_outcomes(experiment)]
        if unknown:
            hint = did_you_mean(unknown[0], flat_outcome_names(), SUGGESTION)
            raise click.BadParameter(
                f"unknown or not kept outcome {unknown[0]!r}{hint}", param_hint="'--outcomes'"
            )
    elif experiment.outcomes == "all":
        names = DEFAULT_OUTCOMES
    else:
        names = experiment.outcomes
    click.echo(
        f"{experiment.name}: {method}, {len(experiment.range_factors)} parameters, "
        f"{len(points)} points x {experiment.replications} replications = "
        f"{len(points) * experiment.replications:,} runs"
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
    click.echo(indices_table(indices, method))
    for line in warning_lines(indices, method, experiment.design.samples):
        click.echo(f"warning: {line}; see the warning column of indices.csv", err=True)
    skipped = [o for o in names if o not in set(indices.get("outcome", []))]
    if skipped:
        click.echo(f"not analysed (missing at some points): {', '.join(skipped)}", err=True)
    click.echo(f"\nIndices written to {folder / 'indices.csv'}")
    _exit_if_failed(tables, folder)
