"""History matching: implausibility, waves on an analytic simulator, and failure."""

import numpy as np
import pandas as pd
import pytest

from simulation.experiments.history_matching import implausibility, latin_hypercube, match
from simulation.experiments.patterns import EnsembleSpec, Pattern


def pattern(**fields) -> Pattern:
    base = {
        "id": "p",
        "outcome": "adoption_final",
        "scenarios": ["a"],
        "tolerance": 0.01,
        "tolerance_reason": "test",
        "source": "test",
    }
    return Pattern.from_value({**base, **fields})


def toy_spec(low=0.9, high=1.0, count=3, points=60, members=30, seed=1) -> EnsembleSpec:
    """Two parameters in [0, 1]; the fitted pattern is their sum (see :func:`toy`)."""
    return EnsembleSpec.from_value(
        {
            "name": "toy",
            "parameters": [
                {"path": "behaviour.external_influence", "low": 0, "high": 1},
                {"path": "behaviour.peer_influence", "low": 0, "high": 1},
            ],
            "scenarios": [{"id": "a"}],
            "patterns": [
                {
                    "id": "sum",
                    "outcome": "adoption_final",
                    "scenarios": ["a"],
                    "low": low,
                    "high": high,
                    "tolerance": 0.01,
                    "tolerance_reason": "test",
                    "source": "test",
                },
                {
                    "id": "first",
                    "outcome": "dropout_share",
                    "scenarios": ["a"],
                    "high": 0.1,
                    "tolerance": 0.01,
                    "tolerance_reason": "test",
                    "source": "test",
                    "use": "holdout",
                },
            ],
            "waves": {
                "count": count,
                "points": points,
                "candidates": 2000,
                "members": members,
                "seed": seed,
            },
        }
    )


NOISE = 0.01


def toy(number: int, sets: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A simulator whose pattern is x + y plus noise of sd NOISE (seeded by the sets)."""
    rng = np.random.default_rng([number, len(sets)])
    values = pd.DataFrame(
        {"sum": sets.sum(axis=1) + NOISE * rng.standard_normal(len(sets)), "first": sets[:, 0]}
    )
    variances = pd.DataFrame({"sum": np.full(len(sets), NOISE**2), "first": 0.0})
    return values, variances


def test_implausibility_is_zero_inside_and_scaled_outside():
    p = pattern(low=0.5, high=0.7, tolerance=0.03)
    values = pd.DataFrame({"p": [0.6, 0.5, 0.8, 0.35, np.nan]})
    variances = pd.DataFrame({"p": [0.0, 0.0, 0.04**2, 0.0, 0.0]})
    out = implausibility(values, variances, (p,))["p"].to_numpy()
    # 0.8 is 0.1 above: 0.1 / sqrt(0.03^2 + 0.04^2) = 2; 0.35 is 0.15 below: 5.
    np.testing.assert_allclose(out[:4], [0.0, 0.0, 2.0, 5.0])
    assert out[4] == np.inf  # undefined: ruled out


def test_one_sided_patterns():
    p = pattern(low=0.95)
    out = implausibility(pd.DataFrame({"p": [0.99, 0.93]}), pd.DataFrame({"p": [0, 0]}), (p,))
    np.testing.assert_allclose(out["p"], [0.0, 2.0])


def test_latin_hypercube_fills_each_stratum_once():
    bounds = np.array([[0.0, 1.0], [10.0, 20.0]])
    sets = latin_hypercube(50, bounds, np.random.default_rng(3))
    for j, (low, high) in enumerate(bounds):
        strata = np.floor((sets[:, j] - low) / (high - low) * 50).astype(int)
        assert sorted(strata) == list(range(50))


def test_waves_find_the_plausible_band_and_stay_inside_the_priors():
    result = match(toy_spec(), toy)
    members = result.members
    assert len(members) == 30
    total = members["behaviour.external_influence"] + members["behaviour.peer_influence"]
    # Members passed I <= 3 on their simulated value: |x + y + noise - range| <= 3 sqrt(2) 0.01
    # outside [0.9, 1.0]; the noise (sd 0.01) can add at most a few sd more.
    assert total.between(0.9 - 0.1, 1.0 + 0.1).all()
    assert members.iloc[:, 2:].stack().between(0, 1).all()
    # Waves focus: the share of plausible sets grows from the prior's (about a sixth:
    # the band's area plus its margin) to most of each later wave.
    shares = [w.plausible.mean() for w in result.waves]
    assert shares[0] < 0.35
    assert min(shares[1:]) > 0.6


def test_same_inputs_same_ensemble():
    first = match(toy_spec(), toy)
    again = match(toy_spec(), toy)
    pd.testing.assert_frame_equal(first.members, again.members)
    other = match(toy_spec(seed=2), toy)
    assert not other.members.equals(first.members)


def test_an_impossible_target_gives_no_consistent_set():
    result = match(toy_spec(low=5.0, high=6.0), toy)  # x + y is at most 2
    assert result.members.empty
    assert not any(w.plausible.any() for w in result.waves)


@pytest.mark.parametrize("members", [1, 500])
def test_members_are_capped_and_never_invented(members):
    result = match(toy_spec(members=members, count=2, points=30), toy)
    plausible = sum(int(w.plausible.sum()) for w in result.waves)
    assert len(result.members) == min(members, plausible)
