"""The ``transnum run`` and ``transnum compare`` commands."""

from __future__ import annotations

import contextlib
import threading
import time

import click

from simulation.cli.options import (
    claim_new_folder,
    cli_scenario,
    command_line,
    fail,
    out_option,
    parameters_options,
    parse_precision,
    parse_strategies,
    precision_options,
    print_notes,
    print_parameters,
    progress_bar,
    scheduler_option,
    seconds,
    seed_option,
    strategy_name,
    weeks_option,
    where_runs,
    whole_number_option,
    workers_option,
    workers_that_fit,
    writing_results,
)
from simulation.i18n.language import say, say_count
from simulation.scenario.errors import ScenarioError
from simulation.scenario.footprint import estimate
from simulation.scenario.rollout import STRATEGIES


@click.command()
@click.argument("scenario", required=False)
@seed_option()
@whole_number_option(
    "--replication",
    "Replication number under the root seed (to rerun one run of a comparison).",
    minimum=0,
    default=0,
)
@weeks_option()
@click.option("--strategy", type=click.Choice(STRATEGIES), help="Rollout strategy.")
@out_option()
def run(scenario, seed, replication, weeks, strategy, out) -> None:
    """Run SCENARIO once (default: the built-in 500-staff commune) and save the results."""
    from simulation.experiments.results import write_run
    from simulation.experiments.runner import run_scenario
    from simulation.reports.figures.overview import write_run_figure
    from simulation.reports.tables import run_table

    try:
        spec = cli_scenario(scenario, horizon_weeks=weeks, **{"rollout.strategy": strategy})
        folder, lock = claim_new_folder(out, "run")  # noqa: F841 - held until the command ends
    except (ScenarioError, OSError) as error:  # OSError: cannot create or lock the folder
        fail(error)
    print_notes(spec)
    start = time.perf_counter()
    result = run_scenario(spec, replication=replication, seed=seed, snapshots=True)
    wall = time.perf_counter() - start
    click.echo(
        say(
            "cli.run.header",
            name=spec.name,
            strategy=strategy_name(spec.rollout.strategy),
            staff=say_count("cli.count.staff", spec.staff_count),
            weeks=say_count("cli.count.week", spec.horizon_weeks),
            seed=result.root_seed,
            replication=replication,
            seconds=seconds(wall),
        )
        + "\n"
    )
    click.echo(run_table(result.summary))
    with writing_results(folder):
        write_run(result, folder, command=command_line(), wall_s=wall)
        write_run_figure(folder, result.timeseries, result.scenario.name, result.strategy)
    click.echo("\n" + say("cli.written", folder=folder))
    click.echo(say("cli.next_report", folder=folder))


def next_step(summary: dict, paired, folder) -> str:
    """What to do next: the report, or a plan search when no strategy meets the thresholds.

    The thresholds are the report's recommendation rule
    (:mod:`simulation.reports.recommendation`).
    """
    from simulation.reports.recommendation import recommend

    verdict = recommend(summary, paired)
    if verdict.choice is None:
        return say("cli.next_optimise", folder=folder)
    return say("cli.next_report", folder=folder)


FIGURE = "simulation.reports.figures.overview:comparison_png"
"""What draws compare's figure on a worker (this process does not import matplotlib)."""

PREPARED_FIGURE = "simulation.reports.figures.overview:prepare_comparison_png"
"""What makes the figure's panels on a worker before the last run ends (then its curves)."""

WEEKLY_CSV = "simulation.experiments.results:weekly_csv_bytes"
"""What summarises and formats compare's timeseries.csv on a worker."""


