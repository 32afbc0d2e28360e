"""Every command speaks the language asked for, and only that one.

Each command runs in French and in English (``--lang``), on small inputs, through its
usual path and through a typical error; what it prints (stdout and stderr) is checked
for words of the other language. Names, paths, option names, identifiers and quoted
values are left out of the check: they are the user's, or the program's, not words.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import invoke, write

SCENARIO = "name: X1\norganisation:\n  total_staff: 60\nhorizon_weeks: 12\n"
SWEEP = """\
name: X2
horizon_weeks: 10
overrides: {organisation.total_staff: 40}
replications: 2
seed: 3
factors:
  levers.training_capacity: {low: 1, high: 60}
design: {method: latin_hypercube, samples: 3, seed: 1}
"""
MORRIS = """\
name: X3
horizon_weeks: 10
overrides: {organisation.total_staff: 40}
replications: 1
seed: 9
factors:
  levers.training_capacity: {low: 1, high: 60}
  levers.referent_share: {low: 0.0, high: 0.1}
design: {method: morris, samples: 2, levels: 4, seed: 5}
outcomes: [adoption_final]
"""

ENGLISH = {
    "the", "of", "and", "with", "to", "in", "is", "not", "at", "by", "each", "runs", "run",
    "staff", "weeks", "week", "written", "wrote", "error", "warning", "next", "strategy",
    "seed", "replications", "outcome", "mean", "difference", "usage", "try", "results",
    "invalid", "value", "unknown", "known", "did", "you", "file", "found", "candidates",
    "plans", "searching", "sets", "share", "cost", "dropout", "left",
}  # fmt: skip
"""Words that appear in the English messages and never in French ones."""

FRENCH = {
    "les", "des", "du", "la", "le", "et", "pour", "sur", "avec", "dans", "écrit", "écrits",
    "résultats", "agents", "semaines", "réplications", "erreur", "avertissement", "étape",
    "suivante", "simulations", "stratégie", "graine", "indicateur", "valeur", "inconnue",
    "fichier", "introuvable", "plans", "candidats", "jeux", "coût", "départs",
}  # fmt: skip
"""Words that appear in the French messages and never in English ones (``plans`` and
``adoption`` are both: they are left out)."""
FRENCH -= {"plans"}

NOT_WORDS = re.compile(
    r"«[^»]*»|'[^']*'|\"[^\"]*\"|\S*[/\\]\S*|--?[\w-]+|\S+\.(?:yaml|csv|json|html|xlsx|parquet|png|db)"
    r"|\b\w*_\w*\b|\bX\d\b|\btransnum(?: \w+)?\b|\bhttps?:\S+"
)
"""What is not a word of a language: quoted values, paths, options, file names,
identifiers (with an underscore), the test's names, the command's name, addresses."""


def words_of(output: str) -> set[str]:
    """The words of an output, names, paths, options and identifiers left out."""
    return {w.lower() for w in re.findall(r"[^\W\d_]+", NOT_WORDS.sub(" ", output))}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    return {
        "scenario": write(folder / "small.yaml", SCENARIO),
        "bad": write(folder / "bad.yaml", "levers:\n  trainng_capacity: 3\n"),
        "sweep": write(folder / "sweep.yaml", SWEEP),
        "morris": write(folder / "morris.yaml", MORRIS),
        "space": write(folder / "space.yaml", "batch: 2\ncheck_replications: 2\n"),
    }


def session(lang: str, folder: Path, inputs: dict[str, Path]) -> dict[str, str]:
    """Run every command once in ``lang``; what each printed, by a name for the case."""
    scenario, out = inputs["scenario"], folder
    runs = {
        "init": ("init", out / "init"),
        "validate": ("validate", scenario),
        "validate_bad": ("validate", inputs["bad"]),
        "run": ("run", scenario, "--weeks", 6, "--out", out / "run"),
        "compare": (
            "compare", scenario, "--replications", 2, "--workers", 1, "--out", out / "compare"
        ),
        "compare_bad": ("compare", scenario, "--strategies", "big_bang,fast"),
        "report": ("report", out / "compare"),
        "sweep": ("sweep", inputs["sweep"], "--workers", 1, "--out", out / "sweep"),
        "sensitivity": ("sensitivity", inputs["morris"], "--workers", 1, "--out", out / "morris"),
        "discover": ("discover", out / "sweep", "--outcome", "adoption_final", "--above", 0.5),
        "calibrate_bad": ("calibrate",),
        "optimise": (
            "optimise", scenario, "--trials", 2, "--replications", 2, "--workers", 1,
            "--space", inputs["space"], "--out", out / "search",
        ),
        "optimise_bad": ("optimise", scenario, "--constraints", "budget=lots"),
        "bench": ("bench", "--case", "model", "--staff", 100, "--weeks", 5),
        "app_bad": ("app", folder / "missing.yaml"),
        "usage": ("run", "--weeks", "x"),
    }  # fmt: skip
    printed = {}
    for case, args in runs.items():
        result = invoke(*args, "--lang", lang)
        assert "Traceback" not in result.output, (case, result.output)
        printed[case] = result.output
    return printed


@pytest.fixture(scope="module")
def printed(tmp_path_factory, inputs) -> dict[str, dict[str, str]]:
    return {lang: session(lang, tmp_path_factory.mktemp(lang), inputs) for lang in ("fr", "en")}


CASES = [
    "init",
    "validate",
    "validate_bad",
    "run",
    "compare",
    "compare_bad",
    "report",
    "sweep",
    "sensitivity",
    "discover",
    "calibrate_bad",
    "optimise",
    "optimise_bad",
    "bench",
    "app_bad",
    "usage",
]


@pytest.mark.parametrize("case", CASES)
def test_french_output_has_no_english_word(printed, case):
    output = printed["fr"][case]
    assert output.strip(), case
    assert not words_of(output) & ENGLISH, (words_of(output) & ENGLISH, output)


@pytest.mark.parametrize("case", CASES)
def test_english_output_has_no_french_word(printed, case):
    output = printed["en"][case]
    assert output.strip(), case
    found = words_of(output) & FRENCH
    assert not found, output
    assert not re.search(r"[éèêàùçôîâû«»]", NOT_WORDS.sub(" ", output)), output


def test_the_check_sees_a_word_of_the_other_language():
    # The check itself: a French line with one English word left in it is caught.
    assert words_of("Résultats écrits dans /tmp/x ; 3 runs") & ENGLISH == {"runs"}
    assert words_of("Results written to /tmp/x: 3 simulations") & FRENCH == {"simulations"}
    assert not words_of("erreur : « trainng_capacity » --lang levers.training_capacity") & ENGLISH


def test_the_locale_chooses_french_when_lang_is_not_given(monkeypatch, inputs):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    result = invoke("validate", inputs["scenario"])
    assert result.output.startswith("valide\u00a0: "), result.output
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert invoke("validate", inputs["scenario"]).output.startswith("ok: ")


def test_every_help_text_has_its_french():
    import inspect

    import click

    from simulation.cli import main
    from simulation.cli.click_words import _by_english

    french = _by_english()
    helps = [inspect.cleandoc(main.help)]
    for command in main.commands.values():
        helps.append(inspect.cleandoc(command.__dict__.get("_english_help", command.help)))
        for param in command.params:
            if isinstance(param, click.Option) and param.help:
                helps.append(inspect.cleandoc(param.__dict__.get("_english_help", param.help)))
    assert [h for h in helps if h not in french] == []


def test_help_follows_the_language_and_comes_back(monkeypatch):
    french = invoke("compare", "--lang", "fr", "--help").output
    assert "Compare les stratégies de déploiement" in french
    assert "Réplications par stratégie" in french
    english = invoke("compare", "--help").output
    assert "Compare rollout strategies on SCENARIO" in english
    assert "Replications per strategy" in english
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert "Affiche ce message et quitte." in invoke("--help").output
