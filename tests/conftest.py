"""Fixtures shared by every test."""

from __future__ import annotations

import pytest

from simulation.i18n.language import unset


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """Each test starts with messages in English, whatever the machine's locale.

    Tests of the locale's effect set the variables themselves; a language chosen by a
    command invoked in-process does not leak into the next test.
    """
    for variable in ("TRANSNUM_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    with unset():
        yield
