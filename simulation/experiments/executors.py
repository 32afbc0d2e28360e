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

import atexit
import contextlib
import gc
import importlib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from simulation.i18n.language import quoted, say

CONNECT_TIMEOUT_S = 5
"""Seconds to wait for a Dask scheduler. One that runs answers within milliseconds, even
across a network; without a bound, distributed waits 30 s per attempt, and a mistyped
address would keep a command silent for minutes."""

SCHEMES: tuple[str, ...] = ("tcp", "tls", "ws", "wss", "ucx")
"""Address schemes of distributed's transports (``inproc`` is for one process only)."""


class ExecutorError(OSError):
    """Runs cannot execute where asked: a missing package or an unreachable scheduler.

    An ``OSError`` because it is the environment's, not the input's, fault.
    """


def check_address(address: str) -> str:
    """Check a ``--scheduler`` value: ``local`` or ``scheme://host:port``.

    Returns:
        The address, unchanged.

    Raises:
        ValueError: the address is malformed, with what is expected.
    """
    if address == "local":
        return address
    expected = say("error.scheduler.expected", local=quoted("local"))
    not_an_address = say(
        "error.scheduler.not_an_address", address=quoted(address), expected=expected
    )
    if "://" not in address:
        raise ValueError(not_an_address)
    parts = urlsplit(address)
    if parts.scheme not in SCHEMES:
        raise ValueError(
            say(
                "error.scheduler.unknown_scheme",
                address=quoted(address),
                scheme=quoted(parts.scheme),
                known=", ".join(SCHEMES),
                expected=expected,
            )
        )
    try:
        port = parts.port
    except ValueError:  # not a number, or beyond 65535
        port = -1
    if not parts.hostname or port is None or not 0 < port < 65536 or parts.path.strip("/"):
        raise ValueError(not_an_address)
    return address


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
    """A pool of ``workers`` processes started with ``spawn``, each :func:`exit_quickly`.

    The pool has a channel to its workers, which :func:`defer` uses to hand a task its
    arguments after the task has started.
    """
    context = multiprocessing.get_context("spawn")
    channel = context.Queue()
    # A message nobody reads (a deferred task that never ran) must not keep this
    # process from exiting.
    channel.cancel_join_thread()
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(channel,)
    )
    pool.channel = channel  # type: ignore[attr-defined]
    return pool


_channel: Any = None
"""In a worker of :func:`process_pool`: its pool's channel."""


def _start_worker(channel: Any) -> None:
    global _channel  # noqa: PLW0603 - one per worker process, set as it starts
    _channel = channel
    exit_quickly()


class Deferred:
    """A call that a worker starts before its arguments exist: see :func:`defer`."""

    def __init__(
        self, executor: ProcessPoolExecutor, target: str, prepare: tuple | None = None
    ) -> None:
        self._channel = executor.channel  # type: ignore[attr-defined]
        self._open = True
        self.future: Future = executor.submit(_deferred_call, target, prepare)

    def send(self, *args: Any, **kwargs: Any) -> Future:
        """Hand the call its arguments (once); the future of its result."""
        if not self._open:
            raise RuntimeError("a deferred call takes its arguments once")
        self._open = False
        self._channel.put((args, kwargs))
        return self.future

    def close(self) -> None:
        """Release the worker if the call never got its arguments (it returns None)."""
        if self._open:
            self._open = False
            self._channel.put(None)


@contextlib.contextmanager
def defer(
    executor: Executor, target: str, prepare: tuple | None = None
) -> Iterator[Deferred | None]:
    """Submit a call to ``target`` (``"package.module:function"``) now, its arguments later.

    The worker that takes the call imports the function's module at once, then waits for
    :meth:`Deferred.send`: a figure's worker imports matplotlib while the last runs end,
    and that same worker draws it (an import warmed up in one worker does not help the
    call if another worker takes it). With ``prepare`` (the arguments known now), the
    worker calls ``target(*prepare)`` at once, which returns the function that the
    arguments sent later are for: a figure's panels are made while the runs end, its
    curves after them. The call holds its worker until then: submit it
    when the pool's work is all queued, for nothing that work waits on. One deferred
    call per pool (a second could read the first's arguments from the channel they
    would share). On leaving the block, a call still without arguments is released.

    Yields:
        The deferred call, or None for executors other than a local pool (the serial
        one; a Dask cluster).
    """
    if not isinstance(executor, ProcessPoolExecutor) or not hasattr(executor, "channel"):
        yield None
        return
    if getattr(executor, "deferred", None) is not None:
        raise RuntimeError("a pool takes one deferred call")
    deferred = executor.deferred = Deferred(executor, target, prepare)  # type: ignore[attr-defined]
    try:
        yield deferred
    finally:
        deferred.close()


