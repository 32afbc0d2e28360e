"""What the teaching page's pictures see of a teaching model: arrays, not models.

The pictures (:mod:`simulation.teaching.pictures`) never touch the model: a
:class:`PlansView` hands them the organisation the plans share (positions, ties,
services), each plan's staff this week and the weekly curves so far, read straight
from the models' arrays and recorders (no copies, no tables built), so that a frame
stays cheap.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from simulation.model.model import TransitionModel, staff_stages
from simulation.model.observation import measure
from simulation.scenario.profiles import PROFILES


def weekly_curve(plan: TransitionModel, name: str, profile: str | None = None) -> np.ndarray:
    """A weekly measure so far, straight from the model's recorder (no table built).

    Args:
        plan: A running or finished model.
        name: ``adoption``, ``dropout``, ``rps_high_share`` or ``efficiency``
            (processing time divided by, 1 = as before the tools).
        profile: One profile, or None for all staff.

    Returns:
        One value per recorded week (weeks 0..current).
    """
    recorder = plan.recorder
    rows = recorder.weeks_recorded
    groups = recorder.by_profile[:rows]
    totals = groups.sum(axis=1) if profile is None else groups[:, PROFILES.index(profile), :]
    if name == "efficiency":
        return 1.0 / measure("processing_time_index", totals)
    return measure(name, totals)


class Organisation(NamedTuple):
    """The organisation the plans share, as the network picture draws it."""

    layout: np.ndarray
    """Position of each staff member, (n_staff, 2) in [0, 1]."""
    ties: np.ndarray
    """The network's ties, (n_ties, 2) staff indices a < b."""
    service: np.ndarray
    """Service code of each staff member where the layout places them (index into
    ``service_names``)."""
    service_names: tuple[str, ...]


class Staff(NamedTuple):
    """One plan's staff this week (views of the model's arrays: read, do not write)."""

    active: np.ndarray
    """Still in post (bool)."""
    profile: np.ndarray
    """Profile code (index into :data:`~simulation.scenario.profiles.PROFILES`)."""
    strain: np.ndarray
    """Strain (unitless, 1 = high-strain threshold region)."""


class PlansView:
    """The plans of a teaching model as the live pictures see them: data, not models.

    Args:
        plans: The models shown, in order (they share their organisation).
        labels: One letter per plan (A, B, C).
        layout: Staff positions, (n_staff, 2) in [0, 1].
    """

    def __init__(self, plans: list[TransitionModel], labels: list[str], layout: np.ndarray):
        self._plans = plans
        self.labels = list(labels)
        self.layout = layout

    @property
    def strategies(self) -> list[str]:
        """Strategy code of each plan."""
        return [plan.spec.rollout.strategy for plan in self._plans]

    @property
    def horizon(self) -> int:
        """Weeks the plans run (their common horizon)."""
        return self._plans[0].spec.horizon_weeks

    @functools.cached_property
    def organisation(self) -> Organisation:
        """The shared organisation: positions, ties, services (read once)."""
        first = self._plans[0]
        adjacency = first.network.adjacency.tocoo()
        keep = adjacency.row < adjacency.col
        ties = np.stack([adjacency.row[keep], adjacency.col[keep]], axis=1)
        names = tuple(first.network.service_names)
        # The network's services, not the staff's current ones: internal mobility moves
        # staff between services, but the layout (and the names beside it) keep the first.
        return Organisation(self.layout, ties, first.network.service_of, names)

    def staff(self, plan: int) -> Staff:
        """The staff of plan number ``plan`` (0 = A) as they are this week."""
        state = self._plans[plan].state
        return Staff(state.active, state.profile, state.strain)

    def stages(self, plan: int) -> np.ndarray:
        """Adoption stage of each staff member of plan ``plan`` (``waiting``... ``left``)."""
        return staff_stages(self._plans[plan].state)

    def curve(self, plan: int, name: str, profile: str | None = None) -> np.ndarray:
        """A weekly measure of plan ``plan`` so far (see :func:`weekly_curve`)."""
        return weekly_curve(self._plans[plan], name, profile)
