"""The teaching page's settings form: presets, sliders with their values, pending marks.

The form holds the values of the settings as the model takes them (strategy codes,
shares 0-1); the page shows each value written for people next to its slider
(« 30 % », « 120 h/semaine », « 2 000 agents »), all the time. The values the
running simulation was built with are kept beside the form, so that a setting
changed since is marked as pending until Reset applies it: the sidebar never
silently disagrees with what runs. Choosing a preset sets every slider and the
strategy to the values of its scenario. A profile mix that cannot be (technophiles
and overwhelmed staff above 100 %) is explained, and Reset waits for a possible one.

The logic (:func:`preset_values`, :func:`written`, :func:`pending`,
:func:`share_problem`, :func:`model_arguments`) is plain Python, tested without a
browser; :func:`SettingsForm` lays it out with Solara.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import solara

from simulation.i18n.words import (
    LANGUAGES,
    colon,
    number,
    percent,
    phrase,
    phrases,
    text,
    typography,
)
from simulation.teaching.models import (
    MAX_TEACHING_STAFF,
    NO_PLAN,
    PLAYED_STRATEGIES,
    SCENARIO_ENV,
    first_preset,
    preset_levers,
    preset_scenario,
    presets,
)

PLANS: tuple[str, ...] = ("a", "b", "c")
"""The workshop's plans, by the suffix of their settings."""
PLAN_DEFAULTS = {"a": "big_bang", "b": "small_steps", "c": NO_PLAN}
"""Each workshop plan's strategy when the page opens."""
SHARES = ("technophile_share", "overwhelmed_share")
"""The two profile shares set on the page (followers are what they leave)."""


def words(lang: str) -> dict[str, str]:
    """The page's labels in ``lang`` (English for an unknown language)."""
    return phrases("page", lang if lang in LANGUAGES else "en")


@dataclass(frozen=True)
class Setting:
    """One setting of the form.

    Attributes:
        key: The model's parameter (``training_b``...).
        label: Its label's key in the catalogue's ``page`` namespace.
        kind: ``slider`` (a number), ``strategy`` (a choice), ``preset`` or ``switch``.
        low, high, step: The slider's range and step.
        unit: How its value is written: ``percent``, ``staff``, ``hours``, ``level``,
            ``seed`` (see :func:`written`).
        plan: The workshop plan it belongs to (``a``, ``b``, ``c``), or empty.
    """

    key: str
    label: str
    kind: str = "slider"
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    unit: str = ""
    plan: str = ""

    @property
    def whole(self) -> bool:
        """Whether the slider moves by whole numbers (an integer slider)."""
        return float(self.step).is_integer() and float(self.low).is_integer()


PRESET = Setting("preset", "preset", kind="preset")
STAFF = Setting("staff", "staff", low=0, high=MAX_TEACHING_STAFF, step=50, unit="staff")
TECHNOPHILE = Setting("technophile_share", "technophile_share", high=0.5, step=0.05, unit="percent")
OVERWHELMED = Setting("overwhelmed_share", "overwhelmed_share", high=0.9, step=0.05, unit="percent")
SHARES_SET = (TECHNOPHILE, OVERWHELMED)
SEED = Setting("seed", "seed", low=0, high=9999, step=1, unit="seed")
# The levers each plan has, by the name preset_levers gives them.
LEVERS: dict[str, tuple[str, float, float, float, str]] = {
    "training_capacity": ("training_capacity", 0, 200, 5, "hours"),
    "referent_share": ("referent_share", 0.0, 0.2, 0.01, "percent"),
    "manager_backing": ("manager_backing", 0.0, 1.0, 0.05, "level"),
}
WORKSHOP_KEYS = {"training_capacity": "training", "referent_share": "referents"}
WORKSHOP_KEYS["manager_backing"] = "backing"


def _lever(lever: str, key: str, plan: str = "") -> Setting:
    label, low, high, step, unit = LEVERS[lever]
    return Setting(key, label, low=low, high=high, step=step, unit=unit, plan=plan)


def settings(mode: str) -> tuple[Setting, ...]:
    """The form's settings in the order shown, for ``single`` or ``workshop``."""
    if mode != "workshop":
        return (
            PRESET,
            Setting("strategy", "strategy", kind="strategy"),
            STAFF,
            TECHNOPHILE,
            OVERWHELMED,
            *(_lever(lever, lever) for lever in LEVERS),
            Setting("right_to_disconnect", "right_to_disconnect", kind="switch"),
            SEED,
        )
    plans = []
    for plan in PLANS:
        plans.append(Setting(f"plan_{plan}", "strategy", kind="strategy", plan=plan))
        plans.extend(_lever(lever, f"{WORKSHOP_KEYS[lever]}_{plan}", plan) for lever in LEVERS)
    return (PRESET, STAFF, TECHNOPHILE, OVERWHELMED, SEED, *plans)


