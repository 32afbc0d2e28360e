"""What is simulated: the validated, immutable description of one situation.

Records and their validation (:mod:`~simulation.scenario.schema`), the scenario and
its parts (:mod:`~simulation.scenario.records`), the levers and behavioural
parameters (:mod:`~simulation.scenario.parameters`), the staff profiles, scenario
files (:mod:`~simulation.scenario.loading`), the default commune and the starter of
``transnum init``. Nothing here runs a model.
"""

from simulation.scenario.loading import dump_scenario, load_scenario
from simulation.scenario.records import STRATEGIES, Scenario
from simulation.scenario.schema import ScenarioError

__all__ = ["STRATEGIES", "Scenario", "ScenarioError", "dump_scenario", "load_scenario"]
