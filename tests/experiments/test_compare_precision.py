"""Tests of strategy comparisons with a precision target, of paired differences, and of
the ``transnum compare`` output (runner.py, cli.py).

With ``precision``, compare_strategies adds the same replications to every strategy
(so the pairing by replication holds) until each strategy's 95 % half-width is under
the target, or ``max_replications`` is reached; the runs are then exactly those of a
plain comparison with that many replications. Paired differences are checked against
differences computed by hand, replication by replication. Targets are derived from
a first run, never hard-coded. Runs use a 60-staff commune over 30 to 40 weeks.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from helpers import run_on_file
from scipy import stats

from simulation.experiments.runner import compare_strategies
from simulation.experiments.statistics import mean_ci
from simulation.model.outcomes import flat_outcome_names
from simulation.scenario.records import Scenario

SMALL = Scenario().override({"organisation.total_staff": 60, "horizon_weeks": 40})
PAIR = ("big_bang", "small_steps")
OUTCOME = "adoption_final"


def half_widths(runs: pd.DataFrame, replications: int) -> dict[str, float]:
    """Half-width of the 95 % interval of OUTCOME per strategy, over the first runs."""
    first = runs[runs["replication"] < replications]
    result = {}
    for strategy, group in first.groupby("strategy"):
        stat = mean_ci(group[OUTCOME].tolist())
        result[strategy] = (stat["ci_high"] - stat["ci_low"]) / 2
    return result


def compare_pair_in_process(replications: int = 3, **options):
    """The two strategies of PAIR on SMALL under root seed 21 (options as compare_strategies)."""
    return compare_strategies(SMALL, PAIR, replications=replications, seed=21, **options)


def without_wall(comparison) -> pd.DataFrame:
    return comparison.runs_table().drop(columns="wall_s")


@pytest.fixture(scope="module")
def first_round():
    """Three replications of each strategy: the half-widths that targets are set from."""
    comparison = compare_pair_in_process()
    widths = half_widths(comparison.runs_table(), 3)
    assert max(widths.values()) > 0  # the outcome varies, so more runs can narrow it
    return comparison, widths


def test_precision_adds_replications_equally_until_every_half_width_is_met(first_round):
    _, widths = first_round
    # Not met by the widest interval at 3 replications; about 1.1 x 3 x 2.5^2 ~ 21 needed.
    target = max(widths.values()) / 2.5
    cap = 40
    plans: list[int] = []
    comparison = compare_pair_in_process(
        precision={OUTCOME: target}, max_replications=cap, on_plan=plans.append
    )
    runs = comparison.runs_table()
    n = comparison.replications
    assert n > 3
    assert len(runs) == len(PAIR) * n
    for strategy in PAIR:
        assert runs.loc[runs["strategy"] == strategy, "replication"].tolist() == list(range(n))
    # Every round adds the same replications to both strategies.
    assert sum(plans) == len(runs)
    assert all(count % len(PAIR) == 0 for count in plans)
    boundaries = [3 + sum(plans[1:k]) // len(PAIR) for k in range(1, len(plans) + 1)]
    assert boundaries[-1] == n
    # It went on only while some strategy missed the target ...
    for done in boundaries[:-1]:
        assert max(half_widths(runs, done).values()) > target
    # ... and stopped once every strategy met it, or at the cap.
    final = half_widths(runs, n)
    assert all(width <= target for width in final.values()) or n == cap
    summary = comparison.summary()
    for strategy in PAIR:
        stat = summary[strategy][OUTCOME]
        assert stat["n"] == n
        assert (stat["ci_high"] - stat["ci_low"]) / 2 == pytest.approx(final[strategy])

    # The runs are those of a plain comparison with n replications: same seeds, same pairs.
    plain = compare_pair_in_process(replications=n)
    pd.testing.assert_frame_equal(without_wall(comparison), without_wall(plain))


def test_precision_stops_at_max_replications():
    comparison = compare_pair_in_process(precision={OUTCOME: 1e-9}, max_replications=6)
    assert comparison.replications == 6
    counts = comparison.runs_table().groupby("strategy").size()
    assert counts.to_dict() == {s: 6 for s in PAIR}


def test_precision_already_met_adds_nothing(first_round):
    comparison, widths = first_round
    plans: list[int] = []
    again = compare_pair_in_process(
        precision={OUTCOME: max(widths.values()) * 1.01}, on_plan=plans.append
    )
    assert again.replications == 3
    assert plans == [len(PAIR) * 3]
    pd.testing.assert_frame_equal(without_wall(again), without_wall(comparison))


def hand_paired(runs: pd.DataFrame, a: str, b: str, outcome: str) -> dict:
    """Mean and Student-t 95 % interval of a - b over replications with both values."""
    left = runs[runs["strategy"] == a].set_index("replication")[outcome]
    right = runs[runs["strategy"] == b].set_index("replication")[outcome]
    diffs = [left[r] - right[r] for r in left.index if pd.notna(left[r]) and pd.notna(right[r])]
    n = len(diffs)
    if n == 0:
        return {"mean": None, "ci_low": None, "ci_high": None, "n": 0}
    mean = sum(diffs) / n
    if n == 1:
        return {"mean": mean, "ci_low": mean, "ci_high": mean, "n": 1}
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1))
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def assert_matches(row, expected: dict) -> None:
    assert row["n"] == expected["n"]
    for key in ("mean", "ci_low", "ci_high"):
        if expected[key] is None:
            assert pd.isna(row[key])
        else:  # summation order differs: agree to rounding
            assert row[key] == pytest.approx(expected[key], rel=1e-9, abs=1e-12)


def test_paired_differences_equal_hand_computed_differences():
    strategies = ("big_bang", "small_steps", "short_cycle")
    comparison = compare_strategies(SMALL, strategies, replications=4, seed=8)
    runs = comparison.runs_table()
    paired = comparison.paired_differences()
    outcomes = [o for o in flat_outcome_names() if o in runs]
    pairs = [
        ("big_bang", "small_steps"),
        ("big_bang", "short_cycle"),
        ("small_steps", "short_cycle"),
    ]
    assert list(zip(paired["level_a"], paired["level_b"], strict=True)) == [
        pair for pair in pairs for _ in outcomes
    ]
    assert paired["outcome"].tolist() == outcomes * len(pairs)
    for row in paired.to_dict("records"):
        assert_matches(row, hand_paired(runs, row["level_a"], row["level_b"], row["outcome"]))
    # Pairing removes the shared variation: the difference is not always zero.
    adoption = paired[paired["outcome"] == OUTCOME]
    assert (adoption["mean"].abs() > 0).any()


# ----------------------------------------------------------------- the command

SMALL_FILE = "name: Petite commune\norganisation:\n  total_staff: 60\nhorizon_weeks: 40\n"


def compare_pair(folder, *options: object):
    """``transnum compare`` of the two strategies of PAIR on the small file, serially.

    With the scenario's own parameters, as ``compare_pair_in_process`` (precision over
    the ensemble: tests/experiments/test_compare_ensemble.py).
    """
    ran = run_on_file(
        folder,
        "compare",
        "small.yaml",
        SMALL_FILE,
        "--strategies",
        ",".join(PAIR),
        "--workers",
        1,
        "--parameters",
        "default",
        *options,
    )
    return ran.result, ran.out


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    return compare_pair(tmp_path_factory.mktemp("compare"), "--replications", 3, "--seed", 21)


def test_compare_prints_the_paired_differences_table(compared):
    result, _ = compared
    assert result.exit_code == 0, result.output
    assert "Paired differences" in result.output
    assert "big bang − small steps" in result.output


def test_compare_writes_paired_csv_and_summary_json(compared, first_round):
    result, out = compared
    assert result.exit_code == 0, result.output
    paired = pd.read_csv(out / "paired.csv")
    # The command ran the same comparison as first_round (same scenario, seed, replications).
    expected = first_round[0].paired_differences()
    assert list(paired.columns) == list(expected.columns)
    assert paired[["level_a", "level_b", "outcome"]].values.tolist() == (
        expected[["level_a", "level_b", "outcome"]].values.tolist()
    )
    pd.testing.assert_frame_equal(paired, expected, check_dtype=False, rtol=1e-12)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    records = summary["paired_differences"]
    assert len(records) == len(paired)
    for record, row in zip(records, paired.to_dict("records"), strict=True):
        assert (record["level_a"], record["level_b"], record["outcome"]) == (
            row["level_a"],
            row["level_b"],
            row["outcome"],
        )
        assert record["n"] == row["n"]
        for key in ("mean", "ci_low", "ci_high"):
            if pd.isna(row[key]):
                assert record[key] is None
            else:  # summary.json keeps 10 decimals
                assert record[key] == pytest.approx(row[key], abs=1e-9)


def test_compare_with_precision_reports_the_replications_reached(tmp_path):
    result, out = compare_pair(
        tmp_path,
        "--replications",
        2,
        "--weeks",
        30,
        "--precision",
        f"{OUTCOME}=1e-9",
        "--max-replications",
        4,
    )
    assert result.exit_code == 0, result.output
    assert "(4 replications per strategy)" in result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["replications"] == 4
    assert all(record["n"] <= 4 for record in summary["paired_differences"])
    runs = pd.read_csv(out / "runs.csv")
    assert runs.groupby("strategy").size().to_dict() == {s: 4 for s in PAIR}
