"""Options and helpers shared by the commands of ``transnum``.

Bad input (a scenario file, a parameter, an output folder) ends with one message
naming the file and field, and exit status 2, before anything is computed. A problem
of the environment (a full or read-only disk, a folder another process writes, a
scheduler out of reach) ends with one message naming the file or address, the
system's reason and what to do, and exit status 1.
"""

from __future__ import annotations

import contextlib
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import click

from simulation.i18n.catalogue import LANGUAGES
from simulation.i18n.language import active, from_environment, quoted, say, say_count, use
from simulation.i18n.words import NBSP, colon, number, text
from simulation.scenario.errors import ScenarioError, did_you_mean
from simulation.scenario.footprint import Footprint, check_fits, gigabytes, memory_limit
from simulation.scenario.loading import load_scenario
from simulation.scenario.records import Scenario
from simulation.scenario.rollout import STRATEGIES
from simulation.storage import FolderBusyError, FolderLock, StorageError, os_problem
from simulation.storage.lock import LOCK_FILE

EXIT_BAD_INPUT = 2
EXIT_ENVIRONMENT = 1
NEW_FOLDER = "Results folder (must be new or empty)."


def suggestion(word: str, choices) -> str:
    """``; did you mean 'x'?`` for the choice closest to ``word``, or ``""`` if none is close."""
    return did_you_mean(word, choices, key="cli.did_you_mean")


def fail(error: Exception, then: str = "") -> NoReturn:
    """Print ``error`` as one line on stderr (followed by ``then``) and exit.

    The exit status is 2 for bad input (a scenario, experiment or results file, an
    option) and 1 for the environment (an ``OSError``: a full or read-only disk, a
    results folder another process is writing, an unreachable scheduler).
    """
    environment = isinstance(error, OSError)
    message = str(error)
    if environment and not isinstance(error, (FolderBusyError, StorageError)):
        # A bare system error: its path, the system's reason and advice.
        message = os_problem(error) if error.strerror else message
    click.echo(say("cli.error", message=message + then), err=True)
    sys.exit(EXIT_ENVIRONMENT if environment else EXIT_BAD_INPUT)


def kept_files(folder: Path) -> str:
    """What a results folder holds so far, in words (for a command that stopped)."""
    names = (
        sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
        if (folder.is_dir())
        else []
    )
    if not names:
        return say("cli.holds_nothing", folder=folder)
    return say("cli.holds", folder=folder, files=", ".join(names))


@contextlib.contextmanager
def writing_results(folder: Path) -> Iterator[None]:
    """Stop with one message if writing ``folder``'s results fails (full disk...).

    The message names the file and the system's reason, says what the folder already
    holds, and that the same command with another ``--out`` gives the same numbers
    (every run's seeds come from the command).
    """
    try:
        yield
    except OSError as error:
        if isinstance(error, FolderBusyError):
            fail(error)
        fail(error, say("cli.not_all_saved", kept=kept_files(folder)))


def command_line() -> str:
    """The running command, rebuilt from what click parsed (for the manifest)."""
    ctx = click.get_current_context()
    words = ctx.command_path.split()
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if value is None or value == () or value is False:
            continue
        if isinstance(param, click.Option) and value == param.default:
            continue
        if isinstance(param, click.Argument):
            words += [str(v) for v in (value if isinstance(value, tuple) else (value,))]
        elif param.is_flag:
            words.append(param.opts[0])
        elif isinstance(value, tuple):  # a repeatable option
            for item in value:
                words += [param.opts[0], str(item)]
        else:
            words += [param.opts[0], str(value)]
    return " ".join(shlex.quote(w) for w in words)


def cli_scenario(path: str | None, **overrides) -> Scenario:
    """Load the scenario (default: the built-in commune) and apply CLI overrides.

    Raises:
        ScenarioError: the file is invalid, or one run of the scenario (with the
            overrides) would need more memory than this machine has.
    """
    scenario = load_scenario(path) if path else Scenario()
    changes = {k: v for k, v in overrides.items() if v is not None}
    source = path or say("cli.default_scenario")
    if changes:
        source = say("cli.with_options", source=source)
        try:
            scenario = scenario.override(changes)
        except ScenarioError as error:
            raise error.from_source(source) from None
    check_fits(scenario, source)
    return scenario


