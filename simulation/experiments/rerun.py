"""Running one run of a saved sweep or sensitivity analysis again, alone.

The run is rebuilt from its folder: the experiment file's copy, the point's factor
values, the seeds recorded with it and, if its replications drew their parameters
from an ensemble, that ensemble (checked against the checksum in the manifest).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from simulation.experiments.parameters import ParameterDraw
from simulation.experiments.sweep import experiment_paths, parse_run_id


def rerun(folder: str, identifier: str):
    """Run one run of a saved sweep (or sensitivity analysis) again, alone.

    The point's scenario is rebuilt from the folder: the base scenario and overrides of
    its copy of the experiment file (scenario files resolved from the original file's
    folder, recorded in the manifest as an absolute path) and the point's factor values
    saved in ``points.parquet``; the run uses the seeds recorded with it.

    Args:
        folder: The results folder.
        identifier: The run id (``runs.csv``'s ``run_id``, e.g. ``p000003-r00012``).

    Returns:
        The :class:`~simulation.experiments.runner.RunResult` (same outcomes as the saved row).
    """
    import json
    from pathlib import Path

    from simulation.experiments.experiment import Experiment, base_scenario, load_experiment
    from simulation.experiments.runner import run_scenario
    from simulation.scenario.loading import read_yaml

    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    original = Path(manifest["experiment_file"])
    point, replication = parse_run_id(identifier)
    data = read_yaml(folder / "experiment.yaml")
    if isinstance(data, dict) and "targets" in data:  # a calibration file: needs the original
        experiment, points = load_experiment(original)
        scenario = points[point].scenario
    else:
        experiment = Experiment.from_value(data)
        row = pd.read_parquet(folder / "points.parquet").set_index("point").loc[point]
        factors = {
            k: (v.item() if hasattr(v, "item") else v) for k, v in row.items() if pd.notna(v)
        }
        base = base_scenario(experiment, factors.pop("scenario", None), original.parent)
        scenario = base.override(factors)
    draw = recorded_parameters(folder, manifest.get("parameters"))
    scenario = draw.keeping(experiment_paths(experiment)).scenario(scenario, replication)
    return run_scenario(scenario, replication=replication, seed=experiment.seed)


def recorded_parameters(folder: Any, recorded: dict | None) -> ParameterDraw:
    """The parameter draw a results folder's manifest records, its ensemble checked.

    Raises:
        ScenarioError: naming the folder, if the ensemble file it used is gone or has
            changed since (its SHA-256 differs).
    """
    from simulation.experiments.parameters import ENSEMBLE, choose_parameters
    from simulation.i18n.language import say
    from simulation.scenario.errors import ScenarioError

    if not recorded or "sha256" not in recorded:
        return ParameterDraw(None)
    source = recorded.get("source", ENSEMBLE)
    try:
        draw = choose_parameters(source, int(recorded.get("per_member", 1)))
    except ScenarioError as error:
        raise ScenarioError(
            say("error.results.ensemble_gone", source=source, error=error)
        ).from_source(str(folder)) from None
    assert draw.ensemble is not None
    if draw.ensemble.sha256 != recorded["sha256"]:
        raise ScenarioError(
            say(
                "error.results.ensemble_changed",
                source=source,
                sha=recorded["sha256"][:12],
                now=draw.ensemble.sha256[:12],
            )
        ).from_source(str(folder))
    return draw
