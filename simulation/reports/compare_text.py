"""Plain words for the decision report: what each strategy does, with its uncertainty.

Sentences are built from the results' numbers (means, 95 % intervals and paired
differences), never from a model run. A difference between two strategies is called
*clear* when the 95 % interval of their paired difference (same replications under
both) excludes zero.

The recommendation follows a stated rule, people first:

1. keep the strategies whose tools are used by at least 90 % of the staff still in
   post at the end (all of them if none does);
2. among them, keep those not clearly worse than the best on dropout;
3. then those not clearly worse than the best on person-weeks at high strain;
4. then take the fastest to 80 % adoption.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from simulation.i18n.words import difference, outcome_kind, percent, quote, text, value

ADOPTION_FLOOR = 0.9


@dataclasses.dataclass(frozen=True)
class Paired:
    """The paired difference a - b of one outcome."""

    mean: float
    low: float
    high: float

    @property
    def clear(self) -> bool:
        """Whether the 95 % interval excludes zero."""
        return self.low > 0 or self.high < 0


def paired(table: pd.DataFrame | None, a: str, b: str, name: str) -> Paired | None:
    """The paired difference a - b of outcome ``name`` from a paired table (either order)."""
    if table is None or table.empty:
        return None
    rows = table[(table["outcome"] == name)]
    forward = rows[(rows["level_a"] == a) & (rows["level_b"] == b)]
    if not forward.empty and forward.iloc[0]["n"] > 0:
        r = forward.iloc[0]
        return Paired(r["mean"], r["ci_low"], r["ci_high"])
    backward = rows[(rows["level_a"] == b) & (rows["level_b"] == a)]
    if not backward.empty and backward.iloc[0]["n"] > 0:
        r = backward.iloc[0]
        return Paired(-r["mean"], -r["ci_high"], -r["ci_low"])
    return None


def _colon(lang: str) -> str:
    return " : " if lang == "fr" else ": "


def _unit(name: str, lang: str) -> str:
    if name.startswith("weeks_to"):
        return {"fr": " semaines", "en": " weeks"}[lang]
    if name == "rps_high_person_weeks":
        return {"fr": " semaines-agents", "en": " person-weeks"}[lang]
    return ""


def _bounds(name: str, stat: dict) -> tuple[float, float]:
    """The interval's bounds, clipped to what the outcome can take (shares in 0-1).

    With few replications a Student interval of a share can leave [0, 1]; the clipped
    bounds say the same thing without impossible values.
    """
    low, high = stat["ci_low"], stat["ci_high"]
    if outcome_kind(name) == "percent":
        return max(0.0, low), min(1.0, high)
    if outcome_kind(name) in ("weeks", "count"):
        return max(0.0, low), high
    return low, high


def interval_text(name: str, stat: dict | None, lang: str) -> tuple[str, str] | str:
    """``("12,5 %", "IC à 95 % : 11,9 % – 13,1 %")`` for a table cell (mean, interval)."""
    if stat is None or stat.get("mean") is None:
        return value(name, None, lang)
    low, high = (value(name, b, lang) for b in _bounds(name, stat))
    mean = value(name, stat["mean"], lang) + _unit(name, lang)
    return mean, f"{text('ci95', lang)}{_colon(lang)}{low} – {high}"


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
    word = {"fr": ("écart net", "écart non net"), "en": ("a clear gap", "no clear gap")}[lang]
    low, high = difference(name, d.low, lang), difference(name, d.high, lang)
    join, sep = {"fr": ("à", " ; "), "en": ("to", "; ")}[lang]
    mean = difference(name, d.mean, lang) + _unit(name, lang)
    ci = f"{text('ci95', lang)}{_colon(lang)}{low} {join} {high}"
    return f"{mean} ({ci}{sep}{word[0 if d.clear else 1]})"


def _mean(summary: dict, strategy: str, name: str) -> float | None:
    return summary[strategy][name]["mean"]


def recommend(summary: dict, table: pd.DataFrame | None) -> tuple[str, list[str]]:
    """The recommended strategy by the module's rule, and the candidates it kept at step 1."""
    strategies = list(summary)
    candidates = [
        s for s in strategies if (_mean(summary, s, "adoption_final") or 0) >= ADOPTION_FLOOR
    ] or strategies
    kept = candidates
    for name in ("dropout_share", "rps_high_person_weeks"):
        best = min(kept, key=lambda s: _mean(summary, s, name) or 0.0)

        def clearly_worse(s: str, best: str = best, name: str = name) -> bool:
            d = paired(table, s, best, name)
            return d is not None and d.clear and d.mean > 0

        kept = [s for s in kept if s == best or not clearly_worse(s)]
    fastest = min(kept, key=lambda s: _mean(summary, s, "weeks_to_80pct_adoption") or 1e9)
    return fastest, candidates


