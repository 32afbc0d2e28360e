"""The model as a whole: determinism, seeds, common random numbers, Mesa integration, outcomes."""

from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest
from mesa.discrete_space import Network

from simulation import Scenario, TransitionModel
from simulation.experiments.runner import compare_strategies, run_scenario
from simulation.model.agents import StaffMember
from simulation.model.outcomes import OUTCOMES, summarize
from simulation.model.seeds import run_seed
from simulation.model.state import NOT_LIVE
from simulation.scenario.loading import load_scenario
from simulation.scenario.profiles import PROFILES

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def small() -> Scenario:
    return Scenario().override({"organisation.total_staff": 160, "horizon_weeks": 60})


def run(scenario: Scenario, seed=1) -> TransitionModel:
    model = TransitionModel(scenario, rng=seed)
    model.run()
    return model


def test_same_seed_gives_identical_tables(small):
    first, second = run(small, 7), run(small, 7)
    pd.testing.assert_frame_equal(first.timeseries(), second.timeseries())
    assert first.summary() == second.summary()
    np.testing.assert_array_equal(first.state.strain, second.state.strain)


def test_another_seed_gives_different_tables(small):
    first, second = run(small, 7), run(small, 8)
    assert not first.timeseries().equals(second.timeseries())


def test_integer_seed_is_replication_zero_of_that_root(small):
    by_int = run(small, 11)
    by_sequence = run(small, run_seed(11, 0))
    pd.testing.assert_frame_equal(by_int.timeseries(), by_sequence.timeseries())


def test_default_seed_comes_from_the_scenario(small):
    model = TransitionModel(small)
    assert model.seed_sequence.entropy == small.seed


def test_serial_and_parallel_comparisons_are_identical(small):
    serial = compare_strategies(small, replications=2, workers=1)
    parallel = compare_strategies(small, replications=2, workers=2)
    columns = [c for c in serial.runs_table().columns if c != "wall_s"]
    pd.testing.assert_frame_equal(serial.runs_table()[columns], parallel.runs_table()[columns])
    pd.testing.assert_frame_equal(serial.timeseries(), parallel.timeseries())


def test_replication_shares_network_population_and_draws_across_strategies(small):
    """Common random numbers: replication r sees the same organisation and the same uniforms."""
    models = [
        TransitionModel(small.with_strategy(s), rng=run_seed(3, 1))
        for s in ("big_bang", "small_steps")
    ]
    a, b = models
    assert (a.network.adjacency != b.network.adjacency).nnz == 0
    np.testing.assert_array_equal(a.state.profile, b.state.profile)
    np.testing.assert_array_equal(a.state.vulnerability, b.state.vulnerability)
    for _ in range(30):
        a.step()
        b.step()
    # The decisions stream draws a fixed amount every week, whatever the strategy does.
    np.testing.assert_array_equal(a.state.pair_draw, b.state.pair_draw)
    np.testing.assert_array_equal(a.state.draw, b.state.draw)
    assert not np.array_equal(a.state.live, b.state.live)  # yet the strategies differ


def test_model_is_a_mesa_model_with_staff_agents_on_a_network(small):
    model = TransitionModel(small, rng=2)
    assert isinstance(model, mesa.Model)
    assert isinstance(model.grid, Network)
    staff = model.agents_by_type[StaffMember]
    assert len(staff) == model.network.n_staff == small.staff_count
    for agent in list(staff)[:20]:
        assert agent.cell is model.grid._cells[agent.index]
        # The layout is the cheap precomputed one, not a spring layout.
        np.testing.assert_allclose(agent.cell.position, model.network.layout()[agent.index])


def test_agent_attributes_mirror_the_state_arrays(small):
    model = run(small, 4)
    state = model.state
    overwhelmed = model.agents.select(lambda a: a.profile == "overwhelmed")
    assert len(overwhelmed) == int(np.sum(state.profile == PROFILES.index("overwhelmed")))
    left = model.agents.select(lambda a: not a.active)
    assert len(left) == int(np.sum(~state.active))
    assert all(a.stage == "left" for a in left)
    for agent in list(model.agents)[:30]:
        assert agent.strain == state.strain[agent.index]
        assert agent.service == model.network.service_names[state.service[agent.index]]
        assert 0.0 <= agent.proficiency <= 1.0 and 0.0 <= agent.adoption <= 1.0


