"""The debrief's pictures, drawn from a :class:`~simulation.teaching.game.debrief.Debrief`.

* ``trajectories``: adoption and departures week by week on the game's seed, each
  team's plan (solid) beside the three strategies (dashed) and the starting plan
  (dotted);
* ``luck``: for each team, its plan's final adoption and departures on every seed of
  the debrief (small dots), their mean (a bar) and the game's own result (a large
  diamond): how much of a result luck alone moves;
* ``profiles``: for each team, how far its choices moved each profile's adoption and
  departures from the starting plan (means over seeds, in percentage points).

Drawn on ``matplotlib.figure.Figure`` objects in the reports' style
(:mod:`simulation.reports.style`), never through pyplot.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from simulation.i18n.words import phrase, typography
from simulation.reports.style import (
    LINE_COLOURS,
    PROFILE_COLOURS,
    capital,
    decorate,
    legend_below,
    share_axis,
    strategy_name,
    suptitle,
    value_axis,
)
from simulation.scenario.profiles import PROFILES
from simulation.teaching.game.debrief import ROBUST, START, Debrief

STRATEGY_DASHES = {"big_bang": "--", "small_steps": "-.", "short_cycle": (0, (6, 2, 1, 2, 1, 2))}
"""Dashes of the three strategies' curves (drawn in grey beside the teams' colours)."""
ROBUST_MARKERS = {"fastest_safe": "^", "safest": "s", "balanced": "o"}
"""Markers of the optimiser's plans (thin black lines)."""
FIGURES: tuple[str, ...] = ("trajectories", "luck", "profiles")
"""The debrief's pictures, in the order they are shown and exported."""


def figures(debrief: Debrief, lang: str = "fr") -> dict[str, Figure]:
    """Every picture of the debrief, by name (:data:`FIGURES`)."""
    return {
        "trajectories": trajectories(debrief, lang),
        "luck": luck(debrief, lang),
        "profiles": profiles(debrief, lang),
    }


def team_colour(debrief: Debrief, code: str) -> str:
    """A team's colour: the same as on the game's page (its place in the game's teams)."""
    return LINE_COLOURS[debrief.colours.get(code, 0) % len(LINE_COLOURS)]


def _words(key: str, lang: str, **values: object) -> str:
    return typography(phrase(f"game.figure.{key}", lang, **values), lang)


def _plan_style(debrief: Debrief, plan: str, lang: str) -> tuple[str, dict]:
    if plan in debrief.teams:
        colour = team_colour(debrief, plan)
        return debrief.teams[plan], {"color": colour, "linewidth": 2.2}
    if plan == START:
        return capital(phrase("game.start_plan", lang)), {
            "color": "#000000",
            "linestyle": ":",
            "linewidth": 1.5,
        }
    if plan.startswith(ROBUST):
        name = plan.removeprefix(ROBUST)
        label = capital(
            phrase("game.figure.robust", lang, plan=phrase(f"optimise.plan.{name}", lang))
        )
        return label, {
            "color": "#222222",
            "linestyle": "-",
            "linewidth": 1.0,
            "marker": ROBUST_MARKERS.get(name, "o"),
            "markevery": 0.1,
            "markersize": 4,
        }
    # The strategies in greys, told apart by their dashes: the colours are the teams'.
    return capital(strategy_name(plan, lang)), {
        "color": "#555555",
        "linestyle": STRATEGY_DASHES.get(plan, "--"),
        "linewidth": 1.2,
    }


def trajectories(debrief: Debrief, lang: str = "fr") -> Figure:
    """Adoption and departures week by week, every plan on the game's seed."""
    figure = Figure(figsize=(10, 4.6), layout="constrained")
    axes = figure.subplots(1, 2)
    handles, labels = [], []
    for plan, curve in debrief.curves.groupby("plan", sort=False):
        label, style = _plan_style(debrief, str(plan), lang)
        for ax, measure in zip(axes, ("adoption", "dropout"), strict=True):
            (line,) = ax.plot(curve["week"], curve[measure], **style)
        handles.append(line)
        labels.append(label)
    for ax, measure in zip(axes, ("adoption", "dropout"), strict=True):
        decorate(ax, _words(measure, lang), _words("week", lang))
        share_axis(ax, lang)
    legend_below(figure, handles, labels, ncols=5)
    suptitle(figure, _words("trajectories_title", lang), _words("same_seed", lang))
    return figure


def luck(debrief: Debrief, lang: str = "fr") -> Figure:
    """Each team's plan on every seed: the spread luck gives, the mean, the game's result."""
    teams = list(debrief.teams)
    figure = Figure(figsize=(10, 1.2 + 0.7 * len(teams)), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    rng = np.random.default_rng(0)  # jitter of the dots only, the same at every drawing
    for ax, key in zip(axes, ("adoption_final", "departures"), strict=True):
        for row, code in enumerate(teams):
            colour = team_colour(debrief, code)
            values = debrief.runs.loc[debrief.runs["plan"] == code, key].to_numpy(float)
            jitter = rng.uniform(-0.15, 0.15, values.size)
            ax.scatter(values, row + jitter, s=14, color=colour, alpha=0.45, linewidths=0)
            ax.plot([values.mean()] * 2, [row - 0.3, row + 0.3], color=colour, linewidth=2.5)
            ax.scatter(values[0], row, s=90, marker="D", color=colour, edgecolors="black")
        decorate(ax, _words(key, lang))
        if key == "adoption_final":
            share_axis(ax, lang, axis="x")
        else:
            value_axis(ax, "rps_high_person_weeks", lang, axis="x")
    axes[0].set_yticks(range(len(teams)), [debrief.teams[c] for c in teams])
    axes[0].invert_yaxis()
    legend_below(
        figure,
        [
            Line2D([], [], marker="o", linestyle="", color="#555555", alpha=0.5),
            Line2D([], [], color="#555555", linewidth=2.5),
            Line2D([], [], marker="D", linestyle="", color="#555555", markeredgecolor="black"),
        ],
        [
            _words("one_seed", lang, n=debrief.replications),
            _words("mean", lang),
            _words("game_result", lang),
        ],
    )
    suptitle(figure, _words("luck_title", lang))
    return figure


def profiles(debrief: Debrief, lang: str = "fr") -> Figure:
    """How far each team's choices moved each profile from the starting plan."""
    teams = list(debrief.teams)
    figure = Figure(figsize=(10, 1.4 + 0.8 * len(teams)), layout="constrained")
    axes = figure.subplots(1, 2, sharey=True)
    height = 0.8 / len(PROFILES)
    handles = []
    for ax, key in zip(axes, ("adoption", "departures"), strict=True):
        for k, profile in enumerate(PROFILES):
            mine = debrief.profiles[debrief.profiles["profile"] == profile].set_index("team")
            values = [float(mine.loc[c, key]) for c in teams]
            positions = np.arange(len(teams)) - 0.4 + (k + 0.5) * height
            bars = ax.barh(positions, values, height=height, color=PROFILE_COLOURS[profile])
            if key == "adoption":
                handles.append(bars)
        ax.axvline(0, color="black", linewidth=0.8)
        decorate(ax, _words(f"profile_{key}", lang))
        share_axis(ax, lang, axis="x", points=True)
    axes[0].set_yticks(range(len(teams)), [debrief.teams[c] for c in teams])
    axes[0].invert_yaxis()
    legend_below(figure, handles, [capital(phrase(f"word.{p}", lang)) for p in PROFILES])
    suptitle(figure, _words("profiles_title", lang), _words("against_start", lang))
    return figure
