"""What is wrong with a scenario, in words: :class:`ScenarioError` and its message parts.

Every problem with a scenario, an experiment file or a command-line value ends in one
sentence that names where it is (file and dotted field path), what was given and what
is allowed, with a "did you mean" for a misspelt key, choice or name. The pieces of
those sentences live here so that every message reads the same way.

The words come from the catalogue's ``error`` namespace, in the active language of
messages (:mod:`simulation.i18n.language`) when the error is raised: a French civil
servant who chose ``--lang fr`` reads « clé inconnue ; vouliez-vous dire
« training_capacity » ? ». Field paths, file names and the keys a file may hold are
names, never translated.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
from collections.abc import Iterable, Mapping
from typing import Any, Literal, Union, get_args, get_origin

from simulation.i18n.catalogue import entries
from simulation.i18n.language import active, quoted, say, using
from simulation.i18n.words import NBSP

__all__ = [
    "RANGE",
    "ScenarioError",
    "closest",
    "describe",
    "did_you_mean",
    "listing",
    "not_allowed",
    "range_form",
    "require_all_known",
    "require_known",
    "show",
    "unknown_key",
]

NONE_TYPE = type(None)

RANGE = "{low, high}"
"""A range (of a factor, a lever, a target) as a message names it: its keys, never translated."""


class ScenarioError(ValueError):
    """A scenario (or one of its files) is not valid.

    Attributes:
        problem: What is wrong and what is allowed, in one sentence.
        path: Dotted path of the offending field, e.g. ``levers.training_capacity``.
        source: File (or other origin) the scenario came from, if known.
        lang: The language the problem is worded in (the active one when raised),
            which also sets how source, path and problem are joined.
    """

    def __init__(self, problem: str, *, path: str = "", source: str | None = None) -> None:
        self.problem = problem
        self.path = path
        self.source = source
        self.lang = active()
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.source, self.path) if p]
        # French sets a no-break space before the colon (typographie française).
        separator = f"{NBSP}: " if self.lang == "fr" else ": "
        return separator.join([*parts, self.problem])

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
        return self._moved(path, self.source)

    def from_source(self, source: str) -> ScenarioError:
        """Return the same error attributed to ``source`` (a file name)."""
        return self._moved(self.path, self.source or source)

    def _moved(self, path: str, source: str | None) -> ScenarioError:
        """The same problem at another place, still joined in the problem's language."""
        with using(self.lang):
            return ScenarioError(self.problem, path=path, source=source)


def show(value: Any) -> str:
    """A given value as a message quotes it, cut to 60 characters.

    English shows its ``repr``; French quotes text « like this », writes numbers with
    a decimal comma (``0,15``; ``2`` for ``2.0``) and true, false and null as a YAML
    file does, and shows other values (lists, mappings) as Python writes them.
    """
    if active() == "fr":
        if isinstance(value, str):
            return quoted(value if len(value) <= 57 else value[:54] + "…")
        if value is None or isinstance(value, bool):
            return {None: "null", True: "true", False: "false"}[value]
        if isinstance(value, float):
            return repr(value).removesuffix(".0").replace(".", ",")
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def range_form() -> str:
    """A range's form as a message shows it: ``{low: number, high: number}``."""
    number = say("error.range.number_word")
    return f"{{low: {number}, high: {number}}}"


def listing(names: Iterable[Any]) -> str:
    """Names one after the other, as a message lists them (``a, b, c``)."""
    return ", ".join(str(name) for name in names)


def closest(word: Any, choices: Iterable[str]) -> str | None:
    """The choice that ``word`` most likely misspells, or None (also when it is not text).

    A choice qualifies when difflib's similarity ratio is at least 0.6.
    """
    if not isinstance(word, str):
        return None
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: Any, choices: Iterable[str], *, key: str = "error.hint.did_you_mean") -> str:
    """A "did you mean" naming the choice closest to ``word``, or ``""`` if none is close.

    Args:
        word: What was given.
        choices: What is allowed.
        key: The catalogue phrase, with ``{name}`` for the suggestion (quoted the
            active language's way): ``error.hint.did_you_mean`` leads the rest of a
            sentence, ``error.hint.did_you_mean_after`` ends one.
    """
    close = closest(word, choices)
    return "" if close is None else say(key, name=quoted(close))


