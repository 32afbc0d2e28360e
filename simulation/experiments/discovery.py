"""Scenario discovery: the conditions under which an outcome of interest happens.

Given the inputs of many runs (behavioural parameters of the ensemble, factors of a
sweep, uncertain inputs one declares) and which runs are *of interest* (a plan that
misses its thresholds, more than 5 % of staff leaving...), PRIM (the patient rule
induction method, Friedman and Fisher 1999; for scenario discovery Bryant and
Lempert 2010) finds *boxes*: limits on a few inputs inside which the runs of interest
are concentrated. Each box is judged by two numbers:

* **coverage**: the share of all the runs of interest that fall in the box (does it
  explain most of them?);
* **density**: the share of the runs in the box that are of interest (when its
  conditions hold, how often does it happen?).

The peeling and pasting are EMA Workbench's (``ema_workbench.analysis.prim``,
BSD-licensed), imported only when a discovery runs (it takes seconds to import).
What transnum adds is a stated rule to choose one box on each peeling trajectory,
the removal of restrictions that are not significant, a stop once boxes are no longer
meaningful, and plain numbers (:class:`~simulation.experiments.discovery_boxes.Box`,
:class:`~simulation.experiments.discovery_boxes.Limit`) that say it
(:mod:`~simulation.experiments.discovery_text` tells them in French and English).

**Choosing a box** (:func:`discover`): along the trajectory PRIM peels away thin
slices of the inputs' ranges, so density rises while coverage falls; past the true
conditions, peeling further only loses runs of interest to the noise, and with many
inputs and few runs it restricts inputs by chance. So each box of the trajectory is
first *pruned*: each restriction whose quasi-p value (a one-sided binomial test: would
the box's runs of interest be that many at the density of the box without that
restriction? Bryant and Lempert 2010) exceeds ``significance`` is dropped, the least
significant first, and the values recomputed after each drop (a numeric input's
lower and upper limits are judged apart). The box chosen is then the pruned box with
the best harmonic mean of coverage (of the runs of interest still unexplained) and
density, ``2 c d / (c + d)``, among those restricting something with a coverage of at
least ``min_coverage`` (on a tie, the fewer restrictions, then the earlier box). The
harmonic mean is high only when both are: it neither keeps the whole space (high
coverage, low density) nor a sliver (high density, low coverage), and when two
conditions each explain half of the runs of interest it takes one of them whole
rather than a blur of both.

**Several boxes**: the runs in a box are set aside and PRIM searches the others again
(the covering approach), up to ``max_boxes``, while a box restricts at least one input
and holds at least ``min_cases`` runs of interest at odds at least ``min_odds_ratio``
times those of the runs it was searched among, and at a density above the share of
runs of interest over all the runs. Box k's numbers count the runs that
boxes 1 to k-1 left; its coverage is a share of all the runs of interest, so
coverages add up.

For the plan optimiser, per recommended plan::

    inputs = run_inputs(runs, factors=declared, ensemble=ensemble)  # discovery_files
    boxes = discover(inputs, missed)        # missed: bool per run, the plan misses
    what = "ce plan manque ses seuils"                  # or discovery_text.outcome_words
    sentences = [tell(box, "fr", what) for box in boxes]  # discovery_text.tell
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments.discovery_boxes import Box, Limit, plain_value

MIN_COVERAGE = 0.1
"""Least coverage of a chosen box (of the runs of interest still unexplained): a box
that explains fewer is a detail, not a condition."""
SIGNIFICANCE = 0.05
"""Largest quasi-p value of a restriction that is kept."""
MAX_BOXES = 3
"""Boxes looked for by default: more are rarely told apart from noise."""
MIN_CASES = 5
"""Fewest runs of interest a box must hold to be worth telling."""
MIN_ODDS_RATIO = 2.0
"""A box's odds of a run of interest (density / (1 - density)) must be at least this
many times those of the runs it was searched in (else it tells little more than the
base rate)."""


def discover(
    inputs: pd.DataFrame,
    of_interest: np.ndarray | pd.Series | Sequence[bool],
    *,
    min_coverage: float = MIN_COVERAGE,
    significance: float = SIGNIFICANCE,
    max_boxes: int = MAX_BOXES,
    min_cases: int = MIN_CASES,
    min_odds_ratio: float = MIN_ODDS_RATIO,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> list[Box]:
    """Find the boxes of inputs in which the runs of interest are concentrated (PRIM).

    Args:
        inputs: One row per run, one column per input: numbers (floats or whole
            numbers) or categories (text, booleans, pandas categories). Columns that
            take one value only are ignored.
        of_interest: One boolean per run (row of ``inputs``): the runs to explain.
        min_coverage: Least coverage (0-1) of a chosen box, of the runs of interest
            that earlier boxes left.
        significance: Largest quasi-p value (0-1) of a kept restriction.
        max_boxes: Most boxes returned (>= 1).
        min_cases: Fewest runs of interest in a box.
        min_odds_ratio: Least ratio of a box's odds of a run of interest to those of
            the runs it was searched in.
        peel_alpha: Share of a box's runs peeled away at each step (EMA's default).
        paste_alpha: Share of runs pasted back at each step (EMA's default).
        mass_min: Least share of all the runs in a box (EMA's default).

    Returns:
        The boxes, first found first; empty when no run or every run is of interest
        (nothing to explain), or when no box is meaningful.

    Raises:
        ValueError: ``of_interest`` has another length than ``inputs``, or a numeric
            input has missing values.
    """
    interest = np.asarray(of_interest, dtype=bool).reshape(-1)
    if interest.shape[0] != len(inputs):
        raise ValueError(f"{interest.shape[0]} outcomes of interest for {len(inputs)} runs")
    if max_boxes < 1:
        raise ValueError("max_boxes must be at least 1")
    total = int(interest.sum())
    if total == 0 or total == len(interest):
        return []
    x, names = _prepared(inputs)
    if x.shape[1] == 0:
        return []
    prim_class = _prim_class()
    base_rate = total / len(interest)
    with _quiet():
        prim = prim_class(
            x,
            interest.astype(int),
            peel_alpha=peel_alpha,
            paste_alpha=paste_alpha,
            mass_min=mass_min,
        )
        return _boxes(
            prim,
            interest,
            names,
            inputs,
            base_rate,
            min_coverage=min_coverage,
            significance=significance,
            max_boxes=max_boxes,
            min_cases=min_cases,
            min_odds_ratio=min_odds_ratio,
        )


# --------------------------------------------------------------------------- PRIM


def _boxes(
    prim,
    interest: np.ndarray,
    names: dict[str, str],
    inputs: pd.DataFrame,
    base_rate: float,
    *,
    min_coverage: float,
    significance: float,
    max_boxes: int,
    min_cases: int,
    min_odds_ratio: float,
) -> list[Box]:
    """Find boxes one after the other, each among the runs the earlier ones left."""
    boxes: list[Box] = []
    taken = np.zeros(len(interest), dtype=bool)  # runs in the boxes found so far
    while len(boxes) < max_boxes:
        left, searched = int(interest[~taken].sum()), int((~taken).sum())
        if left < min_cases or left == searched:
            break
        found = prim.find_box()
        if found is None:
            break
        chosen = _choose(found, prim, ~taken, interest, min_coverage, significance)
        if chosen is None:  # no box of the trajectory keeps a significant restriction
            break
        box = _box(found, chosen, prim, names, inputs, len(boxes) + 1, base_rate)
        if not _meaningful(box, left / searched, min_cases, min_odds_ratio):
            break
        boxes.append(box)
        taken[np.asarray(found.yi)] = True
    return boxes


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence EMA Workbench's warnings (deprecations of pandas calls it makes)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"ema_workbench(\..*)?$")
        yield


def _prim_class():
    """EMA Workbench's PRIM, imported on first use (its package takes seconds to load).

    Its package warns at import that optional parts (ipyparallel, altair) are missing;
    PRIM needs neither.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*ipyparallel.*")
        warnings.filterwarnings("ignore", message=".*altair.*")
        from ema_workbench.analysis.prim import Prim
    return Prim


def _prepared(inputs: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The inputs as PRIM takes them, under plain column names; those names' inputs.

    Numbers become float64, whole numbers too (EMA's pasting of whole-number columns
    fails on a fractional quantile); anything else becomes text categories. Plain
    names because EMA gives some names a meaning of its own (it drops a column named
    ``scenario``).
    """
    columns: dict[str, pd.Series] = {}
    names: dict[str, str] = {}
    for i, name in enumerate(inputs.columns):
        column = inputs[name].reset_index(drop=True)
        if column.nunique(dropna=False) <= 1:
            continue  # one value: nothing to say about it
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        if numeric:
            if column.isna().any():
                raise ValueError(f"input {name!r} has missing values")
            column = column.astype("float64")
        else:
            column = column.astype(str)
        key = f"x{i}"
        columns[key] = column
        names[key] = str(name)
    return pd.DataFrame(columns), names


def _choose(
    found, prim, searched: np.ndarray, interest: np.ndarray, min_coverage: float, alpha: float
) -> int | None:
    """Prune every box of ``found``'s trajectory, add the best to it; its index (module docstring).

    Args:
        found: The box EMA's PRIM found, with its trajectory.
        prim: EMA's PRIM (its data and initial box).
        searched: Which runs were searched (those no earlier box holds).
        interest: Which runs are of interest.
        min_coverage: Least coverage of the runs of interest searched.
        alpha: Largest quasi-p value of a kept restriction (``significance``).

    Returns:
        The index of the chosen box, added last to the trajectory (its runs are those
        PRIM sets aside before the next box), or None if no pruned box restricts anything.
    """
    rows = np.flatnonzero(searched)
    x = prim.x.iloc[rows]
    y = interest[rows]
    left = int(y.sum())
    best = None
    for index, limits in enumerate(found.box_lims):
        sides = _pruned(_sides(limits, prim.box_init, x), y, alpha)
        if not sides:
            continue
        inside = np.logical_and.reduce([mask for _, _, mask in sides])
        k, n = int(y[inside].sum()), int(inside.sum())
        coverage, density = k / left, (k / n if n else 0.0)
        if coverage < min_coverage - 1e-12 or k == 0:
            continue
        score = 2 * coverage * density / (coverage + density)
        key = (-score, len(sides), index)
        if best is None or key < best[0]:
            best = (key, limits, sides, inside)
    if best is None:
        return None
    _, limits, sides, inside = best
    kept = prim.box_init.copy()
    for name, side, _ in sides:  # the kept restrictions, the others back at the range's ends
        if isinstance(kept[name].iloc[0], set):
            kept[name] = limits[name]
        else:
            kept.loc[side, name] = limits.loc[side, name]
    found.update(kept, rows[inside])  # EMA recomputes its numbers and quasi-p values
    return len(found.peeling_trajectory) - 1


def _sides(limits: pd.DataFrame, initial: pd.DataFrame, x: pd.DataFrame) -> list[tuple]:
    """A box's restricted sides: (column, 0 lower or 1 upper, which rows of ``x`` hold it).

    A categorical restriction is one side (0). Limits are inclusive, as EMA's.
    """
    sides = []
    for name in limits.columns:
        low, high = limits[name].iloc[0], limits[name].iloc[1]
        first, last = initial[name].iloc[0], initial[name].iloc[1]
        if isinstance(first, set):
            if set(low) != set(first):
                sides.append((name, 0, x[name].isin(low).to_numpy()))
            continue
        values = x[name].to_numpy(dtype=float)
        if low > first:
            sides.append((name, 0, values >= low))
        if high < last:
            sides.append((name, 1, values <= high))
    return sides


def _pruned(sides: list[tuple], y: np.ndarray, alpha: float) -> list[tuple]:
    """``sides`` less those whose quasi-p value exceeds ``alpha``, least significant first.

    A side's quasi-p value: the chance of at least the box's runs of interest among
    its runs at the density of the box without that side (one-sided binomial test).
    """
    from scipy.stats import binom

    sides = list(sides)
    while sides:
        masks = np.array([mask for _, _, mask in sides])
        inside = masks.all(axis=0)
        n, k = int(inside.sum()), int(y[inside].sum())
        if n == 0:
            return []
        worst, worst_p = 0, -1.0
        for i in range(len(sides)):
            without = np.delete(masks, i, axis=0).all(axis=0) if len(sides) > 1 else None
            rate = y.mean() if without is None else y[without].mean()
            p = float(binom.sf(k - 1, n, rate))
            if p > worst_p:
                worst, worst_p = i, p
        if worst_p <= alpha:
            return sides
        del sides[worst]
    return sides


def _quasi_p(values: dict) -> dict[str, float]:
    """Each restriction's quasi-p value: the larger of its restricted sides' (-1: free)."""
    return {name: max(float(v) for v in sides) for name, sides in values.items()}


def _box(
    found, chosen: int, prim, names: dict[str, str], inputs: pd.DataFrame, number: int, base: float
) -> Box:
    """Box ``chosen`` of ``found``'s trajectory, in the inputs' own names and values."""
    limits_table = found.box_lims[chosen]
    initial = prim.box_init
    quasi = _quasi_p(found.p_values[chosen])
    limits = []
    for key, name in names.items():
        lower, upper = limits_table[key].iloc[0], limits_table[key].iloc[1]
        first, last = initial[key].iloc[0], initial[key].iloc[1]
        if isinstance(first, set):  # categories
            if set(lower) == set(first):
                continue
            original = _categories(inputs[name])
            limits.append(
                Limit(
                    name,
                    categories=tuple(original[c] for c in sorted(lower)),
                    all_categories=tuple(original[c] for c in sorted(first)),
                    quasi_p=quasi.get(key, math.nan),
                )
            )
            continue
        low = float(lower) if lower > first else None
        high = float(upper) if upper < last else None
        if low is None and high is None:
            continue
        limits.append(
            Limit(
                name,
                low=low,
                high=high,
                range_low=float(first),
                range_high=float(last),
                quasi_p=quasi.get(key, math.nan),
            )
        )
    trajectory = found.peeling_trajectory.iloc[chosen]  # its numbers: the runs searched
    return Box(
        number=number,
        limits=tuple(limits),
        coverage=float(trajectory["coverage"]),
        density=float(trajectory["density"]),
        mass=float(trajectory["mass"]),
        cases=int(trajectory["n"]),
        cases_of_interest=int(trajectory["k"]),
        base_rate=base,
    )


def _categories(column: pd.Series) -> dict[str, Any]:
    """Each category's text (as PRIM saw it) and its own value."""
    return {str(v): plain_value(v) for v in column.drop_duplicates()}


def _meaningful(box: Box, searched_rate: float, min_cases: int, min_odds_ratio: float) -> bool:
    """Whether a box says more than noise: restrictions, enough cases, a clear lift.

    The lift is judged on the odds (density / (1 - density)), which, unlike a ratio of
    shares, stays within reach when most of the runs searched are of interest. A later
    box must also be denser than all the runs together: conditions under which the
    outcome is rarer than on average do not say when it happens.
    """
    if not box.limits or box.cases_of_interest < min_cases or box.density <= box.base_rate:
        return False
    if box.density >= 1.0:
        return True
    odds = box.density / (1 - box.density)
    return odds >= min_odds_ratio * searched_rate / (1 - searched_rate)