@click.command()
@click.argument("scenario", required=False)
@click.option(
    "--strategies",
    default="big_bang,small_steps,short_cycle",
    show_default=True,
    help="Comma-separated strategies to compare.",
)
@whole_number_option(
    "--replications",
    "Replications per strategy (same seeds under every strategy).",
    minimum=1,
    default=20,
)
@seed_option()
@weeks_option()
@workers_option()
@scheduler_option()
@precision_options("for every strategy", "strategy with --precision (default 10 x --replications)")
@parameters_options()
@out_option()
@click.option(
    "--full-csv",
    is_flag=True,
    help="Also write every run's weekly table as CSV (timeseries_runs.csv: large, tens of "
    "MB for 300 runs of 3 years). Those tables are always in timeseries.parquet; "
    "timeseries.csv holds their weekly means with 95 % intervals.",
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
    parameters,
    per_member,
    out,
    full_csv,
) -> None:
    """Compare rollout strategies on SCENARIO (default: the built-in commune).

    Replication r uses the same seeds under every strategy (common random numbers),
    so differences come from the strategies; by default its behavioural parameters
    are those of a plausible set of the calibrated ensemble, the same under every
    strategy (--parameters). Prints each outcome's mean with a 95 %
    confidence interval, the paired differences between strategies, and saves the
    results: every run's weekly series in timeseries.parquet, their weekly means with
    95 % intervals in timeseries.csv.
    """
    from simulation.experiments.executors import (
        Deferred,
        ExecutorError,
        call,
        default_workers,
        defer,
        exit_quickly,
        import_modules,
        open_executor,
        warm_up,
    )

    try:
        names = parse_strategies(strategies)
    except click.BadParameter as error:
        error.param_hint = "'--strategies'"
        raise

    targets = parse_precision(precision)
    if max_replications is not None and max_replications < replications:
        raise click.BadParameter("below --replications", param_hint="'--max-replications'")
    try:
        spec = cli_scenario(scenario, horizon_weeks=weeks)
        variants = [spec.with_strategy(name) for name in names]  # validates each variant
        folder, lock = claim_new_folder(out, "compare")  # noqa: F841 - held until the end
    except (ScenarioError, OSError) as error:  # OSError: cannot create or lock the folder
        fail(error)
    n_workers = workers or default_workers()
    if not scheduler:  # a Dask cluster's workers have their own memory
        n_workers = workers_that_fit(n_workers, estimate(spec))
    total = len(names) * replications
    # One executor for the runs and the figure. Its workers start first: they import the
    # model while this process imports what it needs to plan, gather and write.
    pool = n_workers if targets else min(n_workers, total)  # precision may add runs
    with contextlib.ExitStack() as stack:
        try:
            executor = stack.enter_context(open_executor(pool, scheduler))
        except ExecutorError as error:
            fail(error)  # nothing ran: the folder this command made goes (claim_new_folder)
        local = bool(warm_up(executor, "simulation.experiments.runner", "simulation.model.batch"))
        # The ensemble (and pandas) load while the workers start; a file that cannot be
        # read stops the command before any run (its folder goes, as above).
        from simulation.experiments.parameters import choose_parameters

        try:
            draw = choose_parameters(parameters, per_member)
        except ScenarioError as error:
            fail(error)
        print_parameters(draw, spec, replications)
        click.echo(
            say(
                "cli.compare.header",
                name=spec.name,
                strategies=", ".join(strategy_name(n) for n in names),
                each=say_count("cli.count.replication", replications),
                staff=say_count("cli.count.staff", spec.staff_count),
                weeks=say_count("cli.count.week", spec.horizon_weeks),
                where=where_runs(scheduler, min(n_workers, total)),
            )
        )

        from simulation.experiments.results import weekly_summary, write_comparison
        from simulation.experiments.runner import compare_strategies
        from simulation.reports.curves import COMPARISON_COLUMNS
        from simulation.reports.tables import (
            comparison_table,
            ensemble_table,
            paired_table,
            robustness_table,
        )
        from simulation.storage import write_bytes

        start = time.perf_counter()
        with progress_bar() as bar:

            def on_plan(count: int) -> None:
                bar.total = (bar.total or 0) + count
                bar.refresh()

            warmed: list = []

            def on_done(_) -> None:
                bar.update()
                if local and not warmed:
                    # Every run is queued by now, so a worker takes this when it has no
                    # run left: the figure's imports (matplotlib) and its panels before
                    # the last run ends rather than after, in the worker that then
                    # draws its curves. With a precision target more runs may come:
                    # those need every worker, so that worker only imports.
                    if targets:
                        module = FIGURE.partition(":")[0]
                        warmed.append(executor.submit(import_modules, module))
                    else:
                        panels = (names, replications, spec.name)
                        deferred = defer(executor, PREPARED_FIGURE, panels)
                        warmed.append(stack.enter_context(deferred))
                    # This process waits for the runs, and needs scipy after them.
                    threading.Thread(
                        target=import_modules, args=("scipy.special",), daemon=True
                    ).start()

            try:
                comparison = compare_strategies(
                    spec,
                    names,
                    replications=replications,
                    seed=seed,
                    precision=targets,
                    max_replications=max_replications,
                    on_done=on_done,
                    on_plan=on_plan,
                    executor=executor,
                    parameters=draw,
                )
            except ExecutorError as error:
                bar.close()
                fail(error)
        wall = time.perf_counter() - start
        # On a local pool, a worker draws the figure (it comes back as PNG bytes) and
        # another summarises the weeks and formats timeseries.csv, while this process
        # computes the statistics, prints them and writes the other files.
        table = comparison.timeseries()  # every run's weekly table, stacked once for all
        figure = table[["strategy", "replication", *COMPARISON_COLUMNS]]  # all it needs
        drawn = None
        if warmed and isinstance(warmed[0], Deferred):
            drawn = warmed[0].send(figure, comparison.scenario.name)
        elif local:
            drawn = executor.submit(call, FIGURE, figure, comparison.scenario.name)
        weekly_csv = executor.submit(call, WEEKLY_CSV, table) if local else None
        weekly = None if local else weekly_summary(table)
        runs = len(comparison.runs)
        click.echo(
            "\n"
            + say(
                "cli.compare.done",
                runs=say_count("cli.count.run", runs),
                each=comparison.replications,
                seconds=seconds(wall),
                seed=comparison.root_seed,
            )
        )
        summary, paired = comparison.summary(), comparison.paired_differences()
        # The notes first: what each plan cannot deliver changes how the table reads.
        for variant in variants:
            print_notes(variant)
        click.echo("")
        click.echo(comparison_table(summary, comparison.replications))
        if len(names) > 1:
            click.echo("\n" + say("cli.compare.paired"))
            click.echo(paired_table(paired))
        if draw.drawn:
            click.echo("\n" + say("cli.compare.over_sets"))
            click.echo(ensemble_table(summary, comparison.first_shares()))
            if len(names) > 1:
                click.echo("\n" + say("cli.compare.share_below"))
                click.echo(robustness_table(paired))
        with writing_results(folder):
            write_comparison(
                comparison,
                folder,
                command=command_line(),
                wall_s=wall,
                table=table,
                paired=paired,
                weekly=weekly,
                weekly_csv=weekly_csv,
                full_csv=full_csv,
            )
            if drawn:
                write_bytes(folder / "figure.png", drawn.result())
            else:  # runs in this process, or on a Dask cluster: drawn here
                from simulation.reports.figures.overview import write_comparison_figure

                write_comparison_figure(folder, table, comparison.scenario.name)
    click.echo("\n" + say("cli.written", folder=folder))
    click.echo(next_step(summary, paired, folder))
    exit_quickly()  # everything is written and closed: the rest goes back to the system
