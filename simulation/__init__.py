"""transnum: agent-based simulation of the digital transition of French local administrations.

Staff of three profiles (technophile, follower, overwhelmed) work in a network of
services while digital tools are rolled out under a strategy (big bang, small
steps, short cycles, or a custom plan). The model reports adoption, dropout and
psychosocial risk (RPS) week by week. Ground truth: the CNFPT study "Impacts de la
transition numérique sur les métiers de la fonction publique territoriale" (2018).

Main entry points:

* :class:`Scenario` and :func:`load_scenario`: the validated description of a situation;
* :class:`TransitionModel`: the Mesa model;
* :func:`run_scenario` and :func:`compare_strategies`: runs returning tables and summaries.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from simulation import _moved
from simulation.scenario.loading import load_scenario
from simulation.scenario.records import STRATEGIES, Scenario
from simulation.scenario.schema import ScenarioError

try:
    __version__ = version("transnum")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

_moved.install()  # the module names of transnum 0.1 still import, with a warning

__all__ = [
    "STRATEGIES",
    "Scenario",
    "ScenarioError",
    "TransitionModel",
    "__version__",
    "compare_strategies",
    "load_scenario",
    "run_scenario",
]

_LAZY = {
    "TransitionModel": "simulation.model.model",
    "run_scenario": "simulation.experiments.runner",
    "compare_strategies": "simulation.experiments.runner",
}


def __getattr__(name: str):
    # The model pulls in Mesa and numba; import it only when asked for.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'simulation' has no attribute {name!r}")
