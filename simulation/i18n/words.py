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
    "none": {"fr": "aucun", "en": "none"},
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
    # figures (simulation/reports/figures/overview.py and simulation/figures_*.py)
    "target_adoption_axis": {
        "fr": "part des outils cibles adoptés",
        "en": "share of target tools adopted",
    },
    "initial_dropout_axis": {
        "fr": "part des agents initiaux partis",
        "en": "share of initial staff who left",
    },
    "above_threshold_axis": {
        "fr": "part des agents au-dessus du seuil",
        "en": "share of staff above threshold",
    },
    "band_short": {"fr": "bande {low}–{high} %", "en": "band {low}–{high} %"},
    "weeks": {"fr": "semaines", "en": "weeks"},
    "person_weeks": {"fr": "semaines-agents", "en": "person-weeks"},
    "hours": {"fr": "heures", "en": "hours"},
    "adoption_by_profile": {"fr": "Adoption par profil", "en": "Adoption by profile"},
    "strain_by_service": {
        "fr": "Tension moyenne par service",
        "en": "Mean strain by service",
    },
    "go_live_title": {
        "fr": "Mise en service des outils, par service",
        "en": "Go-live of each tool, by service",
    },
    "go_live_week": {"fr": "semaine de mise en service", "en": "go-live week"},
    "never_live": {"fr": "jamais en service", "en": "never live"},
    "replication_n": {"fr": "réplication {n}", "en": "replication {n}"},
    "network_title": {"fr": "Réseau des agents", "en": "Staff network"},
    "own_adoption_axis": {
        "fr": "part de ses outils cibles adoptés",
        "en": "share of own target tools adopted",
    },
    "ties_shown": {
        "fr": "{shown} liens tracés sur {total}",
        "en": "{shown} of {total} ties drawn",
    },
    "outcomes_by_strategy": {
        "fr": "Résultats par stratégie : moyenne et IC à 95 %",
        "en": "Outcomes by strategy: mean and 95 % CI",
    },
    "runs_with_value": {"fr": "n = {n} sur {total}", "en": "n = {n} of {total}"},
    "mean_and_ci": {"fr": "moyenne et IC à 95 %", "en": "mean and 95 % CI"},
    "averaged_over": {"fr": "moyenne sur : {factors}", "en": "averaged over: {factors}"},
    "fewer_runs": {
        "fr": "moyenne sur moins de réplications (résultat pas toujours atteint)",
        "en": "mean over fewer runs (outcome not always reached)",
    },
    "morris_title": {
        "fr": "Criblage de Morris : effet absolu moyen μ* et IC à 95 %",
        "en": "Morris screening: mean absolute effect μ* and 95 % CI",
    },
    "sobol_title": {
        "fr": "Indices de Sobol : part de la variance expliquée, IC à 95 %",
        "en": "Sobol indices: share of variance explained, 95 % CI",
    },
    "mu_star": {"fr": "μ* (effet absolu moyen)", "en": "μ* (mean absolute effect)"},
    "sigma_effects": {
        "fr": "σ (non-linéarité, interactions)",
        "en": "σ (non-linearity, interactions)",
    },
    "effect_axis": {
        "fr": "effet sur la plage du paramètre",
        "en": "effect over the parameter's range",
    },
    "S1": {"fr": "S1 (premier ordre)", "en": "S1 (first order)"},
    "ST": {"fr": "ST (effet total)", "en": "ST (total effect)"},
    "variance_share": {"fr": "part de la variance", "en": "share of variance"},
    "points_unit": {"fr": "pt", "en": "pt"},
    # factors of experiments (sweeps and sensitivity analyses)
    "levers.training_capacity": {
        "fr": "capacité de formation (h de formateur / semaine)",
        "en": "training capacity (trainer hours / week)",
    },
    "levers.referent_share": {"fr": "part d'agents référents", "en": "share of referents"},
    "organisation.total_staff": {"fr": "effectif (agents)", "en": "staff (headcount)"},
    "rollout.strategy": {"fr": "stratégie", "en": "strategy"},
    "horizon_weeks": {"fr": "horizon (semaines)", "en": "horizon (weeks)"},
    "behaviour.external_influence": {
        "fr": "influence externe (/ semaine)",
        "en": "external influence (/ week)",
    },
    "behaviour.peer_influence": {
        "fr": "influence des collègues (/ semaine)",
        "en": "peer influence (/ week)",
    },
    "behaviour.practice_rate": {
        "fr": "apprentissage par la pratique (/ semaine)",
        "en": "learning by practice (/ week)",
    },
    "behaviour.training_rate": {
        "fr": "apprentissage en formation (/ heure)",
        "en": "learning in training (/ hour)",
    },
    "behaviour.change_load_weight": {
        "fr": "charge d'un nouvel outil (tension / semaine)",
        "en": "load of a new tool (strain / week)",
    },
    "behaviour.strain_recovery": {
        "fr": "récupération de la tension (/ semaine)",
        "en": "strain recovery (/ week)",
    },
    "behaviour.strain_contagion": {
        "fr": "contagion de la tension (/ semaine)",
        "en": "strain contagion (/ week)",
    },
    "behaviour.dropout_strain_rate": {
        "fr": "départs sous forte tension (/ semaine)",
        "en": "dropout under high strain (/ week)",
    },
    "behaviour.dropout_refusal_rate": {
        "fr": "départs par refus du changement (/ semaine)",
        "en": "dropout from refusing the change (/ week)",
    },
    "behaviour.fear_of_failure.overwhelmed": {
        "fr": "peur de l'échec des dépassés (0-1)",
        "en": "fear of failure of the overwhelmed (0-1)",
    },
    "scenario": {"fr": "scénario", "en": "scenario"},
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
"""Outcome names: the summary keys of :mod:`simulation.model.outcomes`."""

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
