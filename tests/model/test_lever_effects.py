"""What the workshop's levers do to a run: workload relief and training priority.

Each lever is set (or changed during the run) and its effect is checked in the
expected direction over many seeds, with the tolerance stated where chance enters;
the levers at their defaults change nothing (see also tests/test_golden.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.model.mechanisms import training
from simulation.model.model import TransitionModel
from simulation.model.state import Services, StaffState
from simulation.scenario.records import Scenario

# Many departures (strain and refusal, no mobility posts): the colleagues who stay
# carry an extra workload.
LEAVING = {
    "organisation.total_staff": 150,
    "horizon_weeks": 60,
    "rollout.start_week": 2,
    "behaviour.dropout_strain_rate": 0.05,
    "behaviour.dropout_refusal_rate": 0.2,
    "levers.internal_mobility_capacity": 0.0,
}


def weekly(scenario: Scenario, seed: int) -> pd.DataFrame:
    model = TransitionModel(scenario, rng=seed)
    model.run()
    return model.timeseries()


def test_workload_relief_at_its_default_or_set_to_zero_changes_nothing():
    base = Scenario().override(LEAVING)
    zero = base.replace(lever_changes=[{"week": 5, "levers": {"workload_relief": 0.0}}])
    pd.testing.assert_frame_equal(weekly(base, 3), weekly(zero, 3), check_exact=True)


def test_full_workload_relief_leaves_no_strain_from_the_work_of_those_who_left():
    base = Scenario().override(LEAVING)
    table = weekly(base.override({"levers.workload_relief": 1.0}), 3)
    assert table["dropout"].iloc[-1] > 0.05  # colleagues did leave
    assert (table["high_strain_workload"] == 0).all()  # exact: the demand is zero
    assert weekly(base, 3)["high_strain_workload"].max() > 0


def test_workload_relief_from_a_week_on_lowers_strain_when_staff_have_left():
    base = Scenario().override(LEAVING)
    relieved = base.replace(lever_changes=[{"week": 10, "levers": {"workload_relief": 0.8}}])
    seeds = range(10)
    without = [weekly(base, s)["strain_mean"].iloc[10:].mean() for s in seeds]
    with_it = [weekly(relieved, s)["strain_mean"].iloc[10:].mean() for s in seeds]
    # Mean strain from the change on: lower on average over 10 seeds, and in at least
    # 8 of them (the same random numbers in both runs of a seed; a margin for chance).
    assert np.mean(with_it) < np.mean(without)
    assert sum(w < o for w, o in zip(with_it, without, strict=True)) >= 8


# ------------------------------------------------------------------ training priority

SHORT = {  # everybody learns at once, with few trainer hours: supply is short
    "organisation.total_staff": 150,
    "horizon_weeks": 40,
    "rollout.strategy": "big_bang",
    "rollout.start_week": 2,
    "levers.training_capacity": 10.0,
}
FIRST = "accueil_etat_civil"
CHANGE_WEEK = 6


def test_the_allocation_serves_referents_then_priority_services_then_the_others():
    staff = StaffState.empty(6, 1)
    staff.n_learning[:] = [1, 1, 1, 1, 1, 0]
    staff.is_referent[:] = [True, True, False, False, False, False]
    # Services now: staff 3 moved from service 0 into the priority service 1.
    staff.origin_service[:] = [0, 1, 1, 0, 0, 1]
    staff.service[:] = [0, 1, 1, 1, 0, 1]
    services = Services.start(np.zeros(2), np.ones(2), 1, priority=np.array([False, True]))
    c = training.TrainingCoefficients(
        supply=7.0,
        training_group_size=6.0,
        max_training_hours=2.0,
        e_learning_hours=0.0,
        e_learning_effectiveness=0.5,
        mastery_threshold=0.8,
        in_person_value=1.0,
        in_person_value_team=1.0,
        in_person_followed=1.0,
        contextual_followed=1.0,
    )
    training.allocate_training(staff, services, c)
    # Referents (staff 1 one of the priority service's: a referent) take 4 h of 7; the
    # priority group (staff 2, and staff 3 in the service they work in now) 3 h of the
    # 4 they ask; staff 4 nothing. Exact: halves and quarters.
    assert staff.in_person_hours.tolist() == [2.0, 2.0, 1.5, 1.5, 0.0, 0.0]
    services.priority[:] = False  # no priority service: referents, then all the others
    training.allocate_training(staff, services, c)
    assert staff.in_person_hours.tolist() == [2.0, 2.0, 1.0, 1.0, 1.0, 0.0]


def in_person_by_week(scenario: Scenario, seed: int, weeks: int = 30) -> list[tuple]:
    """Each week's in-person hours, learners and whether each is a non-referent of FIRST."""
    model = TransitionModel(scenario, rng=seed)
    first = model.network.service_names.index(FIRST)
    out = []
    for _ in range(weeks):
        model.step()
        state = model.state
        learners = (state.n_learning > 0) & ~state.is_referent
        out.append((model.week, state.in_person_hours.copy(), learners, state.service == first))
    return out


def test_training_priority_empty_changes_nothing():
    base = Scenario().override(SHORT)
    empty = base.replace(lever_changes=[{"week": 3, "levers": {"training_priority": []}}])
    pd.testing.assert_frame_equal(weekly(base, 4), weekly(empty, 4), check_exact=True)


def test_priority_services_learners_come_right_after_referents_from_the_change_on():
    base = Scenario().override(SHORT)
    changed = base.replace(
        lever_changes=[{"week": CHANGE_WEEK, "levers": {"training_priority": [FIRST]}}]
    )
    short_weeks = 0
    for week, hours, learners, first in in_person_by_week(changed, 1):
        ahead, others = hours[learners & first], hours[learners & ~first]
        if week < CHANGE_WEEK or not ahead.size or not others.size:
            continue
        # Exact, week by week: one rate per group, the priority group's at least the others'.
        assert np.ptp(ahead) == 0 and np.ptp(others) == 0
        assert ahead[0] >= others[0]
        short_weeks += ahead[0] > others[0]
    assert short_weeks > 0  # the supply was short in some weeks


def test_priority_services_learners_get_more_in_person_hours_while_supply_is_short():
    base = Scenario().override(SHORT)
    changed = base.replace(
        lever_changes=[{"week": CHANGE_WEEK, "levers": {"training_priority": [FIRST]}}]
    )

    def hours_of_first(scenario: Scenario, seed: int) -> float:
        return sum(
            float(hours[learners & first].sum())
            for week, hours, learners, first in in_person_by_week(scenario, seed)
            if week >= CHANGE_WEEK
        )

    seeds = range(8)
    without = [hours_of_first(base, s) for s in seeds]
    with_it = [hours_of_first(changed, s) for s in seeds]
    # In-person hours of the service's learners from the change on: more on average
    # over 8 seeds and in at least 7 of them (about eight times as many in all 8 when
    # written: the supply is short, so the others got a ninth of the priority rate).
    assert np.mean(with_it) > np.mean(without)
    assert sum(w > o for w, o in zip(with_it, without, strict=True)) >= 7