_WORDS = {
    "fr": {
        "speed": "Vitesse{c}{a} atteint 50 % d'adoption en {sa} ; {b} en {vb}.",
        "range": "{lead}{c}de {low} avec {a} à {high} avec {b} ; écart {gap}.",
        "dropout": "Départs (démission ou mobilité)",
        "strain": "Pic de la part d'agents en forte tension",
        "efficiency": "Efficacité{c}à la fin, le temps de traitement des tâches outillées est "
        "divisé par {v} avec {a}.",
        "trade": "Par rapport à {a}, {b}{c}départs {d1}, délai pour 80 % d'adoption {d2}.",
        "headline": "Recommandation{c}{a}.",
        "reco": "Cette stratégie fait adopter les outils à {ad} des agents restés à la fin, "
        "avec {dr} de départs et {hw} en forte tension.",
        "rule": "Règle{c}parmi les stratégies qui font adopter les outils par au moins {floor} "
        "des agents restés d'ici la fin, garder celles qui ne perdent pas nettement plus "
        "d'agents que la meilleure, puis celles qui ne causent pas nettement plus de semaines "
        "en forte tension, et retenir la plus rapide. Un écart est net quand l'intervalle à "
        "95 % de l'écart apparié (mêmes réplications) exclut zéro.",
        "none": " Aucune stratégie n'atteint {floor}{c}toutes ont été comparées.",
    },
    "en": {
        "speed": "Speed{c}{a} reaches 50 % adoption in {sa}; {b} in {vb}.",
        "range": "{lead}{c}from {low} with {a} to {high} with {b}; difference {gap}.",
        "dropout": "Dropout (left or mobility)",
        "strain": "Peak share of staff at high strain",
        "efficiency": "Efficiency{c}at the end, processing time of the tasks the tools cover "
        "is divided by {v} with {a}.",
        "trade": "Compared with {a}, {b}{c}dropout {d1}, time to 80 % adoption {d2}.",
        "headline": "Recommendation{c}{a}.",
        "reco": "Its tools are adopted by {ad} of the staff still in post at the end, with {dr} "
        "dropout and {hw} at high strain.",
        "rule": "Rule{c}among the strategies whose tools are adopted by at least {floor} of the "
        "staff still in post at the end, keep those that do not lose clearly more staff than "
        "the best, then those that do not cause clearly more person-weeks at high strain, and "
        "take the fastest. A gap is clear when the 95 % interval of the paired difference "
        "(same replications) excludes zero.",
        "none": " No strategy reaches {floor}{c}all were compared.",
    },
}


def compare_summary(summary: dict, table: pd.DataFrame | None, lang: str) -> dict:
    """Plain-words summary of a comparison.

    Args:
        summary: ``summary.json``'s ``strategies`` entry.
        table: The paired differences (``paired.csv``).
        lang: ``fr`` or ``en``.

    Returns:
        ``{"bullets": [...], "headline": str, "recommendation": str, "rule": str,
        "drivers": [...]}``.
    """
    w, c = _WORDS[lang], _colon(lang)
    q = {s: quote(text(s, lang), lang) for s in summary}

    def stat(s: str, name: str) -> str:
        return stat_text(name, summary[s][name], lang)

    bullets = []
    order = sorted(summary, key=lambda s: _mean(summary, s, "weeks_to_50pct_adoption") or 1e9)
    fast, slow = order[0], order[-1]
    slow_value = _mean(summary, slow, "weeks_to_50pct_adoption")
    bullets.append(
        w["speed"].format(
            c=c,
            a=q[fast],
            sa=stat(fast, "weeks_to_50pct_adoption"),
            b=q[slow],
            vb=value("weeks_to_50pct_adoption", slow_value, lang)
            + ("" if slow_value is None else _unit("weeks_to_50pct_adoption", lang)),
        )
    )
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
    best = max(summary, key=lambda s: _mean(summary, s, "efficiency_gain") or 0.0)
    bullets.append(w["efficiency"].format(c=c, v=stat(best, "efficiency_gain"), a=q[best]))
    choice, candidates = recommend(summary, table)
    sentences = [
        w["reco"].format(
            ad=stat(choice, "adoption_final"),
            dr=stat(choice, "dropout_share"),
            hw=stat(choice, "rps_high_person_weeks"),
        )
    ]
    for other in (s for s in summary if s != choice):
        sentences.append(
            w["trade"].format(
                a=q[choice],
                b=q[other],
                c=c,
                d1=diff_text("dropout_share", paired(table, other, choice, "dropout_share"), lang),
                d2=diff_text(
                    "weeks_to_80pct_adoption",
                    paired(table, other, choice, "weeks_to_80pct_adoption"),
                    lang,
                ),
            )
        )
    floor = percent(ADOPTION_FLOOR, lang, 0)
    rule = w["rule"].format(c=c, floor=floor)
    if all((_mean(summary, s, "adoption_final") or 0) < ADOPTION_FLOOR for s in summary):
        rule += w["none"].format(c=c, floor=floor)
    del candidates
    return {
        "bullets": bullets,
        "headline": w["headline"].format(c=c, a=q[choice]),
        "recommendation": " ".join(sentences),
        "rule": rule,
        "drivers": drivers(summary, lang),
    }


