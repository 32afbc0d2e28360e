"""The teaching page: a Mesa SolaraViz app served by ``transnum app``.

Trainers put it on a projector: pick a strategy, set the levers, press play, watch
who adopts, who struggles and who leaves. The page has four panels: the network of
services with each staff member coloured by profile, adoption stage or strain (a
switch; staff who left are hollow rings); the week and a scoreboard; adoption and
dropout curves; high-strain and efficiency curves. In workshop mode
(``transnum app --workshop``) two or three plans run side by side on the same
organisation with the same seed, so that differences come from the plans alone.

The page is chosen by environment variables set by ``transnum app``:
``TRANSNUM_APP_LANG`` (``fr`` or ``en``) and ``TRANSNUM_APP_MODE`` (``single`` or
``workshop``); ``TRANSNUM_APP_SCENARIO`` adds the user's scenario file as a preset.

The page is assembled from Mesa's SolaraViz parts (the settings form and the grid of
panels) around controls of its own, so that every label is in the page's language.
"""

from __future__ import annotations

import html
import os
import time

import pandas as pd
import solara
from mesa.visualization import Slider
from mesa.visualization.solara_viz import ComponentsView, ModelCreator
from mesa.visualization.utils import force_update, update_counter

from simulation.i18n.words import LANGUAGES, colon, number, phrases, text, value
from simulation.teaching.models import (
    MAX_TEACHING_STAFF,
    NO_PLAN,
    PLAY_INTERVAL_MS,
    PLAYED_STRATEGIES,
    SCOREBOARD,
    TeachingModel,
    WorkshopModel,
    first_preset,
    preset_levers,
    presets,
    scoreboard,
)
from simulation.teaching.pictures import CURVE_PANELS, CurvesPicture, NetworkPicture

LANG = os.environ.get("TRANSNUM_APP_LANG", "fr")
MODE = os.environ.get("TRANSNUM_APP_MODE", "single")


def words(lang: str) -> dict[str, str]:
    """The page's labels in ``lang`` (English for an unknown language)."""
    return phrases("page", lang if lang in LANGUAGES else "en")


# ----------------------------------------------------------------- controls


def _select(label: str, choices: list[str], default: str) -> dict:
    return {"type": "Select", "value": default, "values": choices, "label": label}


def _shared_params(lang: str, start: dict) -> dict:
    """Controls common to both pages: organisation, size, profile mix."""
    w = words(lang)
    return {
        "preset": _select(w["preset"], list(presets()), first_preset()),
        "staff": Slider(w["staff"], start["staff"], 0, MAX_TEACHING_STAFF, 50),
        "technophile_share": Slider(
            w["technophile_share"], start["technophile_share"], 0.0, 0.5, 0.05
        ),
        "overwhelmed_share": Slider(
            w["overwhelmed_share"], start["overwhelmed_share"], 0.0, 0.9, 0.05
        ),
    }


def teaching_params(lang: str) -> dict:
    """Controls of the single-plan page (SolaraViz ``model_params``).

    The sliders start at the values of the first preset (the user's scenario if
    given). Strategies are offered by their names in ``lang``, which the model
    accepts (see :func:`simulation.teaching.models.strategy_code`); ``custom`` keeps the
    preset's own waves.
    """
    w = words(lang)
    start = preset_levers(first_preset())
    strategies = [text(code, lang) for code in (*PLAYED_STRATEGIES, "custom")]
    shared = _shared_params(lang, start)
    return {
        "preset": shared.pop("preset"),
        "strategy": _select(w["strategy"], strategies, text(start["strategy"], lang)),
        **shared,
        "training_capacity": Slider(w["training_capacity"], start["training_capacity"], 0, 200, 5),
        "referent_share": Slider(w["referent_share"], start["referent_share"], 0.0, 0.2, 0.01),
        "manager_backing": Slider(w["manager_backing"], start["manager_backing"], 0.0, 1.0, 0.05),
        "right_to_disconnect": {
            "type": "Checkbox",
            "value": start["right_to_disconnect"],
            "label": w["right_to_disconnect"],
        },
        "seed": Slider(w["seed"], start["seed"], 0, 9999, 1),
        "lang": lang,
    }


