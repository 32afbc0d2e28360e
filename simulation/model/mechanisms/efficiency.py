"""Efficiency: processing time of the tasks the tools cover, relative to before.

For each target tool of a staff member (a tool meant for their service):

    time[i, t] = 1 - saving[t] * m[i, t] + overhead * (1 - m[i, t])   if the tool is in use
    time[i, t] = 1                                                      otherwise (paper)

and the staff member's processing-time index is the mean over their target tools
(computed in the weekly tally, :func:`simulation.model.observation.tally`).
``saving[t]`` is the share of processing time the tool saves at full proficiency (by
SAMR level, CNFPT 2018 section V.C: "processing times divided by two or three"; a
tool's own ``time_saving`` overrides it); the saving grows in proportion to
proficiency. ``overhead`` is the extra entry and checking work of a tool not yet
fully mastered (section V.C), fading in proportion to proficiency. An index of 0.5 means
times divided by two.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True, error_model="numpy")
def tool_time(in_use: bool, proficiency: float, saving: float, overhead: float) -> float:
    """Processing time of the tasks one tool covers, relative to before (see module)."""
    if not in_use:
        return 1.0
    return 1.0 - saving * proficiency + overhead * (1.0 - proficiency)