_DRIVERS = {
    "fr": {
        "big_bang": "Big bang{c}tous les outils arrivent le même jour ; la charge de changement et "
        "le besoin de formation se concentrent, d'où un pic de {peak} d'agents en forte tension "
        "à la mise en service. Le projet d'administration qui l'encadre donne du sens et "
        "accélère l'adoption, sans effacer cette surcharge.",
        "small_steps": "Petits pas{c}un service et un outil à la fois ; la formation, les "
        "référents et l'entraide se concentrent, l'intégration est profonde mais le déploiement "
        "s'étale (les derniers services reçoivent leurs outils tard).",
        "short_cycle": "Cycles courts{c}de petits incréments rapprochés, chacun attendant que "
        "le précédent soit utilisé ; un compromis entre profondeur et rythme.",
        "profiles": "Dans toutes les stratégies, les agents dépassés adoptent plus tard et "
        "portent l'essentiel de la tension{c}avec {a}, {over} d'entre eux partent, contre "
        "{tech} des technophiles.",
    },
    "en": {
        "big_bang": "Big bang{c}every tool arrives on the same day; change load and training "
        "needs pile up, hence a peak of {peak} of staff at high strain at go-live. The "
        "administration project framing it gives meaning and speeds adoption, without removing "
        "that overload.",
        "small_steps": "Small steps{c}one service and one tool at a time; training, referents "
        "and peer help concentrate, integration is deep but the rollout is long (the last "
        "services get their tools late).",
        "short_cycle": "Short cycles{c}small, frequent increments, each waiting until the last "
        "one is used; a compromise between depth and pace.",
        "profiles": "Under every strategy, overwhelmed staff adopt later and carry most of the "
        "strain{c}with {a}, {over} of them leave, against {tech} of technophiles.",
    },
}


def drivers(summary: dict, lang: str) -> list[str]:
    """What drives the results, in the model's terms (its mechanisms, not fitted claims)."""
    words, c = _DRIVERS[lang], _colon(lang)
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
            a=_q(text(first, lang), lang),
            over=percent(profiles["overwhelmed"]["dropout_share"]["mean"], lang),
            tech=percent(profiles["technophile"]["dropout_share"]["mean"], lang),
        )
    )
    return lines


def _q(words: str, lang: str) -> str:
    return quote(words, lang)


def run_summary(summary: dict, lang: str) -> list[str]:
    """Plain-words summary of one run (no uncertainty: one replication)."""
    c = _colon(lang)
    over = summary["by_profile"]["overwhelmed"]
    v = {k: value(k, summary.get(k), lang) + _unit(k, lang) for k in summary if k != "by_profile"}
    if lang == "fr":
        return [
            f"Adoption{c}{v['adoption_final']} des outils utilisés à la fin ; 50 % atteints en "
            f"{v['weeks_to_50pct_adoption']}, 80 % en {v['weeks_to_80pct_adoption']}.",
            f"Départs{c}{v['dropout_share']} des agents, dont "
            f"{percent(over['dropout_share'], lang)} des agents dépassés.",
            f"Tension{c}jusqu'à {v['rps_peak_share']} des agents en forte tension, soit "
            f"{v['rps_high_person_weeks']} au total.",
            f"Efficacité{c}temps de traitement des tâches outillées divisé par "
            f"{v['efficiency_gain']} à la fin.",
            "Une seule réplication : pour des intervalles de confiance et une recommandation, "
            "comparez les stratégies avec transnum compare.",
        ]
    return [
        f"Adoption{c}{v['adoption_final']} of the tools used at the end; 50 % reached in "
        f"{v['weeks_to_50pct_adoption']}, 80 % in {v['weeks_to_80pct_adoption']}.",
        f"Dropout{c}{v['dropout_share']} of staff, including "
        f"{percent(over['dropout_share'], lang)} of overwhelmed staff.",
        f"Strain{c}up to {v['rps_peak_share']} of staff at high strain, "
        f"{v['rps_high_person_weeks']} in all.",
        f"Efficiency{c}processing time of the tasks the tools cover divided by "
        f"{v['efficiency_gain']} at the end.",
        "One replication only: for confidence intervals and a recommendation, compare the "
        "strategies with transnum compare.",
    ]