def workshop_params(lang: str) -> dict:
    """Controls of the workshop page: shared settings, then each plan's levers."""
    w = words(lang)
    start = preset_levers(first_preset())
    params = {
        **_shared_params(lang, start),
        "seed": Slider(w["seed"], start["seed"], 0, 9999, 1),
        "lang": lang,
    }
    strategies = [text(code, lang) for code in PLAYED_STRATEGIES]
    sep = colon(lang)
    for plan, default in (("a", "big_bang"), ("b", "small_steps"), ("c", NO_PLAN)):
        name = f"{w['plan']} {plan.upper()}{sep}"
        choices = strategies + ([text(NO_PLAN, lang)] if plan == "c" else [])
        params[f"plan_{plan}"] = _select(name + w["strategy"], choices, text(default, lang))
        params[f"training_{plan}"] = Slider(
            name + w["training_capacity"], start["training_capacity"], 0, 200, 5
        )
        params[f"referents_{plan}"] = Slider(
            name + w["referent_share"], start["referent_share"], 0.0, 0.2, 0.01
        )
        params[f"backing_{plan}"] = Slider(
            name + w["manager_backing"], start["manager_backing"], 0.0, 1.0, 0.05
        )
    return params


# ----------------------------------------------------------------- panels


def scoreboard_rows(model, lang: str) -> list[list[str]]:
    """One row per plan: its name, then the scoreboard's outcomes written for people."""
    w = words(lang)
    rows = []
    board = scoreboard(model).to_dict("records")
    for row, plan in zip(board, model.plans, strict=True):
        cells = [f"{row['plan']} · {text(row['strategy'], lang)}"]
        for key in SCOREBOARD:
            amount = row[key]
            unfinished = plan.running and pd.isna(amount)  # not reached yet, may still be
            cells.append(w["not_yet"] if unfinished else value(key, amount, lang))
        rows.append(cells)
    return rows


@solara.component
def NetworkPanel(model):
    """The network picture with its colouring switch."""
    update_counter.get()  # redraw after every step
    w = words(model.lang)
    colour_by, set_colour_by = solara.use_state("stage")
    picture = solara.use_memo(lambda: NetworkPicture(model.view, model.lang), [model])
    choices = {w[mode]: mode for mode in ("profile", "stage", "strain")}
    with solara.Column(gap="4px"):
        with solara.Row(style={"align-items": "center"}):
            solara.Text(w["colour"] + colon(model.lang).rstrip())
            solara.ToggleButtonsSingle(
                value=w[colour_by],
                values=list(choices),
                on_value=lambda shown: set_colour_by(choices[shown]),
                dense=True,
            )
        solara.Image(picture.render(colour_by), width="100%")


@solara.component
def StatusPanel(model):
    """The week (large, for a projector), what is shown, and the scoreboard."""
    update_counter.get()
    lang, w = model.lang, words(model.lang)
    plans = model.plans
    horizon = plans[0].spec.horizon_weeks
    staff = f"{number(plans[0].network.n_staff, lang)} {w['staff_count']}"
    header = "".join(f"<th>{html.escape(w[key])}</th>" for key in SCOREBOARD)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in scoreboard_rows(model, lang)
    )
    note = f"<p>{html.escape(w['same'])}</p>" if len(plans) > 1 else ""
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f'<div class="transnum-week" style="font-size:2.6em;font-weight:600">'
            f"{w['week']} {model.week} / {horizon}</div>"
            f"<p>{html.escape(staff)} · {html.escape(model.preset)}</p>{note}"
            f"<h3>{html.escape(w['scoreboard'])}</h3>"
            '<table class="transnum-scoreboard" style="border-collapse:collapse;font-size:0.95em">'
            f"<tr><th>{html.escape(w['plan'])}</th>{header}</tr>{body}</table>"
        ),
        style="padding: 0.5em",
    )


