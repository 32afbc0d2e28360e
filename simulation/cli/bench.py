"""The ``transnum bench`` command: speed and memory figures."""

from __future__ import annotations

import json

import click

from simulation.cli.options import (
    fail,
)
from simulation.scenario.schema import ScenarioError


@click.command()
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
    from simulation.bench.cases import benchmark, benchmark_app, benchmark_compare, benchmark_sweep

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
        fail(error.from_source("transnum bench"))
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
