"""Errors in the user's language: the problems found in scenario, experiment and results files.

Under ``using("fr")`` (what ``--lang fr`` sets) every message is French, with French
typography (a no-break space before ``: ; ?``, names quoted « like this »); under
English it is today's English. The words come from the catalogue's ``error``
namespace, each of whose entries some code says.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import scenario_error, write

from simulation.experiments.calibration import Calibration
from simulation.experiments.executors import check_address
from simulation.experiments.experiment import Experiment, load_experiment
from simulation.experiments.parts import DamagedPart, DamagedPartsError
from simulation.experiments.patterns import EnsembleSpec
from simulation.experiments.plan_settings import OptimiseSettings
from simulation.i18n.catalogue import entries
from simulation.i18n.language import say, using
from simulation.i18n.words import NBSP, NNBSP
from simulation.reports.reader import read_results
from simulation.scenario.errors import describe
from simulation.scenario.footprint import check_fits
from simulation.scenario.loading import load_scenario
from simulation.scenario.records import Scenario
from simulation.scenario.schema import UNIT_WORDS, iter_specs

ENGLISH = (" expected ", " got ", "unknown", "allowed", "did you mean", "must", " is ", " not ")
"""Words that only an English message holds (field paths and keys hold none of them)."""
FRENCH = ("inconnu", "vouliez-vous", "attendu", "reçu", "permis", "introuvable", "valeur")
"""Words that only a French message holds."""

TOOL = "tools: [{name: ged, samr: substitution, services: [acceuil]}]\n"
SERVICES = "organisation:\n  services: [{name: accueil, headcount: 10}]\n  relations: []\n"

CASES = [
    # (id, file content, the French phrase, the English phrase)
    (
        "unknown-key",
        "levers: {trainnig_capacity: 3}\n",
        "clé inconnue ; vouliez-vous dire « training_capacity » ? "
        "clés permises : training_capacity",
        "unknown key; did you mean 'training_capacity'? allowed keys: training_capacity",
    ),
    (
        "out-of-range",
        "horizon_weeks: -1\n",
        "-1 est hors des limites ; valeurs permises : de 1 à 100 000 (semaines)",
        "-1 is out of range; allowed: from 1 to 100,000 (weeks)",
    ),
    (
        "wrong-type",
        "horizon_weeks: ten\n",
        "attendu : un nombre entier ; reçu : « ten »",
        "expected a whole number, got 'ten'",
    ),
    (
        "unknown-choice",
        "rollout: {strategy: bigbang}\n",
        "« bigbang » n'est pas permis ; attendu : une valeur parmi « big_bang », « small_steps »",
        "'bigbang' is not allowed; expected one of 'big_bang', 'small_steps'",
    ),
    (
        "unknown-service-in-a-tool",
        SERVICES + TOOL,
        "service inconnu « acceuil » ; vouliez-vous dire « accueil » ? services connus : accueil",
        "unknown service 'acceuil'; did you mean 'accueil'? known services: accueil",
    ),
    (
        "shares",
        "profile_mix: {technophile: 0.5}\n",
        "la somme des parts fait 1,4 (technophile 0,5 + follower 0,4 + overwhelmed 0,5) ; "
        "elle doit faire 1",
        "shares sum to 1.4 (technophile 0.5 + follower 0.4 + overwhelmed 0.5); they must sum to 1",
    ),
    (
        "invalid-yaml",
        "levers: training_capacity: 3\n",
        "YAML non valide : un deux-points (:) inattendu",
        "not valid YAML: mapping values are not allowed here (line 1, column 26)",
    ),
    (
        "tab",
        "levers:\n\ttraining_capacity: 3\n",
        "YAML non valide : une tabulation ne peut pas servir d'indentation",
        "not valid YAML: found character '\\t' that cannot start any token",
    ),
    (
        "duplicate-key",
        "horizon_weeks: 3\nhorizon_weeks: 4\n",
        "YAML non valide : la clé « horizon_weeks » est donnée deux fois dans le même ensemble",
        "not valid YAML: key 'horizon_weeks' is given twice in the same mapping",
    ),
]


def plain(message: str) -> str:
    """A message with its no-break spaces made plain, to compare with written phrases."""
    return message.replace(NBSP, " ").replace(NNBSP, " ")


def assert_french(message: str, phrase: str) -> None:
    """The message holds the French phrase, no English word, and French spacing."""
    assert phrase in plain(message), message
    for word in ENGLISH:
        assert word not in message, f"{word!r} in {message!r}"
    # A no-break space before each colon, semicolon and question mark.
    assert not re.search(r"[^\u00a0\u202f][;?]|[^\u00a0\u202f\d(]:(?=\s)", message), message


def assert_english(message: str, phrase: str) -> None:
    """The message holds the English phrase, no French word and no French spacing."""
    assert phrase in message, message
    for word in FRENCH:
        assert word not in message, f"{word!r} in {message!r}"
    assert NBSP not in message and NNBSP not in message and "«" not in message


@pytest.mark.parametrize(
    ("text", "french", "english"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_bad_scenario_is_told_in_the_language_of_messages(tmp_path, text, french, english):
    path = write(tmp_path / "s.yaml", text)
    with using("fr"):
        message = str(scenario_error(load_scenario, path))
    assert message.startswith(f"{path}{NBSP}: "), message
    assert_french(message, french)
    message = str(scenario_error(load_scenario, path))
    assert message.startswith(f"{path}: "), message
    assert_english(message, english)


def test_a_missing_file_is_told_in_the_language_of_messages(tmp_path):
    path = tmp_path / "absent.yaml"
    with using("fr"):
        assert_french(str(scenario_error(load_scenario, path)), f"{path} : fichier introuvable")
    assert_english(str(scenario_error(load_scenario, path)), f"{path}: file not found")


def test_a_file_that_is_not_text_is_told_in_the_language_of_messages(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"name: \xff\n")
    with using("fr"):
        message = str(scenario_error(load_scenario, path))
    assert_french(message, "n'est pas un fichier texte (l'octet 7 n'est pas en UTF-8)")
    assert "un fichier de scénario est un texte YAML" in message
    english = str(scenario_error(load_scenario, path))
    assert_english(
        english, "is not a text file (byte 7 is not UTF-8); a scenario file is YAML text"
    )


@pytest.mark.parametrize(
    ("body", "french", "english"),
    [
        (
            "replicatons: 3\n",
            "clé inconnue ; vouliez-vous dire « replications » ?",
            "unknown key; did you mean 'replications'?",
        ),
        (
            "factors:\n  levers.training_capacity: 3\n",
            "attendu : une liste de niveaux ou une plage {low, high} ; reçu : 3",
            "expected a list of levels or a {low, high} range, got 3",
        ),
        (
            "factors:\n  levers.training_capacity: {low: 9, high: 2}\n",
            "low (9) doit être inférieur à high (2)",
            "low (9) must be below high (2)",
        ),
        (
            "outcomes: [adoption_finale]\n",
            "indicateur inconnu « adoption_finale » ; vouliez-vous dire « adoption_final » ?",
            "unknown outcome 'adoption_finale'; did you mean 'adoption_final'?",
        ),
    ],
    ids=["unknown-key", "factor-form", "range", "unknown-outcome"],
)
def test_a_bad_experiment_file_is_told_in_the_language_of_messages(tmp_path, body, french, english):
    path = write(tmp_path / "e.yaml", "name: x\n" + body)
    with using("fr"):
        assert_french(str(scenario_error(load_experiment, path)), french)
    assert_english(str(scenario_error(load_experiment, path)), english)


def test_the_memory_check_is_told_in_the_language_of_messages(monkeypatch):
    monkeypatch.setenv("TRANSNUM_MEMORY_LIMIT", "1M")
    with using("fr"):
        message = str(scenario_error(check_fits, Scenario()))
    assert "une simulation demande environ" in message and " Mo de mémoire" in plain(message)
    assert "permis par TRANSNUM_MEMORY_LIMIT=1M" in message and "l'essentiel" in message
    assert "one run needs about" in str(scenario_error(check_fits, Scenario()))


def test_a_missing_results_folder_is_told_in_the_language_of_messages(tmp_path):
    with using("fr"):
        message = str(scenario_error(read_results, tmp_path / "nowhere"))
    assert_french(message, "dossier de résultats introuvable")
    assert_english(
        str(scenario_error(read_results, tmp_path / "nowhere")), "no such results folder"
    )


def test_types_are_described_in_plain_french():
    with using("fr"):
        assert describe(tuple[str, ...]) == "une liste de textes"
        assert describe(tuple[int, ...]) == "une liste de nombres entiers"
        assert describe(bool) == "true ou false (oui ou non)"
        assert describe(int | None) == "un nombre entier ou null (aucune valeur)"
    assert describe(tuple[str, ...]) == "a list of text"
    assert describe(int) == "a whole number"


def _python_sources() -> str:
    """The text of every module that words a problem (the catalogue's own code aside)."""
    root = Path(__file__).resolve().parents[2] / "simulation"
    return "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*.py"))
        if "i18n" not in path.parts
    )


