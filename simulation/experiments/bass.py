"""Checks of the model against known results: the Bass diffusion model.

In the configuration of ``scenarios/validation/bass.yaml`` (homogeneous mixing, one
profile without fear of failure, one tool live from the first weekly decision,
adoption on first use, no reverting, no dropout, every external-support lever at 1)
a non-adopter adopts in week t+1 with probability ``p + q * A(t) / (N - 1)``, with
``p = behaviour.external_influence`` and ``q = behaviour.peer_influence``. Adoption
decisions of a week use the adopters counted at the end of the previous week, so
for large N the adoption share follows the discrete Bass recursion

    F(t+1) = F(t) + (p + q F(t)) (1 - F(t)),    F(0) = 0,

whose continuous-time counterpart is the closed form of Bass (1969)

    F(t) = (1 - exp(-(p + q) t)) / (1 + (q / p) exp(-(p + q) t)).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from simulation.experiments.runner import run_tasks
from simulation.scenario.loading import load_scenario
from simulation.scenario.records import Scenario

BASS_SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "validation" / "bass.yaml"


def bass_recursion(p: float, q: float, weeks: int) -> np.ndarray:
    """Discrete Bass adoption shares F(0..weeks) (F(0) = 0)."""
    shares = np.zeros(weeks + 1)
    for t in range(weeks):
        shares[t + 1] = shares[t] + (p + q * shares[t]) * (1 - shares[t])
    return shares


def bass_closed_form(p: float, q: float, t: np.ndarray | float) -> np.ndarray:
    """Continuous-time Bass (1969) cumulative adoption share at times ``t`` (weeks)."""
    t = np.asarray(t, dtype=float)
    decay = np.exp(-(p + q) * t)
    if p == 0:
        return np.zeros_like(t)
    return (1 - decay) / (1 + (q / p) * decay)


def bass_scenario(
    p: float,
    q: float,
    staff: int | None = None,
    weeks: int | None = None,
    path: str | Path = BASS_SCENARIO,
) -> Scenario:
    """The Bass configuration with coefficients ``p``, ``q`` (and optionally size, weeks)."""
    base = load_scenario(path)
    changes: dict = {"behaviour.external_influence": p, "behaviour.peer_influence": q}
    if staff is not None:
        changes["organisation.total_staff"] = staff
    if weeks is not None:
        changes["horizon_weeks"] = weeks
    return base.override(changes)


def simulate_bass(
    scenario: Scenario, replications: int, seed: int = 1969, workers: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Mean adoption share per week over replications, and its standard error.

    Returns:
        ``(mean, standard_error)``, arrays of shape (weeks + 1,).
    """
    tasks = [(scenario, r, seed) for r in range(replications)]
    runs = np.array(
        [run.timeseries["adoption"].to_numpy() for run in run_tasks(tasks, workers=workers)]
    )
    return runs.mean(axis=0), runs.std(axis=0, ddof=1) / np.sqrt(replications)
