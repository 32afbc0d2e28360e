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
from pathlib import Path

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


# ----------------------------------------------------------------- shared options
# (also used by the sweep and sensitivity commands in cli_sweep)

NEW_FOLDER = "Results folder (must be new or empty)."


def out_option(help_text: str = NEW_FOLDER):
    """The ``--out`` option: the results folder a command writes."""
    return click.option("--out", type=click.Path(file_okay=False), help=help_text)


def workers_option(
    help_text: str = "Worker processes (default: one per core). Results do not depend on it.",
):
    """The ``--workers`` option: local worker processes (default: one per core)."""
    return click.option("--workers", type=click.IntRange(min=1), default=None, help=help_text)


def scheduler_option():
    """The ``--scheduler`` option: a Dask cluster instead of local processes."""
    return click.option(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Run on a Dask cluster (tcp://host:port), or 'local' for a Dask LocalCluster.",
    )


def precision_options(where: str, cap_default: str):
    """``--precision`` and ``--max-replications``: replications until a precision.

    Args:
        where: Where the precision must hold (``for every strategy``...).
        cap_default: What the cap on replications defaults to.
    """
    precision = click.option(
        "--precision",
        multiple=True,
        metavar="OUTCOME=HALFWIDTH",
        help="Add replications until the 95 % interval of OUTCOME extends at most HALFWIDTH "
        f"on each side of the mean, {where} (repeatable).",
    )
    cap = click.option(
        "--max-replications",
        type=click.IntRange(min=1),
        default=None,
        help=f"Cap on replications per {cap_default}.",
    )
    return lambda command: precision(cap(command))


def language_option(what: str):
    """The ``--lang`` option (French by default) of a command writing ``what``."""
    return click.option(
        "--lang",
        type=click.Choice(["fr", "en"]),
        default="fr",
        show_default=True,
        help=f"Language of {what}.",
    )


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
@out_option()
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
    result = run_scenario(spec, replication=replication, seed=seed, snapshots=True)
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
@workers_option()
@scheduler_option()
@precision_options("for every strategy", "strategy with --precision (default 10 x --replications)")
@out_option()
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
    from simulation.cli_sweep import parse_precision

    targets = parse_precision(precision)
    if max_replications is not None and max_replications < replications:
        raise click.BadParameter("below --replications", param_hint="'--max-replications'")
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


@main.command()
@click.argument("calibration_file")
@click.option(
    "--replications", type=click.IntRange(min=2), help="Runs per scenario (default: the file's)."
)
@workers_option()
@out_option()
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
@click.argument("results_dir", type=click.Path(file_okay=False))
@language_option("the report and workbook")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Report file (default: RESULTS_DIR/rapport.html, or report.html in English); the "
    "Excel workbook goes next to it (.xlsx).",
)
def report(results_dir, lang, out) -> None:
    """Write a self-contained HTML report and an Excel workbook of RESULTS_DIR.

    Works on the folders of run, compare, sweep, sensitivity and calibrate. The
    report opens offline and prints well; French by default.
    """
    from simulation.report import write_report
    from simulation.results_reader import read_results
    from simulation.workbook import write_workbook

    try:
        results = read_results(results_dir)
    except ScenarioError as error:
        _fail(error)
    stem = {"fr": "rapport", "en": "report"}[lang]
    html_path = Path(out) if out else Path(results_dir) / f"{stem}.html"
    if html_path.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter("the report is an .html file", param_hint="'--out'")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    write_report(results, html_path, lang)
    workbook = write_workbook(results, html_path.with_suffix(".xlsx"), lang)
    click.echo(f"wrote {html_path}\nwrote {workbook}")


@main.command()
@click.argument("scenario", required=False)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=8765,
    show_default=True,
    help="Port (0: any free one).",
)
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
    import subprocess

    from simulation.teaching_server import app_command, free_port

    if scenario:
        try:
            load_scenario(scenario)
        except ScenarioError as error:
            _fail(error)
    port = port or free_port(host)
    command, env = app_command(
        host=host, port=port, lang=lang, workshop=workshop, scenario=scenario
    )
    click.echo(f"Serving the teaching page on http://{host}:{port} (Ctrl-C to stop)")
    try:
        sys.exit(subprocess.call(command, env=env))
    except KeyboardInterrupt:
        sys.exit(0)


