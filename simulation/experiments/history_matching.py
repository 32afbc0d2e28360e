"""History matching in waves: the parameter sets whose runs the patterns do not rule out.

The method of Vernon, Goldstein & Bower (2010) and Andrianakis et al. (2015), for
patterns given as ranges. For a parameter set x and a pattern j with range
[low_j, high_j], the **implausibility** is

    I_j(x) = max(0, low_j - m_j(x), m_j(x) - high_j) / sqrt(d_j^2 + v_j(x))

with m_j(x) the pattern's simulated value (mean over replications), v_j(x) the
variance of that mean over replications, and d_j the pattern's tolerance (model
discrepancy, one standard deviation): zero inside the range, in standard deviations
outside. A set is ruled out when its largest implausibility over the fitted patterns
exceeds the cut-off (3, after Pukelsheim's three-sigma rule: at least 95 % of any
unimodal distribution lies within three standard deviations). An undefined value
(NaN: e.g. no departures to split) rules a set out.

**Waves.** Wave 1 runs a Latin hypercube over the priors. After each wave, one
Gaussian-process emulator per fitted pattern (scikit-learn) learns the pattern's value
from the wave's sets; the emulated implausibility (the emulator's predictive variance
replacing the replications' variance) screens many candidate sets, drawn by Latin
hypercube in the box of the sets not yet ruled out; the next wave runs a subsample of
the candidates that no emulator of any wave rules out. Waves stop after their number,
or when no candidate passes. The **ensemble** is a subsample of the sets actually run
whose simulated implausibility passes every fitted pattern: every member was checked
by runs, not only by an emulator.

Everything is seeded: the same runs give the same waves and the same ensemble.
This module computes; :mod:`simulation.experiments.ensemble_runs` runs the waves.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.stats import qmc

from simulation.experiments.patterns import EnsembleSpec, Pattern

EMULATOR_ITERATIONS = 40
"""Most L-BFGS-B iterations when fitting an emulator's hyperparameters."""
BOX_MARGIN = 0.1
"""Share of each prior's width added on both sides of the box of sets not ruled out,
from which a wave's candidates are drawn (the emulators cut out the rest)."""


def implausibility(
    values: pd.DataFrame,
    variances: pd.DataFrame,
    patterns: tuple[Pattern, ...],
) -> pd.DataFrame:
    """Implausibility of each set (rows) for each pattern (columns); inf where undefined."""
    out = pd.DataFrame(index=values.index)
    for pattern in patterns:
        m = values[pattern.id].to_numpy(dtype=float)
        v = variances[pattern.id].to_numpy(dtype=float)
        out[pattern.id] = _implausibility(m, np.nan_to_num(v), pattern)
    return out


def _implausibility(mean: np.ndarray, variance: np.ndarray, pattern: Pattern) -> np.ndarray:
    low = -np.inf if pattern.low is None else pattern.low
    high = np.inf if pattern.high is None else pattern.high
    distance = np.maximum(0.0, np.maximum(low - mean, mean - high))
    scale = np.sqrt(pattern.tolerance**2 + variance)
    result = distance / scale
    return np.where(np.isnan(mean), np.inf, result)


