"""Figures of summary outcomes: strategies compared, and sweeps over factors.

Each function takes tables of a results folder (see
:func:`simulation.reports.reader.read_results`) and returns a
``matplotlib.figure.Figure``; nothing is run and nothing is read from disk.
Labels are in French (``lang="fr"``) or English (``"en"``); values are written in
the language's format (:func:`simulation.i18n.words.value`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from simulation.i18n.words import check, clipped, outcome_kind, value
from simulation.reports.figures.sensitivity import sensitivity_bars
from simulation.reports.style import (
    LINE_COLOURS,
    STRATEGY_COLOURS,
    capital,
    decorate,
    factor_name,
    legend_below,
    level_name,
    levels_of,
    outcome_name,
    say,
    share_cmap,
    strategy_name,
    suptitle,
    text_colour,
    to_png,
    unit_label,
    value_axis,
)

# sensitivity_bars and to_png are re-exported: reports find every summary figure,
# and the PNG helper, here.
__all__ = [
    "outcome_heatmap",
    "outcome_intervals",
    "outcome_vs_factor",
    "sensitivity_bars",
    "to_png",
]

DEFAULT_OUTCOMES: tuple[str, ...] = ("dropout_share", "rps_peak_share", "rps_high_person_weeks")
SUMMARY_COLUMNS: tuple[str, ...] = ("point", "outcome", "mean", "ci_low", "ci_high", "n")
"""Columns of a sweep's point summary that are not factors."""


def outcome_intervals(
    summary: Mapping[str, Any],
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    lang: str = "en",
    title: str = "",
) -> Figure:
    """Each strategy's mean and 95 % interval, one panel per outcome.

    The mean is written next to its point. Intervals are cut to the outcome's
    possible range (shares within 0-100 %, counts and weeks from 0). An outcome
    not reached in some runs (``weeks_to_80pct_adoption``) is noted "n = k of N".

    Args:
        summary: A comparison's summary: :meth:`simulation.experiments.runner.Comparison.summary`
            (``{strategy: {outcome: {mean, ci_low, ci_high, n}, "by_profile": ...}}``)
            or the whole ``summary.json`` of a compare folder (with ``strategies``).
        outcomes: Outcome names (summary keys; per-profile ones as
            ``<outcome>_<profile>``, e.g. ``dropout_share_overwhelmed``).
        lang: ``"en"`` or ``"fr"``.
        title: Second line of the title (e.g. the scenario's name).

    Returns:
        The figure.

    Raises:
        ValueError: the summary is not a comparison's, or an outcome is unknown.
    """
    check(lang)
    per_strategy = summary.get("strategies", summary)
    if not isinstance(per_strategy, Mapping) or not per_strategy:
        raise ValueError("the summary has no strategies; give a comparison's summary")
    strategies = list(per_strategy)
    if not all(isinstance(per_strategy[s], Mapping) for s in strategies):
        raise ValueError("the summary is not a comparison's ({strategy: {outcome: ...}})")
    outcomes = list(outcomes)
    if not outcomes:
        raise ValueError("give at least one outcome")
    for name in outcomes:
        if _stat(per_strategy[strategies[0]], name) is None:
            known = [k for k, v in per_strategy[strategies[0]].items() if _is_stat(v)]
            raise ValueError(f"unknown outcome {name!r}; the summary has {', '.join(known)}")

    figure = Figure(figsize=(0.6 + 3.4 * len(outcomes), 4.2), layout="constrained")
    axes = figure.subplots(1, len(outcomes), squeeze=False)[0]
    positions = np.arange(len(strategies))
    # Replications: the largest n of any outcome (adoption_final always has a value).
    most = max(int(v["n"] or 0) for e in per_strategy.values() for v in e.values() if _is_stat(v))
    for ax, name in zip(axes, outcomes, strict=True):
        stats = [_stat(per_strategy[s], name) for s in strategies]
        for x, strategy, st in zip(positions, strategies, stats, strict=True):
            colour = STRATEGY_COLOURS.get(strategy, LINE_COLOURS[x % len(LINE_COLOURS)])
            if st["mean"] is None:
                _mark_missing(ax, x, value(name, None, lang))
                continue
            mean, low, high = _clipped(name, st)
            error = [[mean - low], [high - mean]]
            ax.errorbar(x, mean, yerr=error, fmt="o", color=colour, ms=7, capsize=5, lw=1.5)
            note = value(name, mean, lang)
            if st["n"] < most:
                note += "\n" + say("runs_with_value", lang, n=st["n"], total=most)
            ax.annotate(
                note, (x, mean), xytext=(9, 0), textcoords="offset points", va="center", fontsize=9
            )
        ax.set_xticks(positions, [strategy_name(s, lang) for s in strategies])
        ax.set_xlim(-0.5, len(strategies) - 0.2)  # room on the right for the last value
        _room_above(ax, outcome_kind(name) != "number")
        value_axis(ax, name, lang)
        decorate(ax, capital(outcome_name(name, lang)), "", unit_label(name, lang))
    suptitle(figure, say("outcomes_by_strategy", lang), title)
    return figure


