"""Plain words for reports on sweeps, sensitivity analyses and calibrations."""

from __future__ import annotations

import pandas as pd

from simulation.experiments.index_checks import (
    MORRIS_MIN_TRAJECTORIES,
    SOBOL_MIN_SAMPLES,
    WARNINGS,
)
from simulation.i18n.words import colon, outcome, percent, phrase, quote, text, value

KEY_OUTCOMES: tuple[str, ...] = (
    "adoption_final",
    "weeks_to_50pct_adoption",
    "dropout_share",
    "rps_high_person_weeks",
)


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
        lines.append(
            phrase(
                "report.sweep.factor",
                lang,
                factor=factor,
                c=colon(lang),
                first=_level(factor, first, lang),
                last=_level(factor, last, lang),
                changes=phrase("report.separator", lang).join(changes),
            )
        )
    return lines


def sensitivity_summary(
    indices: pd.DataFrame, lang: str, samples: int | None = None, method: str = ""
) -> list[str]:
    """The most influential parameters on each outcome, then what makes indices unreliable.

    Args:
        indices: The indices table (``indices.csv``), with its ``warning`` column if any.
        lang: ``fr`` or ``en``.
        samples: ``design.samples`` of the analysis, if known (quoted by a warning).
        method: ``morris`` or ``sobol``, if known.
    """
    key = "mu_star" if "mu_star" in indices else "ST"
    lines = []
    for name, group in indices.groupby("outcome", sort=False):
        top = group.sort_values(key, ascending=False)["parameter"].head(3).tolist()
        lines.append(
            phrase(
                "report.sweep.influential",
                lang,
                outcome=outcome(name, lang),
                c=colon(lang),
                parameters=", ".join(top),
            )
        )
    return lines + _index_warnings(indices, lang, samples, method or _method(indices))


def _method(indices: pd.DataFrame) -> str:
    return "morris" if "mu_star" in indices else "sobol"


def _index_warnings(indices: pd.DataFrame, lang: str, samples: int | None, method: str):
    """One sentence on the flagged indices (the ``warning`` column), if any are."""
    if "warning" not in indices:
        return []
    flags = [str(w).split(";") for w in indices["warning"].fillna("") if str(w)]
    if not flags:
        return []
    codes = [c for c in WARNINGS if any(c in row for row in flags)]
    need = SOBOL_MIN_SAMPLES if method == "sobol" else MORRIS_MIN_TRAJECTORIES
    reasons = [
        phrase(f"report.sweep.warning.{code}", lang, samples=samples or "?", need=need)
        if code == "small_sample"
        else phrase(f"report.sweep.warning.{code}", lang)
        for code in codes
    ]
    sentence = phrase(
        "report.sweep.unreliable",
        lang,
        n=len(flags),
        total=len(indices),
        c=colon(lang),
        reasons=phrase("report.separator", lang).join(reasons),
    )
    return [sentence]


def calibration_summary(calibration: pd.DataFrame, lang: str) -> list[str]:
    """How many calibration targets are met, and which are not."""
    met = int(calibration["met"].sum())
    total = len(calibration)
    missed = calibration.loc[~calibration["met"].astype(bool), "id"].tolist()
    share = percent(met / total, lang, 0)
    lines = [phrase("report.sweep.targets_met", lang, met=met, total=total, share=share)]
    if missed:
        targets = ", ".join(missed)
        lines.append(phrase("report.sweep.targets_missed", lang, c=colon(lang), targets=targets))
    return lines
