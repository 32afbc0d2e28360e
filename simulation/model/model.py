"""The transition model: staff of a network of services facing a digital rollout.

:class:`TransitionModel` is a ``mesa.Model``. Its staff are
:class:`~simulation.model.agents.StaffMember` agents fixed to the nodes of a
``mesa.discrete_space.Network`` (the staff interaction network, with a cheap
precomputed layout). Their state lives in numpy arrays (:class:`StaffState`) that
one weekly step updates all at once with the mechanisms of
:mod:`simulation.model.mechanisms`.

It follows Mesa's conventions: ``model.datacollector`` (a ``mesa.DataCollector``)
collects the organisation-level measures of the weekly table every week, and the
constructor takes scenario changes by dotted name, so that ``mesa.batch_run`` runs it::

    mesa.batch_run(
        TransitionModel,
        parameters={"levers.training_capacity": [10, 60], "horizon_weeks": 52},
        rng=[1, 2],
        data_collection_period=1,
    )

Example:
    >>> from simulation import Scenario, TransitionModel
    >>> model = TransitionModel(Scenario(horizon_weeks=10), rng=1)
    >>> model.run()
    >>> model.timeseries()["adoption"].iloc[-1] >= 0
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import Network

from simulation.model import engine, levers, outcomes, tables
from simulation.model.agents import StaffMember
from simulation.model.build import build_run
from simulation.model.compiled import Kernels
from simulation.model.costs import CostRates
from simulation.model.network import StaffNetwork
from simulation.model.observation import MEASURE_NAMES, ORGANISATION_MEASURES, WeeklyRecorder
from simulation.model.seeds import as_seed_sequence
from simulation.model.stages import staff_stages
from simulation.model.strategies import go_live_table
from simulation.scenario.records import Scenario


class TransitionModel(mesa.Model):
    """Digital transition of one organisation under one rollout plan, week by week.

    Args:
        scenario: The validated scenario (default: the 500-staff commune).
        rng: Seed of this run: an integer (taken as replication 0 of that root seed,
            see :func:`simulation.model.seeds.run_seed`) or a ``numpy.random.SeedSequence``.
            Default: the scenario's ``seed``.
        agent_reporters: Agent reporters of :attr:`datacollector` (Mesa's format, e.g.
            ``{"strain": "strain", "stage": "stage"}`` for :class:`StaffMember`
            attributes); none by default (collecting every staff member every week is
            costly).
        **overrides: Changes to ``scenario`` by dotted name, validated as by
            :meth:`Scenario.override` (e.g. ``**{"levers.training_capacity": 60}``; what
            ``mesa.batch_run`` passes for its ``parameters``).

    Raises:
        ScenarioError: if an override names no parameter or has an invalid value.

    Attributes:
        spec: The :class:`~simulation.scenario.records.Scenario` being run (``model.scenario``
            is Mesa's own parameter object).
        seed_sequence: The run's seed sequence (enough to rerun it).
        network: The staff network and services (:class:`StaffNetwork`).
        grid: The ``mesa.discrete_space.Network`` holding the agents.
        state: The staff's state arrays (:class:`StaffState`); ``services``, ``tools``
            and ``neighbours`` (the ties) hold the rest of the state the kernels
            receive (:mod:`simulation.model.state`), ``tallies`` the week's group totals.
        coefficients: The mechanisms' coefficients
            (:class:`~simulation.model.inputs.Coefficients`).
        plan: The rollout plan (:class:`~simulation.model.strategies.RolloutPlan`).
        week: Weeks simulated so far.
        datacollector: Mesa's ``DataCollector``: the :data:`MODEL_REPORTERS` (and the
            agent reporters given), collected at set-up and after every week.
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        rng: int | np.random.SeedSequence | None = None,
        agent_reporters: Mapping[str, Any] | None = None,
        **overrides: Any,
    ) -> None:
        scenario = scenario if scenario is not None else Scenario()
        if overrides:
            scenario = scenario.override(overrides)
        self.seed_sequence = as_seed_sequence(scenario.seed if rng is None else rng)
        built = build_run(scenario, self.seed_sequence)
        super().__init__(rng=built.mesa)
        self.spec = scenario
        self._run = built.run
        self._decisions = built.decisions
        self.network: StaffNetwork = built.network
        self.plan = built.plan
        self.coefficients = built.run.coefficients
        self.cost_rates: CostRates = built.template.rates
        self.tools = built.run.tools
        self.services = built.run.services
        self.state = built.run.staff
        self.neighbours = built.run.ties
        self.tallies = built.run.tallies
        self.week = 0
        self._changes = {change.week: change for change in built.template.changes}
        self.recorder = WeeklyRecorder(
            built.run.record, self.network.service_names, self.cost_rates, self.plan.go_live
        )
        self._kernels = Kernels()
        self._now: list[float] | None = None
        self._place_agents()
        self.datacollector = mesa.DataCollector(
            model_reporters=MODEL_REPORTERS, agent_reporters=agent_reporters
        )
        self._kernels(engine.observe, self._run, 0, 0)
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ set-up

    def _place_agents(self) -> None:
        positions = self.network.layout()
        layout = dict(enumerate(map(tuple, positions)))
        self.grid = Network(
            self.network.to_networkx(), layout=layout, random=self.random, capacity=1
        )
        cells = self.grid._cells  # noqa: SLF001 - cells by node id; no public mapping exists
        for index in range(self.network.n_staff):
            StaffMember(self, index, cells[index])

    # ------------------------------------------------------------------ dynamics

    def step(self) -> None:
        """Simulate one week (see :mod:`simulation.model.mechanisms` for the order).

        One compiled call, :func:`simulation.model.engine.step_week` (the week of the
        batched engine's :func:`~simulation.model.engine.advance_week`), after the
        week's uniforms are drawn into the arrays that it reads.
        """
        self.week += 1
        change = self._changes.get(self.week)
        if change is not None:  # before the step: the change's week sees the new levers
            self._run = levers.apply(
                self._run, change, self.plan, self.network.service_of, self.spec.behaviour
            )
            self.coefficients = self._run.coefficients
        # The week's uniforms straight into the arrays that the step reads, in the
        # order of simulation.model.engine (the same numbers as one draw of them all).
        staff = self._run.staff
        self._decisions.random(out=staff.pair_draw)
        self._decisions.random(out=staff.draw)
        self._decisions.random(out=staff.mobility_draw)
        self._kernels(engine.step_week, self._run, self.week)
        self._now = None
        self.datacollector.collect(self)
        if self.week >= self.spec.horizon_weeks:
            self.running = False

    def run(self) -> None:
        """Simulate up to the scenario's horizon."""
        while self.running:
            self.step()

    # ------------------------------------------------------------------ outcomes

    def timeseries(self) -> pd.DataFrame:
        """The weekly table of outcomes so far (see :mod:`simulation.model.observation`)."""
        return self.recorder.to_frame()

    def summary(self) -> dict:
        """End-of-run summary outcomes (see :func:`simulation.model.outcomes.summarize`)."""
        return outcomes.summarize(self.timeseries())

    def schedule(self) -> pd.DataFrame:
        """Go-live week of each (service, tool) pair so far (missing: not live)."""
        return go_live_table(self.plan, self.network.service_names, self.spec)

    def staff_table(self) -> pd.DataFrame:
        """Fixed attributes of every staff member, with the picture's layout.

        Columns: staff, service, team, profile, manager, referent, x, y.
        """
        return tables.staff_table(self.state, self.network)

    def staff_state(self) -> pd.DataFrame:
        """Current state of every staff member (what the agents show, for all at once).

        Columns: staff, active, stage (left, waiting, unaware, trying, adopted,
        reverted; see :attr:`StaffMember.stage`), adoption (share of target tools
        adopted), proficiency (mean over target tools), strain, high_strain.
        """
        return tables.staff_state(self.state, self.spec.behaviour.high_strain_threshold)

    def ties(self) -> pd.DataFrame:
        """Ties of the staff network, each once (columns a, b: staff numbers)."""
        return tables.ties(self.network)

    # Model-level reporters for Mesa's DataCollector and SolaraViz.
    @property
    def adoption_share(self) -> float:
        """Current adoption share (see the ``adoption`` column)."""
        return float(self.timeseries_row("adoption"))

    @property
    def dropout_share(self) -> float:
        """Current cumulative dropout share."""
        return float(self.timeseries_row("dropout"))

    @property
    def rps_high_share(self) -> float:
        """Current share of active staff above the high-strain threshold."""
        return float(self.timeseries_row("rps_high_share"))

    def timeseries_row(self, column: str) -> float:
        """Current value of one organisation-level column of the weekly table."""
        if self._now is None:  # once a week, for all reporters
            self._now = self.tallies.current.tolist()
        return self._now[_CURRENT[column]]


__all__ = ["MODEL_REPORTERS", "TransitionModel", "staff_stages"]

_CURRENT = {name: k for k, name in enumerate(MEASURE_NAMES)}


def _report(column: str, model: TransitionModel) -> float:
    return model.timeseries_row(column)


MODEL_REPORTERS: dict[str, Any] = {name: partial(_report, name) for name in ORGANISATION_MEASURES}
"""Model reporters of the data collector: the organisation-level columns of the weekly
table (:data:`simulation.model.observation.ORGANISATION_MEASURES`), same names and values."""
