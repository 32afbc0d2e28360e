"""The teaching page: a Solara app over Mesa, served by ``transnum app``.

Trainers put it on a projector: pick a preset and a strategy, set the levers, press
play, watch who adopts, who struggles and who leaves. The page has four panels: the
network of services with each staff member coloured by profile, adoption stage or
strain (a switch; staff who left are hollow rings); the week and a scoreboard;
adoption and dropout curves; high-strain and efficiency curves. In workshop mode
(``transnum app --workshop``) two or three plans run side by side on the same
organisation with the same seed, so that differences come from the plans alone.

The sidebar holds the controls and the settings form (:mod:`~simulation.teaching.settings`:
every value written next to its slider, pending marks until Reset). The projector
view (the app bar's button, or ``?projector=1`` in the address) leaves the sidebar
out and gives the network the screen's height, with the controls above it.

The page is chosen by environment variables set by ``transnum app``:
``TRANSNUM_APP_LANG`` (``fr`` or ``en``) and ``TRANSNUM_APP_MODE`` (``single`` or
``workshop``); ``TRANSNUM_APP_SCENARIO`` adds the user's scenario file as a preset.
Mesa's ``update_counter`` redraws the panels after every week.
"""

from __future__ import annotations

import html
import os
import time
from urllib.parse import parse_qs

import pandas as pd
import solara
from mesa.visualization.utils import force_update, update_counter

from simulation.i18n.words import colon, number, outcome, text, typography, value
from simulation.teaching.models import (
    PLAY_INTERVAL_MS,
    SCOREBOARD,
    TeachingModel,
    WorkshopModel,
    scoreboard,
)
from simulation.teaching.pictures import CURVE_PANELS, CurvesPicture, NetworkPicture
from simulation.teaching.settings import (
    SettingsForm,
    interval_written,
    model_arguments,
    pending,
    preset_title,
    start_values,
    words,
)

LANG = os.environ.get("TRANSNUM_APP_LANG", "fr")
MODE = os.environ.get("TRANSNUM_APP_MODE", "single")
PROJECTOR_PARAMETER = "projector"
"""``?projector=1`` in the page's address opens it in the projector view."""


def projector_asked(search: str | None) -> bool:
    """Whether the address's query (``projector=1``) asks for the projector view."""
    asked = parse_qs(search or "").get(PROJECTOR_PARAMETER, [""])[-1]
    return asked.lower() in ("1", "true", "yes", "oui")


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
    with solara.Column(gap="4px", classes=["transnum-network"]):
        with solara.Row(style={"align-items": "center"}):
            solara.Text(w["colour"] + colon(model.lang).rstrip())
            solara.ToggleButtonsSingle(
                value=w[colour_by],
                values=list(choices),
                on_value=lambda shown: set_colour_by(choices[shown]),
                dense=True,
            )
        solara.Image(picture.render(colour_by), classes=["transnum-network-picture"])


def scoreboard_header(lang: str) -> str:
    """The scoreboard's header row (HTML): short labels that wrap, the full one on hover."""
    w = words(lang)
    cells = [f"<th>{html.escape(w['plan'])}</th>"]
    for key in SCOREBOARD:
        # No-break spaces before "%" in French: a header wraps, never before its unit.
        full = html.escape(typography(outcome(key, lang), lang), quote=True)
        cells.append(f'<th title="{full}">{html.escape(typography(w[key], lang))}</th>')
    return "<tr>" + "".join(cells) + "</tr>"


@solara.component
def StatusPanel(model):
    """The week (large, for a projector), what is shown, and the scoreboard."""
    update_counter.get()
    lang, w = model.lang, words(model.lang)
    plans = model.plans
    horizon = plans[0].spec.horizon_weeks
    staff = f"{number(plans[0].network.n_staff, lang)} {w['staff_count']}"
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in scoreboard_rows(model, lang)
    )
    note = f"<p>{html.escape(w['same'])}</p>" if len(plans) > 1 else ""
    shown = preset_title(model.preset, lang)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f'<div class="transnum-week">{w["week"]} {model.week} / {horizon}</div>'
            f'<p class="transnum-shown">{html.escape(staff)} · {html.escape(shown)}</p>{note}'
            f"<h3>{html.escape(w['scoreboard'])}</h3>"
            f'<table class="transnum-scoreboard">{scoreboard_header(lang)}{body}</table>'
        ),
        style="padding: 0.5em",
    )


def _curves_panel(measures: tuple[str, ...]):
    """A panel of weekly curves (two measures side by side)."""

    @solara.component
    def CurvesPanel(model):
        update_counter.get()
        picture = solara.use_memo(lambda: CurvesPicture(model.view, model.lang, measures), [model])
        solara.Image(picture.render(), classes=["transnum-curves-picture"])

    return CurvesPanel


AdoptionPanel = _curves_panel(CURVE_PANELS["adoption"])
StrainPanel = _curves_panel(CURVE_PANELS["strain"])


