"""Figures of series over time: adoption by profile, strain by service, go-live weeks.

A comparison's strain maps are drawn side by side on one colour scale
(:func:`strain_heatmaps`), so that a colour means the same strain under every strategy.

Each function takes tables of a results folder (see
:func:`simulation.reports.reader.read_results`) and returns a
``matplotlib.figure.Figure``; nothing is run and nothing is read from disk.
Labels are in French (``lang="fr"``) or English (``"en"``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from simulation.i18n.words import check, number
from simulation.reports.style import (
    LINE_COLOURS,
    MARKERS,
    STRAIN_THRESHOLD,
    decorate,
    legend_below,
    pick_strategy,
    profile_curves,
    require_columns,
    say,
    service_name,
    share_axis,
    strain_cmap,
    strategy_name,
    suptitle,
    tool_name,
)
from simulation.scenario.profiles import PROFILES


def adoption_by_profile(
    timeseries: pd.DataFrame,
    lang: str = "en",
    band: tuple[float, float] = (5, 95),
    title: str = "",
) -> Figure:
    """Adoption over time, all staff and each profile, one panel per strategy.

    Lines are means over replications; shaded bands span the ``band`` percentiles
    across replications (no band for a single run).

    Args:
        timeseries: A weekly table: one run's, or a comparison's stacked table (with
            ``strategy`` and ``replication`` columns; one panel per strategy).
        lang: ``"en"`` or ``"fr"``.
        band: Lower and upper percentiles (0-100) of the shaded band.
        title: First line of the figure title (default: "Adoption by profile").

    Returns:
        The figure.

    Raises:
        ValueError: a column is missing, or the band is not two percentiles in order.
    """
    check(lang)
    columns = ["week", "adoption", *(f"adoption_{p}" for p in PROFILES)]
    require_columns(timeseries, columns, "weekly table")
    if not 0 <= band[0] < band[1] <= 100:
        raise ValueError(f"band must be two percentiles 0 <= low < high <= 100, not {band}")
    table = timeseries if "replication" in timeseries else timeseries.assign(replication=0)
    if "strategy" in table:
        groups = [(s, table[table["strategy"] == s]) for s in dict.fromkeys(table["strategy"])]
    else:
        groups = [(None, table)]
    figure = Figure(figsize=(max(6.5, 4.3 * len(groups)), 4.6), layout="constrained")
    axes = figure.subplots(1, len(groups), sharex=True, sharey=True, squeeze=False)[0]
    for k, (ax, (strategy, runs)) in enumerate(zip(axes, groups, strict=True)):
        profile_curves(ax, runs, "adoption", lang, band)
        decorate(
            ax,
            strategy_name(strategy, lang) if strategy else "",
            say("week", lang),
            say("target_adoption_axis", lang) if k == 0 else "",
        )
        ax.set_ylim(0, 1.02)
        share_axis(ax, lang)
    handles, labels = axes[0].get_legend_handles_labels()
    legend_below(figure, handles, labels)
    n_reps = max(runs["replication"].nunique() for _, runs in groups)
    subtitle = ""
    if n_reps > 1:
        shaded = say("band_short", lang, low=f"{band[0]:g}", high=f"{band[1]:g}")
        subtitle = f"{say('mean_of', lang, n=n_reps)}, {shaded}"
    suptitle(figure, title or say("adoption_by_profile", lang), subtitle)
    return figure


def strain_heatmap(
    timeseries: pd.DataFrame,
    lang: str = "en",
    strategy: str | None = None,
    title: str = "",
    vmax: float | None = None,
) -> Figure:
    """Mean strain of each service, week by week, as a heat map.

    Args:
        timeseries: A weekly table with ``strain_mean@<service>`` columns: one run's or a
            comparison's stacked table (then averaged over replications).
        lang: ``"en"`` or ``"fr"``.
        strategy: For a comparison, the strategy shown (default: the first).
        title: First line of the title (default: "Mean strain by service").
        vmax: Top of the colour scale (default: the larger of the threshold, 1, and
            the highest cell); give the same value to compare strategies' maps.

    Returns:
        The figure: weeks on x, services on y, a colour bar with the threshold marked.

    Raises:
        ValueError: no per-service strain columns, or an unknown strategy.
    """
    check(lang)
    columns = _strain_columns(timeseries)
    runs, strategy = pick_strategy(timeseries, strategy)
    weekly = runs.groupby("week")[columns].mean()
    services = [c.split("@", 1)[1] for c in columns]
    matrix = np.ma.masked_invalid(weekly.to_numpy(dtype=float).T)
    top = vmax if vmax is not None else max(STRAIN_THRESHOLD, float(np.nanmax(matrix.filled(0))))

    figure = Figure(figsize=(10, 1.6 + 0.3 * len(services)), layout="constrained")
    ax = figure.subplots()
    weeks = weekly.index.to_numpy(dtype=float)
    x_edges = np.append(weeks - 0.5, weeks[-1] + 0.5)
    y_edges = np.arange(len(services) + 1) - 0.5
    mesh = ax.pcolormesh(x_edges, y_edges, matrix, cmap=strain_cmap(), vmin=0, vmax=top)
    ax.set_yticks(range(len(services)), [service_name(s) for s in services])
    ax.set_ylim(len(services) - 0.5, -0.5)  # first service of the scenario at the top
    ax.set_xlabel(say("week", lang))
    colour_bar = figure.colorbar(mesh, ax=ax, pad=0.01, fraction=0.05)
    colour_bar.set_label(say("strain_axis", lang))
    colour_bar.ax.axhline(STRAIN_THRESHOLD, color="#56B4E9", lw=2)
    colour_bar.ax.yaxis.set_major_formatter(_decimal(lang))

    n_reps = runs["replication"].nunique() if "replication" in runs else 1
    parts = [strategy_name(strategy, lang)] if strategy else []
    if n_reps > 1:
        parts.append(say("mean_of", lang, n=n_reps))
    suptitle(figure, title or say("strain_by_service", lang), ", ".join(parts))
    return figure


def strain_heatmaps(
    timeseries: pd.DataFrame,
    lang: str = "en",
    strategies: list[str] | None = None,
    title: str = "",
) -> Figure:
    """Mean strain of each service, week by week, one panel per strategy on one scale.

    The panels share one colour scale (from 0 to the larger of the threshold and the
    highest cell of any strategy) and one colour bar, so that the same colour means
    the same strain under every strategy.

    Args:
        timeseries: A comparison's stacked weekly table with ``strain_mean@<service>``
            columns (averaged over replications), or one run's.
        lang: ``"en"`` or ``"fr"``.
        strategies: The strategies shown, in order (default: every one of the table).
        title: First line of the title (default: "Mean strain by service").

    Returns:
        The figure: weeks on x, services on y (named on the first panel), one colour
        bar with the threshold marked.

    Raises:
        ValueError: no per-service strain columns, or an unknown strategy.
    """
    check(lang)
    columns = _strain_columns(timeseries)
    if strategies is None:
        present = timeseries["strategy"] if "strategy" in timeseries else pd.Series([None])
        strategies = list(dict.fromkeys(present))
    maps = []
    for strategy in strategies:
        runs, strategy = pick_strategy(timeseries, strategy)
        weekly = runs.groupby("week")[columns].mean()
        maps.append((strategy, weekly, np.ma.masked_invalid(weekly.to_numpy(dtype=float).T)))
    highest = max(float(np.nanmax(m.filled(0))) for _, _, m in maps)
    top = max(STRAIN_THRESHOLD, highest)
    services = [c.split("@", 1)[1] for c in columns]

    width = 2.6 + 3.6 * len(maps)
    figure = Figure(figsize=(width, 1.6 + 0.3 * len(services)), layout="constrained")
    axes = figure.subplots(1, len(maps), sharey=True, squeeze=False)[0]
    y_edges = np.arange(len(services) + 1) - 0.5
    for ax, (strategy, weekly, matrix) in zip(axes, maps, strict=True):
        weeks = weekly.index.to_numpy(dtype=float)
        x_edges = np.append(weeks - 0.5, weeks[-1] + 0.5)
        mesh = ax.pcolormesh(x_edges, y_edges, matrix, cmap=strain_cmap(), vmin=0, vmax=top)
        ax.set_title(strategy_name(strategy, lang) if strategy else "", fontsize=10)
        ax.set_xlabel(say("week", lang))
    axes[0].set_yticks(range(len(services)), [service_name(s) for s in services])
    axes[0].set_ylim(len(services) - 0.5, -0.5)  # first service of the scenario at the top
    colour_bar = figure.colorbar(mesh, ax=list(axes), pad=0.01, fraction=0.04)
    colour_bar.set_label(say("strain_axis", lang))
    colour_bar.ax.axhline(STRAIN_THRESHOLD, color="#56B4E9", lw=2)
    colour_bar.ax.yaxis.set_major_formatter(_decimal(lang))
    n_reps = timeseries["replication"].nunique() if "replication" in timeseries else 1
    subtitle = say("mean_of", lang, n=n_reps) if n_reps > 1 else ""
    suptitle(figure, title or say("strain_by_service", lang), subtitle)
    return figure


def _strain_columns(timeseries: pd.DataFrame) -> list[str]:
    """The ``strain_mean@<service>`` columns of a weekly table (ValueError if none)."""
    columns = [c for c in timeseries.columns if str(c).startswith("strain_mean@")]
    if not columns:
        raise ValueError("the weekly table has no strain_mean@<service> columns")
    require_columns(timeseries, ["week"], "weekly table")
    return columns


def go_live_chart(
    schedule: pd.DataFrame,
    lang: str = "en",
    strategy: str | None = None,
    replication: int = 0,
    horizon: int | None = None,
    title: str = "",
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """The week each service gets each tool, as a timeline.

    Services are rows, one marker shape and colour per tool (a service's tools spread
    over its row, so that tools going live the same week stay visible); a grey line spans
    each service's first to last go-live. Pairs never live are drawn hollow in a
    shaded "never live" column at the right.

    Args:
        schedule: Columns service, tool, go_live_week (empty: never live); a comparison
            adds strategy and replication.
        lang: ``"en"`` or ``"fr"``.
        strategy: For a comparison, the strategy shown (default: the first).
        replication: For a comparison, the replication shown (default 0).
        horizon: Last week of the runs, where the "never live" column starts
            (default: the latest go-live week).
        title: First line of the title (default: "Go-live of each tool, by service").
        labels: Tool name -> label shown in the legend (a scenario's ``tools[].label``,
            :attr:`~simulation.reports.reader.Results.tool_labels`); a tool without one
            is shown by its name as words.

    Returns:
        The figure.

    Raises:
        ValueError: a column is missing, or an unknown strategy or replication.
    """
    check(lang)
    require_columns(schedule, ["service", "tool", "go_live_week"], "schedule")
    plan, strategy = pick_strategy(schedule, strategy)
    if "replication" in plan:
        if replication not in set(plan["replication"]):
            raise ValueError(
                f"replication {replication} is not in the schedule; it has "
                f"{', '.join(map(str, sorted(set(plan['replication']))))}"
            )
        plan = plan[plan["replication"] == replication]
    services = list(dict.fromkeys(plan["service"]))
    tools = list(dict.fromkeys(plan["tool"]))
    weeks = pd.to_numeric(plan["go_live_week"], errors="coerce")
    last = float(horizon if horizon is not None else (weeks.max() if weeks.notna().any() else 0))
    never_x = last + max(6.0, 0.08 * last)
    never = weeks.isna()
    # Tools are spread vertically within their service's row (over that service's own
    # tools, usually three), so tools going live the same week (big bang) or never
    # stay apart; shape and colour, not height, say which tool it is.
    rank = plan.groupby("service", sort=False).cumcount()
    count = plan.groupby("service", sort=False)["tool"].transform("size")
    step = np.minimum(0.25, 0.75 / (count - 1).clip(lower=1))  # a quarter row apart
    spread = (rank - (count - 1) / 2) * step
    y_all = plan["service"].map({s: k for k, s in enumerate(services)}).to_numpy() + spread

    figure = Figure(figsize=(9.5, 1.9 + 0.42 * len(services)), layout="constrained")
    ax = figure.subplots()
    spans = weeks.groupby(plan["service"], sort=False).agg(["min", "max"])
    for k, (first, final) in enumerate(spans.reindex(services).to_numpy()):
        if not np.isnan(first):
            ax.plot([first, final], [k, k], color="#BBBBBB", lw=1, zorder=1)
    handles = []
    for k, tool in enumerate(tools):
        mine = (plan["tool"] == tool).to_numpy()
        colour, marker = LINE_COLOURS[k % len(LINE_COLOURS)], MARKERS[k % len(MARKERS)]
        live, dead = mine & ~never.to_numpy(), mine & never.to_numpy()
        ax.scatter(weeks[live], y_all[live], color=colour, marker=marker, s=26, zorder=3)
        ax.scatter(
            np.full(dead.sum(), never_x),
            y_all[dead],
            facecolors="none",
            edgecolors=colour,
            marker=marker,
            s=26,
            zorder=3,
        )
        handles.append(Line2D([], [], color=colour, marker=marker, ls="", markersize=6))
    if never.any():
        ax.axvspan(last + 0.5 * (never_x - last), never_x + 3, color="#EEEEEE", zorder=0)
        # Above the frame, so that the label never covers a marker.
        ax.text(
            never_x,
            1.01,
            say("never_live", lang),
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_yticks(range(len(services)), [service_name(s) for s in services])
    ax.set_ylim(len(services) - 0.5, -0.5)
    left = min(0.0, float(weeks.min()) if weeks.notna().any() else 0.0) - 2
    ax.set_xlim(left, never_x + 3 if never.any() else last + 2)
    decorate(ax, "", say("go_live_week", lang))
    # Three to a row: five tools' labels side by side are wider than the figure.
    names = [tool_name(t, labels) for t in tools]
    legend_below(figure, handles, names, title=say("tool", lang), ncols=3)
    parts = [strategy_name(strategy, lang)] if strategy else []
    if "replication" in schedule:
        parts.append(say("replication_n", lang, n=replication))
    suptitle(figure, title or say("go_live_title", lang), ", ".join(parts))
    return figure


def _decimal(lang: str) -> FuncFormatter:
    """Tick labels with the language's decimal mark, one decimal."""
    return FuncFormatter(lambda v, _pos: number(v, lang, 1))
