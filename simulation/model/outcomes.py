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
(:data:`~simulation.model.costs.COST_COMPONENTS`). Per profile only:
``staff_share`` (the profile's share of the initial staff).
"""

from __future__ import annotations

import math
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


def weeks_to(adoption: pd.Series, weeks: pd.Series, level: float) -> int | None:
    """First week at which ``adoption`` reaches ``level``, or None if it never does."""
    reached = np.flatnonzero(adoption.to_numpy() >= level)
    return int(weeks.iloc[reached[0]]) if reached.size else None


def _group(table: pd.DataFrame, suffix: str) -> dict[str, float | int | None]:
    weeks = table["week"]
    adoption = table[f"adoption{suffix}"]
    high = table[f"rps_high_share{suffix}"]
    active = table[f"active_staff{suffix}"]
    simulated = weeks > 0
    time_index = float(table[f"processing_time_index{suffix}"].iloc[-1])
    return {
        "adoption_final": _number(adoption.iloc[-1]),
        "weeks_to_50pct_adoption": weeks_to(adoption, weeks, 0.5),
        "weeks_to_80pct_adoption": weeks_to(adoption, weeks, 0.8),
        "dropout_share": _number(table[f"dropout{suffix}"].iloc[-1]),
        **{
            f"{part}_share": _number(table[f"{part}{suffix}"].iloc[-1])
            for part in ("dropout_strain", "dropout_refusal")
        },
        "internal_mobility_share": _number(table[f"internal_mobility{suffix}"].iloc[-1]),
        "external_departure_share": _number(table[f"external_departure{suffix}"].iloc[-1]),
        "rps_peak_share": _number(high.max()),
        "rps_high_person_weeks": _number(
            (high[simulated].fillna(0) * active[simulated]).round().sum()
        ),
        "efficiency_gain": _number(1.0 / time_index) if time_index > 0 else None,
        "mastered_share_final": _number(table[f"mastered_share{suffix}"].iloc[-1]),
        "strain_mean_peak": _number(table[f"strain_mean{suffix}"].max()),
        "acculturation_final": _number(table[f"acculturation{suffix}"].iloc[-1]),
    }


def summarize(table: pd.DataFrame) -> dict:
    """Summary outcomes of one run from its weekly table.

    Args:
        table: The weekly table of one run (:meth:`TransitionModel.timeseries`).

    Returns:
        A JSON-friendly dict: the keys of :data:`OUTCOMES` and
        :data:`ORGANISATION_ONLY`, and ``by_profile`` with :data:`OUTCOMES` per profile.
    """
    summary: dict[str, Any] = _group(table, "")
    mastered_time = float(table["processing_time_index_mastered"].iloc[-1])
    summary["efficiency_gain_mastered"] = (
        _number(1.0 / mastered_time) if mastered_time > 0 else None
    )
    summary["reverted_final"] = _number(table["reverted"].iloc[-1])
    summary["training_hours_total"] = _number(table["training_hours"].sum())
    summary["trainer_hours_total"] = _number(table["trainer_hours"].sum())
    summary["e_learning_hours_total"] = _number(table["e_learning_hours"].sum())
    dropout = float(table["dropout"].iloc[-1])
    summary["departures_internal_share"] = (
        _number(table["internal_mobility"].iloc[-1] / dropout) if dropout > 0 else None
    )
    summary.update(strain_source_shares(table))
    summary.update(cost_totals(table))
    summary["by_profile"] = {p: _group(table, f"_{p}") for p in PROFILES}
    initial = float(table["active_staff"].iloc[0])
    for p in PROFILES:
        summary["by_profile"][p]["staff_share"] = _number(
            table[f"active_staff_{p}"].iloc[0] / initial
        )
    return summary


def strain_source_shares(table: pd.DataFrame) -> dict[str, float | None]:
    """Share of the high-strain person-weeks attributable to each strain source.

    Each week's high-strain staff count for each source's share of their strain
    (``high_strain_<source>`` of the weekly table), summed over weeks 1 to the end.
    The shares add up to 1; all are None if nobody was ever at high strain.
    """
    simulated = table["week"] > 0
    active = table.loc[simulated, "active_staff"]
    total = float((table.loc[simulated, "rps_high_share"].fillna(0) * active).sum())
    shares: dict[str, float | None] = {}
    for source in STRAIN_SOURCES:
        part = float((table.loc[simulated, f"high_strain_{source}"].fillna(0) * active).sum())
        shares[f"strain_source_share_{source}"] = part / total if total > 0 else None
    return shares


def cost_totals(table: pd.DataFrame) -> dict[str, float]:
    """Each cost component summed over the run (EUR), and their total ``cost_total_eur``."""
    totals = {column: float(table[column].sum()) for column in COST_COLUMNS}
    return {"cost_total_eur": float(sum(totals.values())), **totals}


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
