"""Exposure: tools go live for services when the rollout plan says so.

A staff member is exposed to tool ``t`` from the week its service's pair goes live:

    live[i, t] = go_live[service(i), t] <= week

Training for a tool opens ``training_lead`` weeks before its go-live (the plan
decides). Each go-live also adds to the service's recent-change load, which fades
with time constant ``change_memory_weeks`` (CNFPT 2018, section VI.C: the frequency
and scale of change is a source of psychosocial risk):

    change[s] <- change[s] * exp(-1 / change_memory_weeks) + sum_t new_live[s, t] * depth[t]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from simulation.model.state import NOT_LIVE, Services, StaffState, Tools


@njit(cache=True)
def expose(
    staff: StaffState, services: Services, new_live: np.ndarray, open_pairs: np.ndarray
) -> None:
    """Add this week's go-lives to the services' live pairs and copy the plan to staff, in place.

    Args:
        staff: Writes ``live`` and ``training_open`` (a live tool is always open to
            training), from each staff member's service.
        services: Adds ``new_live`` to ``live``.
        new_live: Pairs going live this week, bool (S, T).
        open_pairs: Pairs whose training is open, bool (S, T).
    """
    live_pairs, service, origin = services.live, staff.service, staff.origin_service
    n_services, n_tools = live_pairs.shape
    if n_tools == 0:
        return
    # Each service's row, repeated over T + 8 bytes: any 8 bytes of a run of rows of
    # that service are a slice of it.
    live_rows = np.empty((n_services, n_tools + 8), dtype=np.bool_)
    open_rows = np.empty((n_services, n_tools + 8), dtype=np.bool_)
    for s in range(n_services):
        for t in range(n_tools):
            live_pairs[s, t] = live_pairs[s, t] or new_live[s, t]
        for k in range(n_tools + 8):
            t = k % n_tools
            live_rows[s, k] = live_pairs[s, t]
            open_rows[s, k] = live_pairs[s, t] or open_pairs[s, t]
    live, training_open = staff.live.reshape(-1), staff.training_open.reshape(-1)
    # The staff of a service of origin are consecutive: their rows are written as one
    # byte range, 8 bytes at a time (a byte at a time cost most of the kernel); then
    # the rows of staff now in another service are written over.
    n = service.size
    i = 0
    while i < n:
        s = origin[i]
        j = i + 1
        while j < n and origin[j] == s:
            j += 1
        if 0 <= s < n_services:
            _fill(live, i * n_tools, j * n_tools, live_rows[s], n_tools)
            _fill(training_open, i * n_tools, j * n_tools, open_rows[s], n_tools)
        i = j
    for i in range(n):
        s = service[i]
        if s != origin[i]:
            for t in range(n_tools):
                live[i * n_tools + t] = live_rows[s, t]
                training_open[i * n_tools + t] = open_rows[s, t]


@njit(cache=True, inline="always")
def _fill(flat: np.ndarray, start: int, stop: int, rows: np.ndarray, n_tools: int) -> None:
    """Bytes ``start:stop`` of ``flat``, whole rows of one service, from its repeated row."""
    at = start
    phase = 0  # the tool of byte ``at``: rows start at multiples of n_tools
    step = 8 % n_tools
    while at + 8 <= stop:
        _copy8(flat, at, rows, phase)
        at += 8
        phase += step
        if phase >= n_tools:
            phase -= n_tools
    while at < stop:
        flat[at] = rows[phase]
        at += 1
        phase += 1


def _copy8_ir(typingctx: Any, target: Any, at: Any, source: Any, start: Any) -> Any:
    """Copy the 8 bytes ``source[start:start + 8]`` to ``target[at:at + 8]`` (1-D bool arrays).

    One unaligned 64-bit load and store, whatever the byte order.
    """
    signature = types.void(target, types.intp, source, types.intp)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        word = ir.IntType(64).as_pointer()
        pointers = []
        for array_type, array, offset in (
            (sig.args[2], args[2], args[3]),
            (sig.args[0], args[0], args[1]),
        ):
            data = context.make_array(array_type)(context, builder, array).data
            pointers.append(builder.bitcast(builder.gep(data, [offset]), word))
        value = builder.load(pointers[0], align=1)
        builder.store(value, pointers[1], align=1)
        return context.get_dummy_value()

    return signature, codegen


# Called from compiled code only, as a function of its arguments without typingctx.
_copy8: Any = intrinsic(_copy8_ir)


def record_change(
    services: Services,
    tools: Tools,
    new_live: np.ndarray,
    memory_weeks: float,
    week: int | None = None,
) -> None:
    """Fade each service's recent-change load and add this week's go-lives, in place.

    Args:
        services: Updates ``recent_change`` (SAMR-depth units) and, given ``week``,
            ``go_live_week`` of the pairs going live.
        tools: Reads ``depth``.
        new_live: Pairs going live this week, bool (S, T).
        memory_weeks: Time constant of the fading, weeks (> 0).
        week: This week (to record go-live weeks).
    """
    services.recent_change[...] *= np.exp(-1.0 / memory_weeks)
    if not new_live.any():  # no go-live to record; adding none would add exact zeros
        return
    if week is not None:
        services.go_live_week[new_live & (services.go_live_week == NOT_LIVE)] = week
    services.recent_change[...] += new_live.astype(np.float64) @ tools.depth
