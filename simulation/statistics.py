"""Summary statistics over replications.

Means come with a two-sided Student-t confidence interval over replications
(independent runs, so the t interval is exact for normal outcomes and a good
approximation for the sums and shares reported here at 10+ replications).
Outcomes that may be missing in a run (e.g. ``weeks_to_80pct_adoption`` when 80 %
is never reached) are summarised over the runs that have a value; ``n`` says how
many did.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from scipy import stats


def mean_ci(values: Iterable[float | None], level: float = 0.95) -> dict[str, float | int | None]:
    """Mean and confidence interval of the non-missing values.

    Args:
        values: One value per replication; None or NaN counts as missing.
        level: Confidence level, in (0, 1).

    Returns:
        ``{"mean", "ci_low", "ci_high", "n"}``; with one value the interval is that
        value, with none everything is None.
    """
    data = np.array([v for v in values if v is not None and not _is_nan(v)], dtype=float)
    n = int(data.size)
    if n == 0:
        return {"mean": None, "ci_low": None, "ci_high": None, "n": 0}
    mean = float(data.mean())
    if n == 1:
        return {"mean": mean, "ci_low": mean, "ci_high": mean, "n": 1}
    half = float(stats.t.ppf(0.5 + level / 2, df=n - 1) * data.std(ddof=1) / math.sqrt(n))
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def _is_nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)
