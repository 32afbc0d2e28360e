"""Rewrite the golden values that pin the calibrated outcomes (tests/test_golden.py).

Run it only when a change is meant to move the model's results, and say so in the
commit message:

    .venv/bin/python experiments/refresh_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path

from simulation.experiments.calibration import golden_values, load_calibration
from simulation.experiments.ensemble import read_ensemble
from simulation.experiments.ensemble_runs import predictive_check
from simulation.experiments.patterns import load_ensemble_spec

ROOT = Path(__file__).resolve().parents[1]
CALIBRATION = ROOT / "experiments" / "calibration.yaml"
GOLDEN = ROOT / "tests" / "golden" / "calibration.json"
ENSEMBLE = ROOT / "experiments" / "ensemble.yaml"
HOLDOUT = ROOT / "tests" / "golden" / "ensemble_holdout.json"
HOLDOUT_SEED = 2026  # not the calibration's: fresh seeds
HOLDOUT_MEMBERS = 12  # every k-th member of the shipped ensemble


def holdout_values() -> dict:
    """The held-out patterns of a subsample of the shipped ensemble, on fresh seeds."""
    spec, scenarios = load_ensemble_spec(ENSEMBLE)
    ensemble = read_ensemble()
    members = [int(m) for m in range(0, len(ensemble), -(-len(ensemble) // HOLDOUT_MEMBERS))]
    values, _ = predictive_check(
        spec, scenarios, ensemble, root_seed=HOLDOUT_SEED, members=members, workers=2
    )
    return {
        "ensemble_sha256": ensemble.sha256,
        "root_seed": HOLDOUT_SEED,
        "members": members,
        "values": {p.id: values[p.id].tolist() for p in spec.held_out},
    }


def main() -> None:
    """Recompute the golden values and write them."""
    calibration, scenarios = load_calibration(CALIBRATION)
    values = golden_values(calibration, scenarios)
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(values, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(ROOT)}")
    HOLDOUT.write_text(json.dumps(holdout_values(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {HOLDOUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
