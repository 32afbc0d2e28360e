"""What a report shows for each kind of results folder: figures, scenario facts, method.

Figures are returned as (drawing function, caption) pairs so that the report can
embed them; the drawing functions only read the loaded tables.
"""

from __future__ import annotations

from collections.abc import Callable

import yaml

from simulation.i18n.words import number, outcome, phrases, text
from simulation.reports.reader import Results

Figure = tuple[Callable, str]


def figures_for(results: Results, lang: str) -> list[Figure]:
    """The figures of a report on ``results``."""
    from simulation.reports.figures import network as figures_network
    from simulation.reports.figures import outcomes as figures_outcomes
    from simulation.reports.figures import overview as plotting
    from simulation.reports.figures import time as figures_time

    words = phrases("report.caption", lang)
    figures: list[Figure] = []
    if results.kind in ("run", "compare"):
        series = results.timeseries
        if results.kind == "run":
            figures.append((lambda: plotting.plot_run(series, "", lang=lang), words["overview"]))
        else:
            figures.append(
                (lambda: plotting.plot_comparison(series, "", lang=lang), words["overview"])
            )
            figures.append(
                (lambda: figures_time.adoption_by_profile(series, lang), words["adoption"])
            )
            summary = results.summary["strategies"]
            figures.append(
                (lambda: figures_outcomes.outcome_intervals(summary, lang=lang), words["intervals"])
            )
        if results.kind == "compare":  # one scale for every strategy, side by side
            figures.append((lambda: figures_time.strain_heatmaps(series, lang), words["heatmaps"]))
        for strategy in _strategies(results):
            name = text(strategy, lang)
            if results.kind == "run":
                figures.append(
                    (
                        lambda s=strategy: figures_time.strain_heatmap(series, lang, strategy=s),
                        words["heatmap"].format(strategy=name),
                    )
                )
            figures.append(
                (
                    lambda s=strategy: figures_time.go_live_chart(
                        results.schedule, lang, strategy=s, labels=results.tool_labels
                    ),
                    words["go_live"].format(strategy=name),
                )
            )
        if results.snapshots is not None:
            week = _middle_week(results)
            for strategy in _strategies(results):
                name = text(strategy, lang)
                figures.append(
                    (
                        lambda s=strategy: figures_network.network_picture(
                            results.staff,
                            results.ties,
                            results.snapshots,
                            colour_by="stage",
                            lang=lang,
                            week=week,
                            strategy=s,
                        ),
                        words["network"].format(week=week, strategy=name),
                    )
                )
    elif results.calibration is not None:
        from simulation.reports.figures.calibration import calibration_chart

        figures.append((lambda: calibration_chart(results.calibration, lang), words["calibration"]))
    elif results.kind == "sensitivity" and results.indices is not None:
        figures.append(
            (lambda: figures_outcomes.sensitivity_bars(results.indices, lang), words["sensitivity"])
        )
    elif results.point_summary is not None and results.factors:
        summary = results.point_summary
        present = set(summary["outcome"])
        keys = [
            o for o in ("adoption_final", "dropout_share", "rps_high_person_weeks") if o in present
        ]
        factors = [f for f in results.factors if summary[f].nunique() > 1][:3]
        for name in keys:
            for factor in factors:
                others = [f for f in factors if f != factor]
                by = "rollout.strategy" if "rollout.strategy" in others else None
                figures.append(
                    (
                        lambda n=name, f=factor, b=by: figures_outcomes.outcome_vs_factor(
                            summary, n, f, lang, by=b
                        ),
                        words["factor"].format(outcome=outcome(name, lang), factor=factor),
                    )
                )
            if len(factors) >= 2:
                a, b = factors[0], factors[1]
                figures.append(
                    (
                        lambda n=name, a=a, b=b: figures_outcomes.outcome_heatmap(
                            summary, n, a, b, lang
                        ),
                        words["heat2"].format(outcome=outcome(name, lang), a=a, b=b),
                    )
                )
    return figures


def _strategies(results: Results) -> list[str]:
    if results.kind == "compare":
        return list(results.summary["strategies"])
    scenario = yaml.safe_load(results.scenario_text) or {}
    return [scenario.get("rollout", {}).get("strategy", "short_cycle")]


def _middle_week(results: Results) -> int:
    """A snapshot week about a third into the horizon (the rollout is under way)."""
    weeks = sorted(set(results.snapshots["week"]))
    target = weeks[-1] / 3
    return min(weeks, key=lambda w: abs(w - target))


def scenario_facts(results: Results, lang: str) -> list[list[str]]:
    """Key facts of the scenario (or experiment): rows of (label, value)."""
    data = yaml.safe_load(results.scenario_text) or {}
    fact = phrases("report.fact", lang)
    if results.kind not in ("run", "compare"):
        rows = [[fact["experiment"], str(data.get("name", ""))]]
        factors = data.get("factors") or {}
        for path, levels in factors.items():
            rows.append([fact["factor"].format(path=path), str(levels)])
        rows.append([fact["replications"], str(data.get("replications", ""))])
        return rows
    organisation = data.get("organisation", {})
    services = organisation.get("services", [])
    staff = sum(s.get("headcount", 0) for s in services)
    tools = data.get("tools", [])
    levers = data.get("levers", {})
    mix = data.get("profile_mix", {})
    rows = [
        [fact["staff"], number(staff, lang)],
        [fact["services"], str(len(services))],
        [
            fact["tools"],
            ", ".join(
                f"{results.tool_labels.get(t['name'], t['name'])} ({t['samr']})" for t in tools
            ),
        ],
        [
            fact["profiles"],
            " / ".join(
                f"{text(p, lang)} {number(100 * mix.get(p, 0), lang)} %"
                for p in ("technophile", "follower", "overwhelmed")
            ),
        ],
        [fact["horizon"], f"{data.get('horizon_weeks')} {text('weeks', lang)}"],
        [fact["training"], number(levers.get("training_capacity", 0), lang)],
        [fact["referents"], number(100 * levers.get("referent_share", 0), lang, 1) + " %"],
        [fact["backing"], number(levers.get("manager_backing", 0), lang, 2)],
    ]
    return rows


def method_facts(results: Results, lang: str) -> list[list[str]]:
    """How the results were made: replications, seeds, versions, command."""
    manifest = results.manifest
    versions = manifest.get("versions", {})
    seeds = manifest.get("seeds", {})
    if results.kind == "compare":
        reps = str(results.summary.get("replications"))
    elif results.runs is not None:
        reps = str(int(results.runs["replication"].max()) + 1)
    else:
        reps = "1"
    fact = phrases("report.fact", lang)
    rows = [
        [fact["replications"], reps],
        [fact["root_seed"], str(seeds.get("root_seed", ""))],
        [fact["common_random_numbers"], fact["same_seeds"]],
        [fact["intervals"], fact["student"]],
        [fact["versions"], ", ".join(f"{k} {v}" for k, v in versions.items())],
        [fact["commit"], str(manifest.get("git_commit") or "–")],
        [fact["command"], str(manifest.get("command", ""))],
    ]
    return rows
