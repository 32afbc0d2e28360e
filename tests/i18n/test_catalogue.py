"""The translation catalogue (simulation/i18n/catalogue.yaml) and its strict loader."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from simulation.i18n import catalogue, words
from simulation.i18n.catalogue import LANGUAGES, CatalogueError, parse, placeholders

NAMESPACES = {
    "word",
    "figure",
    "factor",
    "outcome",
    "report",
    "workbook",
    "page",
    "cli",
    "click",
    "storage",
    "help",
    "table",
    "optimise",
    "discover",
    "error",
    "game",
    "gamepage",
}


def raw_entries() -> dict[str, dict]:
    """The catalogue's entries as written (``same_as`` not resolved)."""
    import yaml

    text = resources.files("simulation.i18n").joinpath("catalogue.yaml").read_text("utf-8")

    def walk(group: dict, prefix: str = ""):
        for name, value in group.items():
            if all(isinstance(v, str) for v in value.values()):
                yield prefix + name, value
            else:
                yield from walk(value, f"{prefix}{name}.")

    return dict(walk(yaml.safe_load(text)))


def test_every_key_has_both_languages_with_the_same_placeholders():
    entries = catalogue.entries()
    assert len(entries) > 250
    assert {key.split(".")[0] for key in entries} == NAMESPACES
    for key, entry in entries.items():
        assert set(entry) == set(LANGUAGES), key
        assert all(entry[lang].strip() for lang in LANGUAGES), key
        assert placeholders(entry["fr"]) == placeholders(entry["en"]), key


def test_no_phrase_is_written_twice():
    written: dict[tuple[str, str], str] = {}
    for key, entry in raw_entries().items():
        if "same_as" in entry:
            continue
        pair = (entry["fr"], entry["en"])
        assert pair not in written, f"{key} repeats {written.get(pair)}: point to it with same_as"
        written[pair] = key


def test_same_as_gives_the_phrase_it_points_to():
    raw = raw_entries()
    pointers = {key: entry["same_as"] for key, entry in raw.items() if "same_as" in entry}
    assert pointers, "shared phrases are written once and pointed to"
    for key, target in pointers.items():
        assert catalogue.entry(key) == raw[target]


def test_text_finds_words_figure_labels_and_factors_by_their_bare_name():
    assert words.text("small_steps", "fr") == "petits pas"
    assert words.text("week", "en") == catalogue.entry("word.week")["en"]
    assert words.text("morris_title", "fr") == catalogue.entry("figure.morris_title")["fr"]
    assert words.text("rollout.strategy", "fr") == catalogue.entry("word.strategy")["fr"]
    assert words.text("levers.budget", "fr") == "levers.budget"  # a user's own name
    assert words.text("mean_of", "en", n=3) == "mean of 3 replications"


def test_phrase_and_phrases_read_namespaced_keys():
    assert words.phrase("report.made", "en", date="d", version="v").endswith("by transnum v.")
    headings = words.phrases("report.heading", "fr")
    assert headings["summary"] == catalogue.entry("report.heading.summary")["fr"]
    with pytest.raises(KeyError, match="no phrase 'report.nothing'"):
        words.phrase("report.nothing", "fr")
    with pytest.raises(ValueError, match="unknown language 'de'"):
        words.phrase("report.made", "de")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a:\n  b: {fr: un, en: one}\n  b: {fr: deux, en: two}\n", "duplicate key 'b'"),
        ("a:\n  b: {fr: un, en: one, de: eins}\n", "a.b: unknown language 'de'"),
        ("a:\n  b: {fr: un}\n", "a.b: no en side"),
        ("a:\n  b: {fr: ' ', en: one}\n", "a.b: the fr side is not a phrase"),
        ("a:\n  b: {fr: '{n} un', en: '{m} one'}\n", "a.b: placeholders differ"),
        ("a:\n  b: {same_as: a.c}\n", "same_as 'a.c' names no entry"),
        ("a:\n  b: {fr: un, en: one}\n  c: {same_as: a.b, fr: x}\n", "same_as stands alone"),
        ("a:\n  b: {fr: un, en: one}\n  c: texte\n", "a: mixes phrases and groups"),
        ("a: texte\n", "a: expected an entry"),
        ("a:\n  b: {fr: un, en: {x: 1}}\n", "a.b: mixes phrases and groups"),
        ("- a\n", "a mapping of namespaces"),
    ],
)
def test_the_loader_refuses_a_broken_catalogue(text, problem):
    with pytest.raises(CatalogueError, match=re.escape(problem)):
        parse(text)


def test_a_valid_catalogue_parses_with_pointers_resolved():
    parsed = parse("a:\n  b: {fr: 'un {n}', en: 'one {n}'}\n  c:\n    d: {same_as: a.b}\n")
    assert dict(parsed["a.c.d"]) == {"fr": "un {n}", "en": "one {n}"}
