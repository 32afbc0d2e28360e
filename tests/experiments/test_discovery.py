"""Scenario discovery (simulation/experiments/discovery.py): PRIM finds planted boxes.

Synthetic data: uniform inputs on [0, 1], of interest inside a planted box, with 5 %
of the labels flipped at random (label noise). The tolerances are stated where they
are used; they follow from PRIM's steps (each peel removes 5 % of the box's runs:
about 0.015 of x1's range near the planted box) and from the noise (which bounds the
coverage and density any box can reach).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from simulation.experiments.discovery import Box, Limit, discover
from simulation.experiments.discovery_files import run_inputs
from simulation.experiments.ensemble import Ensemble

NOISE = 0.05
LOW_X1 = 0.3  # planted: x1 below this...
HIGH_X2 = 0.6  # ... and x2 above this
LIMIT_TOLERANCE = 0.03  # two peeling steps of x1's range near the box
RUNS = 1000


def planted(seed: int, runs: int = RUNS, inputs: int = 4, noise: float = NOISE):
    """Uniform inputs x1..xk, of interest when x1 < 0.3 and x2 > 0.6; a share ``noise`` flipped."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((runs, inputs)), columns=[f"x{i + 1}" for i in range(inputs)])
    inside = ((x["x1"] < LOW_X1) & (x["x2"] > HIGH_X2)).to_numpy()
    flipped = rng.random(runs) < noise
    return x, inside ^ flipped


def ceilings(noise: float = NOISE) -> tuple[float, float]:
    """The coverage and density of the planted box itself, in expectation.

    The box holds 0.3 x 0.4 = 12 % of the runs, of interest but for the flipped ones;
    flipped runs outside it are of interest too and no box can hold them.
    """
    mass = LOW_X1 * (1 - HIGH_X2)
    inside, outside = mass * (1 - noise), (1 - mass) * noise
    return inside / (inside + outside), 1 - noise


def recovered(box: Box) -> bool:
    """Whether ``box`` is the planted one: x1 from above, x2 from below, nothing else."""
    limits = {limit.input: limit for limit in box.limits}
    if set(limits) != {"x1", "x2"}:
        return False
    x1, x2 = limits["x1"], limits["x2"]
    return (
        x1.side == "below"
        and x2.side == "above"
        and abs(x1.high - LOW_X1) <= LIMIT_TOLERANCE
        and abs(x2.low - HIGH_X2) <= LIMIT_TOLERANCE
    )


def test_prim_recovers_a_planted_box_and_restricts_nothing_else():
    x, interest = planted(seed=1)
    boxes = discover(x, interest)
    assert boxes, "a box is found"
    box = boxes[0]
    limits = {limit.input: limit for limit in box.limits}
    assert set(limits) == {"x1", "x2"}  # x3 and x4 are irrelevant: left free
    assert limits["x1"].side == "below" and limits["x1"].low is None
    assert limits["x2"].side == "above" and limits["x2"].high is None
    assert abs(limits["x1"].high - LOW_X1) <= LIMIT_TOLERANCE
    assert abs(limits["x2"].low - HIGH_X2) <= LIMIT_TOLERANCE
    coverage, density = ceilings()  # 0.72 and 0.95
    assert box.coverage >= coverage - 0.1  # floors: the ceilings less sampling noise
    assert box.density >= density - 0.08
    # The numbers are those of the box's own limits on the data.
    inside = box.contains(x)
    assert box.cases == inside.sum()
    assert box.cases_of_interest == interest[inside].sum()
    assert box.density == pytest.approx(interest[inside].mean())
    assert box.coverage == pytest.approx(interest[inside].sum() / interest.sum())
    assert box.mass == pytest.approx(inside.mean())
    assert box.base_rate == pytest.approx(interest.mean())
    # A quasi-p value per restriction, each significant.
    assert all(0 <= limit.quasi_p <= 0.05 for limit in box.limits)
    # The range each limit restricts is the sampled one.
    assert limits["x1"].range_low == x["x1"].min() and limits["x1"].range_high == x["x1"].max()


