"""Running the waves of an ensemble calibration into a results folder, resumably.

Each wave of :func:`simulation.experiments.history_matching.match` is a sweep: its
points are (parameter set, scenario) pairs, each run ``replications`` times with the
seeds ``run_seed(root, r)``, ``root`` the set's own (:func:`set_seed`; common to its
scenarios, so that a set's patterns are measured on the same draws), and
its runs go to a :class:`~simulation.experiments.store.SweepStore` in
``wave-NN/`` as they finish, on any executor (processes or Dask). A wave's design
depends only on the runs of the waves before it, so an interrupted calibration
resumed with the same file replays the finished waves from their stores and runs
only what is missing: the same waves and the same ensemble as without interruption.

The folder also holds ``waves.parquet`` (every set run: wave, parameters, pattern
values, implausibilities, whether plausible) and ``ensemble.parquet`` (the members,
with the provenance in the file's metadata, :mod:`simulation.experiments.ensemble`).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.experiments.experiment import Experiment, Point
from simulation.experiments.history_matching import Matching, Wave, match
from simulation.experiments.patterns import EnsembleSpec, Scenarios, pattern_values
from simulation.scenario.records import Scenario
from simulation.scenario.schema import field_number

WAVE_KIND = "ensemble-wave"


def wave_folder(folder: Path, number: int) -> Path:
    """The store of wave ``number`` inside an ensemble calibration's folder."""
    return Path(folder) / f"wave-{number:02d}"


def overrides_of(spec: EnsembleSpec, values: np.ndarray) -> dict[str, Any]:
    """A parameter set as scenario overrides (whole-number fields rounded)."""
    return {
        prior.path: field_number(Scenario, prior.path, value)
        for prior, value in zip(spec.parameters, values, strict=True)
    }


def set_seed(spec: EnsembleSpec, wave: int, k: int) -> int:
    """Root seed of set ``k`` of wave ``wave``: its own, from the file's seed.

    Each set has its own replications (common to its scenarios): with seeds common to
    every set, the sets kept would be those that suit that one draw of the staff and
    their networks, and would miss the patterns on other draws.
    """
    return derived_seed(spec.seed, wave, k)


def derived_seed(*keys: int) -> int:
    """A root seed (0 to 2**63 - 1) drawn from ``keys`` by ``numpy.random.SeedSequence``."""
    state = np.random.SeedSequence(list(keys)).generate_state(2, np.uint32)
    return int((int(state[0]) << 31) | (int(state[1]) >> 1))


def wave_points(
    spec: EnsembleSpec, scenarios: Scenarios, sets: np.ndarray, wave: int = 1
) -> list[Point]:
    """The points of a wave: set ``k`` on scenario ``s`` is point ``k * S + s``."""
    points = []
    n_scenarios = len(scenarios.scenarios)
    for k, values in enumerate(sets):
        overrides = overrides_of(spec, values)
        root = set_seed(spec, wave, k)
        for s, (name, scenario) in enumerate(
            zip(scenarios.names, scenarios.scenarios, strict=True)
        ):
            factors = {"set": k, "scenario": name, "root_seed": root, **overrides}
            points.append(Point(k * n_scenarios + s, factors, scenario.override(overrides), root))
    return points


def wave_experiment(spec: EnsembleSpec, number: int) -> Experiment:
    """The sweep of one wave: the file's replications and seed, the patterns' outcomes."""
    outcomes = tuple(dict.fromkeys(p.outcome for p in spec.patterns))
    return Experiment(
        name=f"{spec.name}, wave {number}",
        replications=spec.replications,
        seed=spec.seed,
        outcomes=outcomes,
        weekly=(),
    )


OpenStore = Callable[[Path, Experiment, list[Point], int], Any]
"""``open_store(folder, experiment, points, wave)``: a new or resumed SweepStore."""


