"""Tests of sweeps: simulation/experiments/ (sweep, store, executors, statistics) and the CLI.

They check that a sweep's runs and weekly tables do not depend on where runs execute
(serially, in a process pool, on a Dask LocalCluster), that every row reruns alone
from its stored seed, that replication r gets the same seeds at every point (common
random numbers), that a failing run is recorded and the others complete, that a
sweep killed at any moment and resumed ends with exactly the runs of an
uninterrupted sweep, that results folders of other sweeps are refused, that
--precision adds replications until the intervals are narrow enough, and that the
exported summary and paired tables hold the statistics they claim.

Experiments are small (60 to 150 staff, 20 to 40 weeks); results go to tmp_path.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import Result
from helpers import assert_same_dataset, comparable, invoke, write
from scipy import stats

from simulation.experiments.experiment import load_experiment
from simulation.experiments.parameters import choose_parameters
from simulation.experiments.rerun import rerun
from simulation.experiments.runner import run_scenario
from simulation.experiments.statistics import paired_differences, summarize_points
from simulation.experiments.store import SweepStore, read_runs, read_weekly
from simulation.experiments.sweep import Task, execute, kept_outcomes, run_id
from simulation.model.outcomes import flatten

TRANSNUM = [sys.executable, "-m", "simulation"]  # the transnum command of this interpreter

OUTCOMES = ["adoption_final", "dropout_share", "rps_peak_share", "weeks_to_50pct_adoption"]
SMALL = """\
name: Small sweep
horizon_weeks: 30
replications: 3
seed: 11
factors:
  organisation.total_staff: [60, 150]
  rollout.strategy: [big_bang, small_steps]
  levers.referent_share: {low: 0.0, high: 0.1}
design: {samples: 2, seed: 4}
outcomes: [adoption_final, dropout_share, rps_peak_share, weeks_to_50pct_adoption]
weekly: [adoption, dropout]
"""
SMALL_POINTS = 2 * 2 * 2
SMALL_REPLICATIONS = 3


def sweep(*args: object) -> Result:
    return invoke("sweep", *args)


def ensemble_draw(experiment):
    """The draw a sweep makes by default: the shipped ensemble, the factors kept."""
    from simulation.experiments.sweep import experiment_paths

    return choose_parameters().keeping(experiment_paths(experiment))


def serial_sweep(experiment_file: object, out: object, *options: object) -> Result:
    """``transnum sweep EXPERIMENT_FILE --out OUT --workers 1 OPTIONS`` (in this process)."""
    return sweep(experiment_file, "--out", out, "--workers", 1, *options)


PAIRED_COLUMNS = ["level_a", "level_b", "outcome", "mean", "ci_low", "ci_high", "n"]
"""The columns of a paired-differences table, after the grouping columns."""
OVER_ENSEMBLE = ["members", "spread_low", "spread_high", "parameter_share"]
"""The columns a table adds when the runs drew their parameters from the ensemble."""


def cluster_ci(values, members) -> dict:
    """Mean and 95 % interval, the runs of one member a cluster (written out plainly).

    se = sqrt(M / (M - 1) * sum_i n_i^2 (mean_i - mean)^2) / N, Student with M - 1 df.
    """
    pairs = [(float(v), m) for v, m in zip(values, members, strict=True) if pd.notna(v)]
    if not pairs:
        return {"mean": None, "ci_low": None, "ci_high": None, "n": 0}
    n = len(pairs)
    mean = sum(v for v, _ in pairs) / n
    groups: dict = {}
    for v, m in pairs:
        groups.setdefault(m, []).append(v)
    k = len(groups)
    if k < 2:
        return {"mean": mean, "ci_low": mean, "ci_high": mean, "n": n}
    spread = sum(len(g) ** 2 * (sum(g) / len(g) - mean) ** 2 for g in groups.values())
    half = stats.t.ppf(0.975, k - 1) * math.sqrt(k / (k - 1) * spread) / n
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def half_width(stat: dict) -> float:
    return (stat["ci_high"] - stat["ci_low"]) / 2


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small experiment run serially (in this process), shared by several tests."""
    folder = tmp_path_factory.mktemp("small")
    experiment_file = write(folder / "small.yaml", SMALL)
    out = folder / "serial"
    result = serial_sweep(experiment_file, out)
    assert result.exit_code == 0, result.output
    experiment, points = load_experiment(experiment_file)
    return types.SimpleNamespace(
        file=experiment_file, out=out, result=result, experiment=experiment, points=points
    )


# ----------------------------------------------------------------- (a) executors


