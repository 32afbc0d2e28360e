"""Random draws inside compiled code, number for number numpy's own.

numba compiles functions that take a ``numpy.random.Generator`` and call its methods;
they draw from the generator's own bit generator, so its state moves on exactly as if
numpy had drawn, and the numpy calls that follow see the same stream. numba's
``random``, ``integers``, ``standard_normal`` and ``permutation`` give numpy's
numbers (the tests check it over many seeds, ranges and sizes); its ``poisson`` does
not for means of 10 or more (numba 0.68 truncates where numpy takes the floor, so a
candidate just below 0 is kept as 0 instead of rejected). :func:`poisson` is numpy's
algorithm (``random_poisson`` in numpy's ``distributions.c``) written out, with the
same operations in the same order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_LOGGAM = (
    8.333333333333333e-02,
    -2.777777777777778e-03,
    7.936507936507937e-04,
    -5.952380952380952e-04,
    8.417508417508418e-04,
    -1.917526917526918e-03,
    6.410256410256410e-03,
    -2.955065359477124e-02,
    1.796443723688307e-01,
    -1.39243221690590e00,
)
"""Coefficients of the Stirling series in numpy's ``random_loggam``."""
_LOG_2PI = 1.8378770664093453e00


@njit(cache=True, error_model="numpy")
def poisson(rng: np.random.Generator, lam: float) -> int:
    """One Poisson(``lam``) draw, the same number as ``rng.poisson(lam)``.

    numpy's method: multiplication of uniforms below 10, the transformed rejection
    (PTRS, Hörmann 1993) from 10 on. ``lam`` must be finite and non-negative (the
    callers' means are validated scenario values).
    """
    if lam >= 10:
        return _poisson_ptrs(rng, lam)
    if lam == 0:
        return 0
    threshold = np.exp(-lam)
    count = 0
    product = 1.0
    while True:
        product *= rng.random()
        if product > threshold:
            count += 1
        else:
            return count


@njit(cache=True, error_model="numpy")
def poisson_fill(rng: np.random.Generator, lam: float, size: int) -> np.ndarray:
    """``size`` Poisson(``lam``) draws (int64), the same as ``rng.poisson(lam, size)``."""
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        out[i] = poisson(rng, lam)
    return out


@njit(cache=True, error_model="numpy")
def _poisson_ptrs(rng: np.random.Generator, lam: float) -> int:
    """A Poisson draw by transformed rejection, ``lam >= 10`` (``random_poisson_ptrs``)."""
    slam = np.sqrt(lam)
    loglam = np.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = rng.random() - 0.5
        v = rng.random()
        us = 0.5 - abs(u)
        # The floor, not a truncation: a candidate in (-1, 0) is negative, so rejected.
        k = int(np.floor((2 * a / us + b) * u + lam + 0.43))
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if np.log(v) + np.log(invalpha) - np.log(a / (us * us) + b) <= (
            -lam + k * loglam - _loggam(k + 1.0)
        ):
            return k


@njit(cache=True, error_model="numpy")
def _loggam(x: float) -> float:
    """The logarithm of Gamma(``x``), ``x >= 1``, as numpy's ``random_loggam`` computes it."""
    if x == 1.0 or x == 2.0:
        return 0.0
    n = int(7 - x) if x < 7.0 else 0
    x0 = x + n
    x2 = (1.0 / x0) * (1.0 / x0)
    gl0 = _LOGGAM[9]
    for k in range(8, -1, -1):
        gl0 *= x2
        gl0 += _LOGGAM[k]
    gl = gl0 / x0 + 0.5 * _LOG_2PI + (x0 - 0.5) * np.log(x0) - x0
    if x < 7.0:
        for _ in range(n):
            gl -= np.log(x0 - 1.0)
            x0 -= 1.0
    return gl
