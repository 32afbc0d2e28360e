"""Runs on a real Dask cluster: a scheduler and two workers, each its own process.

The cluster is started with distributed's own command-line tools (``dask scheduler``,
``dask worker``) from this interpreter's environment, on localhost, on a port free at
run time; the workers import ``simulation`` from this tree (``PYTHONPATH``) and keep
their files under tmp_path. A sweep and a comparison sent to it with ``--scheduler``
must give, number for number, what the same commands give in this process: every run
carries its own seed, so where it runs cannot change it. The cluster is started once
for the module and always stopped (terminate, then kill), even when a test fails;
every wait has a timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import types
from pathlib import Path

import pandas as pd
import pytest
from helpers import assert_same_dataset, invoke, write

import simulation

distributed = pytest.importorskip(
    "distributed", reason="the 'distributed' extra is not installed (transnum[distributed])"
)

ROOT = Path(simulation.__file__).resolve().parents[1]
"""The tree whose ``simulation`` this process imports: the workers import the same."""

START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 15

SWEEP = """\
name: Cluster sweep
horizon_weeks: 20
overrides: {organisation.total_staff: 60}
replications: 3
seed: 5
factors:
  rollout.strategy: [big_bang, small_steps]
  levers.referent_share: {low: 0.0, high: 0.1}
design: {samples: 2, seed: 3}
weekly: [adoption, dropout, strain_mean]
"""
SWEEP_RUNS = 2 * 2 * 3
SMALL = "name: Petite commune\norganisation:\n  total_staff: 60\nhorizon_weeks: 20\n"


def free_port() -> int:
    """A TCP port of localhost that no one listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Processes:
    """Processes started for the cluster, each in its own process group, with a log."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder, self.env = folder, env
        self.started: list[tuple[subprocess.Popen, Path]] = []

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                list(args),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.folder,
                start_new_session=True,  # its own process group, with the nanny's worker
            )
        self.started.append((process, log))
        return process

    def logs(self) -> str:
        """The end of every process's log, for a failure message."""
        tails = []
        for process, log in self.started:
            text = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            tails.append(f"--- {log.name} (exit status {process.poll()}):\n{text}")
        return "\n".join(tails)

    def stop(self) -> None:
        """Terminate every process, workers first; kill a group still there after a timeout.

        A terminated ``dask worker`` (the nanny) closes its worker process first.
        """
        for process, _ in reversed(self.started):
            process.terminate()
        for process, _ in reversed(self.started):
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # its group: the nanny's worker too
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=STOP_TIMEOUT_S)


