"""The model under Mesa's own tools: its DataCollector and mesa.batch_run."""

import multiprocessing

import mesa
import numpy as np
import pandas as pd
import pytest

from simulation import Scenario, TransitionModel
from simulation.model.agents import StaffMember
from simulation.model.observation import ORGANISATION_MEASURES
from simulation.scenario.schema import ScenarioError


@pytest.fixture(scope="module")
def small() -> Scenario:
    return Scenario().override({"organisation.total_staff": 60, "rollout.start_week": 1})


@pytest.fixture
def start_method():
    """batch_run sets the process start method for everyone; put it back afterwards."""
    before = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(before, force=True)


def test_the_data_collector_holds_the_weekly_table_of_the_organisation(small):
    model = TransitionModel(small, rng=4, **{"horizon_weeks": 12})
    model.run()
    collected = model.datacollector.get_model_vars_dataframe()
    weekly = model.timeseries()[list(ORGANISATION_MEASURES)]
    assert list(collected.columns) == list(ORGANISATION_MEASURES)
    assert len(collected) == len(weekly) == 13  # week 0, then every week
    pd.testing.assert_frame_equal(collected, weekly, check_dtype=False)
    assert collected["adoption"].iloc[-1] > 0, "the test needs some adoption"


def test_overrides_by_dotted_name_are_validated(small):
    model = TransitionModel(small, rng=1, **{"levers.training_capacity": 7, "horizon_weeks": 3})
    assert model.spec.levers.training_capacity == 7 and model.spec.horizon_weeks == 3
    assert model.spec == small.override({"levers.training_capacity": 7, "horizon_weeks": 3})
    with pytest.raises(ScenarioError, match="training_capacit"):
        TransitionModel(small, **{"levers.training_capacit": 7})
    with pytest.raises(ScenarioError):
        TransitionModel(small, **{"levers.training_capacity": -1})


def test_batch_run_returns_one_row_per_run_and_week(small, start_method):
    capacities, seeds, weeks = [5, 80], [1, 2], 6
    rows = mesa.batch_run(
        TransitionModel,
        parameters={
            "scenario": small,
            "levers.training_capacity": capacities,
            "horizon_weeks": weeks,
        },
        rng=seeds,
        data_collection_period=1,
        display_progress=False,
    )
    table = pd.DataFrame(rows)
    assert len(table) == len(capacities) * len(seeds) * (weeks + 1)
    assert set(ORGANISATION_MEASURES) | {"RunId", "iteration", "Step", "rng"} <= set(table.columns)
    for (capacity, seed), run in table.groupby(["levers.training_capacity", "rng"]):
        changes = {"levers.training_capacity": capacity, "horizon_weeks": weeks}
        model = TransitionModel(small.override(changes), rng=seed)
        model.run()
        own = model.timeseries()
        assert run["Step"].tolist() == list(range(weeks + 1))
        np.testing.assert_allclose(
            run[list(ORGANISATION_MEASURES)].to_numpy(dtype=float),
            own[list(ORGANISATION_MEASURES)].to_numpy(dtype=float),
        )
    # The lever changes the outcome: the runs are not copies of one another.
    strain = table[table["Step"] == weeks].groupby("levers.training_capacity")["strain_mean"]
    assert strain.mean().loc[80] != strain.mean().loc[5]


def test_batch_run_with_agent_reporters_on_staff_attributes(small, start_method):
    rows = mesa.batch_run(
        TransitionModel,
        parameters={
            "scenario": small,
            "horizon_weeks": 2,
            "agent_reporters": [{"strain": "strain", "stage": "stage", "active": "active"}],
        },
        rng=[3],
        data_collection_period=1,
        display_progress=False,
    )
    table = pd.DataFrame(rows)
    assert len(table) == 3 * small.staff_count  # weeks 0-2, every staff member
    model = TransitionModel(small, rng=3, horizon_weeks=2)
    model.run()
    last = table[table["Step"] == 2].sort_values("AgentID")
    agents = sorted(model.agents_by_type[StaffMember], key=lambda a: a.unique_id)
    assert last["strain"].tolist() == [a.strain for a in agents]
    assert last["stage"].tolist() == [a.stage for a in agents]
