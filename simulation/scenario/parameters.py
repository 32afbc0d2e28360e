"""Change-management levers and behavioural parameters of the model.

Levers (:mod:`~simulation.scenario.levers`) are what a directorate decides;
behavioural parameters (:mod:`~simulation.scenario.behaviour`) describe how staff
respond. This module gathers both under the name other code imports them by.
"""

from simulation.scenario.behaviour import Behaviour
from simulation.scenario.levers import STUDY, Levers

__all__ = ["STUDY", "Behaviour", "Levers"]
