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
    """Step 3: the services and relations of a département's social pole, as written."""
    lines = ["name,headcount"] + [f'"{name}",{count}' for name, count in SERVICES.items()]
    (folder / "services.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = ["service_a,service_b,weight"] + [f'"{a}","{b}",{w}' for a, b, w in RELATIONS]
    (folder / "relations.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


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
