"""The workbook of a plan search: the named plans, the Pareto set and every candidate.

Columns keep the names of the folder's CSV files (levers and statistics), so that a
figure in the workbook can be found in the tables and the other way round; the sheets
are named in the report's language.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulation.i18n.words import phrase
from simulation.storage.atomic import replacing

SHEETS = ("plans", "pareto", "trials")
"""The folder's tables, one sheet each, in this order."""


def write_search_workbook(folder: str | Path, path: str | Path, lang: str = "fr") -> Path:
    """Write ``plans``, ``pareto`` and ``trials`` of the search in ``folder`` to ``path``."""
    folder, path = Path(folder), Path(path)
    with replacing(path) as temporary, pd.ExcelWriter(temporary, engine="openpyxl") as book:
        for name in SHEETS:
            table = pd.read_csv(folder / f"{name}.csv")
            sheet = phrase(f"optimise.sheet.{name}", lang)
            table.to_excel(book, sheet_name=sheet, index=False, freeze_panes=(1, 1))
    return path
