"""The language of messages: the one chosen for this command, or the locale's.

Reports, workbooks and the teaching page take their language as an argument. The
messages a command prints (errors, notes, warnings, progress, tables) and the
problems found in a user's files are worded where they arise, far from the command
line, so they read the *active* language: the one set by :func:`use` (the command's
``--lang``), else English. :func:`from_environment` gives the language of the
environment's locale, which the command line uses when ``--lang`` is not given.

Example:
    >>> with using("fr"):
    ...     say("word.never")
    'jamais'
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from contextvars import ContextVar

from simulation.i18n.words import check, number, phrase, quote, typography

__all__ = [
    "active",
    "from_environment",
    "quoted",
    "decimal_mark",
    "general",
    "say",
    "say_count",
    "unset",
    "use",
    "using",
]

DEFAULT = "en"
"""The language of messages when none was chosen (a library call from Python)."""

LOCALE_VARIABLES = ("TRANSNUM_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
"""Environment variables read for the language, first set first (POSIX precedence,
with the project's own variable before them)."""

_active: ContextVar[str | None] = ContextVar("transnum_language", default=None)


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """``fr`` when the environment's locale is French (``fr_FR.UTF-8``, ``fr``...), else ``en``.

    Args:
        environ: The environment (default: ``os.environ``).
    """
    environ = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        setting = environ.get(variable, "").strip()
        if setting:
            # LANGUAGE may list several (fr:en); the first one counts.
            first = setting.split(":")[0].lower()
            return "fr" if first.startswith("fr") else "en"
    return DEFAULT


def active() -> str:
    """The language of messages now: the one set by :func:`use`, else English."""
    return _active.get() or DEFAULT


def use(lang: str) -> None:
    """Make ``lang`` (``fr`` or ``en``) the language of messages from now on."""
    _active.set(check(lang))


@contextlib.contextmanager
def using(lang: str) -> Iterator[None]:
    """Make ``lang`` the language of messages inside a ``with`` block."""
    token = _active.set(check(lang))
    try:
        yield
    finally:
        _active.reset(token)


@contextlib.contextmanager
def unset() -> Iterator[None]:
    """Forget the chosen language inside a ``with`` block (messages in English)."""
    token = _active.set(None)
    try:
        yield
    finally:
        _active.reset(token)


def say(key: str, **values: object) -> str:
    """The catalogue's phrase ``key`` in the active language, French spacing applied.

    Args:
        key: A dotted key of the catalogue (``cli.error``).
        **values: The values of the phrase's ``{name}`` placeholders, already written
            for people (see :func:`quoted` for names and given values).
    """
    lang = active()
    return typography(phrase(key, lang, **values), lang)


def say_count(key: str, n: int, **values: object) -> str:
    """A phrase about ``n`` things: the catalogue's ``key.one`` or ``key.many``.

    French takes the singular for 0 and 1 (« 0 outil »), English for 1 only; ``{n}``
    is written with the language's thousands separator.
    """
    lang = active()
    one = n in (0, 1) if lang == "fr" else n == 1
    return say(f"{key}.{'one' if one else 'many'}", n=number(n, lang), **values)


def decimal_mark(written: str) -> str:
    """A number Python wrote (``0.5``, ``±0.031``), with the decimal comma in French."""
    return written.replace(".", ",") if active() == "fr" else written


def general(amount: float, digits: int | None = None) -> str:
    """A number as given, with the active language's decimal mark: ``0.3``, ``0,3``.

    Python's ``g`` format, to ``digits`` significant digits if set.
    """
    return decimal_mark(f"{amount:.{digits}g}" if digits else f"{amount:g}")


def quoted(words: object) -> str:
    """A name or a given value, quoted the active language's way: « Accueil » or 'Accueil'."""
    text = str(words)
    return quote(text, "fr") if active() == "fr" else repr(text)
