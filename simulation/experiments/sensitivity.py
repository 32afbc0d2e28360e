"""Global sensitivity analysis of an experiment's range factors, with SALib.

* Morris elementary effects (Morris 1991; Campolongo et al. 2007): ``mu_star`` (mean
  absolute effect, with its bootstrap interval) ranks the parameters, ``sigma``
  flags non-linear effects and interactions. ``design.samples`` trajectories of
  k + 1 points each, on a grid of ``design.levels`` levels.
* Sobol indices (Saltelli 2002; Saltelli et al. 2010): ``S1`` (first-order share of
  the variance) and ``ST`` (total effect, interactions included), each with a
  bootstrap 95 % interval. ``design.samples`` is the base sample N (a power of 2),
  for N (k + 2) points.

Every point is run ``replications`` times with common random numbers and the
outcome is averaged over replications before the analysis, so that the indices
describe the parameters, not the run-to-run noise. Whole-number parameters are
rounded in the runs; the analysis uses the design as sampled.

Each index row carries a ``warning`` (empty when the estimate looks sound): a sample
too small for stable estimates, an index outside its valid range, a total effect
below the first-order one by more than their intervals, or an interval too wide to
rank the parameters (:mod:`~simulation.experiments.index_checks`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simulation.experiments.experiment import Experiment, Point, design_points
from simulation.experiments.index_checks import index_warnings
from simulation.i18n.language import say
from simulation.scenario.errors import RANGE, ScenarioError

METHODS: tuple[str, ...] = ("morris", "sobol")

DEFAULT_OUTCOMES: tuple[str, ...] = (
    "adoption_final",
    "weeks_to_50pct_adoption",
    "dropout_share",
    "rps_high_person_weeks",
    "efficiency_gain",
)


def problem(experiment: Experiment, method: str | None = None) -> dict:
    """The SALib problem of the experiment's range factors.

    Args:
        experiment: The experiment.
        method: The analysis asked for (named in the messages; default the file's).

    Raises:
        ScenarioError: if a factor is a list of levels, or there is no range factor.
    """
    method = method or experiment.design.method
    analysis = say("error.sensitivity.analysis", method=method)
    if experiment.level_factors:
        first = next(iter(experiment.level_factors))
        raise ScenarioError(
            say("error.sensitivity.all_ranges", analysis=analysis, range=RANGE),
            path=f"factors.{first}",
        )
    ranges = experiment.range_factors
    if not ranges:
        raise ScenarioError(
            say("error.sensitivity.one_range", analysis=analysis, range=RANGE), path="factors"
        )
    return {
        "num_vars": len(ranges),
        "names": list(ranges),
        "bounds": [list(bounds) for bounds in ranges.values()],
    }


def sample(experiment: Experiment, method: str) -> np.ndarray:
    """The design's parameter values, one row per point (SALib, seeded)."""
    spec = problem(experiment, method)
    design = experiment.design
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(spec, N=design.samples, num_levels=design.levels, seed=design.seed)
    if method == "sobol":
        from SALib.sample import sobol

        if design.samples & (design.samples - 1):
            raise ScenarioError(
                say("error.sensitivity.power_of_two", samples=design.samples),
                path="design.samples",
            )
        return sobol.sample(spec, design.samples, calc_second_order=False, seed=design.seed)
    raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")


def sensitivity_points(
    experiment: Experiment, folder: Path, method: str
) -> tuple[np.ndarray, list[Point]]:
    """The design (parameter values) and the points that run it."""
    values = sample(experiment, method)
    spec = problem(experiment, method)
    lows = np.array([b[0] for b in spec["bounds"]])
    highs = np.array([b[1] for b in spec["bounds"]])
    unit = (values - lows) / (highs - lows)
    return values, design_points(experiment, folder, unit_samples=unit)


def point_means(runs: pd.DataFrame, outcome: str, n_points: int) -> np.ndarray:
    """Mean of ``outcome`` over the successful replications of each point (NaN if none)."""
    ok = runs[runs["status"] == "ok"]
    means = ok.groupby("point")[outcome].mean()
    return means.reindex(range(n_points)).to_numpy(dtype=float)


def analyze(
    experiment: Experiment,
    method: str,
    values: np.ndarray,
    runs: pd.DataFrame,
    outcomes: tuple[str, ...],
) -> pd.DataFrame:
    """Sensitivity indices of each outcome for each parameter.

    Returns:
        Long table: outcome, parameter and, for Morris, mu, mu_star, mu_star_conf,
        sigma; for Sobol, S1, S1_conf, ST, ST_conf. The intervals are the half-widths
        of 95 % bootstrap intervals. Outcomes missing at some points are left out.
    """
    spec = problem(experiment, method)
    rows = []
    for outcome in outcomes:
        y = point_means(runs, outcome, len(values))
        if np.isnan(y).any():
            continue
        if method == "morris":
            from SALib.analyze import morris

            result = morris.analyze(
                spec, values, y, num_levels=experiment.design.levels, seed=experiment.design.seed
            )
            keys = ("mu", "mu_star", "mu_star_conf", "sigma")
        else:
            from SALib.analyze import sobol

            result = sobol.analyze(spec, y, calc_second_order=False, seed=experiment.design.seed)
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        for k, name in enumerate(spec["names"]):
            row = {"outcome": outcome, "parameter": name}
            row.update({key: float(result[key][k]) for key in keys})
            row["warning"] = ";".join(index_warnings(row, method, experiment.design.samples))
            rows.append(row)
    return pd.DataFrame(rows)
