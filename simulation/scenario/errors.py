"""What is wrong with a scenario, in words: :class:`ScenarioError` and its message parts.

Every problem with a scenario, an experiment file or a command-line value ends in one
sentence that names where it is (file and dotted field path), what was given and what
is allowed, with a "did you mean" for a misspelt key, choice or name. The pieces of
those sentences live here so that every message reads the same way.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable, Mapping
from typing import Any, Literal, Union, get_args, get_origin

__all__ = [
    "ScenarioError",
    "closest",
    "describe",
    "did_you_mean",
    "not_allowed",
    "require_all_known",
    "require_known",
    "show",
    "unknown_key",
]

NONE_TYPE = type(None)


class ScenarioError(ValueError):
    """A scenario (or one of its files) is not valid.

    Attributes:
        problem: What is wrong and what is allowed, in one sentence.
        path: Dotted path of the offending field, e.g. ``levers.training_capacity``.
        source: File (or other origin) the scenario came from, if known.
    """

    def __init__(self, problem: str, *, path: str = "", source: str | None = None) -> None:
        self.problem = problem
        self.path = path
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.source, self.path) if p]
        return ": ".join([*parts, self.problem])

    def inside(self, where: str) -> ScenarioError:
        """Return the same error with its path nested under ``where``."""
        if not where:
            return self
        if not self.path:
            path = where
        elif self.path.startswith("["):
            path = where + self.path
        else:
            path = f"{where}.{self.path}"
        return ScenarioError(self.problem, path=path, source=self.source)

    def from_source(self, source: str) -> ScenarioError:
        """Return the same error attributed to ``source`` (a file name)."""
        return ScenarioError(self.problem, path=self.path, source=self.source or source)


def show(value: Any) -> str:
    """A given value as a message quotes it: its ``repr``, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def closest(word: Any, choices: Iterable[str]) -> str | None:
    """The choice that ``word`` most likely misspells, or None (also when it is not text).

    A choice qualifies when difflib's similarity ratio is at least 0.6.
    """
    if not isinstance(word, str):
        return None
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: Any, choices: Iterable[str], form: str = "did you mean {!r}? ") -> str:
    """``form`` filled with the choice closest to ``word``, or ``""`` if none is close.

    Args:
        word: What was given.
        choices: What is allowed.
        form: The sentence part, with one ``{}`` (or ``{!r}``) for the suggestion.
    """
    close = closest(word, choices)
    return "" if close is None else form.format(close)


def unknown_key(key: Any, allowed: list[str]) -> str:
    """The message for a key that a mapping does not allow, listing those it does."""
    if not isinstance(key, str):
        return f"keys must be text, got {show(key)}; allowed keys: {', '.join(allowed)}"
    hint = did_you_mean(key, allowed, "did you mean '{}'? ")
    return f"unknown key; {hint}allowed keys: {', '.join(allowed)}"


def require_known(
    name: str, known: Iterable[str], what: str, path: str, inherited: str = ""
) -> None:
    """Raise a ScenarioError at ``path`` unless ``name`` is among ``known``.

    Args:
        name: The name given (of a service, a tool...).
        known: The names defined.
        what: What the names are, in the singular (``"service"``).
        path: Dotted path of the field that gives ``name``.
        inherited: Names a section left at its default (which describes the default
            commune), to point the user to it.
    """
    known = list(known)
    if name in known:
        return
    hint = did_you_mean(str(name), known)
    shown = ", ".join(known) if len(known) <= 15 else ", ".join(known[:15]) + ", ..."
    message = f"unknown {what} {name!r}; {hint}known {what}s: {shown}"
    if inherited:
        message += f". The default {inherited}"
    raise ScenarioError(message, path=path)


def require_all_known(
    names: tuple[str, ...] | str, known: Iterable[str], what: str, path: str, inherited: str = ""
) -> None:
    """:func:`require_known` for each of ``names`` (a list at ``path``); ``"all"`` passes."""
    if names == "all":
        return
    known = list(known)
    for j, name in enumerate(names):
        require_known(name, known, what, f"{path}[{j}]", inherited)


def describe(hint: Any) -> str:
    """A declared type in the words of a scenario file (``a list of text``...).

    Records describe themselves by their ``_describe`` class attribute.
    """
    origin = get_origin(hint)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(hint))
    if origin in (Union, types.UnionType):
        return " or ".join(describe(a) for a in get_args(hint))
    if origin is tuple:
        return f"a list of {describe(get_args(hint)[0])}"
    if origin is Mapping:
        return "a mapping"
    if hint is NONE_TYPE:
        return "null"
    if hint is bool:
        return "true or false"
    if hint is int:
        return "a whole number"
    if hint is float:
        return "a number"
    if hint is str:
        return "text"
    if isinstance(hint, type) and isinstance(getattr(hint, "_describe", None), str):
        return hint._describe
    return str(hint)


def not_allowed(value: Any, hint: Any, choices: Iterable[str], where: str) -> ScenarioError:
    """The error for a value that is none of the declared type's options, at ``where``."""
    hint_text = did_you_mean(value, choices, "; did you mean '{}'?")
    return ScenarioError(
        f"{show(value)} is not allowed; expected {describe(hint)}{hint_text}", path=where
    )
