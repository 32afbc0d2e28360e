"""Plain words for reports on sweeps, sensitivity analyses and calibrations."""

from __future__ import annotations

import pandas as pd

from simulation.i18n.words import outcome, percent, quote, text, value

KEY_OUTCOMES: tuple[str, ...] = (
    "adoption_final",
    "weeks_to_50pct_adoption",
    "dropout_share",
    "rps_high_person_weeks",
)


def _colon(lang: str) -> str:
    return " : " if lang == "fr" else ": "


def _level(factor: str, level, lang: str) -> str:
    if factor == "rollout.strategy":
        return quote(text(str(level), lang), lang)
    if isinstance(level, float):
        return value("x", level, lang)
    return str(level)


def main_effects(point_summary: pd.DataFrame, factors: list[str]) -> pd.DataFrame:
    """Mean of each outcome at each level of each factor, averaged over the other factors.

    Range factors (many distinct values) are cut into their lower and upper thirds.

    Returns:
        Long table: factor, level, outcome, mean.
    """
    rows = []
    for factor in factors:
        table = point_summary[["point", factor, "outcome", "mean"]].copy()
        levels = table[factor].drop_duplicates()
        if pd.api.types.is_numeric_dtype(table[factor]) and levels.size > 6:
            low, high = table[factor].quantile([1 / 3, 2 / 3])
            table = table[(table[factor] <= low) | (table[factor] >= high)]
            table[factor] = table[factor].map(lambda x, low=low: "low" if x <= low else "high")
        for (level, name), group in table.groupby([factor, "outcome"], sort=False):
            rows.append(
                {"factor": factor, "level": level, "outcome": name, "mean": group["mean"].mean()}
            )
    return pd.DataFrame(rows, columns=["factor", "level", "outcome", "mean"])


def sweep_summary(point_summary: pd.DataFrame, factors: list[str], lang: str) -> list[str]:
    """For each factor, how the key outcomes move from its lowest to its highest level."""
    effects = main_effects(point_summary, factors)
    c = _colon(lang)
    lines = []
    for factor in factors:
        part = effects[effects["factor"] == factor]
        levels = list(dict.fromkeys(part["level"]))
        if len(levels) < 2:
            continue
        first, last = levels[0], levels[-1]
        changes = []
        for name in KEY_OUTCOMES:
            rows = part[part["outcome"] == name].set_index("level")["mean"]
            if first in rows and last in rows:
                changes.append(
                    f"{outcome(name, lang)} {value(name, rows[first], lang)} → "
                    f"{value(name, rows[last], lang)}"
                )
        if not changes:
            continue
        if lang == "fr":
            lines.append(
                f"{factor}{c}de {_level(factor, first, lang)} à {_level(factor, last, lang)}, "
                + " ; ".join(changes)
                + " (moyennes sur les autres facteurs)."
            )
        else:
            lines.append(
                f"{factor}{c}from {_level(factor, first, lang)} to {_level(factor, last, lang)}, "
                + "; ".join(changes)
                + " (means over the other factors)."
            )
    return lines


def sensitivity_summary(indices: pd.DataFrame, lang: str) -> list[str]:
    """The most influential parameters on each outcome."""
    c = _colon(lang)
    key = "mu_star" if "mu_star" in indices else "ST"
    lines = []
    for name, group in indices.groupby("outcome", sort=False):
        top = group.sort_values(key, ascending=False)["parameter"].head(3).tolist()
        if lang == "fr":
            lines.append(
                f"{outcome(name, lang)}{c}les paramètres les plus influents sont "
                + ", ".join(top)
                + "."
            )
        else:
            lines.append(
                f"{outcome(name, lang)}{c}the most influential parameters are "
                + ", ".join(top)
                + "."
            )
    return lines


def calibration_summary(calibration: pd.DataFrame, lang: str) -> list[str]:
    """How many calibration targets are met, and which are not."""
    met = int(calibration["met"].sum())
    total = len(calibration)
    missed = calibration.loc[~calibration["met"].astype(bool), "id"].tolist()
    c = _colon(lang)
    if lang == "fr":
        lines = [f"{met} cibles atteintes sur {total} ({percent(met / total, lang, 0)})."]
        if missed:
            lines.append(f"Cibles manquées{c}" + ", ".join(missed) + ".")
    else:
        lines = [f"{met} of {total} targets met ({percent(met / total, lang, 0)})."]
        if missed:
            lines.append(f"Targets missed{c}" + ", ".join(missed) + ".")
    return lines
