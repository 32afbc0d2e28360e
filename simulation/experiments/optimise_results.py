"""The folder of ``transnum optimise``: what it holds, written atomically.

* ``study.db``: Optuna's study (SQLite), written as the search goes; ``--resume``
  continues it;
* ``trials.parquet`` / ``.csv``: every candidate, its levers, statistics and standing
  (``feasible``, ``pareto``);
* ``pareto.parquet`` / ``.csv``: the Pareto set (the feasible, non-dominated rows);
* ``plans.parquet`` / ``.csv``: the named plans on fresh replications;
* ``plans/<name>.yaml``: each named plan as a complete scenario file, which runs as is
  (``transnum compare plans/balanced.yaml``);
* ``discovery.json``: for each named plan, the conditions under which it misses the
  thresholds (PRIM boxes), when there are any;
* ``scenario.yaml`` (the organisation), ``settings.yaml`` (the search, resolved) and
  ``manifest.json`` (provenance: command, versions, seeds, parameters, optimiser).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from simulation.experiments.named_plans import NAMES, CheckedPlan, checked_table
from simulation.experiments.plan_settings import OptimiseSettings
from simulation.experiments.plan_space import PlanSpace
from simulation.experiments.results import manifest
from simulation.scenario.loading import dump_scenario
from simulation.scenario.records import Scenario
from simulation.scenario.schema import plain_data
from simulation.storage import write_csv, write_json, write_parquet, write_text

STUDY_FILE = "study.db"
"""The search's Optuna study in a results folder."""
PLANS_FOLDER = "plans"
"""Where the named plans' scenario files go."""


def write_tables(folder: Path, trials: pd.DataFrame) -> None:
    """``trials`` and its Pareto set, as Parquet and CSV."""
    for stem, table in (("trials", trials), ("pareto", _pareto(trials))):
        write_parquet(table, folder / f"{stem}.parquet")
        write_csv(table, folder / f"{stem}.csv", index=False)


def write_plans(
    folder: Path,
    base: Scenario,
    space: PlanSpace,
    checked: list[CheckedPlan],
    discoveries: Mapping[str, Any],
) -> list[Path]:
    """The named plans: their table, their scenario files and their failure conditions."""
    table = checked_table(checked)
    write_parquet(table, folder / "plans.parquet")
    write_csv(table, folder / "plans.csv", index=False)
    written = []
    for plan in checked:
        scenario = space.plan(base, plan.levers)  # the organisation under the plan
        header = (
            f"Plan '{plan.name}' found by transnum optimise (trial {plan.trial}).\n"
            f"Its strategy: {scenario.rollout.strategy}. Run it as is with:\n"
            f"  transnum compare {PLANS_FOLDER}/{plan.name}.yaml "
            f"--strategies {scenario.rollout.strategy}\n"
            "or without --strategies to compare it with the other strategies under the same "
            "levers."
        )
        path = folder / PLANS_FOLDER / f"{plan.name}.yaml"
        path.parent.mkdir(exist_ok=True)
        write_text(path, dump_scenario(scenario, header))
        written.append(path)
    write_json(folder / "discovery.json", {name: discoveries.get(name) for name in NAMES})
    return written


def write_provenance(
    folder: Path,
    base: Scenario,
    settings: OptimiseSettings,
    *,
    command: str,
    wall_s: float,
    seeds: dict[str, Any],
    parameters: dict[str, Any],
    search: dict[str, Any],
) -> None:
    """``scenario.yaml``, ``settings.yaml`` and ``manifest.json``."""
    from importlib.metadata import version

    write_text(
        folder / "scenario.yaml",
        dump_scenario(
            base, "The organisation searched (its own plan is replaced by each candidate's)."
        ),
    )
    write_text(
        folder / "settings.yaml",
        yaml.safe_dump(plain_data(settings), sort_keys=False, allow_unicode=True),
    )
    record = manifest(command, wall_s, seeds)
    record["kind"] = "optimise"
    record["versions"]["optuna"] = version("optuna")
    record["parameters"] = parameters
    record["search"] = search
    write_json(folder / "manifest.json", record)


def _pareto(trials: pd.DataFrame) -> pd.DataFrame:
    if trials.empty:
        return trials
    return trials[trials["pareto"]].reset_index(drop=True)
