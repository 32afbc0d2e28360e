"""Setting up a run: from a scenario and a seed to the containers of the compiled step.

:func:`build_run` draws one run's organisation (network, population, plan) and
fills its containers (:class:`~simulation.model.engine.Run`). What does not depend on
the seed (the network's skeleton, the coefficients, the tools, the unit costs, the
services' fixed arrays) is derived once per scenario as a :class:`Template` and
shared by all its replications; every draw comes from the run's own streams
(:func:`simulation.model.seeds.streams`), in the same order whether the template is
new or reused, so a run is the same alone or in a batch.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from simulation.model.costs import CostRates, rates
from simulation.model.engine import Run, Settings, Work, draws_per_week
from simulation.model.inputs import Coefficients, coefficients, tool_properties
from simulation.model.levers import (
    Change,
    scheduled,
    service_backing,
    service_priority,
    set_lever_state,
)
from simulation.model.mechanisms import strain
from simulation.model.mechanisms.exposure import change_fade
from simulation.model.network import Skeleton, StaffNetwork, draw_network, skeleton
from simulation.model.observation import MEASURES, WEEKLY_VALUES, Record, Tallies
from simulation.model.population import TECHNOPHILE, always_on, draw_population, profile_mixes
from simulation.model.schedule import plan_state
from simulation.model.seeds import as_seed_sequence, stream
from simulation.model.sources import BASELINE
from simulation.model.state import Services, StaffState, Ties, Tools
from simulation.model.strategies import RolloutPlan, make_plan, target_pairs
from simulation.scenario.organisation import JOB_TYPES
from simulation.scenario.profiles import PROFILES
from simulation.scenario.records import Scenario


@dataclasses.dataclass(frozen=True, eq=False)
class Template:
    """What every run of one scenario shares, derived once (no randomness).

    Attributes:
        scenario: The scenario.
        skeleton: The staff network's fixed part (:class:`~simulation.model.network.Skeleton`).
        target: Bool (S, T): tools meant for each service.
        coefficients: The mechanisms' coefficients.
        tools: The tools' properties.
        rates: The unit costs.
        settings: The compiled step's settings.
        backing: Managerial backing of each service (S,).
        priority: Whether each service's training comes right after the referents' (S,).
        receiving: Share of repositioned staff each service receives (S,).
        first_team: Team that repositioned staff join in each service (S,).
        job_type: Code of each service's posts (S,).
        mixes: Each service's profile mix (S, P) (``population.profile_mixes``).
        by_profile: Staff arrays set from the profile alone: field name to the value
            of each profile (P,).
        changes: The scenario's lever changes as the run applies them, in week order.
    """

    scenario: Scenario
    skeleton: Skeleton
    target: np.ndarray
    coefficients: Coefficients
    tools: Tools
    rates: CostRates
    settings: Settings
    backing: np.ndarray
    priority: np.ndarray
    receiving: np.ndarray
    first_team: np.ndarray
    job_type: np.ndarray
    mixes: np.ndarray
    by_profile: dict[str, np.ndarray]
    changes: tuple[Change, ...]

    @classmethod
    def of(cls, scenario: Scenario) -> Template:
        """The template of ``scenario``."""
        frame = skeleton(scenario.organisation)
        services = scenario.organisation.services
        backing = service_backing(scenario, scenario.levers)
        initial_staff = frame.counts.astype(np.float64)
        # Repositioned staff go to front-office posts (any service if there are none),
        # in proportion to the services' headcounts (see mechanisms.dropout).
        front = np.array([s.job_type == "front_office" for s in services])
        receiving = initial_staff * front if front.any() else initial_staff.copy()
        first_team = np.full(initial_staff.size, np.iinfo(np.int32).max, dtype=np.int64)
        np.minimum.at(first_team, frame.service_of, frame.team_of)
        settings = Settings(
            horizon=int(scenario.horizon_weeks),
            change_fade=change_fade(scenario.behaviour.change_memory_weeks),
            organisation_peers=scenario.organisation.peer_scope == "organisation",
        )
        return cls(
            scenario=scenario,
            skeleton=frame,
            target=target_pairs(scenario),
            coefficients=coefficients(scenario),
            tools=tool_properties(scenario),
            rates=rates(scenario),
            settings=settings,
            backing=backing,
            priority=service_priority(scenario, scenario.levers),
            receiving=receiving / receiving.sum(),
            first_team=first_team,
            job_type=np.array([JOB_TYPES.index(s.job_type) for s in services]),
            mixes=profile_mixes(scenario),
            by_profile={
                "fear": scenario.behaviour.fear_of_failure.as_array(),
                "e_completion": scenario.behaviour.e_learning_completion.as_array(),
                "acculturation": scenario.behaviour.acculturation_initial.as_array(),
            },
            changes=scheduled(scenario),
        )


@dataclasses.dataclass(frozen=True, eq=False)
class Built:
    """One run, set up: its compiled containers and what the rest of the model needs.

    Attributes:
        run: The compiled step's containers.
        network: The staff network.
        plan: The rollout plan (its ``go_live`` is ``run.plan.go_live``).
        template: The scenario's shared part.
        decisions: The run's "decisions" stream (the weekly uniforms).
        seed: The run's seed sequence.
    """

    run: Run
    network: StaffNetwork
    plan: RolloutPlan
    template: Template
    decisions: np.random.Generator
    seed: np.random.SeedSequence

    @functools.cached_property
    def mesa(self) -> np.random.Generator:
        """The generator for Mesa (``TransitionModel``'s ``random`` and ``rng``).

        Made when first asked for: the batched engine never does.
        """
        return stream(self.seed, "mesa")


def build_run(
    scenario: Scenario,
    seed: int | np.random.SeedSequence,
    template: Template | None = None,
) -> Built:
    """Draw one run of ``scenario`` and fill its containers, before week 0's observation.

    The caller observes week 0 (:func:`simulation.model.engine.observe`) before the
    first step.

    Args:
        scenario: The validated scenario.
        seed: The run's seed sequence, or an integer taken as replication 0 of it.
        template: ``Template.of(scenario)`` if already derived (it must be this
            scenario's).
    """
    template = template or Template.of(scenario)
    sequence = as_seed_sequence(seed)
    network = draw_network(template.skeleton, stream(sequence, "network"))
    drawing = stream(sequence, "population")
    population = draw_population(scenario, network, drawing, template.mixes)
    # Drawn after the population, from its stream: the earlier draws stay as they were.
    staying_on = always_on(scenario, network, drawing)
    n_services = len(network.service_names)
    technophiles = np.bincount(
        network.service_of[population.profile == TECHNOPHILE], minlength=n_services
    )
    # The plan keeps its target: a copy, not the template's array shared by all runs.
    plan = make_plan(scenario, technophiles, template.target.copy())
    services = Services.start(
        template.backing.copy(),
        template.skeleton.counts.astype(np.float64),
        len(scenario.tools),
        receiving=template.receiving,
        first_team=template.first_team,
        mobility_posts=np.floor(
            scenario.levers.internal_mobility_capacity * template.skeleton.counts.sum()
        ),
        target=template.target,
        job_type=template.job_type,
        priority=template.priority.copy(),  # a lever change writes it in place
    )
    state = _initial_state(scenario, template, network, population, staying_on, plan, services)
    rows, n_measures = scenario.horizon_weeks + 1, len(MEASURES)
    record = Record(
        by_profile=np.zeros((rows, len(PROFILES), n_measures)),
        by_service=np.zeros((rows, n_services, n_measures)),
        weekly=np.zeros((rows, WEEKLY_VALUES)),
        weeks=np.zeros(1, dtype=np.int64),
    )
    run = Run(
        staff=state,
        services=services,
        tools=template.tools,
        ties=Ties(network.indptr, network.indices),
        plan=plan_state(plan),
        coefficients=template.coefficients,
        tallies=Tallies.empty(n_services),
        record=record,
        settings=template.settings,
        work=Work(
            new_live=np.zeros(template.target.shape, dtype=bool),
            open_pairs=np.zeros(template.target.shape, dtype=bool),
        ),
    )
    return Built(run, network, plan, template, stream(sequence, "decisions"), sequence)


def _initial_state(
    scenario: Scenario,
    template: Template,
    network: StaffNetwork,
    population,  # noqa: ANN001 - population.Population
    staying_on: np.ndarray,
    plan: RolloutPlan,
    services: Services,
) -> StaffState:
    """The staff's state before week 0 (all in post, nothing live; ODD 5, step 5)."""
    behaviour, levers = scenario.behaviour, scenario.levers
    state = StaffState.empty(network.n_staff, len(scenario.tools))
    state.profile[:] = population.profile
    state.origin_service[:] = network.service_of
    state.service[:] = network.service_of
    state.team[:] = network.team_of
    state.is_manager[network.managers] = True
    state.is_referent[:] = population.is_referent
    state.always_on[:] = staying_on
    state.vulnerability[:] = population.vulnerability
    set_lever_state(state, services, plan, network.service_of, behaviour, levers)
    state.learning_ability[:] = population.learning_ability
    for name, values in template.by_profile.items():
        np.take(values, population.profile, out=getattr(state, name))
    state.degree[:] = network.degree()
    if template.settings.organisation_peers:
        state.degree[:] = network.n_staff - 1
    np.take(template.target, network.service_of, axis=0, out=state.target)
    state.strain[:] = strain.steady_strain(state, services, template.coefficients.strain)
    state.strain_parts[:, BASELINE] = state.strain  # before the rollout: the baseline's
    return state


def weekly_draws(run: Run, weeks: int) -> np.ndarray:
    """An array for ``weeks`` weeks of a run's uniforms (see :mod:`simulation.model.engine`)."""
    return np.empty((weeks, draws_per_week(run.staff)))
