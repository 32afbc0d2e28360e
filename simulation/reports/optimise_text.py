"""Plain words for the report of a plan search: three plans side by side, honestly.

Built from the search folder's tables (``plans.csv``, ``trials.parquet``,
``discovery.json``, ``manifest.json``, ``settings.yaml``), never from a model run. The
report always states the thresholds it applied; says so when no candidate is safe
instead of presenting the least bad as safe; gives each plan's figures on the fresh
replications it was checked on, and says when they fall short of what the search saw
(the winner's curse); and tells the conditions under which each plan fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from simulation.i18n.words import colon, euros, number, percent, phrase, quote
from simulation.reports.style import strategy_name

PLAN_NAMES: tuple[str, ...] = ("fastest_safe", "safest", "balanced")
SHARE_ROWS = ("external_departures", "refusal_departures")


def plan_label(name: str, lang: str) -> str:
    """A named plan's name, quoted (« le plus sûr »)."""
    return quote(phrase(f"optimise.plan.{name}", lang), lang)


def _value(objective: str, amount: float, lang: str) -> str:
    if objective in SHARE_ROWS:
        return percent(amount, lang, 1)
    if objective == "cost":
        return euros(amount, lang)
    return number(amount, lang)


def thresholds_sentence(settings: Mapping[str, Any], horizon: int, lang: str) -> str:
    """The thresholds and the safe share, always stated."""
    t = settings["thresholds"]
    week = horizon if t.get("adoption_week") is None else t["adoption_week"]
    return phrase(
        "optimise.report.thresholds",
        lang,
        c=colon(lang),
        dropout=percent(t["dropout_share"], lang, 0),
        week=week,
        safe=percent(settings["safe_share"], lang, 0),
    )


def search_sentence(trials: pd.DataFrame, manifest: Mapping[str, Any], lang: str) -> str:
    """How many candidates, on which replications, how many feasible and non-dominated."""
    search = manifest.get("search", {})
    parameters = manifest.get("parameters", {})
    key = "ensemble" if parameters.get("source", "default") != "default" else "default"
    return phrase(
        f"optimise.report.search_{key}",
        lang,
        n=len(trials),
        r=search.get("replications", "?"),
        feasible=int(trials["feasible"].sum()) if not trials.empty else 0,
        front=int(trials["pareto"].sum()) if not trials.empty else 0,
    )


def constraints_sentence(settings: Mapping[str, Any], horizon: int, lang: str) -> str:
    """The hard limits every plan kept."""
    c = settings["constraints"]
    deadline = horizon if c.get("deadline_week") is None else c["deadline_week"]
    parts = [phrase("optimise.report.deadline", lang, week=deadline)]
    if c.get("budget_eur") is not None:
        parts.append(phrase("optimise.report.budget", lang, eur=euros(c["budget_eur"], lang)))
    if c.get("training_budget_eur") is not None:
        amount = euros(c["training_budget_eur"], lang)
        parts.append(phrase("optimise.report.training_budget", lang, eur=amount))
    return phrase(
        "optimise.report.constraints",
        lang,
        c=colon(lang),
        parts="; ".join(parts),  # French spacing: the report's typography (text filter)
    )


def headline(plans: pd.DataFrame, lang: str) -> list[str]:
    """What the search found, in a few sentences (no safe plan is said plainly)."""
    out = []
    names = list(plans["plan"]) if not plans.empty else []
    if not names:
        return [phrase("optimise.report.no_feasible", lang)]
    if "fastest_safe" not in names:
        out.append(phrase("optimise.report.no_safe", lang))
    shared = plans.groupby("trial")["plan"].apply(list)
    for labels in shared:
        if len(labels) > 1:
            out.append(
                phrase(
                    "optimise.report.same_plan",
                    lang,
                    a=plan_label(labels[0], lang),
                    b=" / ".join(plan_label(n, lang) for n in labels[1:]),
                )
            )
    return out


def plan_bullets(
    plans: pd.DataFrame, trials: pd.DataFrame, safe: float, quantile: float, lang: str
) -> list[str]:
    """One sentence per plan on the fresh replications, with the search's figure beside."""
    bullets = []
    tail = percent(1 - quantile, lang, 0)
    searched = trials.set_index("trial") if not trials.empty else None
    for _, row in plans.iterrows():
        words = phrase(
            "optimise.report.plan",
            lang,
            c=colon(lang),
            a=plan_label(row["plan"], lang),
            s=quote(strategy_name(str(row.get("strategy", "")), lang), lang),
            sat=percent(row["satisficing"], lang, 0),
            w=number(row["weeks_to_80pct_adoption_mean"], lang),
            wq=number(row["weeks_to_80pct_adoption_q"], lang),
            tail=tail,
            ext=percent(row["external_departures_mean"], lang, 1),
            ref=percent(row["refusal_departures_mean"], lang, 1),
            hw=number(row["strain_mean"], lang),
            cost=euros(row["cost_mean"], lang),
        )
        reached = row.get("reached_80")
        if reached is not None and not pd.isna(reached) and reached < 1:
            # Runs that never reach 80 % count the horizon: the mean is only a floor.
            words += " " + phrase(
                "report.search.weeks_floor", lang, share=percent(1 - reached, lang, 0)
            )
        if searched is not None and row["trial"] in searched.index:
            before = float(searched.loc[row["trial"], "satisficing"])
            if row["satisficing"] < before - 0.05:
                words += " " + phrase(
                    "optimise.report.curse",
                    lang,
                    before=percent(before, lang, 0),
                    after=percent(row["satisficing"], lang, 0),
                )
            if row["plan"] == "fastest_safe" and row["satisficing"] < safe:
                words += " " + phrase(
                    "optimise.report.not_safe_now", lang, safe=percent(safe, lang, 0)
                )
        bullets.append(words)
    return bullets


