"""Lever changes: levers that take new values from a given week of the run.

A workshop's teams decide, round after round, to train more, back the change, adopt a
right-to-disconnect charter...; each decision is a :class:`LeverChange`, stated in a
scenario's ``lever_changes`` so that a run replays it. From the step of week ``week``
on (the step that simulates week ``week``; week 0's observation is the set-up's),
the named levers take the change's values; a later change overrides an earlier one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from simulation.i18n.language import quoted, say
from simulation.scenario.errors import ScenarioError, unknown_key
from simulation.scenario.levers import Levers
from simulation.scenario.schema import Record, spec

SET_UP_LEVERS = ("referent_share", "internal_mobility_capacity")
"""Levers that only the set-up reads, which a change cannot move: referents are drawn
with the population and the mobility posts are counted once. (The training mix may
change: the unit costs of the trainer hours follow the mix in force each week.)"""

CHANGEABLE = tuple(f.name for f in dataclasses.fields(Levers) if f.name not in SET_UP_LEVERS)
"""The levers a change may name."""


@dataclasses.dataclass(frozen=True)
class LeverChange(Record):
    """New values of some levers from one week of the run on."""

    week: int = spec(
        doc="Week whose step first sees the new values (1: from the first step).",
        ge=1,
        le=100_000,
        unit="week",
    )
    levers: Mapping[str, Any] = spec(
        doc="The levers that change and their new values, in the ranges of the same levers.",
    )

    def __hash__(self) -> int:
        # Hashable as the other records are (the levers' values are numbers, text, flags).
        return hash((self.week, tuple(sorted(self.levers.items()))))

    def _check(self) -> None:
        for key in self.levers:
            if key in SET_UP_LEVERS:
                raise ScenarioError(
                    say("error.scenario.lever_set_up_only", name=quoted(key)),
                    path=f"levers.{key}",
                )
            if key not in CHANGEABLE:
                raise ScenarioError(unknown_key(key, list(CHANGEABLE)), path=f"levers.{key}")
        try:
            checked = Levers.from_value(dict(self.levers))
        except ScenarioError as error:
            raise error.inside("levers") from None
        # The values as ``levers`` takes them (an integer capacity becomes a float).
        object.__setattr__(
            self, "levers", type(self.levers)({k: getattr(checked, k) for k in self.levers})
        )


def levers_after(levers: Levers, changes: tuple[LeverChange, ...], count: int) -> Levers:
    """The levers in force once the first ``count`` changes apply, in order."""
    merged: dict[str, Any] = {}
    for change in changes[:count]:
        merged.update(change.levers)
    return levers.replace(**merged) if merged else levers
