"""The batched engine: many runs stepped together, with the same results as one by one.

:func:`run_batch` takes runs (a scenario and a seed each: replications of one
scenario, or scenarios that differ in parameters, strategy or even size) and steps
them all, a few weeks at a time, one compiled call per run and chunk of weeks
(:func:`simulation.model.engine.advance_weeks`). Compared with running
``TransitionModel`` once per run, it saves per run the Mesa agents and grid, the
data collector and a Python call per week, and per scenario the set-up that does not
depend on the seed (:class:`~simulation.model.build.Template`). Each run draws from
its own streams and goes through the same compiled step as ``TransitionModel``, so
its weekly table is the same, number for number.

Memory: the callers cut long lists of runs into batches of
:func:`simulation.model.sizing.batch_size` runs, so that memory stays flat in the
number of runs; within a batch, the weekly uniforms are drawn :func:`chunk_weeks`
weeks at a time (about a megabyte, one buffer for the runs of one size).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from simulation.model import engine, levers, outcomes, tables
from simulation.model.build import Built, Template, build_run, weekly_draws
from simulation.model.compiled import resolve, type_key
from simulation.model.observation import WeeklyRecorder
from simulation.model.sizing import DRAW_BYTES
from simulation.model.strategies import go_live_table
from simulation.scenario.records import Scenario


@dataclasses.dataclass(frozen=True, eq=False)
class BatchRun:
    """One finished run of a batch.

    Attributes:
        scenario: The scenario as run.
        seed: The run's seed sequence.
        built: Its containers and network, at the end of the run.
    """

    scenario: Scenario
    seed: np.random.SeedSequence
    built: Built

    def columns(self) -> dict[str, np.ndarray]:
        """The weekly table's columns by name (:meth:`WeeklyRecorder.columns`)."""
        built = self.built
        recorder = WeeklyRecorder(
            built.run.record, built.network.service_names, built.template.rates, built.plan.go_live
        )
        return recorder.columns()

    def timeseries(self) -> pd.DataFrame:
        """The weekly table (as ``TransitionModel.timeseries``)."""
        return pd.DataFrame(self.columns())

    def summary(self, columns: dict[str, np.ndarray] | None = None) -> dict:
        """End-of-run summary (as ``TransitionModel.summary``), from ``columns`` if given."""
        return outcomes.summarize(self.columns() if columns is None else columns)

    def schedule(self) -> pd.DataFrame:
        """Go-live week of each (service, tool) pair (as ``TransitionModel.schedule``)."""
        return go_live_table(self.built.plan, self.built.network.service_names, self.scenario)


def run_batch(
    runs: Sequence[tuple[Scenario, np.random.SeedSequence]],
    stops: Sequence[int] = (),
    on_stop: Callable[[int, Sequence[Built]], None] | None = None,
) -> list[BatchRun]:
    """Run every ``(scenario, seed)`` of ``runs`` to its horizon; results in order.

    Args:
        runs: The runs. Scenarios that are the same object share their set-up.
        stops: Weeks after which ``on_stop`` looks at the runs (week 0: before any step).
        on_stop: Called as ``on_stop(week, group)`` after each week of ``stops``, with
            the runs stepped together (in the order of ``runs``); a measure that the
            weekly table does not hold (the state of some pairs at some age) reads their
            containers there. Runs already past their horizon are in ``group`` too.

    Raises:
        Whatever setting up a run raises (e.g. ``ScenarioError``); nothing is run then.
    """
    templates: dict[int, Template] = {}
    built = []
    for scenario, seed in runs:
        template = templates.get(id(scenario))
        if template is None:
            template = templates[id(scenario)] = Template.of(scenario)
        built.append(build_run(scenario, seed, template))
    # Runs whose containers have the same compiled types are stepped by one call.
    groups: dict[object, list[int]] = {}
    for k, one in enumerate(built):
        groups.setdefault(type_key(one.run), []).append(k)
    for members in groups.values():
        group = [built[k] for k in members]
        _step_group(group, stops, None if on_stop is None else _looking(on_stop, group))
        for k, one in zip(members, group, strict=True):  # with the coefficients in force
            built[k] = one
    return [
        BatchRun(scenario, seed, one) for (scenario, seed), one in zip(runs, built, strict=True)
    ]


