"""Reading any results folder back: run, compare, sweep, sensitivity or calibrate.

:func:`read_results` recognises the kind of folder from its files and loads what it
holds into a :class:`Results` (tables as pandas DataFrames). Reports, workbooks and
figures start from it; nothing is recomputed by running the model.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from simulation.i18n.language import say
from simulation.reports.integrity import FolderReader
from simulation.reports.sweep_store import read_store
from simulation.scenario.rollout import tool_labels
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
        notes: What the reader had to make up for (exports computed from a sweep's
            store), one sentence each.
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
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def strategies(self) -> list[str]:
        """Strategies present (compare: in order; run: its one strategy)."""
        if self.kind == "compare" and self.summary:
            return list(self.summary["strategies"])
        if self.timeseries is not None and "strategy" in self.timeseries:
            return list(dict.fromkeys(self.timeseries["strategy"]))
        return []

    @functools.cached_property
    def tool_labels(self) -> dict[str, str]:
        """Tool name -> its label for people; empty for an experiment's folder.

        The scenario's ``tools[].label``, or the tool's name as words
        (:func:`simulation.scenario.rollout.tool_labels`).
        """
        try:
            data = yaml.safe_load(self.scenario_text) if self.scenario_text else None
        except yaml.YAMLError:
            return {}
        return tool_labels(data.get("tools")) if isinstance(data, dict) else {}

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

    The files tell; when the one that tells is missing, the manifest does (a sweep
    records its kind, and the seeds differ between run, compare and calibrate).

    Raises:
        ScenarioError: it is not a results folder of transnum.
    """
    if not (folder / "manifest.json").exists():
        raise ScenarioError(say("error.folder.no_manifest"), source=str(folder))
    manifest = _json(folder / "manifest.json")
    recorded = str(manifest.get("kind", ""))
    if recorded.startswith("sensitivity"):
        return "sensitivity"
    if recorded == "sweep" or (folder / "points.parquet").exists():
        return "sweep"
    if (folder / "calibration.csv").exists():
        return "calibrate"
    if (folder / "summary.json").exists():
        summary = _json(folder / "summary.json")
        return "compare" if "strategies" in summary else "run"
    replications = manifest.get("seeds", {}).get("replications")
    if "replication" in manifest.get("seeds", {}):
        return "run"
    if isinstance(replications, list):
        return "compare"
    if isinstance(replications, int):
        return "calibrate"
    raise ScenarioError(say("error.folder.unknown_kind"), source=str(folder))


def read_results(folder: str | Path) -> Results:
    """Load a results folder of any kind (see :data:`KINDS`).

    A sweep or sensitivity folder is read from its Parquet store: one interrupted
    before its exports (``summary.csv``, ``paired.csv``) gets them computed from
    the saved runs, and a note in :attr:`Results.notes` says so.

    Raises:
        ScenarioError: the folder is missing, not a results folder, or a file it needs
            is missing or damaged (named, with what to do).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError(say("error.folder.no_such_folder"), source=str(folder))
    kind = kind_of(folder)
    manifest = _json(folder / "manifest.json")
    files = FolderReader(folder, kind, manifest)
    results = Results(folder=folder, kind=kind, manifest=manifest)
    if kind in ("run", "compare"):
        results.summary = files.json("summary.json")
        _check_summary(files, results.summary, kind)
        results.timeseries = files.table("timeseries.parquet")
        results.schedule = files.table("schedule.csv")
        results.scenario_text = files.text("scenario.yaml")
        for name in ("staff", "ties", "snapshots"):
            if files.exists(f"{name}.parquet"):
                setattr(results, name, files.table(f"{name}.parquet"))
    if kind == "compare":
        results.runs = files.table("runs.csv", ("strategy", "replication"))
        if results.runs.empty:
            raise files.problem("runs.csv", say("error.folder.no_run"))
        if files.exists("paired.csv"):
            results.paired = files.table("paired.csv")
    if kind in ("sweep", "sensitivity"):
        read_store(files, results)
    if files.exists("calibration.csv") or kind == "calibrate":
        results.calibration = files.table("calibration.csv")
        if kind == "calibrate":
            results.runs = files.table("runs.csv")
    results.notes = files.notes + _ensemble_notes(manifest)
    return results


def _ensemble_notes(manifest: dict[str, Any]) -> list[str]:
    """A note if the folder's runs used another version of the shipped ensemble.

    The manifest records the ensemble file's SHA-256; the shipped file changes when
    transnum's calibration is regenerated, and the folder's numbers then differ from
    what the same command gives today.
    """
    import hashlib

    from simulation.experiments.ensemble import shipped_path

    recorded = manifest.get("parameters") or {}
    if recorded.get("source") != "ensemble" or "sha256" not in recorded:
        return []
    try:
        current = hashlib.sha256(shipped_path().read_bytes()).hexdigest()
    except OSError:
        return []
    if current == recorded["sha256"]:
        return []
    return [
        f"the runs drew their parameters from another version of the shipped ensemble "
        f"(SHA-256 {recorded['sha256'][:12]}..., today {current[:12]}...): run the command "
        "again to use today's"
    ]


def _check_summary(files: FolderReader, summary: dict[str, Any], kind: str) -> None:
    """A summary the report can use: per strategy (compare) or per profile (run)."""
    if kind == "compare":
        strategies = summary.get("strategies")
        if not isinstance(strategies, dict) or not strategies:
            raise files.problem(
                "summary.json", say("error.folder.damaged", why=say("error.folder.no_strategy"))
            )
    elif not isinstance(summary.get("by_profile"), dict):
        raise files.problem(
            "summary.json", say("error.folder.damaged", why=say("error.folder.no_by_profile"))
        )


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ScenarioError(
            say("error.folder.json_unreadable", reason=error), source=str(path)
        ) from None
    if not isinstance(data, dict):
        raise ScenarioError(say("error.folder.not_json"), source=str(path))
    return data
