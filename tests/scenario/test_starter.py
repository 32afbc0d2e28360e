"""Tests of simulation/scenario/starter.py: the files ``transnum init`` writes.

The starter's workbook and its CSV files describe the same organisation; the
scenario reads the workbook, and reads the CSV files as well once its two lines name
them. Every heading of the workbook is explained on its help sheet.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from simulation.scenario.loading import load_scenario
from simulation.scenario.starter import NAMES, WORKBOOK, write_starter
from simulation.scenario.starter_workbook import HELP_SHEET, RELATIONS_SHEET, SERVICES_SHEET


@pytest.fixture
def starter(tmp_path):
    folder = tmp_path / "ma collectivité"
    written = write_starter(folder)
    return folder, written


def test_the_starter_writes_the_scenario_the_workbook_and_the_csv_files(starter):
    folder, written = starter
    assert [p.name for p in written] == ["scenario.yaml", WORKBOOK, "services.csv", "relations.csv"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in written)
    sheets = load_workbook(folder / WORKBOOK).sheetnames
    assert sheets == [SERVICES_SHEET, RELATIONS_SHEET, HELP_SHEET]


def test_the_scenario_reads_the_workbook_and_the_csv_files_give_the_same(starter):
    folder, _ = starter
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    assert f"  services_file: {WORKBOOK}\n  relations_file: {WORKBOOK}\n" in text
    from_workbook = load_scenario(folder / "scenario.yaml")
    csv_text = text.replace(f"services_file: {WORKBOOK}", "services_file: services.csv")
    csv_text = csv_text.replace(f"relations_file: {WORKBOOK}", "relations_file: relations.csv")
    assert csv_text != text
    (folder / "csv.yaml").write_text(csv_text, encoding="utf-8")
    assert load_scenario(folder / "csv.yaml") == from_workbook


def test_the_example_services_keep_their_names_as_written(starter):
    folder, _ = starter
    organisation = load_scenario(folder / "scenario.yaml").organisation
    assert organisation.service_names == tuple(NAMES.values())
    assert "Systèmes d'information" in organisation.service_names
    assert organisation.relations == ()  # to be described by the user
    csv = (folder / "services.csv").read_text(encoding="utf-8")
    assert "sans espace ni accent" not in csv


def test_every_heading_of_the_workbook_is_explained_on_the_help_sheet(starter):
    folder, _ = starter
    workbook = load_workbook(folder / WORKBOOK)
    explained = " ".join(str(row[1]) for row in workbook[HELP_SHEET].iter_rows(values_only=True))
    for sheet in (SERVICES_SHEET, RELATIONS_SHEET):
        headings = next(workbook[sheet].iter_rows(values_only=True))
        assert headings
        for heading in headings:
            assert heading in explained, (sheet, heading)


def test_the_workbook_lists_the_job_types_in_french(starter):
    folder, _ = starter
    rows = list(load_workbook(folder / WORKBOOK)[SERVICES_SHEET].iter_rows(values_only=True))
    assert rows[0][:2] == ("Nom", "Effectif")
    kinds = {row[6] for row in rows[1:]}
    assert kinds <= {"accueil", "instruction", "terrain", "encadrement"}
    assert len(kinds) > 1
    organisation = load_scenario(folder / "scenario.yaml").organisation
    assert {s.job_type for s in organisation.services} >= {"front_office", "field"}
