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
    progress_bar,
    scheduler_option,
    seconds,
    seed_option,
    strategy_name,
    warn,
    weeks_option,
    where_runs,
    whole_number_option,
    workers_option,
    writing_results,
)
from simulation.i18n.language import active, quoted, say, say_count
from simulation.i18n.words import euros, number, percent
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
                say("cli.optimise.constraint_form", part=quoted(part), names=", ".join(names)),
                param_hint="'--constraints'",
            )
        try:
            out[names[key.strip()]] = float(number)
        except ValueError:
            raise click.BadParameter(
                say("cli.optimise.not_a_number", part=quoted(part), value=quoted(number)),
                param_hint="'--constraints'",
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
        raise click.UsageError(say("cli.resume_needs_out"))
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
                raise ScenarioError(say("cli.optimise.no_study"), source=str(folder))
            lock = claim_folder(folder)  # noqa: F841 - held until the command ends
        else:
            if out and (Path(out) / "study.db").is_file():
                raise ScenarioError(say("cli.optimise.has_study"), source=str(out))
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
    click.echo(
        say(
            "cli.optimise.header",
            name=base.name,
            trials=settings.trials,
            each=say_count("cli.count.replication", settings.replications),
            staff=say_count("cli.count.staff", base.staff_count),
            weeks=say_count("cli.count.week", base.horizon_weeks),
            where=where_runs(scheduler, n_workers),
        )
    )
    start = time.perf_counter()
    total = settings.trials * settings.replications
    try:
        with progress_bar(total, "search") as bar:
            search(study, evaluator, settings, on_runs=bar.update)
    except KeyboardInterrupt:
        click.echo(
            "\n" + say("cli.optimise.interrupted", study=folder / STUDY_FILE, folder=folder),
            err=True,
        )
        sys.exit(130)
    table = trials_table(study, space, settings)
    candidates = name_plans(table, settings)
    distinct = {*candidates["fastest_safe"], candidates["safest"], candidates["balanced"]}
    checks = len(distinct - {None}) * settings.check_replications
    with progress_bar(checks, "check") as bar:
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
    click.echo("\n" + say("cli.written", folder=folder))
    click.echo(say("cli.next_report", folder=folder))


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
    """The search in a few lines: candidates, thresholds, then each named plan."""
    lang = active()
    feasible = int(table["feasible"].sum()) if not table.empty else 0
    front = int(table["pareto"].sum()) if not table.empty else 0
    click.echo(
        "\n"
        + say(
            "cli.optimise.done",
            n=len(table),
            seconds=seconds(wall),
            feasible=feasible,
            front=front,
        )
    )
    by_week = settings.thresholds.adoption_week
    click.echo(
        say(
            "cli.optimise.thresholds",
            dropout=percent(settings.thresholds.dropout_share, lang, 0),
            week=by_week if by_week is not None else say("cli.optimise.horizon"),
            safe=percent(settings.safe_share, lang, 0),
        )
    )
    # What is missing first: no plan to recommend changes how the rest reads.
    if not checked:
        warn(say("cli.optimise.no_feasible"))
        return
    if not any(c.name == "fastest_safe" for c in checked):
        warn(say("cli.optimise.no_safe", safe=percent(settings.safe_share, lang, 0)))
    click.echo("\n" + say("cli.optimise.named", n=settings.check_replications))
    for c in checked:
        s = c.stats
        click.echo(
            "  "
            + say(
                "cli.optimise.plan",
                name=say(f"optimise.plan.{c.name}"),
                strategy=strategy_name(c.levers["strategy"]) if c.levers.get("strategy") else "",
                met=percent(s["satisficing"], lang, 0),
                week=number(s["weeks_to_80pct_adoption_mean"], lang),
                q=number(s["weeks_to_80pct_adoption_q"], lang),
                external=percent(s["external_departures_mean"], lang),
                refusal=percent(s["refusal_departures_mean"], lang),
                strain=number(s["strain_mean"], lang),
                cost=euros(s["cost_mean"], lang),
            )
        )
