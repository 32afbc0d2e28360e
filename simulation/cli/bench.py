"""The ``transnum bench`` command: speed and memory figures."""

from __future__ import annotations

import json

import click

from simulation.cli.options import fail
from simulation.scenario.schema import ScenarioError


@click.command()
@click.option(
    "--case",
    type=click.Choice(["model", "batch", "compare", "sweep", "app"]),
    default="model",
    show_default=True,
    help="model: one run; batch: --replications runs of --staff staff stepped together "
    "by the batched engine on one core; compare: 3 strategies x --replications of the "
    "default commune; sweep: --runs small runs into a results folder (memory); app: the "
    "teaching page's work per week (step and redraw), --plans plans side by side.",
)
@click.option(
    "--staff",
    type=click.IntRange(min=1),
    default=None,
    help="Staff count [default: 20,000; batch: 500; app: 2,000].",
)
@click.option(
    "--weeks",
    type=click.IntRange(min=1),
    default=None,
    help="Weeks [default: 520; batch and app: 156].",
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

    if case == "app" and (staff or 0) > 2000:
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
            click.echo(f"{LABELS[key]:<26}{_text(value)}")


LABELS = {
    "staff": "staff",
    "weeks": "weeks",
    "setup_s": "set-up (s)",
    "wall_s": "wall (s)",
    "compute_s": "runs alone (s)",
    "overhead": "wall / runs alone",
    "agent_steps_per_s": "agent-steps/s",
    "replications": "replications",
    "kernel_agent_steps_per_s": "Bass kernel agent-steps/s",
    "kernel_ratio": "ratio to the Bass kernel",
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
    "reference_ms": "reference (ms)",
}


def _text(value) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"


def _rounded(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio, 3)


def _echo_compared(rows) -> None:
    """Each figure, the baseline's and their ratios, one line each."""
    click.echo(f"{'':<26}{'now':>12}{'baseline':>12}{'ratio':>8}{'at equal ref.':>15}")
    for row in rows:
        if row.figure not in LABELS:
            continue
        base = "-" if row.baseline is None else _text(row.baseline)
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
        equal = "" if row.at_equal_reference is None else f"{row.at_equal_reference:.2f}"
        click.echo(f"{LABELS[row.figure]:<26}{_text(row.now):>12}{base:>12}{ratio:>8}{equal:>15}")
    click.echo(
        "ratio: now / baseline; at equal ref.: the same ratio with each time divided by "
        "(each rate multiplied by) the reference time of its own run."
    )
