"""The decision report: one self-contained HTML file from any results folder.

The report opens offline and prints well: figures are embedded as PNG data, styles
are inline, nothing is fetched. Sections:

1. a one-page summary in plain words (what each strategy does to adoption, dropout
   and strain, with its uncertainty, and a recommendation with its rule), with the
   main table;
2. the figures;
3. the scenario and its assumptions (the resolved scenario in full, folded);
4. the method (replications, seeds, versions) and, folded, the model's ODD description.

French (``fr``, the default) follows French typography; English is ``en``.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path

import yaml

from simulation.i18n.words import check, outcome, phrase, text, typography, value
from simulation.model.outcomes import OUTCOMES
from simulation.reports.reader import Results
from simulation.scenario.profiles import PROFILES

ODD_DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "odd.md"

_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60em; margin: 2em auto;
       padding: 0 1em; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #0072B2;
     padding-bottom: 0.2em; margin-top: 2em; } .meta { color: #555; }
.reco { background: #eef6fb; border-left: 5px solid #0072B2; padding: 0.6em 1em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #f2f2f2; }
figure { margin: 1.5em 0; text-align: center; } figure img { max-width: 100%; }
figcaption { color: #444; font-size: 0.9em; } pre { white-space: pre-wrap;
     font-size: 0.8em; background: #f7f7f7; padding: 0.8em; }
@media print { body { max-width: none; margin: 0; } h2 { break-after: avoid; }
     figure, table, .reco { break-inside: avoid; } #figures { break-before: page; } }
@page { size: A4; margin: 15mm; }
"""


