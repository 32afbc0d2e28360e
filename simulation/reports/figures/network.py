"""The staff network picture: staff at their layout positions, coloured by a measure.

:func:`network_picture` takes the staff table, the ties and the snapshots of a
results folder (``staff.parquet``, ``ties.parquet``, ``snapshots.parquet``; see
:meth:`simulation.model.model.TransitionModel.staff_table`, ``ties`` and ``staff_state``)
and returns a ``matplotlib.figure.Figure``; nothing is run and nothing is read from
disk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from simulation.i18n.words import check, number
from simulation.reports.style import (
    LEFT_COLOUR,
    PROFILE_COLOURS,
    STAGE_COLOURS,
    STAGES,
    STRAIN_THRESHOLD,
    legend_below,
    pick_strategy,
    require_columns,
    say,
    service_name,
    share_axis,
    share_cmap,
    strain_cmap,
    strategy_name,
    suptitle,
)
from simulation.scenario.profiles import PROFILES

COLOUR_BY: tuple[str, ...] = ("profile", "stage", "adoption", "strain")
MAX_TIES = 20_000
"""Ties drawn at most: beyond, a random sample (seeded), as more only greys the picture."""


def network_picture(
    staff: pd.DataFrame,
    ties: pd.DataFrame,
    snapshots: pd.DataFrame | None = None,
    colour_by: str = "profile",
    lang: str = "en",
    week: int | None = None,
    strategy: str | None = None,
    max_ties: int = MAX_TIES,
    title: str = "",
) -> Figure:
    """Staff at their positions (services as clusters), ties in light grey, coloured.

    Staff are coloured by profile, adoption stage (categories) or by their share of
    target tools adopted or their strain (continuous, with a colour bar). Staff who
    left by the snapshot week are drawn hollow grey whatever the colouring. Service
    names are written outside their cluster, away from the picture's centre.

    Args:
        staff: The staff table: staff, service, profile, x, y.
        ties: The network's ties: a, b (staff numbers).
        snapshots: Staff states: staff, week, stage, adoption, strain (a comparison
            adds strategy). Needed for every colouring but ``profile``.
        colour_by: ``profile``, ``stage``, ``adoption`` or ``strain``.
        lang: ``"en"`` or ``"fr"``.
        week: Snapshot week shown (default: the last).
        strategy: For a comparison's snapshots, the strategy shown (default: the first).
        max_ties: Ties drawn at most (a seeded random sample beyond).
        title: Second line of the title.

    Returns:
        The figure.

    Raises:
        ValueError: an unknown colouring, strategy or week, a missing column, or no
            snapshots for a colouring that needs them.
    """
    check(lang)
    if colour_by not in COLOUR_BY:
        raise ValueError(f"unknown colour_by {colour_by!r}; choose one of {', '.join(COLOUR_BY)}")
    require_columns(staff, ["staff", "service", "profile", "x", "y"], "staff table")
    require_columns(ties, ["a", "b"], "ties table")
    people = staff.set_index("staff").sort_index()
    state, week, strategy = _snapshot(snapshots, colour_by, week, strategy)
    if state is not None:
        people = people.join(state.set_index("staff")[["stage", "adoption", "strain"]])
    left = (people["stage"] == "left").to_numpy() if state is not None else np.zeros(len(people))
    left = left.astype(bool)

    figure = Figure(figsize=(8.6, 8.2), layout="constrained")
    ax = figure.subplots()
    shown = _draw_ties(ax, people, ties, max_ties)
    # Dots shrink with headcount as clusters keep their size (area ~ 1 / staff).
    size = float(np.clip(15_000 / max(len(people), 1), 2, 60))
    x, y = people["x"].to_numpy(), people["y"].to_numpy()
    handles: list = []
    labels: list[str] = []
    if colour_by in ("profile", "stage"):
        groups = PROFILES if colour_by == "profile" else STAGES[:-1]
        colours = PROFILE_COLOURS if colour_by == "profile" else STAGE_COLOURS
        for group in groups:
            mine = (people[colour_by] == group).to_numpy() & ~left
            if not mine.any():
                continue
            ax.scatter(x[mine], y[mine], s=size, color=colours[group], lw=0, zorder=3)
            handles.append(_dot(colours[group]))
            labels.append(f"{say(group, lang)} ({number(int(mine.sum()), lang)})")
    else:
        live = ~left
        values = people[colour_by].to_numpy(dtype=float)
        if colour_by == "adoption":
            cmap, top = share_cmap(), 1.0
        else:
            highest = float(np.nanmax(values[live])) if live.any() else 0.0
            cmap, top = strain_cmap(), max(STRAIN_THRESHOLD, highest)
        points = ax.scatter(
            x[live], y[live], c=values[live], s=size, cmap=cmap, vmin=0, vmax=top, lw=0, zorder=3
        )
        colour_bar = figure.colorbar(points, ax=ax, shrink=0.7, pad=0.01)
        if colour_by == "adoption":
            colour_bar.set_label(say("own_adoption_axis", lang))
            share_axis(colour_bar.ax, lang)
        else:
            colour_bar.set_label(say("strain_axis", lang))
            colour_bar.ax.axhline(STRAIN_THRESHOLD, color="#56B4E9", lw=2)
    if left.any():
        ax.scatter(
            x[left], y[left], s=size, facecolors="none", edgecolors=LEFT_COLOUR, lw=0.7, zorder=3
        )
        handles.append(_dot("none", edge=LEFT_COLOUR))
        labels.append(f"{say('left', lang)} ({number(int(left.sum()), lang)})")
    _label_services(ax, people)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if handles:
        legend_title = say("profile" if colour_by == "profile" else "stage", lang)
        legend_title = legend_title if colour_by in ("profile", "stage") else ""
        legend_below(figure, handles, labels, title=legend_title, ncols=3)

    parts = [title] if title else []
    if week is not None:
        parts.append(f"{say('week', lang)} {week}")
    if strategy:
        parts.append(strategy_name(strategy, lang))
    if shown < len(ties):
        total = number(len(ties), lang)
        parts.append(say("ties_shown", lang, shown=number(shown, lang), total=total))
    suptitle(figure, say("network_title", lang), " — ".join(parts))
    return figure


def _snapshot(
    snapshots: pd.DataFrame | None, colour_by: str, week: int | None, strategy: str | None
) -> tuple[pd.DataFrame | None, int | None, str | None]:
    """The staff states of one week (and strategy), with the week and strategy chosen."""
    if snapshots is None:
        if colour_by != "profile":
            raise ValueError(f"colour_by={colour_by!r} needs the snapshots table")
        return None, None, strategy
    require_columns(snapshots, ["staff", "week", "stage", "adoption", "strain"], "snapshots table")
    rows, strategy = pick_strategy(snapshots, strategy)
    weeks = sorted(set(rows["week"]))
    if not weeks:
        raise ValueError("the snapshots table is empty")
    week = weeks[-1] if week is None else week
    if week not in weeks:
        raise ValueError(
            f"no snapshot at week {week}; snapshot weeks: {', '.join(map(str, weeks))}"
        )
    return rows[rows["week"] == week], int(week), strategy


def _draw_ties(ax: Axes, people: pd.DataFrame, ties: pd.DataFrame, max_ties: int) -> int:
    """Ties as thin light lines under the staff; returns how many were drawn."""
    pairs = ties[["a", "b"]].to_numpy()
    if len(pairs) > max_ties:
        keep = np.random.default_rng(0).choice(len(pairs), size=max_ties, replace=False)
        pairs = pairs[np.sort(keep)]
    xy = people[["x", "y"]].reindex(np.arange(people.index.max() + 1)).to_numpy()
    segments = np.stack([xy[pairs[:, 0]], xy[pairs[:, 1]]], axis=1)
    # Fainter as ties get denser, so that the staff stay the figure's subject.
    alpha = float(np.clip(400 / max(len(pairs), 1), 0.05, 0.3))
    ax.add_collection(LineCollection(segments, colors="#777777", linewidths=0.35, alpha=alpha))
    return len(pairs)


def _label_services(ax: Axes, people: pd.DataFrame) -> None:
    """Each service's name just outside its cluster, on the side away from the centre.

    Services sit on a ring (see ``Organisation.layout``), so each label starts just
    outside its cluster, pushed outwards from the centre of the ring. With many
    services (30 or so) neighbouring labels would still cover each other: they are
    then moved further outwards, one at a time, until no two labels' boxes meet
    (:func:`_spread_labels`), and the picture is widened to hold them.
    """
    groups = people.groupby("service", sort=False)[["x", "y"]]
    # Medians, not the mean and the farthest: a few staff drawn away from their
    # service's cluster (staff who moved there) would otherwise throw its label far
    # off. Staff fill a disc evenly, so the median distance is the radius / sqrt(2).
    centres = groups.median()
    radius = pd.Series(
        {
            service: np.sqrt(2)
            * float(np.median(np.hypot(*(xy - centres.loc[service].to_numpy()).T)))
            for service, xy in ((service, g.to_numpy()) for service, g in groups)
        }
    )
    middle = centres.mean().to_numpy()
    spread = float(np.ptp(people[["x", "y"]].to_numpy(), axis=0).max()) or 1.0
    labels = []
    for service, (cx, cy) in centres.iterrows():
        direction = np.array([cx, cy]) - middle
        length = float(np.hypot(*direction))
        direction = direction / length if length > 1e-9 else np.array([0.0, 1.0])
        anchor = np.array([cx, cy]) + direction * (radius[service] + 0.02 * spread)
        label = ax.text(
            *anchor,
            service_name(service, width=16),
            ha="left" if direction[0] > 0.3 else ("right" if direction[0] < -0.3 else "center"),
            va="bottom" if direction[1] > 0.3 else ("top" if direction[1] < -0.3 else "center"),
            fontsize=8,
            color="#333333",
            zorder=4,
        )
        label.set_in_layout(False)  # the limits below make room for the labels
        labels.append((label, anchor, direction))
    # Room around the clusters for the labels (about a label's width), then more if
    # the labels moved apart need it.
    pad = np.array([0.2, 0.09]) * spread  # labels are wider than tall
    low = people[["x", "y"]].min().to_numpy() - pad
    high = people[["x", "y"]].max().to_numpy() + pad
    figure = ax.get_figure()
    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)  # a renderer, to measure the labels
    for _ in range(4):
        ax.set_xlim(low[0], high[0])
        ax.set_ylim(low[1], high[1])
        figure.draw_without_rendering()  # the layout, hence the labels' sizes on screen
        renderer = figure.canvas.get_renderer()
        moved = _spread_labels(ax, labels, renderer)
        boxes = [label.get_window_extent(renderer) for label, _, _ in labels]
        frame = ax.get_window_extent(renderer)
        to_data = ax.transData.inverted()
        corner_low = to_data.transform((min(b.x0 for b in boxes), min(b.y0 for b in boxes)))
        corner_high = to_data.transform((max(b.x1 for b in boxes), max(b.y1 for b in boxes)))
        inside = (
            min(b.x0 for b in boxes) >= frame.x0
            and max(b.x1 for b in boxes) <= frame.x1
            and min(b.y0 for b in boxes) >= frame.y0
            and max(b.y1 for b in boxes) <= frame.y1
        )
        if inside:
            break
        low = np.minimum(low, corner_low) - 0.01 * spread
        high = np.maximum(high, corner_high) + 0.01 * spread
    for (label, anchor, _), pixels in zip(labels, moved, strict=True):
        if pixels > 6:  # a label moved away from its cluster points back to it
            (x, y) = label.get_position()
            ax.plot([anchor[0], x], [anchor[1], y], color="#AAAAAA", lw=0.5, zorder=4)


def _spread_labels(
    ax: Axes, labels: list[tuple[Text, np.ndarray, np.ndarray]], renderer: object
) -> np.ndarray:
    """Move labels outwards, each along its own direction, until no two boxes meet.

    Labels start at their anchors; of two labels that meet, the one moved further
    already moves outwards by just enough to clear the other, so that labels never
    move onto the clusters. Boxes are measured on screen, with a small margin.

    Returns:
        How far each label moved from its anchor, in pixels.
    """
    for label, anchor, _ in labels:
        label.set_position(anchor)
    scale = float(
        np.hypot(*(ax.transData.transform((1.0, 0.0)) - ax.transData.transform((0.0, 0.0))))
    )
    moved_by = np.zeros(len(labels))
    for _ in range(20 * len(labels)):
        boxes = [label.get_window_extent(renderer).padded(3) for label, _, _ in labels]
        clash = next(
            (
                (i, j)
                for i in range(len(boxes))
                for j in range(i + 1, len(boxes))
                if boxes[i].overlaps(boxes[j])
            ),
            None,
        )
        if clash is None:
            break
        i, j = clash
        outer = j if moved_by[j] >= moved_by[i] else i
        other = i if outer == j else j
        a, b = boxes[outer], boxes[other]
        dx, dy = labels[outer][2]
        # How far along its direction the label must go to clear the other box, in x
        # or in y (whichever is shorter), in pixels.
        needs = []
        if abs(dx) > 0.05:
            needs.append(((b.x1 - a.x0) if dx > 0 else (a.x1 - b.x0)) / abs(dx))
        if abs(dy) > 0.05:
            needs.append(((b.y1 - a.y0) if dy > 0 else (a.y1 - b.y0)) / abs(dy))
        step = min((n for n in needs if n > 0), default=0.0) + 1.0
        moved_by[outer] += step
        label, anchor, direction = labels[outer]
        label.set_position(anchor + direction * moved_by[outer] / scale)
    return moved_by


def _dot(colour: str, edge: str | None = None) -> Line2D:
    """A legend marker."""
    return Line2D(
        [],
        [],
        marker="o",
        ls="",
        markersize=7,
        markerfacecolor=colour,
        markeredgecolor=edge or colour,
    )