@solara.component
def Controls(
    model: solara.Reactive,
    form: solara.Reactive,
    applied: solara.Reactive,
    playing: solara.Reactive,
    interval: solara.Reactive,
    lang: str,
    compact: bool = False,
):
    """Reset, play/pause, one week, and the pause between weeks, labelled in ``lang``.

    The same behaviour as Mesa's ``ModelController`` (play runs in a thread, every
    week triggers a redraw through Mesa's ``update_counter``), with the page's words.
    Reset builds the model from the settings form and marks them applied; while the
    form's profile mix is impossible it is disabled (the form says why). ``compact``
    (the projector view) leaves out the pause slider.
    """
    update_counter.get()  # a week stepped elsewhere may have ended the run
    w = words(lang)
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
        settings = dict(form.value)
        try:
            rebuilt = type(model.value)(**model_arguments(settings, lang))
        except (ValueError, KeyError) as error:
            failure.set(str(error))
            return
        applied.set(settings)
        model.set(rebuilt)

    running = model.value.running
    waiting = bool(pending(form.value, applied.value))
    impossible = model_problem(form.value, lang)
    with solara.Row(justify="space-between", classes=["transnum-controls"]):
        solara.Button(
            label=w["reset"] + (" •" if waiting else ""),
            color="warning" if waiting else "primary",
            on_click=reset,
            disabled=impossible,
            classes=[
                "transnum-reset",
                "transnum-reset-pending" if waiting else "transnum-reset-clear",
            ],
        )
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
    if not compact:
        with solara.Row(justify="space-between", style={"align-items": "baseline"}):
            solara.Text(w["interval"])
            solara.Text(interval_written(interval.value, lang), classes=["transnum-value"])
        solara.SliderInt(label="", value=interval, min=0, max=500, step=10, thumb_label=False)
    if failure.value:
        solara.Error(failure.value)


def model_problem(form: dict, lang: str) -> bool:
    """Whether the form's settings cannot build a model (Reset is then disabled)."""
    try:
        model_arguments(form, lang)
    except ValueError:
        return True
    return False


PAGE_STYLE = """
.transnum-panels { display: grid; grid-template-columns: repeat(10, minmax(0, 1fr));
  gap: 16px; padding: 8px 12px; align-items: start; }
.transnum-panel { grid-column: span 5; overflow-x: auto; }
.transnum-wide .transnum-panel-network, .transnum-wide .transnum-panel-status {
  grid-column: 1 / -1; }
.transnum-panel img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
/* The projector view: the network large but within the screen's height, never cut. */
.transnum-projector .transnum-network-picture { width: 100%; object-fit: contain;
  max-height: calc(100vh - 150px); }
.transnum-week { font-size: 2.6em; font-weight: 600; line-height: 1.2; }
.transnum-projector .transnum-week { font-size: 3.2em; }
.transnum-scoreboard { border-collapse: collapse; font-size: 0.95em; }
.transnum-projector .transnum-scoreboard { font-size: 1.1em; }
.transnum-scoreboard th, .transnum-scoreboard td { padding: 4px 6px; text-align: left;
  vertical-align: bottom; border-bottom: 1px solid #ccc; }
/* Long outcome names wrap inside their own column (the full name on hover). */
.transnum-scoreboard th { font-weight: 600; white-space: normal;
  hyphens: auto; max-width: 9em; }
.transnum-scoreboard th[title] { cursor: help; text-decoration: underline dotted; }
.transnum-scoreboard td { white-space: nowrap; }
.transnum-scoreboard td:first-child { min-width: 6em; white-space: normal; }
"""


PANELS = (
    ("network", NetworkPanel),
    ("status", StatusPanel),
    ("adoption", AdoptionPanel),
    ("strain", StrainPanel),
)


@solara.component
def Panels(model, wide: bool) -> None:
    """The four panels in a grid that keeps every picture whole at any width.

    ``wide``: the network and the status take the full width (a workshop's plans side
    by side), the curves share the row below.
    """
    classes = ["transnum-panels"] + (["transnum-wide"] if wide else [])
    with solara.Div(classes=classes):
        for name, panel in PANELS:
            with solara.Div(classes=["transnum-panel", f"transnum-panel-{name}"]):
                panel(model)


@solara.component
def TeachingPage(model, name: str, lang: str, mode: str):
    """The page: title bar, sidebar (controls, settings) and the four panels.

    The projector view leaves the sidebar out, puts the controls above the panels and
    lets the network take the screen's height.
    """
    w = words(lang)
    current = solara.use_reactive(model)
    form = solara.use_reactive(start_values(mode))
    applied = solara.use_reactive(start_values(mode))
    playing = solara.use_reactive(False)
    interval = solara.use_reactive(PLAY_INTERVAL_MS)
    router = solara.use_router()
    projector = solara.use_reactive(projector_asked(router.search))
    controls = dict(
        model=current, form=form, applied=applied, playing=playing, interval=interval, lang=lang
    )
    solara.Title(name)
    solara.Style(PAGE_STYLE)
    with solara.AppBar():
        solara.AppBarTitle(name)
        solara.Button(
            label=w["leave_projector"] if projector.value else w["projector"],
            icon_name="mdi-projector-screen",
            text=True,
            on_click=lambda: projector.set(not projector.value),
            classes=["transnum-projector-toggle"],
        )
    if projector.value:
        with solara.Column(classes=["transnum-projector"], gap="0px"):
            with solara.Row(style={"padding": "8px 12px 0", "max-width": "420px"}):
                Controls(**controls, compact=True)
            Panels(current.value, wide=mode == "workshop")
        return
    with solara.Sidebar(), solara.Column():
        with solara.Card(w["controls"]):
            Controls(**controls)
        with solara.Card(w["settings"]):
            SettingsForm(form, applied.value, lang, mode)
    Panels(current.value, wide=mode == "workshop")


def make_page(mode: str = MODE, lang: str = LANG):
    """The page of a mode (``single`` or ``workshop``) in ``lang``."""
    start = model_arguments(start_values(mode), lang)
    if mode == "workshop":
        model = WorkshopModel(**start)
        name = words(lang)["workshop"]
    else:
        model = TeachingModel(**start)
        name = words(lang)["title"]
    return TeachingPage(model, name, lang, mode)


page = make_page()
