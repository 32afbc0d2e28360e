"""Running candidate plans over the same replications (common random numbers).

Replication ``r`` of every candidate uses the same ensemble member (``r`` itself: one
replication per member), the same seed (``SeedSequence(root, spawn_key=(r,))``) and the
same draw of the uncertainties: two plans are compared on identical organisations,
staff and conditions, so that the difference between them is the plans' own.

The search uses replications ``0`` to ``N - 1``; the named plans are then checked on
fresh ones (``N`` onwards, with their own draw of the uncertainties), so that the
robustness they are reported with is not the luck of the replications they were
chosen on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from typing import Any

import numpy as np

from simulation.experiments.parameters import ParameterDraw
from simulation.experiments.plan_objectives import RUN_OUTCOMES, run_outcomes
from simulation.experiments.plan_space import PlanSpace
from simulation.model.seeds import run_seed
from simulation.scenario.records import Scenario

SEARCH, CHECK = 0, 1
"""Spawn keys of the uncertainty draws of the search's and of the checks' replications."""


def evaluate_runs(task: tuple) -> np.ndarray:
    """Top-level (picklable) worker: a candidate's runs, stepped together.

    Args:
        task: ``(scenario, runs, root, deadline)``: the candidate plan's scenario, a list
            of ``(replication, changes)`` (the member's parameters and the uncertainties'
            values, by dotted path), the root seed, and the week by which every go-live
            is due.

    Returns:
        (len(runs), len(RUN_OUTCOMES)) outcomes, in the order of ``runs``.
    """
    from simulation.model.batch import run_batch
    from simulation.model.outcomes import flatten
    from simulation.model.strategies import NEVER

    scenario, runs, root, deadline = task
    scenarios = [scenario.override(changes) if changes else scenario for _, changes in runs]
    finished = run_batch(
        [(s, run_seed(root, r)) for s, (r, _) in zip(scenarios, runs, strict=True)]
    )
    rows = []
    for run in finished:
        plan = run.built.plan
        go_live = run.built.run.plan.go_live
        late = int((plan.target & ((go_live == NEVER) | (go_live > deadline))).sum())
        rows.append(run_outcomes(flatten(run.summary()), late))
    return np.array(rows).reshape(len(runs), len(RUN_OUTCOMES))


@dataclasses.dataclass
class Evaluator:
    """Runs candidate plans of one organisation on an executor, over fixed replications.

    Attributes:
        base: The organisation's scenario (its plan is replaced by each candidate's).
        space: The levers and uncertainties.
        parameters: Where each replication's behavioural parameters come from (one
            replication per member); the plan's own paths are kept.
        root: Root seed of every run.
        deadline: Week by which every go-live is due.
        executor: Where the runs execute.
    """

    base: Scenario
    space: PlanSpace
    parameters: ParameterDraw
    root: int
    deadline: int
    executor: Executor

    def __post_init__(self) -> None:
        self.parameters = dataclasses.replace(self.parameters, per_member=1).keeping(
            self.space.paths
        )
        self._draws: dict[tuple[int, int], np.ndarray] = {}

    def uncertainties(self, which: int, n: int) -> np.ndarray:
        """The (n, len(space.uncertainties)) draw of the search's or the checks' runs."""
        key = (which, n)
        if key not in self._draws:
            seed = np.random.SeedSequence(self.root, spawn_key=(2**31 + which,))
            self._draws[key] = self.space.draw_uncertainties(seed, n)
        return self._draws[key]

    def replications(self, which: int, n: int, offset: int = 0) -> list[int]:
        """Replication numbers of the search (0...) or of the checks (``offset``...)."""
        return list(range(offset, offset + n)) if which == CHECK else list(range(n))

    def changes(self, candidate: Scenario, replication: int, row: Sequence[float]) -> dict:
        """The member's parameters and the uncertainties of one replication, by path."""
        member = self.parameters.member(replication)
        changes: dict[str, Any] = {}
        if member is not None:
            assert self.parameters.ensemble is not None
            changes.update(
                (path, value)
                for path, value in self.parameters.ensemble.overrides(member).items()
                if path not in self.parameters.kept
            )
        if len(row):
            changes.update(self.space.uncertain_changes(candidate, row))
        return changes

    def evaluate(
        self,
        plans: Sequence[dict[str, Any]],
        replications: Sequence[int],
        draws: np.ndarray,
        on_done: Callable[[int], None] | None = None,
    ) -> list[np.ndarray]:
        """Each plan's outcome matrix over ``replications`` (rows in that order).

        Args:
            plans: Lever values of each candidate.
            replications: The replications every candidate runs.
            draws: The uncertainties' values, one row per replication.
            on_done: Called with the number of runs each time a batch finishes.
        """
        from simulation.experiments.executors import worker_count
        from simulation.model.sizing import batch_size

        scenarios = [self.space.plan(self.base, values) for values in plans]
        total = len(plans) * len(replications)
        size = batch_size(self.base, total, worker_count(self.executor))
        out = [np.empty((len(replications), len(RUN_OUTCOMES))) for _ in plans]
        futures = {}
        for k, scenario in enumerate(scenarios):
            runs = [(r, self.changes(scenario, r, draws[i])) for i, r in enumerate(replications)]
            for start in range(0, len(runs), size):
                chunk = runs[start : start + size]
                task = (scenario, chunk, self.root, self.deadline)
                futures[self.executor.submit(evaluate_runs, task)] = (k, start, len(chunk))
        for future in as_completed(futures):
            k, start, n = futures[future]
            out[k][start : start + n] = future.result()
            if on_done:
                on_done(n)
        return out