def _curves_panel(measures: tuple[str, ...]):
    """A panel of weekly curves (two measures side by side)."""

    @solara.component
    def CurvesPanel(model):
        update_counter.get()
        picture = solara.use_memo(lambda: CurvesPicture(model.view, model.lang, measures), [model])
        solara.Image(picture.render(), width="100%")

    return CurvesPanel


AdoptionPanel = _curves_panel(CURVE_PANELS["adoption"])
StrainPanel = _curves_panel(CURVE_PANELS["strain"])


@solara.component
def Controls(model: solara.Reactive, parameters: solara.Reactive, lang: str):
    """Reset, play/pause, one week, and the pause between weeks, labelled in ``lang``.

    The same behaviour as Mesa's ``ModelController`` (play runs in a thread, every
    week triggers a redraw through Mesa's ``update_counter``), with the page's words.
    """
    update_counter.get()  # a week stepped elsewhere may have ended the run
    w = words(lang)
    playing = solara.use_reactive(False)
    interval = solara.use_reactive(PLAY_INTERVAL_MS)
    failure = solara.use_reactive(None)

    def play() -> None:
        try:
            while playing.value and model.value.running:
                time.sleep(interval.value / 1000)
                if not playing.value:  # paused during the pause
                    break
                model.value.step()
                force_update()
        except Exception as error:  # shown on the page, not lost in the server's log
            failure.set(f"{type(error).__name__}: {error}")
        if not model.value.running:
            playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def one_week() -> None:
        if model.value.running:
            model.value.step()
            force_update()

    def reset() -> None:
        playing.set(False)
        failure.set(None)
        try:
            model.set(type(model.value)(**parameters.value))
        except (ValueError, KeyError) as error:
            failure.set(str(error))

    running = model.value.running
    with solara.Row(justify="space-between"):
        solara.Button(label=w["reset"], color="primary", on_click=reset)
        solara.Button(
            label="❚❚" if playing.value else "▶",
            color="primary",
            on_click=lambda: playing.set(not playing.value),
            disabled=not running,
        )
        solara.Button(
            label=w["step"],
            color="primary",
            on_click=one_week,
            disabled=playing.value or not running,
        )
    solara.SliderInt(label=w["interval"], value=interval, min=0, max=500, step=10)
    if failure.value:
        solara.Error(failure.value)


@solara.component
def TeachingPage(model, params: dict, name: str, lang: str):
    """The page: title bar, sidebar (controls, settings) and the four panels.

    Built from Mesa's SolaraViz parts (``ModelCreator`` for the settings,
    ``ComponentsView`` for the panels' grid) with controls labelled in ``lang``.
    """
    w = words(lang)
    current = solara.use_reactive(model)
    parameters = solara.use_reactive({})
    with solara.AppBar():
        solara.AppBarTitle(name)
    with solara.Sidebar(), solara.Column():
        with solara.Card(w["controls"]):
            Controls(current, parameters, lang)
        with solara.Card(w["settings"]):
            ModelCreator(current, params, model_parameters=parameters)
            solara.Text(w["apply"], style="font-size: 0.85em; color: #555")
    ComponentsView(list(PANELS), current.value)


PANELS = ((NetworkPanel, 0), (StatusPanel, 0), (AdoptionPanel, 0), (StrainPanel, 0))


def make_page(mode: str = MODE, lang: str = LANG):
    """The page of a mode (``single`` or ``workshop``) in ``lang``."""
    if mode == "workshop":
        params = workshop_params(lang)
        model = WorkshopModel(preset=first_preset(), lang=lang)
        name = words(lang)["workshop"]
    else:
        params = teaching_params(lang)
        model = TeachingModel(preset=first_preset(), lang=lang)
        name = words(lang)["title"]
    return TeachingPage(model, params, name, lang)


page = make_page()
