"""Plain words for the decision report: what each strategy does, with its uncertainty.

Sentences are built from the results' numbers (means, 95 % intervals and paired
differences), never from a model run. A difference between two strategies is called
*clear* when the 95 % interval of their paired difference (same replications under
both) excludes zero.

Over an ensemble of plausible parameter sets (``summary.json`` has ``first_shares``
and the paired table ``share_below``/``share_above``), the report also says how robust
each conclusion is (:mod:`simulation.reports.robustness_text`).

The recommendation follows a stated rule (:mod:`simulation.reports.recommendation`):
a strategy is recommended only if it meets every threshold (staff leaving, 80 %
adoption reached, final adoption, every go-live delivered), then people first among
those that do; when none does, the report says so and recommends none. The report
states the thresholds it applied (:mod:`simulation.reports.rule_text`), flags the
strategies whose runs left go-lives undone at the horizon, and says in how many runs
each adoption level was reached.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from simulation.i18n.words import (
    clipped,
    colon,
    difference,
    euros,
    outcome_kind,
    percent,
    phrase,
    phrases,
    quote,
    text,
    value,
)
from simulation.model.costs import COST_COMPONENTS
from simulation.model.sources import STRAIN_SOURCES
from simulation.reports import rule_text
from simulation.reports.paired import Paired, paired
from simulation.reports.recommendation import THRESHOLDS, recommend, runs_of


def _unit(name: str, lang: str) -> str:
    if name.startswith("weeks_to"):
        return " " + text("weeks", lang)
    if name == "rps_high_person_weeks":
        return " " + text("person_weeks", lang)
    return ""


def _bounds(name: str, stat: dict) -> tuple[float, float]:
    """The interval's bounds, clipped to what the outcome can take (:func:`clipped`).

    With few replications a Student interval of a share can leave [0, 1], or that of
    a count or a cost go below 0; the clipped bounds say the same thing without
    impossible values.
    """
    return clipped(name, stat["ci_low"]), clipped(name, stat["ci_high"])


def interval_text(name: str, stat: dict | None, lang: str) -> tuple[str, str] | str:
    """``("12,5 %", "IC à 95 % : 11,9 % – 13,1 %")`` for a table cell (mean, interval)."""
    if stat is None or stat.get("mean") is None:
        return value(name, None, lang)
    low, high = (value(name, b, lang) for b in _bounds(name, stat))
    mean = value(name, stat["mean"], lang) + _unit(name, lang)
    return mean, f"{text('ci95', lang)}{colon(lang)}{low} – {high}"


def stat_text(name: str, stat: dict | None, lang: str) -> str:
    """``12,5 % (IC à 95 % : 11,9 % – 13,1 %)``, with the unit after the mean."""
    parts = interval_text(name, stat, lang)
    if isinstance(parts, str):
        return parts
    return f"{parts[0]} ({parts[1]})"


def diff_text(name: str, d: Paired | None, lang: str) -> str:
    """``+2,4 pt (IC à 95 % : +2,0 à +2,7 ; écart net)`` — a paired difference in words."""
    if d is None:
        return "–"
    # Two shares differ by at most 100 points: a wider interval says nothing more.
    bound = 1.0 if outcome_kind(name) == "percent" else math.inf
    low = difference(name, max(d.low, -bound), lang)
    high = difference(name, min(d.high, bound), lang)
    join, sep = phrase("report.compare.to", lang), phrase("report.separator", lang)
    mean = difference(name, d.mean, lang) + _unit(name, lang)
    ci = f"{text('ci95', lang)}{colon(lang)}{low} {join} {high}"
    gap = phrase("report.compare." + ("clear" if d.clear else "not_clear"), lang)
    return f"{mean} ({ci}{sep}{gap})"


def _mean(summary: dict, strategy: str, name: str) -> float | None:
    return (summary[strategy].get(name) or {}).get("mean")


def compare_summary(
    summary: dict,
    table: pd.DataFrame | None,
    lang: str,
    first: list[dict] | None = None,
    parameters: dict | None = None,
) -> dict:
    """Plain-words summary of a comparison.

    Args:
        summary: ``summary.json``'s ``strategies`` entry.
        table: The paired differences (``paired.csv``).
        lang: ``fr`` or ``en``.
        first: ``summary.json``'s ``first_shares`` (over an ensemble), if any.
        parameters: ``summary.json``'s ``parameters`` (where they came from), if any.

    Returns:
        ``{"bullets": [...], "headline": str, "recommendation": str, "rule": str,
        "drivers": [...], "choice": str | None}`` (``rule`` begins with the thresholds
        applied; ``choice`` is the recommended strategy, None when no strategy meets
        the thresholds), and ``"robustness": [...]`` over an ensemble.
    """
    w, c = phrases("report.compare", lang), colon(lang)
    q = {s: quote(text(s, lang), lang) for s in summary}

    def stat(s: str, name: str) -> str:
        return stat_text(name, summary[s][name], lang)

    bullets = [level_sentence(summary, name, level, lang) for name, level in rule_text.LEVELS]
    bullets += rule_text.golives_sentences(summary, q, lang, c)
    for name, lead in (("dropout_share", w["dropout"]), ("rps_peak_share", w["strain"])):
        ranked = sorted(summary, key=lambda s: _mean(summary, s, name) or 0.0)
        low, high = ranked[0], ranked[-1]
        gap = diff_text(name, paired(table, high, low, name), lang)
        bullets.append(
            w["range"].format(
                lead=lead,
                c=c,
                low=stat(low, name),
                a=q[low],
                high=stat(high, name),
                b=q[high],
                gap=gap,
            )
        )
    for strategy in summary:  # the study tells refusal from strain, internal from external
        parts = {
            key: stat(strategy, f"{name}_share")
            for key, name in (
                ("refusal", "dropout_refusal"),
                ("strain", "dropout_strain"),
                ("internal", "internal_mobility"),
                ("external", "external_departure"),
            )
            if f"{name}_share" in summary[strategy]
        }
        if len(parts) == 4:  # folders of transnum 0.1 have no parts
            bullets.append(w["departures"].format(a=q[strategy], c=c, **parts))
        sources = source_list(summary[strategy], lang)
        if sources is not None:
            bullets.append(w["sources"].format(a=q[strategy], c=c, sources=sources))
        costs = cost_list(summary[strategy], lang)
        if costs is not None:  # folders of transnum 0.1 and 0.2 have no costs
            total = stat(strategy, "cost_total_eur")
            bullets.append(w["costs"].format(a=q[strategy], c=c, total=total, parts=costs))
    best = max(summary, key=lambda s: _mean(summary, s, "efficiency_gain") or 0.0)
    bullets.append(w["efficiency"].format(c=c, v=stat(best, "efficiency_gain"), a=q[best]))
    verdict = recommend(summary, table)
    choice = verdict.choice
    sentences = []
    if choice is not None:
        sentences.append(
            w["reco"].format(
                ad=stat(choice, "adoption_final"),
                dr=stat(choice, "dropout_share"),
                hw=stat(choice, "rps_high_person_weeks"),
            )
        )
        for other in (s for s in summary if s != choice):
            d1 = diff_text("dropout_share", paired(table, other, choice, "dropout_share"), lang)
            speed = speed_text(summary, table, other, choice, lang)
            sentences.append(w["trade"].format(a=q[choice], b=q[other], c=c, d1=d1, speed=speed))
    # Who was set aside, and why: with its own numbers, whether or not one is recommended.
    sentences += rule_text.breaks_sentences(summary, verdict, q, lang, c)
    if choice is None:
        sentences.append(w["none_next"])
    thresholds = rule_text.thresholds_sentence(THRESHOLDS, verdict.unchecked, lang, c)
    parts = {
        "bullets": bullets,
        "headline": (
            w["headline"].format(c=c, a=q[choice])
            if choice is not None
            else w["headline_none"].format(c=c)
        ),
        "recommendation": " ".join(sentences),
        "rule": f"{thresholds} {w['rule'].format(c=c)}",
        "drivers": drivers(summary, lang),
        "choice": choice,
    }
    if first and table is not None and "share_below" in table:
        from simulation.reports.robustness_text import robustness

        parts["robustness"] = robustness(summary, table, first, choice, lang, parameters)
    return parts


def speed_text(summary: dict, table: pd.DataFrame | None, a: str, b: str, lang: str) -> str:
    """How much sooner or later ``a`` reaches 80 % adoption than ``b``, in words.

    The paired difference exists only over the runs where both reach the level: when
    ``a`` never reaches it, or no run of both does, the sentence says so instead of
    giving a difference; when only some runs count, it says over how many.
    """
    name = "weeks_to_80pct_adoption"
    runs = runs_of(summary[a])
    if not (summary[a].get(name) or {}).get("n"):
        return phrase("report.compare.speed.never", lang, runs=runs)
    gap = paired(table, a, b, name)
    if gap is None:
        return phrase("report.compare.speed.apart", lang)
    d = diff_text(name, gap, lang)
    if gap.n is not None and gap.n < runs:
        return phrase("report.compare.speed.some", lang, d=d, n=gap.n)
    return phrase("report.compare.speed.all", lang, d=d)


def level_sentence(summary: dict, name: str, level: float, lang: str) -> str:
    """How soon each strategy reaches an adoption level, and in how many of its runs.

    ``weeks_to_*`` is a mean over the runs that reach the level: the count of those
    runs goes with it, so that a fast mean over few runs does not read as fast.
    """
    c = colon(lang)
    parts = []
    for strategy in summary:
        reached = rule_text.reached_text(summary[strategy], name, lang)
        stats = summary[strategy].get(name) or {}
        who = quote(text(strategy, lang), lang)
        if stats.get("mean") is None:
            parts.append(f"{who} {reached}")
        else:
            parts.append(f"{who} {stat_text(name, stats, lang)}, {reached}")
    return phrase(
        "report.compare.level",
        lang,
        level=percent(level, lang, 0),
        c=c,
        parts=phrase("report.separator", lang).join(parts),
    )


def drivers(summary: dict, lang: str) -> list[str]:
    """What drives the results, in the model's terms (its mechanisms, not fitted claims)."""
    words, c = phrases("report.driver", lang), colon(lang)
    lines = []
    for strategy in ("big_bang", "small_steps", "short_cycle"):
        if strategy in summary:
            peak = value("rps_peak_share", _mean(summary, strategy, "rps_peak_share"), lang)
            lines.append(words[strategy].format(c=c, peak=peak))
    first = next(iter(summary))
    profiles = summary[first]["by_profile"]
    lines.append(
        words["profiles"].format(
            c=c,
            a=quote(text(first, lang), lang),
            over=percent(profiles["overwhelmed"]["dropout_share"]["mean"], lang),
            tech=percent(profiles["technophile"]["dropout_share"]["mean"], lang),
        )
    )
    return lines