def _looking(
    on_stop: Callable[[int, Sequence[Built]], None], group: list[Built]
) -> Callable[[int], None]:
    """``on_stop`` with the group it looks at: called as ``look(week)``."""

    def look(week: int) -> None:
        on_stop(week, group)

    return look


def _step_group(
    group: list[Built],
    stops: Sequence[int] = (),
    on_stop: Callable[[int], None] | None = None,
) -> None:
    """Observe week 0 of every run of ``group``, then step them all to their horizon.

    Runs are stepped a chunk of weeks at a time, run after run; a chunk also ends at
    each week of ``stops``, after which ``on_stop(week)`` is called (week 0 included),
    and before each week of a run's lever changes, which are applied then (the
    members of ``group`` are replaced by the runs with the new coefficients).
    """
    # The containers of a group have the same compiled types: one entry point each.
    observe = resolve(engine.observe, (group[0].run, 0, 0))
    horizon = max(one.run.settings.horizon for one in group)
    weeks = min(chunk_weeks(one.run) for one in group)
    # Runs are stepped one after the other and a chunk's uniforms are used up before
    # the next run draws its own: runs of one size share one buffer, which stays in
    # the processor's cache (a buffer per run would be fresh memory at every chunk).
    buffers: dict[int, np.ndarray] = {}
    draws = []
    for one in group:
        size = engine.draws_per_week(one.run.staff)
        if size not in buffers:
            buffers[size] = weekly_draws(one.run, weeks)
        draws.append(buffers[size])
    advance = resolve(engine.advance_weeks, (group[0].run, draws[0], 1, weeks))
    stops = sorted({w for w in stops if 0 <= w <= horizon})
    changes = [{change.week: change for change in one.template.changes} for one in group]
    # A chunk ends before each week of a change: the week before is its last.
    change_stops = sorted({week - 1 for weeks_ in changes for week in weeks_})
    for one in group:
        observe(one.run, 0, 0)
    if on_stop and stops and stops[0] == 0:
        on_stop(0)
    first = 1
    while first <= horizon:
        stop = next((w for w in stops if w >= first), horizon)
        stop = min(stop, next((w for w in change_stops if w >= first), horizon))
        count = min(weeks, stop - first + 1)
        for k, (one, buffer) in enumerate(zip(group, draws, strict=True)):
            change = changes[k].get(first)
            if change is not None:
                group[k] = one = _changed(one, change)
            if first <= one.run.settings.horizon:
                one.decisions.random(out=buffer[:count])
                advance(one.run, buffer, first, count)
        first += count
        if on_stop and first - 1 in stops:
            on_stop(first - 1)


def _changed(one: Built, change: levers.Change) -> Built:
    """``one`` with the lever change applied (before the step of ``change.week``)."""
    run = levers.apply(
        one.run, change, one.plan, one.network.service_of, one.template.scenario.behaviour
    )
    return dataclasses.replace(one, run=run)


def run_alone(
    scenario: Scenario, seed: np.random.SeedSequence, snapshot_weeks: Sequence[int] = ()
) -> tuple[BatchRun, list[pd.DataFrame]]:
    """One run, with its staff's state at ``snapshot_weeks`` (no Mesa agents).

    The same numbers as ``TransitionModel`` and :func:`run_batch`.

    Returns:
        The finished run, and the staff's state (:func:`simulation.model.tables.staff_state`,
        with a ``week`` column) at each snapshot week, in week order.
    """
    built = build_run(scenario, seed)
    threshold = scenario.behaviour.high_strain_threshold
    frames: list[pd.DataFrame] = []

    def snapshot(week: int) -> None:
        frames.append(tables.staff_state(built.run.staff, threshold).assign(week=week))

    group = [built]
    _step_group(group, snapshot_weeks, snapshot)
    return BatchRun(scenario, seed, group[0]), frames


def chunk_weeks(run: engine.Run) -> int:
    """Weeks of uniforms drawn at once for ``run``: about :data:`DRAW_BYTES`, at least 1."""
    per_week = 8 * engine.draws_per_week(run.staff)
    return max(1, min(run.settings.horizon, DRAW_BYTES // max(per_week, 1)))
