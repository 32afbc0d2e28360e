"""Efficiency: processing time of the tasks the tools cover, relative to before.

For each target tool of a staff member (a tool meant for their service):

    time[i, t] = 1 - saving[t] * m[i, t] + overhead * (1 - m[i, t])   if the tool is in use
    time[i, t] = 1                                                      otherwise (paper)

and the staff member's processing-time index is the mean over their target tools.
``saving[t]`` is the share of processing time a mastered tool saves (by SAMR
level, CNFPT 2018 section V.C: "processing times divided by two or three"; a
tool's own ``time_saving`` overrides it); ``overhead`` is the extra entry and
checking work while the tool is not mastered (section V.C). An index of 0.5 means
times divided by two.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from simulation.stages import ADOPTED, TRYING


@njit(cache=True)
def tool_time(in_use: bool, proficiency: float, saving: float, overhead: float) -> float:
    """Processing time of the tasks one tool covers, relative to before (see module)."""
    if not in_use:
        return 1.0
    return 1.0 - saving * proficiency + overhead * (1.0 - proficiency)


@njit(cache=True)
def processing_time(
    i: int,
    stage: np.ndarray,
    proficiency: np.ndarray,
    live: np.ndarray,
    target: np.ndarray,
    saving: np.ndarray,
    overhead: float,
) -> float:
    """Processing-time index of staff member ``i`` (mean over target tools; 1 if none)."""
    total = 0.0
    count = 0
    for t in range(stage.shape[1]):
        if target[i, t]:
            in_use = live[i, t] and (stage[i, t] == TRYING or stage[i, t] == ADOPTED)
            total += tool_time(in_use, proficiency[i, t], saving[t], overhead)
            count += 1
    return total / count if count > 0 else 1.0
