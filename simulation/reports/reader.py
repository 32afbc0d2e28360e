"""Reading any results folder back: run, compare, sweep, sensitivity or calibrate.

:func:`read_results` recognises the kind of folder from its files and loads what it
holds into a :class:`Results` (tables as pandas DataFrames). Reports, workbooks and
figures start from it; nothing is recomputed by running the model.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.scenario.schema import ScenarioError

KINDS: tuple[str, ...] = ("run", "compare", "sweep", "sensitivity", "calibrate")


@dataclasses.dataclass(eq=False)
class Results:
    """The contents of a results folder. Tables a kind does not have are None.

    Attributes:
        folder: The folder.
        kind: ``run``, ``compare``, ``sweep``, ``sensitivity`` or ``calibrate``.
        manifest: Provenance (versions, git commit, seeds, command...).
        summary: ``summary.json`` (run and compare).
        timeseries: The weekly table (run; compare: stacked with strategy, replication).
        schedule: Go-live weeks (run; compare: with strategy, replication).
        scenario_text: The resolved scenario (YAML text) or the experiment file.
        runs: One row per run (compare, sweep, sensitivity, calibrate).
        paired: Paired differences between strategies (compare, sweep with strategies).
        points: Factor values of each point (sweep, sensitivity).
        point_summary: Per point and outcome: mean, ci_low, ci_high, n (sweep, sensitivity).
        weekly: Long weekly table of a sweep (loaded on demand by :meth:`sweep_weekly`).
        indices: Sensitivity indices (sensitivity).
        calibration: Calibration targets and verdicts (calibrate, or a calibration sweep).
        staff, ties, snapshots: Network pictures' data (run, compare).
    """

    folder: Path
    kind: str
    manifest: dict[str, Any]
    summary: dict[str, Any] | None = None
    timeseries: pd.DataFrame | None = None
    schedule: pd.DataFrame | None = None
    scenario_text: str = ""
    runs: pd.DataFrame | None = None
    paired: pd.DataFrame | None = None
    points: pd.DataFrame | None = None
    point_summary: pd.DataFrame | None = None
    indices: pd.DataFrame | None = None
    calibration: pd.DataFrame | None = None
    staff: pd.DataFrame | None = None
    ties: pd.DataFrame | None = None
    snapshots: pd.DataFrame | None = None

    @property
    def strategies(self) -> list[str]:
        """Strategies present (compare: in order; run: its one strategy)."""
        if self.kind == "compare" and self.summary:
            return list(self.summary["strategies"])
        if self.timeseries is not None and "strategy" in self.timeseries:
            return list(dict.fromkeys(self.timeseries["strategy"]))
        return []

    @property
    def factors(self) -> list[str]:
        """Factor columns of a sweep's points."""
        return [c for c in self.points.columns if c != "point"] if self.points is not None else []

    def sweep_weekly(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The weekly series of a sweep or sensitivity folder (long form)."""
        from simulation.experiments.store import read_weekly

        return read_weekly(self.folder, columns)


def kind_of(folder: Path) -> str:
    """Which command made a results folder.

    Raises:
        ScenarioError: it is not a results folder of transnum.
    """
    if not (folder / "manifest.json").exists():
        raise ScenarioError(
            "is not a transnum results folder (no manifest.json)", source=str(folder)
        )
    if (folder / "points.parquet").exists():
        manifest = _json(folder / "manifest.json")
        return "sensitivity" if str(manifest.get("kind", "")).startswith("sensitivity") else "sweep"
    if (folder / "calibration.csv").exists():
        return "calibrate"
    if (folder / "summary.json").exists():
        summary = _json(folder / "summary.json")
        return "compare" if "strategies" in summary else "run"
    raise ScenarioError("is a results folder of an unknown kind", source=str(folder))


def read_results(folder: str | Path) -> Results:
    """Load a results folder of any kind (see :data:`KINDS`).

    Raises:
        ScenarioError: the folder is missing, not a results folder, or incomplete.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError("no such results folder", source=str(folder))
    kind = kind_of(folder)
    results = Results(folder=folder, kind=kind, manifest=_json(folder / "manifest.json"))
    try:
        if kind in ("run", "compare"):
            results.summary = _json(folder / "summary.json")
            results.timeseries = pd.read_parquet(folder / "timeseries.parquet")
            results.schedule = pd.read_csv(folder / "schedule.csv")
            results.scenario_text = (folder / "scenario.yaml").read_text(encoding="utf-8")
            for name in ("staff", "ties", "snapshots"):
                path = folder / f"{name}.parquet"
                if path.exists():
                    setattr(results, name, pd.read_parquet(path))
        if kind == "compare":
            results.runs = pd.read_csv(folder / "runs.csv")
            if (folder / "paired.csv").exists():
                results.paired = pd.read_csv(folder / "paired.csv")
        if kind in ("sweep", "sensitivity"):
            from simulation.experiments.store import read_runs

            results.points = pd.read_parquet(folder / "points.parquet")
            results.runs = read_runs(folder)
            results.scenario_text = (folder / "experiment.yaml").read_text(encoding="utf-8")
            if (folder / "summary.csv").exists():
                results.point_summary = pd.read_csv(folder / "summary.csv")
            if (folder / "paired.csv").exists():
                results.paired = pd.read_csv(folder / "paired.csv")
            if (folder / "indices.csv").exists():
                results.indices = pd.read_csv(folder / "indices.csv")
        if (folder / "calibration.csv").exists():
            results.calibration = pd.read_csv(folder / "calibration.csv")
            if kind == "calibrate":
                results.runs = pd.read_csv(folder / "runs.csv")
    except (OSError, ValueError) as error:
        raise ScenarioError(f"is incomplete or damaged: {error}", source=str(folder)) from None
    return results


def _json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ScenarioError(f"cannot be read: {error}", source=str(path)) from None
