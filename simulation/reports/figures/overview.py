"""Figures from outcome tables (matplotlib). Plotting never runs a model.

Figures are built on ``matplotlib.figure.Figure`` objects (no global pyplot
state), so they are safe in scripts, tests and worker processes. Colours are the
Okabe-Ito colour-blind-safe palette; words are in French or English
(:mod:`simulation.i18n.words`). The figures of decision reports are in
:mod:`simulation.reports.figures.time`, :mod:`simulation.reports.figures.outcomes`,
:mod:`simulation.reports.figures.sensitivity` and :mod:`simulation.reports.figures.network`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulation.reports.curves import PANELS, ComparisonCurves, comparison_curves
from simulation.reports.style import (
    ALL_STAFF_COLOUR,
    OKABE_ITO,
    PROFILE_COLOURS,
    draw_curves,
    legend_below,
    profile_curves,
    profile_series,
    say,
    share_axis,
    strategy_name,
    to_png,
)
from simulation.storage import save_figure, write_bytes

# The palette names stay importable from here, where they used to be defined.
__all__ = [
    "ALL_STAFF_COLOUR",
    "OKABE_ITO",
    "PANELS",
    "PROFILE_COLOURS",
    "comparison_png",
    "draw_comparison",
    "plot_comparison",
    "plot_run",
    "prepare_comparison_png",
    "write_comparison_figure",
    "write_run_figure",
]


def plot_run(timeseries: pd.DataFrame, title: str = "", lang: str = "en") -> Figure:
    """Adoption, dropout and high strain by profile over time, for one run.

    Args:
        timeseries: The weekly table of one run.
        title: Figure title.
        lang: ``"en"`` or ``"fr"``.
    """
    figure = Figure(figsize=(13, 4.2), layout="constrained")
    axes = figure.subplots(1, len(PANELS), sharex=True)
    one_run = timeseries.assign(replication=0)
    for ax, (column, title_key, axis_key) in zip(axes, PANELS, strict=True):
        profile_curves(ax, one_run, column, lang)
        _decorate(ax, say(title_key, lang), say(axis_key, lang), say("week", lang), lang)
    legend_below(figure, *axes[0].get_legend_handles_labels())
    if title:
        figure.suptitle(title)
    return figure


def plot_comparison(
    timeseries: pd.DataFrame,
    title: str = "",
    band: tuple[float, float] = (5, 95),
    lang: str = "en",
) -> Figure:
    """Adoption, dropout and high strain by profile over time, one column per strategy.

    Lines are means over replications; shaded bands span the ``band`` percentiles
    across replications.

    Args:
        timeseries: Stacked weekly tables with ``strategy`` and ``replication`` columns.
        title: Figure title.
        band: Lower and upper percentiles of the shaded band.
        lang: ``"en"`` or ``"fr"``.
    """
    return draw_comparison(comparison_curves(timeseries, band), title, lang)


def draw_comparison(curves: ComparisonCurves, title: str = "", lang: str = "en") -> Figure:
    """:func:`plot_comparison` drawn from its curves.

    Args:
        curves: :func:`~simulation.reports.curves.comparison_curves` of the stacked table.
        title: Figure title.
        lang: ``"en"`` or ``"fr"``.
    """
    figure, axes = _comparison_panels(
        curves.strategies, curves.replications, title, curves.band, lang
    )
    _draw_comparison_curves(figure, axes, curves, lang)
    return figure


def _comparison_panels(
    strategies: Sequence[str],
    replications: int,
    title: str = "",
    band: tuple[float, float] = (5, 95),
    lang: str = "en",
) -> tuple[Figure, np.ndarray]:
    """The figure of :func:`plot_comparison` before its curves: panels, words and grid.

    Returns:
        The figure and its panels (rows: :data:`~simulation.reports.curves.PANELS`;
        columns: strategies).
    """
    # Fixed margins (:func:`_place_panels`) rather than a layout engine: the figure of
    # every ``transnum compare``, drawn after its runs, in about half the time.
    figure = Figure(figsize=(4.4 * len(strategies), 9.5))
    axes = np.atleast_2d(figure.subplots(len(PANELS), len(strategies), sharex=True, sharey="row"))
    if len(strategies) == 1:
        axes = axes.T
    for col, strategy in enumerate(strategies):
        for row, (_, title_key, axis_key) in enumerate(PANELS):
            _label(
                axes[row, col],
                f"{say(title_key, lang)} — {strategy_name(strategy, lang)}",
                say(axis_key, lang) if col == 0 else "",
                say("week", lang) if row == len(PANELS) - 1 else "",
                lang,
            )
    heading = (
        (title + "\n" if title else "")
        + say("mean_of", lang, n=replications)
        + ", "
        + say("band_short", lang, low=f"{band[0]:g}", high=f"{band[1]:g}")
    )
    figure.suptitle(heading, y=1 - _TITLE_TOP / figure.get_size_inches()[1])
    _place_panels(figure, len(PANELS), len(strategies), heading.count("\n") + 1)
    return figure, axes


# Margins of the comparison figure, in inches: the y axis's words and tick labels on the
# left, the x axis's and the legend's row below, a panel's title between two rows.
_LEFT, _RIGHT, _BOTTOM, _ROW_GAP, _COLUMN_GAP = 0.82, 0.2, 0.85, 0.4, 0.2
# The figure title sits _TITLE_TOP from the top, its lines above the first panels' titles.
_TITLE_TOP, _TITLE_LINE, _TITLE_PAD = 0.08, 0.22, 0.36
_LEGEND_ROW = 0.25  # each row of the legend after the first


def _legend_columns(strategies: int) -> int:
    """Entries per row of the legend: four need two panels' width, one panel has two."""
    return 4 if strategies > 1 else 2


