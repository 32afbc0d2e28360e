"""The adoption mechanism reduces to the Bass model in the Bass configuration."""

import numpy as np
import pytest

from simulation.experiments.bass import (
    bass_closed_form,
    bass_recursion,
    bass_scenario,
    simulate_bass,
)

STAFF = 5000
WEEKS = 40
REPLICATIONS = 12


@pytest.mark.slow  # 12 replications of 5,000 staff per case: a statistical test over seeds
@pytest.mark.parametrize(
    ("p", "q"),
    [(0.03, 0.4), (0.01, 0.25), (0.1, 0.0), (0.005, 0.8)],
    ids=["p0.03-q0.4", "p0.01-q0.25", "p0.1-q0", "p0.005-q0.8"],
)
def test_mean_adoption_follows_the_discrete_bass_recursion(p, q):
    scenario = bass_scenario(p, q, staff=STAFF, weeks=WEEKS)
    mean, standard_error = simulate_bass(scenario, REPLICATIONS)
    expected = bass_recursion(p, q, WEEKS)
    # Tolerance per week: 4 standard errors of the mean over replications (a false
    # alarm has probability ~6e-5 per week under normality), plus 1/N for the
    # finite-size departures from the large-N recursion: the peer term uses
    # A / (N - 1) rather than A / N, and the mean of a nonlinear recursion differs
    # from the recursion of the mean by a term of order Var(F) ~ 1/N.
    tolerance = 4 * standard_error + 1 / STAFF
    gap = np.abs(mean - expected)
    worst = int(np.argmax(gap - tolerance))
    assert np.all(gap <= tolerance), (
        f"week {worst}: simulated {mean[worst]:.4f}, Bass {expected[worst]:.4f}, "
        f"tolerance {tolerance[worst]:.4f}"
    )


def test_pure_external_influence_is_geometric():
    # With q = 0 the recursion is 1 - (1 - p)^t exactly.
    p = 0.07
    np.testing.assert_allclose(bass_recursion(p, 0.0, 30), 1 - (1 - p) ** np.arange(31))


def test_recursion_approaches_the_closed_form_for_small_coefficients():
    # The discrete recursion is the Euler step of the Bass ODE; with small p and q
    # (slow diffusion) the two agree to within a fraction of a percent.
    p, q, weeks = 0.002, 0.02, 400
    discrete = bass_recursion(p, q, weeks)
    continuous = bass_closed_form(p, q, np.arange(weeks + 1))
    assert np.max(np.abs(discrete - continuous)) < 0.005


def test_closed_form_limits():
    assert bass_closed_form(0.03, 0.4, 0.0) == 0.0
    assert bass_closed_form(0.03, 0.4, 1e4) == pytest.approx(1.0)
    # Pure innovation: 1 - exp(-p t).
    assert bass_closed_form(0.05, 0.0, 10.0) == pytest.approx(1 - np.exp(-0.5))
