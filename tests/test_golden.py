"""Golden-file regression: the calibrated outcomes do not move unnoticed.

tests/golden/calibration.json holds the flat summaries of three seeded runs of each
calibration scenario. Any change to the model, its defaults or its random streams
that moves a result fails here; if the move is intended, refresh the file with
``experiments/refresh_golden.py`` and say why in the commit.
"""

import json
from pathlib import Path

import pytest

from simulation.experiments.calibration import golden_values, load_calibration

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "calibration.json"


@pytest.fixture(scope="module")
def golden():
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def current(golden):
    calibration, scenarios = load_calibration(ROOT / "experiments" / "calibration.yaml")
    return golden_values(calibration, scenarios, replications=golden["replications"])


def test_same_scenarios_and_runs(golden, current):
    assert [s["name"] for s in current["scenarios"]] == [s["name"] for s in golden["scenarios"]]
    assert current["seed"] == golden["seed"]


def test_outcomes_match_the_golden_values(golden, current):
    for expected_scenario, scenario in zip(golden["scenarios"], current["scenarios"], strict=True):
        for r, (expected, actual) in enumerate(
            zip(expected_scenario["runs"], scenario["runs"], strict=True)
        ):
            assert set(actual) == set(expected), "outcome names changed"
            for key, value in expected.items():
                where = f"{scenario['name']}, replication {r}, {key}"
                if value is None:
                    assert actual[key] is None, where
                else:
                    # Same seeds, same code: equal up to floating-point noise only.
                    assert actual[key] == pytest.approx(value, rel=1e-9, abs=1e-12), (
                        f"{where}: {actual[key]} != golden {value}; if intended, run "
                        "experiments/refresh_golden.py"
                    )