def test_serial_sweep_saves_every_run(small):
    runs, weekly = comparable(small.out)
    expected_ids = {run_id(p, r) for p in range(SMALL_POINTS) for r in range(SMALL_REPLICATIONS)}
    assert len(runs) == SMALL_POINTS * SMALL_REPLICATIONS
    assert set(runs["run_id"]) == expected_ids
    assert (runs["status"] == "ok").all()
    assert runs["error"].isna().all()
    for column in ["point", "replication", "seed_entropy", "seed_spawn_key", *OUTCOMES]:
        assert column in runs
    for factor in ["organisation.total_staff", "rollout.strategy", "levers.referent_share"]:
        assert factor in runs
    assert runs["adoption_final"].notna().all()
    # One weekly row per run and week, with the kept columns only.
    assert list(weekly.columns) == ["run_id", "point", "replication", "week", "adoption", "dropout"]
    assert not weekly.duplicated(["run_id", "week"]).any()
    assert set(weekly["run_id"]) == expected_ids
    # The factor columns of the runs table hold each point's factor values.
    for point in small.points:
        rows = runs[runs["point"] == point.index]
        for factor, value in point.factors.items():
            assert (rows[factor] == value).all()
    manifest = json.loads((small.out / "manifest.json").read_text(encoding="utf-8"))
    assert [s["status"] for s in manifest["sessions"]] == ["complete"]
    assert manifest["sessions"][0]["runs_written"] == len(runs)


def test_process_pool_gives_the_same_tables(small, tmp_path):
    out = tmp_path / "pool"
    result = sweep(small.file, "--out", out, "--workers", 2)
    assert result.exit_code == 0, result.output
    assert_same_dataset(out, small.out)