def strategies(setting: Setting) -> tuple[str, ...]:
    """The strategy codes a strategy setting offers (a workshop's plan C may be none)."""
    if not setting.plan:
        return (*PLAYED_STRATEGIES, "custom")
    return (*PLAYED_STRATEGIES, NO_PLAN) if setting.plan == "c" else PLAYED_STRATEGIES


# ----------------------------------------------------------------- presets


def own_staff(preset: str) -> int:
    """The size of a preset's own organisation (before the page's limit)."""
    return int(sum(preset_scenario(preset).organisation.headcounts()))


def _is_users(preset: str) -> bool:
    own = os.environ.get(SCENARIO_ENV)
    return bool(own) and Path(own).stem == preset


def preset_title(preset: str, lang: str) -> str:
    """A preset as people know it: its scenario's name, in ``lang`` where translated.

    The default commune and the study cases have their names in the catalogue
    (``page.preset_name.<file stem>``); the user's own file is shown by its ``name``.
    """
    if not _is_users(preset):
        try:
            return phrase(f"page.preset_name.{preset}", lang)
        except KeyError:  # a study case added without its names: its file's name
            pass
    return preset_scenario(preset).name


def preset_choices(lang: str) -> dict[str, str]:
    """Title shown in the list -> preset, in the order of :func:`presets`.

    Two presets with the same name (a user's copy of a study case) are told apart
    by their file names.
    """
    choices: dict[str, str] = {}
    for preset in presets():
        title = preset_title(preset, lang)
        if title in choices:
            title = f"{title} ({preset}.yaml)"
        choices[title] = preset
    return choices


def size_notice(preset: str, lang: str) -> str | None:
    """Why the page runs a preset with fewer staff than its file, or None if it does not."""
    own = own_staff(preset)
    if own <= MAX_TEACHING_STAFF:
        return None
    notice = phrase(
        "page.own_reduced",
        lang,
        name=preset_title(preset, lang),
        own=number(own, lang),
        shown=number(MAX_TEACHING_STAFF, lang),
    )
    return typography(notice, lang)


def preset_values(preset: str, mode: str, plans: dict[str, str] | None = None) -> dict:
    """The form's values for a preset: its scenario's levers, strategy and seed.

    Args:
        preset: A name from :func:`~simulation.teaching.models.presets`.
        mode: ``single`` or ``workshop``.
        plans: In a workshop, the strategy of each plan to keep (``plan_a``...), the
            plans being what the workshop compares; by default A big bang, B small
            steps, C none.
    """
    levers = preset_levers(preset)
    values = {"preset": preset, **{s.key: levers[s.key] for s in (STAFF, *SHARES_SET, SEED)}}
    if mode != "workshop":
        values["strategy"] = levers["strategy"]
        values.update({lever: levers[lever] for lever in LEVERS})
        values["right_to_disconnect"] = levers["right_to_disconnect"]
        return values
    for plan in PLANS:
        key = f"plan_{plan}"
        values[key] = (plans or {}).get(key, PLAN_DEFAULTS[plan])
        for lever, short in WORKSHOP_KEYS.items():
            values[f"{short}_{plan}"] = levers[lever]
    return values


def start_values(mode: str) -> dict:
    """The form when the page opens: the first preset (the user's scenario if given)."""
    return preset_values(first_preset(), mode)


def choose_preset(form: dict, preset: str, mode: str) -> dict:
    """The form after choosing ``preset``: every slider at the preset's values.

    A workshop keeps its plans' strategies (what it compares), and takes the
    preset's levers for each of them.
    """
    plans = {key: value for key, value in form.items() if key.startswith("plan_")}
    return preset_values(preset, mode, plans)


# ----------------------------------------------------------------- values


def fit(setting: Setting, amount: float) -> float | int:
    """A slider's value on its steps (no ``0.15000000000000002`` from float steps)."""
    if setting.whole:
        return int(round(amount))
    steps = round((amount - setting.low) / setting.step)
    return round(setting.low + steps * setting.step, 6)


def span(setting: Setting, amount: float) -> tuple[float, float]:
    """The slider's range, widened to hold a preset's value outside the usual one."""
    return min(setting.low, amount), max(setting.high, amount)


def written(setting: Setting, amount: object, lang: str, preset: str = "default") -> str:
    """A setting's value written for people in ``lang``, with its unit.

    Args:
        setting: The setting.
        amount: Its value in the form (a share 0-1, hours, a strategy code...).
        lang: ``fr`` or ``en`` (decimal comma and narrow spaces in French).
        preset: The preset chosen (a size of 0 means its organisation's own size).
    """
    w = words(lang)
    if setting.kind == "strategy":
        return text(str(amount), lang)
    if setting.kind == "preset":
        return preset_title(str(amount), lang)
    if setting.kind == "switch":
        return phrase("workbook.yes" if amount else "workbook.no", lang)
    if setting.unit == "percent":
        digits = 0 if math.isclose(100 * float(amount), round(100 * float(amount))) else 1
        return percent(float(amount), lang, digits)
    if setting.unit == "staff":
        if int(amount) <= 0:
            size = min(own_staff(preset), MAX_TEACHING_STAFF)
            staff = f"{number(size, lang)} {w['staff_count']}"
            return phrase("page.value.own_staff", lang, staff=staff)
        return f"{number(int(amount), lang)} {w['staff_count']}"
    if setting.unit == "hours":
        return phrase("page.value.hours_week", lang, n=number(float(amount), lang))
    if setting.unit == "level":
        return number(float(amount), lang, 2)
    return str(int(amount))  # a seed is a name, not a quantity: no thousands separator


