"""Click's own words and transnum's help texts, in the language of messages.

Click words its messages through :func:`gettext.gettext`, bound in each of its modules
as ``_`` (and :func:`gettext.ngettext`). :func:`install` replaces those two names by
functions that look the English message up in the catalogue's ``click`` namespace,
whose English side is click's message itself, and give its French side when the
language of messages is French. A message the catalogue does not hold stays as click
wrote it. :func:`localise_help` does the same for the help of transnum's commands
and options (the catalogue's ``help`` namespace), whose English is the code's.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from collections.abc import Mapping

import click

from simulation.i18n.catalogue import entries
from simulation.i18n.language import active
from simulation.i18n.words import typography

CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)
"""Click's modules whose messages reach a user of ``transnum``."""

NAMESPACES = ("click", "help")
"""Click's messages, and the help of transnum's commands and options."""
_FIELD = re.compile(r"(\{[^{}]*\}|%\([a-z_]+\)s)")


@functools.cache
def _by_english() -> Mapping[str, str]:
    """Click's English message -> its French side, from the catalogue."""
    prefixes = tuple(f"{namespace}." for namespace in NAMESPACES)
    return {
        entry["en"]: entry["fr"] for key, entry in entries().items() if key.startswith(prefixes)
    }


def _french(message: str) -> str:
    """The French side of a click message, French spacing applied outside its fields."""
    found = _by_english().get(message)
    if found is None:
        return message
    # Typography must not touch a field such as {name!r}: it would insert a space.
    parts = _FIELD.split(found)
    return "".join(p if _FIELD.fullmatch(p) else typography(p, "fr") for p in parts)


def gettext(message: str) -> str:
    """Click's ``_``: ``message`` in the language of messages."""
    return _french(message) if active() == "fr" else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Click's ``ngettext``: the singular or plural message in the language of messages."""
    if active() == "fr":
        return _french(singular if n in (0, 1) else plural)
    return singular if n == 1 else plural


def localise_help(group: click.Group) -> None:
    """Give ``group``, its commands and their options their help in the language of messages.

    The English help stays with each command (``_english_help``), so that switching
    back restores it; a help text the catalogue does not hold stays English.
    """
    french = active() == "fr"
    for thing in (group, *group.commands.values()):
        _localise(thing, french)
        # Click makes a command's --help option once and keeps it (the attribute is
        # click's): its help is click's message, localised the same way.
        built = getattr(thing, "_help_option", None)
        for param in (*thing.params, *([built] if built else [])):
            if isinstance(param, click.Option):
                _localise(param, french)


def _localise(thing: click.Command | click.Option, french: bool) -> None:
    if not thing.help:
        return
    english = thing.__dict__.setdefault("_english_help", thing.help)
    thing.help = _french(inspect.cleandoc(english)) if french else english


def install() -> None:
    """Make click's modules word their messages with :func:`gettext` and :func:`ngettext`."""
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
