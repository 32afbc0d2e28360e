"""The weekly means and intervals of a comparison (``timeseries.csv``), without running the model.

:func:`simulation.experiments.statistics.mean_ci_by` is the vectorised
:func:`~simulation.experiments.statistics.mean_ci`: these tests hold it to the same
numbers group by group (missing values, one value, none), and
:func:`simulation.experiments.results.weekly_summary` to its layout.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.experiments.results import weekly_summary
from simulation.experiments.statistics import mean_ci, mean_ci_by
from simulation.experiments.weekly import clustered_weekly

STAT = ["mean", "ci_low", "ci_high"]


def stacked(strategies=("small_steps", "big_bang"), replications=4, weeks=5, seed=3):
    """A stacked weekly table as ``Comparison.timeseries`` gives, with random values."""
    rng = np.random.default_rng(seed)
    frames = []
    for strategy in strategies:
        for replication in range(replications):
            frames.append(
                pd.DataFrame(
                    {
                        "strategy": strategy,
                        "replication": replication,
                        "week": np.arange(weeks),
                        "adoption": rng.random(weeks),
                        "active_staff": rng.integers(90, 120, weeks),
                        "strain_mean@Accueil": rng.normal(0.4, 0.1, weeks),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def assert_like_mean_ci(row, values, level=0.95):
    expected = mean_ci(None if pd.isna(v) else float(v) for v in values)
    assert row["n"] == expected["n"]
    for key in STAT:
        if expected[key] is None:
            assert np.isnan(row[key])
        else:
            assert row[key] == pytest.approx(expected[key], rel=1e-12, abs=1e-15)


def test_mean_ci_by_is_mean_ci_of_every_group_and_column():
    frame = pd.DataFrame(
        {
            "g": ["a"] * 5 + ["b"] * 2 + ["c"],
            "x": [1.0, 2.0, np.nan, 4.0, 8.0, 3.0, 3.0, 7.0],  # b: no spread; c: one value
            "y": [np.nan, np.nan, np.nan, np.nan, 1.0, np.nan, np.nan, np.nan],
        }
    )
    long = mean_ci_by(frame, ["g"], ["x", "y"])
    assert list(long.columns) == ["g", "measure", *STAT, "n"]
    assert list(zip(long["g"], long["measure"], strict=True)) == [
        (g, m) for g in "abc" for m in "xy"
    ]
    for _, row in long.iterrows():
        assert_like_mean_ci(row, frame.loc[frame["g"] == row["g"], row["measure"]])
    one = long[(long["g"] == "c") & (long["measure"] == "x")].iloc[0]
    assert one["ci_low"] == one["ci_high"] == one["mean"] == 7.0  # one value: its interval
    none = long[(long["g"] == "b") & (long["measure"] == "y")].iloc[0]
    assert none["n"] == 0 and none[STAT].isna().all()


def test_mean_ci_by_other_levels():
    frame = stacked()
    long = mean_ci_by(frame, ["strategy", "week"], ["adoption"], level=0.8)
    for _, row in long.iterrows():
        group = frame[(frame["strategy"] == row["strategy"]) & (frame["week"] == row["week"])]
        expected = mean_ci(group["adoption"].tolist(), level=0.8)
        assert row["ci_high"] == pytest.approx(expected["ci_high"], rel=1e-12)


def test_weekly_summary_layout_and_numbers():
    table = stacked()
    gap = (table["strategy"] == "small_steps") & (table["replication"] == 1) & (table["week"] == 2)
    table.loc[gap, "adoption"] = np.nan
    summary = weekly_summary(table)
    measures = ["adoption", "active_staff", "strain_mean@Accueil"]
    assert list(summary.columns) == ["strategy", "measure", "week", *STAT, "n"]
    # Strategies in the table's order (not sorted), measures in column order, then weeks.
    expected = [(s, m, w) for s in ("small_steps", "big_bang") for m in measures for w in range(5)]
    assert list(zip(summary["strategy"], summary["measure"], summary["week"], strict=True)) == (
        expected
    )
    for _, row in summary.iterrows():
        runs = table[(table["strategy"] == row["strategy"]) & (table["week"] == row["week"])]
        assert_like_mean_ci(row, runs[row["measure"]])
    gap = summary[(summary["measure"] == "adoption") & (summary["week"] == 2)]
    assert (gap["n"] == [3, 4]).all()  # the missing value is left out, like mean_ci


def test_weekly_summary_of_a_full_size_comparison():
    # 300 runs x 157 weeks x 150 columns, the size of a 3-year, 100-replication comparison.
    rng = np.random.default_rng(0)
    table = stacked(("big_bang", "small_steps", "short_cycle"), replications=100, weeks=157)
    more = pd.DataFrame(rng.random((len(table), 144)), columns=[f"m{k}" for k in range(144)])
    table = pd.concat([table, more], axis=1)
    summary = weekly_summary(table)
    assert len(summary) == 3 * 157 * 147
    assert (summary["n"] == 100).all()
    means = table.groupby(["strategy", "week"], sort=False)["m7"].mean()
    m7 = summary[summary["measure"] == "m7"].set_index(["strategy", "week"])["mean"]
    np.testing.assert_allclose(m7.loc[means.index].to_numpy(), means.to_numpy(), rtol=1e-12)


def general_summary(table):
    """weekly_summary's general path over an ensemble (clustered_mean_ci, then sorted)."""
    from simulation.experiments.uncertainty import clustered_mean_ci

    labels = ("strategy", "week", "replication", "member")
    measures = [c for c in table.select_dtypes(include="number").columns if c not in labels]
    long = clustered_mean_ci(table, ["strategy", "week"], measures)
    strategy, _ = pd.factorize(long["strategy"])
    measure, _ = pd.factorize(long["measure"])
    order = np.lexsort((long["week"].to_numpy(), measure, strategy))
    columns = ["strategy", "measure", "week", *STAT, "n"]
    return long.iloc[order][columns].reset_index(drop=True)


