"""When does each recommended plan fail? Scenario discovery on its fresh replications.

Each named plan of ``transnum optimise`` is run again on fresh replications
(:func:`~simulation.experiments.named_plans.check_plans`); those where it misses the
thresholds are explained by PRIM (:func:`~simulation.experiments.discovery.discover`)
over the conditions of each replication: its ensemble member's calibrated parameters
and the declared uncertainties' values (each told as the scenario path it stands for,
a scaling one as the share of the plan's value actually available). The result, per
plan, is what ``discovery.json`` of the optimisation folder holds and its report
reads: the boxes and their sentences in French and English.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from simulation.experiments.discovery import discover
from simulation.experiments.discovery_text import Meaning, tell
from simulation.i18n.catalogue import LANGUAGES
from simulation.i18n.words import phrase, quote

NOT_CONDITIONS = ("replication", "member")
"""Columns of a checked plan's inputs that identify a replication, not a condition."""


def explain_failures(checked: Iterable[Any], space: Any, *, max_boxes: int = 3) -> dict[str, Any]:
    """The conditions under which each checked plan misses the thresholds.

    Args:
        checked: The named plans run on fresh replications
            (:class:`~simulation.experiments.named_plans.CheckedPlan`: ``name``,
            ``failed``, one boolean per replication, and ``inputs``, one row each).
        space: The plan space searched (its ``uncertainties`` name the declared inputs).
        max_boxes: Most boxes per plan.

    Returns:
        Per plan name: ``runs``, ``runs_of_interest`` (replications that fail),
        ``base_rate``, ``inputs``, ``boxes`` (as :meth:`Box.to_plain
        <simulation.experiments.discovery_boxes.Box.to_plain>`) and ``sentences`` (per
        language, one per box; none when the plan never or always fails, or when no
        box stands out: the report then says so in its own words).
    """
    meanings = {u.name: Meaning(u.path, bool(u.scale)) for u in space.uncertainties}
    found: dict[str, Any] = {}
    for plan in checked:
        inputs = plan.inputs.drop(columns=[c for c in NOT_CONDITIONS if c in plan.inputs])
        failed = np.asarray(plan.failed, dtype=bool)
        boxes = discover(inputs, failed, max_boxes=max_boxes)
        sentences: dict[str, list[str]] = {}
        for lang in LANGUAGES:
            label = quote(phrase(f"optimise.plan.{plan.name}", lang), lang)
            what = phrase("discover.plan_misses", lang, plan=label)
            sentences[lang] = [tell(box, lang, what, meanings) for box in boxes]
        found[plan.name] = {
            "runs": int(failed.size),
            "runs_of_interest": int(failed.sum()),
            "base_rate": float(failed.mean()) if failed.size else None,
            "inputs": list(inputs.columns),
            "boxes": [box.to_plain() for box in boxes],
            "sentences": sentences,
        }
    return found