def _place_panels(figure: Figure, rows: int, columns: int, title_lines: int) -> None:
    """Place a grid of panels with the margins above (the title's lines on top).

    Inner tick labels are hidden (shared axes), so the gaps hold only panel titles.
    """
    entries = len(list(profile_series("en")))  # all staff and each profile
    legend_rows = -(-entries // _legend_columns(columns))
    width, height = figure.get_size_inches()
    top = _TITLE_TOP + _TITLE_LINE * title_lines + _TITLE_PAD
    panel_width = (width - _LEFT - _RIGHT - (columns - 1) * _COLUMN_GAP) / columns
    bottom = _BOTTOM + _LEGEND_ROW * (legend_rows - 1)
    panel_height = (height - top - bottom - (rows - 1) * _ROW_GAP) / rows
    figure.subplots_adjust(
        left=_LEFT / width,
        right=1 - _RIGHT / width,
        bottom=bottom / height,
        top=1 - top / height,
        wspace=_COLUMN_GAP / panel_width,
        hspace=_ROW_GAP / panel_height,
    )


def _draw_comparison_curves(
    figure: Figure, axes: np.ndarray, curves: ComparisonCurves, lang: str
) -> None:
    for col, strategy in enumerate(curves.strategies):
        for row, (column, _, _) in enumerate(PANELS):
            draw_curves(axes[row, col], curves.curves[strategy][column], lang)
    # After every column's curves: a row shares its y axis, whose top follows them all.
    for ax in axes[:, 0]:
        ax.set_ylim(bottom=0)
    columns = _legend_columns(len(curves.strategies))
    legend_below(figure, *axes[0, 0].get_legend_handles_labels(), ncols=columns)


def comparison_png(timeseries: pd.DataFrame, title: str = "", lang: str = "en") -> bytes:
    """:func:`plot_comparison` as the PNG bytes of a results folder's ``figure.png``.

    The table needs only the columns of
    :data:`~simulation.reports.curves.COMPARISON_COLUMNS`, with ``strategy`` and
    ``replication``.
    """
    return to_png(plot_comparison(timeseries, title, lang=lang), dpi=110)


def prepare_comparison_png(
    strategies: Sequence[str], replications: int, title: str = "", lang: str = "en"
) -> Callable[[pd.DataFrame, str], bytes]:
    """The panels of a comparison's figure now, its curves when the runs are done.

    For a worker that waits for the runs (``transnum compare``): the figure's panels,
    words and grid do not depend on the runs' numbers, so they are made before the
    last run ends, and only the curves and the picture after it.

    Args:
        strategies: The strategies, in the order of the table to come.
        replications: Replications per strategy.
        title: Figure title.
        lang: ``"en"`` or ``"fr"``.

    Returns:
        ``finish(timeseries, title)``: the PNG bytes of :func:`comparison_png` of the
        table (the same picture, byte for byte). A table of other strategies or
        replications, another title or a second call draws the figure afresh.
    """
    prepared = (tuple(strategies), int(replications), title)
    panels = [_comparison_panels(prepared[0], prepared[1], title, lang=lang)]

    def finish(timeseries: pd.DataFrame, title: str = "") -> bytes:
        curves = comparison_curves(timeseries)
        unused = panels.pop() if panels else None  # the panels serve one figure
        if unused is None or (curves.strategies, curves.replications, title) != prepared:
            return to_png(draw_comparison(curves, title, lang), dpi=110)
        figure, axes = unused
        _draw_comparison_curves(figure, axes, curves, lang)
        return to_png(figure, dpi=110)

    return finish


def write_run_figure(
    folder: str | Path, timeseries: pd.DataFrame, scenario_name: str, strategy: str
) -> Path:
    """Save :func:`plot_run` of one run as ``figure.png`` in its results folder."""
    path = Path(folder) / "figure.png"
    title = f"{scenario_name} — {strategy.replace('_', ' ')}"
    save_figure(plot_run(timeseries, title), path, dpi=120)
    return path


def write_comparison_figure(folder: str | Path, table: pd.DataFrame, scenario_name: str) -> Path:
    """Save :func:`plot_comparison` of a comparison as ``figure.png`` in its results folder."""
    return write_bytes(Path(folder) / "figure.png", comparison_png(table, scenario_name))


def _decorate(ax, title: str, ylabel: str, xlabel: str, lang: str) -> None:
    _label(ax, title, ylabel, xlabel, lang)
    ax.set_ylim(bottom=0)


def _label(ax, title: str, ylabel: str, xlabel: str, lang: str) -> None:
    share_axis(ax, lang)  # every panel is a share of staff or tools: in %
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
