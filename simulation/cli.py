"""The ``transnum`` command. It only wires the package's functions together.

Bad input (a scenario file, a parameter, an output folder) ends with one message
naming the file and field, and exit status 2, before anything is computed.
"""

from __future__ import annotations

import difflib
import json
import os
import shlex
import sys
import time

import click

from simulation.loading import load_scenario
from simulation.scenario import STRATEGIES, Scenario
from simulation.schema import ScenarioError

EXIT_BAD_INPUT = 2


def _fail(error: Exception) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _command_line() -> str:
    """The running command, rebuilt from what click parsed (for the manifest)."""
    ctx = click.get_current_context()
    words = ctx.command_path.split()
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if value is None or value == () or value is False:
            continue
        if isinstance(param, click.Option) and value == param.default:
            continue
        if isinstance(param, click.Argument):
            words += [str(v) for v in (value if isinstance(value, tuple) else (value,))]
        elif param.is_flag:
            words.append(param.opts[0])
        elif isinstance(value, tuple):  # a repeatable option
            for item in value:
                words += [param.opts[0], str(item)]
        else:
            words += [param.opts[0], str(value)]
    return " ".join(shlex.quote(w) for w in words)


def _scenario(path: str | None, **overrides) -> Scenario:
    """Load the scenario (default: the built-in commune) and apply CLI overrides."""
    scenario = load_scenario(path) if path else Scenario()
    changes = {k: v for k, v in overrides.items() if v is not None}
    if not changes:
        return scenario
    try:
        return scenario.override(changes)
    except ScenarioError as error:
        raise error.from_source(f"{path or 'default scenario'} with command-line options") from None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _notes(scenario: Scenario) -> None:
    """Print what the plan cannot deliver within the horizon (not an error)."""
    from simulation.strategies import schedule_notes

    for note in schedule_notes(scenario):
        click.echo(f"note: {scenario.rollout.strategy.replace('_', ' ')}: {note}", err=True)


def _strategies(value: str) -> list[str]:
    names = [s.strip() for s in value.split(",") if s.strip()]
    for name in names:
        if name not in STRATEGIES:
            close = difflib.get_close_matches(name, STRATEGIES, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise click.BadParameter(
                f"unknown strategy {name!r}{hint} Known: {', '.join(STRATEGIES)}"
            )
    if not names:
        raise click.BadParameter("give at least one strategy")
    return names


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="transnum")
def main() -> None:
    """transnum: simulate the digital transition of a local public administration.

    Staff (technophile, follower, overwhelmed) in a network of services face digital
    tools rolled out big-bang, in small steps or in short cycles; the model reports
    adoption, dropout and psychosocial risk (RPS) week by week.
    """


@main.command()
@click.argument("scenario", required=False)
@click.option("--seed", type=click.IntRange(min=0), help="Root seed (default: the scenario's).")
@click.option(
    "--replication",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Replication number under the root seed (to rerun one run of a comparison).",
)
@click.option("--weeks", type=click.IntRange(min=1), help="Horizon in weeks.")
@click.option("--strategy", type=click.Choice(STRATEGIES), help="Rollout strategy.")
@click.option(
    "--out", type=click.Path(file_okay=False), help="Results folder (must be new or empty)."
)
def run(scenario, seed, replication, weeks, strategy, out) -> None:
    """Run SCENARIO once (default: the built-in 500-staff commune) and save the results."""
    from simulation.results import new_results_dir, prepare_dir, write_run
    from simulation.runner import run_scenario
    from simulation.tables import run_table

    try:
        spec = _scenario(scenario, horizon_weeks=weeks, **{"rollout.strategy": strategy})
        folder = prepare_dir(out or new_results_dir("run"))
    except ScenarioError as error:
        _fail(error)
    _notes(spec)
    start = time.perf_counter()
    result = run_scenario(spec, replication=replication, seed=seed)
    wall = time.perf_counter() - start
    click.echo(
        f"{spec.name}: strategy {spec.rollout.strategy.replace('_', ' ')}, "
        f"{spec.staff_count} staff, {spec.horizon_weeks} weeks, root seed {result.root_seed}, "
        f"replication {replication} ({wall:.1f} s)\n"
    )
    click.echo(run_table(result.summary))
    write_run(result, folder, command=_command_line(), wall_s=wall)
    click.echo(f"\nResults written to {folder}")


