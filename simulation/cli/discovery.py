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
    claim_folder,
    fail,
    messages_option,
    note,
    suggestion,
    whole_number_option,
)
from simulation.i18n.language import active, general, quoted, say, say_count
from simulation.i18n.words import number
from simulation.scenario.errors import ScenarioError
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
@messages_option()
@click.option("--json", "as_json", is_flag=True, help="Print discovery.json instead of words.")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for discovery.json and discovery.csv (default: RESULTS_DIR).",
)
def discover(results_dir, outcome, above, below, inputs, max_boxes, as_json, out) -> None:
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
        raise click.UsageError(say("cli.discover.side"))
    try:
        data = read_discovery(results_dir)
    except ScenarioError as error:
        fail(error)
    _check_outcome(outcome, data)
    chosen = _inputs(inputs, data)
    interest = of_interest(data.runs, outcome, above=above, below=below)
    blank = int(data.runs[outcome].isna().sum())
    if blank and not outcome.startswith("weeks_to_"):
        note(say("cli.discover.blank", runs=say_count("cli.count.run", blank), outcome=outcome))
    if data.failed:
        note(say("cli.discover.failed", runs=say_count("cli.count.run", data.failed)))
    _check_cases(interest, data, outcome, above, below)
    folder = Path(out) if out else Path(results_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = claim_folder(folder)  # noqa: F841 - held until the command ends
    except (FolderBusyError, OSError) as error:
        fail(error)
    holes = [name for name in chosen if data.inputs[name].isna().any()]
    if holes:  # a factor some points do not set: PRIM cannot place those runs
        note(say("cli.discover.holes", names=", ".join(holes)))
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
        fail(error, say("cli.discover.elsewhere"))
    if as_json:
        click.echo(json_path.read_text(encoding="utf-8"), nl=False)
        return
    lang = active()
    click.echo(
        say(
            "cli.discover.header",
            runs=say_count("cli.count.run", len(interest)),
            interest=number(int(interest.sum()), lang),
            inputs=len(chosen),
        )
    )
    if boxes:
        click.echo("\n" + _table(boxes, lang, words) + "\n")
    for sentence in sentences[lang]:
        click.echo(sentence)
    click.echo("\n" + say("cli.wrote", path=json_path) + "\n" + say("cli.wrote", path=csv_path))


def _check_outcome(outcome: str, data) -> None:
    """Refuse an outcome the folder does not hold per run, naming those it does."""
    if outcome in data.outcomes:
        return
    from simulation.model.outcomes import flat_outcome_names

    known = list(data.outcomes)
    hint = suggestion(outcome, known)
    why = say(
        "cli.discover.not_kept" if outcome in flat_outcome_names() else "cli.discover.no_outcome"
    )
    listed = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    raise click.BadParameter(
        say("cli.discover.unknown", name=quoted(outcome), why=why, hint=hint, known=listed),
        param_hint="'--outcome'",
    )


def _inputs(value: str | None, data) -> list[str]:
    """The inputs to search: all of the folder's, or those named (each checked)."""
    known = list(data.inputs.columns)
    if value is None:
        if not known:
            fail(ScenarioError(say("cli.discover.no_input"), source=str(data.folder)))
        return known
    names = [name.strip() for name in value.split(",") if name.strip()]
    for name in names:
        if name not in known:
            hint = suggestion(name, known)
            raise click.BadParameter(
                say(
                    "cli.discover.unknown_input",
                    name=quoted(name),
                    hint=hint,
                    known=", ".join(known),
                ),
                param_hint="'--inputs'",
            )
    if not names:
        raise click.BadParameter(say("cli.discover.no_inputs"), param_hint="'--inputs'")
    return names


def _check_cases(interest, data, outcome: str, above, below) -> None:
    """Stop, saying so plainly, when no run or every run is of interest."""
    from simulation.i18n.words import value as written

    runs = len(interest)
    if runs and 0 < interest.sum() < runs:
        return
    lang = active()
    values = data.runs[outcome].astype(float)
    side = (
        say("cli.discover.above", value=general(above))
        if above is not None
        else say("cli.discover.below", value=general(below))
    )
    spread = (
        say(
            "cli.discover.spread",
            low=written(outcome, values.min(), lang),
            high=written(outcome, values.max(), lang),
            raw_low=general(values.min()),
            raw_high=general(values.max()),
        )
        if values.notna().any()
        else say("cli.discover.no_value")
    )
    which = (
        say("cli.discover.none_has")
        if not interest.any()
        else say("cli.discover.all_have", runs=number(runs, lang))
    )
    fail(
        ScenarioError(
            say(
                "cli.discover.nothing",
                which=which,
                outcome=outcome,
                side=side,
                spread=spread,
                runs=number(runs, lang),
            ),
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