def unknown_key(key: Any, allowed: list[str]) -> str:
    """The message for a key that a mapping does not allow, listing those it does."""
    if not isinstance(key, str):
        return say("error.key_not_text", name=show(key), allowed=listing(allowed))
    return say("error.unknown_key", hint=did_you_mean(key, allowed), allowed=listing(allowed))


def require_known(
    name: str, known: Iterable[str], what: str, path: str, inherited: str = ""
) -> None:
    """Raise a ScenarioError at ``path`` unless ``name`` is among ``known``.

    Args:
        name: The name given (of a service, a tool...).
        known: The names defined.
        what: What the names are: ``service`` or ``tool`` (the catalogue's
            ``error.unknown_name.<what>`` words the message).
        path: Dotted path of the field that gives ``name``.
        inherited: A sentence saying that a section left at its default (which
            describes the default commune) gives the name, to point the user to it.
    """
    known = list(known)
    if name in known:
        return
    hint = did_you_mean(str(name), known)
    shown = listing(known) if len(known) <= 15 else listing(known[:15]) + ", ..."
    message = say(f"error.unknown_name.{what}", name=quoted(name), hint=hint, known=shown)
    if inherited:
        message += f". {inherited}"
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


_SIMPLE_TYPES: dict[Any, str] = {
    NONE_TYPE: "null",
    bool: "true_or_false",
    int: "whole_number",
    float: "number",
    str: "text",
}
"""Python types -> their words under ``error.type`` (``error.type.plural`` for a list's items)."""


def describe(hint: Any, plural: bool = False) -> str:
    """A declared type in the words of a scenario file (``a list of text``...).

    Records describe themselves by their ``_describe`` class attribute: a key of the
    catalogue, whose ``{fields}`` is their keys (``{technophile, follower,
    overwhelmed}``), or plain words. The words of a list of records describe one of them.

    Args:
        hint: The declared type.
        plural: Describe the items of a list (French says « une liste de nombres
            entiers », not « de un nombre entier »).
    """
    group = "error.type.plural" if plural else "error.type"
    origin = get_origin(hint)
    if origin is Literal:
        return say(f"{group}.one_of", choices=listing(quoted(a) for a in get_args(hint)))
    if origin in (Union, types.UnionType):
        return f" {say('error.type.or')} ".join(describe(a, plural) for a in get_args(hint))
    if origin is tuple:
        item = get_args(hint)[0]
        if _own_words(item):  # a list of records: French cannot put their words in the plural
            return say("error.type.list_each", item=describe(item))
        return say("error.type.list_of", items=describe(item, plural=True))
    if origin is Mapping:
        return say(f"{group}.mapping")
    if hint in _SIMPLE_TYPES:
        return say(f"{group}.{_SIMPLE_TYPES[hint]}")
    words = _own_words(hint)
    if words is not None:
        if words not in entries():
            return words
        fields = ", ".join(f.name for f in dataclasses.fields(hint))
        return say(words, fields="{" + fields + "}")
    return str(hint)


def _own_words(hint: Any) -> str | None:
    """The ``_describe`` of a record class (a catalogue key, or words), else None."""
    words = getattr(hint, "_describe", None) if isinstance(hint, type) else None
    return words if isinstance(words, str) else None


def not_allowed(value: Any, hint: Any, choices: Iterable[str], where: str) -> ScenarioError:
    """The error for a value that is none of the declared type's options, at ``where``."""
    hint_text = did_you_mean(value, choices, key="error.hint.did_you_mean_after")
    return ScenarioError(
        say("error.not_allowed", value=show(value), expected=describe(hint), hint=hint_text),
        path=where,
    )
