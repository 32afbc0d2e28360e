"""The files a DGS has: one organisation in every exported form loads to one scenario.

The fixtures of ``files/`` are written by ``files/make_files.py`` (run it to
regenerate them): workbooks (.xlsx, .ods), CSV files with commas, semicolons or tabs,
in UTF-8 with or without BOM, Windows-1252 or Latin-1, with French or English
headings, decimal commas and spaced thousands. Malformed variants must list all their
problems in one message, in the language of messages.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from helpers import scenario_error, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.i18n.language import using
from simulation.scenario.errors import ScenarioError
from simulation.scenario.loading import load_scenario
from simulation.scenario.organisation_tables import MAX_PROBLEMS, read_services
from simulation.scenario.records import Scenario
from simulation.scenario.tables import read_table

FILES = Path(__file__).resolve().parent / "files"
_spec = importlib.util.spec_from_file_location("make_files", FILES / "make_files.py")
make_files = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_files)

TOOLS = "tools: [{name: ged, services: all}]\n"
FORMS = {
    "xlsx": ("organisation.xlsx", "organisation.xlsx", ""),
    "ods": ("organisation.ods", "organisation.ods", ""),
    "xlsx-named-sheets": (
        "organisation_sheets.xlsx",
        "organisation_sheets.xlsx",
        "  services_sheet: effectifs 2024\n",  # any case; Liens is found by its name
    ),
    "semicolon-cp1252": ("services_cp1252.csv", "relations_cp1252.csv", ""),
    "semicolon-latin1": ("services_latin1.csv", "relations_latin1.csv", ""),
    "tab-utf8": ("services_tab.txt", "relations_tab.txt", ""),
    "comma-utf8-bom": ("services_bom.csv", "relations_bom.csv", ""),
}


def scenario_file(folder: Path, services: str, relations: str, extra: str = "") -> Path:
    """A scenario in ``folder`` reading the fixtures ``services`` and ``relations``."""
    text = (
        f"name: Département\norganisation:\n  services_file: {FILES / services}\n"
        f"  relations_file: {FILES / relations}\n{extra}{TOOLS}"
    )
    return write(folder / "scenario.yaml", text)


@pytest.fixture(scope="module")
def expected() -> Scenario:
    """The scenario with the fixtures' organisation written inline."""
    import yaml

    data = yaml.safe_load(f"name: Département\n{TOOLS}")
    return Scenario.from_value({**data, "organisation": make_files.organisation()})


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_form_loads_to_the_same_scenario(tmp_path, form, expected):
    scenario = load_scenario(scenario_file(tmp_path, *FORMS[form]))
    assert scenario == expected
    organisation = scenario.organisation
    assert "Aide sociale à l'enfance" in organisation.service_names  # names as written
    assert sum(organisation.headcounts()) > 2000 and max(organisation.headcounts()) >= 1000
    assert any(r.weight == 0.5 for r in organisation.relations)


def test_the_fixtures_are_what_the_script_writes(tmp_path):
    make_files.main(tmp_path)
    for path in sorted(tmp_path.iterdir()):
        committed = FILES / path.name
        assert committed.exists(), f"{path.name} is not committed: run make_files.py"
        if path.suffix in (".xlsx", ".ods"):  # zip files hold a date: compare their content
            for sheet in ("Services", "Relations", "Effectifs 2024", "Liens"):
                try:
                    fresh = read_table(path, sheet)
                except Exception:  # noqa: BLE001 - the sheet is not in this workbook
                    continue
                assert read_table(committed, sheet).rows == fresh.rows, (path.name, sheet)
        else:
            assert committed.read_bytes() == path.read_bytes(), path.name


