"""The grouped state (simulation/model/state.py) and how kernels are called on it."""

import numpy as np
import pytest

from simulation import Scenario, TransitionModel
from simulation.model.compiled import Kernels
from simulation.model.mechanisms import strain
from simulation.model.sources import N_SOURCES
from simulation.model.state import Services, StaffState, Tools, replica


def test_empty_state_has_per_staff_and_per_tool_arrays_of_declared_types():
    state = StaffState.empty(4, 3)
    per_tool = {"target", "live", "training_open", "stage", "proficiency"} | {
        "nb_adopted",
        "nb_help",
        "shown_adopted",
        "shown_help",
        "pair_draw",
    }
    per_source = {"strain_parts", "demand_parts"}
    for name, array in zip(state._fields, state, strict=True):
        expected = (4, 3) if name in per_tool else (4, N_SOURCES) if name in per_source else (4,)
        assert array.shape == expected, name
        assert array.flags.c_contiguous and array.flags.writeable, name
    assert state.stage.dtype == np.int8 and state.service.dtype == np.int32
    assert state.active.all() and state.shown_active.all()
    assert (state.departed_week == -1).all()
    assert (state.learning_ability == 1.0).all() and not state.proficiency.any()
    assert state.n_staff == 4


def a_week_of_strain(seed: int) -> tuple[StaffState, Services, Tools]:
    """Random staff of two teams under two live tools."""
    rng = np.random.default_rng(seed)
    state = StaffState.empty(6, 2)
    state.team[:] = [0, 0, 0, 1, 1, 1]
    state.service[:] = [0, 0, 1, 1, 1, 1]
    state.live[:] = True
    state.proficiency[:] = rng.random((6, 2))
    state.strain[:] = rng.random(6)
    state.vulnerability[:] = rng.random(6) + 0.5
    services = Services.start(rng.random(2), np.array([2.0, 4.0]), 2)
    return state, services, Tools(np.array([0.5, 1.0]), np.zeros(2), np.array([1.0, 2.0]))


def stacked(containers):
    """The containers' arrays stacked along a new leading (replication) axis."""
    return type(containers[0])(*(np.stack(arrays) for arrays in zip(*containers, strict=True)))


def test_kernels_run_on_each_replication_view_of_stacked_containers():
    """The design for stepping replications together: same kernels, per-replication views."""
    separate = [a_week_of_strain(seed) for seed in (1, 2)]
    staff = stacked([week[0] for week in separate])
    services = stacked([week[1] for week in separate])
    tools = separate[0][2]
    coefficients = strain.coefficients(Scenario().behaviour, Scenario().levers)
    for r in range(2):
        strain.update(replica(staff, r), replica(services, r), tools, coefficients)
    for r, (one_staff, one_services, _) in enumerate(separate):
        strain.update(one_staff, one_services, tools, coefficients)
        np.testing.assert_array_equal(staff.strain[r], one_staff.strain)
        np.testing.assert_array_equal(staff.high_weeks[r], one_staff.high_weeks)
    assert not np.array_equal(staff.strain[0], staff.strain[1])


def test_kernels_called_through_a_model_give_the_kernels_results():
    state, services, tools = a_week_of_strain(3)
    plain, _, _ = a_week_of_strain(3)
    coefficients = strain.coefficients(Scenario().behaviour, Scenario().levers)
    kernels = Kernels()
    for _ in range(3):
        kernels(strain.update, state, services, tools, coefficients)
        strain.update(plain, services, tools, coefficients)
    np.testing.assert_array_equal(state.strain, plain.strain)
    # Another type of argument resolves the kernel again instead of misreading it.
    with pytest.raises(Exception, match="(?i)typ"):
        kernels(strain.update, state, services, tools, 1.0)


def test_a_model_keeps_its_containers_for_the_whole_run():
    model = TransitionModel(Scenario().override({"organisation.total_staff": 80}), rng=1)
    before = [id(model.state), id(model.services), *map(id, model.state)]
    for _ in range(5):
        model.step()
    assert [id(model.state), id(model.services), *map(id, model.state)] == before