def test_mesa_datacollector_collects_model_and_agent_reporters(small):
    model = TransitionModel(small, rng=5)
    collector = mesa.DataCollector(
        model_reporters={"adoption": "adoption_share", "dropout": "dropout_share"},
        agent_reporters={"strain": "strain", "stage": "stage"},
    )
    for _ in range(10):
        model.step()
        collector.collect(model)
    table = collector.get_model_vars_dataframe()
    np.testing.assert_allclose(table["adoption"], model.timeseries()["adoption"].iloc[1:])
    agents = collector.get_agent_vars_dataframe()
    assert len(agents) == 10 * small.staff_count


def test_profile_mix_is_respected():
    scenario = Scenario().override({"organisation.total_staff": 2000, "horizon_weeks": 5})
    model = TransitionModel(scenario, rng=1)
    shares = np.bincount(model.state.profile, minlength=3) / model.network.n_staff
    # Quotas per service: at most one staff member per service off the exact share.
    tolerance = len(scenario.organisation.services) / model.network.n_staff
    np.testing.assert_allclose(shares, [0.1, 0.4, 0.5], atol=tolerance)


def test_weekly_table_is_consistent(small):
    model = run(small, 6)
    table = model.timeseries()
    assert list(table["week"]) == list(range(small.horizon_weeks + 1))
    for column in ("adoption", "trying", "reverted", "deployed", "dropout", "rps_high_share"):
        assert table[column].between(0, 1).all(), column
    assert (np.diff(table["dropout"]) >= 0).all()
    assert (np.diff(table["active_staff"]) <= 0).all()
    # Only external departures leave the organisation; the repositioned stay active.
    np.testing.assert_allclose(
        table["external_departure"], 1 - table["active_staff"] / small.staff_count
    )
    # Dropout is the sum of its causes, and the sum of its destinations.
    causes = ("dropout_strain", "dropout_refusal")
    destinations = ("internal_mobility", "external_departure")
    for parts in (causes, destinations):
        np.testing.assert_allclose(table[parts[0]] + table[parts[1]], table["dropout"], atol=1e-12)
        for profile in PROFILES:
            np.testing.assert_allclose(
                table[f"{parts[0]}_{profile}"] + table[f"{parts[1]}_{profile}"],
                table[f"dropout_{profile}"],
                atol=1e-12,
            )
    # Adopted, trying and reverted are parts of one whole.
    assert (table["adoption"] + table["trying"] + table["reverted"] <= 1 + 1e-12).all()
    # Per-profile active staff add up to the organisation's.
    per_profile = sum(table[f"active_staff_{p}"] for p in PROFILES)
    assert (per_profile == table["active_staff"]).all()
    for service in model.network.service_names:
        assert f"adoption@{service}" in table and f"rps_high_share@{service}" in table
        # A service's departures by cause add up to its dropout.
        causes = table[f"dropout_strain@{service}"] + table[f"dropout_refusal@{service}"]
        np.testing.assert_allclose(causes, table[f"dropout@{service}"], atol=1e-12)
    assert table["processing_time_index"].iloc[0] == 1.0
    assert table["go_lives"].sum() == model.schedule()["go_live_week"].notna().sum()


def test_summary_agrees_with_the_table(small):
    model = run(small, 9)
    table, summary = model.timeseries(), model.summary()
    assert set(OUTCOMES) <= set(summary) and set(summary["by_profile"]) == set(PROFILES)
    assert summary == summarize(table)
    assert summary["adoption_final"] == pytest.approx(table["adoption"].iloc[-1])
    assert summary["dropout_share"] == pytest.approx(table["dropout"].iloc[-1])
    assert summary["rps_peak_share"] == pytest.approx(table["rps_high_share"].max())
    high_counts = (table["rps_high_share"] * table["active_staff"]).iloc[1:].round().sum()
    assert summary["rps_high_person_weeks"] == pytest.approx(high_counts)
    expected = table.index[table["adoption"] >= 0.5]
    assert summary["weeks_to_50pct_adoption"] == (
        int(table["week"][expected[0]]) if len(expected) else None
    )
    assert summary["efficiency_gain"] == pytest.approx(1 / table["processing_time_index"].iloc[-1])


def test_run_scenario_records_its_seed(small):
    result = run_scenario(small, replication=3, seed=42)
    assert result.seed == {"entropy": 42, "spawn_key": [3]}
    rerun = TransitionModel(small, rng=run_seed(42, 3))
    rerun.run()
    pd.testing.assert_frame_equal(result.timeseries, rerun.timeseries())


@pytest.mark.parametrize(
    "path", sorted(SCENARIOS.rglob("*.yaml")), ids=lambda p: str(p.relative_to(SCENARIOS))
)
def test_every_shipped_scenario_runs(path):
    scenario = load_scenario(path)
    result = run_scenario(scenario)
    table = result.timeseries
    assert len(table) == scenario.horizon_weeks + 1
    assert table["deployed"].iloc[-1] > 0, "some tool goes live"
    assert 0 <= result.summary["adoption_final"] <= 1


