"""Live pictures of the teaching page, fast enough to redraw every week.

The page redraws after every simulated week, so each picture is built once per
model (figure, axes, one scatter per plan, one line per curve) and then only has
its data replaced: a frame is a few array copies and a PNG encoding, not a new
figure. With 2,000 staff a frame of all the pictures costs a few tens of
milliseconds (``transnum bench --case app`` prints the figures).

* :class:`NetworkPicture`: the staff at their layout positions over the ties of the
  network (drawn once as a background image with the services' names), coloured by
  profile, adoption stage or strain; staff who left are hollow grey rings.
* :class:`CurvesPicture`: weekly curves so far, side by side: per profile and for
  all staff (one plan) or one curve per plan (workshop).

Both take a model with ``plans`` (the :class:`~simulation.model.model.TransitionModel`
instances shown), ``labels`` (one letter per plan) and ``layout`` (staff
positions), as :mod:`simulation.teaching.models` provides. Nothing here imports solara.
"""

from __future__ import annotations

import io
import textwrap
import threading

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from PIL import Image

from simulation.i18n.words import colon, percent, phrase, text
from simulation.model.model import TransitionModel, staff_stages
from simulation.model.observation import measure
from simulation.reports.style import (
    ALL_STAFF_COLOUR,
    LEFT_COLOUR,
    PROFILE_COLOURS,
    STAGE_COLOURS,
)
from simulation.scenario.profiles import PROFILES

COLOUR_MODES: tuple[str, ...] = ("profile", "stage", "strain")
"""Ways of colouring the staff on the network picture."""
PLAN_COLOURS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7")
STRAIN_MAX = 1.5
"""Top of the strain colour scale (strain is unitless; 1 = the high-strain threshold
region, see ``behaviour.high_strain_threshold``)."""
VIEW = (-0.14, 1.14)  # layout positions lie in [0, 1]; the margin holds the services' names
MAX_DRAWN_TIES = 20_000  # enough to show the structure; more only greys the picture
DPI = 100
CURVE_PANELS: dict[str, tuple[str, ...]] = {
    "adoption": ("adoption", "dropout"),
    "strain": ("rps_high_share", "efficiency"),
}
"""The curve pictures of the page: name -> the weekly measures shown side by side."""


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes, fully redrawn (for files and tests)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


class LivePicture:
    """A figure whose static part is drawn once and whose moving artists are blitted.

    Subclasses create ``self.figure`` and its artists, list the moving ones in
    ``self.moving`` (they are marked animated, so a full draw leaves them out), and set
    ``self.static_changed`` whenever something else changed (axis limits, titles).
    """

    figure: Figure
    moving: list

    def __init__(self) -> None:
        self.static_changed = True
        self._static: object | None = None
        # The page may draw from its stepping thread and from a click at the same time.
        self.lock = threading.RLock()

    def frame(self) -> bytes:
        """The current picture as PNG bytes (call after ``draw``)."""
        with self.lock:
            return self._frame()

    def _frame(self) -> bytes:
        canvas = self.figure.canvas
        if self.static_changed or self._static is None:
            for artist in self.moving:
                artist.set_animated(True)
            canvas.draw()
            self._static = canvas.copy_from_bbox(self.figure.bbox)
            self.static_changed = False
        else:
            canvas.restore_region(self._static)
        for artist in self.moving:
            self.figure.draw_artist(artist)
        # Fast, lightly compressed PNG: the picture changes every week.
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, "png", compress_level=1)
        return buffer.getvalue()


def weekly_curve(plan: TransitionModel, name: str, profile: str | None = None) -> np.ndarray:
    """A weekly measure so far, straight from the model's recorder (no table built).

    Args:
        plan: A running or finished model.
        name: ``adoption``, ``dropout``, ``rps_high_share`` or ``efficiency``
            (processing time divided by, 1 = as before the tools).
        profile: One profile, or None for all staff.

    Returns:
        One value per recorded week (weeks 0..current).
    """
    recorder = plan.recorder
    rows = recorder.weeks_recorded
    groups = recorder.by_profile[:rows]
    totals = groups.sum(axis=1) if profile is None else groups[:, PROFILES.index(profile), :]
    if name == "efficiency":
        return 1.0 / measure("processing_time_index", totals)
    return measure(name, totals)


def _ties_background(model, width: int, height: int, lang: str) -> np.ndarray:
    """The ties and the services' names as an RGBA image (drawn once per model)."""
    plan = model.plans[0]
    adjacency = plan.network.adjacency.tocoo()
    keep = adjacency.row < adjacency.col
    xy = model.layout
    segments = np.stack([xy[adjacency.row[keep]], xy[adjacency.col[keep]]], axis=1)
    if len(segments) > MAX_DRAWN_TIES:
        pick = np.random.default_rng(0).choice(len(segments), MAX_DRAWN_TIES, replace=False)
        segments = segments[pick]
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.add_collection(LineCollection(segments, colors="#000000", linewidths=0.3, alpha=0.08))
    service = plan.state.service
    for code, name in enumerate(plan.network.service_names):
        members = xy[service == code]
        if len(members) == 0:
            continue
        # Name outside the cluster, on the side away from the centre of the picture.
        centre = members.mean(axis=0)
        outward = centre - 0.5
        norm = np.hypot(*outward)
        direction = outward / norm if norm > 1e-9 else np.array([0.0, 1.0])
        radius = np.max(np.hypot(*(members - centre).T))
        spot = centre + direction * (radius + 0.02)
        side = "left" if direction[0] > 0.3 else "right" if direction[0] < -0.3 else "center"
        ax.text(
            *spot,
            textwrap.fill(name.replace("_", " "), 16),
            ha=side,
            va="bottom" if direction[1] > 0.3 else "top" if direction[1] < -0.3 else "center",
            fontsize=7,
            color="#444444",
            linespacing=0.9,
        )
    ax.set_xlim(*VIEW)
    ax.set_ylim(*VIEW)
    ax.axis("off")
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


