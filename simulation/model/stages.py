"""Adoption stages of a staff member for one tool (staged adoption, as in CBAM/ADKAR).

Codes are small integers so that they fit the ``int8`` state arrays.
"""

from __future__ import annotations

UNAWARE = 0
"""Has not started using the tool (it may not be live yet)."""
TRYING = 1
"""Uses the tool but below the adoption threshold of proficiency."""
ADOPTED = 2
"""Uses the tool with at least the adoption threshold of proficiency."""
REVERTED = 3
"""Went back to paper after trying or adopting (re-materialisation); may try again."""

STAGE_NAMES: tuple[str, ...] = ("unaware", "trying", "adopted", "reverted")
