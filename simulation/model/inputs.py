"""What a run derives once from its scenario: the mechanisms' coefficients, the tools.

The weekly step (:meth:`simulation.model.model.TransitionModel.step`) hands these to
the kernels with the grouped state of :mod:`simulation.model.state`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from simulation.model import observation
from simulation.model.mechanisms import (
    acculturation,
    adoption,
    dropout,
    learning,
    strain,
    training,
)
from simulation.model.state import Tools
from simulation.scenario.parameters import Levers
from simulation.scenario.records import Scenario


class Coefficients(NamedTuple):
    """The mechanisms' coefficients for one scenario."""

    training: training.TrainingCoefficients
    learning: learning.LearningCoefficients
    acculturation: acculturation.AcculturationCoefficients
    adoption: adoption.AdoptionCoefficients
    strain: strain.StrainCoefficients
    dropout: dropout.DropoutCoefficients
    tally: observation.TallyCoefficients


def coefficients(scenario: Scenario, levers: Levers | None = None) -> Coefficients:
    """Every mechanism's coefficients from the scenario's behaviour and levers.

    Args:
        scenario: The scenario.
        levers: The levers in force, if not the scenario's own (after a lever change).
    """
    behaviour = scenario.behaviour
    levers = scenario.levers if levers is None else levers
    training_coefficients = training.coefficients(levers, behaviour)
    return Coefficients(
        training=training_coefficients,
        learning=learning.coefficients(behaviour, levers),
        acculturation=acculturation.coefficients(
            behaviour, levers, training_coefficients.contextual_followed
        ),
        adoption=adoption.coefficients(behaviour),
        strain=strain.coefficients(behaviour, levers),
        dropout=dropout.coefficients(behaviour),
        tally=observation.coefficients(behaviour),
    )


def tool_properties(scenario: Scenario) -> Tools:
    """Depth, time saving and information load of the scenario's tools."""
    behaviour = scenario.behaviour
    return Tools(
        depth=np.array([behaviour.samr_depth[t.samr] for t in scenario.tools], dtype=np.float64),
        saving=np.array(
            [
                t.time_saving if t.time_saving is not None else behaviour.samr_time_saving[t.samr]
                for t in scenario.tools
            ],
            dtype=np.float64,
        ),
        info_load=np.array([t.information_load for t in scenario.tools], dtype=np.float64),
    )
