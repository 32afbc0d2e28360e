"""The ``transnum optimise`` command: search the rollout plans of an organisation."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import time
from pathlib import Path

import click

from simulation.cli.options import (
    claim_folder,
    claim_new_folder,
    cli_scenario,
    command_line,
    fail,
    out_option,
    parameters_option,
    print_parameters,
    scheduler_option,
    seed_option,
    weeks_option,
    whole_number_option,
    workers_option,
    writing_results,
)
from simulation.scenario.errors import ScenarioError


def parse_constraints(value: str | None) -> dict[str, float]:
    """``deadline=130,budget=400000,training_budget=150000`` as settings' constraints."""
    names = {
        "deadline": "deadline_week",
        "budget": "budget_eur",
        "training_budget": "training_budget_eur",
    }
    out: dict[str, float] = {}
    for part in (p.strip() for p in (value or "").split(",") if p.strip()):
        key, sep, number = part.partition("=")
        if not sep or key.strip() not in names:
            raise click.BadParameter(
                f"{part!r}: give NAME=NUMBER with NAME among {', '.join(names)}",
                param_hint="'--constraints'",
            )
        try:
            out[names[key.strip()]] = float(number)
        except ValueError:
            raise click.BadParameter(
                f"{part!r}: {number!r} is not a number", param_hint="'--constraints'"
            ) from None
    if "deadline_week" in out:
        out["deadline_week"] = int(round(out["deadline_week"]))
    return out


@click.command()
@click.argument("scenario", required=False)
@click.option(
    "--space",
    "space_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Optimisation file: lever ranges, uncertainties, thresholds, constraints, budget "
    "(default: every lever with its default range).",
)
@click.option(
    "--objectives",
    default=None,
    help="Comma-separated objectives to minimise (default: weeks_to_80pct_adoption, "
    "external_departures, refusal_departures, strain, cost).",
)
@click.option(
    "--constraints",
    default=None,
    help="Hard limits, e.g. deadline=130,budget=400000,training_budget=150000 (week by which "
    "every go-live is due; caps on the mean total and training costs in euros).",
)
@whole_number_option("--trials", "Candidate plans to evaluate (default 360).", minimum=2)
@whole_number_option(
    "--replications",
    "Replications per candidate, each on its own ensemble member (default 20).",
    minimum=2,
)
@seed_option()
@weeks_option()
@workers_option()
@scheduler_option()
@parameters_option()
@out_option("Results folder (new or empty; with --resume, the search to continue).")
@click.option("--resume", is_flag=True, help="Continue the search in --out where it stopped.")
def optimise(
    scenario,
    space_file,
    objectives,
    constraints,
    trials,
    replications,
    seed,
    weeks,
    workers,
    scheduler,
    parameters,
    out,
    resume,
) -> None:
    """Search the rollout plans of SCENARIO's organisation (default: the built-in commune).

    Every candidate plan (strategy family and its settings, order of services,
    training, referents, communication, involvement, right to disconnect) runs on the
    same replications: the same ensemble members, seeds and uncertain conditions
    (common random numbers). Writes the Pareto set, three named plans (fastest safe,
    safest, balanced) as scenario files checked on fresh replications, the conditions
    under which each fails, figures and a manifest.
    """
    from simulation.experiments.executors import ExecutorError, default_workers, open_executor
    from simulation.experiments.parameters import choose_parameters
    from simulation.experiments.plan_settings import OptimiseSettings, load_settings, plan_space
    from simulation.scenario.schema import plain_data

    if resume and not out:
        raise click.UsageError("--resume needs the --out folder to continue")
    changes: dict = {}
    if objectives:
        changes["objectives"] = [o.strip() for o in objectives.split(",") if o.strip()]
    if trials is not None:
        changes["trials"] = trials
    if replications is not None:
        changes["replications"] = replications
    limits = parse_constraints(constraints)
    try:
        base = cli_scenario(scenario, horizon_weeks=weeks)
        settings = load_settings(space_file)
        if changes or limits:
            plain = plain_data(settings)
            plain.update(changes)
            plain["constraints"] = {**plain["constraints"], **limits}
            settings = OptimiseSettings.from_value(plain)
        space = plan_space(settings, base)
        draw = choose_parameters(parameters, 1)
        if resume:
            folder = Path(out)
            if not (folder / "study.db").is_file():
                raise ScenarioError("holds no search to resume (no study.db)", source=str(folder))
            lock = claim_folder(folder)  # noqa: F841 - held until the command ends
        else:
            if out and (Path(out) / "study.db").is_file():
                raise ScenarioError(
                    "holds a search already: continue it with --resume, or choose another --out",
                    source=str(out),
                )
            folder, lock = claim_new_folder(out, "optimise")  # noqa: F841
    except (ScenarioError, OSError) as error:
        fail(error)
    # The command line's seed, else the optimisation file's, else the scenario's.
    root = next(v for v in (seed, settings.seed, base.seed) if v is not None)
    print_parameters(draw, base, settings.replications)
    n_workers = workers or default_workers()
    with contextlib.ExitStack() as stack:
        try:
            executor = stack.enter_context(open_executor(n_workers, scheduler))
        except ExecutorError as error:
            fail(error)
        _run(folder, base, space, settings, draw, root, executor, scheduler, n_workers, resume)
    from simulation.experiments.executors import exit_quickly

    exit_quickly()


