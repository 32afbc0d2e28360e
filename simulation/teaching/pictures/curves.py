"""The curve pictures: weekly measures so far, two panels side by side.

One plan: a curve for all staff and one per profile; a workshop: one curve per plan.
It draws the weekly curves of a :class:`~simulation.teaching.models.PlansView`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from simulation.i18n.words import colon, percent, phrase, text
from simulation.reports.style import ALL_STAFF_COLOUR, PROFILE_COLOURS
from simulation.scenario.profiles import PROFILES
from simulation.teaching.pictures.live import DPI, LivePicture

PLAN_COLOURS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7")
CURVE_PANELS: dict[str, tuple[str, ...]] = {
    "adoption": ("adoption", "dropout"),
    "strain": ("rps_high_share", "efficiency"),
}
"""The curve pictures of the page: name -> the weekly measures shown side by side."""


class CurvesPicture(LivePicture):
    """Weekly curves so far, two panels side by side.

    Args:
        view: The plans shown: a :class:`~simulation.teaching.models.PlansView` (a
            teaching model's ``view``).
        lang: ``fr`` or ``en``.
        measures: Two of ``adoption``, ``dropout``, ``rps_high_share``, ``efficiency``.
        width, height: Size of the picture in pixels.
    """

    def __init__(
        self,
        view,
        lang: str,
        measures: tuple[str, ...],
        width: int = 640,
        height: int = 360,
    ) -> None:
        super().__init__()
        self.view = view
        self.measures = measures
        self.limits: list[tuple[float, float]] = []
        plans = view.strategies
        self.figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
        FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.09, right=0.98, top=0.92, bottom=0.24, wspace=0.28)
        self.axes = self.figure.subplots(1, len(measures))
        self.lines: list[list[tuple[Line2D, int, str | None]]] = []
        several = len(plans) > 1
        for ax, name in zip(self.axes, measures, strict=True):
            drawn = []
            for k, strategy in enumerate(plans):
                if several:
                    label = view.labels[k] + colon(lang) + text(strategy, lang)
                    (line,) = ax.plot([], [], lw=2.0, color=PLAN_COLOURS[k % 4], label=label)
                    drawn.append((line, k, None))
                    continue
                (line,) = ax.plot(
                    [], [], lw=2.4, color=ALL_STAFF_COLOUR, label=text("all_staff", lang)
                )
                drawn.append((line, k, None))
                if name == "efficiency":
                    continue
                for profile in PROFILES:
                    (line,) = ax.plot(
                        [], [], lw=1.4, color=PROFILE_COLOURS[profile], label=text(profile, lang)
                    )
                    drawn.append((line, k, profile))
            self.lines.append(drawn)
            self.limits.append((np.nan, np.nan))
            ax.set_xlim(0, view.horizon)
            ax.set_title(phrase(f"page.curve.{name}", lang), fontsize=10)
            ax.set_xlabel(text("week", lang), fontsize=8)
            ax.tick_params(labelsize=8)
            ax.grid(alpha=0.3)
            if name != "efficiency":
                ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
                ax.yaxis.set_major_formatter(lambda v, _: percent(v, lang, 0))
        handles, labels = self.axes[0].get_legend_handles_labels()
        self.figure.legend(
            handles, labels, loc="lower center", ncols=len(labels), frameon=False, fontsize=8
        )
        self.moving = [line for drawn in self.lines for line, _, _ in drawn]
        for line in self.moving:
            line.set_zorder(3)  # above the spines: blitting draws them last anyway

    def render(self) -> bytes:
        """The curves so far as PNG bytes."""
        with self.lock:
            self.draw()
            return self._frame()

    def draw(self) -> Figure:
        """Update the curves to the models' current week; returns the same figure."""
        for i, (ax, name, drawn) in enumerate(
            zip(self.axes, self.measures, self.lines, strict=True)
        ):
            low, top = 1.0, 0.0
            for line, k, profile in drawn:
                values = self.view.curve(k, name, profile)
                line.set_data(np.arange(len(values)), values)
                if np.isfinite(values).any():
                    low = min(low, float(np.nanmin(values)))
                    top = max(top, float(np.nanmax(values)))
            limits = _limits(name, low, top)
            if limits != self.limits[i]:
                ax.set_ylim(*limits)
                self.limits[i] = limits
                self.static_changed = True
        return self.figure


def _limits(name: str, low: float, top: float) -> tuple[float, float]:
    """Y range of a panel: fixed for adoption, growing in steps for the others."""
    if name == "adoption":
        return 0.0, 1.0
    if name == "efficiency":
        # Learning costs time at first (below 1), mastered tools save it (above 1).
        return min(0.8, np.floor(low * 10) / 10), max(1.5, np.ceil(top * 2) / 2)
    # Shares: round up to the next 5 points so the axis does not jitter every week.
    return 0.0, max(0.05, np.ceil(top * 20 + 0.5) / 20)
