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
import scipy.sparse as sp
from mesa.discrete_space import Network

from simulation.model import observation, outcomes
from simulation.model.agents import StaffMember
from simulation.model.compiled import Kernels
from simulation.model.costs import CostRates, rates, weekly_costs
from simulation.model.inputs import coefficients, tool_properties
from simulation.model.mechanisms import (
    acculturation,
    adoption,
    dropout,
    exposure,
    learning,
    peers,
    strain,
    training,
)
from simulation.model.network import StaffNetwork, build_staff_network
from simulation.model.observation import (
    MEASURE_NAMES,
    ORGANISATION_MEASURES,
    Tallies,
    WeeklyRecorder,
)
from simulation.model.population import TECHNOPHILE, Population, always_on, draw_population
from simulation.model.seeds import as_seed_sequence, streams
from simulation.model.sources import BASELINE
from simulation.model.stages import ADOPTED, staff_stages
from simulation.model.state import Services, StaffState, Ties
from simulation.model.strategies import NEVER, make_plan, target_pairs
from simulation.scenario.organisation import JOB_TYPES
from simulation.scenario.profiles import PROFILES
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
        generators = streams(self.seed_sequence)
        super().__init__(rng=generators["mesa"])
        self.spec = scenario
        self._decisions = generators["decisions"]
        self.network: StaffNetwork = build_staff_network(
            scenario.organisation, generators["network"]
        )
        population = draw_population(scenario, self.network, generators["population"])
        # Drawn after the population, from its stream: the earlier draws stay as they were.
        self._always_on = always_on(scenario, self.network, generators["population"])
        n_services = len(self.network.service_names)
        technophiles = np.bincount(
            self.network.service_of[population.profile == TECHNOPHILE], minlength=n_services
        )
        self.plan = make_plan(scenario, technophiles)
        self.coefficients = coefficients(scenario)
        self.cost_rates: CostRates = rates(scenario)
        self.tools = tool_properties(scenario)
        self.services = self._initial_services()
        self.state = self._initial_state(population)
        self.neighbours = Ties(self.network.adjacency.indptr, self.network.adjacency.indices)
        self.tallies = Tallies.empty(n_services)
        self.week = 0
        self.recorder = WeeklyRecorder(scenario.horizon_weeks, self.network.service_names)
        self._kernels = Kernels()
        self._now: list[float] | None = None
        self._place_agents()
        self.datacollector = mesa.DataCollector(
            model_reporters=MODEL_REPORTERS, agent_reporters=agent_reporters
        )
        self._departed_external = 0.0  # staff gone from the organisation, last observed
        self._observe(go_lives=0, training_hours=0.0, trainer_hours=0.0, e_learning_hours=0.0)

    # ------------------------------------------------------------------ set-up

    def _initial_services(self) -> Services:
        spec = self.spec
        backing = np.array(
            [
                s.manager_backing if s.manager_backing is not None else spec.levers.manager_backing
                for s in spec.organisation.services
            ]
        )
        initial_staff = np.array(spec.organisation.headcounts(), dtype=np.float64)
        # Repositioned staff go to front-office posts (any service if there are none),
        # in proportion to the services' headcounts (see mechanisms.dropout).
        front = np.array([s.job_type == "front_office" for s in spec.organisation.services])
        receiving = initial_staff * front if front.any() else initial_staff.copy()
        first_team = np.full(initial_staff.size, np.iinfo(np.int32).max, dtype=np.int64)
        np.minimum.at(first_team, self.network.service_of, self.network.team_of)
        return Services.start(
            backing,
            initial_staff,
            len(spec.tools),
            receiving=receiving / receiving.sum(),
            first_team=first_team,
            mobility_posts=np.floor(spec.levers.internal_mobility_capacity * initial_staff.sum()),
            target=target_pairs(spec),
            job_type=np.array([JOB_TYPES.index(s.job_type) for s in spec.organisation.services]),
        )

    def _initial_state(self, population: Population) -> StaffState:
        spec, network, plan = self.spec, self.network, self.plan
        behaviour, levers = spec.behaviour, spec.levers
        state = StaffState.empty(network.n_staff, len(spec.tools))
        state.profile[:] = population.profile
        state.origin_service[:] = network.service_of
        state.service[:] = network.service_of
        state.team[:] = network.team_of
        state.is_manager[:] = network.is_manager
        state.is_referent[:] = population.is_referent
        state.always_on[:] = self._always_on
        state.vulnerability[:] = population.vulnerability
        tutors = population.is_referent | (population.profile == TECHNOPHILE)
        state.tutor_weight[:] = np.where(
            tutors, 1.0 + levers.peer_tutoring * behaviour.tutor_extra_weight, 1.0
        )
        meaning = levers.project_meaning + plan.framing * (1.0 - levers.project_meaning)
        state.meaning[:] = meaning
        # External support: the mean of the levers that push towards trying (see adoption).
        pushes = (
            plan.communication,
            meaning,
            self.services.backing[network.service_of],
            float(levers.business_project_lead),
            levers.staff_involvement,
        )
        state.external[:] = behaviour.external_influence * (sum(pushes) / len(pushes))
        state.fear[:] = behaviour.fear_of_failure.as_array()[population.profile]
        state.learning_ability[:] = population.learning_ability
        state.e_completion[:] = behaviour.e_learning_completion.as_array()[population.profile]
        state.acculturation[:] = behaviour.acculturation_initial.as_array()[population.profile]
        state.degree[:] = network.degree()
        if spec.organisation.peer_scope == "organisation":
            state.degree[:] = network.n_staff - 1
        state.target[:] = target_pairs(spec)[network.service_of]
        state.strain[:] = strain.steady_strain(state, self.services, self.coefficients.strain)
        state.strain_parts[:, BASELINE] = state.strain  # before the rollout: the baseline's
        return state

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
        """Simulate one week (see :mod:`simulation.model.mechanisms` for the order)."""
        self.week += 1
        week, kernel, c = self.week, self._kernels, self.coefficients
        staff, services, tools = self.state, self.services, self.tools

        # 1. Exposure: go-lives decided by the plan; training opens ahead of them.
        # (As bool C arrays, the types the kernels were resolved for.)
        new_live = np.ascontiguousarray(self.plan.advance(week, self._usage_of), dtype=bool)
        open_pairs = np.ascontiguousarray(self.plan.training_open(week), dtype=bool)
        kernel(exposure.expose, staff, services, new_live, open_pairs)
        exposure.record_change(
            services, tools, new_live, self.spec.behaviour.change_memory_weeks, week
        )
        # Fixed-size draws every week keep the random numbers of replication r aligned
        # across strategies (common random numbers).
        self._decisions.random(out=staff.pair_draw)
        self._decisions.random(out=staff.draw)
        self._decisions.random(out=staff.mobility_draw)

        # 2. Training.
        kernel(training.tools_to_learn, staff, c.training)
        kernel(training.allocate_training, staff, c.training)
        # 3. Learning.
        kernel(learning.referent_support, staff, services, c.learning)
        kernel(learning.learn, staff, services, tools, c.learning)
        kernel(acculturation.acculturate, staff, services, c.acculturation)
        # 4. Adoption.
        kernel(adoption.adopt, staff, services, c.adoption)
        # 5. Strain.
        kernel(strain.update, staff, services, tools, c.strain)
        # 6. Dropout; work of those who left shifts to their service's colleagues.
        if kernel(dropout.drop_out, staff, services, week, c.dropout):
            dropout.shift_workload(staff, services)
        # 7. Neighbours see the week's changes.
        mastery = c.learning.mastery_threshold
        if self.spec.organisation.peer_scope == "organisation":
            kernel(peers.mean_field, staff, mastery)
        else:
            kernel(peers.propagate, staff, self.neighbours, mastery)
        self._observe(
            int(new_live.sum()),
            float(staff.training_hours.sum()),
            training.trainer_hours(staff, c.training),
            training.e_learning_followed(staff, c.training),
        )
        if week >= self.spec.horizon_weeks:
            self.running = False

    def run(self) -> None:
        """Simulate up to the scenario's horizon."""
        while self.running:
            self.step()

    def _usage_of(self, pairs: np.ndarray) -> float:
        """Share of the active staff of the (service, tool) pairs in ``pairs`` using the tool."""
        services = self.services
        staff = (services.active_staff[:, None] * pairs).sum()
        return float(services.used[pairs].sum() / staff) if staff > 0 else 1.0

    def _observe(
        self, go_lives: int, training_hours: float, trainer_hours: float, e_learning_hours: float
    ) -> None:
        tallies = self.tallies
        self._kernels(
            observation.tally,
            self.state,
            self.services,
            self.tools,
            self.coefficients.tally,
            tallies,
        )
        recorder, row = self.recorder, self.week
        recorder.by_profile[row] = tallies.by_profile
        recorder.by_service[row] = tallies.by_service
        recorder.go_lives[row] = go_lives
        recorder.training_hours[row] = training_hours
        recorder.trainer_hours[row] = trainer_hours
        recorder.e_learning_hours[row] = e_learning_hours
        totals = tallies.organisation
        departed = float(totals[observation.LEFT_EXTERNAL])
        weekly_costs(
            self.cost_rates,
            trainer_hours=trainer_hours,
            e_learning_hours=e_learning_hours,
            training_hours=training_hours,
            extra_time=float(totals[observation.TIME] - totals[observation.WITH_TARGETS]),
            new_external=departed - self._departed_external,
            first_live=self.plan.go_live.min(axis=0),
            week=row,
            out=recorder.costs[row],
        )
        self._departed_external = departed
        recorder.weeks_recorded = row + 1
        self._now = None
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ outcomes

    def timeseries(self) -> pd.DataFrame:
        """The weekly table of outcomes so far (see :mod:`simulation.model.observation`)."""
        return self.recorder.to_frame()

    def summary(self) -> dict:
        """End-of-run summary outcomes (see :func:`simulation.model.outcomes.summarize`)."""
        return outcomes.summarize(self.timeseries())

    def schedule(self) -> pd.DataFrame:
        """Go-live week of each (service, tool) pair so far (missing: not live)."""
        go_live = self.plan.go_live
        rows = [
            {
                "service": service,
                "tool": tool.name,
                "go_live_week": None if go_live[s, t] == NEVER else int(go_live[s, t]),
            }
            for s, service in enumerate(self.network.service_names)
            for t, tool in enumerate(self.spec.tools)
            if self.plan.target[s, t] or go_live[s, t] != NEVER
        ]
        return pd.DataFrame(rows, columns=["service", "tool", "go_live_week"])

    def staff_table(self) -> pd.DataFrame:
        """Fixed attributes of every staff member, with the picture's layout.

        Columns: staff, service, team, profile, manager, referent, x, y.
        """
        state, network = self.state, self.network
        layout = network.layout()
        return pd.DataFrame(
            {
                "staff": np.arange(network.n_staff),
                "service": np.asarray(network.service_names, dtype=object)[state.service],
                "team": network.team_of,
                "profile": np.asarray(PROFILES, dtype=object)[state.profile],
                "manager": state.is_manager,
                "referent": state.is_referent,
                "x": layout[:, 0],
                "y": layout[:, 1],
            }
        )

    def staff_state(self) -> pd.DataFrame:
        """Current state of every staff member (what the agents show, for all at once).

        Columns: staff, active, stage (left, waiting, unaware, trying, adopted,
        reverted; see :attr:`StaffMember.stage`), adoption (share of target tools
        adopted), proficiency (mean over target tools), strain, high_strain.
        """
        state = self.state
        n_targets = state.target.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            adoption = np.where(
                n_targets > 0,
                ((state.stage == ADOPTED) & state.target).sum(axis=1) / n_targets,
                0.0,
            )
            proficiency = np.where(
                n_targets > 0, (state.proficiency * state.target).sum(axis=1) / n_targets, 0.0
            )
        return pd.DataFrame(
            {
                "staff": np.arange(state.n_staff),
                "active": state.active,
                "stage": staff_stages(state),
                "adoption": adoption,
                "proficiency": proficiency,
                "strain": state.strain,
                "high_strain": state.active
                & (state.strain > self.spec.behaviour.high_strain_threshold),
            }
        )

    def ties(self) -> pd.DataFrame:
        """Ties of the staff network, each once (columns a, b: staff numbers)."""
        upper = sp.triu(self.network.adjacency, k=1).tocoo()
        return pd.DataFrame({"a": upper.row.astype(np.int32), "b": upper.col.astype(np.int32)})

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


_CURRENT = {name: k for k, name in enumerate(MEASURE_NAMES)}


def _report(column: str, model: TransitionModel) -> float:
    return model.timeseries_row(column)


MODEL_REPORTERS: dict[str, Any] = {name: partial(_report, name) for name in ORGANISATION_MEASURES}
"""Model reporters of the data collector: the organisation-level columns of the weekly
table (:data:`simulation.model.observation.ORGANISATION_MEASURES`), same names and values."""
