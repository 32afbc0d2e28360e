"""Calling a model's kernels without numba's per-call type dispatch.

At every call of a compiled function, numba works out the types of the arguments to
pick the compiled version; for a container of some forty arrays
(:class:`~simulation.model.state.StaffState`) that costs a few microseconds, about as
much as a whole week of a small organisation's kernels. A model's containers keep
their arrays, hence their types, for the whole run, so each kernel needs resolving
once: :class:`Kernels` remembers the compiled entry point of each kernel it has called
and calls it directly afterwards. The kernels and their arguments are the same as when
they are called plainly (as the tests do); only the dispatch is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba


class Kernels:
    """The kernels of one model, each resolved for its argument types at its first call.

    Contract: for a given kernel, arguments of the same Python types have the same
    numba types, as the model's own containers (built once, never rebound) and plain
    Python scalars do. Calls with other Python types resolve the kernel again.
    """

    def __init__(self) -> None:
        self._entries: dict[Any, tuple[tuple[type, ...], Callable[..., Any]]] = {}

    def __call__(self, kernel: Any, *args: Any) -> Any:
        """``kernel(*args)``, through its compiled entry point for these argument types."""
        kinds = tuple(map(type, args))
        known = self._entries.get(kernel)
        if known is None or known[0] != kinds:
            entry = kernel.compile(tuple(numba.typeof(arg) for arg in args))
            known = self._entries[kernel] = (kinds, entry)
        return known[1](*args)