def trade_offs(plans: pd.DataFrame, lang: str) -> list[str]:
    """What choosing the safest plan costs in speed and euros, against the fastest safe one."""
    rows = {r["plan"]: r for _, r in plans.iterrows()}
    out = []
    pairs = [("safest", "fastest_safe"), ("balanced", "fastest_safe"), ("balanced", "safest")]
    for a, b in pairs:
        if a not in rows or b not in rows or rows[a]["trial"] == rows[b]["trial"]:
            continue
        ra, rb = rows[a], rows[b]
        weeks = ra["weeks_to_80pct_adoption_mean"] - rb["weeks_to_80pct_adoption_mean"]
        cost = ra["cost_mean"] - rb["cost_mean"]
        sat = ra["satisficing"] - rb["satisficing"]
        out.append(
            phrase(
                "optimise.report.trade",
                lang,
                c=colon(lang),
                a=plan_label(a, lang),
                b=plan_label(b, lang),
                weeks=_signed(weeks, lang, "weeks"),
                cost=_signed(cost, lang, "cost"),
                sat=_signed(sat, lang, "points"),
            )
        )
    return out


def _signed(amount: float, lang: str, kind: str) -> str:
    sign = "+" if amount > 0 else ("−" if amount < 0 else "±")
    size = abs(amount)
    if kind == "cost":
        return sign + euros(size, lang)
    if kind == "points":
        return sign + number(100 * size, lang) + phrase("optimise.report.points", lang)
    return sign + number(size, lang) + phrase("optimise.report.weeks", lang)


def plans_table(
    plans: pd.DataFrame, quantile: float, lang: str
) -> tuple[list[str], list[list[str]]]:
    """The plans side by side: one column per plan, one row per statistic."""
    tail = percent(1 - quantile, lang, 0)
    header = [""] + [phrase(f"optimise.plan.{n}", lang) for n in plans["plan"]]
    rows: list[list[str]] = [
        [phrase("optimise.lever.strategy", lang)]
        + [strategy_name(str(s), lang) for s in plans["strategy"]],
        [phrase("optimise.report.row_satisficing", lang)]
        + [percent(v, lang, 0) for v in plans["satisficing"]],
    ]
    for objective in (
        "weeks_to_80pct_adoption",
        "external_departures",
        "refusal_departures",
        "strain",
        "cost",
    ):
        label = phrase(f"optimise.objective.{objective}", lang)
        cells = [
            (
                _value(objective, m, lang),
                phrase(
                    "optimise.report.quantile_cell", lang, tail=tail, v=_value(objective, q, lang)
                ),
            )
            for m, q in zip(plans[f"{objective}_mean"], plans[f"{objective}_q"], strict=True)
        ]
        rows.append([label, *cells])  # type: ignore[list-item]
    return header, rows


def levers_table(
    plans: pd.DataFrame, levers: list[dict[str, Any]], lang: str
) -> tuple[list[str], list[list[str]]]:
    """Each plan's lever values (a dash where its family has no such lever)."""
    header = [""] + [phrase(f"optimise.plan.{n}", lang) for n in plans["plan"]]
    plans = _weights_as_shares(plans, levers)
    rows = []
    for lever in levers:
        name = lever["name"]
        if name not in plans or plans[name].isna().all():
            continue
        label = phrase(f"optimise.lever.{name}", lang) if _known(name) else name
        rows.append([label, *(_lever_value(lever, v, lang) for v in plans[name])])
    return header, rows


def _weights_as_shares(plans: pd.DataFrame, levers: list[dict[str, Any]]) -> pd.DataFrame:
    """Weights of one table (the training modes' mix) divided by their sum, per plan."""
    plans = plans.copy()
    groups: dict[str, list[str]] = {}
    for lever in levers:
        if lever["kind"] == "weight" and lever["name"] in plans:
            groups.setdefault(lever["path"].rsplit(".", 1)[0], []).append(lever["name"])
    for names in groups.values():
        total = plans[names].sum(axis=1).replace(0, float("nan"))
        plans[names] = plans[names].div(total, axis=0).fillna(1 / len(names))
    return plans


def _known(name: str) -> bool:
    try:
        phrase(f"optimise.lever.{name}", "en")
    except KeyError:
        return False
    return True


def _lever_value(lever: Mapping[str, Any], value: Any, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    kind = lever["kind"]
    if kind == "bool":
        return phrase(
            "optimise.report.answer_yes" if bool(value) else "optimise.report.answer_no", lang
        )
    if kind == "choice":
        if lever["name"] == "strategy":
            return strategy_name(str(value), lang)
        return str(value).replace("_", " ")
    if kind == "int":
        return number(float(value), lang)
    if kind == "weight" or lever["path"].endswith(
        ("share", "communication", "involvement", "framing", "gate")
    ):
        return percent(float(value), lang, 0)
    return number(float(value), lang, 1 if abs(float(value)) < 10 else 0)
