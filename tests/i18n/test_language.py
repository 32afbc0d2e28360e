"""The language of messages: chosen, from the locale, or English."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from simulation.cli import main
from simulation.i18n.language import active, from_environment, quoted, say, use, using


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_CA"}, "fr"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),  # LC_ALL wins
        ({"LC_MESSAGES": "fr_FR", "LANG": "en_US"}, "fr"),
        ({"LANGUAGE": "fr:en"}, "fr"),
        ({"TRANSNUM_LANG": "en", "LC_ALL": "fr_FR.UTF-8"}, "en"),  # the project's own first
        ({"LC_ALL": "", "LANG": "fr_FR.UTF-8"}, "fr"),  # an empty variable is unset
    ],
)
def test_language_of_the_locale(environ, expected):
    assert from_environment(environ) == expected


def test_english_unless_chosen_and_restored_after_a_block():
    assert active() == "en"
    with using("fr"):
        assert active() == "fr"
        assert say("word.never") == "jamais"
        assert quoted("Accueil") == "«\u00a0Accueil\u00a0»"
    assert active() == "en"
    assert say("word.never") == "never"
    assert quoted("Accueil") == "'Accueil'"


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'de'"):
        use("de")


def test_a_command_speaks_its_lang_and_then_forgets_it(monkeypatch):
    runner = CliRunner()
    result = runner.invoke(main, ["validate", "--lang", "fr", "no-such-file.yaml"])
    assert result.exit_code == 2
    assert active() == "en"  # nothing leaks into the caller


def test_the_locale_sets_the_language_of_a_command(monkeypatch):
    seen = []
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.setattr(
        "simulation.cli.organisation.load_scenario",
        lambda name: seen.append(active()) or (_ for _ in ()).throw(FileNotFoundError),
    )
    CliRunner().invoke(main, ["validate", "x.yaml"])
    CliRunner().invoke(main, ["validate", "--lang", "en", "x.yaml"])
    assert seen == ["fr", "en"]