def outcome_vs_factor(
    point_summary: pd.DataFrame,
    outcome: str,
    factor: str,
    lang: str = "en",
    by: str | None = None,
    title: str = "",
) -> Figure:
    """A sweep outcome against one factor: mean and 95 % interval, a line per level of ``by``.

    A numeric factor gets lines with shaded interval bands; a categorical one (a
    strategy, a scenario) gets points with error bars side by side. Other factors
    are averaged over, interval bounds included: the half-width of an average is at
    most the average of the half-widths whatever the correlation between points, so
    the band is conservative. Bands are cut to the outcome's possible range. Points
    averaged over fewer runs than the others (an outcome not reached in every run)
    are drawn hollow; levels without any value are marked "never" (or "–").

    Args:
        point_summary: A sweep's point summary (``summary.csv``): point, factors...,
            outcome, mean, ci_low, ci_high, n.
        outcome: The outcome to show.
        factor: The factor on the x axis.
        lang: ``"en"`` or ``"fr"``.
        by: A second factor, one line (colour) per level.
        title: Second line of the title.

    Returns:
        The figure.

    Raises:
        ValueError: an unknown outcome, or a factor not in the table.
    """
    check(lang)
    rows, factors = _outcome_rows(point_summary, outcome)
    keys = [_factor(factor, factors)] + ([_factor(by, factors)] if by else [])
    if by == factor:
        raise ValueError("by must be another factor than the x-axis factor")
    averaged = [f for f in factors if f not in keys and rows[f].nunique() > 1]
    cells = _cells(rows, keys)
    x_levels = levels_of(rows[factor])
    numeric = pd.api.types.is_numeric_dtype(rows[factor])
    groups = levels_of(rows[by]) if by else [None]

    figure = Figure(figsize=(7.2, 4.6), layout="constrained")
    ax = figure.subplots()
    handles = []
    any_hollow = False
    for j, group in enumerate(groups):
        colour = _level_colour(by, group, j)
        mine = cells if group is None else cells[cells[by] == group]
        mine = mine.set_index(factor).reindex(x_levels)
        xs = np.asarray(x_levels, dtype=float) if numeric else np.arange(len(x_levels), dtype=float)
        if not numeric:  # categories side by side, so that intervals do not hide each other
            xs = xs + (j - (len(groups) - 1) / 2) * min(0.12, 0.6 / len(groups))
        mean = mine["mean"].to_numpy(dtype=float)
        low, high = _within_range(outcome, mine[["ci_low", "ci_high"]].to_numpy(dtype=float).T)
        full = mine["complete"].fillna(False).to_numpy(dtype=bool)
        if numeric:
            ax.plot(xs, mean, color=colour, lw=1.8, zorder=2)
            ax.fill_between(xs, low, high, color=colour, alpha=0.18, lw=0)
        else:
            error = [mean - low, high - mean]
            ax.errorbar(xs, mean, yerr=error, fmt="none", ecolor=colour, capsize=4, lw=1.5)
        ax.scatter(xs[full], mean[full], color=colour, s=30, zorder=3)
        ax.scatter(xs[~full], mean[~full], facecolors="white", edgecolors=colour, s=30, zorder=3)
        label = level_name(by, group, lang) if by else say("mean_and_ci", lang)
        if np.isnan(mean).all():  # e.g. 50 % adoption never reached at this level
            label += f" ({value(outcome, None, lang)})"
        any_hollow = any_hollow or bool((~full & ~np.isnan(mean)).any())
        if by is None:  # a level without any value would otherwise be a silent gap
            for x in xs[np.isnan(mean)]:
                _mark_missing(ax, x, value(outcome, None, lang))
        handles.append((Line2D([], [], color=colour, marker="o", lw=1.8), label))
    if not numeric or len(x_levels) <= 12:
        ticks = x_levels if numeric else range(len(x_levels))
        ax.set_xticks(list(ticks), [level_name(factor, v, lang) for v in x_levels])
    if not numeric:
        ax.set_xlim(-0.5, len(x_levels) - 0.5)
    value_axis(ax, outcome, lang)
    _room_above(ax, outcome_kind(outcome) != "number")
    unit = unit_label(outcome, lang)
    ylabel = outcome_name(outcome, lang) + (f" ({unit})" if unit else "")
    decorate(ax, "", factor_name(factor, lang), ylabel)
    if any_hollow:
        hollow = Line2D([], [], color="#555555", marker="o", markerfacecolor="white", ls="")
        handles.append((hollow, "\n".join(textwrap.wrap(say("fewer_runs", lang), 34))))
    if by or len(handles) > 1:
        legend_title = factor_name(by, lang) if by else ""
        legend_below(figure, *map(list, zip(*handles, strict=True)), legend_title, ncols=3)
    subtitle = _subtitle(title, averaged, lang, say("mean_and_ci", lang))
    suptitle(figure, capital(outcome_name(outcome, lang)), subtitle)
    return figure