def _used(key: str, text: str, templates: list[re.Pattern[str]]) -> bool:
    """Whether ``key`` is said by the code: written out, or made by an f-string whose
    placeholders take values the code writes out (``f"error.unit.{key}"`` with ``"weeks"``)."""

    def written(words: str) -> bool:
        return f'"{words}"' in text or f"'{words}'" in text

    if written(key):
        return True
    return any(
        (found := pattern.fullmatch(key)) and all(written(part) for part in found.groups())
        for pattern in templates
    )


def test_every_entry_of_the_error_namespace_is_said_somewhere():
    text = _python_sources()
    templates = []
    for template in set(re.findall(r'f"([^"]*\{[^"]*)"', text)):
        parts = re.split(r"\{[^}]*\}", template)
        if "".join(parts).startswith(("error.", ".")):
            # A leading placeholder holds a dotted prefix (error.type.plural), others a name.
            lead = r"([\w.]+)" if not parts[0] else ""
            names = r"(\w+)".join(re.escape(part) for part in parts[1:])
            templates.append(re.compile(re.escape(parts[0]) + (lead or r"(\w+)") + names))
    unused = [
        key for key in entries() if key.startswith("error.") and not _used(key, text, templates)
    ]
    assert not unused, f"entries no code says: {unused}"