@main.command()
@click.argument("scenario", required=False)
@click.option(
    "--strategies",
    default="big_bang,small_steps,short_cycle",
    show_default=True,
    help="Comma-separated strategies to compare.",
)
@click.option(
    "--replications",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Replications per strategy (same seeds under every strategy).",
)
@click.option("--seed", type=click.IntRange(min=0), help="Root seed (default: the scenario's).")
@click.option("--weeks", type=click.IntRange(min=1), help="Horizon in weeks.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per core). Results do not depend on it.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Run on a Dask cluster (tcp://host:port), or 'local' for a Dask LocalCluster.",
)
@click.option(
    "--precision",
    multiple=True,
    metavar="OUTCOME=HALFWIDTH",
    help="Add replications until the 95 % interval of OUTCOME extends at most HALFWIDTH "
    "on each side of the mean, for every strategy (repeatable).",
)
@click.option(
    "--max-replications",
    type=click.IntRange(min=1),
    default=None,
    help="Cap on replications per strategy with --precision (default 10 x --replications).",
)
@click.option(
    "--out", type=click.Path(file_okay=False), help="Results folder (must be new or empty)."
)
def compare(
    scenario,
    strategies,
    replications,
    seed,
    weeks,
    workers,
    scheduler,
    precision,
    max_replications,
    out,
) -> None:
    """Compare rollout strategies on SCENARIO (default: the built-in commune).

    Replication r uses the same seeds under every strategy (common random numbers),
    so differences come from the strategies. Prints each outcome's mean with a 95 %
    confidence interval, the paired differences between strategies, and saves the
    results.
    """
    from tqdm import tqdm

    from simulation.executors import default_workers
    from simulation.results import new_results_dir, prepare_dir, write_comparison
    from simulation.runner import compare_strategies
    from simulation.tables import comparison_table, paired_table

    try:
        names = _strategies(strategies)
    except click.BadParameter as error:
        error.param_hint = "'--strategies'"
        raise
    targets = _precision(precision)
    try:
        spec = _scenario(scenario, horizon_weeks=weeks)
        variants = [spec.with_strategy(name) for name in names]  # validates each variant
        folder = prepare_dir(out or new_results_dir("compare"))
    except ScenarioError as error:
        _fail(error)
    for variant in variants:
        _notes(variant)
    n_workers = workers or default_workers()
    total = len(names) * replications
    where = f"Dask scheduler {scheduler}" if scheduler else f"{min(n_workers, total)} worker(s)"
    click.echo(
        f"{spec.name}: {', '.join(n.replace('_', ' ') for n in names)}; {replications} "
        f"replications each, {spec.staff_count} staff, {spec.horizon_weeks} weeks, {where}"
    )
    start = time.perf_counter()
    with tqdm(total=0, unit="run", desc="runs", file=sys.stderr, disable=None) as bar:

        def on_plan(count: int) -> None:
            bar.total = (bar.total or 0) + count
            bar.refresh()

        comparison = compare_strategies(
            spec,
            names,
            replications=replications,
            seed=seed,
            workers=n_workers,
            scheduler=scheduler,
            precision=targets,
            max_replications=max_replications,
            on_done=lambda _: bar.update(),
            on_plan=on_plan,
        )
    wall = time.perf_counter() - start
    runs = len(comparison.runs)
    click.echo(
        f"\n{runs} runs ({comparison.replications} replications per strategy) in {wall:.1f} s, "
        f"root seed {comparison.root_seed}\n"
    )
    click.echo(comparison_table(comparison.summary(), comparison.replications))
    if len(names) > 1:
        click.echo(
            "\nPaired differences (same replications under both strategies), mean [95 % CI]:"
        )
        click.echo(paired_table(comparison.paired_differences()))
    write_comparison(comparison, folder, command=_command_line(), wall_s=wall)
    click.echo(f"\nResults written to {folder}")