def outcome_heatmap(
    point_summary: pd.DataFrame,
    outcome: str,
    factor_x: str,
    factor_y: str,
    lang: str = "en",
    title: str = "",
) -> Figure:
    """Mean of a sweep outcome over two factors, as a grid of annotated cells.

    Other factors are averaged over. Cells without a value (outcome never reached)
    are grey and marked "–".

    Args:
        point_summary: A sweep's point summary (``summary.csv``).
        outcome: The outcome to show.
        factor_x: The factor across (columns).
        factor_y: The factor up (rows).
        lang: ``"en"`` or ``"fr"``.
        title: Second line of the title.

    Returns:
        The figure.

    Raises:
        ValueError: an unknown outcome, a factor not in the table, or twice the same.
    """
    check(lang)
    rows, factors = _outcome_rows(point_summary, outcome)
    _factor(factor_x, factors)
    _factor(factor_y, factors)
    if factor_x == factor_y:
        raise ValueError("factor_x and factor_y must be two different factors")
    averaged = [f for f in factors if f not in (factor_x, factor_y) and rows[f].nunique() > 1]
    grid = rows.groupby([factor_y, factor_x], sort=False)["mean"].mean().unstack(factor_x)
    x_levels, y_levels = levels_of(rows[factor_x]), levels_of(rows[factor_y])
    grid = grid.reindex(index=y_levels, columns=x_levels)
    matrix = np.ma.masked_invalid(grid.to_numpy(dtype=float))

    figure = Figure(
        figsize=(max(5.5, 1.3 + 1.15 * len(x_levels)), max(3.6, 1.6 + 0.55 * len(y_levels))),
        layout="constrained",
    )
    ax = figure.subplots()
    image = ax.imshow(matrix, cmap=share_cmap(), aspect="auto", origin="lower")
    for (i, j), amount in np.ndenumerate(grid.to_numpy(dtype=float)):
        colour = "black" if np.isnan(amount) else text_colour(image.cmap(image.norm(amount)))
        ax.text(j, i, value(outcome, amount, lang), ha="center", va="center", color=colour)
    ax.set_xticks(range(len(x_levels)), [level_name(factor_x, v, lang) for v in x_levels])
    ax.set_yticks(range(len(y_levels)), [level_name(factor_y, v, lang) for v in y_levels])
    ax.set_xlabel(factor_name(factor_x, lang))
    ax.set_ylabel(factor_name(factor_y, lang, width=30))
    colour_bar = figure.colorbar(image, ax=ax, pad=0.02)
    unit = unit_label(outcome, lang)
    colour_bar.set_label(outcome_name(outcome, lang) + (f" ({unit})" if unit else ""))
    value_axis(colour_bar.ax, outcome, lang)
    runs = say("mean_of", lang, n=int(rows["n"].max()))
    suptitle(figure, capital(outcome_name(outcome, lang)), _subtitle(title, averaged, lang, runs))
    return figure


