"""Where runs execute: one ``concurrent.futures.Executor`` interface, three back ends.

* serial: in this process, one run after the other (debugging, tiny sweeps);
* processes: a local pool of worker processes started with ``spawn`` (Mesa requires
  it), one per core by default;
* Dask: the workers of a Dask cluster (``transnum[distributed]`` extra), through
  ``distributed.Client.get_executor(pure=False)`` so that identical-looking tasks are
  all run (every task also carries its own seed).

Every run's randomness comes from its own arguments (root seed and replication), so
results do not depend on the back end, the number of workers or the order in which
runs finish.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any


class SerialExecutor(Executor):
    """Runs each submitted call at once, in this process."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:  # noqa: D102
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001 - handed to the caller via the future
            future.set_exception(error)
        return future


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes started with ``spawn``."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def default_workers() -> int:
    """One worker per core available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # platforms without affinity
        return os.cpu_count() or 1


@contextlib.contextmanager
def open_executor(workers: int | None = None, scheduler: str | None = None) -> Iterator[Executor]:
    """An executor for running tasks, closed on exit.

    Args:
        workers: Local worker processes; 1 runs serially in this process; None uses one
            per core. Ignored with a scheduler.
        scheduler: Address of a Dask scheduler (``tcp://host:port``), or the string
            ``"local"`` for a Dask LocalCluster with ``workers`` processes.

    Raises:
        RuntimeError: a scheduler is asked for but the ``distributed`` package is missing.
    """
    if scheduler:
        with _dask_executor(scheduler, workers) as executor:
            yield executor
        return
    workers = workers or default_workers()
    if workers <= 1:
        yield SerialExecutor()
        return
    with process_pool(workers) as pool:
        yield pool


@contextlib.contextmanager
def _dask_executor(scheduler: str, workers: int | None) -> Iterator[Executor]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            "running on a Dask cluster needs the 'distributed' extra: "
            "pip install 'transnum[distributed]'"
        ) from None
    if scheduler == "local":
        with (
            LocalCluster(
                n_workers=workers or default_workers(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client.get_executor(pure=False)
        return
    with Client(scheduler) as client:
        yield client.get_executor(pure=False)
