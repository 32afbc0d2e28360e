"""How the transition unfolds: the agent-based model, week by week.

The staff network of services (:mod:`~simulation.model.network`), the initial staff
(:mod:`~simulation.model.population`), rollout plans
(:mod:`~simulation.model.strategies`), the state arrays, the behavioural
:mod:`~simulation.model.mechanisms`, :class:`~simulation.model.model.TransitionModel`
and its Mesa agents, the weekly observation and the summary outcomes. The model
imports nothing from experiments, reports, teaching or the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulation.model.model import TransitionModel, staff_stages

__all__ = ["TransitionModel", "staff_stages"]


def __getattr__(name: str):
    # Mesa and numba load only when the model itself is asked for, so that reading
    # outcome definitions (simulation.model.outcomes) stays light.
    if name in __all__:
        from simulation.model import model

        return getattr(model, name)
    raise AttributeError(f"module 'simulation.model' has no attribute {name!r}")
