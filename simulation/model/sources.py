"""The sources of strain (psychosocial risk) the model tells apart, in code order.

Each week's job demands are the sum of one term per source (see
:mod:`simulation.model.mechanisms.strain`), and each staff member's strain is kept
as one part per source, so that high strain can be attributed to what caused it:

* ``baseline``: the work and applications of before the rollout;
* ``digital_turn``: the change load of live tools not yet mastered (CNFPT 2018,
  section VI.C, source 1: "the radical digital turn");
* ``tools``: the information load of the live tools, e-mail first, and the
  always-on load of staff who stay connected (source 2; lowered by a right to
  disconnect);
* ``change_frequency``: recent go-lives in the service (source 3: "the frequency and
  scale of change");
* ``workload``: work left by colleagues who left their post (overload cascades);
* ``monotony``: monotony and isolation of back-office, data-entry posts as their work
  is digitised (section VI.B).
"""

from __future__ import annotations

STRAIN_SOURCES: tuple[str, ...] = (
    "baseline",
    "digital_turn",
    "tools",
    "change_frequency",
    "workload",
    "monotony",
)
BASELINE, DIGITAL_TURN, TOOLS, CHANGE_FREQUENCY, WORKLOAD, MONOTONY = range(len(STRAIN_SOURCES))
N_SOURCES = len(STRAIN_SOURCES)
