"""Service names read from a DGS's table reach the outputs as written.

Accents, spaces, apostrophes and capitals are kept: nothing downstream lowercases or
slugs a name (the go-live schedule of a run, the reports' labels).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from helpers import write

from simulation.model.strategies import go_live_table, make_plan
from simulation.reports.style import service_name
from simulation.scenario.loading import load_scenario

FILES = Path(__file__).resolve().parents[1] / "scenario" / "files"


def test_names_from_a_workbook_are_kept_in_the_schedule_and_the_labels(tmp_path):
    path = write(
        tmp_path / "s.yaml",
        f"organisation:\n  services_file: {FILES / 'organisation.xlsx'}\n"
        f"  relations_file: {FILES / 'organisation.xlsx'}\n"
        'tools: [{name: ged, services: ["Aide sociale à l\'enfance", État civil]}]\n',
    )
    scenario = load_scenario(path)
    names = scenario.organisation.service_names
    plan = make_plan(scenario, np.ones(len(names)))
    scheduled = set(go_live_table(plan, names, scenario)["service"])
    assert scheduled == {"Aide sociale à l'enfance", "État civil"}
    assert [service_name(n) for n in names] == list(names)
