"""Words and numbers in French or English, for figures and reports.

French follows the usual typographic rules: decimal comma, a narrow no-break space
as thousands separator and before ``%``, ``:``, ``;``, ``!`` and ``?``, and French
quotation marks « » with no-break spaces inside.
"""

from __future__ import annotations

import math
import re

LANGUAGES: tuple[str, ...] = ("fr", "en")
NBSP = "\u00a0"  # no-break space (before ":" and inside « »)
NNBSP = "\u202f"  # narrow no-break space (thousands, before % ; ! ?)

_TEXT: dict[str, dict[str, str]] = {
    # strategies
    "big_bang": {"fr": "big bang", "en": "big bang"},
    "small_steps": {"fr": "petits pas", "en": "small steps"},
    "short_cycle": {"fr": "cycles courts", "en": "short cycles"},
    "custom": {"fr": "plan sur mesure", "en": "custom plan"},
    # profiles
    "technophile": {"fr": "technophiles", "en": "technophiles"},
    "follower": {"fr": "suiveurs", "en": "followers"},
    "overwhelmed": {"fr": "dépassés", "en": "overwhelmed"},
    "all_staff": {"fr": "ensemble des agents", "en": "all staff"},
    # stages
    "waiting": {"fr": "pas encore concerné", "en": "no tool yet"},
    "unaware": {"fr": "n'utilise pas", "en": "not using"},
    "trying": {"fr": "en apprentissage", "en": "trying"},
    "adopted": {"fr": "a adopté", "en": "adopted"},
    "reverted": {"fr": "retour au papier", "en": "back to paper"},
    "left": {"fr": "parti", "en": "left"},
    # weekly measures and axes
    "week": {"fr": "semaine", "en": "week"},
    "adoption": {"fr": "Adoption", "en": "Adoption"},
    "adoption_axis": {"fr": "part des outils adoptés", "en": "share of tools adopted"},
    "dropout": {"fr": "Départs", "en": "Dropout"},
    "dropout_axis": {"fr": "part des agents partis", "en": "share of staff who left"},
    "rps_high_share": {"fr": "Forte tension (RPS)", "en": "High strain (RPS)"},
    "rps_axis": {"fr": "part des agents en forte tension", "en": "share of staff at high strain"},
    "strain_mean": {"fr": "Tension moyenne", "en": "Mean strain"},
    "strain_axis": {
        "fr": "tension (1 = seuil de risque)",
        "en": "strain (1 = high-risk threshold)",
    },
    "service": {"fr": "service", "en": "service"},
    "tool": {"fr": "outil", "en": "tool"},
    "go_live": {"fr": "mise en service", "en": "go-live"},
    "profile": {"fr": "profil", "en": "profile"},
    "stage": {"fr": "étape", "en": "stage"},
    "strain": {"fr": "tension", "en": "strain"},
    "strategy": {"fr": "stratégie", "en": "strategy"},
    "band": {
        "fr": "bande de {low} à {high} % des réplications",
        "en": "band: {low}-{high} % of replications",
    },
    "mean_of": {"fr": "moyenne de {n} réplications", "en": "mean of {n} replications"},
    "ci95": {"fr": "IC à 95 %", "en": "95 % CI"},
}

_OUTCOMES: dict[str, dict[str, str]] = {
    "adoption_final": {"fr": "adoption en fin de période", "en": "adoption at the end"},
    "weeks_to_50pct_adoption": {
        "fr": "semaines pour 50 % d'adoption",
        "en": "weeks to 50 % adoption",
    },
    "weeks_to_80pct_adoption": {
        "fr": "semaines pour 80 % d'adoption",
        "en": "weeks to 80 % adoption",
    },
    "dropout_share": {"fr": "départs (démission ou mobilité)", "en": "dropout (left or mobility)"},
    "rps_peak_share": {"fr": "pic de la part en forte tension", "en": "peak share at high strain"},
    "rps_high_person_weeks": {
        "fr": "semaines-agents en forte tension",
        "en": "person-weeks at high strain",
    },
    "efficiency_gain": {"fr": "temps de traitement divisé par", "en": "processing time divided by"},
    "efficiency_gain_mastered": {
        "fr": "… chez les agents qui maîtrisent",
        "en": "… among staff who master",
    },
    "mastered_share_final": {
        "fr": "agents maîtrisant tous leurs outils",
        "en": "staff mastering all their tools",
    },
    "strain_mean_peak": {"fr": "pic de la tension moyenne", "en": "peak mean strain"},
    "reverted_final": {"fr": "outils abandonnés pour le papier", "en": "tools abandoned for paper"},
    "training_hours_total": {"fr": "heures de formation suivies", "en": "training hours followed"},
    "trainer_hours_total": {"fr": "heures de formateur", "en": "trainer hours used"},
    "staff_share": {"fr": "part des effectifs", "en": "share of staff"},
}
"""Outcome names: the summary keys of :mod:`simulation.outcomes`."""

