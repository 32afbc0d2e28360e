"""End-of-run summary outcomes, computed from the weekly table alone.

Because the summary only reads the weekly table, it can be recomputed from saved
results (``timeseries.parquet``) without running anything.

Keys (organisation level, and the same per profile under ``by_profile``):

* ``adoption_final``: adoption share in the last week (0-1);
* ``weeks_to_50pct_adoption``, ``weeks_to_80pct_adoption``: first week adoption
  reaches 50 % / 80 % (None if never);
* ``dropout_share``: share of the initial staff who left their post by the end (0-1),
  the sum of ``dropout_strain_share`` and ``dropout_refusal_share`` (by cause) and of
  ``internal_mobility_share`` (repositioned in the organisation) and
  ``external_departure_share`` (left it), by destination;
* ``rps_peak_share``: highest weekly share of active staff above the high-strain
  threshold (0-1);
* ``rps_high_person_weeks``: staff-weeks spent above the threshold, weeks 1 to the end;
* ``efficiency_gain``: factor by which the processing time of covered tasks is
  divided at the end (``1 / processing_time_index``; 2 = times halved, 1 = unchanged);
* ``mastered_share_final``: share of staff with tools who use and master all of them
  at the end (depth of integration);
* ``strain_mean_peak``: highest weekly mean strain;
* ``acculturation_final``: mean acculturation of the staff in post at the end (0-1).

Organisation level only: ``efficiency_gain_mastered`` (the same factor among the
staff who master all their tools: the study's "once mastered"), ``reverted_final``
(share of target tools abandoned for paper), ``training_hours_total``,
``trainer_hours_total``, ``e_learning_hours_total``, ``departures_internal_share``
(share of the departures from post that were internal mobility; None if nobody
left), ``strain_source_share_<source>`` (together, the strain source shares: the
share of the high-strain person-weeks attributable to each source of
:data:`~simulation.model.sources.STRAIN_SOURCES`), and the costs in euros:
``cost_total_eur`` and its components ``cost_<component>_eur``
(:data:`~simulation.model.costs.COST_COMPONENTS`), and the plan's delivery:
``golives_target`` (the plan's target (service, tool) pairs) and ``golives_missing``
(those not live at the horizon: go-lives planned after it, short-cycle increments it
cut off, pairs in no wave; 0 when the plan was delivered). Per profile only:
``staff_share`` (the profile's share of the initial staff).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from simulation.model.costs import COST_COLUMNS
from simulation.model.sources import STRAIN_SOURCES
from simulation.scenario.profiles import PROFILES

OUTCOMES: tuple[str, ...] = (
    "adoption_final",
    "weeks_to_50pct_adoption",
    "weeks_to_80pct_adoption",
    "dropout_share",
    "dropout_strain_share",
    "dropout_refusal_share",
    "internal_mobility_share",
    "external_departure_share",
    "rps_peak_share",
    "rps_high_person_weeks",
    "efficiency_gain",
    "mastered_share_final",
    "strain_mean_peak",
    "acculturation_final",
)
"""Outcomes reported at organisation level and per profile."""

ORGANISATION_ONLY: tuple[str, ...] = (
    "efficiency_gain_mastered",
    "reverted_final",
    "training_hours_total",
    "trainer_hours_total",
    "e_learning_hours_total",
    "departures_internal_share",
    *(f"strain_source_share_{source}" for source in STRAIN_SOURCES),
    "cost_total_eur",
    *COST_COLUMNS,
    "golives_target",
    "golives_missing",
)
"""Outcomes reported at organisation level only."""

PROFILE_ONLY: tuple[str, ...] = ("staff_share",)
"""Outcomes reported per profile only."""


def flat_outcome_names() -> tuple[str, ...]:
    """Every key of :func:`flatten` (organisation level, then ``<outcome>_<profile>``)."""
    return (
        OUTCOMES
        + ORGANISATION_ONLY
        + tuple(f"{key}_{p}" for key in OUTCOMES + PROFILE_ONLY for p in PROFILES)
    )


def weeks_to(adoption: pd.Series | np.ndarray, weeks: pd.Series | np.ndarray, level: float):
    """First week at which ``adoption`` reaches ``level``, or None if it never does."""
    reached = np.flatnonzero(np.asarray(adoption) >= level)
    return int(np.asarray(weeks)[reached[0]]) if reached.size else None


class _Columns:
    """The weekly table's columns as numpy arrays, each converted once (fast reads)."""

    def __init__(self, table: pd.DataFrame | Mapping[str, np.ndarray]) -> None:
        self._table = table
        self._arrays: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        array = self._arrays.get(name)
        if array is None:
            array = self._arrays[name] = np.asarray(self._table[name], dtype=np.float64)
        return array


def _sum(values: np.ndarray) -> float:
    """Sum skipping missing values (as pandas' ``Series.sum``)."""
    return float(np.where(np.isnan(values), 0.0, values).sum())


def _peak(values: np.ndarray) -> float:
    """Largest value skipping missing ones, NaN if none (as pandas' ``Series.max``)."""
    present = values[~np.isnan(values)]
    return float(present.max()) if present.size else math.nan


