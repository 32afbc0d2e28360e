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
conditions, peeling further only loses runs of interest to the noise. The box chosen
is the one of the trajectory with the best harmonic mean of coverage (of the runs of
interest still unexplained) and density, ``2 c d / (c + d)``, among those with a
coverage of at least ``min_coverage`` (on a tie, the fewer restrictions). The
harmonic mean is high only when both are: it neither keeps the whole space (high
coverage, low density) nor a sliver (high density, low coverage), and when two
conditions each explain half of the runs of interest it takes one of them whole
rather than a blur of both. Then each restriction whose quasi-p value (a one-sided
binomial test: does the box without that restriction have a lower density? Bryant
and Lempert 2010) exceeds ``significance`` is dropped, the least significant first (a
numeric input's lower and upper limits apart).

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
        chosen = _choose(found, left, min_coverage)
        chosen = _drop_insignificant(found, prim, chosen, significance)
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


def _choose(found, left: int, min_coverage: float) -> int:
    """Select on ``found``'s trajectory the box of the stated rule (module docstring)."""
    trajectory = found.peeling_trajectory
    coverage = trajectory["k"].to_numpy(dtype=float) / left  # of the runs still unexplained
    density = trajectory["density"].to_numpy(dtype=float)
    score = np.where(
        coverage >= min_coverage - 1e-12,
        2 * coverage * density / np.maximum(coverage + density, 1e-12),
        -1.0,
    )
    # The best score; on a tie the fewer restrictions, then the earlier box.
    restricted = trajectory["res_dim"].to_numpy()
    chosen = int(min(range(len(score)), key=lambda i: (-score[i], restricted[i], i)))
    found.select(chosen)  # the runs PRIM sets aside before the next box are this box's
    return chosen


def _drop_insignificant(found, prim, chosen: int, significance: float) -> int:
    """Free, least significant first, the restricted sides whose quasi-p value is too large.

    A numeric input's two sides are judged apart (a box may need only its upper
    limit); a categorical restriction as a whole. Each change adds a box to the
    trajectory (EMA's ``update``) and selects it; returns the index of the box left.
    """
    while True:
        sides = [
            (float(qp), name, side)
            for name, values in found.p_values[chosen].items()
            for side, qp in enumerate(values)
            if float(qp) >= 0  # -1: a side not restricted
        ]
        if not sides:
            return chosen
        worst, name, side = max(sides)
        if worst <= significance:
            return chosen
        if prim.box_init[name].dtype == object:  # categories: the restriction goes whole
            found.drop_restriction(name, chosen)
        else:
            _free_side(found, prim, chosen, name, side)
        chosen = len(found.peeling_trajectory) - 1


def _free_side(found, prim, chosen: int, name: str, side: int) -> None:
    """Add to the trajectory box ``chosen`` with one side of ``name`` back at its range's end.

    Side 0 is the lower limit, 1 the upper; the box's runs are those of the runs
    searched that it holds (limits inclusive, as EMA's).
    """
    limits = found.box_lims[chosen].copy()
    limits.loc[side, name] = prim.box_init.loc[side, name]
    searched = np.asarray(prim.yi_remaining)
    x = prim.x.loc[searched]
    inside = np.ones(len(searched), dtype=bool)
    for column in limits.columns:
        low, high = limits[column].iloc[0], limits[column].iloc[1]
        if isinstance(low, set):
            inside &= x[column].isin(low).to_numpy()
        else:
            values = x[column].to_numpy(dtype=float)
            inside &= (values >= low) & (values <= high)
    found.update(limits, searched[inside])


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
