"""Where each replication's behavioural parameters come from: the ensemble or one set.

By default every answer of transnum (``compare``, ``sweep``, ``sensitivity``) draws
each replication's calibrated parameters from the shipped ensemble of plausible
parameter sets (:mod:`simulation.experiments.ensemble`): replication ``r`` uses member
``(r // per_member) mod M`` under every strategy, point or factor level, so paired
differences stay paired and the spread of an outcome can be split between the
parameters and chance (:mod:`simulation.experiments.uncertainty`). ``--parameters
default`` keeps the scenario's own values (one parameter set, as before the
ensemble); ``--parameters FILE`` uses one's own ensemble file.

What an experiment sets itself wins over the ensemble: a sweep's or a sensitivity
analysis's factor that is a calibrated parameter keeps the value of its point, and
the ensemble gives the others.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from pathlib import Path
from typing import Any

from simulation.experiments.ensemble import PER_MEMBER, Ensemble, read_ensemble, shipped_path
from simulation.scenario.records import Scenario
from simulation.scenario.schema import value_at

DEFAULT = "default"
"""``--parameters default``: the scenario's own values, one parameter set."""
ENSEMBLE = "ensemble"
"""``--parameters ensemble`` (the default): the shipped ensemble."""
_CACHED = 512
"""Scenarios with a member's parameters kept for reuse (a strategy or point times a
member; runs of one member share theirs, and with it their set-up)."""


@dataclasses.dataclass(eq=False)
class ParameterDraw:
    """Which parameter set each replication uses.

    Attributes:
        ensemble: The ensemble drawn from; None for the scenario's own values.
        source: ``"default"``, ``"ensemble"`` (the shipped file) or the file given.
        per_member: Consecutive replications that share a member (>= 1).
        kept: Dotted paths the experiment sets itself (not taken from the ensemble).
    """

    ensemble: Ensemble | None
    source: str = DEFAULT
    per_member: int = PER_MEMBER
    kept: frozenset[str] = frozenset()
    _made: OrderedDict = dataclasses.field(default_factory=OrderedDict, repr=False)

    def __post_init__(self) -> None:
        if self.per_member < 1:
            raise ValueError("per_member must be at least 1")

    @property
    def drawn(self) -> bool:
        """Whether replications draw their parameters from an ensemble."""
        return self.ensemble is not None

    def member(self, replication: int) -> int | None:
        """The member replication ``replication`` uses (None without an ensemble)."""
        if self.ensemble is None:
            return None
        return self.ensemble.member_of(replication, self.per_member)

    def keeping(self, paths: frozenset[str] | set[str] | tuple[str, ...]) -> ParameterDraw:
        """The same draw, the experiment's own ``paths`` kept as they are."""
        return dataclasses.replace(self, kept=frozenset(paths) | self.kept, _made=OrderedDict())

    def scenario(self, scenario: Scenario, replication: int) -> Scenario:
        """``scenario`` with the parameters of replication ``replication``'s member.

        The same object for the same scenario and member (shared set-up in a batch).
        """
        member = self.member(replication)
        if member is None:
            return scenario
        key = (id(scenario), member)
        made = self._made.get(key)
        if made is not None and made[0] is scenario:
            self._made.move_to_end(key)
            return made[1]
        assert self.ensemble is not None
        changes = {
            path: value
            for path, value in self.ensemble.overrides(member).items()
            if path not in self.kept
        }
        result = scenario.override(changes)
        self._made[key] = (scenario, result)  # the scenario kept too: its id stays its own
        if len(self._made) > _CACHED:
            self._made.popitem(last=False)
        return result

    def describe(self) -> dict[str, Any]:
        """The draw as recorded in a results folder's manifest (``parameters`` entry)."""
        if self.ensemble is None:
            return {"source": DEFAULT}
        return {
            "source": self.source,
            "sha256": self.ensemble.sha256,
            "members": len(self.ensemble),
            "per_member": self.per_member,
            "calibrated": list(self.ensemble.parameters),
            "kept": sorted(self.kept & set(self.ensemble.parameters)),
            "rule": "replication r uses member (r // per_member) mod members under every "
            "strategy or point",
        }

    def differences(self, scenario: Scenario) -> list[str]:
        """The calibrated parameters whose value in ``scenario`` the ensemble replaces.

        Those the scenario sets to something other than the default: a scenario file
        that states them may expect its values to hold (``--parameters default``).
        """
        if self.ensemble is None:
            return []
        reference, out = Scenario(), []
        for path in self.ensemble.parameters:
            if path in self.kept:
                continue
            if value_at(scenario, path) != value_at(reference, path):
                out.append(path)
        return out


def choose_parameters(choice: str | None = None, per_member: int = PER_MEMBER) -> ParameterDraw:
    """The draw a command's ``--parameters`` asks for.

    Args:
        choice: ``"ensemble"`` or None (the shipped ensemble), ``"default"`` (the
            scenario's own values) or the path of an ensemble file.
        per_member: Replications per member.

    Raises:
        ScenarioError: naming the file, if an ensemble file cannot be read.
    """
    if choice == DEFAULT:
        return ParameterDraw(None, DEFAULT, per_member)
    if choice in (None, ENSEMBLE):
        return ParameterDraw(read_ensemble(shipped_path()), ENSEMBLE, per_member)
    return ParameterDraw(read_ensemble(Path(choice)), str(choice), per_member)
