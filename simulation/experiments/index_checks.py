"""Whether sensitivity indices can be trusted: valid ranges, intervals, sample sizes.

SALib computes indices from any design, however small; a Sobol index estimated from
a few dozen points may fall outside [0, 1] or carry an interval as wide as itself.
Each row of an indices table gets a ``warning`` (codes of :data:`WARNINGS`, empty
when the estimate looks sound), which the command prints and the report repeats.
It reads only the indices, so the reports can use it without the analysis.
"""

from __future__ import annotations

import pandas as pd

from simulation.i18n.language import say

# Thresholds of the warnings. Sobol: estimates of S1 and ST settle from a base sample
# of about 500 to 1,000 (Saltelli et al. 2010, section 5; SALib's examples use 1,024);
# below 512 their bootstrap intervals are often as wide as the indices.
SOBOL_MIN_SAMPLES = 512
# Morris: Campolongo et al. (2007) and Saltelli et al. (2008, ch. 3) take r = 10 to 20
# trajectories for a stable ranking by mu*; fewer rank the main parameters at best.
MORRIS_MIN_TRAJECTORIES = 10
# Sobol indices are shares of variance, in [0, 1]; estimators stray a little beyond
# (sampling noise), more than 0.05 means the estimate is not to be trusted.
INDEX_TOLERANCE = 0.05
# A Sobol interval whose half-width exceeds 0.1 (a tenth of the variance) cannot tell
# a minor parameter from an important one.
SOBOL_MAX_HALF_WIDTH = 0.1
WARNINGS: tuple[str, ...] = ("small_sample", "out_of_range", "st_below_s1", "wide_ci")
"""Codes of the ``warning`` column (several are joined by ``;``)."""


def index_warnings(row: dict, method: str, samples: int) -> list[str]:
    """What makes one row of indices unreliable (codes of :data:`WARNINGS`).

    Args:
        row: The row's indices (``mu_star``, ``mu_star_conf``... or ``S1``, ``S1_conf``,
            ``ST``, ``ST_conf``).
        method: ``morris`` or ``sobol``.
        samples: ``design.samples`` (Sobol: base sample N; Morris: trajectories).
    """
    found = []
    if method == "sobol":
        if samples < SOBOL_MIN_SAMPLES:
            found.append("small_sample")
        values = (row["S1"], row["ST"])
        if any(not -INDEX_TOLERANCE <= v <= 1 + INDEX_TOLERANCE for v in values):
            found.append("out_of_range")
        if row["ST"] < row["S1"] - (row["S1_conf"] + row["ST_conf"]):
            found.append("st_below_s1")  # a total effect is never below the first-order one
        if max(row["S1_conf"], row["ST_conf"]) > SOBOL_MAX_HALF_WIDTH:
            found.append("wide_ci")
        return found
    if samples < MORRIS_MIN_TRAJECTORIES:
        found.append("small_sample")
    if row["mu_star"] < 0 or row["sigma"] < 0:  # means of absolute values, a deviation
        found.append("out_of_range")
    if row["mu_star_conf"] > row["mu_star"]:  # the interval reaches 0: no effect is as likely
        found.append("wide_ci")
    return found


def warning_lines(indices: pd.DataFrame, method: str, samples: int) -> list[str]:
    """One line per kind of warning among ``indices``, in the language of messages."""
    if indices.empty or "warning" not in indices:
        return []
    codes = [c for w in indices["warning"].fillna("") for c in str(w).split(";") if c]
    lines = []
    if "small_sample" in codes:
        need = SOBOL_MIN_SAMPLES if method == "sobol" else MORRIS_MIN_TRAJECTORIES
        what = say(
            "cli.sensitivity.base_sample" if method == "sobol" else "cli.sensitivity.trajectories"
        )
        lines.append(
            say(
                "cli.sensitivity.small_sample", method=method, samples=samples, what=what, need=need
            )
        )
    for code in ("out_of_range", "st_below_s1", "wide_ci"):
        n = codes.count(code)
        if n:
            lines.append(say(f"cli.sensitivity.{code}", n=n, total=len(indices), code=code))
    return lines
