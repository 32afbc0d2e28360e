"""The columns of a group tally (one row per profile or service and week).

Kept apart from :mod:`simulation.model.observation` (compiled) so that what only needs
their number, such as the memory estimate of a run (:mod:`simulation.model.sizing`),
loads without the compiled code.
"""

from __future__ import annotations

from simulation.model.sources import STRAIN_SOURCES

MEASURES: tuple[str, ...] = (
    "staff",
    "active",
    "with_targets",
    "adoption",
    "trying",
    "reverted",
    "deployed",
    "strain",
    "high",
    "processing_time",
    "mastered",
    "processing_time_mastered",
    "left_strain",
    "left_refusal",
    "moved_internal",
    "left_external",
    "acculturation",
    *(f"demand_{source}" for source in STRAIN_SOURCES),
    *(f"high_{source}" for source in STRAIN_SOURCES),
)
"""Columns of a group tally: staff at start, active staff, active staff with target
tools, then sums over them (adoption... processing_time are sums of per-staff shares
or values; strain and high are over all active staff); mastered counts staff who use
and master all their target tools, and processing_time_mastered sums their index. The
next four count the staff who left their post, by cause and by destination, in their
service of origin; then the sum of the active staff's acculturation; then, per strain
source, the sum of the week's demands and, over
the staff at high strain, the sum of the source's part of their strain."""
