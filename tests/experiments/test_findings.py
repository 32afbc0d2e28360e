"""The findings' ablation table, its paired decomposition and docs/findings.md's tables.

experiments/findings_ablation.py declares the mechanisms switched off to explain the
strategy gaps; these tests check that every entry names real scenario parameters and
changes the scenario, that a small ablation returns paired differences for every
mechanism, strategy pair and outcome, that the claims judged across an ensemble give
the share of members known by construction (rows made up, and a tiny fake ensemble
run for real), and that the generated tables of docs/findings.md are those of
docs/findings_data.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from simulation.experiments.ensemble import Ensemble
from simulation.experiments.executors import SerialExecutor
from simulation.scenario.errors import ScenarioError
from simulation.scenario.records import Scenario
from simulation.scenario.schema import iter_specs

ROOT = Path(__file__).resolve().parents[2]
# The experiment scripts import each other as top-level modules, as when run.
sys.path.insert(0, str(ROOT / "experiments"))

import findings_ablation  # noqa: E402
import findings_claims  # noqa: E402
import findings_ensemble  # noqa: E402
import findings_runs  # noqa: E402
import findings_text  # noqa: E402
import findings_training  # noqa: E402

LEAF_PARAMETERS = {path for path, _, _ in iter_specs(Scenario)}
TINY = {"organisation.total_staff": 40, "horizon_weeks": 60}


@pytest.mark.parametrize("name", list(findings_ablation.ABLATIONS))
def test_every_override_is_a_scenario_parameter(name):
    ablation = findings_ablation.ABLATIONS[name]
    assert ablation.off, f"{name} switches nothing off"
    for path in ablation.off:
        assert path in LEAF_PARAMETERS, f"{name}: {path} is not a scenario parameter"
    switched = Scenario().override(ablation.off)
    assert switched != Scenario(), f"{name} leaves the default scenario as it is"
    assert ablation.description and "\n" not in ablation.description


def test_a_mistyped_entry_is_named_before_anything_runs():
    bad = {"typo": findings_ablation.Ablation("nothing", {"behaviour.practise_rate": 0.0})}
    with pytest.raises(ScenarioError, match="typo"):
        findings_ablation.check_ablations(Scenario(), bad)


def test_small_ablation_returns_paired_differences_for_every_gap():
    base = Scenario().override(TINY)
    replications = 2
    ablations = {
        "practice": findings_ablation.ABLATIONS["practice"],
        # Overrides equal to the defaults: the same runs, so nothing is explained.
        "nothing": findings_ablation.Ablation(
            "the defaults", {"behaviour.practice_rate": base.behaviour.practice_rate}
        ),
    }
    result = findings_ablation.ablation_experiment(
        SerialExecutor(), base, replications, ablations=ablations
    )
    pairs = [findings_runs.pair_key(p) for p in findings_runs.PAIRS]
    outcomes = findings_ablation.OUTCOMES
    assert result["replications"] == replications
    assert set(result["full"]) == set(pairs)
    assert set(result["mechanisms"]) == set(ablations)
    for entry in result["mechanisms"].values():
        assert set(entry["gaps"]) == set(outcomes)
        assert set(entry["effect"]) == set(findings_runs.STRATEGIES)
        for key in outcomes:
            assert set(entry["gaps"][key]) == set(pairs)
            for gap in entry["gaps"][key].values():
                assert set(gap) == {"gap", "explained", "share"}
                assert gap["explained"]["n"] <= replications
    dropout = result["mechanisms"]["practice"]["gaps"]["dropout_share"]
    for pair in pairs:
        # Dropout has a value in every run: explained = whole gap - gap without it.
        whole = result["full"][pair]["dropout_share"]["mean"]
        assert dropout[pair]["explained"]["n"] == replications
        assert dropout[pair]["explained"]["mean"] == pytest.approx(
            whole - dropout[pair]["gap"]["mean"]
        )
        same = result["mechanisms"]["nothing"]["gaps"]["dropout_share"][pair]["explained"]
        assert same["mean"] == same["ci_low"] == same["ci_high"] == 0.0


def _rows(values):
    return [{"replication": r, "dropout_share": v} for r, v in enumerate(values)]


def test_ranking_puts_the_best_first_and_tests_each_step():
    rows = {
        "big_bang": _rows([0.30, 0.32, 0.31]),
        "small_steps": _rows([0.10, 0.11, 0.12]),
        "short_cycle": _rows([0.101, 0.115, 0.118]),  # not distinct from small steps
    }
    ranking = findings_training.ranking(rows, "dropout_share")
    assert ranking == {
        "order": ["small_steps", "short_cycle", "big_bang"],
        "distinct": [False, True],
    }
    assert findings_text.ranking_text(ranking) == "SS = SC > BB"


def test_generated_tables_of_findings_md_are_those_of_the_data():
    text = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    data = json.loads((ROOT / "docs" / "findings_data.json").read_text(encoding="utf-8"))
    assert findings_text.block_names(text), "docs/findings.md has no generated tables"
    assert findings_text.fill(text, findings_text.blocks(data)) == text, (
        "docs/findings.md's tables are stale: run .venv/bin/python experiments/findings.py --tables"
    )


def test_the_batched_rows_are_those_of_one_model_per_run():
    from simulation.model.model import TransitionModel
    from simulation.model.outcomes import flatten
    from simulation.model.seeds import run_seed

    scenario = Scenario().override(TINY).with_strategy("short_cycle")
    rows = findings_runs.run_rows([(scenario, 0), (scenario, 1)])
    for replication, row in enumerate(rows):
        model = TransitionModel(scenario, rng=run_seed(findings_runs.SEED, replication))
        while model.running:
            model.step()
        summary = flatten(model.summary())
        assert {k: row[k] for k in summary} == summary
        assert row["replication"] == replication and row["depth"] is not None


FEWER = findings_claims.Claim(
    1,
    "big bang reduces dropping out",
    "dropout below small steps",
    (findings_claims.gap("dropout_share", "typical", "big_bang", "small_steps", -1),),
)


def _made_up_rows(gaps_by_member, per_member):
    """Rows where replication r of member m has big bang minus small steps = the given gap."""
    rows = {("typical", "big_bang"): [], ("typical", "small_steps"): []}
    for m, gaps in enumerate(gaps_by_member):
        for k in range(per_member):
            r = m * per_member + k
            rows["typical", "small_steps"].append({"replication": r, "dropout_share": 0.1})
            value = 0.1 + gaps[k]
            rows["typical", "big_bang"].append({"replication": r, "dropout_share": value})
    return rows


def test_the_share_of_members_that_agree_is_judged_on_each_members_mean():
    # Member 2: one replication says fewer, the other more; its mean says more.
    gaps = [(-0.02, -0.01), (-0.03, -0.01), (-0.01, 0.03), (0.02, 0.01), (-0.05, -0.04)]
    per_member = 2
    judged = findings_ensemble.judge(
        _made_up_rows(gaps, per_member), lambda r: r // per_member, 156, {"fewer": FEWER}
    )
    agreement = judged["fewer"]["agreement"]
    assert (agreement["agree"], agreement["members"]) == (3, 5)
    wilson = stats.binomtest(3, 5).proportion_ci(method="wilson")
    assert agreement["ci_low"] == pytest.approx(wilson.low)
    assert agreement["ci_high"] == pytest.approx(wilson.high)
    assert agreement["ci_low"] < 0.6 < agreement["ci_high"]
    condition = judged["fewer"]["conditions"][0]
    assert condition["median"] == pytest.approx(-0.015)
    assert condition["mean"]["n"] == 10


def test_the_variance_split_tells_parameters_from_chance():
    # Same value in both replications of each member: all of the spread is parameters'.
    by_parameters = {r: [0.1, 0.3, 0.5][r // 2] for r in range(6)}
    assert findings_ensemble.variance_split(by_parameters, lambda r: r // 2)["parameters"] == 1.0
    # Same pair of values in every member: none of it is.
    by_chance = {r: [0.1, 0.3][r % 2] for r in range(6)}
    assert findings_ensemble.variance_split(by_chance, lambda r: r // 2)["parameters"] == 0.0


def test_an_adoption_level_never_reached_counts_as_slower_than_the_horizon():
    slow = findings_claims.gap("weeks_to_80pct_adoption", "typical", "small_steps", "big_bang", +1)
    rows = {
        ("typical", "small_steps"): [{"replication": 0, "weeks_to_80pct_adoption": None}],
        ("typical", "big_bang"): [{"replication": 0, "weeks_to_80pct_adoption": 150.0}],
    }
    assert findings_ensemble.combination(rows, slow, 156) == {0: 7.0}


def test_a_tiny_fake_ensemble_gives_the_share_known_by_construction():
    # Member 0 keeps everybody (no departure under strain or refusal), member 1 loses
    # staff: "more dropout than with nobody leaving" holds in member 1 only, and the
    # members' parameters must reach their own replications.
    members = pd.DataFrame(
        {
            "member": [0, 1],
            "weight": [0.5, 0.5],
            "behaviour.dropout_strain_rate": [0.0, 0.03],
            "behaviour.dropout_refusal_rate": [0.0, 0.1],
        }
    )
    ensemble = Ensemble(members, {})
    nobody = {"behaviour.dropout_strain_rate": 0.0, "behaviour.dropout_refusal_rate": 0.0}
    base = Scenario().override({**TINY, "horizon_weeks": 104})
    organisations = {"full": (base, {}), "nobody_leaves": (base, nobody)}
    claim = findings_claims.Claim(
        1,
        "staff leave",
        "more dropout than with nobody leaving",
        (
            findings_claims.Condition(
                "full − nobody leaves",
                "dropout_share",
                ((1.0, "full", "big_bang"), (-1.0, "nobody_leaves", "big_bang")),
                +1,
            ),
        ),
    )
    per_member = 2
    rows = findings_ensemble.run_claims(
        SerialExecutor(),
        organisations,
        len(ensemble) * per_member,
        lambda r: ensemble.overrides(ensemble.member_of(r, per_member)),
        {"leave": claim},
    )
    dropout = [row["dropout_share"] for row in rows["full", "big_bang"]]
    assert dropout[:2] == [0.0, 0.0] and min(dropout[2:]) > 0.0
    judged = findings_ensemble.judge(
        rows, lambda r: ensemble.member_of(r, per_member), base.horizon_weeks, {"leave": claim}
    )
    agreement = judged["leave"]["agreement"]
    assert (agreement["agree"], agreement["members"], agreement["share"]) == (1, 2, 0.5)


def test_every_claim_names_variants_that_exist():
    typical = Scenario().override(TINY)
    known = findings_claims.variants(typical, Scenario())
    for variant, strategy in findings_claims.needed(findings_claims.CLAIMS):
        assert variant in known and strategy in findings_runs.STRATEGIES
    # A mechanism switched off stays off whatever a member sets.
    base, off = known["change_load"]
    member = {"behaviour.change_load_weight": 0.07}
    assert base.override(member).override(off).behaviour.change_load_weight == 0.0
