"""The starter's workbook: the services and relations tables, ready to fill in a spreadsheet.

``organisation.xlsx`` holds three sheets: « Services » (one row per service, French
headings), « Relations » (one row per pair of services that work together; empty at
first) and « Aide » (what to write in each column, in plain French). The scenario
file reads the first two (``services_file: organisation.xlsx`` picks the Services
sheet, ``relations_file: organisation.xlsx`` the Relations sheet).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from simulation.scenario.columns import JOB_TYPE_WORDS, RELATION_COLUMNS, SERVICE_COLUMNS
from simulation.storage import write_bytes

SERVICES_SHEET = "Services"
RELATIONS_SHEET = "Relations"
HELP_SHEET = "Aide"

JOB_TYPE_IN_FRENCH = {kind: words[0] for kind, words in JOB_TYPE_WORDS.items()}
"""The French word the workbook writes for each kind of post (``front_office`` -> accueil)."""

SERVICE_HEADINGS = tuple(c.names[0][:1].upper() + c.names[0][1:] for c in SERVICE_COLUMNS)
"""The headings of the Services sheet: each column's first French name (Nom, Effectif...)."""
RELATION_HEADINGS = tuple(c.names[0][:1].upper() + c.names[0][1:] for c in RELATION_COLUMNS)
"""The headings of the Relations sheet (Source, Cible, Poids)."""

HELP: tuple[tuple[str, str, str], ...] = (
    (
        "Services",
        "Nom",
        "Le nom du service, écrit comme vous voulez le lire dans les "
        "résultats (accents, espaces et majuscules permis), par exemple « État civil ». "
        "Obligatoire. Deux lignes ne peuvent pas porter le même nom.",
    ),
    (
        "Services",
        "Effectif",
        "Le nombre d'agents du service, encadrant compris : un nombre "
        "entier, par exemple 12 ou 1 520. Obligatoire.",
    ),
    (
        "Services",
        "Technophiles, Suiveurs, Dépassés",
        "Facultatif : les parts des trois "
        "profils numériques dans ce service (de 0 à 1, ou en %), dont la somme fait 1, par "
        "exemple 0,4, 0,4 et 0,2 pour un service informatique. Remplissez les trois ou "
        "aucune ; vides, le service prend la répartition du scénario (10 %, 40 %, 50 %).",
    ),
    (
        "Services",
        "Soutien de l'encadrement",
        "Facultatif : le soutien de l'encadrant de ce "
        "service au changement, de 0 (aucun) à 1 (total), par exemple 0,8 ; vide, celui du "
        "scénario.",
    ),
    (
        "Services",
        "Type de poste",
        "Facultatif : la nature des postes du service : accueil "
        "(accueil du public), instruction (traitement des dossiers, saisie ; par défaut), "
        "terrain ou encadrement. Les agents repositionnés vont vers les postes d'accueil.",
    ),
    (
        "Relations",
        "Source, Cible",
        "Deux services qui travaillent ensemble, écrits comme "
        "dans la feuille Services. Une ligne par paire de services. Sans relation, les agents "
        "ne se côtoient qu'au sein de leur service.",
    ),
    (
        "Relations",
        "Poids",
        "L'intensité de la relation, au-dessus de 0 (faible) et au plus "
        "1 (forte), par exemple 0,5.",
    ),
    (
        "Les deux",
        "Titres des colonnes",
        "Ils peuvent aussi s'écrire en anglais ou autrement "
        "(name, headcount, agents, service_a, target, weight...) ; majuscules, accents, "
        "espaces et tirets ne comptent pas. Une colonne inconnue est signalée.",
    ),
    (
        "Les deux",
        "Lignes",
        "Une ligne vide est ignorée, comme une ligne dont la première "
        "case commence par #. transnum validate scenario.yaml signale d'un coup chaque case "
        "à corriger, avec sa ligne et sa colonne.",
    ),
)
"""The rows of the help sheet: sheet, column, what to write."""


def starter_workbook(services: Sequence[tuple[str, int, str]]) -> bytes:
    """The workbook's bytes (an .xlsx file).

    Args:
        services: Name, headcount (staff) and kind of post (``front_office``...) of
            each example service.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SERVICES_SHEET
    sheet.append(SERVICE_HEADINGS)
    for name, headcount, kind in services:
        sheet.append([name, headcount, None, None, None, None, JOB_TYPE_IN_FRENCH[kind]])
    kinds = DataValidation(
        type="list",
        formula1='"' + ",".join(JOB_TYPE_IN_FRENCH.values()) + '"',
        allow_blank=True,
        errorTitle="Type de poste",
        error="Choisissez accueil, instruction, terrain ou encadrement.",
    )
    sheet.add_data_validation(kinds)
    kinds.add("G2:G1000")
    _layout(sheet, (34, 10, 13, 11, 11, 24, 15), Font)

    relations = workbook.create_sheet(RELATIONS_SHEET)
    relations.append(RELATION_HEADINGS)
    _layout(relations, (34, 34, 8), Font)

    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.append(("Feuille", "Colonne", "Ce qu'il faut y écrire"))
    for row in HELP:
        help_sheet.append(row)
    _layout(help_sheet, (11, 30, 90), Font)
    for cells in help_sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _layout(sheet, widths: Sequence[int], font) -> None:
    """Bold headings that stay in view, and columns wide enough to read (characters)."""
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = font(bold=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def write_starter_workbook(path: str | Path, services: Sequence[tuple[str, int, str]]) -> Path:
    """Write the starter workbook to ``path`` atomically (it appears whole or not at all)."""
    return write_bytes(path, starter_workbook(services))
