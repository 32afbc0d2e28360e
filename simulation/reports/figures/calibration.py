"""Figure of a calibration: each target's simulated mean and interval against its range."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulation.i18n.words import check, clipped, outcome, outcome_kind, text, value
from simulation.reports.style import decorate, suptitle, value_axis

MET, MISSED, RANGE = "#009E73", "#D55E00", "#56B4E9"


def calibration_chart(calibration: pd.DataFrame, lang: str = "en", title: str = "") -> Figure:
    """One small panel per target: the study's range and the simulated mean.

    The range is a band; the mean is a point with its 95 % interval, green when the
    target is met, orange when not.

    Args:
        calibration: The calibration table (columns id, outcome, low, high, mean,
            ci_low, ci_high, met), as written to ``calibration.csv``.
        lang: ``fr`` or ``en``.
        title: Figure title (default: a generic one in the language).

    Raises:
        ValueError: the table is empty or lacks a column.
    """
    check(lang)
    needed = {"id", "outcome", "low", "high", "mean", "ci_low", "ci_high", "met"}
    if calibration.empty or not needed <= set(calibration.columns):
        raise ValueError(f"a calibration table needs the columns {sorted(needed)}")
    n = len(calibration)
    columns = min(4, n)
    rows = -(-n // columns)
    figure = Figure(figsize=(3.4 * columns, 2.6 * rows + 0.8), layout="constrained")
    axes = np.atleast_1d(figure.subplots(rows, columns, squeeze=False)).ravel()
    for ax, target in zip(axes, calibration.itertuples(), strict=False):
        low = target.low if pd.notna(target.low) else None
        high = target.high if pd.notna(target.high) else None
        values = [v for v in (low, high, target.ci_low, target.ci_high) if v is not None]
        span = (max(values) - min(values)) or abs(max(values)) or 1.0
        bottom = (low if low is not None else min(values) - span) - 0.15 * span
        top = (high if high is not None else max(values) + span) + 0.15 * span
        if outcome_kind(target.outcome) == "percent":  # a share stays within 0-100 %
            bottom, top = max(bottom, -0.002), min(top, 1.002)
        ax.axhspan(
            low if low is not None else bottom,
            high if high is not None else top,
            color=RANGE,
            alpha=0.25,
            lw=0,
        )
        colour = MET if target.met else MISSED
        ax.errorbar(
            [0],
            [target.mean],
            yerr=[
                [target.mean - clipped(target.outcome, target.ci_low)],
                [clipped(target.outcome, target.ci_high) - target.mean],
            ],
            fmt="o",
            color=colour,
            capsize=4,
            ms=6,
        )
        ax.annotate(
            value(target.outcome, target.mean, lang),
            (0, target.mean),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
        ax.set_xlim(-1, 1)
        ax.set_xticks([])
        ax.set_ylim(bottom, top)
        value_axis(ax, target.outcome, lang)
        decorate(ax, title=f"{target.id}\n{outcome(target.outcome, lang)}")
        ax.title.set_fontsize(8)
    for ax in axes[n:]:
        ax.set_visible(False)
    suptitle(figure, title or text("calibration_title", lang))
    return figure