def test_nothing_moves_before_the_rollout():
    """The initial strain is the pre-rollout fixed point: no drift, no departures."""
    scenario = Scenario().override(
        {
            "organisation.total_staff": 300,
            "horizon_weeks": 20,
            "rollout.strategy": "custom",
            "rollout.training_lead_weeks": 0,
            "rollout.waves": [{"week": 20}],
        }
    )
    model = TransitionModel(scenario, rng=3)
    initial = model.state.strain.copy()
    for _ in range(19):
        model.step()
    np.testing.assert_allclose(model.state.strain, initial, rtol=1e-9)
    assert model.state.active.all()


def test_services_record_the_week_each_pair_went_live():
    model = TransitionModel(Scenario().override({"horizon_weeks": 60}), rng=2)
    model.run()
    live = model.services.live
    planned = model.plan.go_live
    assert live.any()
    np.testing.assert_array_equal(model.services.go_live_week[live], planned[live])
    assert (model.services.go_live_week[~live] == NOT_LIVE).all()


def test_an_earliest_training_focus_changes_the_run_and_even_is_the_default():
    base = Scenario().override({"horizon_weeks": 80}).with_strategy("big_bang")
    even = TransitionModel(base, rng=3)
    earliest = TransitionModel(base, rng=3, **{"levers.training_focus": "earliest"})
    assert base.levers.training_focus == "even"
    for model in (even, earliest):
        model.run()
    assert not np.array_equal(even.state.proficiency, earliest.state.proficiency)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_technophiles_first_follows_the_technophiles_of_the_run(seed):
    """Small steps extend each tool to the services with most technophiles first.

    The counts are those drawn in the run (the ones that pick the pilot); equal counts
    go in the listed order.
    """
    scenario = Scenario().override(
        {
            "organisation.total_staff": 200,
            "rollout.strategy": "small_steps",
            "rollout.service_order": "technophiles_first",
        }
    )
    model = TransitionModel(scenario, rng=seed)
    n_services = len(scenario.organisation.services)
    technophiles = np.bincount(
        model.state.service[model.state.profile == PROFILES.index("technophile")],
        minlength=n_services,
    )
    planned = model.plan.planned
    for t in range(len(scenario.tools)):
        services = np.flatnonzero(model.plan.target[:, t])
        by_week = sorted(services, key=lambda s: planned[s, t])
        expected = sorted(services, key=lambda s: (-technophiles[s], s))
        assert by_week == expected


def five_services(**changes) -> Scenario:
    """Five services of ten staff (``a``-``e``), one tool for all of them, and ``changes``."""
    base = {
        "organisation.services": [{"name": n, "headcount": 10} for n in "abcde"],
        "organisation.relations": [],
        "tools": [{"name": "t1"}],
    }
    return Scenario().override({**base, **changes})


@pytest.mark.parametrize(
    ("changes", "live"),
    [
        # Small steps from week 1: the pilot at week 1, then, after 4 pilot weeks, one
        # service every 2 weeks: weeks 1, 5, 7, 9, 11. By week 8, 3 of the 5 are live.
        (
            {
                "rollout.strategy": "small_steps",
                "rollout.start_week": 1,
                "rollout.small_steps.pilot_weeks": 4,
                "rollout.small_steps.interval_weeks": 2,
            },
            3,
        ),
        # Waves for a and b at week 2, c at week 8 (the horizon: still live); d and e
        # in none.
        (
            {
                "rollout.strategy": "custom",
                "rollout.waves": [
                    {"week": 2, "services": ["a", "b"]},
                    {"week": 8, "services": ["c"]},
                ],
            },
            3,
        ),
        # Big bang after 3 weeks of preparation: all 5 live at week 3.
        ({"rollout.strategy": "big_bang", "rollout.big_bang.preparation_weeks": 3}, 5),
    ],
    ids=["small_steps", "custom", "big_bang"],
)
def test_golives_count_the_target_pairs_not_live_at_the_horizon(changes, live):
    scenario = five_services(horizon_weeks=8, **changes)
    model = run(scenario, 4)
    table, summary = model.timeseries(), model.summary()
    assert (table["pairs_target"] == 5).all()
    assert table["pairs_live"].iloc[0] == 0  # nothing is live before the rollout
    np.testing.assert_array_equal(table["pairs_live"], table["go_lives"].cumsum())
    assert summary["golives_target"] == 5
    assert summary["golives_missing"] == 5 - live
    assert model.schedule()["go_live_week"].notna().sum() == live
