"""The compiled weekly step of one run, and of many runs at once.

A week of the model is one compiled call, :func:`advance_week`, over one run's
containers (:class:`Run`): the rollout plan advances (:mod:`simulation.model.schedule`),
then the mechanisms of :mod:`simulation.model.mechanisms` run in their order, and the
week's tallies are recorded. ``TransitionModel`` (the Mesa model) calls its week,
:func:`step_week`, once a week; the batched engine (:mod:`simulation.model.batch`)
calls :func:`advance_weeks`, which steps a run over several weeks in one call, run
after run, so that each run's state stays in the processor's cache while it runs.
Both paths execute the same compiled code on the same containers, so a run gives the
same numbers alone, in a batch, serially or on a cluster.

**Random numbers.** A week uses ``N * T + 2 * N`` uniforms of the run's "decisions"
stream (:mod:`simulation.model.seeds`), in this order: one per (staff, tool) pair
(adoption), one per staff member (dropout), one per staff member (destination of a
departure). Fixed-size draws every week keep replication ``r``'s numbers aligned
across strategies (common random numbers). numpy fills the uniforms of several weeks
at once (``Generator.random(out=...)`` fills an array in order, so a (weeks, n) array
holds the same numbers as ``weeks`` draws of ``n``); the step copies its week's row
into ``StaffState.pair_draw``, ``draw`` and ``mobility_draw``. A run stepped one week
at a time (``TransitionModel``) draws into these three arrays directly, in that order,
and calls :func:`step_week`, the week without the copy.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from simulation.model.inputs import Coefficients
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
from simulation.model.observation import (
    E_LEARNING_HOURS,
    GO_LIVES,
    PAIRS_LIVE,
    PAIRS_TARGET,
    TRAINER_HOURS,
    TRAINING_HOURS,
    Record,
    Tallies,
    tally,
)
from simulation.model.schedule import PlanState, advance, open_training, pairs_live
from simulation.model.state import Services, StaffState, Ties, Tools


class Settings(NamedTuple):
    """What the step needs of the scenario besides the coefficients."""

    horizon: int  # last week simulated
    change_fade: float  # exp(-1 / change_memory_weeks): weekly fading of recent change
    organisation_peers: bool  # peer scope: everybody is everybody's neighbour


class Work(NamedTuple):
    """The step's working arrays (S, T), rewritten every week."""

    new_live: np.ndarray  # bool: pairs going live this week
    open_pairs: np.ndarray  # bool: pairs whose training is open


class Run(NamedTuple):
    """Everything the compiled step of one run reads and writes."""

    staff: StaffState
    services: Services
    tools: Tools
    ties: Ties
    plan: PlanState
    coefficients: Coefficients
    tallies: Tallies
    record: Record
    settings: Settings
    work: Work


def draws_per_week(staff: StaffState) -> int:
    """Uniforms a week uses: one per (staff, tool) pair, two per staff member."""
    return int(staff.pair_draw.size + staff.draw.size + staff.mobility_draw.size)


@njit(cache=True, error_model="numpy")
def advance_week(run: Run, week: int, draws: np.ndarray) -> None:
    """Simulate week ``week`` of ``run`` in place, with the week's uniforms ``draws``.

    See :mod:`simulation.model.mechanisms` for the order of the mechanisms.
    """
    staff = run.staff
    # The week's uniforms, in the order of the module docstring.
    pair_draw, draw, mobility_draw = staff.pair_draw, staff.draw, staff.mobility_draw
    n_pairs, n = pair_draw.size, draw.size
    flat = pair_draw.reshape(n_pairs)
    for k in range(n_pairs):
        flat[k] = draws[k]
    # One plain copy per array, from a view that starts at its first number (faster
    # than one loop filling both from offsets).
    after = draws[n_pairs:]
    for i in range(n):
        draw[i] = after[i]
    after = draws[n_pairs + n :]
    for i in range(n):
        mobility_draw[i] = after[i]
    step_week(run, week)


@njit(cache=True, error_model="numpy")
def step_week(run: Run, week: int) -> None:
    """Simulate week ``week`` of ``run`` in place, its uniforms already in ``run.staff``.

    :func:`advance_week` once ``pair_draw``, ``draw`` and ``mobility_draw`` hold the
    week's uniforms (a run stepped week by week draws them there directly).
    """
    staff, services, tools, c = run.staff, run.services, run.tools, run.coefficients
    work = run.work
    # 1. Exposure: go-lives decided by the plan; training opens ahead of them.
    advance(run.plan, week, services, work.new_live)
    open_training(run.plan, week, work.open_pairs)
    exposure.expose(staff, services, work.new_live, work.open_pairs)
    exposure.record_change(services, tools, work.new_live, run.settings.change_fade, week)
    # 2. Training.
    training.tools_to_learn(staff, c.training)
    training.allocate_training(staff, services, c.training)
    # 3. Learning.
    learning.referent_support(staff, services, c.learning)
    learning.learn(staff, services, tools, c.learning)
    acculturation.acculturate(staff, services, c.acculturation)
    # 4. Adoption.
    adoption.adopt(staff, services, c.adoption)
    # 5. Strain.
    strain.update(staff, services, tools, c.strain)
    # 6. Dropout; work of those who left shifts to their service's colleagues.
    if dropout.drop_out(staff, services, week, c.dropout) > 0:
        dropout.shift_workload(staff, services)
    # 7. Neighbours see the week's changes.
    if run.settings.organisation_peers:
        peers.mean_field(staff, c.learning.mastery_threshold)
    else:
        peers.propagate(staff, run.ties, c.learning.mastery_threshold)
    go_lives = 0
    for value in work.new_live.flat:
        go_lives += value
    observe(run, week, go_lives)


@njit(cache=True, error_model="numpy")
def observe(run: Run, week: int, go_lives: int) -> None:
    """Tally the staff and the plan's pairs, and record row ``week`` of ``run.record``."""
    staff, tallies, record = run.staff, run.tallies, run.record
    tally(staff, run.services, run.tools, run.coefficients.tally, tallies)
    record.by_profile[week] = tallies.by_profile
    record.by_service[week] = tallies.by_service
    row = record.weekly[week]
    row[GO_LIVES] = go_lives
    # Counted every week (not summed from go_lives), so that the summary reads what is
    # live at the horizon from the last row alone; over the services' target pairs,
    # since a custom plan's target leaves out the pairs in no wave.
    live, target = pairs_live(run.services.target, run.plan.go_live)
    row[PAIRS_LIVE] = live
    row[PAIRS_TARGET] = target
    if week > 0:  # the set-up's observation has no training
        followed, trainers, e_learning = training.week_hours(staff, run.coefficients.training)
        row[TRAINING_HOURS] = followed
        row[TRAINER_HOURS] = trainers
        row[E_LEARNING_HOURS] = e_learning
    record.weeks[0] = week + 1


@njit(cache=True, error_model="numpy")
def advance_weeks(run: Run, draws: np.ndarray, first: int, count: int) -> None:
    """Simulate weeks ``first`` to ``first + count - 1`` of ``run`` (it stops at its horizon).

    Args:
        run: The run's containers.
        draws: Float array (count or more, per-week uniforms): row ``w`` holds week
            ``first + w``'s (see the module docstring).
        first: First week to simulate (>= 1).
        count: Weeks to simulate.
    """
    last = min(first + count - 1, run.settings.horizon)
    for week in range(first, last + 1):
        advance_week(run, week, draws[week - first])
