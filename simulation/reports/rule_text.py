"""The recommendation rule in words: its thresholds, what each strategy misses, what to do.

Sentences come from the translation catalogue (``report.compare.*``) and the numbers
of a comparison's summary; the rule itself is :mod:`simulation.reports.recommendation`.
"""

from __future__ import annotations

from simulation.i18n.words import number, outcome_kind, percent, phrase, phrases, value
from simulation.reports.recommendation import REACHED, Threshold, Verdict, runs_of

LEVELS: tuple[tuple[str, float], ...] = (
    ("weeks_to_50pct_adoption", 0.5),
    ("weeks_to_80pct_adoption", 0.8),
)
"""Level-reached outcomes and their adoption level."""


def _count(amount: float, lang: str) -> str:
    """A count, or a mean count with one decimal when it is not a whole number."""
    whole = abs(amount - round(amount)) < 1e-9
    return number(amount, lang, 0 if whole else 1)


def limit_text(threshold: Threshold, lang: str) -> str:
    """A threshold's limit written for people (a share as a percentage, else a count)."""
    if threshold.statistic == REACHED or outcome_kind(threshold.outcome) == "percent":
        return percent(threshold.limit, lang, 0)
    return _count(threshold.limit, lang)


def thresholds_sentence(
    thresholds: tuple[Threshold, ...], unchecked: tuple[Threshold, ...], lang: str, c: str
) -> str:
    """``Seuils appliqués (...) : départs d'au plus 5 % des agents ... ; ...``."""
    w = phrases("report.compare", lang)
    items = []
    for threshold in thresholds:
        rule = w[f"threshold.{threshold.outcome}.rule"].format(limit=limit_text(threshold, lang))
        if threshold in unchecked:
            rule = w["threshold.unchecked"].format(rule=rule)
        items.append(rule)
    return w["thresholds"].format(c=c, list=phrase("report.separator", lang).join(items))


def actual_text(threshold: Threshold, stats: dict, lang: str) -> str:
    """What one strategy has on a threshold: ``départs de 20,6 %``."""
    runs = runs_of(stats)
    stat = stats.get(threshold.outcome) or {}
    if threshold.statistic == REACHED:
        if not stat.get("n"):  # "never reached in its 3 runs", not "reached in 0 of 3"
            return phrase(f"report.compare.threshold.{threshold.outcome}.never", lang, runs=runs)
        amount = ""
    elif threshold.outcome == "golives_missing":
        amount = "–" if stat.get("mean") is None else _count(stat["mean"], lang)
    else:
        amount = value(threshold.outcome, stat.get("mean"), lang)
    return phrase(
        f"report.compare.threshold.{threshold.outcome}.actual",
        lang,
        value=amount,
        n=int(stat.get("n") or 0),
        runs=runs,
    )


def breaks_sentences(
    summary: dict, verdict: Verdict, quoted: dict[str, str], lang: str, c: str
) -> list[str]:
    """One sentence per strategy that misses a threshold, naming what it has on each."""
    w = phrases("report.compare", lang)
    sep = phrase("report.separator", lang)
    return [
        w["breaks"].format(
            a=quoted[s],
            c=c,
            list=sep.join(actual_text(t, summary[s], lang) for t in verdict.broken[s]),
        )
        for s in summary
        if verdict.broken[s]
    ]


def reached_text(stats: dict, name: str, lang: str) -> str:
    """``atteint dans 14 des 20 réplications`` (or ``jamais atteint dans les 20 ...``)."""
    runs = runs_of(stats)
    n = int((stats.get(name) or {}).get("n") or 0)
    if n == 0:
        return phrase("report.compare.never_reached", lang, runs=runs)
    return phrase("report.compare.reached", lang, n=n, runs=runs)


def golives_sentences(summary: dict, quoted: dict[str, str], lang: str, c: str) -> list[str]:
    """A flag for each strategy whose runs left go-lives undone at the horizon."""
    out = []
    for strategy, stats in summary.items():
        missing = (stats.get("golives_missing") or {}).get("mean")
        target = (stats.get("golives_target") or {}).get("mean")
        if missing is None or missing <= 0:
            continue
        out.append(
            phrase(
                "report.compare.golives_missing",
                lang,
                a=quoted[strategy],
                c=c,
                missing=_count(missing, lang),
                target="–" if target is None else _count(target, lang),
            )
        )
    return out