def test_damaged_parts_of_a_store_are_told_in_the_language_of_messages(tmp_path):
    part = DamagedPart("0001-000003", ("weekly.parquet: 4,096 bytes instead of 10,240",), 3)
    with using("fr"):
        message = str(DamagedPartsError(tmp_path, [part, part], say("error.parts.missing")))
    assert "2 parties endommagées (6 simulations) : parts/0001-000003" in plain(message)
    english = str(DamagedPartsError(tmp_path, [part], "do this"))
    assert "1 damaged part, holding 3 runs: parts/0001-000003" in english


def test_an_error_keeps_the_language_it_was_worded_in_when_it_moves(tmp_path):
    with using("fr"):
        error = scenario_error(load_scenario, write(tmp_path / "s.yaml", "horizon_weeks: -1\n"))
    moved = error.inside("scenario").from_source("autre.yaml")
    assert str(moved).startswith(f"{error.source}{NBSP}: scenario.horizon_weeks{NBSP}: -1 est")


def test_a_bad_scheduler_address_is_told_in_the_language_of_messages():
    with using("fr"), pytest.raises(ValueError) as info:
        check_address("http://x:1")
    assert_french(str(info.value), "« http://x:1 » : schéma inconnu « http »")
    with pytest.raises(ValueError) as info:
        check_address("foo")
    assert_english(str(info.value), "'foo' is not a scheduler address; expected 'local'")


@pytest.mark.parametrize(
    "record", [Scenario, Experiment, OptimiseSettings, Calibration, EnsembleSpec]
)
def test_every_unit_of_a_file_s_fields_has_its_words(record):
    units = {info.unit for _, _, info in iter_specs(record)} - {"", "0-1"}
    assert units <= set(UNIT_WORDS), sorted(units - set(UNIT_WORDS))
