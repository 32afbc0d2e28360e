"""Write the table fixtures of tests/scenario/test_table_files.py (run it to regenerate them).

One organisation (a département's services, :data:`SERVICES` and :data:`RELATIONS`)
is written in every form a DGS's spreadsheet exports, each of which must load to the
same scenario:

* ``organisation.xlsx`` and ``organisation.ods``: one workbook with a « Services » and
  a « Relations » sheet, French headings, numbers as number cells;
* ``organisation_sheets.xlsx``: sheets named otherwise (« Effectifs 2024 », « Liens »);
* ``*_cp1252.csv``: semicolons, Windows-1252, decimal commas, thousands written
  ``1 520`` (space) and ``1\u00a0050`` (no-break space), French headings and variants;
* ``*_latin1.csv``: semicolons, Latin-1, headings in capitals without accents, shares
  as percentages;
* ``*_tab.txt``: tabs, UTF-8 without BOM, English headings;
* ``*_bom.csv``: commas, UTF-8 with a byte order mark, English headings.

and malformed variants whose problems must all be listed at once (``*_bad_*``).

Usage: ``python tests/scenario/files/make_files.py`` (needs openpyxl and odfpy).
"""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name, headcount, (technophile, follower, overwhelmed) or None, manager backing or
# None, job type (front_office, back_office, field, management)
SERVICES: tuple[tuple[str, int, tuple[float, float, float] | None, float | None, str], ...] = (
    ("Direction générale", 25, None, 0.9, "management"),
    ("État civil", 60, None, None, "front_office"),
    ("Aide sociale à l'enfance", 1520, (0.1, 0.4, 0.5), None, "front_office"),
    ("Systèmes d'information", 45, (0.4, 0.4, 0.2), 0.75, "back_office"),
    ("Ressources humaines", 70, None, None, "back_office"),
    ("Finances et marchés publics", 80, None, None, "back_office"),
    ("Routes départementales", 1050, (0.05, 0.35, 0.6), None, "field"),
    ("Collèges", 310, None, 0.5, "field"),
    ("Culture et patrimoine", 120, None, None, "front_office"),
    ("Accueil du public", 40, None, None, "front_office"),
)
RELATIONS: tuple[tuple[str, str, float], ...] = (
    ("Direction générale", "Ressources humaines", 0.6),
    ("Direction générale", "Finances et marchés publics", 0.5),
    ("Systèmes d'information", "Ressources humaines", 0.25),
    ("Systèmes d'information", "Aide sociale à l'enfance", 0.5),
    ("État civil", "Accueil du public", 1.0),
    ("Aide sociale à l'enfance", "Accueil du public", 0.5),
    ("Routes départementales", "Finances et marchés publics", 0.4),
    ("Collèges", "Culture et patrimoine", 0.3),
)

EXPORT_NOTE = "# Effectifs au 1er janvier – l’état des services\r\n"
"""A comment line with letters of Windows-1252 that Latin-1 lacks (the dash, the apostrophe)."""

FRENCH_JOBS = {
    "front_office": "accueil",
    "back_office": "instruction",
    "field": "terrain",
    "management": "encadrement",
}


def organisation() -> dict:
    """The organisation the fixtures describe, as a scenario's ``organisation`` mapping."""
    services = []
    for name, headcount, mix, backing, job in SERVICES:
        service: dict = {"name": name, "headcount": headcount, "job_type": job}
        if mix is not None:
            service["profile_mix"] = dict(
                zip(("technophile", "follower", "overwhelmed"), mix, strict=True)
            )
        if backing is not None:
            service["manager_backing"] = backing
        services.append(service)
    return {"services": services, "relations": [list(r) for r in RELATIONS]}


# --------------------------------------------------------------------------- rows


