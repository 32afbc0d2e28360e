"""The game's curves: each team's weekly measures so far, one panel per measure.

The trainer's view draws every team on one picture (adoption and strain), a team's
view its own organisation (adoption, departures, strain). They change once a round,
not every week: a plain figure drawn in full, no blitting. It draws the teams' weekly
tables (:attr:`simulation.teaching.game.session.Team.table`), nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from simulation.i18n.words import percent, phrase, text
from simulation.reports.style import LINE_COLOURS
from simulation.teaching.pictures.live import DPI, png

TEAM_COLOURS = LINE_COLOURS[:6]
"""One colour per team (six at most), colour-blind safe: the debrief's palette."""
ROOM_MEASURES = ("adoption", "rps_high_share")
"""What the trainer's view compares across teams."""
TEAM_MEASURES = ("adoption", "dropout", "rps_high_share")
"""What a team's view shows of its own organisation."""


def teams_figure(
    tables: Sequence[tuple[str, pd.DataFrame]],
    horizon: int,
    lang: str,
    measures: Sequence[str] = ROOM_MEASURES,
    width: int = 900,
    height: int = 340,
) -> Figure:
    """The weekly curves of each team so far, one panel per measure.

    Args:
        tables: (team name, weekly table) for each team shown, in order.
        horizon: The game's last week (the x axis's end).
        lang: ``fr`` or ``en``.
        measures: Weekly shares of the tables: ``adoption``, ``dropout``,
            ``rps_high_share``.
        width: Width of the picture in pixels.
        height: Height of the picture in pixels.
    """
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.07, right=0.99, top=0.9, bottom=0.25, wspace=0.25)
    axes = np.atleast_1d(figure.subplots(1, len(measures)))
    for ax, name in zip(axes, measures, strict=True):
        top = 0.05
        for k, (team, table) in enumerate(tables):
            values = table[name].to_numpy(dtype=float)
            ax.plot(table["week"], values, lw=2.2, color=TEAM_COLOURS[k % 6], label=team)
            if np.isfinite(values).any():
                top = max(top, float(np.nanmax(values)))
        ax.set_xlim(0, max(1, horizon))
        # Adoption on its whole range; the others up to the next 5 points above the top.
        ax.set_ylim(0.0, 1.0 if name == "adoption" else np.ceil(top * 20 + 0.5) / 20)
        ax.set_title(phrase(f"page.curve.{name}", lang), fontsize=11)
        ax.set_xlabel(text("week", lang), fontsize=9)
        ax.tick_params(labelsize=9)
        ax.grid(alpha=0.3)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
        ax.yaxis.set_major_formatter(lambda v, _: percent(v, lang, 0))
    handles, labels = axes[0].get_legend_handles_labels()
    if len(labels) > 1:
        figure.legend(handles, labels, loc="lower center", ncols=len(labels), frameon=False)
    return figure


def teams_png(
    tables: Sequence[tuple[str, pd.DataFrame]],
    horizon: int,
    lang: str,
    measures: Sequence[str] = ROOM_MEASURES,
) -> bytes:
    """:func:`teams_figure` as PNG bytes."""
    return png(teams_figure(tables, horizon, lang, measures))
