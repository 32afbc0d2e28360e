"""The study's claims of docs/findings.md as conditions on paired differences between runs.

A :class:`Claim` holds when all its :class:`Condition` hold; a condition is a linear
combination of one outcome under some variants of the organisation (:func:`variants`)
and strategies, taken replication by replication, with the sign the claim wants. A
mechanism's part in a gap is such a combination too (the difference-in-differences of
experiments/findings_ablation.py), so every claim is judged on paired differences.
To add a claim, add an entry to :data:`CLAIMS`: the runs, the tables and the figures
of findings_ensemble pick it up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from findings_ablation import ABLATIONS, UNLIMITED_TRAINERS
from findings_runs import STRATEGIES

from simulation import Scenario

Term = tuple[float, str, str]
"""A term of a combination: coefficient, variant, strategy."""


@dataclasses.dataclass(frozen=True)
class Condition:
    """A paired combination of one outcome that must have a sign."""

    label: str
    """What the combination is, in a few words (``big bang - small steps``)."""
    outcome: str
    """Key of the outcome in the rows (flattened summary, ``depth``...)."""
    terms: tuple[Term, ...]
    """Coefficient, variant, strategy of each term; the combination is their sum."""
    sign: int
    """+1: the claim wants the combination positive; -1: negative."""


@dataclasses.dataclass(frozen=True)
class Claim:
    """One of the study's claims (or the model's reading of it) as conditions."""

    section: int
    """Section of docs/findings.md."""
    statement: str
    """The claim, as docs/findings.md quotes or reads it."""
    test: str
    """How the model tests it, in a few words."""
    conditions: tuple[Condition, ...]
    """What must hold together."""


SHORT = {"big_bang": "BB", "small_steps": "SS", "short_cycle": "SC"}


def gap(outcome: str, variant: str, a: str, b: str, sign: int) -> Condition:
    """``a - b`` on ``outcome`` under ``variant``, with the claimed sign."""
    return Condition(
        f"{SHORT[a]} − {SHORT[b]}", outcome, ((1.0, variant, a), (-1.0, variant, b)), sign
    )


def effect_gap(outcome: str, off: str, a: str, b: str, full: str = "typical") -> Condition:
    """What a mechanism adds under ``a`` minus what it adds under ``b``, positive."""
    return Condition(
        f"adds under {SHORT[a]} − under {SHORT[b]}",
        outcome,
        ((1.0, full, a), (-1.0, off, a), (-1.0, full, b), (1.0, off, b)),
        +1,
    )


def most_of_gap(outcome: str, off: str, a: str, b: str, full: str = "typical") -> Condition:
    """Switching a mechanism off removes more than half of a positive gap ``a - b``.

    ``(gap - gap_off) > gap / 2`` is ``gap / 2 - gap_off > 0``: linear in the runs.
    """
    return Condition(
        f"{SHORT[a]} − {SHORT[b]}: more than half explained",
        outcome,
        ((0.5, full, a), (-0.5, full, b), (-1.0, off, a), (1.0, off, b)),
        +1,
    )


def _both(outcome: str, variant: str, a: str, sign: int) -> tuple[Condition, ...]:
    """``a`` against each of the two other strategies."""
    return tuple(gap(outcome, variant, a, b, sign) for b in STRATEGIES if b != a)


SMALL = "staff_50"
CLAIMS: dict[str, Claim] = {
    "strain_peak": Claim(
        1, "big bang has a strain peak", "peak share at high strain above both (typical)",
        _both("rps_peak_share", "typical", "big_bang", +1),
    ),
    "strain_peak_default": Claim(
        1, "big bang has a strain peak", "the same, default commune",
        _both("rps_peak_share", "default", "big_bang", +1),
    ),
    "fewer_dropouts": Claim(
        1, "big bang reduces dropping out", "dropout below both (typical)",
        _both("dropout_share", "typical", "big_bang", -1),
    ),
    "fewer_dropouts_default": Claim(
        1, "big bang reduces dropping out", "the same, default commune",
        _both("dropout_share", "default", "big_bang", -1),
    ),
    "peak_change_load": Claim(
        1, "(model) the change load produces the strain peak",
        "`change_load` off removes most of BB − SS (typical)",
        (gap("rps_peak_share", "typical", "big_bang", "small_steps", +1),
         most_of_gap("rps_peak_share", "change_load", "big_bang", "small_steps")),
    ),
    "dropout_strain": Claim(
        1, "(model) big bang loses more staff, through strain",
        "dropout above SC, `strain_dropout` off removes most of it (typical)",
        (gap("dropout_share", "typical", "big_bang", "short_cycle", +1),
         most_of_gap("dropout_share", "strain_dropout", "big_bang", "short_cycle")),
    ),
    "small_steps_slow": Claim(
        2, "small steps are slow", "weeks to 80 % adoption above both (typical)",
        _both("weeks_to_80pct_adoption", "typical", "small_steps", +1),
    ),
    "small_steps_deep": Claim(
        2, "small steps integrate deeply", "depth at 26 weeks above both (typical)",
        _both("depth", "typical", "small_steps", +1),
    ),
    "short_cycles_balance": Claim(
        3, "(model) short cycles combine depth and pace",
        "50 % adoption before SS, deeper than BB (typical)",
        (gap("weeks_to_50pct_adoption", "typical", "short_cycle", "small_steps", -1),
         gap("depth", "typical", "short_cycle", "big_bang", +1)),
    ),
    "short_cycles_action": Claim(
        3, "short cycles favour training through action",
        "learning by doing adds most depth under SC (typical)",
        tuple(effect_gap("depth", "practice", "short_cycle", b)
              for b in ("big_bang", "small_steps")),
    ),
    "short_cycles_acculturation": Claim(
        3, "short cycles favour acculturation",
        "acculturation costs least depth under SC (typical)",
        tuple(effect_gap("depth", "acculturation", "short_cycle", b)
              for b in ("big_bang", "small_steps")),
    ),
    "small_change_easily": Claim(
        4, "small organisations change more easily",
        "mean dropout of the three strategies lower at 50 staff than at 500",
        (Condition("50 − 500 staff", "dropout_share",
                   tuple((1 / 3, SMALL, s) for s in STRATEGIES)
                   + tuple((-1 / 3, "typical", s) for s in STRATEGIES), -1),),
    ),
    "fewer_dropouts_10h": Claim(
        5, "big bang reduces dropping out", "dropout below both at 10 h/week, trainers as set",
        _both("dropout_share", "hours_10", "big_bang", -1),
    ),
    "fewer_dropouts_10h_unlimited": Claim(
        5, "big bang reduces dropping out", "dropout below both at 10 h/week, unlimited trainers",
        _both("dropout_share", "hours_10_unlimited", "big_bang", -1),
    ),
}  # fmt: skip
"""The claims, by name, in the order of docs/findings.md."""


def variants(typical: Scenario, default: Scenario) -> dict[str, tuple[Scenario, dict]]:
    """Each variant the claims name: its organisation and the overrides on top of a member.

    Overrides come after the member's parameters, so a mechanism switched off stays off
    whatever the member says (``change_load`` sets a calibrated parameter to 0).
    """
    small = SMALL.removeprefix("staff_")
    per_staff = typical.levers.training_capacity / typical.staff_count
    out: dict[str, tuple[Scenario, dict]] = {"typical": (typical, {}), "default": (default, {})}
    for name in ("change_load", "strain_dropout", "practice", "acculturation"):
        out[name] = (typical, dict(ABLATIONS[name].off))
    out[SMALL] = (
        typical,
        {
            "organisation.total_staff": int(small),
            "levers.training_capacity": per_staff * int(small),
        },
    )
    out["hours_10"] = (typical, {"levers.max_training_hours": 10.0})
    out["hours_10_unlimited"] = (
        typical,
        {"levers.max_training_hours": 10.0, "levers.training_capacity": UNLIMITED_TRAINERS},
    )
    return out


def needed(claims: Mapping[str, Claim]) -> list[tuple[str, str]]:
    """The (variant, strategy) pairs the claims' terms name, in a fixed order."""
    seen = {(v, s) for c in claims.values() for d in c.conditions for _, v, s in d.terms}
    return sorted(seen)