def _precision(values: tuple[str, ...]) -> dict[str, float]:
    """Parse ``OUTCOME=HALFWIDTH`` options."""
    from simulation.outcomes import flat_outcome_names

    targets = {}
    for value in values:
        name, _, width = value.partition("=")
        if name not in flat_outcome_names():
            close = difflib.get_close_matches(name, flat_outcome_names(), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise click.BadParameter(f"unknown outcome {name!r}{hint}", param_hint="'--precision'")
        try:
            targets[name] = float(width)
        except ValueError:
            raise click.BadParameter(
                f"expected OUTCOME=HALFWIDTH, got {value!r}", param_hint="'--precision'"
            ) from None
        if not targets[name] > 0:
            raise click.BadParameter("the half-width must be positive", param_hint="'--precision'")
    return targets


@main.command()
@click.argument("experiment_file")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Results folder (new or empty; with --resume, the sweep's folder).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Local worker processes (default: one per core; 1 runs serially).",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Run on a Dask cluster (tcp://host:port), or 'local' for a Dask LocalCluster.",
)
@click.option(
    "--resume", is_flag=True, help="Continue the sweep in --out: run only what is missing."
)
@click.option("--dry-run", is_flag=True, help="Check the experiment and list what would run.")
@click.option(
    "--precision",
    multiple=True,
    metavar="OUTCOME=HALFWIDTH",
    help="Add replications until the 95 % interval of OUTCOME extends at most HALFWIDTH "
    "on each side of the mean (repeatable).",
)
@click.option(
    "--max-replications",
    type=click.IntRange(min=1),
    default=None,
    help="Cap on replications per point with --precision (default 10 x the file's).",
)
def sweep(
    experiment_file, out, workers, scheduler, resume, dry_run, precision, max_replications
) -> None:
    """Run every point of EXPERIMENT_FILE, with replications, into a Parquet dataset.

    Runs are saved as they finish; a sweep interrupted at any moment continues with
    --resume. Exit status 1 if some runs failed (their errors are in runs.csv).
    """
    from pathlib import Path

    from tqdm import tqdm

    from simulation.executors import default_workers, open_executor
    from simulation.experiment import load_experiment
    from simulation.results import manifest, new_results_dir
    from simulation.sweep import export_tables, kept_outcomes, points_table, run_experiment
    from simulation.sweep_store import SweepStore

    targets = _precision(precision)
    try:
        experiment, points = load_experiment(experiment_file)
    except ScenarioError as error:
        _fail(error)
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
    if resume and not out:
        raise click.UsageError("--resume needs the --out folder of the sweep to continue")
    folder = Path(out) if out else new_results_dir("sweep")
    try:
        if resume:
            store = SweepStore.resume(folder, Path(experiment_file), _command_line())
        else:
            info = manifest(_command_line(), 0.0, {"root_seed": experiment.seed})
            info.pop("wall_s")  # each session records its own times
            store = SweepStore.create(
                folder,
                Path(experiment_file),
                points_table(points),
                kept_outcomes(experiment),
                experiment.weekly,
                info,
                command=_command_line(),
            )
    except ScenarioError as error:
        _fail(error)
    n_workers = workers or default_workers()
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

    start = time.perf_counter()
    try:
        with open_executor(n_workers, scheduler) as executor:
            report = run_experiment(
                experiment,
                points,
                store,
                executor,
                window=4 * n_workers,
                precision=targets,
                max_replications=max_replications,
                on_record=on_record,
                on_plan=on_plan,
            )
    except KeyboardInterrupt:
        bar.close()
        store.close("interrupted")
        click.echo(
            f"\nInterrupted: finished runs are saved; continue with --resume --out {folder}",
            err=True,
        )
        sys.exit(130)
    bar.close()
    store.close("complete" if report.failures == 0 else "complete with failures")
    tables = export_tables(store, experiment, points)
    wall = time.perf_counter() - start
    runs = tables["runs"]
    failed = int((runs["status"] != "ok").sum())
    click.echo(
        f"\n{report.runs_done:,} runs in {wall:.1f} s ({report.runs_before:,} already done); "
        f"{len(runs):,} runs saved, {failed} failed"
    )
    click.echo(_sweep_table(tables["summary"]))
    click.echo(f"\nResults written to {folder}")
    if failed:
        click.echo(f"{failed} runs failed: see the error column of {folder / 'runs.csv'}", err=True)
        sys.exit(1)


def _cell_text(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _sweep_table(
    summary, outcomes=("adoption_final", "dropout_share", "rps_peak_share"), rows=20
) -> str:
    """A compact view of the per-point summary: a few outcomes, mean [95 % CI]."""
    from simulation.tables import LABELS, fmt

    shown = [o for o in outcomes if o in set(summary["outcome"])]
    if not shown:
        return ""
    factors = [
        c
        for c in summary.columns
        if c not in {"point", "outcome", "mean", "ci_low", "ci_high", "n"}
    ]
    wide = []
    for point, group in summary.groupby("point", sort=True):
        cells = {"point": str(point), **{f: _cell_text(group.iloc[0][f]) for f in factors}}
        for o in shown:
            stat = group[group["outcome"] == o].iloc[0]
            kind = LABELS.get(o, (o, "number"))[1]
            low, high = fmt(stat["ci_low"], kind), fmt(stat["ci_high"], kind)
            cells[o] = f"{fmt(stat['mean'], kind)} [{low}, {high}]"
        wide.append(cells)
    header = ["point", *factors, *shown]
    lines = [[row[h] for h in header] for row in wide[:rows]]
    from simulation.tables import _grid

    text = _grid(header, lines)
    if len(wide) > rows:
        text += f"\n... {len(wide) - rows} more points in summary.csv"
    return "\n" + text


@main.command()
@click.argument("calibration_file")
@click.option(
    "--replications", type=click.IntRange(min=2), help="Runs per scenario (default: the file's)."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per core). Results do not depend on it.",
)
@click.option(
    "--out", type=click.Path(file_okay=False), help="Results folder (must be new or empty)."
)
@click.option(
    "--strict", is_flag=True, help="Exit with status 1 if a target's mean is out of range."
)
def calibrate(calibration_file, replications, workers, out, strict) -> None:
    """Check the model against the calibration targets of CALIBRATION_FILE.

    Prints, per target, the mean outcome with its 95 % confidence interval and
    whether it lies in the range the study reports; saves the tables.
    """
    from tqdm import tqdm

    from simulation.calibration import distinct_scenarios, load_calibration, run_calibration
    from simulation.results import new_results_dir, prepare_dir, write_calibration
    from simulation.tables import calibration_table

    try:
        calibration, scenarios = load_calibration(calibration_file)
        folder = prepare_dir(out or new_results_dir("calibrate"))
    except ScenarioError as error:
        _fail(error)
    reps = replications or calibration.replications
    n_runs = reps * len(distinct_scenarios(scenarios)[0])
    click.echo(f"{calibration.name}: {len(calibration.targets)} targets, {reps} runs per scenario")
    start = time.perf_counter()
    with tqdm(total=n_runs, unit="run", desc="runs", file=sys.stderr, disable=None) as bar:
        targets, runs = run_calibration(
            calibration,
            scenarios,
            replications=reps,
            workers=workers or os.cpu_count() or 1,
            on_done=lambda _: bar.update(),
        )
    wall = time.perf_counter() - start
    click.echo(f"\n{len(runs)} runs in {wall:.1f} s\n")
    click.echo(calibration_table(targets))
    write_calibration(
        targets,
        runs,
        folder,
        command=_command_line(),
        wall_s=wall,
        seed=calibration.seed,
        replications=reps,
    )
    click.echo(f"\nResults written to {folder}")
    if strict and not targets["met"].all():
        sys.exit(1)


@main.command()
@click.argument("files", nargs=-1, required=True)
def validate(files) -> None:
    """Check scenario FILES without running them (exit status 2 if any is invalid)."""
    bad = 0
    for name in files:
        try:
            spec = load_scenario(name)
        except ScenarioError as error:
            bad += 1
            click.echo(f"error: {error}", err=True)
            continue
        click.echo(
            f"ok: {name}: {spec.name} ({spec.staff_count} staff in "
            f"{len(spec.organisation.services)} services, {_count(len(spec.tools), 'tool')}, "
            f"{spec.rollout.strategy.replace('_', ' ')}, {spec.horizon_weeks} weeks)"
        )
        _notes(spec)
    if bad:
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.option("--staff", type=click.IntRange(min=1), default=20_000, show_default=True)
@click.option("--weeks", type=click.IntRange(min=1), default=520, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench(staff, weeks, as_json) -> None:
    """Time one run of the default commune rescaled to STAFF staff over WEEKS weeks."""
    from simulation.bench import benchmark

    try:
        figures = benchmark(staff=staff, weeks=weeks)
    except ScenarioError as error:
        _fail(error.from_source("transnum bench"))
    if as_json:
        click.echo(json.dumps(figures))
        return
    click.echo(
        f"staff              {figures['staff']:,}\n"
        f"weeks              {figures['weeks']:,}\n"
        f"set-up             {figures['setup_s']:.2f} s\n"
        f"wall (simulation)  {figures['wall_s']:.2f} s\n"
        f"agent-steps/s      {figures['agent_steps_per_s']:,.0f}\n"
        f"peak memory        {figures['peak_rss_mb']:,.0f} MB"
    )


if __name__ == "__main__":  # pragma: no cover
    main()