class NetworkPicture(LivePicture):
    """The network of services with every staff member, for one or several plans.

    Args:
        model: A teaching model (see the module docstring).
        lang: ``fr`` or ``en``.
        width, height: Size of the picture in pixels (default width: 640 for one plan,
            300 more for each further plan).
    """

    def __init__(self, model, lang: str, width: int | None = None, height: int = 420) -> None:
        super().__init__()
        self.model = model
        self.lang = lang
        plans = model.plans
        width = width or 640 + 300 * (len(plans) - 1)
        self.figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
        FigureCanvasAgg(self.figure)
        # Square panels side by side, the legend in what is left on the right.
        side = min(0.93 * height, 0.8 * width / len(plans))
        background = _ties_background(model, int(side), int(side), lang)
        self.axes, self.dots = [], []
        xy = model.layout
        for k, plan in enumerate(plans):
            ax = self.figure.add_axes((k * side / width, 0.0, side / width, side / height))
            ax.imshow(background, extent=(*VIEW, *VIEW), zorder=0)
            dots = ax.scatter(xy[:, 0], xy[:, 1], s=self._dot_size(len(xy), len(plans)), zorder=2)
            dots.set_linewidths(0.6)
            ax.set_xlim(*VIEW)
            ax.set_ylim(*VIEW)
            ax.set_aspect("equal")
            ax.axis("off")
            title = text(plan.spec.rollout.strategy, lang)
            if len(plans) > 1:
                title = f"{model.labels[k]}{colon(lang)}{title}"
            ax.set_title(title, fontsize=10)
            self.axes.append(ax)
            self.dots.append(dots)
        self.legend = None
        self.legend_left = len(plans) * side / width + 0.01
        self.colorbar_axes = self.figure.add_axes((self.legend_left + 0.02, 0.3, 0.025, 0.55))
        self.colorbar = self.figure.colorbar(
            mpl.cm.ScalarMappable(mpl.colors.Normalize(0, STRAIN_MAX), "magma_r"),
            cax=self.colorbar_axes,
        )
        self.colorbar.set_label(text("strain_axis", lang), fontsize=8)
        self.colorbar_axes.tick_params(labelsize=7)
        self.shown: str | None = None
        self.moving = list(self.dots)

    @staticmethod
    def _dot_size(n_staff: int, n_plans: int) -> float:
        """Marker area (points²): smaller dots for large organisations and many plans."""
        return float(np.clip(9000 / (n_staff * n_plans), 3, 30))

    def _categories(self, plan: TransitionModel, colour_by: str) -> tuple[np.ndarray, dict]:
        """Category of each staff member and the colour of each category."""
        if colour_by == "stage":
            return staff_stages(plan.state), STAGE_COLOURS
        profile = np.asarray(PROFILES, dtype=object)[plan.state.profile]
        profile[~plan.state.active] = "left"
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
        for plan, dots in zip(self.model.plans, self.dots, strict=True):
            active = plan.state.active
            if colour_by == "strain":
                faces = mpl.colormaps["magma_r"](np.clip(plan.state.strain / STRAIN_MAX, 0, 1))
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
        if len(self.model.plans) > 1:
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
            fontsize=8,
            frameon=False,
            borderaxespad=0.5,
        )
        self.moving = [*self.dots, self.legend]


class CurvesPicture(LivePicture):
    """Weekly curves so far, two panels side by side.

    Args:
        model: A teaching model (see the module docstring).
        lang: ``fr`` or ``en``.
        measures: Two of ``adoption``, ``dropout``, ``rps_high_share``, ``efficiency``.
        width, height: Size of the picture in pixels.
    """

    def __init__(
        self,
        model,
        lang: str,
        measures: tuple[str, ...],
        width: int = 640,
        height: int = 360,
    ) -> None:
        super().__init__()
        self.model = model
        self.measures = measures
        self.limits: list[tuple[float, float]] = []
        plans = model.plans
        horizon = plans[0].spec.horizon_weeks
        self.figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
        FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.09, right=0.98, top=0.92, bottom=0.24, wspace=0.28)
        self.axes = self.figure.subplots(1, len(measures))
        self.lines: list[list[tuple[Line2D, int, str | None]]] = []
        several = len(plans) > 1
        for ax, name in zip(self.axes, measures, strict=True):
            drawn = []
            for k, plan in enumerate(plans):
                if several:
                    label = model.labels[k] + colon(lang) + text(plan.spec.rollout.strategy, lang)
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
            ax.set_xlim(0, horizon)
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
                values = weekly_curve(self.model.plans[k], name, profile)
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
