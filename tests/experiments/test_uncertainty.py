"""Statistics over an ensemble: variance split, intervals, paired shares, ranks."""

import numpy as np
import pandas as pd
import pytest

from simulation.experiments.uncertainty import (
    ensemble_summary,
    first_shares,
    paired_ensemble,
    variance_components,
    variance_split,
)


def two_level_runs(rng, members=200, per_member=2, sd_parameters=2.0, sd_chance=1.0):
    """Runs of strategies a and b: y = member effect + shift + noise, paired on replication."""
    effect = rng.normal(0.0, sd_parameters, members)
    rows = []
    for strategy, shift in (("a", 0.0), ("b", 1.0)):
        for r in range(members * per_member):
            m = r // per_member
            rows.append(
                {
                    "strategy": strategy,
                    "replication": r,
                    "member": m,
                    "status": "ok",
                    "dropout_share": effect[m] + shift + rng.normal(0.0, sd_chance),
                }
            )
    return pd.DataFrame(rows)


def test_the_variance_split_recovers_known_components_over_many_seeds():
    # Parameters' variance 4, chance's 1, 100 members of 3 runs, 200 seeds (one group
    # each, estimated at once). The estimators are unbiased: their means within 4
    # standard errors of the truth.
    rng = np.random.default_rng(0)
    members = np.repeat(np.arange(100), 3)
    frames = [
        pd.DataFrame(
            {
                "seed": seed,
                "member": members,
                "y": rng.normal(0, 2.0, 100)[members] + rng.normal(0, 1.0, members.size),
            }
        )
        for seed in range(200)
    ]
    table = variance_components(pd.concat(frames), ["seed"], ["y"])
    assert len(table) == 200 and (table["members"] == 100).all()
    for column, truth in (("parameters", 4.0), ("chance", 1.0)):
        mean, se = table[column].mean(), table[column].std(ddof=1) / np.sqrt(200)
        assert abs(mean - truth) < 4 * se, (column, mean, se)
    # variance_split is the same estimate for one group.
    first = frames[0]
    assert variance_split(first["y"], first["member"]) == pytest.approx(
        tuple(table.iloc[0][["parameters", "chance"]])
    )


def test_the_split_is_missing_without_two_runs_of_a_member_and_zero_without_parameters():
    assert all(np.isnan(variance_split([1.0, 2.0, 3.0], [0, 1, 2])))
    assert all(np.isnan(variance_split([1.0, 2.0], [0, 0])))  # one member
    # No member effect: the parameters' estimate is clipped at zero, never negative.
    rng = np.random.default_rng(3)
    parameters, chance = variance_split(rng.normal(size=400), np.repeat(np.arange(200), 2))
    assert parameters >= 0.0 and chance == pytest.approx(1.0, abs=0.25)  # 400 draws: sd 0.1


def test_missing_values_are_left_out_of_the_split():
    values = [1.0, 3.0, np.nan, 10.0, 12.0, 11.0]
    members = [0, 0, 0, 1, 1, 1]
    parameters, chance = variance_split(values, members)
    # Within: (1 + 1 + 1 + 0 + 1) / (5 - 2) = 4 / 3.
    assert chance == pytest.approx(4 / 3)
    assert parameters > 0


def test_the_ensemble_summary_gives_the_mean_the_interval_over_runs_and_the_share():
    runs = two_level_runs(np.random.default_rng(7), members=300)
    table = ensemble_summary(runs, ["strategy"], ["dropout_share"]).set_index("strategy")
    a = table.loc["a"]
    values = runs.loc[runs["strategy"] == "a", "dropout_share"]
    assert a["mean"] == pytest.approx(values.mean())
    assert a["n"] == 600 and a["members"] == 300
    assert (a["spread_low"], a["spread_high"]) == pytest.approx(
        tuple(values.quantile([0.05, 0.95]))
    )
    # True share 4 / 5; with 300 members of 2 runs its sd is about 0.03.
    assert a["parameter_share"] == pytest.approx(0.8, abs=0.1)
    # The mean's interval is that of the member means (equal sizes: the same thing).
    member_means = runs[runs["strategy"] == "a"].groupby("member")["dropout_share"].mean()
    se = member_means.std(ddof=1) / np.sqrt(300)
    assert a["ci_high"] - a["ci_low"] == pytest.approx(2 * 1.968 * se, rel=0.01)


