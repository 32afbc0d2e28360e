"""What a report shows for each kind of results folder: figures, scenario facts, method.

Figures are returned as (drawing function, caption) pairs so that the report can
embed them; the drawing functions only read the loaded tables.
"""

from __future__ import annotations

from collections.abc import Callable

import yaml

from simulation.i18n.words import number, outcome, text
from simulation.reports.reader import Results

Figure = tuple[Callable, str]

_CAPTIONS = {
    "fr": {
        "overview": "Adoption, départs et forte tension au fil des semaines, par profil.",
        "adoption": "Adoption par profil (moyenne et dispersion entre réplications).",
        "intervals": "Départs et tension par stratégie, avec leurs intervalles à 95 %.",
        "heatmap": "Tension moyenne par service au fil des semaines ({strategy}).",
        "go_live": "Mise en service des outils par service ({strategy}).",
        "network": "Les agents dans le réseau des services à la semaine {week} ({strategy}), "
        "colorés par étape d'adoption.",
        "network_strain": "Les agents colorés par tension à la semaine {week} ({strategy}).",
        "factor": "{outcome} selon {factor} (moyennes et intervalles à 95 %).",
        "heat2": "{outcome} selon {a} et {b}.",
        "sensitivity": "Indices de sensibilité par résultat.",
        "calibration": "Cibles de calibrage atteintes (vert) ou non (orange).",
    },
    "en": {
        "overview": "Adoption, dropout and high strain over the weeks, by profile.",
        "adoption": "Adoption by profile (mean and spread across replications).",
        "intervals": "Dropout and strain by strategy, with their 95 % intervals.",
        "heatmap": "Mean strain by service over the weeks ({strategy}).",
        "go_live": "When each service gets its tools ({strategy}).",
        "network": "Staff in the network of services at week {week} ({strategy}), coloured by "
        "adoption stage.",
        "network_strain": "Staff coloured by strain at week {week} ({strategy}).",
        "factor": "{outcome} by {factor} (means and 95 % intervals).",
        "heat2": "{outcome} by {a} and {b}.",
        "sensitivity": "Sensitivity indices by outcome.",
        "calibration": "Calibration targets met (green) or not (orange).",
    },
}


def figures_for(results: Results, lang: str) -> list[Figure]:
    """The figures of a report on ``results``."""
    from simulation.reports.figures import network as figures_network
    from simulation.reports.figures import outcomes as figures_outcomes
    from simulation.reports.figures import overview as plotting
    from simulation.reports.figures import time as figures_time

    words = _CAPTIONS[lang]
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
        for strategy in _strategies(results):
            name = text(strategy, lang)
            figures.append(
                (
                    lambda s=strategy: figures_time.strain_heatmap(series, lang, strategy=s),
                    words["heatmap"].format(strategy=name),
                )
            )
            figures.append(
                (
                    lambda s=strategy: figures_time.go_live_chart(
                        results.schedule, lang, strategy=s
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
    fr = lang == "fr"
    if results.kind not in ("run", "compare"):
        rows = [["Expérience" if fr else "Experiment", str(data.get("name", ""))]]
        factors = data.get("factors") or {}
        for path, levels in factors.items():
            rows.append([("Facteur " if fr else "Factor ") + path, str(levels)])
        rows.append(["Réplications" if fr else "Replications", str(data.get("replications", ""))])
        return rows
    organisation = data.get("organisation", {})
    services = organisation.get("services", [])
    staff = sum(s.get("headcount", 0) for s in services)
    tools = data.get("tools", [])
    levers = data.get("levers", {})
    mix = data.get("profile_mix", {})
    rows = [
        ["Effectif" if fr else "Staff", number(staff, lang)],
        ["Services", str(len(services))],
        [
            "Outils (niveau SAMR)" if fr else "Tools (SAMR level)",
            ", ".join(f"{t['name']} ({t['samr']})" for t in tools),
        ],
        [
            "Profils" if fr else "Profiles",
            " / ".join(
                f"{text(p, lang)} {number(100 * mix.get(p, 0), lang)} %"
                for p in ("technophile", "follower", "overwhelmed")
            ),
        ],
        ["Horizon", f"{data.get('horizon_weeks')} " + ("semaines" if fr else "weeks")],
        [
            "Formation (heures de formateur / semaine)" if fr else "Training (trainer hours/week)",
            number(levers.get("training_capacity", 0), lang),
        ],
        [
            "Part de référents" if fr else "Referent share",
            number(100 * levers.get("referent_share", 0), lang, 1) + " %",
        ],
        [
            "Soutien de l'encadrement (0-1)" if fr else "Managerial backing (0-1)",
            number(levers.get("manager_backing", 0), lang, 2),
        ],
    ]
    return rows


def method_facts(results: Results, lang: str) -> list[list[str]]:
    """How the results were made: replications, seeds, versions, command."""
    fr = lang == "fr"
    manifest = results.manifest
    versions = manifest.get("versions", {})
    seeds = manifest.get("seeds", {})
    if results.kind == "compare":
        reps = str(results.summary.get("replications"))
    elif results.runs is not None:
        reps = str(int(results.runs["replication"].max()) + 1)
    else:
        reps = "1"
    rows = [
        ["Réplications" if fr else "Replications", reps],
        ["Graine racine" if fr else "Root seed", str(seeds.get("root_seed", ""))],
        [
            "Nombres aléatoires communs" if fr else "Common random numbers",
            "la réplication r utilise les mêmes graines pour chaque stratégie ou point"
            if fr
            else "replication r uses the same seeds for every strategy or point",
        ],
        [
            "Intervalles" if fr else "Intervals",
            "à 95 %, loi de Student sur les réplications"
            if fr
            else "95 %, Student t over replications",
        ],
        ["Versions", ", ".join(f"{k} {v}" for k, v in versions.items())],
        ["Commit", str(manifest.get("git_commit") or "–")],
        ["Commande" if fr else "Command", str(manifest.get("command", ""))],
    ]
    return rows