def calibrate_ensemble(
    spec: EnsembleSpec,
    scenarios: Scenarios,
    folder: Path,
    executor: Executor,
    open_store: OpenStore,
    *,
    window: int,
    on_record: Callable[[dict[str, Any]], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
    on_wave: Callable[[Wave], None] | None = None,
) -> Matching:
    """History-match ``spec`` on ``scenarios``, each wave's runs stored under ``folder``.

    Args:
        spec: The ensemble file's content.
        scenarios: Its scenarios (:func:`simulation.experiments.patterns.load_ensemble_spec`).
        folder: The calibration's results folder (waves go to ``wave-NN/``).
        executor: Where runs execute.
        open_store: Creates a wave's store, or reopens it when resuming.
        window: Most runs in flight at once.
        on_record: Called with each finished run's record.
        on_plan: Called with the number of runs a wave is about to run.
        on_wave: Called with each finished wave.
    """
    from simulation.experiments.sweep import run_experiment

    names = np.array(scenarios.names, dtype=object)
    groups = dict(zip(scenarios.names, scenarios.groups, strict=True))

    def evaluate(number: int, sets: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
        experiment = wave_experiment(spec, number)
        points = wave_points(spec, scenarios, sets, number)
        store = open_store(wave_folder(folder, number), experiment, points, number)
        run_experiment(
            experiment,
            points,
            store,
            executor,
            window=window,
            on_record=on_record,
            on_plan=on_plan,
        )
        store.flush()
        runs = store.runs()
        failures = int((runs["status"] != "ok").sum())
        store.close("complete" if failures == 0 else "complete with failures")
        frame = runs.assign(
            set=runs["point"] // len(names), scenario=names[runs["point"] % len(names)]
        )
        values, variances = pattern_values(frame, groups, spec.patterns)
        index = pd.RangeIndex(len(sets), name="set")
        return values.reindex(index), variances.reindex(index)

    matching = match(spec, evaluate)
    if on_wave:
        for wave in matching.waves:
            on_wave(wave)
    return matching


def waves_table(spec: EnsembleSpec, matching: Matching) -> pd.DataFrame:
    """Every set run: wave, set, parameters, pattern values and implausibilities."""
    frames = []
    for wave in matching.waves:
        frame = pd.DataFrame(wave.sets, columns=[p.path for p in spec.parameters])
        frame.insert(0, "set", np.arange(len(wave.sets)))
        frame.insert(0, "wave", wave.number)
        for pattern in spec.patterns:
            frame[f"value.{pattern.id}"] = wave.values[pattern.id].to_numpy()
            frame[f"implausibility.{pattern.id}"] = wave.implausibility[pattern.id].to_numpy()
        frame["plausible"] = wave.plausible
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def wave_store_opener(spec_file: Path, command: str) -> OpenStore:
    """Opens each wave's store: created when new, resumed (and checked) when it exists."""
    from simulation.experiments.results import manifest
    from simulation.experiments.store import SweepStore
    from simulation.experiments.sweep import kept_outcomes, points_table

    def open_store(folder: Path, experiment: Experiment, points: list[Point], number: int):  # noqa: ANN202
        table = points_table(points)
        if (folder / "manifest.json").is_file():
            return SweepStore.resume(folder, spec_file, table, command, kind=WAVE_KIND)
        info = manifest(command, 0.0, {"root_seed": experiment.seed})
        info.pop("wall_s")
        info["wave"] = number
        return SweepStore.create(
            folder,
            spec_file,
            table,
            kept_outcomes(experiment),
            experiment.weekly,
            info,
            command=command,
            kind=WAVE_KIND,
        )

    return open_store


def members_table(spec: EnsembleSpec, matching: Matching) -> pd.DataFrame:
    """The ensemble's members: ``member``, equal ``weight``, ``wave``, ``set``, parameters."""
    members = matching.members.reset_index(drop=True)
    members.insert(0, "weight", 1.0 / len(members) if len(members) else [])
    members.insert(0, "member", np.arange(len(members)))
    return members


def member_values(spec: EnsembleSpec, matching: Matching) -> pd.DataFrame:
    """Each member's simulated value of each pattern (rows in member order)."""
    by_wave = {w.number: w for w in matching.waves}
    rows = [
        by_wave[n].values.iloc[k]
        for n, k in zip(matching.members["wave"], matching.members["set"], strict=True)
    ]
    return pd.DataFrame(rows, columns=[p.id for p in spec.patterns]).reset_index(drop=True)


def provenance(spec: EnsembleSpec, spec_file: Path, matching: Matching, scenarios: Scenarios):
    """Where an ensemble comes from: patterns, priors, method, seeds, version, date."""
    from simulation.experiments.results import manifest
    from simulation.experiments.store import file_hash

    info = manifest("", 0.0, {"root_seed": spec.seed, "design_seed": spec.waves.seed})
    info.pop("wall_s")
    info.pop("command")
    runs = sum(len(w.sets) for w in matching.waves) * len(scenarios.scenarios) * spec.replications
    info.update(
        {
            "name": spec.name,
            "method": {
                "name": "history matching in waves (Vernon et al. 2010; Andrianakis et al. 2015)",
                "emulator": "scikit-learn GaussianProcessRegressor, Matern 5/2 + white noise",
                "implausibility": "distance outside the pattern's range / "
                "sqrt(tolerance^2 + variance of the simulated mean)",
                **spec.waves.to_plain(),
                "replications": spec.replications,
                "stopped": matching.stopped,
            },
            "priors": [p.to_plain() for p in spec.parameters],
            "patterns": [p.to_plain() for p in spec.patterns],
            "scenarios": list(scenarios.names),
            "ensemble_file": spec_file.name,
            "ensemble_file_sha256": file_hash(spec_file),
            "waves": [
                {"wave": w.number, "sets": len(w.sets), "plausible": int(w.plausible.sum())}
                for w in matching.waves
            ],
            "runs": runs,
        }
    )
    return info


def predictive_check(
    spec: EnsembleSpec,
    scenarios: Scenarios,
    ensemble: Any,
    *,
    root_seed: int,
    members: list[int] | None = None,
    workers: int = 1,
    scheduler: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The patterns of ensemble members on fresh seeds (a posterior predictive check).

    Each member runs every scenario ``spec.replications`` times under its own root seed,
    derived from ``root_seed`` and the member's number (take a ``root_seed`` the
    calibration did not use).

    Args:
        spec: The ensemble file's content.
        scenarios: Its scenarios.
        ensemble: The :class:`~simulation.experiments.ensemble.Ensemble`.
        root_seed: Root seed of the runs.
        members: Which members (default: all).
        workers: Local worker processes.
        scheduler: A Dask scheduler instead.

    Returns:
        ``values`` (pattern values, one row per member, indexed by member number) and
        ``implausibility`` (every pattern, same rows).
    """
    from simulation.experiments.history_matching import implausibility
    from simulation.experiments.runner import run_tasks
    from simulation.model.outcomes import flatten

    chosen = list(range(len(ensemble))) if members is None else list(members)
    tasks, keys = [], []
    for m in chosen:
        overrides = ensemble.overrides(m)
        member_root = derived_seed(root_seed, m)
        for name, scenario in zip(scenarios.names, scenarios.scenarios, strict=True):
            run_scenario = scenario.override(overrides)
            for r in range(spec.replications):
                tasks.append((run_scenario, r, member_root))
                keys.append((m, name, r))
    results = run_tasks(tasks, workers=workers, scheduler=scheduler)
    outcomes = tuple(dict.fromkeys(p.outcome for p in spec.patterns))
    rows = []
    for (m, name, r), result in zip(keys, results, strict=True):
        flat = flatten(result.summary)
        rows.append(
            {"set": m, "scenario": name, "replication": r, **{o: flat[o] for o in outcomes}}
        )
    groups = dict(zip(scenarios.names, scenarios.groups, strict=True))
    values, variances = pattern_values(pd.DataFrame(rows), groups, spec.patterns)
    values.index.name = variances.index.name = "member"
    return values, implausibility(values, variances, spec.patterns)
