"""What is simulated: the validated, immutable description of one situation.

Records and their validation (:mod:`~simulation.scenario.schema`) with the words of
their error messages (:mod:`~simulation.scenario.errors`); the scenario
(:mod:`~simulation.scenario.records`) and its parts: the organisation
(:mod:`~simulation.scenario.organisation`), the tools and their rollout
(:mod:`~simulation.scenario.rollout`), the levers and behavioural parameters
(:mod:`~simulation.scenario.parameters`) and the staff profiles
(:mod:`~simulation.scenario.profiles`); scenario files
(:mod:`~simulation.scenario.loading`), the default commune and the starter of
``transnum init``. Nothing here runs a model.
"""

from simulation.scenario.errors import ScenarioError
from simulation.scenario.loading import dump_scenario, load_scenario
from simulation.scenario.records import STRATEGIES, Scenario

__all__ = ["STRATEGIES", "Scenario", "ScenarioError", "dump_scenario", "load_scenario"]