def _french(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _thousands(count: int, space: str) -> str:
    return f"{count:,}".replace(",", space)


def services_rows(style: str) -> list[list[object]]:
    """The services table in one style: ``workbook``, ``cp1252``, ``latin1`` or ``english``."""
    if style == "workbook":
        header = ["Nom", "Effectif", "Technophiles", "Suiveurs", "Dépassés",
                  "Soutien de l'encadrement", "Type de poste"]  # fmt: skip
    elif style == "cp1252":
        header = ["Nom du service", "Nombre d'agents", "technophiles", "suiveurs", "dépassés",
                  "soutien_encadrement", "type_de_poste"]  # fmt: skip
    elif style == "latin1":
        header = ["SERVICE", "EFFECTIF", "TECHNOPHILES", "SUIVEURS", "DEPASSES",
                  "SOUTIEN-ENCADREMENT", "TYPE DE POSTE"]  # fmt: skip
    else:
        header = ["Name", "Headcount", "technophile", "follower", "overwhelmed",
                  "manager_backing", "job_type"]  # fmt: skip
    rows: list[list[object]] = [header]
    spaces = iter([" ", "\u00a0"] * len(SERVICES))  # both separators of thousands, in turn
    for name, headcount, mix, backing, job in SERVICES:
        shares = list(mix) if mix else [None, None, None]
        if style == "workbook":
            rows.append([name, headcount, *shares, backing, FRENCH_JOBS[job]])
            continue
        if style == "english":
            cells = [str(headcount), *[_or_empty(s, str) for s in shares], _or_empty(backing, str)]
            rows.append([name, *cells, job])
            continue
        count = _thousands(headcount, next(spaces)) if headcount >= 1000 else str(headcount)
        if style == "latin1":
            written = [_or_empty(s, lambda s: f"{s * 100:g} %".replace(".", ",")) for s in shares]
        else:
            written = [_or_empty(s, _french) for s in shares]
        rows.append([name, count, *written, _or_empty(backing, _french), FRENCH_JOBS[job]])
    return rows


def _or_empty(value: float | None, write: Callable[[float], str]) -> str:
    return "" if value is None else write(value)


def relations_rows(style: str) -> list[list[object]]:
    """The relations table in one style (as :func:`services_rows`)."""
    header = {
        "workbook": ["Source", "Cible", "Poids"],
        "cp1252": ["de", "vers", "poids"],
        "latin1": ["SERVICE 1", "SERVICE 2", "INTENSITE"],
        "english": ["service_a", "service_b", "weight"],
    }[style]
    rows: list[list[object]] = [header]
    for a, b, weight in RELATIONS:
        if style == "workbook":
            rows.append([a, b, weight])
        elif style == "english":
            rows.append([a, b, f"{weight:g}"])
        else:
            rows.append([a, b, _french(weight)])
    return rows


# --------------------------------------------------------------------------- writers


def csv_bytes(rows: Sequence[Sequence[object]], separator: str, encoding: str) -> bytes:
    """Rows as CSV text, as a spreadsheet exports them (CRLF line ends)."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerows([["" if c is None else c for c in row] for row in rows])
    return buffer.getvalue().encode(encoding)


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)


def write_ods(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            line = TableRow()
            for value in row:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, (int, float)):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=f"{value:g}"))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                line.addElement(cell)
            table.addElement(line)
        document.spreadsheet.addElement(table)
    document.save(str(path))


# --------------------------------------------------------------------------- malformed

BAD_CELLS = [
    ["Nom", "Effectif", "Technophiles", "Suiveurs", "Dépassés", "Soutien de l'encadrement",
     "Type de poste"],
    ["État civil", "douze", "", "", "", "", "accueil"],
    ["Aide sociale à l'enfance", "1 520,5", "0,1", "0,4", "0,7", "", ""],
    ["", "30", "", "", "", "", ""],
    ["Etat civil", "12", "", "", "", "fort", "kiosque"],
    ["Collèges", "0", "1,5", "", "", "", ""],
]  # fmt: skip
"""A services table with a problem in almost every row (see test_table_files.py)."""

BAD_HEADINGS = [
    ["Nom", "Effectf", "Budget", "Type de poste"],
    ["État civil", "60", "1000", "accueil"],
]
"""A services table with a misspelt and an unknown heading (so no headcount column)."""

BAD_RELATIONS = [
    ["Source", "Cible", "Poids"],
    ["Etat civil", "Accueil du public", "0,5"],
    ["Collèges", "", "0,3"],
    ["Direction générale", "Ressources humaines", "0"],
    ["Direction générale", "Finances et marchés publics", "1,5"],
    ["Collèges", "Collèges", "0,2"],
    ["Ressources humaines", "Direction générale", "0,6"],
    ["Ressources humaines", "Direction générale", "0,4"],
]
"""A relations table (of :data:`SERVICES`) with a problem in every row."""


def fixtures() -> dict[str, Callable[[Path], None]]:
    """Each fixture's file name and the function that writes it to a path."""

    def text(rows, separator, encoding):
        return lambda path: path.write_bytes(csv_bytes(rows, separator, encoding))

    def bom(rows):
        return lambda path: path.write_bytes(codecs.BOM_UTF8 + csv_bytes(rows, ",", "utf-8"))

    def workbook(writer, sheets):
        return lambda path: writer(path, sheets)

    both = {"Services": services_rows("workbook"), "Relations": relations_rows("workbook")}
    renamed = {
        "Aide": [["Feuille", "Contenu"], ["Effectifs 2024", "les services"]],
        "Effectifs 2024": services_rows("workbook"),
        "Liens": relations_rows("workbook"),
    }
    bad_book = {
        "Services": [["Nom", "Effectif"], ["État civil", "beaucoup"], ["Collèges", 12.5]],
        "Relations": [["Source", "Cible", "Poids"], ["État civil", "Collèges", 2]],
    }
    return {
        "organisation.xlsx": workbook(write_xlsx, both),
        "organisation.ods": workbook(write_ods, both),
        "organisation_sheets.xlsx": workbook(write_xlsx, renamed),
        "services_cp1252.csv": lambda path: path.write_bytes(
            EXPORT_NOTE.encode("cp1252") + csv_bytes(services_rows("cp1252"), ";", "cp1252")
        ),
        "relations_cp1252.csv": text(relations_rows("cp1252"), ";", "cp1252"),
        "services_latin1.csv": text(services_rows("latin1"), ";", "latin-1"),
        "relations_latin1.csv": text(relations_rows("latin1"), ";", "latin-1"),
        "services_tab.txt": text(services_rows("english"), "\t", "utf-8"),
        "relations_tab.txt": text(relations_rows("english"), "\t", "utf-8"),
        "services_bom.csv": bom(services_rows("english")),
        "relations_bom.csv": bom(relations_rows("english")),
        "services_bad_cells.csv": text(BAD_CELLS, ";", "cp1252"),
        "services_bad_headings.csv": text(BAD_HEADINGS, ";", "cp1252"),
        "relations_bad.csv": text(BAD_RELATIONS, ";", "cp1252"),
        "organisation_bad.xlsx": workbook(write_xlsx, bad_book),
    }


def main(folder: Path = HERE) -> list[Path]:
    """Write every fixture into ``folder``; return the files written."""
    written = []
    for name, write in fixtures().items():
        write(folder / name)
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
