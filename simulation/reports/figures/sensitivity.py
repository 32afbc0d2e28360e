"""Figures of a sensitivity analysis: Morris or Sobol indices as ranked bars.

:func:`sensitivity_bars` takes the indices table of a sensitivity folder
(``indices.csv``, see :func:`simulation.experiments.sensitivity.analyze`) and returns a
``matplotlib.figure.Figure``; nothing is run and nothing is read from disk.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from simulation.i18n.words import check
from simulation.reports.style import (
    capital,
    decorate,
    factor_name,
    legend_below,
    outcome_name,
    require_columns,
    say,
    share_axis,
    suptitle,
    unit_label,
    value_axis,
)

MU_COLOUR, SIGMA_COLOUR = "#0072B2", "#D55E00"
S1_COLOUR, ST_COLOUR = "#56B4E9", "#0072B2"


def sensitivity_bars(
    indices: pd.DataFrame,
    lang: str = "en",
    outcome: str | None = None,
    title: str = "",
) -> Figure:
    """Parameters ranked by importance, one panel per outcome, as horizontal bars.

    Morris: bars of mu* (mean absolute elementary effect, in the outcome's unit; shares
    in percentage points) with their 95 % bootstrap interval, and sigma (spread of the
    effects: non-linearity or interactions) as diamonds. Sobol: bars of S1 (first
    order) and ST (total effect) as shares of the outcome's variance, with their 95 %
    intervals. The most important parameter is at the top of each panel.

    Args:
        indices: A sensitivity folder's indices: outcome, parameter and either mu,
            mu_star, mu_star_conf, sigma (Morris) or S1, S1_conf, ST, ST_conf (Sobol).
        lang: ``"en"`` or ``"fr"``.
        outcome: Only this outcome (default: every outcome of the table).
        title: Second line of the title.

    Returns:
        The figure.

    Raises:
        ValueError: the table is neither Morris nor Sobol indices, or the outcome is
            not in it.
    """
    check(lang)
    require_columns(indices, ["outcome", "parameter"], "indices table")
    if "mu_star" in indices.columns:
        require_columns(indices, ["mu_star", "mu_star_conf", "sigma"], "Morris indices table")
        morris = True
    elif "ST" in indices.columns:
        require_columns(indices, ["S1", "S1_conf", "ST", "ST_conf"], "Sobol indices table")
        morris = False
    else:
        raise ValueError("the indices table has neither Morris (mu_star) nor Sobol (ST) columns")
    outcomes = list(dict.fromkeys(indices["outcome"]))
    if outcome is not None:
        if outcome not in outcomes:
            known = ", ".join(outcomes) or "none"
            raise ValueError(f"unknown outcome {outcome!r}; the indices table has {known}")
        outcomes = [outcome]
    if not outcomes:
        raise ValueError("the indices table is empty")

    n_params = indices["parameter"].nunique()
    ncols = min(len(outcomes), 3)
    nrows = math.ceil(len(outcomes) / ncols)
    figure = Figure(
        figsize=(0.8 + 4.4 * ncols, 0.9 + nrows * (0.9 + 0.42 * n_params)), layout="constrained"
    )
    axes = figure.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, name in zip(axes, outcomes, strict=False):
        rows = indices[indices["outcome"] == name]
        decorate(ax, capital(outcome_name(name, lang)))
        if morris:
            _morris_panel(ax, rows, name, lang)
        else:
            _sobol_panel(ax, rows, lang)
        ax.grid(axis="y", visible=False)  # bars are categories: only the value grid helps
    for ax in axes[len(outcomes) :]:
        ax.set_visible(False)
    if morris:
        handles = [
            Patch(color=MU_COLOUR),
            Line2D([], [], marker="D", ls="", color=SIGMA_COLOUR),
        ]
        labels = [say("mu_star", lang), say("sigma_effects", lang)]
    else:
        handles = [Patch(color=S1_COLOUR), Patch(color=ST_COLOUR)]
        labels = [say("S1", lang), say("ST", lang)]
    legend_below(figure, handles, labels)
    suptitle(figure, say("morris_title" if morris else "sobol_title", lang), title)
    return figure


def _morris_panel(ax: Axes, rows: pd.DataFrame, outcome: str, lang: str) -> None:
    """Bars of mu* with intervals, sigma as diamonds; most important at the top."""
    rows = rows.sort_values("mu_star")
    y = np.arange(len(rows))
    ax.barh(
        y,
        rows["mu_star"],
        xerr=rows["mu_star_conf"],
        color=MU_COLOUR,
        height=0.6,
        capsize=3,
        error_kw={"lw": 1},
    )
    ax.scatter(rows["sigma"], y, marker="D", color=SIGMA_COLOUR, s=28, zorder=3)
    ax.set_yticks(y, [factor_name(p, lang, width=28) for p in rows["parameter"]])
    ax.set_xlim(left=0)
    value_axis(ax, outcome, lang, axis="x", effect=True)
    unit = unit_label(outcome, lang)
    ax.set_xlabel(say("effect_axis", lang) + (f"\n({unit})" if unit else ""))


def _sobol_panel(ax: Axes, rows: pd.DataFrame, lang: str) -> None:
    """Bars of S1 and ST with intervals, side by side; most important at the top."""
    rows = rows.sort_values("ST")
    y = np.arange(len(rows))
    for shift, column, colour in ((-0.19, "S1", S1_COLOUR), (0.19, "ST", ST_COLOUR)):
        ax.barh(
            y + shift,
            rows[column],
            xerr=rows[f"{column}_conf"],
            color=colour,
            height=0.36,
            capsize=2,
            error_kw={"lw": 1},
        )
    ax.axvline(0, color="#555555", lw=0.8)  # estimates of S1 can fall below zero
    ax.set_yticks(y, [factor_name(p, lang, width=28) for p in rows["parameter"]])
    share_axis(ax, lang, axis="x")
    ax.set_xlabel(say("variance_share", lang))