def run_summary(summary: dict, lang: str) -> list[str]:
    """Plain-words summary of one run (no uncertainty: one replication)."""
    over = summary["by_profile"]["overwhelmed"]
    v = {
        k: value(k, summary[k], lang) + ("" if summary[k] is None else _unit(k, lang))
        for k in summary
        if k != "by_profile"
    }
    sentences = phrases("report.run", lang)
    # Results of transnum 0.1 have no departures by cause and destination: a dash.
    parts = ("dropout_strain", "dropout_refusal", "internal_mobility", "external_departure")
    missing = {f"{p}_share": "–" for p in parts}
    values = {
        **missing,
        **v,
        "c": colon(lang),
        "overwhelmed": percent(over["dropout_share"], lang),
    }
    values["levels"] = ", ".join(
        phrase(
            f"report.run.level_{'never' if summary.get(name) is None else 'reached'}",
            lang,
            level=percent(level, lang, 0),
            weeks=v.get(name),
        )
        for name, level in rule_text.LEVELS
    )
    values["sources"] = source_list(summary, lang)
    values["costs"] = cost_list(summary, lang)
    order = ("adoption", "dropout", "strain", "sources", "costs", "efficiency", "one_replication")
    # Results of earlier versions have no strain sources (0.1) or costs (0.1, 0.2).
    order = tuple(key for key in order if values.get(key, "") is not None)
    return [sentences[key].format(**values) for key in order]