def _run(folder, base, space, settings, draw, root, executor, scheduler, n_workers, resume):
    from tqdm import tqdm

    from simulation.experiments.named_plans import check_plans, name_plans, named_trials
    from simulation.experiments.optimise_results import (
        STUDY_FILE,
        write_plans,
        write_provenance,
        write_tables,
    )
    from simulation.experiments.optimiser import (
        StudyMismatchError,
        fingerprint,
        open_study,
        search,
        trials_table,
    )
    from simulation.experiments.plan_evaluation import Evaluator
    from simulation.experiments.plan_failures import explain_failures
    from simulation.scenario.loading import dump_scenario

    deadline = settings.constraints.deadline_week
    deadline = base.horizon_weeks if deadline is None else deadline
    evaluator = Evaluator(base, space, draw, root, deadline, executor)
    mark = fingerprint(
        dump_scenario(base), space, settings, {"root": root, "parameters": draw.describe()}
    )
    try:
        study = open_study(folder / STUDY_FILE, len(settings.objectives), mark, resume)
    except StudyMismatchError as error:
        fail(ScenarioError(str(error), source=str(folder)))
    where = f"Dask scheduler {scheduler}" if scheduler else f"{n_workers} worker(s)"
    click.echo(
        f"{base.name}: searching {settings.trials} candidate plans, {settings.replications} "
        f"replications each, {base.staff_count} staff, {base.horizon_weeks} weeks, {where}"
    )
    start = time.perf_counter()
    total = settings.trials * settings.replications
    try:
        with tqdm(total=total, unit="run", desc="search", file=sys.stderr, disable=None) as bar:
            search(study, evaluator, settings, on_runs=bar.update)
    except KeyboardInterrupt:
        click.echo(
            f"\nInterrupted: the candidates evaluated are kept in {folder / STUDY_FILE}; "
            f"continue with --resume --out {folder}",
            err=True,
        )
        sys.exit(130)
    table = trials_table(study, space, settings)
    candidates = name_plans(table, settings)
    distinct = {*candidates["fastest_safe"], candidates["safest"], candidates["balanced"]}
    checks = len(distinct - {None}) * settings.check_replications
    with tqdm(total=checks, unit="run", desc="check", file=sys.stderr, disable=None) as bar:
        checked = check_plans(candidates, table, evaluator, settings, on_runs=bar.update)
    named = named_trials(checked)
    wall = time.perf_counter() - start
    with writing_results(folder):
        write_tables(folder, table)
        write_plans(folder, base, space, checked, explain_failures(checked, space))
        write_provenance(
            folder,
            base,
            settings,
            command=command_line(),
            wall_s=wall,
            seeds={"root": root, "rule": "replication r uses SeedSequence(root, spawn_key=(r,))"},
            parameters=draw.describe(),
            search={
                "sampler": "optuna TPESampler(multivariate, group, constant_liar)",
                "trials": int(len(table)),
                "batch": settings.batch,
                "replications": settings.replications,
                "check_replications": settings.check_replications,
                "named": named,
                "shortlist": candidates["fastest_safe"],
                "levers": [dataclasses.asdict(lever) for lever in space.levers],
                "fixed": dict(space.fixed),
                "uncertainties": [dataclasses.asdict(u) for u in space.uncertainties],
            },
        )
        _write_figures(folder, table, space, settings, named)
    _print_summary(table, checked, settings, wall)
    click.echo(f"\nResults written to {folder}")


def _write_figures(folder, table, space, settings, named) -> None:
    from simulation.reports.figures.optimisation import levers_figure, pareto_figure
    from simulation.storage import save_figure

    if table.empty or not table["pareto"].any():
        return
    save_figure(
        pareto_figure(table, settings.objectives, settings.statistic, named, "en"),
        folder / "pareto.png",
    )
    levers = [(lv.name, lv.low, lv.high, lv.choices) for lv in space.levers]
    save_figure(levers_figure(table, levers, named, "en"), folder / "levers.png")


def _print_summary(table, checked, settings, wall) -> None:
    feasible = int(table["feasible"].sum()) if not table.empty else 0
    front = int(table["pareto"].sum()) if not table.empty else 0
    click.echo(
        f"\n{len(table)} candidates in {wall:.1f} s: {feasible} feasible, {front} on the "
        "Pareto front"
    )
    by_week = settings.thresholds.adoption_week
    click.echo(
        f"thresholds: at most {settings.thresholds.dropout_share:.0%} of staff leave, 80 % "
        f"adoption by week {by_week if by_week is not None else 'of the horizon'}; a plan is "
        f"safe when it meets them in {settings.safe_share:.0%} of replications"
    )
    if not checked:
        click.echo("no feasible plan: relax the constraints or lengthen the horizon")
        return
    if not any(c.name == "fastest_safe" for c in checked):
        click.echo(
            "no plan is safe: none of the candidates checked meets the thresholds in "
            f"{settings.safe_share:.0%} of the fresh replications"
        )
    click.echo(f"\nNamed plans, on {settings.check_replications} fresh replications:")
    for c in checked:
        s = c.stats
        click.echo(
            f"  {c.name:<13} {c.levers.get('strategy', '')!s:<12} meets the thresholds in "
            f"{s['satisficing']:.0%}; 80 % adoption week {s['weeks_to_80pct_adoption_mean']:.0f} "
            f"(q {s['weeks_to_80pct_adoption_q']:.0f}); departures external "
            f"{s['external_departures_mean']:.1%}, refusal {s['refusal_departures_mean']:.1%}; "
            f"{s['strain_mean']:.0f} person-weeks at high strain; "
            f"{s['cost_mean']:,.0f} EUR"
        )
