"""Costs of a run in euros, week by week, from the scenario's unit costs.

Each week the model records one cost per component of :data:`COST_COMPONENTS`
(columns ``cost_<component>_eur`` of the weekly table; the summary adds them up):

    training_<mode>     = trainer_hours * mix_w[mode] * trainer_hour_eur[mode]
                          (mode: vendor, internal, action; mix_w: levers.training_mix
                          in force at the step of week w, lever changes included)
    e_learning          = e-learning hours followed * e_learning_hour_eur
    staff_training_time = training hours followed, all modes * staff_hour_eur
    productivity        = sum over staff with target tools of max(0, time_i - 1)
                          * covered_hours_per_week * staff_hour_eur
    tools               = cost_eur of each tool in its first go-live week
                          + yearly_cost_eur / 52 of each tool live somewhere
    replacement         = staff leaving the organisation this week * replacement_eur

``time_i`` is the staff member's processing-time index
(:mod:`~simulation.model.mechanisms.efficiency`), so productivity lost counts the extra
time of the tasks the tools cover while they are slower than on paper; it is taken
from the week's organisation totals, net of staff already faster. Repositioned staff
(internal mobility) cost no replacement. Unit costs: :class:`simulation.scenario.costs.Costs`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from simulation.scenario.modes import TRAINING_MODES
from simulation.scenario.records import Scenario

WEEKS_PER_YEAR = 52.0
COST_COMPONENTS: tuple[str, ...] = (
    *(f"training_{mode}" for mode in TRAINING_MODES),
    "e_learning",
    "staff_training_time",
    "productivity",
    "tools",
    "replacement",
)
"""Components of a run's cost, in the order of the weekly cost arrays."""
COST_COLUMNS: tuple[str, ...] = tuple(f"cost_{name}_eur" for name in COST_COMPONENTS)
"""Their columns in the weekly table (euros spent that week)."""


class CostRates(NamedTuple):
    """Unit costs of one scenario, ready for the weekly computation."""

    trainer_hour: np.ndarray  # (W + 1, 3) EUR per trainer hour given in each mode, by week
    e_learning_hour: float  # EUR per e-learning hour followed
    staff_hour: float  # EUR per staff hour
    covered_hour: float  # EUR per staff-week of processing time index above 1
    replacement: float  # EUR per external departure
    tool_once: np.ndarray  # (T,) EUR at each tool's first go-live
    tool_weekly: np.ndarray  # (T,) EUR per week each tool is live somewhere


def rates(scenario: Scenario) -> CostRates:
    """The unit costs of ``scenario`` (its ``costs`` section, mix and tools)."""
    costs = scenario.costs
    return CostRates(
        trainer_hour=trainer_hour_rates(scenario),
        e_learning_hour=costs.e_learning_hour_eur,
        staff_hour=costs.staff_hour_eur,
        covered_hour=costs.covered_hours_per_week * costs.staff_hour_eur,
        replacement=costs.replacement_eur,
        tool_once=np.array([t.cost_eur for t in scenario.tools], dtype=np.float64),
        tool_weekly=np.array([t.yearly_cost_eur for t in scenario.tools]) / WEEKS_PER_YEAR,
    )


def trainer_hour_rates(scenario: Scenario) -> np.ndarray:
    """EUR per trainer hour in each mode, week by week: (horizon + 1, 3), row ``w`` week ``w``.

    Row ``w`` prices the trainer hours of week ``w``'s step with the training mix in
    force then: the scenario's own, then each lever change's from its week on (the
    changes come in increasing weeks, so a later one overwrites the rows it rules).
    Without a change of the mix every row is the product of the same two arrays,
    the same numbers as a single rate.
    """
    unit = scenario.costs.trainer_hour_eur.as_array()
    out = np.empty((scenario.horizon_weeks + 1, unit.size))
    out[:] = scenario.levers.training_mix.as_array() * unit
    for change in scenario.lever_changes:
        mix = change.levers.get("training_mix")
        if mix is not None:
            out[change.week :] = mix.as_array() * unit
    return out


def cost_table(
    r: CostRates,
    *,
    trainer_hours: np.ndarray,
    e_learning_hours: np.ndarray,
    training_hours: np.ndarray,
    extra_time: np.ndarray,
    departed_external: np.ndarray,
    first_live: np.ndarray,
) -> np.ndarray:
    """Every week's cost by component (EUR): (W, len(COST_COMPONENTS)), row ``w`` week ``w``.

    Args:
        r: The scenario's unit costs.
        trainer_hours: (W,) trainer hours given each week, all modes.
        e_learning_hours: (W,) e-learning hours followed each week.
        training_hours: (W,) training hours followed each week, all modes.
        extra_time: (W,) each week's sum over staff with target tools of their
            processing-time index, minus their number (staff-weeks of extra time on
            covered tasks; may be < 0).
        departed_external: (W,) staff gone from the organisation by each week (cumulative).
        first_live: (T,) first go-live week of each tool, a huge number if never. Go-live
            weeks are recorded as they happen, so the run's final values give every
            earlier week's too.
    """
    weeks = np.arange(trainer_hours.size)
    n_modes = r.trainer_hour.shape[1]
    out = np.empty((weeks.size, len(COST_COMPONENTS)))
    out[:, :n_modes] = trainer_hours[:, None] * r.trainer_hour[: weeks.size]
    out[:, n_modes] = e_learning_hours * r.e_learning_hour
    out[:, n_modes + 1] = training_hours * r.staff_hour
    out[:, n_modes + 2] = np.maximum(0.0, extra_time) * r.covered_hour
    first = first_live[None, :] == weeks[:, None]
    live = first_live[None, :] <= weeks[:, None]
    out[:, n_modes + 3] = np.where(first, r.tool_once, 0.0).sum(axis=1) + np.where(
        live, r.tool_weekly, 0.0
    ).sum(axis=1)
    out[:, n_modes + 4] = np.diff(departed_external, prepend=0.0) * r.replacement
    return out
