"""The network picture: every staff member over the ties of the services, for each plan.

The ties and the services' names are drawn once as a background image; the staff
are one scatter per plan, coloured by profile, adoption stage or strain, and staff
who left are hollow grey rings. It draws the arrays of a
:class:`~simulation.teaching.models.PlansView`.
"""

from __future__ import annotations

import textwrap
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from simulation.i18n.words import colon, text
from simulation.reports.style import LEFT_COLOUR, PROFILE_COLOURS, STAGE_COLOURS
from simulation.scenario.profiles import PROFILES
from simulation.teaching.pictures.live import DPI, LivePicture

COLOUR_MODES: tuple[str, ...] = ("profile", "stage", "strain")
"""Ways of colouring the staff on the network picture."""
STRAIN_MAX = 1.5
"""Top of the strain colour scale (strain is unitless; 1 = the high-strain threshold
region, see ``behaviour.high_strain_threshold``)."""
VIEW = (-0.14, 1.14)  # the least view: positions lie in [0, 1], the margin holds names
MAX_DRAWN_TIES = 20_000  # enough to show the structure; more only greys the picture
# Text sizes as shares of the drawn size (pixels of a plan's square panel, or of the
# picture's height for the legend), so that text stays legible however many plans
# share the picture: fixed point sizes shrank to 5 pixels with three plans on a page.
NAME_SHARE = 1 / 30  # services' names around each panel
TITLE_SHARE = 1 / 22  # each plan's title
LEGEND_SHARE = 1 / 32  # the legend and the strain scale
SMALLEST_TEXT_PX = 11.0
LEGEND_ROOM = 16  # the legend's width, in sizes of its text ("pas encore concerné (500)")
NAME_WIDTH = 12  # characters per line of a service's name


def font_points(drawn_px: float, share: float) -> float:
    """A font size in points for text that is ``share`` of a drawn size in pixels.

    Args:
        drawn_px: The size the text belongs to (a panel's side, the picture's height).
        share: The text's height as a share of it.

    Returns:
        The size in points at :data:`~simulation.teaching.pictures.live.DPI`, never
        below :data:`SMALLEST_TEXT_PX` pixels.
    """
    return max(SMALLEST_TEXT_PX, share * drawn_px) * 72 / DPI


def service_label(name: str) -> str:
    """A service's name as drawn beside its cluster, on short lines."""
    return textwrap.fill(name.replace("_", " "), NAME_WIDTH)


def fitting_margin(texts: list, renderer: Any, side: float) -> float:
    """The margin around [0, 1] that holds every text inside a square panel.

    Names stand outside the clusters, which lie in [0, 1]; a name beyond the panel
    would be cut, or run into the next plan's. A text's size in pixels does not depend
    on the axes' range, so the margin ``m`` solves, for each text and side, anchor ±
    extent × (1 + 2m) / side within [-m, 1 + m].

    Args:
        texts: Matplotlib texts placed in data coordinates.
        renderer: The canvas's renderer (to measure the texts).
        side: The panel's side in pixels.
    """
    margin = -VIEW[0]
    for label in texts:
        box = label.get_window_extent(renderer)
        x, y = label.get_position()
        before = {"left": 0.0, "center": 0.5, "right": 1.0}
        below = {"bottom": 0.0, "center": 0.5, "top": 1.0, "baseline": 0.0}
        low_x = box.width * before[label.get_horizontalalignment()] / side
        low_y = box.height * below[label.get_verticalalignment()] / side
        high_x, high_y = box.width / side - low_x, box.height / side - low_y
        for anchor, low, high in ((x, low_x, high_x), (y, low_y, high_y)):
            margin = max(
                margin,
                (low - anchor) / max(1 - 2 * low, 0.2),
                (anchor - 1 + high) / max(1 - 2 * high, 0.2),
            )
    return margin + 0.01


