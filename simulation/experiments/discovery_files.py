"""Scenario discovery on runs: their inputs, the runs of interest, the files written.

:func:`run_inputs` gives each run its inputs: columns of its own (factors, declared
uncertain inputs) and its ensemble member's calibrated parameters; the plan optimiser
calls it with its runs. :func:`read_discovery` reads the runs of a sweep's, a
sensitivity analysis's or a comparison's folder with their inputs: the experiment's
point factors (a comparison's strategy, as ``rollout.strategy``) and, when the runs
drew their parameters from an ensemble (the manifest's ``parameters`` entry), each
run's member's parameter values (the ensemble file checked against the checksum the
manifest records). :func:`of_interest` marks the runs above or below a threshold of
an outcome; :func:`write_discovery` writes ``discovery.json`` (settings, counts, every
box with its limits and its sentences in both languages) and ``discovery.csv`` (one
row per box and restricted input), each atomically.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments.discovery_boxes import Box
from simulation.experiments.ensemble import Ensemble
from simulation.i18n.language import say
from simulation.scenario.errors import ScenarioError
from simulation.storage import write_csv, write_json

KINDS = ("sweep", "sensitivity", "compare")
"""The folders discovery reads: many runs with inputs that vary."""
JSON_FILE = "discovery.json"
CSV_FILE = "discovery.csv"
_NOT_OUTCOMES = {
    "point",
    "replication",
    "member",
    "seed_entropy",
    "seed_spawn_key",
    "status",
    "error",
    "wall_s",
    "session",
    "run_id",
    "strategy",
}


@dataclasses.dataclass(frozen=True)
class DiscoveryRuns:
    """The runs of a results folder, ready for :func:`~simulation.experiments.discovery.discover`.

    Attributes:
        folder: The results folder.
        kind: ``sweep``, ``sensitivity`` or ``compare``.
        runs: The runs that finished (one row each, the folder's own columns).
        inputs: One row per run of ``runs``: its factors, then its member's parameters.
        factors: The columns of ``inputs`` that are the experiment's factors.
        parameters: The columns of ``inputs`` that come from the ensemble.
        outcomes: The outcomes the folder holds per run.
        failed: Runs left out because they failed.
    """

    folder: Path
    kind: str
    runs: pd.DataFrame
    inputs: pd.DataFrame
    factors: tuple[str, ...]
    parameters: tuple[str, ...]
    outcomes: tuple[str, ...]
    failed: int = 0


def read_discovery(folder: str | Path) -> DiscoveryRuns:
    """Read a results folder's runs and their inputs.

    Raises:
        ScenarioError: naming the folder, if it is not the results folder of a sweep,
            a sensitivity analysis or a comparison, if its runs table cannot be read,
            or if the ensemble its runs used is gone or has changed since.
        DamagedPartsError: a sweep's stored batch is damaged (the message says how to
            repair it).
    """
    from simulation.experiments.rerun import recorded_parameters

    folder = Path(folder)
    manifest = _manifest(folder)
    kind = _kind(folder, manifest)
    if kind == "compare":
        runs = _compare_runs(folder)
        factors = ("rollout.strategy",)
        outcomes = tuple(
            c
            for c in runs.columns
            if c not in _NOT_OUTCOMES and c != "rollout.strategy" and _numeric(runs[c])
        )
    else:
        from simulation.experiments.reading import read_runs

        runs = read_runs(folder)
        points = pd.read_parquet(folder / "points.parquet")
        factors = tuple(c for c in points.columns if c != "point")
        outcomes = tuple(manifest.get("outcomes") or ())
    failed = 0
    if "status" in runs.columns:
        ok = runs["status"] == "ok"
        failed = int((~ok).sum())
        runs = runs[ok]
    runs = runs.reset_index(drop=True)
    recorded = manifest.get("parameters") or {}
    draw = recorded_parameters(folder, recorded)
    kept = tuple(recorded.get("kept") or ())
    if draw.ensemble is not None and runs["member"].isna().any():
        raise ScenarioError(say("error.results.no_member"), source=str(folder / "runs"))
    if draw.ensemble is not None:
        runs = runs.astype({"member": "int64"})
    inputs = run_inputs(runs, factors=factors, ensemble=draw.ensemble, kept=kept)
    parameters = tuple(c for c in inputs.columns if c not in factors)
    return DiscoveryRuns(folder, kind, runs, inputs, factors, parameters, outcomes, failed)


def run_inputs(
    runs: pd.DataFrame,
    *,
    factors: Iterable[str] = (),
    ensemble: Ensemble | None = None,
    kept: Iterable[str] = (),
) -> pd.DataFrame:
    """The inputs of each run: the given factor columns and its ensemble member's parameters.

    Args:
        runs: One row per run, with the ``factors`` columns and, if ``ensemble`` is
            given, a ``member`` column (the member whose parameters the run used).
        factors: Columns of ``runs`` to use as inputs (a sweep's factors, declared
            uncertain inputs such as ``profile_mix.overwhelmed``).
        ensemble: The ensemble the runs drew their parameters from (None: none).
        kept: Calibrated parameters the runs did not take from the ensemble (a
            factor of the experiment sets them): their factor column stands.

    Returns:
        One row per run (the index of ``runs``), factor columns first, then one column
        per calibrated parameter of the ensemble (dotted paths).

    Raises:
        KeyError: a factor is no column of ``runs``, or ``member`` is missing.
    """
    factors = list(factors)
    missing = [f for f in factors if f not in runs.columns]
    if missing:
        raise KeyError(f"no column {missing[0]!r} in the runs")
    table = runs[factors].copy()
    if ensemble is None:
        return table
    if "member" not in runs.columns:
        raise KeyError("no column 'member' in the runs: which member did each run use?")
    members = ensemble.members.set_index("member")
    parameters = [p for p in ensemble.parameters if p not in set(kept) and p not in table.columns]
    values = members.loc[runs["member"].to_numpy(), parameters].set_axis(runs.index)
    return pd.concat([table, values], axis=1)


def of_interest(
    runs: pd.DataFrame, outcome: str, *, above: float | None = None, below: float | None = None
) -> np.ndarray:
    """Which runs have ``outcome`` above ``above`` (or below ``below``), strictly.

    A level never reached (``weeks_to_80pct_adoption`` empty) counts as infinitely
    many weeks: above any threshold, below none.
    """
    if (above is None) == (below is None):
        raise ValueError("give exactly one of above and below")
    values = runs[outcome].astype(float).to_numpy()
    if outcome.startswith("weeks_to_"):
        values = np.where(np.isnan(values), np.inf, values)
    return values > above if above is not None else values < below  # type: ignore[operator]


def write_discovery(
    folder: str | Path,
    boxes: list[Box],
    *,
    outcome: str,
    above: float | None,
    below: float | None,
    interest: np.ndarray,
    inputs: list[str],
    sentences: dict[str, list[str]],
    settings: dict[str, Any],
    source: str,
) -> tuple[Path, Path]:
    """Write ``discovery.json`` and ``discovery.csv`` into ``folder``, each atomically.

    Args:
        folder: Where to write (the results folder, or another).
        boxes: The boxes found (may be empty: the files then say so).
        outcome: The outcome looked at.
        above: Its threshold, runs of interest above it (or None)...
        below: ... or below it (or None).
        interest: The runs of interest (one boolean per run).
        inputs: The inputs PRIM searched.
        sentences: Per language (``fr``, ``en``), one sentence per box (or the one
            sentence that says there is none).
        settings: The settings of :func:`~simulation.experiments.discovery.discover`.
        source: The results folder the runs come from.

    Returns:
        The paths of the JSON and CSV files.
    """
    folder = Path(folder)
    record = {
        "source": source,
        "outcome": outcome,
        "above": above,
        "below": below,
        "runs": int(len(interest)),
        "runs_of_interest": int(np.sum(interest)),
        "base_rate": float(np.mean(interest)) if len(interest) else None,
        "inputs": list(inputs),
        "settings": settings,
        "boxes": [_plain(box.to_plain()) for box in boxes],
        "sentences": sentences,
    }
    json_path = write_json(folder / JSON_FILE, record)
    csv_path = write_csv(limits_table(boxes), folder / CSV_FILE)
    return json_path, csv_path


def limits_table(boxes: list[Box]) -> pd.DataFrame:
    """One row per box and restricted input: its limits and the box's numbers."""
    columns = [
        "box",
        "input",
        "side",
        "low",
        "high",
        "categories",
        "range_low",
        "range_high",
        "quasi_p",
        "coverage",
        "density",
        "mass",
        "cases",
        "cases_of_interest",
    ]
    rows = []
    for box in boxes:
        for limit in box.limits:
            rows.append(
                {
                    "box": box.number,
                    "input": limit.input,
                    "side": limit.side,
                    "low": limit.low,
                    "high": limit.high,
                    "categories": "|".join(map(str, limit.categories)) or None,
                    "range_low": limit.range_low,
                    "range_high": limit.range_high,
                    "quasi_p": limit.quasi_p,
                    "coverage": box.coverage,
                    "density": box.density,
                    "mass": box.mass,
                    "cases": box.cases,
                    "cases_of_interest": box.cases_of_interest,
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    if not folder.is_dir() or not path.is_file():
        raise ScenarioError(say("error.results.no_manifest"), source=str(folder))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ScenarioError(say("error.file.unreadable", reason=error), source=str(path)) from None


def _kind(folder: Path, manifest: dict[str, Any]) -> str:
    recorded = str(manifest.get("kind", ""))
    if recorded.startswith("sensitivity"):
        return "sensitivity"
    if recorded == "sweep" or (folder / "points.parquet").exists():
        return "sweep"
    if (folder / "runs.csv").exists() and isinstance(
        manifest.get("seeds", {}).get("replications"), list
    ):
        return "compare"
    raise ScenarioError(say("error.results.nothing_varies"), source=str(folder))


def _compare_runs(folder: Path) -> pd.DataFrame:
    path = folder / "runs.csv"
    try:
        runs = pd.read_csv(path)
    except (OSError, ValueError) as error:
        raise ScenarioError(
            say("error.results.runs_unreadable", reason=error), source=str(path)
        ) from None
    if "strategy" not in runs.columns:
        raise ScenarioError(say("error.results.no_strategy"), source=str(path))
    # Named by its scenario path, as a sweep's factor would be (and told as one).
    return runs.rename(columns={"strategy": "rollout.strategy"})


def _numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _plain(data: Any) -> Any:
    """Plain JSON data: numpy numbers as Python ones, NaN as null."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_plain(v) for v in data]
    if hasattr(data, "item"):
        data = data.item()
    if isinstance(data, float) and math.isnan(data):
        return None
    return data
