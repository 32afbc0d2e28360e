"""Where runs execute (simulation/experiments/executors.py): addresses, unreachable schedulers."""

from __future__ import annotations

import operator
import subprocess
import sys
import time

import pytest

from simulation.experiments import executors
from simulation.experiments.executors import ExecutorError, check_address, open_executor


@pytest.mark.parametrize(
    "address", ["local", "tcp://127.0.0.1:8786", "tls://scheduler.lan:8786", "tcp://[::1]:8786"]
)
def test_well_formed_addresses_pass(address):
    assert check_address(address) == address


@pytest.mark.parametrize(
    ("address", "named"),
    [
        ("foo", "'foo' is not a scheduler address"),
        ("tcp://", "'tcp://' is not a scheduler address"),
        ("tcp://host", "'tcp://host' is not a scheduler address"),
        ("tcp://host:0", "'tcp://host:0' is not"),
        ("tcp://host:99999", "'tcp://host:99999' is not"),
        ("http://x:y", "unknown scheme 'http'"),
    ],
)
def test_malformed_addresses_are_named_with_what_is_expected(address, named):
    with pytest.raises(ValueError) as info:
        check_address(address)
    assert named in str(info.value) and "tcp://HOST:PORT" in str(info.value)


def test_without_distributed_the_message_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(ExecutorError) as info, open_executor(1, "local"):
        pass
    assert "'distributed'" in str(info.value) and "transnum[distributed]" in str(info.value)


def test_an_unreachable_scheduler_is_reported_within_the_connect_timeout(monkeypatch):
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT_S", 1)
    start = time.monotonic()
    with pytest.raises(ExecutorError) as info, open_executor(1, "tcp://127.0.0.1:1"):
        pass
    assert time.monotonic() - start < 15
    assert "tcp://127.0.0.1:1" in str(info.value) and "within 1 s" in str(info.value)


def test_the_connect_timeout_is_a_few_seconds():
    assert 1 <= executors.CONNECT_TIMEOUT_S <= 10


def test_call_runs_a_function_named_by_its_module():
    assert executors.call("math:hypot", 3.0, 4.0) == 5.0
    assert executors.call("json:dumps", [1], separators=(",", ":")) == "[1]"


def test_warm_up_asks_each_worker_of_a_pool_once_and_leaves_other_executors_alone():
    assert executors.warm_up(executors.SerialExecutor(), "colorsys") == []
    with open_executor(2) as pool:
        calls = executors.warm_up(pool, "colorsys", "wave")
        assert len(calls) == 2
        assert [call.result() for call in calls] == [None, None]
    with executors.process_pool(1) as pool:
        (missing,) = executors.warm_up(pool, "no_such_module_here")
        with pytest.raises(ModuleNotFoundError):
            missing.result()


def test_a_deferred_call_starts_in_a_worker_and_runs_with_the_arguments_sent_later():
    with open_executor(2) as pool:
        with executors.defer(pool, "operator:add") as deferred:
            # The other worker still takes work while the deferred call waits.
            assert pool.submit(pow, 2, 10).result(timeout=60) == 1024
            assert not deferred.future.done()
            assert deferred.send(2, 3).result(timeout=60) == 5
            with pytest.raises(RuntimeError, match="once"):
                deferred.send(1, 1)
        with pytest.raises(RuntimeError, match="one deferred call"), executors.defer(pool, "x:y"):
            pass


def test_a_deferred_call_that_gets_no_arguments_releases_its_worker():
    with open_executor(2) as pool:
        with executors.defer(pool, "operator:add") as deferred:
            pass  # e.g. the runs failed: the block is left without sending
        assert deferred.future.result(timeout=60) is None
        assert pool.submit(pow, 3, 2).result(timeout=60) == 9


def test_a_deferred_call_prepared_now_finishes_with_the_arguments_sent_later():
    # functools.partial(operator.mul, 3) is made at once; the arguments sent go to it.
    prepared = (operator.mul, 3)
    with open_executor(2) as pool, executors.defer(pool, "functools:partial", prepared) as deferred:
        assert deferred.send(5).result(timeout=60) == 15
    # A preparation that fails fails the call at once, before any argument is sent.
    with open_executor(2) as pool, executors.defer(pool, "operator:add", (1,)) as deferred:
        assert isinstance(deferred.future.exception(timeout=60), TypeError)


def test_a_deferred_call_to_a_missing_module_fails_at_once_and_other_executors_get_none():
    with open_executor(2) as pool, executors.defer(pool, "no_such_module_here:f") as deferred:
        error = deferred.future.exception(timeout=60)
        assert isinstance(error, ModuleNotFoundError)
    with executors.defer(executors.SerialExecutor(), "operator:add") as deferred:
        assert deferred is None


def test_exit_quickly_freezes_the_objects_before_the_last_collections():
    # The exit function registered first runs last: it sees the objects frozen.
    code = (
        "import atexit, gc\n"
        "atexit.register(lambda: print(gc.get_freeze_count() > 0))\n"
        "from simulation.experiments.executors import exit_quickly\n"
        "exit_quickly()\n"
        "exit_quickly()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