@pytest.mark.slow
def test_the_planted_box_is_recovered_for_most_seeds():
    # 20 data sets; a seed fails if the first box misses a limit by more than the
    # tolerance, restricts an irrelevant input or is missing. At least 18 of 20.
    found = [bool(b) and recovered(b[0]) for b in (discover(*planted(s)) for s in range(20))]
    assert sum(found) >= 18, found


def test_two_planted_boxes_are_found_one_after_the_other():
    rng = np.random.default_rng(4)
    x = pd.DataFrame(rng.random((1500, 4)), columns=["a", "b", "c", "d"])
    first = ((x["a"] < 0.3) & (x["b"] < 0.4)).to_numpy()
    second = ((x["c"] > 0.7) & (x["d"] > 0.6)).to_numpy()
    interest = (first | second) ^ (rng.random(len(x)) < 0.02)
    boxes = discover(x, interest, max_boxes=3)
    assert len(boxes) >= 2
    found = [set(box.inputs) for box in boxes[:2]]
    assert {"a", "b"} in found and {"c", "d"} in found
    assert [box.number for box in boxes] == list(range(1, len(boxes) + 1))
    # Box 2 counts only the runs box 1 left: coverages add up to at most 1.
    assert sum(box.coverage for box in boxes) <= 1 + 1e-9
    assert all(box.density > 0.8 for box in boxes[:2])


def test_max_boxes_caps_the_boxes():
    rng = np.random.default_rng(4)
    x = pd.DataFrame(rng.random((1500, 4)), columns=["a", "b", "c", "d"])
    interest = ((x["a"] < 0.3) & (x["b"] < 0.4)).to_numpy() | (x["c"] > 0.8).to_numpy()
    assert len(discover(x, interest, max_boxes=1)) == 1


def test_a_categorical_input_keeps_its_categories():
    rng = np.random.default_rng(2)
    runs = 1200
    x = pd.DataFrame(
        {
            "rollout.strategy": rng.choice(["big_bang", "small_steps", "short_cycle"], runs),
            "load": rng.random(runs),
            "other": rng.random(runs),
            "flag": rng.random(runs) < 0.5,  # booleans are categories too
        }
    )
    inside = ((x["rollout.strategy"] == "big_bang") & (x["load"] > 0.5)).to_numpy()
    interest = inside ^ (rng.random(runs) < 0.03)
    box = discover(x, interest)[0]
    limits = {limit.input: limit for limit in box.limits}
    assert set(limits) == {"rollout.strategy", "load"}
    strategy = limits["rollout.strategy"]
    assert strategy.categorical and strategy.side == "in"
    assert strategy.categories == ("big_bang",)
    assert set(strategy.all_categories) == {"big_bang", "small_steps", "short_cycle"}
    assert abs(limits["load"].low - 0.5) <= LIMIT_TOLERANCE
    assert box.cases == box.contains(x).sum()


def test_a_column_named_scenario_and_whole_numbers_are_inputs_like_others():
    # EMA drops a column called "scenario" from its own data: inputs keep theirs.
    rng = np.random.default_rng(5)
    runs = 1000
    x = pd.DataFrame(
        {
            "scenario": rng.choice(["a.yaml", "b.yaml"], runs),
            "organisation.total_staff": rng.integers(50, 2000, runs),
            "noise": rng.random(runs),
        }
    )
    inside = (x["scenario"] == "b.yaml").to_numpy() & (x["organisation.total_staff"] > 1200)
    box = discover(x, inside ^ (rng.random(runs) < 0.02))[0]
    limits = {limit.input: limit for limit in box.limits}
    assert set(limits) == {"scenario", "organisation.total_staff"}
    assert limits["scenario"].categories == ("b.yaml",)
    assert abs(limits["organisation.total_staff"].low - 1200) <= 0.03 * 1950


def test_labels_unrelated_to_the_inputs_give_no_box():
    rng = np.random.default_rng(8)
    x = pd.DataFrame(rng.random((1000, 4)), columns=list("abcd"))
    assert discover(x, rng.random(1000) < 0.2) == []


