"""The summary stage of a staff member over their live tools (simulation/model/stages.py)."""

import numpy as np

from simulation import Scenario, TransitionModel
from simulation.model.stages import (
    ADOPTED,
    REVERTED,
    SUMMARY_STAGES,
    TRYING,
    UNAWARE,
    staff_stages,
    summary_stages,
)

# One staff member per row, three tools: (stages, live tools, in post, expected summary).
CASES = [
    ((ADOPTED, ADOPTED, ADOPTED), (True, True, True), False, "left"),
    ((ADOPTED, ADOPTED, ADOPTED), (False, False, False), True, "waiting"),
    ((ADOPTED, REVERTED, TRYING), (True, True, True), True, "reverted"),
    ((UNAWARE, REVERTED, UNAWARE), (True, False, True), True, "unaware"),
    ((ADOPTED, ADOPTED, UNAWARE), (True, True, False), True, "adopted"),
    ((ADOPTED, UNAWARE, UNAWARE), (True, True, True), True, "trying"),
    ((UNAWARE, TRYING, UNAWARE), (True, False, True), True, "unaware"),
    ((UNAWARE, TRYING, UNAWARE), (True, True, True), True, "trying"),
]


def test_summary_stage_of_hand_built_staff():
    stage = np.array([case[0] for case in CASES], dtype=np.int8)
    live = np.array([case[1] for case in CASES])
    active = np.array([case[2] for case in CASES])
    assert summary_stages(stage, live, active).tolist() == [case[3] for case in CASES]
    assert {case[3] for case in CASES} == set(SUMMARY_STAGES)


def test_agents_show_the_summary_stage_of_their_row():
    scenario = Scenario().override({"organisation.total_staff": 120, "horizon_weeks": 40})
    model = TransitionModel(scenario, rng=5)
    model.run()
    stages = staff_stages(model.state)
    assert len(set(stages)) >= 3, "the test needs a mix of stages"
    assert [agent.stage for agent in model.agents] == [stages[a.index] for a in model.agents]
