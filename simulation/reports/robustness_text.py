"""Plain words on how robust a comparison's conclusions are over the ensemble.

When a comparison's replications drew their parameters from the ensemble of plausible
parameter sets, the report says in what share of those sets one strategy does better
than another, graded *robust* (at least :data:`ROBUST` of them), *likely* (at least
:data:`LIKELY`) or *uncertain*, in what share the recommended strategy is the best of
all, and how much of its dropout's spread comes from the parameters rather than chance.
When no strategy meets the recommendation's thresholds, no strategy is weighed
against the others as a recommendation: the report says so and gives where each
one's dropout falls over the plausible sets.
"""

from __future__ import annotations

import pandas as pd

from simulation.i18n.words import percent, phrases, quote, text

ROBUST = 0.9
"""Share of plausible parameter sets from which a conclusion is called robust."""
LIKELY = 0.7
"""Share of plausible parameter sets from which a conclusion is called likely."""
ROBUST_OUTCOMES = ("dropout_share", "weeks_to_80pct_adoption", "rps_high_person_weeks")
"""Outcomes the robustness sentences speak of (lower is better for each)."""


def grade(share: float) -> str:
    """``robust``, ``likely`` or ``open``: how far a share of plausible sets carries."""
    return "robust" if share >= ROBUST else "likely" if share >= LIKELY else "open"


def robustness(
    summary: dict,
    table: pd.DataFrame,
    first: list[dict],
    choice: str | None,
    lang: str,
    parameters: dict | None = None,
) -> list[str]:
    """Sentences on how robust the comparison's conclusions are over the ensemble.

    For the recommended strategy against each other one and each outcome of
    :data:`ROBUST_OUTCOMES`: in what share of the plausible sets the better of the two
    (on the mean of each set's replications) does better, and the grade of that
    share; then in what share the recommended strategy is the best of all; then how
    much of its dropout's spread comes from the parameters. With no recommended
    strategy (``choice`` None), the dropout's spread of every strategy instead.
    """
    w, q = phrases("report.compare", lang), {s: quote(text(s, lang), lang) for s in summary}
    out = []
    if parameters and parameters.get("members"):
        used = min(parameters["members"], _used_sets(first))
        out.append(
            w["robust.method"].format(
                members=parameters["members"], used=used, per=parameters.get("per_member", 1)
            )
        )
    if choice is None:
        out.append(w["robust.none"])
        out += (_spread(summary, s, w, q, lang) for s in summary)
        return [sentence for sentence in out if sentence]
    for other in (s for s in summary if s != choice):
        for name in ROBUST_OUTCOMES:
            below = _share_below(table, choice, other, name)
            if below is None:
                continue
            better, worse, share = (choice, other, below[0])
            if below[1] > below[0]:
                better, worse, share = other, choice, below[1]
            out.append(
                w["robust.pair"].format(
                    share=percent(share, lang, 0),
                    a=q[better],
                    verb=w[f"robust.verb.{name}"],
                    b=q[worse],
                    grade=w[f"robust.grade.{grade(share)}"],
                )
            )
    best = {row["outcome"]: row["share"] for row in first if row["level"] == choice}
    if all(best.get(name) is not None for name in ROBUST_OUTCOMES):
        out.append(
            w["robust.first"].format(
                a=q[choice],
                dropout=percent(best["dropout_share"], lang, 0),
                speed=percent(best["weeks_to_80pct_adoption"], lang, 0),
                strain=percent(best["rps_high_person_weeks"], lang, 0),
            )
        )
    spread = _spread(summary, choice, w, q, lang)
    return out + ([spread] if spread else [])


def _spread(summary: dict, strategy: str, w: dict, q: dict, lang: str) -> str:
    """Where a strategy's dropout falls over the ensemble ('' if the summary cannot say)."""
    stat = summary[strategy]["dropout_share"]
    if stat.get("spread_low") is None or stat.get("parameter_share") is None:
        return ""
    return w["robust.spread"].format(
        a=q[strategy],
        low=percent(stat["spread_low"], lang),
        high=percent(stat["spread_high"], lang),
        part=percent(stat["parameter_share"], lang, 0),
    )


def _share_below(table: pd.DataFrame, a: str, b: str, name: str) -> tuple[float, float] | None:
    """Shares of sets in which a is lower than b, and higher (either order of the table)."""
    rows = table[table["outcome"] == name]
    for x, y, flip in ((a, b, False), (b, a, True)):
        match = rows[(rows["level_a"] == x) & (rows["level_b"] == y)]
        if not match.empty and pd.notna(match.iloc[0]["share_below"]):
            low, high = float(match.iloc[0]["share_below"]), float(match.iloc[0]["share_above"])
            return (high, low) if flip else (low, high)
    return None


def _used_sets(first: list[dict]) -> int:
    return max((int(row.get("members") or 0) for row in first), default=0)
