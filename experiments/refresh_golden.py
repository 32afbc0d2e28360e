"""Rewrite the golden values that pin the calibrated outcomes (tests/test_golden.py).

Run it only when a change is meant to move the model's results, and say so in the
commit message:

    .venv/bin/python experiments/refresh_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path

from simulation.experiments.calibration import golden_values, load_calibration

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION = ROOT / "experiments" / "calibration.yaml"
GOLDEN = ROOT / "tests" / "golden" / "calibration.json"


def main() -> None:
    """Recompute the golden values and write them."""
    calibration, scenarios = load_calibration(CALIBRATION)
    values = golden_values(calibration, scenarios)
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(values, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