def build_report(results: Results, lang: str = "fr") -> str:
    """The report of a results folder as one HTML document (text).

    Args:
        results: A loaded results folder (:func:`simulation.reports.reader.read_results`).
        lang: ``fr`` (default) or ``en``.
    """
    check(lang)
    title = _title(results)
    made = phrase("report.made", lang, date=_date(lang), version=_version(results))
    body = [
        f"<header><h1>{_e(title, lang)}</h1><p class='meta'>"
        f"{_e(phrase(f'report.kind.{results.kind}', lang), lang)}. "
        f"{_e(made, lang)}</p>"
        "</header>",
        _section("summary", lang, _summary(results, lang)),
        _section("figures", lang, _figures(results, lang)),
        _section("scenario", lang, _scenario(results, lang)),
        _section("method", lang, _method(results, lang)),
        _section("odd", lang, _odd(lang)),
    ]
    return (
        f"<!DOCTYPE html>\n<html lang='{lang}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title, lang)}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def write_report(results: Results, path: str | Path, lang: str = "fr") -> Path:
    """Write the report to ``path`` (an .html file)."""
    path = Path(path)
    path.write_text(build_report(results, lang), encoding="utf-8")
    return path


# ----------------------------------------------------------------------- pieces


def _e(words: str, lang: str) -> str:
    """Escaped text, with French typography applied first."""
    return html.escape(typography(str(words), lang), quote=False)


def _section(anchor: str, lang: str, content: str) -> str:
    heading = phrase(f"report.heading.{anchor}", lang)
    return f"<section id='{anchor}'><h2>{html.escape(heading)}</h2>\n{content}\n</section>"


def _list(items: list[str], lang: str) -> str:
    return "<ul>" + "".join(f"<li>{_e(i, lang)}</li>" for i in items) + "</ul>"


def _table(header: list[str], rows: list[list], lang: str) -> str:
    """An HTML table; a cell given as (main, detail) shows the detail on a second line."""

    def cell(content) -> str:
        if isinstance(content, tuple):
            main, detail = content
            return f"{_e(main, lang)}<br><small>{_e(detail, lang)}</small>"
        return _e(content, lang)

    head = "".join(f"<th>{_e(h, lang)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


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


def _summary(results: Results, lang: str) -> str:
    from simulation.reports import compare_text as report_text
    from simulation.reports import sweep_text as report_sweeps

    if results.kind == "compare":
        strategies = results.summary["strategies"]
        parts = report_text.compare_summary(strategies, results.paired, lang)
        return (
            _list(parts["bullets"], lang)
            + f"<div class='reco'><p><strong>{_e(parts['headline'], lang)}</strong> "
            + f"{_e(parts['recommendation'], lang)}</p>"
            + f"<p>{_e(parts['rule'], lang)}</p></div>"
            + f"<h3>{_e(phrase('report.heading.drivers', lang), lang)}</h3>"
            + _list(parts["drivers"], lang)
            + f"<h3>{_e(phrase('report.heading.table', lang), lang)}</h3>"
            + _compare_table(strategies, lang)
        )
    if results.kind == "run":
        return _list(report_text.run_summary(results.summary, lang), lang) + _run_table(
            results.summary, lang
        )
    if results.kind == "sensitivity" and results.indices is not None:
        return _list(report_sweeps.sensitivity_summary(results.indices, lang), lang)
    if results.kind == "calibrate" or results.calibration is not None:
        return _list(report_sweeps.calibration_summary(results.calibration, lang), lang)
    summary = results.point_summary
    return _list(report_sweeps.sweep_summary(summary, results.factors, lang), lang)


def _compare_table(strategies: dict, lang: str) -> str:
    from simulation.reports.compare_text import interval_text

    header = ["", *(text(s, lang) for s in strategies)]
    rows = [
        [outcome(name, lang), *(interval_text(name, strategies[s][name], lang) for s in strategies)]
        for name in OUTCOMES
    ]
    return _table(header, rows, lang)


def _run_table(summary: dict, lang: str) -> str:
    header = ["", text("all_staff", lang), *(text(p, lang) for p in PROFILES)]
    rows = [
        [
            outcome(name, lang),
            value(name, summary[name], lang),
            *(value(name, summary["by_profile"][p][name], lang) for p in PROFILES),
        ]
        for name in OUTCOMES
    ]
    return _table(header, rows, lang)


def _figure(make: Callable, caption: str, lang: str) -> str:
    """One embedded figure (PNG as base64); a figure that cannot be drawn is skipped."""
    from simulation.reports.figures.outcomes import to_png

    try:
        png = to_png(make())
    except (ValueError, KeyError) as error:  # e.g. a table without that column
        return f"<p class='meta'>{_e(caption, lang)} — {html.escape(str(error))}</p>"
    data = base64.b64encode(png).decode("ascii")
    return (
        f"<figure><img src='data:image/png;base64,{data}' alt='{_e(caption, lang)}'>"
        f"<figcaption>{_e(caption, lang)}</figcaption></figure>"
    )


def _figures(results: Results, lang: str) -> str:
    from simulation.reports import contents as report_figures

    return "\n".join(
        _figure(make, caption, lang) for make, caption in report_figures.figures_for(results, lang)
    )


def _scenario(results: Results, lang: str) -> str:
    from simulation.reports.contents import scenario_facts

    facts = scenario_facts(results, lang)
    note = phrase("report.assumptions", lang)
    return (
        _table(["", ""], facts, lang)
        + f"<p>{_e(note, lang)}</p>"
        + f"<details><summary>{_e(phrase('report.full_scenario', lang), lang)}</summary>"
        + f"<pre>{html.escape(results.scenario_text)}</pre></details>"
    )


def _method(results: Results, lang: str) -> str:
    from simulation.reports.contents import method_facts

    return _table(["", ""], method_facts(results, lang), lang) + (
        "<p>" + _e(phrase("report.odd_appendix", lang), lang) + " <a href='#odd'>ODD</a></p>"
    )


def _odd(lang: str) -> str:
    if not ODD_DOCUMENT.exists():
        return "<p>" + _e(phrase("report.odd_missing", lang), lang) + "</p>"
    summary = phrase("report.odd_show", lang)
    return (
        f"<details><summary>{html.escape(summary)}</summary>"
        f"<pre>{html.escape(ODD_DOCUMENT.read_text(encoding='utf-8'))}</pre></details>"
    )