def interval_written(milliseconds: int, lang: str) -> str:
    """The pause between weeks when playing (« 50 ms »)."""
    return phrase("page.value.milliseconds", lang, n=number(milliseconds, lang))


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), abs_tol=1e-9)
    return a == b


def pending(form: dict, applied: dict) -> list[str]:
    """The settings changed since the running simulation was built (Reset applies them)."""
    return [key for key, amount in form.items() if not _same(amount, applied.get(key))]


def share_problem(form: dict, lang: str) -> str | None:
    """Why the profile shares cannot be, or None when they can.

    Technophiles and overwhelmed staff together above 100 % leave no room for the
    followers: the page says so rather than quietly lowering one of them.
    """
    technophile, overwhelmed = (float(form[key]) for key in SHARES)
    total = technophile + overwhelmed
    if total <= 1.0 + 1e-9:
        return None
    problem = phrase(
        "page.shares_over",
        lang,
        technophile=written(TECHNOPHILE, technophile, lang),
        overwhelmed=written(OVERWHELMED, overwhelmed, lang),
        total=written(TECHNOPHILE, total, lang),
    )
    return typography(problem, lang)


def model_arguments(form: dict, lang: str) -> dict:
    """The keyword arguments of the page's model for the form's values.

    Raises:
        ValueError: when :func:`share_problem` finds the profile mix impossible.
    """
    problem = share_problem(form, lang)
    if problem:
        raise ValueError(problem)
    return {**form, "lang": lang}


# ----------------------------------------------------------------- form


@solara.component
def SettingRow(
    setting: Setting, form: solara.Reactive, applied: dict, lang: str, mode: str
) -> None:
    """One setting: its label, its value written out, its control and a pending mark."""
    w = words(lang)
    amount = form.value[setting.key]
    preset = form.value["preset"]

    def change(new: object) -> None:
        if setting.kind == "preset":
            form.set(choose_preset(form.value, str(new), mode))
            return
        if setting.kind == "slider":
            new = fit(setting, float(new))
        form.set({**form.value, setting.key: new})

    label = w[setting.label]
    if setting.plan:
        label = f"{w['plan']} {setting.plan.upper()}{colon(lang)}{label}"
    with solara.Column(gap="0px", classes=["transnum-setting", f"transnum-setting-{setting.key}"]):
        if setting.kind in ("preset", "strategy"):
            if setting.kind == "preset":
                choices = preset_choices(lang)
            else:
                choices = {text(code, lang): code for code in strategies(setting)}
            shown = next((name for name, code in choices.items() if code == amount), None)
            solara.Select(
                label=label,
                value=shown,
                values=list(choices),
                on_value=lambda name: change(choices[name]),
            )
        elif setting.kind == "switch":
            solara.Checkbox(label=label, value=bool(amount), on_value=change)
        else:
            low, high = span(setting, float(amount))
            with solara.Row(justify="space-between", style={"align-items": "baseline"}):
                solara.Text(label, classes=["transnum-label"])
                solara.Text(
                    written(setting, amount, lang, preset),
                    classes=["transnum-value"],
                    style={"font-weight": "600", "white-space": "nowrap"},
                )
            slider = solara.SliderInt if setting.whole else solara.SliderFloat
            slider(
                label="",
                value=amount,
                min=low,
                max=high,
                step=setting.step,
                on_value=change,
                thumb_label=False,
            )
        if setting.key in pending(form.value, applied):
            mark = typography(w["pending"], lang)
            solara.Text(mark, classes=["transnum-pending"], style=PENDING_STYLE)
        if setting.kind == "preset":
            notice = size_notice(str(amount), lang)
            if notice:
                solara.Info(notice, dense=True, classes=["transnum-notice"])


PENDING_STYLE = {"font-size": "0.8em", "color": "#b35900", "font-style": "italic"}


@solara.component
def SettingsForm(form: solara.Reactive, applied: dict, lang: str, mode: str) -> None:
    """Every setting of the page's mode, then the share check and what Reset does."""
    w = words(lang)
    for setting in settings(mode):
        SettingRow(setting, form, applied, lang, mode)
    problem = share_problem(form.value, lang)
    if problem:
        solara.Error(problem, classes=["transnum-shares"])
    changed = pending(form.value, applied)
    note = phrase("page.pending_count", lang, n=len(changed)) if changed else w["apply"]
    note = typography(note, lang)
    solara.Text(note, classes=["transnum-apply"], style="font-size: 0.85em; color: #555")