def source_list(summary: dict, lang: str, shown: int = 3) -> str | None:
    """The main sources of high strain with their shares, largest first (None if unknown).

    Args:
        summary: A run's summary, or a strategy's (``{name: {"mean": ...}}``).
        lang: ``fr`` or ``en``.
        shown: How many sources to name.
    """
    shares = _parts(summary, {s: f"strain_source_share_{s}" for s in STRAIN_SOURCES})
    return _largest(
        shares, lambda s: f"{text(f'source.{s}', lang)} {percent(shares[s], lang, 0)}", lang, shown
    )


def cost_list(summary: dict, lang: str, shown: int = 3) -> str | None:
    """The largest cost components with their amounts, largest first (None if unknown).

    Args:
        summary: A run's summary, or a strategy's (``{name: {"mean": ...}}``).
        lang: ``fr`` or ``en``.
        shown: How many components to name.
    """
    amounts = _parts(summary, {c: f"cost_{c}_eur" for c in COST_COMPONENTS})
    return _largest(
        amounts, lambda c: f"{text(f'cost.{c}', lang)} {euros(amounts[c], lang)}", lang, shown
    )


def _parts(summary: dict, keys: dict[str, str]) -> dict[str, float]:
    """The known values of a summary's ``keys`` (part -> outcome), means for a strategy's."""
    found = {}
    for part, key in keys.items():
        value = summary.get(key)
        value = value.get("mean") if isinstance(value, dict) else value
        if value is not None:
            found[part] = value
    return found


def _largest(
    values: dict[str, float], written: Callable[[str], str], lang: str, shown: int
) -> str | None:
    """The ``shown`` largest of ``values``, each as ``written``, joined (None if none)."""
    if not values:
        return None
    ranked = sorted(values, key=lambda part: values[part], reverse=True)[:shown]
    return phrase("report.separator", lang).join(written(part) for part in ranked)
