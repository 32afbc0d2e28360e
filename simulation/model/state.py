"""The staff's state arrays, owned by the model and updated in place each week.

Per staff member, arrays of shape (N,); per staff member and tool, (N, T) in C
order, so that one staff member's tools are contiguous for the kernels.
"""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(eq=False)
class StaffState:
    """All mutable and per-run state of the staff.

    Attributes are documented by group; (N,) per staff, (N, T) per staff and tool.
    """

    # Fixed for the run (N,)
    profile: np.ndarray  # int8 profile code
    service: np.ndarray  # int32 service code
    is_manager: np.ndarray  # bool
    is_referent: np.ndarray  # bool
    tutor_weight: np.ndarray  # weight of one's help to neighbours once a tool is mastered
    vulnerability: np.ndarray  # individual strain vulnerability
    external: np.ndarray  # weekly probability of trying from external influence (Bass p_i)
    fear: np.ndarray  # fear of failure 0-1
    learning_ability: np.ndarray  # multiplies every learning channel
    e_completion: np.ndarray  # share of e-learning followed
    meaning: np.ndarray  # meaning of the project as seen by the staff member, 0-1
    # Dynamic (N,)
    active: np.ndarray  # bool: still in post
    departed_week: np.ndarray  # int32, -1 while active
    strain: np.ndarray
    next_strain: np.ndarray  # work buffer of the synchronous strain update
    high_weeks: np.ndarray  # int32 consecutive weeks at high strain
    refusal_weeks: np.ndarray  # int32 consecutive weeks refusing
    training_hours: np.ndarray  # hours followed this week
    mean_help: np.ndarray  # mean help over live tools this week
    degree: np.ndarray  # float: number of active neighbours
    # Per staff and tool (N, T)
    target: np.ndarray  # bool: tool meant for the staff member's service
    live: np.ndarray  # bool: tool live for the staff member
    training_open: np.ndarray  # bool: training open (live or about to be)
    stage: np.ndarray  # int8 adoption stage (simulation.model.stages)
    proficiency: np.ndarray  # 0-1
    nb_adopted: np.ndarray  # active neighbours who adopted
    nb_help: np.ndarray  # weighted active neighbours who master
    shown_active: np.ndarray  # contributions currently counted by neighbours
    shown_adopted: np.ndarray
    shown_help: np.ndarray

    @property
    def n_staff(self) -> int:
        """Number of staff members (active or not)."""
        return int(self.active.size)

    @classmethod
    def empty(cls, n_staff: int, n_tools: int) -> StaffState:
        """Arrays of the right shapes and types: nobody exposed, all active."""
        per_staff = {"dtype": np.float64}
        pairs = (n_staff, n_tools)
        return cls(
            profile=np.zeros(n_staff, dtype=np.int8),
            service=np.zeros(n_staff, dtype=np.int32),
            is_manager=np.zeros(n_staff, dtype=bool),
            is_referent=np.zeros(n_staff, dtype=bool),
            tutor_weight=np.ones(n_staff, **per_staff),
            vulnerability=np.ones(n_staff, **per_staff),
            external=np.zeros(n_staff, **per_staff),
            fear=np.zeros(n_staff, **per_staff),
            learning_ability=np.ones(n_staff, **per_staff),
            e_completion=np.zeros(n_staff, **per_staff),
            meaning=np.zeros(n_staff, **per_staff),
            active=np.ones(n_staff, dtype=bool),
            departed_week=np.full(n_staff, -1, dtype=np.int32),
            strain=np.zeros(n_staff, **per_staff),
            next_strain=np.zeros(n_staff, **per_staff),
            high_weeks=np.zeros(n_staff, dtype=np.int32),
            refusal_weeks=np.zeros(n_staff, dtype=np.int32),
            training_hours=np.zeros(n_staff, **per_staff),
            mean_help=np.zeros(n_staff, **per_staff),
            degree=np.zeros(n_staff, **per_staff),
            target=np.zeros(pairs, dtype=bool),
            live=np.zeros(pairs, dtype=bool),
            training_open=np.zeros(pairs, dtype=bool),
            stage=np.zeros(pairs, dtype=np.int8),
            proficiency=np.zeros(pairs, **per_staff),
            nb_adopted=np.zeros(pairs, **per_staff),
            nb_help=np.zeros(pairs, **per_staff),
            shown_active=np.ones(n_staff, dtype=bool),
            shown_adopted=np.zeros(pairs, dtype=bool),
            shown_help=np.zeros(pairs, dtype=bool),
        )