def workers_that_fit(wanted: int, footprint: Footprint) -> int:
    """At most ``wanted`` local workers, as many as memory holds (each runs one run).

    Worker processes each hold one run, and the command's own process holds about one
    more (the results it gathers); one worker runs in the command's process. A smaller
    number is printed as a note: results do not depend on it.
    """
    limit, _ = memory_limit()
    if wanted <= 1 or limit is None:
        return wanted
    fit = max(1, min(wanted, limit // footprint.bytes - 1))
    if fit < wanted:
        note(
            say(
                "cli.fewer_workers",
                fit=fit,
                wanted=wanted,
                need=gigabytes(footprint.bytes),
                free=gigabytes(limit),
            )
        )
    return fit


def claim_folder(folder: Path) -> FolderLock:
    """Hold ``folder``'s lock for the rest of the command: it is the folder's one writer.

    Keep the returned lock referenced; the operating system releases it when the
    process ends, however it ends.

    Raises:
        FolderBusyError: another process writes the folder.
    """
    return FolderLock(folder, command_line()).acquire()


def claim_new_folder(out: str | None, kind: str) -> tuple[Path, FolderLock]:
    """Create the results folder of a command (``--out``, or a new one) and claim it.

    Until the command ends, the folder is locked (:func:`claim_folder`). If the command
    ends without having written any result into it (an error, Ctrl-C or a failing
    executor before the first export), the folder and the parent folders made for it
    are removed again: a run that could not start leaves no empty folder behind. A
    folder that existed before (empty) is left as it was.

    Raises:
        ScenarioError: the folder is a file or holds files already.
        FolderBusyError: another process writes the folder.
    """
    from simulation.experiments.folders import new_results_dir, prepare_dir

    folder = Path(out) if out else new_results_dir(kind)
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    folder = prepare_dir(folder)
    try:
        lock = claim_folder(folder)
    except BaseException:
        remove_empty(made)
        raise
    click.get_current_context().call_on_close(lambda: _discard_if_empty(lock, made))
    return folder, lock


def _discard_if_empty(lock: FolderLock, made: list[Path]) -> None:
    """Let the folder go, and remove the folders made for it if they hold no result."""
    lock.release()  # removes the writer's record; a lock file may remain (not POSIX)
    with contextlib.suppress(OSError):  # the folder went away meanwhile: nothing to remove
        if made and {p.name for p in made[0].iterdir()} <= {LOCK_FILE}:
            (made[0] / LOCK_FILE).unlink(missing_ok=True)
            remove_empty(made)


def remove_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (innermost first) as long as each is empty.

    Used for the folders a command made for its results when it ends with none.
    """
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty (a result, another command's folder) or gone
            return


def note(message: str) -> None:
    """Print a note (not an error) on stderr, in the language of messages."""
    click.echo(say("cli.note", message=message), err=True)


def warn(message: str) -> None:
    """Print a warning on stderr, in the language of messages."""
    click.echo(say("cli.warning", message=message), err=True)


def progress_bar(total: int = 0, what: str = "runs"):
    """A progress bar of runs on stderr, labelled in the language of messages.

    Args:
        total: The runs expected (0: counted as they are planned).
        what: What the runs are for: ``runs``, ``search`` or ``check``.
    """
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit=say("cli.progress.unit"),
        desc=say(f"cli.progress.{what}"),
        file=sys.stderr,
        disable=None,  # no bar when stderr is not a terminal (a log file, CI)
    )


def seconds(wall: float) -> str:
    """A duration in seconds, ``12,3 s`` or ``12.3 s``."""
    return f"{number(wall, active(), 1)}{NBSP if active() == 'fr' else ' '}s"


def where_runs(scheduler: str | None, workers: int) -> str:
    """Where the runs go: a Dask scheduler's address, or the local worker processes."""
    if scheduler:
        return say("cli.on_scheduler", address=scheduler)
    return say_count("cli.count.worker", workers)


def strategy_name(name: str) -> str:
    """A strategy's name in the language of messages (``petits pas``)."""
    return text(name, active())


def print_notes(scenario: Scenario) -> None:
    """Print what the plan cannot deliver within the horizon (not an error)."""
    from simulation.model.strategies import schedule_notes

    for line in schedule_notes(scenario, active()):
        note(f"{strategy_name(scenario.rollout.strategy)}{colon(active())}{line}")


def print_every_plan_notes(scenario: Scenario) -> None:
    """Print, for each strategy the scenario can run, the go-lives it cannot deliver.

    The three built-in strategies, and the custom plan when the scenario has waves:
    a scenario chosen for one strategy is often compared under all of them.
    """
    from simulation.model.strategies import plan_strategies

    for strategy in plan_strategies(scenario):
        if strategy == scenario.rollout.strategy:
            print_notes(scenario)
        else:
            print_notes(scenario.with_strategy(strategy))


def parse_strategies(value: str) -> list[str]:
    """Strategy names from a comma-separated option value, each checked."""
    names = [s.strip() for s in value.split(",") if s.strip()]
    for name in names:
        if name not in STRATEGIES:
            hint = suggestion(name, STRATEGIES)
            raise click.BadParameter(
                say(
                    "cli.unknown_strategy",
                    name=quoted(name),
                    hint=hint,
                    known=", ".join(STRATEGIES),
                )
            )
    if not names:
        raise click.BadParameter(say("cli.no_strategy"))
    return names


def parse_precision(values: tuple[str, ...]) -> dict[str, float]:
    """Parse ``OUTCOME=HALFWIDTH`` options."""
    if not values:
        return {}  # the outcomes' names load pandas: not before a command starts its workers
    from simulation.model.outcomes import flat_outcome_names

    targets = {}
    for value in values:
        name, _, width = value.partition("=")
        if name not in flat_outcome_names():
            hint = suggestion(name, flat_outcome_names())
            raise click.BadParameter(
                say("cli.unknown_outcome", name=quoted(name), hint=hint), param_hint="'--precision'"
            )
        try:
            targets[name] = float(width)
        except ValueError:
            raise click.BadParameter(
                say("cli.precision_form", value=quoted(value)), param_hint="'--precision'"
            ) from None
        if not targets[name] > 0:
            raise click.BadParameter(say("cli.precision_positive"), param_hint="'--precision'")
    return targets


def whole_number_option(
    name: str, help_text: str | None, *, minimum: int, maximum: int | None = None, default=None
):
    """An option taking a whole number from ``minimum`` (to ``maximum``); a default is shown."""
    return click.option(
        name,
        type=click.IntRange(min=minimum, max=maximum),
        default=default,
        show_default=default is not None,
        help=help_text,
    )


def parameters_option():
    """``--parameters``: where replications take their behavioural parameters."""
    return click.option(
        "--parameters",
        default="ensemble",
        show_default=True,
        metavar="ensemble|default|FILE",
        help="Behavioural parameters of the replications: drawn from the calibrated "
        "ensemble of plausible sets shipped with transnum ('ensemble'), from an ensemble "
        "file of one's own (FILE, as written by calibrate --ensemble), or the scenario's "
        "own values ('default': one parameter set).",
    )


def parameters_options():
    """``--parameters`` and ``--per-member``: where replications take their parameters."""

    def decorate(command):
        command = parameters_option()(command)
        return whole_number_option(
            "--per-member",
            "Replications of each parameter set of the ensemble (different seeds; at least "
            "2 to tell the parameters' part of the spread from chance's).",
            minimum=1,
            default=2,
        )(command)

    return decorate


def print_parameters(draw, scenario: Scenario, replications: int) -> None:
    """Say where the replications' parameters come from (and what the ensemble replaces)."""
    if not draw.drawn:
        click.echo(say("cli.parameters_default"))
        return
    used = min(len(draw.ensemble), -(-replications // draw.per_member))
    where = say("cli.calibrated_ensemble") if draw.source == "ensemble" else draw.source
    click.echo(
        say(
            "cli.parameters_ensemble",
            where=where,
            used=used,
            total=len(draw.ensemble),
            each=say_count("cli.count.replication", draw.per_member),
        )
    )
    replaced = draw.differences(scenario)
    if replaced:
        note(say("cli.ensemble_replaces", names=", ".join(replaced)))


def seed_option():
    """The ``--seed`` option: the root seed of the runs (default: the scenario's)."""
    return whole_number_option("--seed", "Root seed (default: the scenario's).", minimum=0)


def weeks_option():
    """The ``--weeks`` option: the horizon, overriding the scenario's."""
    return whole_number_option("--weeks", "Horizon in weeks.", minimum=1)


def out_option(help_text: str = NEW_FOLDER):
    """The ``--out`` option: the results folder a command writes."""
    return click.option("--out", type=click.Path(file_okay=False), help=help_text)


def workers_option(
    help_text: str = "Worker processes (default: one per core). Results do not depend on it.",
):
    """The ``--workers`` option: local worker processes (default: one per core)."""
    return whole_number_option("--workers", help_text, minimum=1)


def scheduler_option():
    """The ``--scheduler`` option: a Dask cluster instead of local processes."""
    return click.option(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        callback=_check_scheduler,
        help="Run on a Dask cluster (tcp://host:port), or 'local' for a Dask LocalCluster.",
    )


def _check_scheduler(ctx: click.Context, param: click.Parameter, value: str | None):
    """A malformed address is bad input (exit status 2), found before any folder is made."""
    from simulation.experiments.executors import check_address

    if value is None:
        return None
    try:
        return check_address(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def precision_options(where: str, cap_default: str):
    """``--precision`` and ``--max-replications``: replications until a precision.

    Args:
        where: Where the precision must hold (``for every strategy``...).
        cap_default: What the cap on replications defaults to.
    """
    precision = click.option(
        "--precision",
        multiple=True,
        metavar="OUTCOME=HALFWIDTH",
        help="Add replications until the 95 % interval of OUTCOME extends at most HALFWIDTH "
        f"on each side of the mean, {where} (repeatable).",
    )
    cap = whole_number_option(
        "--max-replications", f"Cap on replications per {cap_default}.", minimum=1
    )
    return lambda command: precision(cap(command))


def _set_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Make the command's messages speak ``--lang``, or the locale's language."""
    use(value or from_environment())
    from simulation.cli.click_words import localise_help

    root = ctx.find_root().command
    if isinstance(root, click.Group):
        localise_help(root)
    return value


def messages_option():
    """The ``--lang`` option of every command: the language of its messages.

    Eager, so that the messages about the other options are worded in it too.
    """
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default=None,
        is_eager=True,
        expose_value=False,
        callback=_set_language,
        help="Language of messages (default: the locale's, French under a French locale).",
    )


def language_option(what: str):
    """The ``--lang`` option of a command writing ``what`` (French unless given).

    It sets the language of the command's messages too (the locale's when not given).
    """
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default=None,
        is_eager=True,
        callback=lambda ctx, param, value: _set_language(ctx, param, value) or "fr",
        help=f"Language of {what} (default: French) and of messages (default: the locale's).",
    )