def _group(table: _Columns, suffix: str) -> dict[str, float | int | None]:
    weeks = table["week"]
    adoption = table[f"adoption{suffix}"]
    high = table[f"rps_high_share{suffix}"]
    active = table[f"active_staff{suffix}"]
    simulated = weeks > 0
    time_index = float(table[f"processing_time_index{suffix}"][-1])
    high_staff = np.where(np.isnan(high[simulated]), 0.0, high[simulated]) * active[simulated]
    return {
        "adoption_final": _number(adoption[-1]),
        "weeks_to_50pct_adoption": weeks_to(adoption, weeks, 0.5),
        "weeks_to_80pct_adoption": weeks_to(adoption, weeks, 0.8),
        "dropout_share": _number(table[f"dropout{suffix}"][-1]),
        **{
            f"{part}_share": _number(table[f"{part}{suffix}"][-1])
            for part in ("dropout_strain", "dropout_refusal")
        },
        "internal_mobility_share": _number(table[f"internal_mobility{suffix}"][-1]),
        "external_departure_share": _number(table[f"external_departure{suffix}"][-1]),
        "rps_peak_share": _number(_peak(high)),
        "rps_high_person_weeks": _number(_sum(np.round(high_staff))),
        "efficiency_gain": _number(1.0 / time_index) if time_index > 0 else None,
        "mastered_share_final": _number(table[f"mastered_share{suffix}"][-1]),
        "strain_mean_peak": _number(_peak(table[f"strain_mean{suffix}"])),
        "acculturation_final": _number(table[f"acculturation{suffix}"][-1]),
    }


def summarize(table: pd.DataFrame | Mapping[str, np.ndarray]) -> dict:
    """Summary outcomes of one run from its weekly table.

    Args:
        table: The weekly table of one run (:meth:`TransitionModel.timeseries`), or
            its columns by name (:meth:`~simulation.model.observation.WeeklyRecorder.columns`).

    Returns:
        A JSON-friendly dict: the keys of :data:`OUTCOMES` and
        :data:`ORGANISATION_ONLY`, and ``by_profile`` with :data:`OUTCOMES` per profile.
    """
    columns = _Columns(table)
    summary: dict[str, Any] = _group(columns, "")
    mastered_time = float(columns["processing_time_index_mastered"][-1])
    summary["efficiency_gain_mastered"] = (
        _number(1.0 / mastered_time) if mastered_time > 0 else None
    )
    summary["reverted_final"] = _number(columns["reverted"][-1])
    summary["training_hours_total"] = _number(_sum(columns["training_hours"]))
    summary["trainer_hours_total"] = _number(_sum(columns["trainer_hours"]))
    summary["e_learning_hours_total"] = _number(_sum(columns["e_learning_hours"]))
    dropout = float(columns["dropout"][-1])
    summary["departures_internal_share"] = (
        _number(columns["internal_mobility"][-1] / dropout) if dropout > 0 else None
    )
    summary.update(_source_shares(columns))
    summary.update(_cost_totals(columns))
    summary.update(golives(columns))
    summary["by_profile"] = {p: _group(columns, f"_{p}") for p in PROFILES}
    initial = float(columns["active_staff"][0])
    for p in PROFILES:
        summary["by_profile"][p]["staff_share"] = _number(columns[f"active_staff_{p}"][0] / initial)
    return summary


def strain_source_shares(table: pd.DataFrame) -> dict[str, float | None]:
    """Share of the high-strain person-weeks attributable to each strain source.

    Each week's high-strain staff count for each source's share of their strain
    (``high_strain_<source>`` of the weekly table), summed over weeks 1 to the end.
    The shares add up to 1; all are None if nobody was ever at high strain.
    """
    return _source_shares(_Columns(table))


def _source_shares(table: _Columns) -> dict[str, float | None]:
    simulated = table["week"] > 0
    active = table["active_staff"][simulated]

    def staff_weeks(name: str) -> float:
        values = table[name][simulated]
        return _sum(np.where(np.isnan(values), 0.0, values) * active)

    total = staff_weeks("rps_high_share")
    return {
        f"strain_source_share_{source}": (
            staff_weeks(f"high_strain_{source}") / total if total > 0 else None
        )
        for source in STRAIN_SOURCES
    }


def cost_totals(table: pd.DataFrame) -> dict[str, float]:
    """Each cost component summed over the run (EUR), and their total ``cost_total_eur``."""
    return _cost_totals(_Columns(table))


def _cost_totals(table: _Columns) -> dict[str, float]:
    totals = {column: _sum(table[column]) for column in COST_COLUMNS}
    return {"cost_total_eur": float(sum(totals.values())), **totals}


def golives(table: pd.DataFrame | Mapping[str, np.ndarray] | _Columns) -> dict[str, int]:
    """The plan's target (service, tool) pairs and those not live at the horizon.

    Read from the last row of the weekly table (``pairs_target``, ``pairs_live``).
    """
    columns = table if isinstance(table, _Columns) else _Columns(table)
    target, live = int(columns["pairs_target"][-1]), int(columns["pairs_live"][-1])
    return {"golives_target": target, "golives_missing": target - live}


def flatten(summary: dict) -> dict[str, float | int | None]:
    """One level of keys: ``by_profile`` entries become ``<outcome>_<profile>``."""
    flat = {k: v for k, v in summary.items() if k != "by_profile"}
    for profile, values in summary.get("by_profile", {}).items():
        flat.update({f"{k}_{profile}": v for k, v in values.items()})
    return flat


def _number(value: float) -> float | None:
    """A plain float, or None for NaN (e.g. a profile with no staff)."""
    value = float(value)
    return None if math.isnan(value) else value