# ----------------------------------------------------------------- helpers


def _mark_missing(ax: Axes, x: float, word: str) -> None:
    """Write ``word`` (``never``, ``–``) at the foot of position ``x`` that has no value."""
    ax.annotate(
        word,
        (x, 0),
        xycoords=("data", "axes fraction"),
        xytext=(0, 6),
        textcoords="offset points",
        ha="center",
        color="#555555",
    )


def _room_above(ax: Axes, from_zero: bool) -> None:
    """Y limits with a margin above the data (for the written values), from 0 if asked.

    Set explicitly: fixing only the bottom would freeze the top at the data's edge.
    """
    low, high = ax.dataLim.intervaly
    if not np.isfinite([low, high]).all():
        return
    low = min(0.0, low) if from_zero else low
    pad = 0.12 * (high - low) if high > low else max(abs(high), 1.0) * 0.12
    ax.set_ylim(low if from_zero else low - pad, high + pad)


def _is_stat(entry: object) -> bool:
    return isinstance(entry, Mapping) and "mean" in entry and "ci_low" in entry


def _stat(entry: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    """The statistic of an outcome in one strategy's summary (profile ones by suffix)."""
    if _is_stat(entry.get(name)):
        return entry[name]
    for profile, stats in entry.get("by_profile", {}).items():
        suffix = f"_{profile}"
        if name.endswith(suffix) and _is_stat(stats.get(name[: -len(suffix)])):
            return stats[name[: -len(suffix)]]
    return None


def _clipped(name: str, stat: Mapping[str, Any]) -> tuple[float, float, float]:
    """Mean and interval of a summary statistic, the interval cut to the possible range."""
    mean = float(stat["mean"])
    low = float(stat["ci_low"] if stat["ci_low"] is not None else mean)
    high = float(stat["ci_high"] if stat["ci_high"] is not None else mean)
    low, high = _within_range(name, np.array([low, high]))
    return mean, float(low), float(high)


def _within_range(name: str, bounds: np.ndarray) -> np.ndarray:
    """Interval bounds cut to what the outcome can be (:func:`simulation.i18n.words.clipped`).

    A t interval over few replications can cross those limits, which reads as nonsense.
    """
    cut = np.vectorize(lambda b: clipped(name, float(b)), otypes=[float])
    return cut(bounds)


def _outcome_rows(point_summary: pd.DataFrame, outcome: str) -> tuple[pd.DataFrame, list[str]]:
    """The rows of one outcome and the factor columns of a point summary."""
    missing = [c for c in SUMMARY_COLUMNS if c not in point_summary.columns]
    if missing:
        raise ValueError(f"not a sweep's point summary: no column {missing[0]!r}")
    known = list(dict.fromkeys(point_summary["outcome"]))
    if outcome not in known:
        raise ValueError(f"unknown outcome {outcome!r}; the table has {', '.join(known)}")
    factors = [c for c in point_summary.columns if c not in SUMMARY_COLUMNS]
    return point_summary[point_summary["outcome"] == outcome], factors


def _factor(name: str, factors: list[str]) -> str:
    if name not in factors:
        raise ValueError(f"factor {name!r} is not in the table; its factors: {', '.join(factors)}")
    return name


def _cells(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Mean, bounds (averaged over the other factors) and completeness per key combination."""
    top = rows["n"].max()
    table = rows.assign(complete=rows["n"] == top)
    grouped = table.groupby(keys, sort=False)
    cells = grouped[["mean", "ci_low", "ci_high"]].mean()
    cells["complete"] = grouped["complete"].all()
    return cells.reset_index()


def _level_colour(by: str | None, level: object, j: int) -> str:
    if by and by.endswith("strategy") and level in STRATEGY_COLOURS:
        return STRATEGY_COLOURS[level]
    return LINE_COLOURS[j % len(LINE_COLOURS)]


def _subtitle(title: str, averaged: list[str], lang: str, what: str) -> str:
    parts = [title] if title else []
    parts.append(what)
    if averaged:
        names = ", ".join(factor_name(f, lang) for f in averaged)
        parts.append(say("averaged_over", lang, factors=names))
    return " — ".join(parts)
