"""How the strategies' ranking depends on the weekly training time per person.

``levers.max_training_hours`` is the most training a member of staff can take in a
week, shared between the tools they learn at once by ``levers.training_focus`` (even
shares, or all of it to the tool that went live first). Both are assumptions. This
experiment runs the three strategies over a grid of the two, with the organisation's
trainers as set (``levers.training_capacity``) and unlimited, on the same seeds, and
ranks the strategies on each outcome with paired 95 % intervals.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor
from pathlib import Path

from findings_ablation import OUTCOME_LABELS, OUTCOMES, UNLIMITED_TRAINERS
from findings_runs import (
    PAIRS,
    STRATEGIES,
    STRATEGY_COLOURS,
    Rows,
    field_array,
    first,
    pair_key,
    paired,
    run_batch,
    summarise,
)
from matplotlib.figure import Figure

from simulation import Scenario

TRAINING_HOURS = (1.0, 2.0, 4.0, 10.0)
"""Values of ``levers.max_training_hours`` tried, in hours/week per staff."""
TRAINING_FOCUS = ("even", "earliest")
"""Values of ``levers.training_focus`` tried."""
TRAINERS = {"as set": None, "unlimited": UNLIMITED_TRAINERS}
"""Trainer capacity: the scenario's own, or more than can be used."""
HIGHER_IS_BETTER = {
    "dropout_share": False,
    "depth": True,
    "rps_peak_share": False,
    "weeks_to_80pct_adoption": False,
}
"""Direction in which each ranked outcome is better."""

Point = tuple[float, str, str]
"""A point of the grid: max_training_hours, training_focus, trainers."""


def grid() -> list[Point]:
    """Every point of the grid, trainers outermost, then focus, then hours."""
    return [(h, f, t) for t in TRAINERS for f in TRAINING_FOCUS for h in TRAINING_HOURS]


def variant(base: Scenario, point: Point) -> Scenario:
    """``base`` at one point of the grid."""
    hours, focus, trainers = point
    changes: dict = {"levers.max_training_hours": hours, "levers.training_focus": focus}
    if TRAINERS[trainers] is not None:
        changes["levers.training_capacity"] = TRAINERS[trainers]
    return base.override(changes)


def ranking(rows: Mapping[str, Rows], key: str) -> dict:
    """Strategies from best to worst on ``key``, each step tested by a paired interval.

    Returns:
        ``order`` (strategies, best first; those with no value last) and ``distinct``
        (one flag per step: True if the paired 95 % interval of the difference between
        the two neighbours excludes zero).
    """
    higher = HIGHER_IS_BETTER[key]
    means = {s: summarise(rows[s], [key])[key]["mean"] for s in STRATEGIES}

    def order_key(s: str) -> tuple[bool, float]:
        mean = means[s]
        return (mean is None, 0.0 if mean is None else (-mean if higher else mean))

    order = sorted(STRATEGIES, key=order_key)
    distinct = []
    for a, b in zip(order, order[1:], strict=False):
        stat = paired(rows[a], rows[b], key)
        if means[b] is None and means[a] is not None:
            distinct.append(True)  # reached against never reached
        elif stat["ci_low"] is None:
            distinct.append(False)
        else:
            distinct.append(not stat["ci_low"] <= 0.0 <= stat["ci_high"])
    return {"order": order, "distinct": distinct}


def training_hours_experiment(
    pool: Executor, base: Scenario, replications: int, full: Mapping[str, Rows] | None = None
) -> dict:
    """The three strategies over the grid of weekly training time, focus and trainers.

    Args:
        pool: Executor the runs are mapped on.
        base: The organisation and plan at its own settings.
        replications: Paired replications per strategy and point.
        full: Rows by strategy on ``base`` itself (reused for the grid point equal to
            ``base``'s settings), or None.

    Returns:
        ``replications`` and ``points``: per point, its three coordinates, ``outcomes``
        (per strategy, mean and interval), ``paired`` (per strategy pair) and
        ``ranking`` (per outcome, see :func:`ranking`).
    """
    own = (base.levers.max_training_hours, base.levers.training_focus, "as set")
    scenarios = {
        (point, s): variant(base, point).with_strategy(s)
        for point in grid()
        if not (full is not None and point == own)
        for s in STRATEGIES
    }
    rows = run_batch(pool, scenarios, replications)
    points = []
    for point in grid():
        if full is not None and point == own:
            runs = {s: first(full[s], replications) for s in STRATEGIES}
        else:
            runs = {s: rows[point, s] for s in STRATEGIES}
        hours, focus, trainers = point
        points.append(
            {
                "max_training_hours": hours,
                "training_focus": focus,
                "trainers": trainers,
                "outcomes": {s: summarise(runs[s], OUTCOMES) for s in STRATEGIES},
                "paired": {
                    pair_key(p): {k: paired(runs[p[0]], runs[p[1]], k) for k in OUTCOMES}
                    for p in PAIRS
                },
                "ranking": {k: ranking(runs, k) for k in OUTCOMES},
            }
        )
    return {"replications": replications, "points": points}


FOCUS_STYLES = {"even": "-", "earliest": "--"}


def plot_training_hours(result: dict, path: Path, title: str) -> None:
    """Each outcome against weekly training time, by strategy, focus and trainers."""
    figure = Figure(figsize=(15, 7), layout="constrained")
    axes = figure.subplots(len(TRAINERS), len(OUTCOMES), sharex=True)
    for row, trainers in enumerate(TRAINERS):
        for col, key in enumerate(OUTCOMES):
            ax = axes[row, col]
            label, factor, unit = OUTCOME_LABELS[key]
            for focus in TRAINING_FOCUS:
                points = [
                    p
                    for p in result["points"]
                    if p["trainers"] == trainers and p["training_focus"] == focus
                ]
                hours = [p["max_training_hours"] for p in points]
                for strategy in STRATEGIES:
                    stats = [p["outcomes"][strategy][key] for p in points]
                    mean = field_array(stats, "mean") * factor
                    low = field_array(stats, "ci_low") * factor
                    high = field_array(stats, "ci_high") * factor
                    ax.errorbar(
                        hours,
                        mean,
                        yerr=[mean - low, high - mean],
                        color=STRATEGY_COLOURS[strategy],
                        ls=FOCUS_STYLES[focus],
                        marker="o",
                        ms=3,
                        capsize=2,
                        label=f"{strategy.replace('_', ' ')}, {focus}",
                    )
            ax.set_xscale("log")
            ax.set_xticks(TRAINING_HOURS, [f"{h:g}" for h in TRAINING_HOURS])
            ax.minorticks_off()
            ax.grid(alpha=0.3)
            ax.set_title(f"{label}, trainers {trainers}", fontsize=9)
            # Levels, not differences: a share in per cent rather than in points.
            ax.set_ylabel("%" if factor == 100.0 else unit, fontsize=8)
            if row == len(TRAINERS) - 1:
                ax.set_xlabel("levers.max_training_hours (h/week per staff)")
    axes[0, 0].legend(frameon=False, fontsize=7)
    figure.suptitle(title, fontsize=11)
    figure.savefig(path, dpi=110)
