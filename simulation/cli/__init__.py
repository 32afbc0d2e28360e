"""The ``transnum`` command: it only wires the package's functions together.

One module per command family (:mod:`~simulation.cli.runs`,
:mod:`~simulation.cli.experiments`, :mod:`~simulation.cli.calibration`,
:mod:`~simulation.cli.documents`, :mod:`~simulation.cli.discovery`,
:mod:`~simulation.cli.organisation`,
:mod:`~simulation.cli.app`, :mod:`~simulation.cli.bench`), all built on the shared options of
:mod:`~simulation.cli.options`; this module only gathers them into one group.
"""

from __future__ import annotations

import click

from simulation.cli import (
    app,
    bench,
    calibration,
    click_words,
    discovery,
    documents,
    experiments,
    optimise,
    organisation,
    runs,
)
from simulation.cli.options import fail, messages_option
from simulation.i18n.language import from_environment, using


class _Commands(click.Group):
    """The command group; a system error no command words itself still ends in one line.

    Commands catch the errors they can explain best (with what was kept and how to
    go on); this is the net under them, so that a full disk or a read-only folder
    never prints a traceback (exit status 1).
    """

    def main(self, *args, **kwargs):  # noqa: D102
        # Messages speak the locale's language until a command reads its --lang, also
        # click's own usage errors, shown here after the command has stopped; the
        # language is restored afterwards (a command invoked in-process, by a test).
        with using(from_environment()):
            click_words.localise_help(self)
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context):  # noqa: D102
        try:
            return super().invoke(ctx)
        except OSError as error:
            fail(error)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="transnum")
def main() -> None:
    """transnum: simulate the digital transition of a local public administration.

    Staff (technophile, follower, overwhelmed) in a network of services face digital
    tools rolled out big-bang, in small steps or in short cycles; the model reports
    adoption, dropout and psychosocial risk (RPS) week by week.
    """


click_words.install()

# In the order of the former single module, so that `transnum --help` is unchanged.
for _command in (
    runs.run,
    runs.compare,
    calibration.calibrate,
    documents.report,
    app.app,
    organisation.init,
    organisation.validate,
    bench.bench,
    experiments.sweep,
    experiments.sensitivity,
    optimise.optimise,
    discovery.discover,
):
    # Every command speaks French or English (--lang); those writing documents have
    # their own --lang, which sets both.
    if not any(param.name == "lang" for param in _command.params):
        messages_option()(_command)
    main.add_command(_command)

__all__ = ["main"]
