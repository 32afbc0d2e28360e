"""The ``transnum report`` command: the HTML report and the workbook of a results folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from simulation.cli.options import claim_folder, fail, language_option, note
from simulation.i18n.language import say
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

    Works on the folders of run, compare, sweep, sensitivity, calibrate and optimise.
    The report opens offline and prints well; French by default.
    """
    from simulation.i18n.words import phrase
    from simulation.reports.optimise_report import is_search

    _progress("report.progress.reading")
    try:
        write = _search_writer(results_dir) if is_search(results_dir) else _writer(results_dir)
    except ScenarioError as error:
        fail(error)
    stem = phrase("cli.report_stem", lang)
    html_path = Path(out) if out else Path(results_dir) / f"{stem}.html"
    if html_path.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter(say("cli.report.html"), param_hint="'--out'")
    # The results are read already: a report that cannot be written there (a
    # read-only or full disk) can be written anywhere else.
    elsewhere = say("cli.report.elsewhere")
    try:
        html_path.parent.mkdir(parents=True, exist_ok=True)
        # The report's folder has one writer at a time (a running sweep, say).
        lock = claim_folder(html_path.parent)  # noqa: F841 - held until the command ends
    except FolderBusyError as error:
        fail(error)
    except OSError as error:
        fail(error, elsewhere)
    try:
        workbook = write(html_path, lang)
    except OSError as error:
        fail(error, elsewhere)
    click.echo(say("cli.wrote", path=html_path) + "\n" + say("cli.wrote", path=workbook))


def _writer(results_dir: str) -> Callable[[Path, str], Path]:
    """Read a results folder; return what writes its report and workbook (the workbook)."""
    from simulation.reports.html import write_report
    from simulation.reports.reader import read_results
    from simulation.reports.workbook import write_workbook

    results = read_results(results_dir)
    for message in results.notes:
        note(message)

    def write(html_path: Path, lang: str) -> Path:
        _progress("report.progress.report")
        write_report(results, html_path, lang, progress=_progress)
        return write_workbook(results, html_path.with_suffix(".xlsx"), lang, progress=_progress)

    return write


def _search_writer(results_dir: str) -> Callable[[Path, str], Path]:
    """The same for a ``transnum optimise`` folder (the report of a plan search)."""
    from simulation.reports.optimise_report import build_search_report, read_search
    from simulation.reports.workbook.search import write_search_workbook
    from simulation.storage import write_text

    search = read_search(results_dir)

    def write(html_path: Path, lang: str) -> Path:
        _progress("report.progress.report")
        write_text(html_path, build_search_report(search, lang))
        _progress("report.progress.workbook")
        return write_search_workbook(results_dir, html_path.with_suffix(".xlsx"), lang)

    return write


def _progress(key: str, **values: object) -> None:
    """Say how the report's writing goes, on stderr (the report writers never print)."""
    from simulation.i18n.language import say

    click.echo(say(key, **values), err=True)
