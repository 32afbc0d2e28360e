"""The findings' ablation table, its paired decomposition and docs/findings.md's tables.

experiments/findings_ablation.py declares the mechanisms switched off to explain the
strategy gaps; these tests check that every entry names real scenario parameters and
changes the scenario, that a small ablation returns paired differences for every
mechanism, strategy pair and outcome, and that the generated tables of
docs/findings.md are those of docs/findings_data.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from simulation.experiments.executors import SerialExecutor
from simulation.scenario.errors import ScenarioError
from simulation.scenario.records import Scenario
from simulation.scenario.schema import iter_specs

ROOT = Path(__file__).resolve().parents[2]
# The experiment scripts import each other as top-level modules, as when run.
sys.path.insert(0, str(ROOT / "experiments"))

import findings_ablation  # noqa: E402
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
