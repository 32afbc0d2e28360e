"""The translation catalogue: every French and English phrase, read once from a data file.

``catalogue.yaml`` (next to this module) holds each phrase's French and English side
by side, grouped by where it is used (``word``, ``figure``, ``factor``, ``outcome``,
``report``, ``workbook``, ``page``, ``cli``). An entry is either ``{fr: ..., en: ...}``
or ``{same_as: namespace.name}``, which points to another entry so that a phrase
shared by two places is written once. Keys are the dotted path of an entry
(``report.heading.summary``).

The file is read strictly: a duplicate key, an unknown language, a missing side, an
empty phrase, placeholders (``{name}``) that differ between the two sides, or a
``same_as`` that does not name an entry make it an error, raised on first use.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

import yaml

LANGUAGES: tuple[str, ...] = ("fr", "en")
CATALOGUE_FILE = "catalogue.yaml"
SAME_AS = "same_as"

Entry = Mapping[str, str]
"""One phrase: language -> text."""


class CatalogueError(ValueError):
    """The catalogue file is not a valid catalogue (the message names the key)."""


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A YAML loader that refuses a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):  # noqa: D102 - PyYAML's hook
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                mark = key_node.start_mark
                raise CatalogueError(f"duplicate key {key!r} (line {mark.line + 1})")
            seen.add(key)
        return super().construct_mapping(node, deep)


def placeholders(phrase: str) -> set[str]:
    """The names of a phrase's ``{name}`` fields."""
    return {name for _, name, _, _ in string.Formatter().parse(phrase) if name is not None}


def parse(text: str) -> dict[str, Entry]:
    """Every entry of a catalogue's text, by dotted key, with ``same_as`` resolved.

    Raises:
        CatalogueError: naming the first problem found (see the module docstring).
    """
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise CatalogueError(f"not valid YAML: {error}") from None
    if not isinstance(data, dict) or not data:
        raise CatalogueError("a catalogue is a mapping of namespaces")
    found: dict[str, Mapping] = {}
    _collect(data, "", found)
    entries: dict[str, Entry] = {}
    for key, value in found.items():
        if SAME_AS in value:
            target = found.get(value[SAME_AS])
            if target is None or SAME_AS in target:
                raise CatalogueError(f"{key}: same_as {value[SAME_AS]!r} names no entry")
            value = target
        entries[key] = MappingProxyType(dict(value))
    return entries


def _collect(group: Mapping, prefix: str, found: dict[str, Mapping]) -> None:
    """Walk a group: a mapping of phrases (or a ``same_as``) is an entry, of mappings a group."""
    for name, value in group.items():
        key = f"{prefix}{name}"
        if not isinstance(name, str) or not name:
            raise CatalogueError(f"{prefix or 'the top level'}: keys are names, not {name!r}")
        if not isinstance(value, dict) or not value:
            raise CatalogueError(f"{key}: expected an entry {{fr: ..., en: ...}} or a group")
        if SAME_AS in value:
            if set(value) != {SAME_AS} or not isinstance(value[SAME_AS], str):
                raise CatalogueError(f"{key}: same_as stands alone and names an entry")
        elif all(isinstance(v, str) for v in value.values()):
            _check_entry(key, value)
        elif all(isinstance(v, dict) for v in value.values()):
            _collect(value, key + ".", found)
            continue
        else:
            raise CatalogueError(f"{key}: mixes phrases and groups")
        if key in found:
            raise CatalogueError(f"duplicate key {key!r}")
        found[key] = value


def _check_entry(key: str, entry: Mapping) -> None:
    unknown = [lang for lang in entry if lang not in LANGUAGES]
    if unknown:
        raise CatalogueError(
            f"{key}: unknown language {unknown[0]!r}; languages are {', '.join(LANGUAGES)}"
        )
    for lang in LANGUAGES:
        if lang not in entry:
            raise CatalogueError(f"{key}: no {lang} side")
        if not entry[lang].strip():
            raise CatalogueError(f"{key}: the {lang} side is not a phrase")
    fields = {lang: placeholders(entry[lang]) for lang in LANGUAGES}
    if len({frozenset(names) for names in fields.values()}) > 1:
        sides = "; ".join(f"{lang}: {sorted(names)}" for lang, names in fields.items())
        raise CatalogueError(f"{key}: placeholders differ between languages ({sides})")


@functools.cache
def entries() -> Mapping[str, Entry]:
    """The package's catalogue, read on first use."""
    text = resources.files(__package__).joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")
    try:
        return MappingProxyType(parse(text))
    except CatalogueError as error:
        raise CatalogueError(f"{CATALOGUE_FILE}: {error}") from None


def entry(key: str) -> Entry:
    """The entry of a dotted key.

    Raises:
        KeyError: no such key in the catalogue.
    """
    try:
        return entries()[key]
    except KeyError:
        raise KeyError(f"no phrase {key!r} in the catalogue") from None


def names(namespace: str) -> list[str]:
    """The keys under ``namespace``, without its prefix (``report.heading`` -> ``summary``...)."""
    prefix = namespace + "."
    return [key[len(prefix) :] for key in entries() if key.startswith(prefix)]