@main.command()
@click.argument("folder")
def init(folder) -> None:
    """Write a ready-to-edit description of your organisation into FOLDER.

    FOLDER gets scenario.yaml (commented), services.csv (replace the example services
    by yours: names and headcounts) and relations.csv (optional). Then:
    transnum compare FOLDER/scenario.yaml --out RESULTS and transnum report RESULTS.
    """
    from simulation.starter import write_starter

    try:
        files = write_starter(folder)
    except ScenarioError as error:
        _fail(error)
    for path in files:
        click.echo(f"wrote {path}")
    scenario = files[0]
    click.echo(
        f"\nNext: put your services and headcounts in {files[1]}, then\n"
        f"  transnum validate {scenario}\n"
        f"  transnum compare {scenario} --out {Path(folder) / 'resultats'}\n"
        f"  transnum report {Path(folder) / 'resultats'}"
    )


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
@click.option(
    "--case",
    type=click.Choice(["model", "compare", "sweep", "app"]),
    default="model",
    show_default=True,
    help="model: one run; compare: 3 strategies x --replications of the default commune; "
    "sweep: --runs small runs into a results folder (memory); app: the teaching page's "
    "work per week (step and redraw), --plans plans side by side.",
)
@click.option(
    "--staff",
    type=click.IntRange(min=1),
    default=None,
    help="Staff count [default: 20,000; app: 2,000].",
)
@click.option(
    "--weeks", type=click.IntRange(min=1), default=None, help="Weeks [default: 520; app: 156]."
)
@click.option(
    "--plans",
    type=click.IntRange(min=1, max=3),
    default=1,
    show_default=True,
    help="app: plans side by side (workshop mode from 2).",
)
@click.option("--replications", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--runs", type=click.IntRange(min=1), default=20_000, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Default: one per core.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench(case, staff, weeks, plans, replications, runs, workers, as_json) -> None:
    """Measure speed and memory: one run (default), a comparison, a large sweep, the app.

    The model case times the default commune rescaled to STAFF staff over WEEKS weeks.
    """
    from simulation.bench import benchmark, benchmark_app, benchmark_compare, benchmark_sweep

    try:
        if case == "model":
            figures = benchmark(staff=staff or 20_000, weeks=weeks or 520)
        elif case == "app":
            if (staff or 0) > 2000:
                raise click.BadParameter(
                    "the teaching page allows at most 2,000", param_hint="--staff"
                )
            figures = benchmark_app(staff=staff or 2000, weeks=weeks or 156, plans=plans)
        elif case == "compare":
            figures = benchmark_compare(replications=replications, workers=workers)
        else:
            figures = benchmark_sweep(runs=runs, workers=workers)
    except ScenarioError as error:
        _fail(error.from_source("transnum bench"))
    if as_json:
        click.echo(json.dumps(figures))
        return
    labels = {
        "staff": "staff",
        "weeks": "weeks",
        "setup_s": "set-up (s)",
        "wall_s": "wall (s)",
        "agent_steps_per_s": "agent-steps/s",
        "runs": "runs",
        "runs_saved": "runs saved",
        "workers": "workers",
        "runs_per_s": "runs/s",
        "peak_rss_mb": "peak memory (MB)",
        "peak_worker_rss_mb": "peak worker memory (MB)",
        "plans": "plans",
        "step_ms": "step (ms/week)",
        "draw_ms": "pictures (ms/week)",
        "weeks_per_s": "weeks/s (step + draw)",
        "weeks_per_s_playing": "weeks/s (playing, 50 ms)",
    }
    for key, value in figures.items():
        if key in labels:
            text = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
            click.echo(f"{labels[key]:<26}{text}")


if __name__ == "__main__":  # pragma: no cover
    main()


# The sweep and sensitivity commands live in their own module; importing it registers them.
from simulation import cli_sweep  # noqa: E402, F401
