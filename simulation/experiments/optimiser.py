"""The plan search: Optuna's multi-objective TPE over the conditional lever space.

Why Optuna, and its TPE sampler (docs/optimisation.md says more):

* the space is conditional: big bang's preparation exists only when the family is big
  bang. Optuna's define-by-run trials draw exactly the levers of the drawn family, and
  TPE with ``multivariate=True, group=True`` models each family's levers jointly;
  NSGA-II (Optuna's or pymoo's) evolves only the levers every candidate has, and
  draws the others at random;
* a few hundred candidates, each costing a few dozen runs: TPE learns from every
  candidate, where a genetic algorithm needs many generations;
* its SQLite storage keeps every candidate as it is evaluated, so an interrupted
  search resumes where it stopped (``--resume``), and more trials extend it.

The search proposes ``batch`` candidates at once (evaluated in parallel on the
executor; ``constant_liar`` keeps them apart), then tells their values in order. Each
batch's sampler is seeded from the root seed and the batch number, and a candidate's
values depend only on the replications it runs: the same seed gives the same
candidates and the same front, interrupted or not.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments.plan_evaluation import SEARCH, Evaluator
from simulation.experiments.plan_objectives import CONSTRAINTS, judge, objective_values
from simulation.experiments.plan_settings import OptimiseSettings
from simulation.experiments.plan_space import PlanSpace

STUDY = "transnum"
"""Name of the study in the folder's ``study.db``."""
BATCH_ATTR, STATS_ATTR = "batch", "stats"


class StudyMismatchError(ValueError):
    """``--resume`` on a folder whose study searched another organisation or space."""


@dataclasses.dataclass(frozen=True)
class SearchProgress:
    """What :func:`search` has done so far (passed to its ``on_batch`` callback)."""

    batch: int
    batches: int
    trials_done: int