OUTCOME_KIND: dict[str, str] = {
    "adoption_final": "percent",
    "weeks_to_50pct_adoption": "weeks",
    "weeks_to_80pct_adoption": "weeks",
    "dropout_share": "percent",
    "rps_peak_share": "percent",
    "rps_high_person_weeks": "count",
    "efficiency_gain": "factor",
    "efficiency_gain_mastered": "factor",
    "mastered_share_final": "percent",
    "strain_mean_peak": "number",
    "reverted_final": "percent",
    "training_hours_total": "count",
    "trainer_hours_total": "count",
    "staff_share": "percent",
}
"""How each outcome is written: percent (shares), weeks, count, factor or number."""


def check(lang: str) -> str:
    """Return ``lang`` if supported, else raise ValueError naming the choices."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang


def text(key: str, lang: str, **values: object) -> str:
    """A word or phrase in ``lang`` (the key itself if it has no translation)."""
    entry = _TEXT.get(key)
    phrase = entry[check(lang)] if entry else key
    return phrase.format(**values) if values else phrase


def outcome(name: str, lang: str) -> str:
    """The label of a summary outcome, organisation-level or ``<outcome>_<profile>``."""
    if name in _OUTCOMES:
        return _OUTCOMES[name][check(lang)]
    for profile in ("technophile", "follower", "overwhelmed"):
        suffix = f"_{profile}"
        if name.endswith(suffix) and name[: -len(suffix)] in _OUTCOMES:
            return f"{_OUTCOMES[name[: -len(suffix)]][lang]} ({text(profile, lang)})"
    return name


def outcome_kind(name: str) -> str:
    """How an outcome (or its per-profile variant) is written."""
    for key, kind in OUTCOME_KIND.items():
        if name == key or name.startswith(key + "_"):
            return kind
    return "number"


def number(value: float | None, lang: str, digits: int = 0) -> str:
    """A number with the language's decimal mark and thousands separator."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    written = f"{value:,.{digits}f}"
    if check(lang) == "fr":
        written = written.replace(",", NNBSP).replace(".", ",")
    return written


def percent(share: float | None, lang: str, digits: int = 1) -> str:
    """A share (0-1) as a percentage: ``12,5 %`` or ``12.5 %``."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    space = NNBSP if lang == "fr" else " "
    return f"{number(100 * share, lang, digits)}{space}%"


def value(name: str, amount: float | None, lang: str) -> str:
    """An outcome's value written for people (``never`` for a level not reached)."""
    kind = outcome_kind(name)
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return {"fr": "jamais", "en": "never"}[lang] if kind == "weeks" else "–"
    if kind == "percent":
        return percent(amount, lang)
    if kind in ("weeks", "count"):
        return number(amount, lang, 0)
    if kind == "factor":
        return number(amount, lang, 2)
    return number(amount, lang, 2)


def difference(name: str, amount: float | None, lang: str) -> str:
    """A difference between two values of an outcome, signed; shares in points."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "–"
    sign = "+" if amount > 0 else ("−" if amount < 0 else "±")
    kind = outcome_kind(name)
    if kind == "percent":
        points = {"fr": "pt", "en": "pt"}[lang]
        space = NNBSP if lang == "fr" else " "
        return f"{sign}{number(abs(100 * amount), lang, 1)}{space}{points}"
    digits = 0 if kind in ("weeks", "count") else 2
    return f"{sign}{number(abs(amount), lang, digits)}"


def quote(words: str, lang: str) -> str:
    """Quoted words: « … » in French, “…” in English."""
    return f"«{NBSP}{words}{NBSP}»" if lang == "fr" else f"“{words}”"


def typography(sentence: str, lang: str) -> str:
    """Apply French spacing rules to running text (no change in English).

    A plain space before ``: ; ! ? %`` becomes the right no-break space, and a space
    is added where none was.
    """
    if lang != "fr":
        return sentence
    sentence = re.sub(r"\s*([;!?%])", lambda m: NNBSP + m.group(1), sentence)
    sentence = re.sub(r"(?<=[^\s\d])\s*:(?=\s)", NBSP + ":", sentence)
    return sentence
