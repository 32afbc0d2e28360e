"""Figures from outcome tables (matplotlib). Plotting never runs a model.

Figures are built on ``matplotlib.figure.Figure`` objects (no global pyplot
state), so they are safe in scripts, tests and worker processes. Colours are the
Okabe-Ito colour-blind-safe palette.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulation.profiles import PROFILES

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
PROFILE_COLOURS = {"technophile": "#0072B2", "follower": "#009E73", "overwhelmed": "#D55E00"}
ALL_STAFF_COLOUR = "#000000"

PANELS = (
    ("adoption", "Adoption", "share of target tools adopted"),
    ("dropout", "Dropout", "share of initial staff who left"),
    ("rps_high_share", "High strain (RPS)", "share of staff above threshold"),
)
"""(column prefix, title, y label) of the three outcome panels."""


def plot_run(timeseries: pd.DataFrame, title: str = "") -> Figure:
    """Adoption, dropout and high strain by profile over time, for one run.

    Args:
        timeseries: The weekly table of one run.
        title: Figure title.
    """
    figure = Figure(figsize=(13, 4.2), layout="constrained")
    axes = figure.subplots(1, len(PANELS), sharex=True)
    for ax, (column, panel_title, ylabel) in zip(axes, PANELS, strict=True):
        for label, suffix, colour, width in _series():
            ax.plot(
                timeseries["week"], timeseries[column + suffix], color=colour, lw=width, label=label
            )
        _decorate(ax, panel_title, ylabel, xlabel="week")
    _legend(figure, axes[0])
    if title:
        figure.suptitle(title)
    return figure


def plot_comparison(
    timeseries: pd.DataFrame, title: str = "", band: tuple[float, float] = (5, 95)
) -> Figure:
    """Adoption, dropout and high strain by profile over time, one column per strategy.

    Lines are means over replications; shaded bands span the ``band`` percentiles
    across replications.

    Args:
        timeseries: Stacked weekly tables with ``strategy`` and ``replication`` columns.
        title: Figure title.
        band: Lower and upper percentiles of the shaded band.
    """
    strategies = list(dict.fromkeys(timeseries["strategy"]))
    figure = Figure(figsize=(4.4 * len(strategies), 9.5), layout="constrained")
    axes = np.atleast_2d(figure.subplots(len(PANELS), len(strategies), sharex=True, sharey="row"))
    if len(strategies) == 1:
        axes = axes.T
    for col, strategy in enumerate(strategies):
        runs = timeseries[timeseries["strategy"] == strategy]
        for row, (column, panel_title, ylabel) in enumerate(PANELS):
            ax = axes[row, col]
            for label, suffix, colour, width in _series():
                wide = runs.pivot(index="week", columns="replication", values=column + suffix)
                ax.plot(wide.index, wide.mean(axis=1), color=colour, lw=width, label=label)
                low, high = np.nanpercentile(wide.to_numpy(), band, axis=1)
                ax.fill_between(wide.index, low, high, color=colour, alpha=0.15, lw=0)
            _decorate(
                ax,
                f"{panel_title} — {strategy.replace('_', ' ')}",
                ylabel if col == 0 else "",
                xlabel="week" if row == len(PANELS) - 1 else "",
            )
    _legend(figure, axes[0, 0])
    n_reps = timeseries.groupby("strategy")["replication"].nunique().max()
    figure.suptitle(
        (title + "\n" if title else "")
        + f"mean of {n_reps} replications, band {band[0]:g}–{band[1]:g} %"
    )
    return figure


def _series():
    yield "all staff", "", ALL_STAFF_COLOUR, 2.2
    for profile in PROFILES:
        yield profile, f"_{profile}", PROFILE_COLOURS[profile], 1.4


def _legend(figure: Figure, ax) -> None:
    """One legend for the figure, below the panels, so it never hides a curve."""
    handles, labels = ax.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)


def _decorate(ax, title: str, ylabel: str, xlabel: str) -> None:
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