def with_members(table, per_member=2, members=3):
    """Replication r of every strategy uses member (r // per_member) mod members."""
    return table.assign(member=(table["replication"] // per_member) % members)


@pytest.mark.parametrize(
    ("replications", "per_member", "members"),
    [(9, 2, 3), (8, 2, 10), (9, 2, 10), (9, 1, 100)],
    ids=["members of four runs", "of two", "of two and one of one", "one run each"],
)
def test_weekly_summary_over_an_ensemble_is_the_general_code_bit_for_bit(
    replications, per_member, members
):
    table = with_members(stacked(replications=replications, weeks=6), per_member, members)
    # -0.0 in every run of a week: pandas' sum starts from 0.0, and so its mean is 0.0.
    table.loc[
        (table["strategy"] == "big_bang") & (table["week"] == 3), "strain_mean@Accueil"
    ] = -0.0
    # Gaps: a value missing in one run, a member with no value at all one week.
    table.loc[(table["replication"] == 1) & (table["week"] == 2), "adoption"] = np.nan
    table.loc[table["replication"].isin([2, 3]) & (table["week"] == 4), "adoption"] = np.nan
    table.loc[table["replication"] == 8, "active_staff"] = 100  # a member with one run
    table["week"] = table["week"][::-1].to_numpy() % 6  # weeks not in ascending order
    # Members of one run each are left to the general code (pandas sums them otherwise).
    assert (clustered_weekly(table, ["adoption"]) is None) == (per_member == 1)
    fast = weekly_summary(table)
    pd.testing.assert_frame_equal(fast, general_summary(table), check_exact=True)
    assert fast.to_csv(index=False) == general_summary(table).to_csv(index=False)


def test_weekly_summary_over_an_ensemble_of_uneven_runs_takes_the_general_code():
    table = with_members(stacked(replications=5, weeks=4))
    table = table.drop(index=[3]).reset_index(drop=True)  # one run without its last week
    pd.testing.assert_frame_equal(weekly_summary(table), general_summary(table), check_exact=True)


def test_weekly_csv_bytes_read_back_to_the_weekly_summary(tmp_path):
    # What a worker formats for compare (write_comparison writes the same bytes without
    # one): every number of the summary, exactly.
    import io

    from simulation.experiments.results import weekly_csv_bytes
    from simulation.storage import csv_bytes

    table = stacked()
    table["member"] = table["replication"] // 2  # over an ensemble: two runs per set
    summary = weekly_summary(table)
    data = weekly_csv_bytes(table)
    assert data == csv_bytes(summary)
    back = pd.read_csv(io.BytesIO(data))
    expected = summary.astype({"strategy": object, "measure": object})
    numbers = ["mean", "ci_low", "ci_high"]
    expected[numbers] = expected[numbers] + 0.0  # -0.0 is written 0
    pd.testing.assert_frame_equal(back, expected, check_exact=True, check_dtype=False)
