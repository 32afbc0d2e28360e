"""The ``transnum bench`` command: speed and memory figures."""

from __future__ import annotations

import json

import click

from simulation.cli.options import fail
from simulation.i18n.language import active, say
from simulation.i18n.words import number
from simulation.scenario.schema import ScenarioError


@click.command()
@click.option(
    "--case",
    type=click.Choice(["model", "batch", "compare", "sweep", "app", "game"]),
    default="model",
    show_default=True,
    help="model: one run; batch: --replications runs of --staff staff stepped together "
    "by the batched engine on one core; compare: 3 strategies x --replications of the "
    "default commune; sweep: --runs small runs into a results folder (memory); app: the "
    "teaching page's work per week (step and redraw), --plans plans side by side; game: "
    "one team's round of the workshop game (run and redraw), --weeks weeks a round.",
)
@click.option(
    "--staff",
    type=click.IntRange(min=1),
    default=None,
    help="Staff count [default: 20,000; batch: 500; app and game: 2,000].",
)
@click.option(
    "--weeks",
    type=click.IntRange(min=1),
    default=None,
    help="Weeks [default: 520; batch and app: 156; game: 13 a round].",
)
@click.option(
    "--plans",
    type=click.IntRange(min=1, max=3),
    default=1,
    show_default=True,
    help="app: plans side by side (workshop mode from 2).",
)
@click.option(
    "--replications",
    type=click.IntRange(min=1),
    default=None,
    help="batch: runs [default: 200]; compare: replications of each strategy [default: 100].",
)
@click.option("--runs", type=click.IntRange(min=1), default=20_000, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Default: one per core.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    default=None,
    help="A baseline file (benchmarks/baseline.json): print each figure next to the "
    "baseline's, with their ratio, also at equal speed of the machine (a reference "
    "workload timed in the same run).",
)
def bench(case, staff, weeks, plans, replications, runs, workers, as_json, baseline) -> None:
    """Measure speed and memory: one run (default), a comparison, a large sweep, the app.

    The model case times the default commune rescaled to STAFF staff over WEEKS weeks.
    """
    from simulation.bench.baseline import BaselineError, baseline_figures, compare, read_baseline
    from simulation.bench.measure import case_options, measure

    if case in ("app", "game") and (staff or 0) > 2000:
        raise click.BadParameter("the teaching page allows at most 2,000", param_hint="--staff")
    options = case_options(
        case,
        staff=staff,
        weeks=weeks,
        plans=plans,
        replications=replications,
        runs=runs,
        workers=workers,
    )
    try:
        # Read before measuring: a wrong file fails at once, not after the benchmark.
        base = baseline and baseline_figures(read_baseline(baseline), case, options, baseline)
        figures = measure(case, options, reference=bool(baseline))
    except BaselineError as error:
        fail(error)
    except ScenarioError as error:
        fail(error.from_source("transnum bench"))
    rows = compare(figures, base) if baseline else []
    if as_json:
        if baseline:
            figures["baseline"] = {
                row.figure: {
                    "baseline": row.baseline,
                    "ratio": _rounded(row.ratio),
                    "at_equal_reference": _rounded(row.at_equal_reference),
                }
                for row in rows
                if row.ratio is not None
            }
        click.echo(json.dumps(figures))
        return
    if baseline:
        _echo_compared(rows)
        return
    for key, value in figures.items():
        if key in LABELS:
            click.echo(f"{say(f'cli.bench.{key}'):<26}{_text(value)}")


LABELS = (
    "staff",
    "weeks",
    "setup_s",
    "wall_s",
    "compute_s",
    "overhead",
    "overhead_low",
    "overhead_high",
    "command_runs_s",
    "outside_runs_s",
    "measurements",
    "agent_steps_per_s",
    "replications",
    "kernel_agent_steps_per_s",
    "kernel_ratio",
    "runs",
    "runs_saved",
    "workers",
    "runs_per_s",
    "peak_rss_mb",
    "peak_worker_rss_mb",
    "plans",
    "step_ms",
    "draw_ms",
    "weeks_per_s",
    "weeks_per_s_playing",
    "round_weeks",
    "rounds",
    "redraw_s",
    "round_s",
    "target_s",
    "reference_ms",
)
"""The figures printed, in order; their labels are the catalogue's ``cli.bench.<figure>``."""


def _text(value) -> str:
    return number(value, active(), 2 if isinstance(value, float) else 0)


def _rounded(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio, 3)


def _echo_compared(rows) -> None:
    """Each figure, the baseline's and their ratios, one line each."""
    now, base, ratio, equal = (say(f"cli.bench.{k}") for k in ("now", "baseline", "ratio", "equal"))
    click.echo(f"{'':<26}{now:>12}{base:>12}{ratio:>8}{equal:>15}")
    for row in rows:
        if row.figure not in LABELS:
            continue
        base = "-" if row.baseline is None else _text(row.baseline)
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
        equal = "" if row.at_equal_reference is None else f"{row.at_equal_reference:.2f}"
        label = say(f"cli.bench.{row.figure}")
        click.echo(f"{label:<26}{_text(row.now):>12}{base:>12}{ratio:>8}{equal:>15}")
    click.echo(say("cli.bench.legend"))