def test_dask_local_cluster_gives_the_same_tables(small, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "dask"
    result = sweep(small.file, "--out", out, "--scheduler", "local", "--workers", 2)
    assert result.exit_code == 0, result.output
    assert_same_dataset(out, small.out)


def test_every_row_reruns_alone_from_its_seed(small):
    runs, weekly = comparable(small.out)
    for row in runs.itertuples():
        replication = int(row.seed_spawn_key)
        # The run used its replication's member of the ensemble (the sweep's default).
        scenario = ensemble_draw(small.experiment).scenario(
            small.points[row.point].scenario, replication
        )
        assert row.member == ensemble_draw(small.experiment).member(replication)
        alone = run_scenario(scenario, replication=replication, seed=int(row.seed_entropy))
        flat = flatten(alone.summary)
        for outcome in OUTCOMES:
            saved = runs.at[row.Index, outcome]
            if flat[outcome] is None:
                assert pd.isna(saved)
            else:
                assert saved == flat[outcome]
        series = weekly[weekly["run_id"] == row.run_id]
        assert series["week"].tolist() == alone.timeseries["week"].tolist()
        for column in ("adoption", "dropout"):
            assert series[column].tolist() == alone.timeseries[column].astype(float).tolist()


def test_rerun_from_the_results_folder_gives_the_saved_outcomes(small):
    runs, _ = comparable(small.out)
    for row in runs.head(6).itertuples():
        again = flatten(rerun(str(small.out), row.run_id).summary)
        assert again["adoption_final"] == row.adoption_final
        assert again["rps_peak_share"] == row.rps_peak_share


def test_rerun_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    write(tmp_path / "sub" / "base.yaml", "name: base\norganisation:\n  total_staff: 60\n")
    write(
        tmp_path / "sub" / "relative.yaml",
        "name: rel\nscenario: base.yaml\nhorizon_weeks: 20\nreplications: 2\n"
        "outcomes: [adoption_final]\nweekly: [adoption]\n",
    )
    monkeypatch.chdir(tmp_path)
    assert serial_sweep("sub/relative.yaml", "out").exit_code == 0
    saved = read_runs(tmp_path / "out").set_index("run_id")["adoption_final"]
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    again = rerun(str(tmp_path / "out"), run_id(0, 1))
    assert again.summary["adoption_final"] == saved[run_id(0, 1)]


# ----------------------------------------------------------------- (b) common random numbers


def test_replication_r_has_the_same_seeds_at_every_point(small):
    runs, _ = comparable(small.out)
    for replication, group in runs.groupby("replication"):
        assert set(group["seed_spawn_key"]) == {str(replication)}
        assert set(group["seed_entropy"]) == {small.experiment.seed}
        assert group["point"].nunique() == SMALL_POINTS
    assert runs["seed_spawn_key"].nunique() == SMALL_REPLICATIONS


def test_points_differing_only_in_name_give_identical_runs(tmp_path):
    """Same seeds and same model: replication r is identical at both points."""
    experiment_file = write(
        tmp_path / "names.yaml",
        "name: crn\nhorizon_weeks: 30\noverrides: {organisation.total_staff: 60}\n"
        "replications: 4\nfactors:\n  name: [first, second]\n",
    )
    result = serial_sweep(experiment_file, tmp_path / "out")
    assert result.exit_code == 0, result.output
    runs, weekly = comparable(tmp_path / "out")
    outcomes = [c for c in kept_outcomes(load_experiment(experiment_file)[0]) if c in runs]
    first = runs[runs["name"] == "first"].set_index("replication")[outcomes]
    second = runs[runs["name"] == "second"].set_index("replication")[outcomes]
    pd.testing.assert_frame_equal(first, second)
    # ... and not because every replication is the same.
    assert first["adoption_final"].nunique() > 1
    columns = ["replication", "week", "adoption", "dropout"]
    series = {p: g[columns].reset_index(drop=True) for p, g in weekly.groupby("point")}
    pd.testing.assert_frame_equal(series[0], series[1])


# ----------------------------------------------------------------- (c) failing runs


FLAKY = """\
name: flaky
horizon_weeks: 20
overrides: {organisation.total_staff: 60}
replications: 3
factors:
  rollout.strategy: [big_bang, small_steps]
outcomes: [adoption_final, dropout_share]
weekly: [adoption]
"""


def fail_replication_1(monkeypatch, failing=lambda: True) -> None:
    """Make every run of replication 1 raise a RuntimeError, while ``failing()`` is true."""
    from simulation.model.model import TransitionModel

    original = TransitionModel.run

    def flaky(self):
        replication = self.seed_sequence.spawn_key[0]
        if replication == 1 and failing():
            raise RuntimeError(f"injected failure in replication {replication}")
        return original(self)

    monkeypatch.setattr(TransitionModel, "run", flaky)
    # Batched runs: a batch holding replication 1 fails, and its runs then run alone.
    from simulation.model import batch

    stepped = batch.run_batch

    def flaky_batch(runs):
        if failing() and any(seed.spawn_key[0] == 1 for _, seed in runs):
            raise RuntimeError("injected failure in a batch")
        return stepped(runs)

    monkeypatch.setattr(batch, "run_batch", flaky_batch)


def test_failing_runs_are_recorded_and_the_sweep_exits_1(tmp_path, monkeypatch):
    fail_replication_1(monkeypatch)
    experiment_file = write(tmp_path / "flaky.yaml", FLAKY)
    out = tmp_path / "out"
    result = serial_sweep(experiment_file, out)
    assert result.exit_code == 1, result.output
    assert "2 runs failed" in result.output

    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 6
    failed = runs[runs["replication"] == 1]
    assert (failed["status"] == "error").all()
    assert failed["error"].str.contains("RuntimeError: injected failure in replication 1").all()
    assert failed["adoption_final"].isna().all()
    done = runs[runs["replication"] != 1]
    assert (done["status"] == "ok").all()
    assert done["error"].isna().all()
    assert done["adoption_final"].notna().all()
    weekly = read_weekly(out)
    assert set(weekly["replication"]) == {0, 2}
    summary = pd.read_csv(out / "summary.csv")
    assert (summary[summary["outcome"] == "adoption_final"]["n"] == 2).all()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    session = manifest["sessions"][-1]
    assert session["status"] == "complete with failures"
    assert session["failures"] == 2


def test_failed_runs_are_retried_on_request_and_the_retry_wins(tmp_path, monkeypatch):
    failing = {"on": True}
    fail_replication_1(monkeypatch, lambda: failing["on"])
    experiment_file = write(tmp_path / "retry.yaml", FLAKY)
    out = tmp_path / "out"
    assert serial_sweep(experiment_file, out).exit_code == 1
    # A plain resume keeps the failures (they are saved results, with their error).
    assert serial_sweep(experiment_file, out, "--resume").exit_code == 1
    failing["on"] = False
    result = serial_sweep(experiment_file, out, "--resume", "--retry-failed")
    assert result.exit_code == 0, result.output
    runs = read_runs(out)
    assert len(runs) == 6 and not runs["run_id"].duplicated().any()
    assert (runs["status"] == "ok").all()
    reference = tmp_path / "reference"
    assert serial_sweep(experiment_file, reference).exit_code == 0
    assert_same_dataset(out, reference)


def test_resume_refuses_a_changed_design(tmp_path):
    base = "name: design\nhorizon_weeks: 10\noverrides: {organisation.total_staff: 60}\n"
    experiment_file = write(
        tmp_path / "d.yaml", base + "factors:\n  levers.manager_backing: [0.2, 0.8]\n"
    )
    out = tmp_path / "out"
    assert serial_sweep(experiment_file, out).exit_code == 0
    # A scenario file the experiment names can change while the experiment file (and its
    # hash) stays the same: then the points differ. Simulate it in the saved points.
    points = pd.read_parquet(out / "points.parquet")
    points.loc[0, "levers.manager_backing"] = 0.3
    points.to_parquet(out / "points.parquet", index=False)
    result = serial_sweep(experiment_file, out, "--resume")
    assert result.exit_code == 2
    assert "holds other points" in result.output


def test_a_morris_design_is_not_a_sweep(tmp_path):
    experiment_file = write(
        tmp_path / "m.yaml",
        "name: m\nfactors:\n  levers.manager_backing: {low: 0.1, high: 0.9}\n"
        "design: {method: morris}\n",
    )
    result = sweep(experiment_file, "--dry-run")
    assert result.exit_code == 2
    assert "transnum sensitivity" in result.output and "design.method" in result.output


def test_no_half_made_folder_when_creation_fails(tmp_path):
    experiment_file = write(tmp_path / "e.yaml", "name: e\n")
    folder = tmp_path / "out"
    with pytest.raises(FileNotFoundError):
        SweepStore.create(
            folder, tmp_path / "missing.yaml", STORE_POINTS, ("adoption_final",), ("adoption",), {}
        )
    assert not folder.exists()
    assert not [p for p in tmp_path.iterdir() if ".creating-" in p.name]
    store = SweepStore.create(
        folder, experiment_file, STORE_POINTS, ("adoption_final",), ("adoption",), {}
    )
    assert (store.folder / "manifest.json").exists()
    assert not [p for p in tmp_path.iterdir() if ".creating-" in p.name]


def test_execute_turns_an_exception_into_an_error_record(small, monkeypatch):
    from simulation.model.model import TransitionModel

    def broken(self):
        raise ValueError("no such week")

    monkeypatch.setattr(TransitionModel, "run", broken)
    task = Task(0, 2, small.points[0].scenario, 11, ("adoption_final",), ("adoption",))
    record = execute(task)
    assert record["status"] == "error"
    assert record["error"] == "ValueError: no such week"
    assert "Traceback" in record["traceback"]
    assert record["outcomes"] is None and record["weekly"] is None
    assert record["run_id"] == run_id(0, 2)
    assert record["seed_spawn_key"] == "2"


# ----------------------------------------------------------------- (d) killed and resumed

KILLED = """\
name: Killed and resumed
horizon_weeks: 20
replications: 70
seed: 5
factors:
  organisation.total_staff: [60, 100, 150]
  rollout.strategy: [big_bang, small_steps]
outcomes: [adoption_final, dropout_share, weeks_to_50pct_adoption]
weekly: [adoption, dropout]
"""
KILLED_RUNS = 3 * 2 * 70  # 420 runs: batches of 200, so kills fall before, between, after


def start_sweep(experiment_file: Path, out: Path, log: Path, resume: bool) -> subprocess.Popen:
    args = [*TRANSNUM, "sweep", str(experiment_file), "--out", str(out), "--workers", "2"]
    with open(log, "ab") as stderr:
        return subprocess.Popen(
            args + (["--resume"] if resume else []),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group: the kill reaches the workers
        )


def batches(out: Path) -> set[str]:
    parts = out / "parts"
    return (
        {p.name for p in parts.iterdir() if not p.name.startswith(".")} if parts.exists() else set()
    )


def sessions(out: Path) -> int:
    """Sessions listed in the manifest (0 if there is none yet)."""
    try:
        return len(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["sessions"])
    except (OSError, ValueError):
        return 0


def kill_when(process: subprocess.Popen, condition, timeout: float = 120.0) -> bool:
    """SIGKILL the process group as soon as ``condition()``; False if it ended first."""
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        if condition():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return True
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail("the sweep neither met the kill condition nor ended in time")
        time.sleep(0.005)
    return False


@pytest.mark.slow  # end to end: four sweep processes, killed and resumed
def test_sweep_killed_at_any_moment_resumes_to_the_uninterrupted_result(tmp_path):
    experiment_file = write(tmp_path / "killed.yaml", KILLED)
    out = tmp_path / "killed"
    log = tmp_path / "stderr.log"
    killed_sessions = []

    # Session 0: killed 1.5 s after the start (and once its session is in the manifest, so
    # that the folder can be resumed), while the workers start or run: no batch saved yet.
    start = time.monotonic()
    process = start_sweep(experiment_file, out, log, resume=False)
    assert kill_when(process, lambda: time.monotonic() - start >= 1.5 and sessions(out) == 1), (
        log.read_text()
    )
    killed_sessions.append(0)

    # Session 1: killed as soon as its first batch is saved (mid-sweep).
    before = batches(out)
    process = start_sweep(experiment_file, out, log, resume=True)
    assert kill_when(process, lambda: batches(out) - before), log.read_text()
    killed_sessions.append(1)
    assert len(read_runs(out)) < KILLED_RUNS

    # Session 2: at most 220 runs are left, so its first batch (200 runs, or the last one)
    # falls just before the end, or just after the last runs, before the exports.
    before = batches(out)
    process = start_sweep(experiment_file, out, log, resume=True)
    if kill_when(process, lambda: batches(out) - before):
        killed_sessions.append(2)

    # Resume until complete.
    for _ in range(3):
        process = start_sweep(experiment_file, out, log, resume=True)
        assert process.wait(timeout=120) == 0, log.read_text()
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        if manifest["sessions"][-1]["status"] == "complete":
            break
    statuses = [s["status"] for s in manifest["sessions"]]
    for session in killed_sessions:
        assert statuses[session] == "interrupted"
    assert statuses[-1] == "complete"
    assert not list((out / "parts").glob(".tmp-*"))

    # Exactly the expected runs, none duplicated, in the tables and in runs.csv.
    runs = read_runs(out)
    weekly = read_weekly(out)
    expected = {run_id(p, r) for p in range(6) for r in range(70)}
    assert len(runs) == KILLED_RUNS
    assert set(runs["run_id"]) == expected
    assert not runs["run_id"].duplicated().any()
    assert set(weekly["run_id"]) == expected
    assert not weekly.duplicated(["run_id", "week"]).any()
    assert len(pd.read_csv(out / "runs.csv")) == KILLED_RUNS
    assert runs["session"].nunique() >= 2  # the kills kept earlier sessions' batches

    # ... equal to those of a sweep that was never interrupted (here serial, in-process).
    reference = tmp_path / "reference"
    result = serial_sweep(experiment_file, reference)
    assert result.exit_code == 0, result.output
    assert_same_dataset(out, reference)


def record(point: int, replication: int) -> dict:
    """A hand-made run record, as sweep.execute returns them."""
    return {
        "run_id": run_id(point, replication),
        "point": point,
        "replication": replication,
        "seed_entropy": 7,
        "seed_spawn_key": str(replication),
        "status": "ok",
        "error": None,
        "outcomes": {"adoption_final": 0.1 * replication + point},
        "weekly": {"week": [0, 1, 2], "adoption": [0.0, 0.5, float(replication)]},
        "wall_s": 0.01,
    }


STORE_POINTS = pd.DataFrame({"point": [0, 1], "rollout.strategy": ["big_bang", "small_steps"]})


def open_store(tmp_path: Path) -> tuple[SweepStore, Path, Path]:
    experiment_file = write(tmp_path / "exp.yaml", "name: store\n")
    folder = tmp_path / "store"
    store = SweepStore.create(
        folder,
        experiment_file,
        STORE_POINTS,
        ("adoption_final",),
        ("adoption",),
        {"root_seed": 7},
        command="test",
    )
    return store, folder, experiment_file


def test_store_crash_loses_only_the_unwritten_batch(tmp_path):
    store, folder, experiment_file = open_store(tmp_path)
    store.flush_runs = 2
    store.flush_seconds = 3600.0
    for replication in range(5):  # batches of 2 and 2; the fifth run stays in the buffer
        store.add(record(0, replication))
    assert len(batches(folder)) == 2
    flushed = {run_id(0, r) for r in range(4)}
    assert store.completed() == flushed

    # Killed while writing the next batch: a half-written folder is left in parts/, with
    # the buffered run (which must not count as saved) and a copy of saved weekly rows
    # (which must not show up as duplicates).
    tmp = folder / "parts" / ".tmp-0000-000002"
    tmp.mkdir()
    pq.write_table(store._runs_table([record(0, 4)]), tmp / "runs.parquet")
    shutil.copy(folder / "parts" / "0000-000000" / "weekly.parquet", tmp / "weekly.parquet")
    assert store.completed() == flushed
    assert sorted(read_runs(folder)["run_id"]) == sorted(flushed)
    assert not read_weekly(folder).duplicated(["run_id", "week"]).any()
    del store  # neither flushed nor closed: the buffered run is lost

    resumed = SweepStore.resume(folder, experiment_file, STORE_POINTS, command="test --resume")
    assert not tmp.exists()
    assert resumed.completed() == flushed
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [s["status"] for s in manifest["sessions"]] == ["interrupted", "running"]
    assert manifest["sessions"][0]["runs_written"] == 4
    missing = [(p, r) for p in (0, 1) for r in range(5) if run_id(p, r) not in resumed.completed()]
    assert missing == [(0, 4)] + [(1, r) for r in range(5)]
    for point, replication in missing:
        resumed.add(record(point, replication))
    resumed.close("complete")

    runs = read_runs(folder)
    assert runs["run_id"].tolist() == [run_id(p, r) for p in (0, 1) for r in range(5)]
    assert runs.loc[runs["run_id"] == run_id(0, 0), "session"].item() == 0
    assert runs.loc[runs["run_id"] == run_id(0, 4), "session"].item() == 1
    assert runs["adoption_final"].tolist() == pytest.approx(
        [0.1 * r + p for p in (0, 1) for r in range(5)]
    )
    strategies = np.where(runs["point"] == 0, "big_bang", "small_steps")
    assert (runs["rollout.strategy"] == strategies).all()
    weekly = read_weekly(folder)
    assert len(weekly) == 10 * 3
    assert not weekly.duplicated(["run_id", "week"]).any()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [s["status"] for s in manifest["sessions"]] == ["interrupted", "complete"]
    assert manifest["sessions"][1]["runs_written"] == 6


def test_store_writes_a_batch_when_the_buffer_is_old(tmp_path):
    store, folder, _ = open_store(tmp_path)
    store.flush_runs = 1000
    store.flush_seconds = 0.0  # every add finds the buffer old enough
    store.add(record(0, 0))
    store.add(record(0, 1))
    assert len(batches(folder)) == 2
    store.flush_seconds = 3600.0
    store.add(record(0, 2))
    assert len(batches(folder)) == 2  # neither full nor old: buffered
    store.close("complete")
    assert len(batches(folder)) == 3
    assert store.completed() == {run_id(0, r) for r in range(3)}


# ----------------------------------------------------------------- (e) refusals

TINY = (
    "name: tiny\nhorizon_weeks: 20\noverrides: {organisation.total_staff: 60}\n"
    "replications: 2\noutcomes: [adoption_final]\nweekly: [adoption]\n"
)


def assert_refused(result: Result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert "Traceback" not in result.output


def test_resume_refuses_a_folder_of_another_experiment_file(tmp_path):
    experiment_file = write(tmp_path / "tiny.yaml", TINY)
    out = tmp_path / "out"
    assert serial_sweep(experiment_file, out).exit_code == 0
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    write(experiment_file, TINY.replace("replications: 2", "replications: 3"))
    result = serial_sweep(experiment_file, out, "--resume")
    assert_refused(result, "another version of the experiment file")
    assert (out / "manifest.json").read_text(encoding="utf-8") == manifest
    # The saved copy of the original file resumes it.
    result = serial_sweep(out / "experiment.yaml", out, "--resume")
    assert result.exit_code == 0, result.output
    assert "0 runs in" in result.output


def test_resume_refuses_a_folder_that_is_not_a_sweep(tmp_path):
    experiment_file = write(tmp_path / "tiny.yaml", TINY)
    other = tmp_path / "other"
    write(other / "notes.txt", "not a sweep\n")
    result = serial_sweep(experiment_file, other, "--resume")
    assert_refused(result, "is not the results folder of a sweep")
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]


def test_create_refuses_a_non_empty_folder(tmp_path):
    experiment_file = write(tmp_path / "tiny.yaml", TINY)
    out = tmp_path / "busy"
    write(out / "keep.txt", "mine\n")
    result = serial_sweep(experiment_file, out)
    assert_refused(result, "not empty")
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_resume_without_out_is_a_usage_error(tmp_path):
    experiment_file = write(tmp_path / "tiny.yaml", TINY)
    result = sweep(experiment_file, "--resume", "--workers", 1)
    assert result.exit_code == 2
    assert "--resume needs the --out folder" in result.output


# ----------------------------------------------------------------- (f) --precision

PRECISION = """\
name: Precision
horizon_weeks: 40
overrides: {organisation.total_staff: 60}
replications: 3
seed: 3
factors:
  rollout.strategy: [big_bang, small_steps]
outcomes: [adoption_final, dropout_share]
weekly: [adoption]
"""


def summary_of(folder: Path, outcome: str) -> pd.DataFrame:
    summary = pd.read_csv(folder / "summary.csv")
    return summary[summary["outcome"] == outcome].set_index("point")


def test_precision_adds_replications_until_intervals_are_narrow(tmp_path):
    experiment_file = write(tmp_path / "precision.yaml", PRECISION)
    first = tmp_path / "first"
    assert serial_sweep(experiment_file, first).exit_code == 0
    before = summary_of(first, "adoption_final")
    widths = (before["ci_high"] - before["ci_low"]) / 2
    assert widths.max() > 0  # the outcome varies: more replications can narrow it
    # A target that the widest interval does not meet with 3 replications, reachable
    # in about 1.1 x 3 x 2.5^2 ~ 21 replications; the cap keeps the test short.
    target = float(widths.max() / 2.5)
    cap = 30
    out = tmp_path / "precise"
    precise = ("--precision", f"adoption_final={target!r}", "--max-replications", cap)
    result = serial_sweep(experiment_file, out, *precise)
    assert result.exit_code == 0, result.output
    runs = read_runs(out)
    counts = runs.groupby("point")["replication"].agg(["count", "max"])
    assert (counts["max"] == counts["count"] - 1).all()  # replications 0..n-1, no gap
    assert counts["count"].max() > 3
    assert (counts["count"] <= cap).all()
    after = summary_of(out, "adoption_final")
    for point, stat in after.iterrows():
        n = counts.loc[point, "count"]
        assert stat["n"] == n
        assert half_width(stat) <= target or n == cap
        # The exported interval is that of the point's runs (a member's runs a cluster).
        cell = runs[runs["point"] == point]
        expected = cluster_ci(cell["adoption_final"], cell["member"])
        assert half_width(stat) == pytest.approx(half_width(expected), rel=1e-9)
    # A point that met the target with 3 replications kept 3.
    for point, width in widths.items():
        if width <= target:
            assert counts.loc[point, "count"] == 3

    # Resuming the 3-replication sweep with the same target gives the same runs.
    result = serial_sweep(experiment_file, first, "--resume", *precise)
    assert result.exit_code == 0, result.output
    assert_same_dataset(first, out)


def test_precision_stops_at_max_replications(tmp_path):
    experiment_file = write(tmp_path / "precision.yaml", PRECISION)
    out = tmp_path / "capped"
    # No finite sample meets a half-width of 1e-9.
    result = serial_sweep(
        experiment_file, out, "--precision", "adoption_final=1e-9", "--max-replications", 5
    )
    assert result.exit_code == 0, result.output
    counts = read_runs(out).groupby("point").size()
    assert (counts == 5).all()
    assert (summary_of(out, "adoption_final")["n"] == 5).all()


def test_precision_already_met_adds_nothing(tmp_path):
    experiment_file = write(tmp_path / "precision.yaml", PRECISION)
    out = tmp_path / "loose"
    # A share's 95 % half-width over 3 runs is at most t(0.975, 2) sqrt(1/3) / sqrt(3) ~ 1.43
    # (values 0, 0, 1): a target of 1.5 is met by any 3 runs.
    result = serial_sweep(experiment_file, out, "--precision", "adoption_final=1.5")
    assert result.exit_code == 0, result.output
    assert (read_runs(out).groupby("point").size() == 3).all()


def test_precision_option_is_checked():
    result = sweep("whatever.yaml", "--precision", "adoption_finale=0.1")
    assert result.exit_code == 2
    assert "did you mean 'adoption_final'" in result.output
    result = sweep("whatever.yaml", "--precision", "adoption_final=-1")
    assert result.exit_code == 2
    assert "positive" in result.output


def test_precision_on_an_outcome_not_kept_is_refused_before_running(tmp_path):
    experiment_file = write(tmp_path / "precision.yaml", PRECISION)
    out = tmp_path / "out"
    result = serial_sweep(experiment_file, out, "--precision", "rps_peak_share=0.01")
    assert result.exit_code == 2
    assert "rps_peak_share" in result.stderr
    assert not (out / "parts").exists() or not batches(out)


# ----------------------------------------------------------------- (g) exports


def test_summary_csv_is_mean_ci_over_each_point(small):
    runs = read_runs(small.out)
    summary = pd.read_csv(small.out / "summary.csv")
    assert len(summary) == SMALL_POINTS * len(OUTCOMES)
    for row in summary.to_dict("records"):
        cell = runs[runs["point"] == row["point"]]
        expected = cluster_ci(cell[row["outcome"]], cell["member"])
        assert row["n"] == expected["n"]
        for key in ("mean", "ci_low", "ci_high"):
            if expected[key] is None:
                assert pd.isna(row[key])
            else:  # csv round trip at full precision; summation orders differ: 1e-9
                assert row[key] == pytest.approx(expected[key], rel=1e-9, abs=1e-12)
        for factor, value in small.points[row["point"]].factors.items():
            if isinstance(value, float):
                assert row[factor] == pytest.approx(value, rel=1e-12)
            else:
                assert row[factor] == value


def test_paired_csv_is_the_replication_by_replication_difference(small):
    runs = read_runs(small.out)
    paired = pd.read_csv(small.out / "paired.csv")
    by = ["organisation.total_staff", "levers.referent_share"]
    assert list(paired.columns) == [
        *by,
        *PAIRED_COLUMNS,
        *OVER_ENSEMBLE,
        "share_below",
        "share_above",
    ]
    # 2 staff levels x 2 sampled referent shares x 1 pair of strategies x 4 outcomes
    assert len(paired) == 2 * 2 * 1 * len(OUTCOMES)
    assert set(zip(paired["level_a"], paired["level_b"], strict=True)) == {
        ("big_bang", "small_steps")
    }
    for row in paired.itertuples(index=False):
        staff, share = row[0], row[1]
        cell = runs[
            (runs["organisation.total_staff"] == staff)
            & np.isclose(runs["levers.referent_share"], share, rtol=1e-12)
        ]
        a = cell[cell["rollout.strategy"] == "big_bang"].set_index("replication")[row.outcome]
        b = cell[cell["rollout.strategy"] == "small_steps"].set_index("replication")[row.outcome]
        assert len(a) == len(b) == SMALL_REPLICATIONS
        diffs = [a[r] - b[r] for r in range(SMALL_REPLICATIONS) if pd.notna(a[r] - b[r])]
        assert row.n == len(diffs)
        if not diffs:
            assert pd.isna(row.mean)
            continue
        mean = sum(diffs) / len(diffs)
        # Summation order differs from numpy's (the csv keeps full precision): rel 1e-9.
        assert row.mean == pytest.approx(mean, rel=1e-9, abs=1e-12)
        assert (row.ci_low + row.ci_high) / 2 == pytest.approx(mean, rel=1e-9, abs=1e-12)
        members = cell[cell["rollout.strategy"] == "big_bang"].set_index("replication")["member"]
        expected = cluster_ci([a[r] - b[r] for r in a.index], [members[r] for r in a.index])
        assert row.ci_high - row.ci_low == pytest.approx(
            expected["ci_high"] - expected["ci_low"], rel=1e-9, abs=1e-12
        )


def test_paired_differences_on_a_hand_made_table():
    runs = pd.DataFrame(
        {
            "size": [1] * 9 + [2] * 2,
            "strategy": ["small_steps"] * 3
            + ["big_bang"] * 3
            + ["short_cycle"] * 3
            + ["small_steps", "big_bang"],
            "replication": [0, 1, 2] * 3 + [0, 0],
            "status": ["ok"] * 8 + ["error"] + ["ok"] * 2,
            "y": [1.0, 2.0, 3.0, 2.0, 4.0, 6.0, 0.0, None, 9.0, 5.0, 1.0],
        }
    )
    table = paired_differences(runs, "strategy", ["y"], by=["size"])
    pairs = list(zip(table["size"], table["level_a"], table["level_b"], strict=True))
    # Levels in order of appearance; the short cycle has no run at size 2.
    assert pairs == [
        (1, "small_steps", "big_bang"),
        (1, "small_steps", "short_cycle"),
        (1, "big_bang", "short_cycle"),
        (2, "small_steps", "big_bang"),
    ]
    rows = table.set_index(["size", "level_a", "level_b"])
    # small_steps - big_bang at size 1: -1, -2, -3.
    first = rows.loc[(1, "small_steps", "big_bang")]
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)
    assert first["mean"] == pytest.approx(-2.0)
    assert first["ci_low"] == pytest.approx(-2.0 - half)
    assert first["ci_high"] == pytest.approx(-2.0 + half)
    assert first["n"] == 3
    # small_steps - short_cycle: replication 1 is missing, replication 2 failed: one pair.
    second = rows.loc[(1, "small_steps", "short_cycle")]
    assert second["n"] == 1
    assert second["mean"] == second["ci_low"] == second["ci_high"] == pytest.approx(1.0)
    assert rows.loc[(2, "small_steps", "big_bang")]["mean"] == pytest.approx(4.0)
    # Without `by`, all the runs of a level are paired by replication.
    alone = paired_differences(runs[runs["size"] == 1], "strategy", ["y"])
    assert list(alone.columns) == PAIRED_COLUMNS
    assert alone["mean"].iloc[0] == pytest.approx(-2.0)