def test_the_mean_interval_covers_the_truth_at_its_level_over_many_seeds():
    # 95 % intervals over 300 seeds (one group each, summarised at once): coverage
    # within 3 binomial standard errors (3.8 pt).
    rng = np.random.default_rng(5)
    frames = []
    for seed in range(300):
        runs = two_level_runs(rng, members=30)
        frames.append(runs[runs["strategy"] == "a"].assign(strategy=seed))
    # The members are a sample of the distribution of effects, of mean 0.
    table = ensemble_summary(pd.concat(frames), ["strategy"], ["dropout_share"])
    hits = ((table["ci_low"] <= 0.0) & (table["ci_high"] >= 0.0)).mean()
    assert abs(hits - 0.95) < 3 * np.sqrt(0.95 * 0.05 / 300)


def test_paired_differences_over_the_ensemble_say_in_how_many_members_a_is_lower():
    runs = two_level_runs(np.random.default_rng(11), members=400, sd_chance=1.0)
    row = paired_ensemble(runs, "strategy", ["dropout_share"]).iloc[0]
    assert (row["level_a"], row["level_b"]) == ("a", "b")
    assert row["mean"] == pytest.approx(-1.0, abs=0.15)  # sd of the mean about 0.05
    # The member effect cancels in the difference: almost all of it is chance.
    assert row["parameter_share"] < 0.15
    # A member's mean difference is -1 + N(0, 1) (two runs of variance 2): below zero
    # with probability Phi(1) = 0.84; 400 members give a standard error of 0.018.
    assert row["share_below"] == pytest.approx(0.841, abs=0.06)
    assert row["share_below"] + row["share_above"] == pytest.approx(1.0)


def test_first_shares_split_ties_and_rank_never_reached_levels_last():
    runs = pd.DataFrame(
        {
            "strategy": ["a", "b", "a", "b", "a", "b"],
            "replication": [0, 0, 1, 1, 2, 2],
            "member": [0, 0, 1, 1, 2, 2],
            "dropout_share": [0.1, 0.2, 0.3, 0.3, 0.5, 0.1],
            "weeks_to_80pct_adoption": [10.0, np.nan, np.nan, 30.0, 5.0, 6.0],
            "adoption_final": [0.9, 0.95, 0.9, 0.8, 0.7, 0.7],
        }
    )
    shares = first_shares(runs, "strategy").set_index(["outcome", "level"])["share"]
    assert shares["dropout_share", "a"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert shares["weeks_to_80pct_adoption", "a"] == pytest.approx(2 / 3)
    assert shares["adoption_final", "b"] == pytest.approx((1 + 0 + 0.5) / 3)
    for outcome in ("dropout_share", "weeks_to_80pct_adoption", "adoption_final"):
        assert shares[outcome].sum() == pytest.approx(1.0)


def test_runs_without_members_are_refused():
    with pytest.raises(ValueError, match="member"):
        ensemble_summary(pd.DataFrame({"strategy": ["a"], "y": [1.0]}), ["strategy"], ["y"])


def test_a_runs_table_with_none_for_levels_never_reached_is_summarised():
    # Tables built from run summaries hold None (object columns) where 80 % is never
    # reached: those runs are left out of the mean, not an error.
    runs = pd.DataFrame(
        {
            "strategy": ["a"] * 4,
            "replication": [0, 1, 2, 3],
            "member": [0, 0, 1, 1],
            "weeks_to_80pct_adoption": [10, None, 14, 16],
        }
    )
    row = ensemble_summary(runs, ["strategy"], ["weeks_to_80pct_adoption"]).iloc[0]
    assert row["n"] == 3 and row["mean"] == pytest.approx(40 / 3)