def test_nothing_to_explain_gives_no_box_and_bad_calls_are_refused():
    x, _ = planted(seed=1, runs=100)
    assert discover(x, np.zeros(100, dtype=bool)) == []
    assert discover(x, np.ones(100, dtype=bool)) == []
    with pytest.raises(ValueError, match="99 outcomes of interest for 100 runs"):
        discover(x, np.zeros(99, dtype=bool))
    with pytest.raises(ValueError, match="max_boxes"):
        discover(x, np.zeros(100, dtype=bool), max_boxes=0)
    holes = x.assign(x1=x["x1"].where(x["x1"] > 0.1))
    with pytest.raises(ValueError, match="'x1' has missing values"):
        discover(holes, np.arange(100) < 50)


def test_a_limit_holds_and_tells_its_side():
    values = pd.Series([0.1, 0.5, 0.9])
    assert Limit("x", high=0.5).side == "below"
    assert Limit("x", low=0.5).side == "above"
    assert Limit("x", low=0.2, high=0.6).side == "between"
    assert Limit("x", low=0.2, high=0.6).holds(values).tolist() == [False, True, False]
    kept = Limit("s", categories=("a",), all_categories=("a", "b"))
    assert kept.side == "in" and kept.holds(pd.Series(["a", "b"])).tolist() == [True, False]
    plain = dataclasses.replace(kept, quasi_p=0.01).to_plain()
    assert plain["categories"] == ["a"] and plain["side"] == "in" and plain["quasi_p"] == 0.01


def test_run_inputs_give_each_run_its_members_parameters():
    members = pd.DataFrame(
        {
            "member": [0, 1, 2],
            "weight": [1 / 3] * 3,
            "behaviour.strain_recovery": [0.05, 0.1, 0.2],
            "behaviour.refusal_weeks": [10.0, 20.0, 30.0],
        }
    )
    ensemble = Ensemble(members, {})
    runs = pd.DataFrame(
        {
            "member": [2, 0, 0, 1],
            "levers.training_capacity": [5, 5, 30, 30],
            "behaviour.refusal_weeks": [12, 12, 12, 12],  # a factor: its value stands
            "dropout_share": [0.1, 0.2, 0.3, 0.4],
        },
        index=[7, 8, 9, 10],
    )
    inputs = run_inputs(
        runs,
        factors=["levers.training_capacity", "behaviour.refusal_weeks"],
        ensemble=ensemble,
        kept=["behaviour.refusal_weeks"],
    )
    assert list(inputs.columns) == [
        "levers.training_capacity",
        "behaviour.refusal_weeks",
        "behaviour.strain_recovery",
    ]
    assert inputs.index.tolist() == [7, 8, 9, 10]
    expected = members.set_index("member")["behaviour.strain_recovery"]
    assert inputs["behaviour.strain_recovery"].tolist() == expected[runs["member"]].tolist()
    assert inputs["behaviour.refusal_weeks"].tolist() == [12] * 4
    assert list(run_inputs(runs, factors=["levers.training_capacity"]).columns) == [
        "levers.training_capacity"
    ]
    with pytest.raises(KeyError, match="member"):
        run_inputs(runs.drop(columns="member"), ensemble=ensemble)
    with pytest.raises(KeyError, match="nope"):
        run_inputs(runs, factors=["nope"])


@pytest.mark.slow
def test_ema_workbench_is_imported_only_when_discovery_runs_and_quietly():
    # Its package takes seconds to import and warns about optional parts PRIM does not
    # need (ipyparallel, altair): neither is for the user to see.
    import subprocess
    import sys

    script = (
        "import sys, numpy as np, pandas as pd\n"
        "import simulation.experiments.discovery as d, simulation.experiments.discovery_text\n"
        "print('before', 'ema_workbench' in sys.modules)\n"
        "x = pd.DataFrame({'a': np.linspace(0, 1, 200)})\n"
        "d.discover(x, x['a'].to_numpy() < 0.3)\n"
        "print('after', 'ema_workbench' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "always", "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["before", "False", "after", "True"]
    assert "Warning" not in done.stderr, done.stderr
