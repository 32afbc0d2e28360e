"""The decision report: one self-contained HTML file from any results folder.

The report opens offline and prints well: figures are embedded as PNG data, styles
are inline, nothing is fetched. Sections:

1. a one-page summary in plain words (what each strategy does to adoption, dropout
   and strain, with its uncertainty, and a recommendation with its rule), with the
   main table;
2. the figures;
3. the scenario and its assumptions (the resolved scenario in full, folded);
4. the method (replications, seeds, versions);
5. a glossary of the words of statistics the report uses (réplication, intervalle de
   confiance, écart apparié, semaines-agents...);
6. the model's ODD description (folded; in an English report, as the document is
   English; a French report points to it).

French (``fr``, the default) follows French typography; English is ``en``.

The document is rendered from jinja2 templates (``templates/report.html.j2``, its
pieces in ``parts.html.j2`` and the styles in ``report.css``), autoescaped; this
module gathers what they show.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
import yaml
from markupsafe import Markup

from simulation.i18n.words import check, outcome, phrase, phrases, text, typography, value
from simulation.model.outcomes import OUTCOMES
from simulation.reports import compare_text, rule_text, sweep_text
from simulation.reports.contents import figures_for, method_facts, scenario_facts
from simulation.reports.reader import Results
from simulation.reports.style import capital, to_png
from simulation.scenario.profiles import PROFILES
from simulation.storage import write_text

ODD_DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "odd.md"
ODD_LANGUAGE = "en"
"""The language of :data:`ODD_DOCUMENT`, embedded in the reports in that language only."""
TEMPLATE = "report.html.j2"
"""The report's template, in ``simulation/reports/templates/`` with its parts and CSS."""


Progress = Callable[..., None]
"""Told how a report's writing goes: ``progress(key, **values)``, ``key`` a phrase of the
catalogue (``report.progress.*``) and ``values`` its placeholders. Reports never print:
the command line passes a callback that says the phrase on stderr."""


def _silent(key: str, **values: object) -> None:
    """A progress callback that says nothing (a report written from Python)."""


class Table(NamedTuple):
    """A table of the report: header cells, then rows (a cell: text or (main, detail))."""

    header: list[str]
    rows: list[list[Any]]


def build_report(results: Results, lang: str = "fr", progress: Progress | None = None) -> str:
    """The report of a results folder as one HTML document (text).

    Args:
        results: A loaded results folder (:func:`simulation.reports.reader.read_results`).
        lang: ``fr`` (default) or ``en``.
        progress: Told before each figure is drawn (``report.progress.figure``, with
            ``done`` and ``total``), the longest part for a large organisation.
    """
    check(lang)
    title = _title(results)
    # The ODD document is written in English: a report in another language points to it
    # rather than embed a long text in a language its reader did not choose.
    embed = lang == ODD_LANGUAGE and ODD_DOCUMENT.exists()
    odd = ODD_DOCUMENT.read_text(encoding="utf-8") if embed else None
    template = _templates().get_template(TEMPLATE)
    return template.render(
        lang=lang,
        title=title,
        kind=phrase(f"report.kind.{results.kind}", lang),
        made=phrase("report.made", lang, date=_date(lang), version=_version(results)),
        headings=phrases("report.heading", lang),
        words=phrases("report", lang),
        summary=_summary(results, lang),
        figures=_figures(results, lang, progress or _silent),
        facts=scenario_facts(results, lang),
        method=method_facts(results, lang),
        glossary=glossary(lang),
        scenario_text=results.scenario_text,
        odd=odd,
    )


def write_report(
    results: Results, path: str | Path, lang: str = "fr", progress: Progress | None = None
) -> Path:
    """Write the report to ``path`` (an .html file); ``progress`` as :func:`build_report`'s."""
    path = Path(path)
    write_text(path, build_report(results, lang, progress))
    return path


def glossary(lang: str) -> list[tuple[str, str]]:
    """The report's glossary: (term, what it means) for each word of statistics it uses."""
    words = phrases("report.glossary", lang)
    terms = [name.removesuffix(".term") for name in words if name.endswith(".term")]
    return [(capital(words[f"{t}.term"]), words[f"{t}.meaning"]) for t in terms]


# ----------------------------------------------------------------------- templates


