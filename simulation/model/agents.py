"""Staff members as Mesa agents.

The model keeps every staff member's state in numpy arrays (one row per staff
member) and updates them all at once each week; a :class:`StaffMember` is a view
on its row. Its attributes therefore always show the current state, so
``model.agents.select(...)``, Mesa's ``DataCollector`` and SolaraViz work on them
as on any Mesa agent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import Cell, FixedAgent

from simulation.model.stages import ADOPTED, summary_stages
from simulation.scenario.profiles import PROFILES

if TYPE_CHECKING:
    from simulation.model.model import TransitionModel


def _flag(name: str, doc: str) -> property:
    """A yes/no attribute read from the staff member's row of the state array ``name``."""
    return property(lambda agent: bool(getattr(agent.model.state, name)[agent.index]), doc=doc)


class StaffMember(FixedAgent):
    """One member of staff, fixed to a node of the staff network.

    Attributes:
        index: Row of this staff member in the model's state arrays.
    """

    model: TransitionModel

    def __init__(self, model: TransitionModel, index: int, cell: Cell) -> None:
        super().__init__(model)
        self.index = index
        self.cell = cell

    # Identity -----------------------------------------------------------------
    @property
    def profile(self) -> str:
        """``technophile``, ``follower`` or ``overwhelmed``."""
        return PROFILES[self.model.state.profile[self.index]]

    @property
    def service(self) -> str:
        """Name of the staff member's service."""
        return self.model.network.service_names[self.model.state.service[self.index]]

    is_manager = _flag("is_manager", "Whether this staff member manages their service.")
    is_referent = _flag(
        "is_referent", "Whether this staff member is a referent (first-level support)."
    )

    # State --------------------------------------------------------------------
    active = _flag("active", "False once the staff member has left or moved to another post.")

    @property
    def strain(self) -> float:
        """Current strain (psychosocial risk); 1 is the high-risk threshold by default."""
        return float(self.model.state.strain[self.index])

    @property
    def high_strain(self) -> bool:
        """Whether strain is above the high-risk threshold."""
        return self.strain > self.model.spec.behaviour.high_strain_threshold

    @property
    def proficiency(self) -> float:
        """Mean proficiency (0-1) over the tools meant for the staff member's service."""
        state = self.model.state
        target = state.target[self.index]
        return float(state.proficiency[self.index, target].mean()) if target.any() else 0.0

    @property
    def adoption(self) -> float:
        """Share of the tools meant for the staff member's service that they adopted."""
        state = self.model.state
        target = state.target[self.index]
        if not target.any():
            return 0.0
        return float(np.mean(state.stage[self.index, target] == ADOPTED))

    @property
    def stage(self) -> str:
        """Summary stage over the live tools, for colouring the network.

        ``left``, ``waiting`` (no live tool), ``reverted`` (back to paper for some
        tool), ``adopted`` (all live tools), ``trying`` or ``unaware`` (see
        :func:`simulation.model.stages.summary_stages`).
        """
        state, row = self.model.state, slice(self.index, self.index + 1)
        return str(summary_stages(state.stage[row], state.live[row], state.active[row])[0])
