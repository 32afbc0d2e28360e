"""The ``transnum discover`` command: the conditions under which an outcome crosses a threshold.

It reads a sweep's, a sensitivity analysis's or a comparison's folder
(:mod:`simulation.experiments.discovery_files`), runs PRIM
(:mod:`simulation.experiments.discovery`), prints the boxes as a table and in plain
words (:mod:`simulation.experiments.discovery_text`) and writes ``discovery.json`` and
``discovery.csv`` into the folder (or ``--out``), holding the folder's writer lock.
"""

from __future__ import annotations

from pathlib import Path

import click

from simulation.cli.options import (
    SUGGESTION,
    claim_folder,
    fail,
    language_option,
    whole_number_option,
)
from simulation.scenario.errors import ScenarioError, did_you_mean
from simulation.storage import FolderBusyError


@click.command()
@click.argument("results_dir", type=click.Path(file_okay=False))
@click.option("--outcome", required=True, help="The outcome to explain (dropout_share...).")
@click.option("--above", type=float, default=None, help="Runs of interest: OUTCOME above this.")
@click.option("--below", type=float, default=None, help="Runs of interest: OUTCOME below this.")
@click.option(
    "--inputs",
    default=None,
    help="Comma-separated inputs to search (default: the factors and, over the ensemble, "
    "the calibrated parameters).",
)
@whole_number_option("--max-boxes", "Most boxes to find.", minimum=1, maximum=10, default=3)
@language_option("the sentences and the table")
@click.option("--json", "as_json", is_flag=True, help="Print discovery.json instead of words.")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for discovery.json and discovery.csv (default: RESULTS_DIR).",
)
def discover(results_dir, outcome, above, below, inputs, max_boxes, lang, as_json, out) -> None:
    """Find the conditions under which OUTCOME is above (or below) a threshold (PRIM).

    Works on the folders of sweep, sensitivity and compare: the inputs are the
    experiment's factors and, when the runs drew their parameters from the ensemble,
    each run's calibrated parameters. Each box is told with its coverage (the share of
    the runs of interest it holds) and density (the share of its runs that are of
    interest).
    """
    from simulation.experiments import discovery_text as words
    from simulation.experiments.discovery import MIN_COVERAGE, SIGNIFICANCE, discover
    from simulation.experiments.discovery_files import (
        of_interest,
        read_discovery,
        write_discovery,
    )

    if (above is None) == (below is None):
        raise click.UsageError("give one of --above V or --below V")
    try:
        data = read_discovery(results_dir)
    except ScenarioError as error:
        fail(error)
    _check_outcome(outcome, data)
    chosen = _inputs(inputs, data)
    interest = of_interest(data.runs, outcome, above=above, below=below)
    blank = int(data.runs[outcome].isna().sum())
    if blank and not outcome.startswith("weeks_to_"):
        click.echo(f"note: {blank} runs have no {outcome}: counted as not of interest", err=True)
    if data.failed:
        click.echo(f"note: {data.failed} failed runs left out", err=True)
    _check_cases(interest, data, outcome, above, below)
    folder = Path(out) if out else Path(results_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = claim_folder(folder)  # noqa: F841 - held until the command ends
    except (FolderBusyError, OSError) as error:
        fail(error)
    holes = [name for name in chosen if data.inputs[name].isna().any()]
    if holes:  # a factor some points do not set: PRIM cannot place those runs
        click.echo(f"note: inputs with missing values left out: {', '.join(holes)}", err=True)
        chosen = [name for name in chosen if name not in holes]
    boxes = discover(data.inputs[chosen], interest, max_boxes=max_boxes)
    sentences = {}
    for language in ("fr", "en"):
        what = words.outcome_words(outcome, language, above=above, below=below)
        sentences[language] = [words.tell(box, language, what) for box in boxes] or [
            words.tell_none("no_box", what, language, base_rate=float(interest.mean()))
        ]
    settings = {
        "max_boxes": max_boxes,
        "min_coverage": MIN_COVERAGE,
        "significance": SIGNIFICANCE,
        "rule": "every box of the peeling trajectory pruned of its restrictions with a "
        "quasi-p value above significance (least significant first); then the pruned box "
        "with the best harmonic mean of coverage and density (coverage at least "
        "min_coverage)",
    }
    try:
        json_path, csv_path = write_discovery(
            folder,
            boxes,
            outcome=outcome,
            above=above,
            below=below,
            interest=interest,
            inputs=chosen,
            sentences=sentences,
            settings=settings,
            source=str(results_dir),
        )
    except OSError as error:
        fail(error, ". Write the files elsewhere with --out DIR")
    if as_json:
        click.echo(json_path.read_text(encoding="utf-8"), nl=False)
        return
    click.echo(
        f"{len(interest):,} runs, {int(interest.sum()):,} of interest; "
        f"{len(chosen)} inputs searched"
    )
    if boxes:
        click.echo("\n" + _table(boxes, lang, words) + "\n")
    for sentence in sentences[lang]:
        click.echo(sentence)
    click.echo(f"\nwrote {json_path}\nwrote {csv_path}")


def _check_outcome(outcome: str, data) -> None:
    """Refuse an outcome the folder does not hold per run, naming those it does."""
    if outcome in data.outcomes:
        return
    from simulation.model.outcomes import flat_outcome_names

    known = list(data.outcomes)
    hint = did_you_mean(outcome, known, SUGGESTION)
    why = (
        "is not kept per run in this folder"
        if outcome in flat_outcome_names()
        else "is no outcome of the runs"
    )
    listed = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    raise click.BadParameter(
        f"{outcome!r} {why}{hint or '.'} Known: {listed}", param_hint="'--outcome'"
    )


def _inputs(value: str | None, data) -> list[str]:
    """The inputs to search: all of the folder's, or those named (each checked)."""
    known = list(data.inputs.columns)
    if value is None:
        if not known:
            fail(ScenarioError("its runs have no input that varies", source=str(data.folder)))
        return known
    names = [name.strip() for name in value.split(",") if name.strip()]
    for name in names:
        if name not in known:
            hint = did_you_mean(name, known, SUGGESTION)
            raise click.BadParameter(
                f"unknown input {name!r}{hint or '.'} Known: {', '.join(known)}",
                param_hint="'--inputs'",
            )
    if not names:
        raise click.BadParameter("give at least one input", param_hint="'--inputs'")
    return names


def _check_cases(interest, data, outcome: str, above, below) -> None:
    """Stop, saying so plainly, when no run or every run is of interest."""
    from simulation.i18n.words import value as written

    runs = len(interest)
    if runs and 0 < interest.sum() < runs:
        return
    values = data.runs[outcome].astype(float)
    side = f"above {above:g}" if above is not None else f"below {below:g}"
    spread = (
        f"it ranges from {written(outcome, values.min(), 'en')} to "
        f"{written(outcome, values.max(), 'en')} ({values.min():g} to {values.max():g})"
        if values.notna().any()
        else "it has no value"
    )
    which = "no run has" if not interest.any() else f"all {runs:,} runs have"
    fail(
        ScenarioError(
            f"{which} {outcome} {side}: nothing to explain, no box; {spread} over the "
            f"{runs:,} runs, choose a threshold within that range",
            source=str(data.folder),
        )
    )


def _table(boxes, lang: str, words) -> str:
    """The boxes as a table: box, coverage, density, share of runs, runs, then conditions.

    The numbers right-aligned in columns, the conditions left-aligned, one per line.
    """
    from simulation.i18n.words import percent, phrase

    keys = ("box", "coverage", "density", "mass", "cases", "limits")
    header = [phrase(f"discover.column.{key}", lang) for key in keys]
    rows = [
        [
            str(box.number),
            percent(box.coverage, lang, 0),
            percent(box.density, lang, 0),
            percent(box.mass, lang, 0),
            f"{box.cases:,}",
        ]
        for box in boxes
    ]
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(5)]
    lines = [
        "  ".join(h.rjust(w) for h, w in zip(header[:5], widths, strict=True)) + "  " + header[5]
    ]
    indent = " " * (sum(widths) + 2 * 5)
    for box, row in zip(boxes, rows, strict=True):
        numbers = "  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True))
        conditions = words.limit_texts(box, lang)
        lines.append(f"{numbers}  {conditions[0]}")
        lines += [indent + condition for condition in conditions[1:]]
    return "\n".join(lines)