@functools.cache
def _templates() -> jinja2.Environment:
    """The report's templates, autoescaped, with the two filters that write text.

    ``text`` writes running words (French typography, then ``&``, ``<`` and ``>``
    escaped); ``verbatim`` writes text as it is, fully escaped (headings, the scenario
    file, the ODD document). Anything rendered without them is escaped by jinja2.
    """
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("simulation.reports", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["text"] = _text
    environment.filters["verbatim"] = _verbatim
    return environment


@jinja2.pass_context
def _text(context: jinja2.runtime.Context, words: object) -> Markup:
    """Running words: French typography in a French report, then escaped for HTML text."""
    return Markup(html.escape(typography(str(words), context["lang"]), quote=False))


def _verbatim(words: object) -> Markup:
    """Text as it is (no typography), escaped quotes included."""
    return Markup(html.escape(str(words)))


# ----------------------------------------------------------------------- contents


def _title(results: Results) -> str:
    if results.kind in ("run", "compare"):
        return str(yaml.safe_load(results.scenario_text).get("name", "transnum"))
    if results.scenario_text:
        data = yaml.safe_load(results.scenario_text)
        if isinstance(data, dict) and data.get("name"):
            return str(data["name"])
    return "transnum"


def _date(lang: str) -> str:
    today = dt.date.today()
    return today.strftime("%d/%m/%Y") if lang == "fr" else today.isoformat()


def _version(results: Results) -> str:
    return str(results.manifest.get("versions", {}).get("transnum", "?"))


def _summary(results: Results, lang: str) -> dict[str, Any]:
    """What the summary shows: bullets; a comparison's recommendation and drivers; a table."""
    if results.kind == "compare":
        strategies = results.summary["strategies"]
        parts = compare_text.compare_summary(
            strategies,
            results.paired,
            lang,
            first=results.summary.get("first_shares"),
            parameters=results.summary.get("parameters"),
        )
        return {**parts, "table": _compare_table(strategies, lang)}
    if results.kind == "run":
        bullets = compare_text.run_summary(results.summary, lang)
        return {"bullets": bullets, "table": _run_table(results.summary, lang)}
    if results.kind == "sensitivity" and results.indices is not None:
        method = str(results.manifest.get("kind", "")).removeprefix("sensitivity-")
        design = (yaml.safe_load(results.scenario_text) or {}).get("design") or {}
        samples = design.get("samples", 16) if isinstance(design, dict) else None
        bullets = sweep_text.sensitivity_summary(results.indices, lang, samples, method)
        return {"bullets": bullets}
    if results.kind == "calibrate" or results.calibration is not None:
        return {"bullets": sweep_text.calibration_summary(results.calibration, lang)}
    summary = results.point_summary
    return {"bullets": sweep_text.sweep_summary(summary, results.factors, lang)}


GOLIVE_OUTCOMES = ("golives_target", "golives_missing")
"""Rows of a comparison's table after :data:`OUTCOMES`: the plan's delivery (when known)."""


def _compare_table(strategies: dict, lang: str) -> Table:
    header = ["", *(text(s, lang) for s in strategies)]
    known = [n for n in GOLIVE_OUTCOMES if all(n in strategies[s] for s in strategies)]
    rows = [
        [outcome(name, lang), *(_compare_cell(name, strategies[s], lang) for s in strategies)]
        for name in (*OUTCOMES, *known)
    ]
    return Table(header, rows)


def _compare_cell(name: str, stats: dict, lang: str) -> tuple[str, str] | str:
    """A strategy's mean and interval; for a level reached, in how many runs it was."""
    shown = compare_text.interval_text(name, stats.get(name), lang)
    if name not in dict(rule_text.LEVELS):
        return shown
    reached = rule_text.reached_text(stats, name, lang)
    if isinstance(shown, str):  # no run reached it: "never", and out of how many
        return shown, reached
    return shown[0], f"{shown[1]}{phrase('report.separator', lang)}{reached}"


def _run_table(summary: dict, lang: str) -> Table:
    header = ["", text("all_staff", lang), *(text(p, lang) for p in PROFILES)]
    rows = [
        [
            outcome(name, lang),
            value(name, summary[name], lang),
            *(value(name, summary["by_profile"][p][name], lang) for p in PROFILES),
        ]
        for name in OUTCOMES
    ]
    return Table(header, rows)


def _figure(make: Callable, caption: str) -> dict[str, str | None]:
    """One figure as PNG data (base64), or why it could not be drawn."""
    try:
        png = to_png(make())
    except (ValueError, KeyError) as error:  # e.g. a table without that column
        return {"caption": caption, "png": None, "error": str(error)}
    return {"caption": caption, "png": base64.b64encode(png).decode("ascii"), "error": None}


def _figures(results: Results, lang: str, progress: Progress) -> list[dict[str, str | None]]:
    wanted = figures_for(results, lang)
    drawn = []
    for done, (make, caption) in enumerate(wanted, 1):
        progress("report.progress.figure", done=done, total=len(wanted))
        drawn.append(_figure(make, caption))
    return drawn
