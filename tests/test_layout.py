"""The package layout: one subpackage per layer, and the 0.1 module names still resolve."""

import importlib
import sys
import warnings

import pytest

from simulation import _moved


@pytest.mark.parametrize("old", sorted(_moved.MOVED))
def test_every_old_module_name_gives_the_module_at_its_new_place(old):
    new = importlib.import_module(_moved.new_name(f"simulation.{old}"))
    sys.modules.pop(f"simulation.{old}", None)
    with pytest.warns(DeprecationWarning, match=f"simulation.{old} moved to {new.__name__}"):
        aliased = importlib.import_module(f"simulation.{old}")
    assert aliased is new


def test_submodules_of_a_moved_package_resolve_too():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from simulation.mechanisms import strain as old_strain
    from simulation.model.mechanisms import strain

    assert old_strain is strain


def test_new_names_and_unmoved_names_are_left_alone():
    assert _moved.new_name("simulation.model.model") is None
    assert _moved.new_name("simulation") is None
    assert _moved.new_name("numpy.linalg") is None
    assert _moved.new_name("simulation.runner.extra") == "simulation.experiments.runner.extra"


def test_the_main_entry_points_are_importable_from_the_package():
    import simulation
    from simulation.experiments import runner
    from simulation.model import model
    from simulation.scenario import loading

    assert simulation.TransitionModel is model.TransitionModel
    assert simulation.run_scenario is runner.run_scenario
    assert simulation.compare_strategies is runner.compare_strategies
    assert simulation.load_scenario is loading.load_scenario
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = simulation.nothing
