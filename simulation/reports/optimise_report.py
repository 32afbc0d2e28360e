"""The report of a plan search (``transnum report`` on a ``transnum optimise`` folder).

One self-contained HTML page, French by default: what was searched and under which
thresholds and constraints, the three named plans side by side (on fresh replications),
their trade-offs, their levers, the conditions under which each fails, the figures
(drawn again in the report's language) and the method. Reads the folder's files only.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from simulation.i18n.language import say
from simulation.i18n.words import check, phrase, phrases
from simulation.reports import optimise_text as words
from simulation.reports.figures.optimisation import levers_figure, pareto_figure
from simulation.reports.style import to_png
from simulation.scenario.errors import ScenarioError
from simulation.storage import write_text

TEMPLATE = "optimise.html.j2"
FILES = ("manifest.json", "settings.yaml", "trials.parquet", "plans.csv", "scenario.yaml")


def is_search(folder: str | Path) -> bool:
    """Whether ``folder`` holds the results of ``transnum optimise``."""
    manifest = Path(folder) / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("kind") == "optimise"
    except (OSError, ValueError):
        return False


def read_search(folder: str | Path) -> dict[str, Any]:
    """The search folder's files, checked to be there.

    Raises:
        ScenarioError: naming the folder and the missing file.
    """
    folder = Path(folder)
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise ScenarioError(
            say("error.folder.search_unfinished", files=", ".join(missing), folder=folder),
            source=str(folder),
        )
    discovery = folder / "discovery.json"
    return {
        "folder": folder,
        "manifest": json.loads((folder / "manifest.json").read_text(encoding="utf-8")),
        "settings": yaml.safe_load((folder / "settings.yaml").read_text(encoding="utf-8")),
        "trials": pd.read_parquet(folder / "trials.parquet"),
        "plans": pd.read_csv(folder / "plans.csv"),
        "scenario": yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8")),
        "scenario_text": (folder / "scenario.yaml").read_text(encoding="utf-8"),
        "discovery": json.loads(discovery.read_text(encoding="utf-8"))
        if discovery.is_file()
        else {},
    }


def build_search_report(search: dict[str, Any], lang: str = "fr") -> str:
    """The report of a search folder (read by :func:`read_search`) as HTML text."""
    from simulation.reports.html import _date, _templates

    check(lang)
    manifest, settings = search["manifest"], search["settings"]
    trials, plans = search["trials"], search["plans"]
    horizon = int(search["scenario"].get("horizon_weeks", 156))
    levers = manifest.get("search", {}).get("levers", [])
    named = manifest.get("search", {}).get("named", {})
    quantile = float(settings.get("quantile", 0.9))
    summary = [
        words.search_sentence(trials, manifest, lang),
        words.thresholds_sentence(settings, horizon, lang),
        words.constraints_sentence(settings, horizon, lang),
        *words.headline(plans, lang),
    ]
    first = plans["plan"].iloc[0] if not plans.empty else None
    command = (
        f"transnum compare plans/{first}.yaml --strategies {plans['strategy'].iloc[0]}"
        if first is not None
        else ""
    )
    context = {
        "lang": lang,
        "title": phrase("optimise.report.title", lang, name=search["scenario"].get("name", "")),
        "kind": phrase("optimise.report.kind", lang),
        "made": phrase("report.made", lang, date=_date(lang), version=_version(manifest)),
        "headings": phrases("optimise.report.heading", lang),
        "summary": summary,
        "plan_bullets": words.plan_bullets(
            plans, trials, float(settings["safe_share"]), quantile, lang
        ),
        "trade_offs": words.trade_offs(plans, lang) if not plans.empty else [],
        "plans_table": words.plans_table(plans, quantile, lang) if not plans.empty else None,
        "levers_table": words.levers_table(plans, levers, lang) if not plans.empty else None,
        "failures": _failures(plans, search["discovery"], lang),
        "run_plan": phrase("optimise.report.run_plan", lang, command=command) if command else "",
        "figures": _figures(trials, settings, levers, named, lang),
        "method": _method(manifest, settings, lang),
        "scenario_text": search["scenario_text"],
        "words": phrases("report", lang),
    }
    return _templates().get_template(TEMPLATE).render(**context)


def write_search_report(folder: str | Path, path: str | Path, lang: str = "fr") -> Path:
    """Write the report of the search in ``folder`` to ``path`` (atomically)."""
    path = Path(path)
    write_text(path, build_search_report(read_search(folder), lang))
    return path


def _version(manifest: dict[str, Any]) -> str:
    return str(manifest.get("versions", {}).get("transnum", "?"))


def _failures(plans: pd.DataFrame, discovery: dict[str, Any], lang: str) -> list[dict]:
    """Per named plan: a heading and the sentences telling when it fails."""
    out = []
    for _, row in plans.iterrows():
        name = row["plan"]
        label = words.plan_label(name, lang)
        found = discovery.get(name)
        if row["satisficing"] >= 1.0:
            lines = [phrase("optimise.report.never_fails", lang, a=label)]
        else:
            lines = _box_sentences(found or {}, label, 1 - float(row["satisficing"]), lang)
        out.append({"heading": phrase("optimise.report.fails", lang, a=label), "lines": lines})
    return out


def _box_sentences(found: dict[str, Any], label: str, share: float, lang: str) -> list[str]:
    """The failure boxes of one plan in plain words (from scenario discovery)."""
    from simulation.i18n.words import percent

    sentences = [s for s in found.get("sentences", {}).get(lang, []) if s]
    if sentences:
        return sentences
    return [phrase("optimise.report.no_box", lang, a=label, share=percent(share, lang, 0))]


def _figures(trials, settings, levers, named, lang) -> list[dict[str, str | None]]:
    shown = []
    if trials.empty or not trials["pareto"].any():
        return shown
    makers = [
        (
            lambda: pareto_figure(
                trials, settings["objectives"], settings["statistic"], named, lang
            ),
            phrase(f"optimise.figure.pareto_{settings['statistic']}", lang),
        ),
        (
            lambda: levers_figure(
                trials,
                [(lv["name"], lv["low"], lv["high"], tuple(lv["choices"])) for lv in levers],
                named,
                lang,
            ),
            phrase("optimise.figure.levers", lang),
        ),
    ]
    for make, caption in makers:
        try:
            png = base64.b64encode(to_png(make())).decode("ascii")
            shown.append({"caption": caption, "png": png, "error": None})
        except (ValueError, KeyError) as error:
            shown.append({"caption": caption, "png": None, "error": str(error)})
    return shown


def _method(manifest: dict[str, Any], settings: dict[str, Any], lang: str) -> list[list[str]]:
    w = phrases("optimise.report.method", lang)
    search = manifest.get("search", {})
    statistic = (
        w["statistic_quantile"].format(q=settings.get("quantile", 0.9))
        if settings.get("statistic") == "quantile"
        else w["statistic_mean"]
    )
    objectives = ", ".join(phrase(f"optimise.objective.{o}", lang) for o in settings["objectives"])
    return [
        [
            w["optimiser"],
            w["optimiser_value"].format(
                trials=search.get("trials", "?"), batch=search.get("batch", "?")
            ),
        ],
        [w["objectives"], objectives],
        [w["statistic"], statistic],
        [w["check"], w["check_value"].format(n=search.get("check_replications", "?"))],
        [w["seed"], str(manifest.get("seeds", {}).get("root", "?"))],
    ]