def start_scheduler(processes: Processes, dask: str) -> str:
    """Start ``dask scheduler`` on a free port; its address once it listens.

    Another process may take the port between :func:`free_port` and the scheduler's
    start: the scheduler then exits, and another port is tried.
    """
    for _ in range(3):
        port = free_port()
        scheduler = processes.start(
            f"scheduler-{port}",
            dask,
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-dashboard",
            "--dashboard-address",
            "127.0.0.1:0",  # its HTTP server (health, metrics) still runs: not on 8787
            "--idle-timeout",
            "600s",  # gone by itself if this test process is killed and cannot stop it
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while scheduler.poll() is None and time.monotonic() < deadline:
            if listening(port):
                return f"tcp://127.0.0.1:{port}"
            time.sleep(0.2)
        if scheduler.poll() is None:
            break  # it runs but does not listen: no use trying another port
    raise AssertionError(f"the Dask scheduler did not start\n{processes.logs()}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A Dask scheduler and two one-thread workers, separate processes on localhost."""
    dask = shutil.which("dask", path=str(Path(sys.executable).parent))
    assert dask, f"distributed is installed but there is no 'dask' command next to {sys.executable}"
    folder = tmp_path_factory.mktemp("dask-cluster")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    processes = Processes(folder, env)
    try:
        address = start_scheduler(processes, dask)
        for name in ("worker-a", "worker-b"):
            processes.start(
                name,
                dask,
                "worker",
                address,
                "--host",
                "127.0.0.1",
                "--name",
                name,
                "--nworkers",
                "1",
                "--nthreads",
                "1",
                "--no-dashboard",
                "--local-directory",
                str(folder / name),  # its dask-scratch-space (formerly dask-worker-space)
                "--death-timeout",
                "60",  # gone by itself if the scheduler is
            )
        try:
            with distributed.Client(address, timeout=30) as client:
                client.wait_for_workers(2, timeout=START_TIMEOUT_S)
                imported = client.run(lambda: str(Path(simulation.__file__).resolve()))
        except (OSError, TimeoutError) as error:
            message = f"the cluster did not start: {error}\n{processes.logs()}"
            raise AssertionError(message) from None
        ours = str(Path(simulation.__file__).resolve())
        assert list(imported.values()) == [ours, ours], imported  # this tree's code
        yield types.SimpleNamespace(address=address, folder=folder, processes=processes)
    finally:
        processes.stop()


def executed(address: str) -> dict[str, int]:
    """How many tasks each worker of the cluster has run so far, by worker name."""
    with distributed.Client(address, timeout=30) as client:
        counts = client.run(
            lambda dask_worker: (dask_worker.name, dask_worker.state.executed_count)
        )
    return dict(counts.values())


def run_both(command: str, file: Path, tmp_path: Path, address: str, *options) -> tuple:
    """``transnum COMMAND FILE OPTIONS`` on the cluster, then in this process (--workers 1)."""
    on_cluster, local = tmp_path / "cluster", tmp_path / "local"
    result = invoke(command, file, *options, "--scheduler", address, "--out", on_cluster)
    assert result.exit_code == 0, result.output
    result = invoke(command, file, *options, "--workers", 1, "--out", local)
    assert result.exit_code == 0, result.output
    return on_cluster, local


def test_a_sweep_on_the_cluster_gives_the_runs_of_a_local_sweep(cluster, tmp_path):
    file = write(tmp_path / "sweep.yaml", SWEEP)
    before = executed(cluster.address)
    on_cluster, local = run_both("sweep", file, tmp_path, cluster.address)
    after = executed(cluster.address)
    ran = {name: after[name] - before[name] for name in after}
    # Runs go to the workers in batches: both workers ran some.
    assert sum(ran.values()) >= 2 and all(ran.values()), ran
    # Runs (outcomes, seeds, status, factors), weekly series and runs.csv, to the last
    # bit; only wall times and session numbers are left out.
    assert_same_dataset(on_cluster, local, exports=True)
    for name in ("summary.csv", "paired.csv"):
        pd.testing.assert_frame_equal(
            pd.read_csv(on_cluster / name), pd.read_csv(local / name), check_exact=True
        )


def comparison_files(folder: Path) -> dict[str, object]:
    """What a comparison's results folder holds, read back; only wall times left out."""
    files: dict[str, object] = {}
    for path in sorted(folder.iterdir()):
        if path.name in ("manifest.json", "figure.png") or path.name.startswith("."):
            continue  # the command, the wall time; a picture of the tables compared
        if path.suffix == ".parquet":
            files[path.name] = pd.read_parquet(path)
        elif path.suffix == ".csv":
            files[path.name] = pd.read_csv(path).drop(columns="wall_s", errors="ignore")
        elif path.suffix == ".json":
            files[path.name] = json.loads(path.read_text(encoding="utf-8"))
        else:
            files[path.name] = path.read_text(encoding="utf-8")
    return files


def test_a_comparison_on_the_cluster_gives_the_local_summary(cluster, tmp_path):
    file = write(tmp_path / "small.yaml", SMALL)
    options = ("--strategies", "big_bang,small_steps", "--replications", 2)
    on_cluster, local = run_both("compare", file, tmp_path, cluster.address, *options)
    got, expected = comparison_files(on_cluster), comparison_files(local)
    assert sorted(got) == sorted(expected)
    assert "summary.json" in got and "runs.csv" in got
    assert got["summary.json"] == expected["summary.json"]  # means, intervals, pairs
    for name, table in expected.items():
        if isinstance(table, pd.DataFrame):
            pd.testing.assert_frame_equal(got[name], table, check_exact=True, obj=name)
        else:
            assert got[name] == table, name


def test_a_plan_search_on_the_cluster_gives_the_local_front(cluster, tmp_path):
    file = write(tmp_path / "small.yaml", SMALL)
    space = write(tmp_path / "space.yaml", "batch: 4\ncheck_replications: 10\n")
    options = ("--trials", 8, "--replications", 2, "--space", space)
    on_cluster, local = run_both("optimise", file, tmp_path, cluster.address, *options)
    for name in ("trials.csv", "pareto.csv", "plans.csv"):
        pd.testing.assert_frame_equal(
            pd.read_csv(on_cluster / name), pd.read_csv(local / name), check_exact=True, obj=name
        )
    assert (on_cluster / "discovery.json").read_text() == (local / "discovery.json").read_text()