def _deferred_call(target: str, prepare: tuple | None = None) -> Any:
    function = _named(target)  # its imports, before the arguments come
    if prepare is not None:
        function = function(*prepare)
    message = _channel.get()
    if message is None:
        return None
    args, kwargs = message
    return function(*args, **kwargs)


def exit_quickly() -> None:
    """Let this process end without the garbage collector's last passes over its objects.

    At exit, Python collects the objects of every module again as it tears them down:
    with pandas, pyarrow and numba loaded, about half a second, in every worker of a
    pool and in the command's own process, and all of it after the last result. Objects
    frozen (:func:`gc.freeze`) are left out of those passes; everything else of the exit
    happens as before (the ``atexit`` calls, the modules torn down, the memory given
    back to the system), but an object left in a reference cycle is not finalised: only
    for a process that has closed what it opened (its files, its folder's lock). Called
    in every worker of :func:`process_pool`, and by ``transnum compare`` once its
    results are written.
    """
    atexit.unregister(gc.freeze)  # once, however many times it is asked for
    atexit.register(gc.freeze)


def import_modules(*names: str) -> None:
    """Import modules (a worker's warm-up: see :func:`warm_up`)."""
    for name in names:
        importlib.import_module(name)


def call(target: str, /, *args: Any, **kwargs: Any) -> Any:
    """Call the function named ``target`` (``"package.module:function"``) with the arguments.

    A task that names its function instead of carrying it: the process that submits it
    need not import the function's module (matplotlib, for a figure a worker draws).
    """
    return _named(target)(*args, **kwargs)


def _named(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def warm_up(executor: Executor, *modules: str) -> list[Future]:
    """Have the workers of a local pool import ``modules``: one call per worker.

    A pool starts its processes as work arrives: warmed up before the main process
    imports what it needs itself, they import theirs at the same time. Asked once the
    pool's work is all queued, they import modules for the work that comes after it.
    Each call waits its turn, and a worker takes one when it has nothing else to do, so
    a quick worker may take two and another none (that one imports the modules with its
    first task). Nothing is done for other executors (the serial one, in this process;
    a Dask cluster, whose workers already run).

    Returns:
        The calls (none for other executors).
    """
    if not isinstance(executor, ProcessPoolExecutor):
        return []
    return [executor.submit(import_modules, *modules) for _ in range(worker_count(executor))]


def default_workers() -> int:
    """One worker per core available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # platforms without affinity
        return os.cpu_count() or 1


def worker_count(executor: Executor) -> int:
    """Workers that share an executor's tasks (1 for one in this process)."""
    return int(getattr(executor, "workers_hint", 1))


@contextlib.contextmanager
def open_executor(workers: int | None = None, scheduler: str | None = None) -> Iterator[Executor]:
    """An executor for running tasks, closed on exit.

    Args:
        workers: Local worker processes; 1 runs serially in this process; None uses one
            per core. Ignored with a scheduler.
        scheduler: Address of a Dask scheduler (``tcp://host:port``), or the string
            ``"local"`` for a Dask LocalCluster with ``workers`` processes.

    Raises:
        ExecutorError: a scheduler is asked for but the ``distributed`` package is
            missing, or the scheduler cannot be reached within :data:`CONNECT_TIMEOUT_S`.
        ValueError: the scheduler address is malformed (see :func:`check_address`).
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
        pool.workers_hint = workers  # type: ignore[attr-defined]
        yield pool


@contextlib.contextmanager
def _dask_executor(scheduler: str, workers: int | None) -> Iterator[Executor]:
    check_address(scheduler)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ExecutorError(
            f"--scheduler {scheduler} needs the 'distributed' package, which is not "
            "installed: pip install 'transnum[distributed]', or leave out --scheduler to "
            "run on local worker processes"
        ) from None
    with contextlib.ExitStack() as stack:
        try:
            if scheduler == "local":
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=workers or default_workers(),
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                    )
                )
                client = stack.enter_context(Client(cluster, timeout=CONNECT_TIMEOUT_S))
            else:
                client = stack.enter_context(Client(scheduler, timeout=CONNECT_TIMEOUT_S))
        except (OSError, TimeoutError) as error:  # distributed's timeouts are OSErrors
            where = f"the Dask scheduler at {scheduler}"
            if scheduler == "local":
                where = "a local Dask cluster"
            raise ExecutorError(
                f"cannot reach {where} within {CONNECT_TIMEOUT_S} s ({error}); check that "
                "the scheduler runs and the address, or leave out --scheduler to run on "
                "local worker processes"
            ) from None
        executor = client.get_executor(pure=False)
        # How many workers share the batches (at least one, even before any joins).
        executor.workers_hint = max(1, len(client.scheduler_info().get("workers", {})))
        yield executor
