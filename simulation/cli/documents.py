"""The ``transnum report`` command: the HTML report and the workbook of a results folder."""

from __future__ import annotations

from pathlib import Path

import click

from simulation.cli.options import claim_folder, fail, language_option
from simulation.scenario.errors import ScenarioError
from simulation.storage import FolderBusyError


@click.command()
@click.argument("results_dir", type=click.Path(file_okay=False))
@language_option("the report and workbook")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Report file (default: RESULTS_DIR/rapport.html, or report.html in English); the "
    "Excel workbook goes next to it (.xlsx).",
)
def report(results_dir, lang, out) -> None:
    """Write a self-contained HTML report and an Excel workbook of RESULTS_DIR.

    Works on the folders of run, compare, sweep, sensitivity and calibrate. The
    report opens offline and prints well; French by default.
    """
    from simulation.i18n.words import phrase
    from simulation.reports.html import write_report
    from simulation.reports.optimise_report import is_search
    from simulation.reports.reader import read_results
    from simulation.reports.workbook import write_workbook

    if is_search(results_dir):
        _search_report(results_dir, lang, out)
        return
    try:
        results = read_results(results_dir)
    except ScenarioError as error:
        fail(error)
    for note in results.notes:
        click.echo(f"note: {note}", err=True)
    stem = phrase("cli.report_stem", lang)
    html_path = Path(out) if out else Path(results_dir) / f"{stem}.html"
    if html_path.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter("the report is an .html file", param_hint="'--out'")
    # The results are read already: a report that cannot be written there (a
    # read-only or full disk) can be written anywhere else.
    elsewhere = ". The results folder is untouched; write the report elsewhere with --out FILE"
    try:
        html_path.parent.mkdir(parents=True, exist_ok=True)
        # The report's folder has one writer at a time (a running sweep, say).
        lock = claim_folder(html_path.parent)  # noqa: F841 - held until the command ends
    except FolderBusyError as error:
        fail(error)
    except OSError as error:
        fail(error, elsewhere)
    try:
        write_report(results, html_path, lang)
        workbook = write_workbook(results, html_path.with_suffix(".xlsx"), lang)
    except OSError as error:
        fail(error, elsewhere)
    click.echo(f"wrote {html_path}\nwrote {workbook}")


def _search_report(results_dir: str, lang: str, out: str | None) -> None:
    """The report of a ``transnum optimise`` folder (HTML, and the tables as a workbook)."""
    from simulation.i18n.words import phrase
    from simulation.reports.optimise_report import read_search, write_search_report
    from simulation.reports.workbook.search import write_search_workbook

    try:
        read_search(results_dir)
    except ScenarioError as error:
        fail(error)
    stem = phrase("cli.report_stem", lang)
    html_path = Path(out) if out else Path(results_dir) / f"{stem}.html"
    if html_path.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter("the report is an .html file", param_hint="'--out'")
    try:
        html_path.parent.mkdir(parents=True, exist_ok=True)
        lock = claim_folder(html_path.parent)  # noqa: F841 - held until the command ends
        write_search_report(results_dir, html_path, lang)
        workbook = write_search_workbook(results_dir, html_path.with_suffix(".xlsx"), lang)
    except FolderBusyError as error:
        fail(error)
    except OSError as error:
        fail(error, ". The results folder is untouched; write the report elsewhere with --out FILE")
    click.echo(f"wrote {html_path}\nwrote {workbook}")