def test_summarize_points_on_a_hand_made_table():
    runs = pd.DataFrame(
        {
            "point": [1, 1, 1, 0, 0, 0],
            "rollout.strategy": ["b", "b", "b", "a", "a", "a"],
            "status": ["ok", "ok", "error", "ok", "ok", "ok"],
            "y": [2.0, 4.0, 100.0, 1.0, None, 3.0],
            "z": [None, None, None, 5.0, 5.0, 5.0],
        }
    )
    table = summarize_points(runs, ["y", "z"], ["rollout.strategy"])
    assert list(table.columns) == [
        "point",
        "rollout.strategy",
        "outcome",
        "mean",
        "ci_low",
        "ci_high",
        "n",
    ]
    assert table[["point", "outcome"]].values.tolist() == [[0, "y"], [0, "z"], [1, "y"], [1, "z"]]
    assert table["rollout.strategy"].tolist() == ["a", "a", "b", "b"]
    rows = table.set_index(["point", "outcome"])
    half = stats.t.ppf(0.975, 1) * math.sqrt(2) / math.sqrt(2)
    assert rows.loc[(0, "y"), "mean"] == pytest.approx(2.0)  # the missing value is left out
    assert rows.loc[(0, "y"), "n"] == 2
    assert rows.loc[(0, "y"), "ci_high"] == pytest.approx(2.0 + half)
    assert rows.loc[(1, "y"), "mean"] == pytest.approx(3.0)  # the failed run is left out
    assert rows.loc[(0, "z"), "ci_low"] == rows.loc[(0, "z"), "ci_high"] == 5.0  # no spread
    assert rows.loc[(1, "z"), "n"] == 0
    assert pd.isna(rows.loc[(1, "z"), "mean"])
