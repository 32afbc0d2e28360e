"""Calling a model's kernels without numba's per-call type dispatch.

At every call of a compiled function, numba works out the types of the arguments to
pick the compiled version; for a container of some forty arrays
(:class:`~simulation.model.state.StaffState`) that costs a few microseconds, about as
much as a whole week of a small organisation's kernels. A model's containers keep
their arrays, hence their types, for the whole run, so each kernel needs resolving
once: :class:`Kernels` remembers the compiled entry point of each kernel it has called
and calls it directly afterwards. The kernels and their arguments are the same as when
they are called plainly (as the tests do); only the dispatch is skipped.

Resolving means typing the arguments as numba does (``numba.typeof``, a fraction of
a millisecond for a container of arrays), so entry points are also kept for the
whole process, keyed by what decides the numba type of each argument (an array's
dtype, dimensions, memory layout and flags; a scalar's Python type): the models of a
sweep resolve their kernels once between them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numba
import numpy as np

# Flags of an array that change its numba type: layout (C, F or any), alignment and
# whether it is read-only.
_TYPE_FLAGS = 0x1 | 0x2 | 0x100 | 0x400  # C_CONTIGUOUS | F_CONTIGUOUS | ALIGNED | WRITEABLE
_INT64 = (-(2**63), 2**63 - 1)
_RESOLVED: dict[tuple[Hashable, ...], Callable[..., Any]] = {}
"""Entry points by (kernel, type key of each argument), for the whole process."""


class Kernels:
    """The kernels of one model, each resolved for its argument types at its first call.

    Contract: for a given kernel, arguments of the same Python types have the same
    numba types, as the model's own containers (built once, never rebound) and plain
    Python scalars do. Calls with other Python types resolve the kernel again.
    """

    def __init__(self) -> None:
        self._entries: dict[Any, tuple[tuple[type, ...], Callable[..., Any]]] = {}
        # Type keys of the containers met so far, by identity; holding each container
        # keeps its identity from being reused while this object lives.
        self._keys: dict[int, tuple[tuple[Any, ...], Hashable | None]] = {}

    def __call__(self, kernel: Any, *args: Any) -> Any:
        """``kernel(*args)``, through its compiled entry point for these argument types."""
        kinds = tuple(map(type, args))
        known = self._entries.get(kernel)
        if known is None or known[0] != kinds:
            entry = resolve(kernel, args, tuple(map(self._key, args)))
            known = self._entries[kernel] = (kinds, entry)
        return known[1](*args)

    def _key(self, arg: Any) -> Hashable | None:
        if not isinstance(arg, tuple):
            return type_key(arg)
        known = self._keys.get(id(arg))
        if known is None:
            known = self._keys[id(arg)] = (arg, type_key(arg))
        return known[1]


def resolve(
    kernel: Any, args: tuple[Any, ...], keys: tuple[Hashable | None, ...] | None = None
) -> Callable[..., Any]:
    """The compiled entry point of ``kernel`` (a numba dispatcher) for the types of ``args``.

    ``keys`` are the :func:`type_key` of ``args`` if already known.
    """
    keys = tuple(map(type_key, args)) if keys is None else keys
    if None in keys:  # an argument whose numba type this module cannot foresee
        return kernel.compile(tuple(numba.typeof(arg) for arg in args))
    key = (kernel, *keys)
    entry = _RESOLVED.get(key)
    if entry is None:
        entry = _RESOLVED[key] = kernel.compile(tuple(numba.typeof(arg) for arg in args))
    return entry


def type_key(value: Any) -> Hashable | None:
    """What decides the numba type of ``value``, hashable; None if not foreseen here."""
    kind: Any = type(value)
    if kind is np.ndarray:
        return (value.dtype, value.ndim, value.flags.num & _TYPE_FLAGS)
    if kind in (bool, float):
        return kind
    if kind is int:
        return (int, _INT64[0] <= value <= _INT64[1])
    if issubclass(kind, tuple):
        parts = tuple(map(type_key, value))
        return None if None in parts else (kind, *parts)
    return None