def latin_hypercube(n: int, bounds: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``n`` sets drawn by Latin hypercube within ``bounds`` ((P, 2) low and high)."""
    unit = qmc.LatinHypercube(d=bounds.shape[0], rng=rng).random(n)
    return bounds[:, 0] + unit * (bounds[:, 1] - bounds[:, 0])


@dataclasses.dataclass(frozen=True, eq=False)
class Emulator:
    """Gaussian-process emulators of the fitted patterns, learnt from one wave.

    Inputs are scaled to the unit cube of the priors; each pattern has its own
    process (constant times Matérn 5/2 with one length scale per parameter, plus
    white noise for the runs' randomness), with normalised outputs.
    """

    bounds: np.ndarray
    patterns: tuple[Pattern, ...]
    models: tuple  # one fitted GaussianProcessRegressor per pattern

    @classmethod
    def fit(cls, sets: np.ndarray, values: pd.DataFrame, spec: EnsembleSpec, seed: int) -> Emulator:
        """Learn each fitted pattern's value from ``sets`` (rows) and ``values``."""
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

        bounds = spec.bounds
        unit = (sets - bounds[:, 0]) / (bounds[:, 1] - bounds[:, 0])
        models = []
        for pattern in spec.fitted:
            y = values[pattern.id].to_numpy(dtype=float)
            known = np.isfinite(y)
            kernel = ConstantKernel(1.0, (1e-3, 1e5)) * Matern(
                length_scale=np.full(unit.shape[1], 0.5), length_scale_bounds=(1e-2, 1e2), nu=2.5
            ) + WhiteKernel(1e-2, (1e-6, 1.0))
            model = GaussianProcessRegressor(
                kernel, normalize_y=True, optimizer=_fit_hyperparameters, random_state=seed
            )
            if known.sum() >= 2:
                with warnings.catch_warnings():
                    # Length scales at their bound say a parameter does not matter to
                    # this pattern: expected, not a problem to report.
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    model.fit(unit[known], y[known])
            models.append(model if known.sum() >= 2 else None)
        return cls(bounds, spec.fitted, tuple(models))

    def implausibility(self, sets: np.ndarray) -> np.ndarray:
        """Emulated implausibility of ``sets``: (n, fitted patterns)."""
        unit = (sets - self.bounds[:, 0]) / (self.bounds[:, 1] - self.bounds[:, 0])
        out = np.empty((sets.shape[0], len(self.patterns)))
        for j, (pattern, model) in enumerate(zip(self.patterns, self.models, strict=True)):
            if model is None:  # nothing to learn from: rules nothing out
                out[:, j] = 0.0
                continue
            mean, sd = model.predict(unit, return_std=True)
            out[:, j] = _implausibility(mean, sd**2, pattern)
        return out


def _fit_hyperparameters(objective, initial: np.ndarray, bounds: np.ndarray):  # noqa: ANN001, ANN202
    """Maximise the marginal likelihood from the initial length scales, iterations capped.

    scikit-learn's default runs L-BFGS-B to convergence, which for one length scale per
    parameter (15 or so) takes half a minute per pattern; a screening emulator needs
    the scales' orders of magnitude, which the first iterations find.
    """
    from scipy.optimize import minimize

    result = minimize(
        objective,
        initial,
        method="L-BFGS-B",
        jac=True,
        bounds=bounds,
        options={"maxiter": EMULATOR_ITERATIONS},
    )
    return result.x, result.fun


@dataclasses.dataclass(frozen=True)
class Wave:
    """One wave: its sets, their simulated patterns and implausibilities."""

    number: int
    sets: np.ndarray  # (n, P) parameter values
    values: pd.DataFrame  # pattern values by set (index 0..n-1)
    variances: pd.DataFrame
    implausibility: pd.DataFrame  # every pattern (fitted and held out)
    plausible: np.ndarray  # bool (n,): passes every fitted pattern


@dataclasses.dataclass(frozen=True)
class Matching:
    """The outcome of history matching."""

    waves: tuple[Wave, ...]
    members: pd.DataFrame  # wave, set and parameter values of the ensemble's members
    stopped: str  # why the waves stopped


Evaluate = Callable[[int, np.ndarray], tuple[pd.DataFrame, pd.DataFrame]]
"""``evaluate(wave, sets)`` runs the sets and returns their pattern values and variances
(every pattern, indexed 0..n-1, as :func:`simulation.experiments.patterns.pattern_values`)."""


def match(spec: EnsembleSpec, evaluate: Evaluate) -> Matching:
    """Run the waves of ``spec`` through ``evaluate``; the plausible ensemble.

    Args:
        spec: Priors, patterns and wave settings.
        evaluate: Runs a wave's sets (see :data:`Evaluate`).

    Returns:
        The waves and the ensemble; ``members`` is empty if no set run was plausible.
    """
    settings = spec.waves
    root = np.random.SeedSequence(settings.seed)
    streams = root.spawn(settings.count + 1)
    bounds = spec.bounds
    fitted = [p.id for p in spec.fitted]
    waves: list[Wave] = []
    emulators: list[Emulator] = []
    sets = latin_hypercube(settings.points, bounds, np.random.default_rng(streams[0]))
    stopped = f"after {settings.count} wave(s)"
    for number in range(1, settings.count + 1):
        values, variances = evaluate(number, sets)
        implaus = implausibility(values, variances, spec.patterns)
        plausible = (implaus[fitted].to_numpy() <= settings.cutoff).all(axis=1)
        waves.append(Wave(number, sets, values, variances, implaus, plausible))
        if number == settings.count:
            break
        emulators.append(Emulator.fit(sets, values, spec, seed=settings.seed + number))
        rng = np.random.default_rng(streams[number])
        candidates = latin_hypercube(settings.candidates, _box(waves, bounds), rng)
        keep = np.ones(len(candidates), dtype=bool)
        for emulator in emulators:
            keep &= (emulator.implausibility(candidates) <= settings.cutoff).all(axis=1)
        chosen = candidates[keep]
        if len(chosen) == 0:
            stopped = f"after wave {number}: no candidate passes the emulators"
            break
        if len(chosen) > settings.points:
            chosen = chosen[np.sort(rng.choice(len(chosen), settings.points, replace=False))]
        sets = chosen
    return Matching(tuple(waves), _members(spec, waves, streams[-1]), stopped)


def _box(waves: list[Wave], bounds: np.ndarray) -> np.ndarray:
    """Box of the sets not ruled out so far (or every set of the last wave), with margin."""
    plausible = [w.sets[w.plausible] for w in waves if w.plausible.any()]
    if plausible:
        pool = np.concatenate(plausible)
    else:  # nothing plausible yet: the emulators alone steer the next wave
        return bounds.copy()
    width = bounds[:, 1] - bounds[:, 0]
    low = np.maximum(bounds[:, 0], pool.min(axis=0) - BOX_MARGIN * width)
    high = np.minimum(bounds[:, 1], pool.max(axis=0) + BOX_MARGIN * width)
    return np.column_stack([low, np.maximum(high, low + 1e-9 * width)])


def _members(spec: EnsembleSpec, waves: list[Wave], seed: np.random.SeedSequence) -> pd.DataFrame:
    """Up to ``waves.members`` plausible sets run, chosen at random (seeded), in run order."""
    rows = [(w.number, k) for w in waves for k in np.flatnonzero(w.plausible)]
    columns = ["wave", "set", *(p.path for p in spec.parameters)]
    if not rows:
        return pd.DataFrame(columns=columns)
    if len(rows) > spec.waves.members:
        picked = np.random.default_rng(seed).choice(len(rows), spec.waves.members, replace=False)
        rows = [rows[i] for i in np.sort(picked)]
    by_number = {w.number: w for w in waves}
    data = [[n, k, *by_number[n].sets[k]] for n, k in rows]
    return pd.DataFrame(data, columns=columns)
