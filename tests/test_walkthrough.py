"""The README's walkthrough for a DGS, run as written: init, fill in, validate, compare, report.

The commands are read from the walkthrough's own text (its ``bash`` blocks and the
``validate`` command of step 4), so that the README and the tool cannot drift apart;
the "fill in" step writes services and relations with natural French names, as an HR
export gives them, and the report must show those names as written.
"""

from __future__ import annotations

import html
import re
import shlex
from pathlib import Path

import pytest
from helpers import invoke

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "## Your own organisation"
SERVICES = {
    "Aide sociale à l'enfance": 64,
    "Systèmes d'information": 18,
    "État civil et élections": 22,
    "Voirie et espaces verts": 48,
    "Ressources humaines": 20,
}
RELATIONS = [
    ("Aide sociale à l'enfance", "Systèmes d'information", 0.5),
    ("État civil et élections", "Systèmes d'information", 0.3),
    ("Ressources humaines", "Aide sociale à l'enfance", 0.4),
]


def walkthrough_commands() -> list[list[str]]:
    """The transnum commands of the walkthrough, in order, up to the report of step 6."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", 1)]
    steps = re.split(r"\n(?=\d+\. \*\*)", section)
    commands = []
    for step in steps:
        if step.startswith("7."):  # the plan search: minutes of computing, tested apart
            break
        found = re.findall(r"`(\.venv/bin/transnum [^`]+)`", step)  # inline (step 4)
        found += re.findall(r"^\s*(\.venv/bin/transnum .+)$", step, flags=re.MULTILINE)
        for line in dict.fromkeys(found):
            commands.append(shlex.split(line)[1:])
    return commands


def fill_in(folder: Path) -> None:
    """Step 3: the services and relations of a département's social pole, as written.

    They replace the example rows of the starter workbook's Services sheet and fill its
    Relations sheet, below the headings the starter wrote, as a DGS does in a spreadsheet.
    """
    from openpyxl import load_workbook

    path = folder / "organisation.xlsx"
    workbook = load_workbook(path)
    services, relations = workbook["Services"], workbook["Relations"]
    services.delete_rows(2, services.max_row)
    for name, count in SERVICES.items():
        services.append([name, count])
    for row in RELATIONS:
        relations.append(list(row))
    workbook.save(path)


def test_the_walkthrough_lists_init_validate_compare_and_report():
    assert [c[0] for c in walkthrough_commands()] == ["init", "validate", "compare", "report"]


@pytest.mark.slow
def test_the_walkthrough_runs_as_written_and_the_report_shows_the_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outputs = []
    for command in walkthrough_commands():
        result = invoke(*command)
        assert result.exit_code == 0, (command, result.output)
        outputs.append(result.output)
        if command[0] == "init":
            fill_in(Path(command[1]))
    init, validate, compare, report = outputs
    assert f"{sum(SERVICES.values())} staff in 5 services" in validate
    assert "transnum report ma_collectivite/resultats" in compare.splitlines()[-1]
    page = next(Path("ma_collectivite/resultats").glob("*.html")).read_text(encoding="utf-8")
    text = html.unescape(page)
    for name in SERVICES:
        assert name in text, name
    assert "systemes_d_information" not in text.lower()  # never an identifier in its place
