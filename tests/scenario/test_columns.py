"""Tests of simulation/scenario/columns.py: headings, job types and numbers as people write them."""

from __future__ import annotations

import math

import pytest

from simulation.scenario.columns import (
    JOB_TYPE_WORDS,
    RELATION_COLUMNS,
    SERVICE_COLUMNS,
    NotANumberError,
    column_of,
    job_type,
    number,
    simplified,
)


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Nom", "name"),
        ("SERVICE", "name"),
        ("name", "name"),
        ("Effectif", "headcount"),
        ("Nombre d’agents", "headcount"),  # a typographic apostrophe
        ("nb_agents", "headcount"),
        ("Headcount", "headcount"),
        ("Dépassés", "overwhelmed"),
        ("depasses", "overwhelmed"),
        ("Soutien de l'encadrement", "manager_backing"),
        ("soutien_encadrement", "manager_backing"),
        ("SOUTIEN-ENCADREMENT", "manager_backing"),
        ("Type de poste", "job_type"),
        ("type_de_poste", "job_type"),
        ("  job type ", "job_type"),
    ],
)
def test_service_headings_in_french_and_english(heading, field):
    column = column_of(heading, SERVICE_COLUMNS)
    assert column is not None and column.field == field
    assert column_of(heading, RELATION_COLUMNS) is None or field == "name"


@pytest.mark.parametrize(
    ("heading", "field"),
    [("Source", "service_a"), ("de", "service_a"), ("Service 1", "service_a")]
    + [("Cible", "service_b"), ("vers", "service_b"), ("target", "service_b")]
    + [("service_b", "service_b"), ("Poids", "weight"), ("Intensité", "weight")],
)
def test_relation_headings_in_french_and_english(heading, field):
    column = column_of(heading, RELATION_COLUMNS)
    assert column is not None and column.field == field


@pytest.mark.parametrize("heading", ["budget", "effectif total", "", "nom2", "agent_count"])
def test_other_headings_are_not_recognised(heading):
    assert column_of(heading, SERVICE_COLUMNS) is None


def test_every_heading_names_one_column_and_simplifies_to_letters():
    for columns in (SERVICE_COLUMNS, RELATION_COLUMNS):
        for column in columns:
            for name in (column.field, *column.names):
                assert column_of(name, columns) is column, name
                assert simplified(name).isalnum()


@pytest.mark.parametrize(
    ("word", "kind"),
    [("accueil", "front_office"), ("Accueil du public", "front_office")]
    + [("front_office", "front_office"), ("Instruction", "back_office")]
    + [("back-office", "back_office"), ("Back office", "back_office"), ("TERRAIN", "field")]
    + [("encadrement", "management"), ("management", "management")],
)
def test_job_types_in_french_and_english(word, kind):
    assert job_type(word) == kind


def test_every_job_type_word_is_known():
    for kind, words in JOB_TYPE_WORDS.items():
        assert job_type(kind) == kind
        assert all(job_type(word) == kind for word in words)
    assert job_type("kiosque") is None


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("12", 12.0),
        (" 12 ", 12.0),
        ("1 520", 1520.0),
        ("1\u00a0520", 1520.0),
        ("1\u202f520", 1520.0),
        ("1 520 000", 1_520_000.0),
        ("0,5", 0.5),
        ("0.5", 0.5),
        ("1 520,25", 1520.25),
        ("40 %", 0.4),
        ("12,5%", 0.125),
        ("-3", -3.0),
        (1520, 1520.0),
        (0.25, 0.25),
        ("", None),
        (None, None),
    ],
)
def test_numbers_as_people_write_them(cell, value):
    assert number(cell) == value


@pytest.mark.parametrize(
    "cell", ["douze", "1.520,5", "12 agents", "1 52", "0,5,1", True, math.nan, "1e3", "½"]
)
def test_what_is_not_a_number(cell):
    with pytest.raises(NotANumberError):
        number(cell)
