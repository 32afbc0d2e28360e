"""Strain by source (simulation/model/mechanisms/strain.py, sources.py, observation.py).

Checks that strain splits exactly into its sources' parts, that each demand term acts
where the study says (monotony on back-office posts, the always-on load on staff who
stay connected, most of them managers, lowered by a right to disconnect), and that
the weekly table and the summary attribute high strain to sources consistently.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulation import Scenario, TransitionModel
from simulation.model.mechanisms import strain
from simulation.model.population import always_on
from simulation.model.sources import (
    BASELINE,
    DIGITAL_TURN,
    MONOTONY,
    STRAIN_SOURCES,
    TOOLS,
    WORKLOAD,
)
from simulation.model.state import Services, StaffState, Tools
from simulation.scenario.behaviour import Behaviour
from simulation.scenario.levers import Levers

BEHAVIOUR = Behaviour()
STRAIN = strain.coefficients(BEHAVIOUR, Levers())


def week_of(state: StaffState, services: Services, tools: Tools, c=STRAIN, weeks: int = 1):
    for _ in range(weeks):
        strain.update(state, services, tools, c)


def random_staff(seed: int, n: int = 12, n_tools: int = 3) -> tuple[StaffState, Services, Tools]:
    rng = np.random.default_rng(seed)
    state = StaffState.empty(n, n_tools)
    state.team[:] = rng.integers(0, 3, n)
    state.service[:] = rng.integers(0, 2, n)
    state.live[:] = rng.random((n, n_tools)) < 0.6
    state.target[:] = True
    state.proficiency[:] = rng.random((n, n_tools))
    state.strain[:] = rng.random(n)
    state.vulnerability[:] = rng.random(n) + 0.5
    state.always_on[:] = rng.random(n) < 0.5
    state.active[:] = rng.random(n) < 0.9
    services = Services.start(np.array([0.2, 0.7]), np.array([6.0, 6.0]), n_tools)
    services.workload[:] = [1.3, 0.8]  # the second receives repositioned staff
    services.recent_change[:] = [0.5, 1.0]
    tools = Tools(np.array([0.5, 1.0, 1.5]), np.zeros(n_tools), np.array([1.0, 3.0, 0.5]))
    return state, services, tools


@pytest.mark.parametrize("seed", range(5))
def test_the_parts_add_up_to_the_strain_week_after_week(seed):
    state, services, tools = random_staff(seed)
    for _ in range(30):
        week_of(state, services, tools)
        np.testing.assert_allclose(state.strain_parts.sum(axis=1), state.strain, rtol=1e-12)
    assert (state.strain_parts >= 0).all()  # recovery + contagion <= 1: no part below 0


def test_strain_set_from_outside_is_the_baselines():
    state, services, tools = random_staff(1)
    state.strain[:] = 0.7
    state.strain_parts[:] = 0.0
    week_of(state, services, tools, STRAIN._replace(strain_recovery=0.0, strain_contagion=0.0))
    # With no recovery and no contagion, the baseline part is the 0.7 plus its demand.
    active = state.active
    gain = state.strain_parts[active, BASELINE] - 0.7
    assert (gain > 0).all()


def test_a_source_switched_off_takes_no_strain():
    state, services, tools = random_staff(2)
    state.strain[:] = 0.0
    c = STRAIN._replace(change_load_weight=0.0, monotony_weight=0.0)
    week_of(state, services, tools, c, weeks=20)
    assert not state.strain_parts[:, DIGITAL_TURN].any()
    assert not state.strain_parts[:, MONOTONY].any()  # and everybody is back office here
    assert state.strain_parts[state.active, TOOLS].min() > 0


def test_extra_hands_take_no_demand_away():
    state, services, tools = random_staff(3)
    week_of(state, services, tools)
    in_second = state.active & (state.service == 1)  # workload 0.8
    in_first = state.active & (state.service == 0)  # workload 1.3
    assert (state.demand_parts[in_second, WORKLOAD] == 0).all()
    np.testing.assert_allclose(
        state.demand_parts[in_first, WORKLOAD], STRAIN.workload_weight * 0.3, rtol=1e-12
    )


def test_monotony_weighs_on_back_office_posts_in_proportion_to_what_is_digitised():
    state, services, tools = random_staff(4, n=4)
    state.active[:] = True
    state.service[:] = [0, 0, 1, 1]
    services.job_type[:] = [1, 0]  # back office, front office
    state.live[:] = [[True, False, False], [True, True, True], [True, True, True], [0, 0, 0]]
    week_of(state, services, tools)
    expected = STRAIN.monotony_weight * np.array([1 / 3, 1.0, 0.0, 0.0])
    np.testing.assert_allclose(state.demand_parts[:, MONOTONY], expected, rtol=1e-12)


def test_the_always_on_load_falls_on_connected_staff_and_a_right_to_disconnect_lowers_it():
    state, services, tools = random_staff(5, n=2)
    state.active[:] = True
    state.live[:] = True
    state.always_on[:] = [True, False]
    load = tools.info_load.sum()
    for disconnect in (False, True):
        c = strain.coefficients(BEHAVIOUR, Levers(right_to_disconnect=disconnect))
        week_of(state, services, tools, c)
        relief = 1 - (BEHAVIOUR.disconnect_relief if disconnect else 0.0)
        tool, extra = BEHAVIOUR.tool_load_weight, BEHAVIOUR.always_on_weight
        np.testing.assert_allclose(
            state.demand_parts[:, TOOLS], [(tool + extra) * relief * load, tool * relief * load]
        )


def test_most_managers_stay_connected_and_few_others():
    scenario = Scenario().override({"organisation.total_staff": 20_000})
    model = TransitionModel(scenario, rng=4)
    managers = model.network.is_manager | (model.state.service == 0)  # direction: management
    drawn = always_on(scenario, model.network, np.random.default_rng(9))
    for group, share in ((managers, 0.6), (~managers, 0.1)):
        n = int(group.sum())
        # 4 binomial standard errors: fails by chance about once in 16,000 runs.
        assert abs(drawn[group].mean() - share) < 4 * math.sqrt(share * (1 - share) / n)


def test_a_right_to_disconnect_lowers_tool_strain_most_for_managers():
    """CNFPT 2018, section VI.C: prevention by a right to disconnect; managers most connected."""
    base = Scenario().override({"horizon_weeks": 60})
    drops = {"managers": [], "others": []}
    for seed in range(6):
        tool = {}
        for disconnect in (False, True):
            model = TransitionModel(base, rng=seed, **{"levers.right_to_disconnect": disconnect})
            model.run()
            lead = model.network.is_manager | (model.state.service == 0)
            active = model.state.active
            parts = model.state.strain_parts[:, TOOLS]
            tool[disconnect] = (parts[lead & active].mean(), parts[~lead & active].mean())
        drops["managers"].append(tool[False][0] - tool[True][0])
        drops["others"].append(tool[False][1] - tool[True][1])
    managers, others = np.array(drops["managers"]), np.array(drops["others"])
    assert (others > 0).all()  # everybody gains something
    # Managers gain most, in every replication (their strain is also caught from, and
    # passed to, team-mates, so the gap is narrower than the demands').
    assert (managers > others).all()
    assert managers.mean() > 1.3 * others.mean()


def test_weekly_parts_add_up_to_the_high_strain_share_and_the_summary_to_one():
    model = TransitionModel(Scenario().override({"horizon_weeks": 80}), rng=2)
    model.run()
    table = model.timeseries()
    parts = sum(table[f"high_strain_{source}"] for source in STRAIN_SOURCES)
    np.testing.assert_allclose(parts, table["rps_high_share"], atol=1e-12)
    summary = model.summary()
    shares = [summary[f"strain_source_share_{source}"] for source in STRAIN_SOURCES]
    assert sum(shares) == pytest.approx(1.0, abs=1e-12)
    assert min(shares) >= 0
    demands = table.loc[1:, [f"demand_{source}" for source in STRAIN_SOURCES]]
    np.testing.assert_allclose(demands["demand_baseline"], BEHAVIOUR.baseline_demand, rtol=1e-12)
    assert demands["demand_digital_turn"].max() > 0