def _ties_background(organisation: Any, side: int) -> tuple[np.ndarray, tuple[float, float]]:
    """The ties and the services' names as an RGBA image (drawn once per model).

    Args:
        organisation: A :class:`~simulation.teaching.models.Organisation`.
        side: Side of the square image in pixels.

    Returns:
        The image, and the range of both axes it shows (wide enough for the names).
    """
    xy = organisation.layout
    segments = np.stack([xy[organisation.ties[:, 0]], xy[organisation.ties[:, 1]]], axis=1)
    if len(segments) > MAX_DRAWN_TIES:
        pick = np.random.default_rng(0).choice(len(segments), MAX_DRAWN_TIES, replace=False)
        segments = segments[pick]
    figure = Figure(figsize=(side / DPI, side / DPI), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    names = []
    ax.add_collection(LineCollection(segments, colors="#000000", linewidths=0.3, alpha=0.08))
    for code, name in enumerate(organisation.service_names):
        members = xy[organisation.service == code]
        if len(members) == 0:
            continue
        # Name outside the cluster, on the side away from the centre of the picture.
        centre = members.mean(axis=0)
        outward = centre - 0.5
        norm = np.hypot(*outward)
        direction = outward / norm if norm > 1e-9 else np.array([0.0, 1.0])
        radius = np.max(np.hypot(*(members - centre).T))
        spot = centre + direction * (radius + 0.02)
        align = "left" if direction[0] > 0.3 else "right" if direction[0] < -0.3 else "center"
        label = ax.text(
            *spot,
            service_label(name),
            ha=align,
            va="bottom" if direction[1] > 0.3 else "top" if direction[1] < -0.3 else "center",
            fontsize=font_points(side, NAME_SHARE),
            color="#333333",
            linespacing=0.9,
        )
        names.append(label)
    margin = fitting_margin(names, canvas.get_renderer(), side)
    extent = (-margin, 1 + margin)
    ax.set_xlim(*extent)
    ax.set_ylim(*extent)
    ax.axis("off")
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy(), extent


class NetworkPicture(LivePicture):
    """The network of services with every staff member, for one or several plans.

    Args:
        view: The plans shown: a :class:`~simulation.teaching.models.PlansView` (a
            teaching model's ``view``).
        lang: ``fr`` or ``en``.
        width, height: Size of the picture in pixels (default width: 640 for one plan,
            180 more for each further plan: the page shows the plans side by side in about
            the width of a screen, and a picture drawn at the size shown keeps its text
            legible).
    """

    def __init__(self, view, lang: str, width: int | None = None, height: int = 420) -> None:
        super().__init__()
        self.view = view
        self.lang = lang
        plans = view.strategies
        width = width or 640 + 300 * (len(plans) - 1)
        self.figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
        FigureCanvasAgg(self.figure)
        # Square panels side by side, the legend in what is left on the right: room
        # for its longest entry at the legend's size.
        self.legend_points = font_points(height, LEGEND_SHARE)
        legend_room = LEGEND_ROOM * self.legend_points * DPI / 72
        side = min(0.93 * height, (width - legend_room) / len(plans))
        background, extent = _ties_background(view.organisation, int(side))
        self.axes, self.dots = [], []
        xy = view.organisation.layout
        for k, strategy in enumerate(plans):
            ax = self.figure.add_axes((k * side / width, 0.0, side / width, side / height))
            ax.imshow(background, extent=(*extent, *extent), zorder=0)
            dots = ax.scatter(xy[:, 0], xy[:, 1], s=self._dot_size(len(xy), len(plans)), zorder=2)
            dots.set_linewidths(0.6)
            ax.set_xlim(*extent)
            ax.set_ylim(*extent)
            ax.set_aspect("equal")
            ax.axis("off")
            title = text(strategy, lang)
            if len(plans) > 1:
                title = f"{view.labels[k]}{colon(lang)}{title}"
            ax.set_title(title, fontsize=font_points(side, TITLE_SHARE))
            self.axes.append(ax)
            self.dots.append(dots)
        self.legend = None
        self.legend_left = len(plans) * side / width + 0.01
        self.colorbar_axes = self.figure.add_axes((self.legend_left + 0.02, 0.3, 0.025, 0.55))
        self.colorbar = self.figure.colorbar(
            mpl.cm.ScalarMappable(mpl.colors.Normalize(0, STRAIN_MAX), "magma_r"),
            cax=self.colorbar_axes,
        )
        self.colorbar.set_label(text("strain_axis", lang), fontsize=self.legend_points)
        self.colorbar_axes.tick_params(labelsize=self.legend_points)
        self.shown: str | None = None
        self.moving = list(self.dots)

    @staticmethod
    def _dot_size(n_staff: int, n_plans: int) -> float:
        """Marker area (points²): smaller dots for large organisations and many plans."""
        return float(np.clip(9000 / (n_staff * n_plans), 3, 30))

    def _categories(self, plan: int, colour_by: str) -> tuple[np.ndarray, dict]:
        """Category of each staff member of plan ``plan`` and the colour of each category."""
        if colour_by == "stage":
            return self.view.stages(plan), STAGE_COLOURS
        staff = self.view.staff(plan)
        profile = np.asarray(PROFILES, dtype=object)[staff.profile]
        profile[~staff.active] = "left"
        return profile, PROFILE_COLOURS

    def render(self, colour_by: str) -> bytes:
        """The picture of the current state as PNG bytes (see :meth:`draw`)."""
        with self.lock:
            self.draw(colour_by)
            return self._frame()

    def draw(self, colour_by: str) -> Figure:
        """Update the colours to the models' current state.

        Args:
            colour_by: ``profile``, ``stage`` or ``strain``.

        Returns:
            The figure (the same object every time).
        """
        if colour_by not in COLOUR_MODES:
            raise ValueError(
                f"colour_by must be one of {', '.join(COLOUR_MODES)}, not {colour_by!r}"
            )
        counts: dict[str, int] = {}
        palette: dict[str, str] = {}
        left = to_rgba(LEFT_COLOUR)
        clear = (0.0, 0.0, 0.0, 0.0)
        for plan, dots in enumerate(self.dots):
            staff = self.view.staff(plan)
            active = staff.active
            if colour_by == "strain":
                faces = mpl.colormaps["magma_r"](np.clip(staff.strain / STRAIN_MAX, 0, 1))
            else:
                categories, palette = self._categories(plan, colour_by)
                faces = np.zeros((len(categories), 4))
                for name, colour in palette.items():
                    chosen = categories == name
                    faces[chosen] = to_rgba(colour)
                    counts[name] = counts.get(name, 0) + int(chosen.sum())
            faces[~active] = clear
            edges = np.zeros_like(faces)
            edges[~active] = left
            dots.set_facecolors(faces)
            dots.set_edgecolors(edges)
            counts["left"] = counts.get("left", 0) + int((~active).sum())
        self._legend(colour_by, palette, counts)
        if colour_by != self.shown:
            self.static_changed = True  # the strain scale shows or hides
        self.shown = colour_by
        return self.figure

    def _label(self, name: str, counts: dict[str, int]) -> str:
        """A legend entry: with its head count for one plan (the scoreboard compares plans)."""
        if len(self.dots) > 1:
            return text(name, self.lang)
        return f"{text(name, self.lang)} ({counts.get(name, 0)})"

    def _legend(self, colour_by: str, palette: dict, counts: dict[str, int]) -> None:
        """The legend of the colours, with head counts (summed over plans)."""
        if self.legend is not None:
            self.legend.remove()
        strain = colour_by == "strain"
        self.colorbar_axes.set_visible(strain)
        handles = [
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                color=colour,
                label=self._label(name, counts),
            )
            for name, colour in palette.items()
        ]
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                markerfacecolor="none",
                markeredgecolor=LEFT_COLOUR,
                label=self._label("left", counts),
            )
        )
        if strain:
            handles = handles[-1:]
        self.legend = self.figure.legend(
            handles=handles,
            loc="lower left" if strain else "center left",
            bbox_to_anchor=(self.legend_left, 0.05 if strain else 0.5),
            fontsize=self.legend_points,
            frameon=False,
            borderaxespad=0.5,
        )
        self.moving = [*self.dots, self.legend]