def test_the_text_fixtures_are_in_the_encodings_they_claim():
    cp1252 = (FILES / "services_cp1252.csv").read_bytes()
    assert "’".encode("cp1252") in cp1252 and b"\xa0" in cp1252  # apostrophe, no-break space
    with pytest.raises(UnicodeDecodeError):
        cp1252.decode("utf-8")
    latin1 = (FILES / "services_latin1.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        latin1.decode("utf-8")
    assert (FILES / "services_bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\t" in (FILES / "services_tab.txt").read_bytes()


def test_windows_1252_is_preferred_to_latin_1(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes("nom;effectif\nAide sociale à l’enfance – Nord;12\n".encode("cp1252"))
    table = read_table(path)
    assert table.rows[0].cells[0] == "Aide sociale à l’enfance – Nord"
    assert table.rows[0].line == 2


def test_rows_keep_the_spreadsheet_row_numbers(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Services"
    sheet["B3"], sheet["C3"] = "Nom", "Effectif"  # the table starts at B3
    sheet["B4"], sheet["C4"] = "État civil", "douze"
    workbook.save(tmp_path / "o.xlsx")
    with using("fr"):
        message = str(scenario_error(read_services, tmp_path / "o.xlsx"))
    assert "feuille « Services »" in message.replace("\u00a0", " ")
    assert "ligne 4, colonne « Effectif »" in message.replace("\u00a0", " ")


# --------------------------------------------------------------------------- problems


def problems_of(tmp_path: Path, services: str, relations: str, lang: str) -> str:
    path = scenario_file(tmp_path, services, relations)
    with using(lang):
        message = str(scenario_error(load_scenario, path))
    return message.replace("\u00a0", " ").replace("\u202f", " ")


BAD_CELLS_FR = [
    "ligne 2, colonne « Effectif » : « douze » n'est pas un nombre ; écrivez-le en chiffres",
    "ligne 3, colonne « Effectif » : « 1 520,5 » n'est pas un nombre entier",
    "ligne 3 : les parts « Technophiles », « Suiveurs », « Dépassés » font 1,2 au total",
    "ligne 4, colonne « Nom » : le nom du service est vide",
    "ligne 5, colonne « Soutien de l'encadrement » : « fort » n'est pas un nombre",
]
BAD_CELLS_EN = [
    "line 2, column 'Effectif': 'douze' is not a number; write it in figures",
    "line 3, column 'Effectif': '1 520,5' is not a whole number",
    "line 4, column 'Nom': the service's name is empty",
    "line 5, column 'Type de poste': 'kiosque' is not a job type",
    "line 5, column 'Nom': 'Etat civil' is the same service as 'État civil' on line 2",
    "line 6, column 'Effectif': a headcount is from 1 to 1,000,000 staff, not '0'",
    "line 6, column 'Technophiles': '1,5' is not a share from 0 to 1",
    "line 6: the shares 'Technophiles', 'Suiveurs', 'Dépassés' go together",
]


@pytest.mark.parametrize(("lang", "expected"), [("fr", BAD_CELLS_FR), ("en", BAD_CELLS_EN)])
def test_a_services_file_lists_all_its_problems_at_once(tmp_path, lang, expected):
    message = problems_of(tmp_path, "services_bad_cells.csv", "relations_cp1252.csv", lang)
    assert str(FILES / "services_bad_cells.csv") in message
    for problem in expected:
        assert problem in message, (problem, message)
    services_part = message.split(str(FILES / "relations_cp1252.csv"))[0]  # then its relations
    count = sum(1 for line in services_part.splitlines() if line.startswith("  - "))
    assert count >= 10  # every cell at fault, not the first one only
    assert (f"{count} problèmes à corriger" if lang == "fr" else f"{count} problems to fix") in (
        message
    )


def test_unknown_headings_are_named_with_what_is_allowed(tmp_path):
    message = problems_of(tmp_path, "services_bad_headings.csv", "relations_cp1252.csv", "fr")
    assert "colonne inconnue « Effectf » (vouliez-vous dire « effectif » ?)" in message
    assert "colonne inconnue « Budget » ; renommez-la ou supprimez-la" in message
    assert "colonne obligatoire absente : « effectif »" in message
    assert "colonnes possibles : nom (ou service," in message
    assert "obligatoires : nom, effectif" in message
    english = problems_of(tmp_path, "services_bad_headings.csv", "relations_cp1252.csv", "en")
    assert "unknown column 'Effectf' (did you mean 'effectif'?)" in english
    assert "missing column 'headcount'; add it" in english
    assert "required: name, headcount" in english


RELATIONS_FR = [
    "ligne 2, colonne « Source » : « Etat civil » n'est pas un service du tableau des services "
    "(vouliez-vous dire « État civil » ?)",
    "ligne 3, colonne « Cible » : le nom du service est vide",
    "ligne 4, colonne « Poids » : « 0 » n'est pas un poids au-dessus de 0 et au plus 1",
    "ligne 5, colonne « Poids » : « 1,5 » n'est pas un poids",
    "ligne 6 : une relation relie deux services différents, pas « Collèges » à lui-même",
    "ligne 8 : la relation entre « Ressources humaines » et « Direction générale » figure déjà "
    "à la ligne 7",
]
RELATIONS_EN = [
    "in " + str(FILES / "relations_bad.csv") + ", 6 problems to fix:",
    "line 2, column 'Source': 'Etat civil' is not a service of the services table "
    "(did you mean 'État civil'?)",
    "line 6: a relation links two different services, not 'Collèges' to itself",
    "line 8: the relation between 'Ressources humaines' and 'Direction générale' is already "
    "on line 7",
]


@pytest.mark.parametrize(("lang", "expected"), [("fr", RELATIONS_FR), ("en", RELATIONS_EN)])
def test_a_relations_file_lists_all_its_problems_at_once(tmp_path, lang, expected):
    message = problems_of(tmp_path, "services_cp1252.csv", "relations_bad.csv", lang)
    for problem in expected:
        assert problem in message, (problem, message)


def test_problems_of_both_files_come_in_one_message(tmp_path):
    message = problems_of(tmp_path, "services_bad_cells.csv", "relations_bad.csv", "en")
    assert message.count(" problems to fix:") == 2
    assert "'douze' is not a number" in message
    assert "not 'Collèges' to itself" in message
    # The relations are checked against the names the faulty services file gives.
    assert "'Accueil du public' is not a service of the services table" in message
    assert "column 'Source': 'Etat civil'" not in message  # a name of services_bad_cells


def test_a_workbook_names_its_sheet_and_lists_its_problems(tmp_path):
    message = problems_of(tmp_path, "organisation_bad.xlsx", "organisation_bad.xlsx", "en")
    bad = FILES / "organisation_bad.xlsx"
    assert f"in {bad}, sheet 'Services', 2 problems to fix:" in message
    assert "line 2, column 'Effectif': 'beaucoup' is not a number" in message
    assert "line 3, column 'Effectif': '12.5' is not a whole number" in message
    assert f"in {bad}, sheet 'Relations', 1 problem to fix:" in message
    assert "line 2, column 'Poids': '2' is not a weight above 0" in message
    french = problems_of(tmp_path, "organisation_bad.xlsx", "organisation_bad.xlsx", "fr")
    assert "« 12,5 » n'est pas un nombre entier" in french  # a number cell, written the French way


def test_beyond_the_limit_problems_are_counted(tmp_path):
    rows = "".join(f"Service {i};x\n" for i in range(MAX_PROBLEMS + 7))
    path = write(tmp_path / "s.csv", "nom;effectif\n" + rows)
    with using("fr"):
        message = str(scenario_error(read_services, path)).replace("\u00a0", " ")
    assert f"{MAX_PROBLEMS + 7} problèmes à corriger" in message
    assert message.count("n'est pas un nombre") == MAX_PROBLEMS
    assert "et 7 autres problèmes" in message


# --------------------------------------------------------------------------- sheets


def test_a_sheet_that_is_not_there_is_named_with_the_sheets_that_are(tmp_path):
    path = scenario_file(
        tmp_path, "organisation.xlsx", "organisation.xlsx", "  services_sheet: Agents\n"
    )
    message = str(scenario_error(load_scenario, path))
    assert "organisation.services_file" in message
    assert "the workbook has no sheet 'Agents'; its sheets: 'Services', 'Relations'" in message


def test_a_workbook_without_a_sheet_of_that_name_asks_for_one(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Feuil1"
    workbook.create_sheet("Feuil2")
    workbook.save(tmp_path / "o.xlsx")
    path = write(
        tmp_path / "s.yaml", "organisation:\n  services_file: o.xlsx\n  relations: []\n" + TOOLS
    )
    message = str(scenario_error(load_scenario, path))
    assert "the workbook has no sheet 'Services' (its sheets: 'Feuil1', 'Feuil2')" in message
    assert "services_sheet" in message


@pytest.mark.parametrize(
    ("organisation", "fragment"),
    [
        ("  services_sheet: Services\n  relations: []\n", "give services_file too"),
        (
            "  services_file: s.csv\n  services_sheet: Services\n  relations: []\n",
            "a CSV file has no sheets",
        ),
        ("  services_file: o.xlsx\n  services_sheet: ''\n  relations: []\n", "name of a sheet"),
    ],
)
def test_a_sheet_key_is_checked(tmp_path, organisation, fragment):
    write(tmp_path / "s.csv", "name,headcount\na,1\n")
    path = write(tmp_path / "s.yaml", f"organisation:\n{organisation}{TOOLS}")
    message = str(scenario_error(load_scenario, path))
    assert fragment in message


def test_a_file_that_is_no_workbook_is_named_without_its_content(tmp_path):
    path = tmp_path / "o.xlsx"
    path.write_bytes(b"PK\x03\x04 zqx-not-really-a-zip " * 20)
    scenario = write(
        tmp_path / "s.yaml", "organisation:\n  services_file: o.xlsx\n  relations: []\n" + TOOLS
    )
    message = str(scenario_error(load_scenario, scenario))
    assert "cannot be read as a workbook" in message
    assert "zqx" not in message


def test_the_headings_the_readme_lists_are_recognised():
    from simulation.scenario.columns import RELATION_COLUMNS, SERVICE_COLUMNS, column_of, job_type

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("| colonne | titres reconnus | contenu |")[1].split("\n\n")[0]
    lines = [line.strip() for line in table.splitlines()]
    rows = [line.strip("| ").split(" | ") for line in lines if line.startswith("| ")]
    assert len(rows) == 7
    for _, names, content in rows:
        headings = re.findall(r"`([^`]+)`", names)
        assert headings, names
        for heading in headings:
            found = column_of(heading, SERVICE_COLUMNS) or column_of(heading, RELATION_COLUMNS)
            assert found is not None, heading
        if "accueil" in content:
            for word in re.findall(r"`([^`]+)`", content):
                assert job_type(word) is not None, word


# --------------------------------------------------------------------------- other exports


def test_excel_unicode_text_and_a_sep_line_are_read(tmp_path, expected):
    # Excel's "Unicode text" is UTF-16 with a BOM, separated by tabs; its CSV export may
    # start with a line "sep=;" naming the separator.
    english = make_files.services_rows("english")
    (tmp_path / "s.txt").write_bytes(make_files.csv_bytes(english, "\t", "utf-16"))
    french = make_files.relations_rows("cp1252")
    (tmp_path / "r.csv").write_bytes(b"sep=;\r\n" + make_files.csv_bytes(french, ";", "cp1252"))
    path = write(
        tmp_path / "scenario.yaml",
        "name: Département\norganisation:\n  services_file: s.txt\n  relations_file: r.csv\n"
        + TOOLS,
    )
    assert load_scenario(path) == expected


SERVICES_LIKE = st.lists(
    st.sampled_from(
        ["nom", "effectif", "name", ";", ",", "\t", "\n", "\r\n", '"', "1 520", "0,5", "#", "é"]
        + ["\u00a0", "x", "-3", "1e400", "nan", "", " ", "technophiles", "%", "Poids", "\x00"]
    ),
    max_size=40,
).map("".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=SERVICES_LIKE, encoding=st.sampled_from(["utf-8", "cp1252", "utf-16", "latin-1"]))
def test_any_table_text_ends_in_scenario_error_or_services(tmp_path, text, encoding):
    path = tmp_path / "s.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    try:
        services, lines = read_services(path)
    except ScenarioError as error:
        assert str(path) in str(error)
    else:
        assert len(services) == len(lines)
        assert all(s["headcount"] >= 1 and s["name"] for s in services)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".xlsx", ".ods", ".xls", ".csv"]))
def test_any_bytes_end_in_scenario_error(tmp_path, data, suffix):
    path = tmp_path / f"s{suffix}"
    path.write_bytes(b"PK\x03\x04" + data if suffix != ".csv" else data)
    with pytest.raises(ScenarioError) as info:
        read_services(path)
    assert str(path) in str(info.value)


def test_a_table_file_too_big_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from simulation.scenario import tables

    monkeypatch.setattr(tables, "MAX_TEXT_BYTES", 100)
    path = write(tmp_path / "s.csv", "nom;effectif\n" + "Service;12\n" * 20)
    with using("fr"):
        message = str(scenario_error(read_services, path)).replace("\u202f", " ")
    assert "est trop gros" in message and "au plus 100 octets" in message
    assert str(path) in message


def test_validate_prints_every_problem_in_the_chosen_language(tmp_path):
    from helpers import invoke

    path = scenario_file(tmp_path, "organisation_bad.xlsx", "organisation_bad.xlsx")
    result = invoke("validate", path, "--lang", "fr")
    assert result.exit_code == 2
    output = result.output.replace("\u00a0", " ")
    assert "Traceback" not in output
    assert "feuille « Services », 2 problèmes à corriger" in output
    assert "ligne 2, colonne « Effectif » : « beaucoup » n'est pas un nombre" in output
    assert "feuille « Relations », 1 problème à corriger" in output
    assert invoke("validate", scenario_file(tmp_path, *FORMS["ods"])).exit_code == 0


def test_title_rows_above_the_headings_are_skipped(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Services"
    sheet["A1"] = "Tableau des effectifs au 1er janvier"
    sheet["A2"] = "Direction des ressources humaines"
    sheet.append([])
    sheet.append(["Nom", "Effectif"])  # row 4
    sheet.append(["État civil", "1 520"])
    sheet.append(["Collèges", "trois cents"])  # row 6
    workbook.save(tmp_path / "o.xlsx")
    message = str(scenario_error(read_services, tmp_path / "o.xlsx"))
    assert "1 problem to fix" in message
    assert "line 6, column 'Effectif': 'trois cents' is not a number" in message
    sheet.delete_rows(6)
    workbook.save(tmp_path / "o.xlsx")
    services, lines = read_services(tmp_path / "o.xlsx")
    assert services == [{"name": "État civil", "headcount": 1520}]
    assert lines == [5]