def fingerprint(base_text: str, space: PlanSpace, settings: OptimiseSettings, extra: dict) -> str:
    """SHA-256 of everything that fixes a candidate's values (not the number of trials)."""
    from simulation.scenario.schema import plain_data

    described = {
        "scenario": base_text,
        "levers": [dataclasses.asdict(lever) for lever in space.levers],
        "fixed": dict(space.fixed),
        "uncertainties": [dataclasses.asdict(u) for u in space.uncertainties],
        "settings": {
            k: v
            for k, v in plain_data(settings).items()
            if k not in ("trials", "check_replications")
        },
        **extra,
    }
    text = json.dumps(described, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def open_study(path: Path | None, directions: int, mark: str, resume: bool) -> Any:
    """The study in ``path`` (SQLite; None: in memory), new or resumed.

    Raises:
        StudyMismatchError: resuming a study made for another organisation or space.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = None if path is None else f"sqlite:///{path}"
    study = optuna.create_study(
        study_name=STUDY,
        storage=storage,
        directions=["minimize"] * directions,
        load_if_exists=resume,
    )
    saved = study.user_attrs.get("fingerprint")
    if saved is None:
        study.set_user_attr("fingerprint", mark)
    elif saved != mark:
        raise StudyMismatchError(
            "this folder's search was made for another scenario, lever space, settings or "
            "parameters; resume it with the same ones, or search into a new folder"
        )
    return study


def _sampler(seed: int, batch: int, startup: int, first: int = 0) -> Any:
    """TPE seeded from the root seed and the batch (and the batch's first new candidate)."""
    import optuna

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.TPESampler(
            seed=int(np.random.SeedSequence(seed, spawn_key=(batch, first)).generate_state(1)[0]),
            multivariate=True,
            group=True,
            constant_liar=True,
            n_startup_trials=startup,
        )


def search(
    study: Any,
    evaluator: Evaluator,
    settings: OptimiseSettings,
    *,
    on_batch: Callable[[SearchProgress], None] | None = None,
    on_runs: Callable[[int], None] | None = None,
) -> None:
    """Propose, evaluate and tell candidates until the study holds ``settings.trials``.

    Batches already told are skipped; a batch proposed but not told (the search was
    interrupted while it ran) is evaluated now; a batch proposed only in part is
    proposed again. Each candidate's statistics are kept in the study (user attribute
    ``stats``), so the trials table is rebuilt from the study alone.
    """
    import optuna
    from optuna.trial import TrialState

    n = settings.replications
    replications = evaluator.replications(SEARCH, n)
    draws = evaluator.uncertainties(SEARCH, n)
    horizon = evaluator.base.horizon_weeks
    batches = math.ceil(settings.trials / settings.batch)
    startup = min(settings.trials, 2 * settings.batch)  # random candidates before TPE learns
    for b in range(batches):
        size = min(settings.batch, settings.trials - b * settings.batch)
        trials = [
            t
            for t in study.get_trials(deepcopy=False)
            if t.user_attrs.get(BATCH_ATTR) == b and t.state != TrialState.FAIL
        ]
        done = [t for t in trials if t.state == TrialState.COMPLETE]
        if len(done) >= size:
            continue
        running = [t for t in trials if t.state == TrialState.RUNNING]
        if len(done) + len(running) < size:
            if not done:  # proposed in part when interrupted: proposed again, as it was
                for t in running:
                    study.tell(t.number, state=TrialState.FAIL)
                running, first = [], 0
            else:  # a smaller budget ended inside this batch: its candidates stay
                first = len(done) + len(running)
            study.sampler = _sampler(evaluator.root, b, startup, first)
            numbers = {t.number for t in running}
            for _ in range(size - len(done) - len(running)):
                trial = study.ask()
                trial.set_user_attr(BATCH_ATTR, b)
                evaluator.space.suggest(trial)
                numbers.add(trial.number)
            running = [t for t in study.get_trials(deepcopy=False) if t.number in numbers]
        pending = sorted(running, key=lambda t: t.number)
        plans = [dict(t.params) for t in pending]
        results = evaluator.evaluate(plans, replications, draws, on_done=on_runs)
        for frozen, outcomes in zip(pending, results, strict=True):
            stats = judge(
                outcomes,
                horizon=horizon,
                thresholds=settings.thresholds,
                constraints=settings.constraints,
                quantile=settings.quantile,
            )
            # The live trial of a frozen one (asked in an earlier session, when resumed);
            # Optuna names it by its storage id only.
            trial = optuna.trial.Trial(study, frozen._trial_id)
            trial.set_user_attr(STATS_ATTR, stats)
            for name in CONSTRAINTS:
                trial.set_constraint(name, stats[name])
            study.tell(
                frozen.number, objective_values(stats, settings.objectives, settings.statistic)
            )
        if on_batch:
            on_batch(SearchProgress(b + 1, batches, (b + 1) * settings.batch))


def trials_table(study: Any, space: PlanSpace, settings: OptimiseSettings) -> pd.DataFrame:
    """One row per evaluated candidate: its levers, statistics and standing.

    Columns: ``trial``, ``batch``, every lever (empty where the family has none), every
    statistic of :func:`~simulation.experiments.plan_objectives.judge`, ``feasible``
    (every constraint met) and ``pareto`` (feasible and not dominated by a feasible
    candidate on the minimised values).
    """
    from optuna.trial import TrialState

    rows = []
    for t in study.get_trials(deepcopy=False, states=[TrialState.COMPLETE]):
        stats = t.user_attrs.get(STATS_ATTR, {})
        row = {"trial": t.number, "batch": t.user_attrs.get(BATCH_ATTR)}
        row.update({lever.name: t.params.get(lever.name) for lever in space.levers})
        row.update(stats)
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["feasible"] = (table[list(CONSTRAINTS)] <= 0).all(axis=1)
    suffix = "_q" if settings.statistic == "quantile" else "_mean"
    values = table[[f"{name}{suffix}" for name in settings.objectives]].to_numpy(float)
    table["pareto"] = False
    feasible = table["feasible"].to_numpy()
    if feasible.any():
        front = non_dominated(values[feasible])
        table.loc[table.index[feasible][front], "pareto"] = True
    return table.sort_values("trial", ignore_index=True)


def non_dominated(values: np.ndarray) -> np.ndarray:
    """Indices of the rows no other row dominates (all minimised; duplicates kept once)."""
    keep = []
    for i, row in enumerate(values):
        others = np.delete(values, i, axis=0)
        dominated = np.any(np.all(others <= row, axis=1) & np.any(others < row, axis=1))
        duplicate_before = any(np.array_equal(values[j], row) for j in keep)
        if not dominated and not duplicate_before:
            keep.append(i)
    return np.array(keep, dtype=int)
