"""Figures of a plan search: the Pareto front and the levers of the plans on it.

Both read the trials table of ``transnum optimise`` (``trials.parquet``) and never run
a model. Candidates are coloured by strategy family; the Pareto set is drawn larger,
the rest faded; the named plans are labelled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from simulation.i18n.words import euros, number, percent, phrase, typography
from simulation.reports.style import STRATEGY_COLOURS, strategy_name

FAMILY = "strategy"
"""Column of the strategy family in the trials table."""
SHARES = ("external_departures", "refusal_departures")
"""Objectives that are shares of the staff (axes in %)."""
PLAN_STYLES = {"fastest_safe": "-", "safest": "--", "balanced": ":"}
"""Line style of each named plan in the levers' figure."""


def say(key: str, lang: str) -> str:
    """A catalogue phrase with French spacing rules."""
    return typography(phrase(key, lang), lang)


def _axis_format(objective: str, lang: str) -> FuncFormatter:
    if objective in SHARES:
        return FuncFormatter(lambda v, _: percent(v, lang, 0 if abs(v) >= 0.1 else 1))
    if objective == "cost":
        return FuncFormatter(lambda v, _: euros(v, lang))
    return FuncFormatter(lambda v, _: number(v, lang))


def _family_colour(family: object) -> str:
    return STRATEGY_COLOURS.get(str(family), "#555555")


def _named(named: Mapping[str, int | None]) -> dict[int, list[str]]:
    by_trial: dict[int, list[str]] = {}
    for name, trial in named.items():
        if trial is not None:
            by_trial.setdefault(int(trial), []).append(name)
    return by_trial


def pareto_figure(
    trials: pd.DataFrame,
    objectives: Sequence[str],
    statistic: str,
    named: Mapping[str, int | None],
    lang: str,
) -> Figure:
    """Each objective against the first (weeks to 80 % adoption if searched).

    Args:
        trials: The trials table (``trials.parquet``).
        objectives: The searched objectives (at least one).
        statistic: ``quantile`` or ``mean``: the statistic the search minimised.
        named: Plan name -> trial number (None: no such plan).
        lang: ``fr`` or ``en``.
    """
    suffix = "_q" if statistic == "quantile" else "_mean"
    first, others = objectives[0], list(objectives[1:]) or [objectives[0]]
    figure = Figure(figsize=(4.2 * min(len(others), 2), 3.6 * -(-len(others) // 2)), dpi=110)
    columns = min(len(others), 2)
    rows = -(-len(others) // 2)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    labels = _named(named)
    for ax, other in zip(axes, others, strict=False):
        x, y = f"{first}{suffix}", f"{other}{suffix}"
        for on_front, alpha, size in ((False, 0.25, 12), (True, 0.9, 30)):
            part = trials[trials["pareto"] == on_front]
            for family, group in part.groupby(FAMILY, sort=True):
                ax.scatter(
                    group[x],
                    group[y],
                    s=size,
                    alpha=alpha,
                    color=_family_colour(family),
                    edgecolors="black" if on_front else "none",
                    linewidths=0.4,
                    label=strategy_name(str(family), lang) if on_front else None,
                )
        for trial, names in labels.items():
            row = trials[trials["trial"] == trial]
            if row.empty:
                continue
            ax.annotate(
                ", ".join(say(f"optimise.plan.{n}", lang) for n in names),
                (float(row[x].iloc[0]), float(row[y].iloc[0])),
                xytext=(6, 6),
                textcoords="offset points",
                fontsize=8,
                arrowprops={"arrowstyle": "-", "lw": 0.5},
            )
        ax.xaxis.set_major_formatter(_axis_format(first, lang))
        ax.yaxis.set_major_formatter(_axis_format(other, lang))
        ax.set_xlabel(say(f"optimise.objective.{first}", lang), fontsize=8)
        ax.set_ylabel(say(f"optimise.objective.{other}", lang), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for ax in axes[len(others) :]:
        ax.set_visible(False)
    handles, names = axes[0].get_legend_handles_labels()
    if handles:
        figure.legend(handles, names, loc="lower center", ncols=len(names), fontsize=8)
    figure.suptitle(say(f"optimise.figure.pareto_{statistic}", lang), fontsize=10)
    figure.tight_layout(rect=(0, 0.06, 1, 0.95))
    return figure


def levers_figure(
    trials: pd.DataFrame,
    levers: Sequence[tuple[str, float | None, float | None, tuple]],
    named: Mapping[str, int | None],
    lang: str,
) -> Figure:
    """Parallel coordinates of the Pareto set's levers, each scaled to its range.

    Args:
        trials: The trials table.
        levers: ``(name, low, high, choices)`` of each lever (choices for categorical
            levers, else empty).
        named: Plan name -> trial number.
        lang: ``fr`` or ``en``.
    """
    front = trials[trials["pareto"]]
    shown = [lever for lever in levers if lever[0] in front and front[lever[0]].notna().any()]
    figure = Figure(figsize=(max(6.0, 0.75 * len(shown) + 2), 4.2), dpi=110)
    ax = figure.subplots()
    positions = np.arange(len(shown))
    for _, row in front.iterrows():
        values = [_scaled(row.get(name), low, high, choices) for name, low, high, choices in shown]
        ax.plot(positions, values, color=_family_colour(row.get(FAMILY)), alpha=0.3, lw=0.8)
    rows = front.set_index("trial")
    for name, trial in named.items():
        if trial is None or trial not in rows.index:
            continue
        row = rows.loc[trial]
        values = [_scaled(row.get(n), low, high, choices) for n, low, high, choices in shown]
        ax.plot(
            positions,
            values,
            color=_family_colour(row.get(FAMILY)),
            lw=2.2,
            ls=PLAN_STYLES.get(name, "-"),
            marker="o",
            ms=3,
            label=say(f"optimise.plan.{name}", lang),
        )
    ax.set_xticks(positions)
    ax.set_xticklabels([say(f"optimise.lever.{lever[0]}", lang) for lever in shown], fontsize=7)
    ax.tick_params(axis="x", labelrotation=40)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.set_ylim(-0.05, 1.05)
    ax.set_yticks([0, 1])
    ax.set_yticklabels([say("optimise.figure.low", lang), say("optimise.figure.high", lang)])
    ax.grid(axis="x", alpha=0.4)
    families = sorted({str(f) for f in front[FAMILY].dropna()}) if FAMILY in front else []
    for family in families:
        ax.plot([], [], color=_family_colour(family), lw=4, label=strategy_name(family, lang))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(say("optimise.figure.levers", lang), fontsize=10)
    figure.tight_layout()
    return figure


def _scaled(value: object, low: float | None, high: float | None, choices: tuple) -> float:
    """A lever's value on a 0-1 axis (NaN where its family has no such lever)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return float("nan")
    if choices:
        index = list(choices).index(value) if value in choices else 0
        return index / max(len(choices) - 1, 1)
    assert low is not None and high is not None
    return (float(value) - low) / (high - low) if high > low else 0.5
