"""The teaching page's models, pictures and server helpers (no browser here)."""

from __future__ import annotations

import inspect
import io
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.colors import to_rgba
from PIL import Image

from simulation.cli import main
from simulation.i18n.words import phrase, text
from simulation.model.model import TransitionModel
from simulation.model.seeds import run_seed
from simulation.reports.style import PROFILE_COLOURS
from simulation.scenario.profiles import PROFILES
from simulation.scenario.records import Scenario
from simulation.teaching.models import (
    MAX_TEACHING_STAFF,
    SCENARIO_ENV,
    SCOREBOARD,
    TeachingModel,
    WorkshopModel,
    first_preset,
    plan_scenario,
    preset_levers,
    preset_scenario,
    presets,
    same_organisation,
    strategy_code,
)
from simulation.teaching.pictures import (
    CURVE_PANELS,
    LEFT_COLOUR,
    CurvesPicture,
    NetworkPicture,
    png,
)
from simulation.teaching.server import app_command, free_port, port_is_free
from simulation.teaching.view import weekly_curve

LEVERS = dict(
    strategy="big_bang",
    staff=120,
    technophile_share=0.2,
    overwhelmed_share=0.3,
    training_capacity=12.0,
    referent_share=0.05,
    manager_backing=0.8,
    right_to_disconnect=True,
)


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


# ----------------------------------------------------------------- choices


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("big_bang", "big_bang"),
        ("petits pas", "small_steps"),
        ("short cycles", "short_cycle"),
        ("cycles courts", "short_cycle"),
        ("plan sur mesure", "custom"),
        ("aucun", "none"),
        ("none", "none"),
    ],
)
def test_strategy_names_in_either_language_give_codes(name, code):
    assert strategy_code(name) == code


def test_unknown_strategy_names_the_choices():
    with pytest.raises(ValueError, match="unknown strategy 'big-bang'.*petits pas"):
        strategy_code("big-bang")


def test_presets_are_the_default_and_the_nine_study_cases(monkeypatch):
    monkeypatch.delenv(SCENARIO_ENV, raising=False)
    names = list(presets())
    assert names[0] == "default" == first_preset()
    assert len(names) == 10
    assert "nord_mdph" in names


def test_the_users_scenario_comes_first(monkeypatch, tmp_path):
    own = tmp_path / "ma_commune.yaml"
    own.write_text("organisation:\n  total_staff: 90\nlevers:\n  manager_backing: 0.9\n")
    monkeypatch.setenv(SCENARIO_ENV, str(own))
    assert first_preset() == "ma_commune"
    assert list(presets())[1] == "default"
    start = preset_levers("ma_commune")
    assert start["manager_backing"] == 0.9 and start["staff"] == 0
    model = TeachingModel(preset="ma_commune", strategy="cycles courts")
    assert model.network.n_staff == 90  # staff 0: the scenario's own size


# ----------------------------------------------------------------- scenarios


def test_levers_reach_the_scenario():
    spec = plan_scenario(Scenario(), **LEVERS)
    assert spec.rollout.strategy == "big_bang"
    assert spec.staff_count == 120
    assert spec.profile_mix.technophile == pytest.approx(0.2)
    assert spec.profile_mix.overwhelmed == pytest.approx(0.3)
    assert spec.profile_mix.follower == pytest.approx(0.5)
    assert spec.levers.training_capacity == 12.0
    assert spec.levers.referent_share == 0.05
    assert spec.levers.manager_backing == 0.8
    assert spec.levers.right_to_disconnect is True


def test_profile_shares_beyond_100_percent_are_fitted():
    spec = plan_scenario(
        Scenario(), **{**LEVERS, "technophile_share": 0.5, "overwhelmed_share": 0.9}
    )
    mix = spec.profile_mix
    assert (mix.technophile, mix.follower, mix.overwhelmed) == pytest.approx((0.5, 0.0, 0.5))


def test_staff_zero_keeps_the_size_within_the_page_limit():
    big = Scenario().override({"organisation.total_staff": 5000})
    assert plan_scenario(big, **{**LEVERS, "staff": 0}).staff_count == MAX_TEACHING_STAFF
    assert plan_scenario(Scenario(), **{**LEVERS, "staff": 0}).staff_count == 500


def test_custom_without_waves_falls_back_to_the_presets_strategy():
    spec = plan_scenario(Scenario(), **{**LEVERS, "strategy": "custom"})
    assert spec.rollout.strategy == Scenario().rollout.strategy


# ----------------------------------------------------------------- models


def test_teaching_model_is_the_transition_model_with_the_same_seed():
    teaching = TeachingModel(**LEVERS, seed=7)
    plain = TransitionModel(plan_scenario(Scenario(), **LEVERS), rng=run_seed(7, 0))
    for _ in range(40):
        teaching.step()
        plain.step()
    np.testing.assert_array_equal(teaching.state.strain, plain.state.strain)
    np.testing.assert_array_equal(teaching.state.active, plain.state.active)
    assert teaching.plans == [teaching] and teaching.labels == ["A"]


@pytest.mark.parametrize(
    ("mode", "model"), [("single", TeachingModel), ("workshop", WorkshopModel)]
)
def test_the_page_model_accepts_every_setting_of_the_form(mode, model):
    pytest.importorskip("solara")
    from simulation.teaching.settings import model_arguments, settings, start_values

    form = start_values(mode)
    assert sorted(s.key for s in settings(mode)) == sorted(form)  # one control per value
    accepted = inspect.signature(model.__init__).parameters
    for lang in ("fr", "en"):
        arguments = model_arguments(form, lang)
        assert set(arguments) <= set(accepted), set(arguments) - set(accepted)
        built = model(**arguments)
        built.step()
        assert built.plans[0].week == 1


def test_workshop_plans_share_organisation_and_seed():
    workshop = WorkshopModel(staff=150, plan_a="big_bang", plan_b="big_bang", backing_b=0.5)
    assert workshop.labels == ["A", "B"]  # plan C is none
    assert same_organisation(workshop.plans)
    for _ in range(60):
        workshop.step()
    a, b = workshop.plans
    # Identical plans on the same organisation and seed: identical histories.
    np.testing.assert_array_equal(a.state.strain, b.state.strain)
    assert weekly_curve(a, "adoption").tolist() == weekly_curve(b, "adoption").tolist()


def test_workshop_differences_come_from_the_plans():
    workshop = WorkshopModel(staff=150, plan_a="big_bang", plan_b="small_steps", plan_c="aucun")
    for _ in range(60):
        workshop.step()
    assert workshop.week == 60
    a, b = workshop.plans
    assert same_organisation([a, b])
    assert not np.array_equal(weekly_curve(a, "adoption"), weekly_curve(b, "adoption"))
    board = workshop.scoreboard()
    assert board["plan"].tolist() == ["A", "B"]
    assert board["strategy"].tolist() == ["big_bang", "small_steps"]
    assert list(board.columns[2:]) == list(SCOREBOARD)
    assert set(SCOREBOARD) <= set(a.summary())  # summary outcomes of each plan
    assert board.loc[0, "adoption_final"] == pytest.approx(a.summary()["adoption_final"])


def test_workshop_stops_at_the_horizon():
    workshop = WorkshopModel(staff=60, plan_a="short_cycle", plan_b="big_bang")
    horizon = workshop.plans[0].spec.horizon_weeks
    while workshop.running:
        workshop.step()
    assert workshop.week == horizon
    assert all(not plan.running for plan in workshop.plans)


def test_a_workshop_needs_a_plan():
    with pytest.raises(ValueError, match="at least one plan"):
        WorkshopModel(plan_a="none", plan_b="aucun", plan_c="none")


# ----------------------------------------------------------------- pictures


def test_pictures_draw_data_without_importing_the_model():
    code = (
        "import sys, simulation.teaching.pictures; "
        "print(sorted(m for m in sys.modules if m.startswith('simulation.model')))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"


def test_the_view_hands_the_pictures_arrays_of_every_plan():
    workshop = WorkshopModel(staff=90, plan_a="big_bang", plan_b="small_steps")
    for _ in range(30):
        workshop.step()
    view = workshop.view
    assert view.labels == ["A", "B"] and view.strategies == ["big_bang", "small_steps"]
    assert view.horizon == workshop.plans[0].spec.horizon_weeks
    organisation = view.organisation
    assert organisation.layout.shape == (90, 2)
    assert len(organisation.ties) == workshop.plans[0].network.adjacency.nnz // 2
    assert (organisation.ties[:, 0] < organisation.ties[:, 1]).all()
    assert set(organisation.service) == set(range(len(organisation.service_names)))
    b = workshop.plans[1]
    np.testing.assert_array_equal(view.staff(1).strain, b.state.strain)
    np.testing.assert_array_equal(view.stages(1) == "left", ~b.state.active)
    np.testing.assert_array_equal(view.curve(1, "adoption"), weekly_curve(b, "adoption"))


def test_weekly_curves_match_the_weekly_table():
    model = TeachingModel(**LEVERS)
    for _ in range(50):
        model.step()
    table = model.timeseries()
    np.testing.assert_allclose(weekly_curve(model, "adoption"), table["adoption"])
    np.testing.assert_allclose(
        weekly_curve(model, "dropout", "overwhelmed"), table["dropout_overwhelmed"]
    )
    np.testing.assert_allclose(
        weekly_curve(model, "efficiency"), 1 / table["processing_time_index"]
    )


def test_network_colours_follow_profiles_and_show_who_left():
    model = TeachingModel(**{**LEVERS, "training_capacity": 0.0, "manager_backing": 0.0})
    for _ in range(80):
        model.step()
    assert (~model.state.active).any(), "the test needs some staff who left"
    picture = NetworkPicture(model.view, "fr")
    picture.draw("profile")
    faces = picture.dots[0].get_facecolors()
    edges = picture.dots[0].get_edgecolors()
    active = model.state.active
    for code, profile in enumerate(PROFILES):
        chosen = active & (model.state.profile == code)
        np.testing.assert_allclose(
            faces[chosen], np.tile(to_rgba(PROFILE_COLOURS[profile]), (chosen.sum(), 1))
        )
    assert (faces[~active, 3] == 0).all()  # hollow
    np.testing.assert_allclose(edges[~active], np.tile(to_rgba(LEFT_COLOUR), ((~active).sum(), 1)))
    labels = [t.get_text() for t in picture.legend.get_texts()]
    assert labels[-1] == f"{text('left', 'fr')} ({(~active).sum()})"


def test_strain_colouring_darkens_with_strain():
    model = TeachingModel(**LEVERS)
    for _ in range(40):
        model.step()
    picture = NetworkPicture(model.view, "en")
    picture.draw("strain")
    faces = picture.dots[0].get_facecolors()[model.state.active]
    strain = model.state.strain[model.state.active]
    brightness = faces[:, :3].sum(axis=1)
    # magma_r: the more strain, the darker (rank correlation strictly negative).
    assert (
        np.corrcoef(np.argsort(np.argsort(strain)), np.argsort(np.argsort(brightness)))[0, 1] < -0.9
    )


def test_unknown_colouring_is_refused():
    with pytest.raises(ValueError, match="profile, stage, strain"):
        NetworkPicture(TeachingModel(staff=60).view, "fr").draw("mood")


@pytest.mark.parametrize("mode", ["profile", "stage", "strain"])
def test_blitted_frames_equal_a_full_redraw(mode):
    model = WorkshopModel(staff=100, plan_a="big_bang", plan_b="short_cycle")
    picture = NetworkPicture(model.view, "fr")
    curves = CurvesPicture(model.view, "fr", CURVE_PANELS["adoption"])
    for _ in range(45):
        model.step()
        fast = picture.render(mode)
        fast_curves = curves.render()
    for artist in picture.moving + curves.moving:
        artist.set_animated(False)
    np.testing.assert_array_equal(pixels(fast), pixels(png(picture.figure)))
    np.testing.assert_array_equal(pixels(fast_curves), pixels(png(curves.figure)))


def test_curves_grow_with_the_weeks_and_keep_their_axes():
    model = TeachingModel(**LEVERS)
    curves = CurvesPicture(model.view, "fr", CURVE_PANELS["adoption"])
    for _ in range(30):
        model.step()
    curves.draw()
    lengths = {len(line.get_xdata()) for drawn in curves.lines for line, _, _ in drawn}
    assert lengths == {31}  # weeks 0..30
    assert curves.axes[0].get_ylim() == (0.0, 1.0)
    assert curves.axes[0].get_xlim() == (0.0, model.spec.horizon_weeks)
    assert [t.get_text() for t in curves.figure.legends[0].get_texts()] == [
        text(name, "fr") for name in ("all_staff", *PROFILES)
    ]


def test_scoreboard_says_not_yet_while_running():
    pytest.importorskip("solara")
    from simulation.teaching.page import scoreboard_rows

    model = WorkshopModel(staff=60, plan_a="big_bang", plan_b="small_steps", lang="fr")
    model.step()
    rows = scoreboard_rows(model, "fr")
    assert [row[0] for row in rows] == [
        f"A · {text('big_bang', 'fr')}",
        f"B · {text('small_steps', 'fr')}",
    ]
    assert rows[0][2] == phrase("page.not_yet", "fr")  # weeks to 80 %
    while model.running:
        model.step()
    finished = scoreboard_rows(model, "en")
    assert all(row[2] != phrase("page.not_yet", "en") for row in finished)


# ----------------------------------------------------------------- server


def test_app_command_serves_the_page_with_its_settings(tmp_path):
    own = tmp_path / "s.yaml"
    own.write_text("seed: 3\n")
    command, env = app_command(host="0.0.0.0", port=9001, lang="en", workshop=True, scenario=own)
    assert command[1:5] == ["-m", "solara", "run", "simulation.teaching.page:page"]
    assert command[command.index("--port") + 1] == "9001"
    assert command[command.index("--host") + 1] == "0.0.0.0"
    assert env["TRANSNUM_APP_LANG"] == "en"
    assert env["TRANSNUM_APP_MODE"] == "workshop"
    assert env[SCENARIO_ENV] == str(own.resolve())
    assert isinstance(free_port(), int)


def test_app_refuses_a_bad_scenario_before_serving(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("levers:\n  manager_backin: 0.5\n")
    result = CliRunner().invoke(main, ["app", str(bad)])
    assert result.exit_code == 2
    assert "manager_backin" in result.output and "manager_backing" in result.output


def test_the_page_server_is_told_to_send_nothing_outside_the_machine():
    command, env = app_command()
    assert "--no-check-version" in command  # no version check with the package index
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"  # no usage telemetry


def test_the_page_server_leaves_out_solaras_footer_and_titles_the_tab_in_the_pages_language():
    _, env = app_command(lang="fr")
    assert env["SOLARA_THEME_SHOW_BANNER"] == "False"  # no "This website runs on Solara"
    assert env["SOLARA_THEME_TITLE"] == phrase("page.title", "fr")
    _, env = app_command(lang="en", workshop=True)
    assert env["SOLARA_THEME_TITLE"] == phrase("page.workshop", "en")


def test_a_port_in_use_is_reported_before_serving():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not port_is_free("127.0.0.1", port)
        result = CliRunner().invoke(main, ["app", "--port", str(port)])
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr
    assert "Serving" not in result.output
    assert "Traceback" not in result.output


STOPPER = """
import sys
from simulation.teaching.server import serve
print("serving", flush=True)
sys.exit(serve([sys.executable, "-c", "import time; time.sleep(120)"], {}, grace_s=2))
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_stop_signal_ends_the_server_too(name):
    # The server is a child process; it must not outlive `transnum app` and keep the port.
    import signal
    import subprocess
    import sys
    import time

    import psutil

    parent = subprocess.Popen([sys.executable, "-c", STOPPER], stdout=subprocess.PIPE, text=True)
    assert parent.stdout.readline().strip() == "serving"
    deadline = time.monotonic() + 10
    while not psutil.Process(parent.pid).children() and time.monotonic() < deadline:
        time.sleep(0.05)
    (server,) = psutil.Process(parent.pid).children()
    parent.send_signal(getattr(signal, name))
    assert parent.wait(timeout=5) == 0
    gone, alive = psutil.wait_procs([server], timeout=5)
    assert alive == []  # ended within 5 s, with the port it held


@pytest.mark.slow  # starts the real page server (Mesa, Solara): about ten seconds
def test_sigterm_to_transnum_app_frees_its_port_within_five_seconds():
    import signal
    import subprocess
    import sys
    import time

    from simulation.teaching.server import wait_until_serving

    port = free_port()
    app = subprocess.Popen(
        [sys.executable, "-m", "simulation", "app", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/", app)
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=5) == 0
        deadline = time.monotonic() + 5
        while not port_is_free("127.0.0.1", port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert port_is_free("127.0.0.1", port)  # no orphaned server keeps it
    finally:
        if app.poll() is None:
            app.kill()


# ----------------------------------------------------------------- settings form


def _settings():
    pytest.importorskip("solara")
    from simulation.teaching import settings

    return settings


def test_presets_are_shown_by_their_scenarios_names_in_either_language(monkeypatch):
    form = _settings()
    monkeypatch.delenv(SCENARIO_ENV, raising=False)
    for lang in ("fr", "en"):
        choices = form.preset_choices(lang)
        assert list(choices.values()) == list(presets())  # every preset, in order
        assert not set(choices) & set(presets())  # titles, not file names
    for preset in presets():
        # The French title is the scenario file's own name; English is a translation.
        assert form.preset_title(preset, "fr") == preset_scenario(preset).name
        assert form.preset_title(preset, "en") != form.preset_title(preset, "fr")


def test_choosing_a_preset_sets_every_slider_and_the_strategy(monkeypatch, tmp_path):
    form = _settings()
    own = tmp_path / "ma_commune.yaml"
    own.write_text(
        "name: Ma commune\norganisation:\n  total_staff: 90\nrollout:\n  strategy: big_bang\n"
        "levers:\n  manager_backing: 0.9\n  training_capacity: 12\n  referent_share: 0.07\n"
        "profile_mix: {technophile: 0.3, follower: 0.6, overwhelmed: 0.1}\nseed: 77\n"
    )
    monkeypatch.setenv(SCENARIO_ENV, str(own))
    start = form.start_values("single")
    assert start["preset"] == "ma_commune"
    chosen = form.choose_preset(start, "default", "single")
    levers = preset_levers("default")
    assert {key: chosen[key] for key in levers} == levers
    assert chosen["strategy"] == "short_cycle" != start["strategy"]
    assert set(form.pending(chosen, start)) >= {
        "preset",
        "strategy",
        "technophile_share",
        "overwhelmed_share",
        "training_capacity",
        "referent_share",
        "manager_backing",
        "seed",
    }
    # A workshop keeps what it compares (each plan's strategy) and takes the levers.
    workshop = {**form.start_values("workshop"), "plan_a": "short_cycle", "plan_c": "big_bang"}
    chosen = form.choose_preset(workshop, "default", "workshop")
    assert (chosen["plan_a"], chosen["plan_b"], chosen["plan_c"]) == (
        "short_cycle",
        "small_steps",
        "big_bang",
    )
    assert chosen["backing_b"] == levers["manager_backing"] != workshop["backing_b"]
    assert chosen["training_c"] == levers["training_capacity"] != workshop["training_c"]


def test_the_users_file_is_shown_by_its_name_with_a_notice_when_reduced(monkeypatch, tmp_path):
    form = _settings()
    big = tmp_path / "grande_ville.yaml"
    big.write_text("name: Grande ville\norganisation:\n  total_staff: 5000\n")
    monkeypatch.setenv(SCENARIO_ENV, str(big))
    assert form.preset_title("grande_ville", "fr") == "Grande ville"
    assert "Grande ville" in form.preset_choices("en")
    notice = form.size_notice("grande_ville", "fr")
    assert "5\u202f000" in notice and "2\u202f000" in notice
    assert "5,000" in form.size_notice("grande_ville", "en")
    assert form.size_notice("default", "fr") is None  # 500 staff: shown as they are
    staff = form.written(form.STAFF, 0, "fr", "grande_ville")
    assert staff.startswith(f"{MAX_TEACHING_STAFF // 1000}\u202f000 agents")


@pytest.mark.parametrize(
    ("key", "amount", "fr", "en"),
    [
        ("technophile_share", 0.3, "30\u202f%", "30 %"),
        ("overwhelmed_share", 0.15000000000000002, "15\u202f%", "15 %"),
        ("referent_share", 0.025, "2,5\u202f%", "2.5 %"),
        ("training_capacity", 120.0, "120 h/semaine", "120 h/week"),
        ("staff", 2000, "2\u202f000 agents", "2,000 staff"),
        ("manager_backing", 0.55, "0,55", "0.55"),
        ("seed", 2018, "2018", "2018"),
        ("strategy", "small_steps", "petits pas", "small steps"),
    ],
)
def test_each_value_is_written_with_its_unit_and_the_languages_numbers(key, amount, fr, en):
    form = _settings()
    (setting,) = [s for s in form.settings("single") if s.key == key]
    assert form.written(setting, amount, "fr") == fr
    assert form.written(setting, amount, "en") == en


def test_every_slider_of_both_pages_has_its_value_written():
    form = _settings()
    for mode in ("single", "workshop"):
        values = form.start_values(mode)
        for setting in form.settings(mode):
            shown = form.written(setting, values[setting.key], "fr")
            assert shown, setting.key
            if setting.kind == "slider" and setting.unit != "seed":  # a unit or a comma
                assert shown != str(values[setting.key]), setting.key
            if setting.unit == "percent":
                assert shown.endswith("\u202f%")
    assert form.interval_written(50, "fr") == "50 ms"
    assert form.written(form.STAFF, 0, "fr") == phrase(
        "page.value.own_staff", "fr", staff="500 agents"
    )


def test_slider_values_stay_on_their_steps():
    form = _settings()
    assert form.fit(form.TECHNOPHILE, 0.1 + 0.05) == 0.15
    assert form.fit(form.TECHNOPHILE, 0.149) == 0.15
    assert form.fit(form.STAFF, 1249.0) == 1249 and isinstance(form.fit(form.STAFF, 3.0), int)
    assert form.span(form.TECHNOPHILE, 0.7) == (0.0, 0.7)  # a preset beyond the usual range


def test_changed_settings_are_pending_until_applied():
    form = _settings()
    applied = form.start_values("single")
    assert form.pending(applied, applied) == []
    changed = {**applied, "technophile_share": 0.15, "right_to_disconnect": True}
    assert form.pending(changed, applied) == ["technophile_share", "right_to_disconnect"]
    noise = {**applied, "technophile_share": applied["technophile_share"] + 1e-12}
    assert form.pending(noise, applied) == []  # float steps are not changes
    assert form.pending(changed, dict(changed)) == []  # Reset applies them


def test_shares_above_100_percent_are_explained_not_fitted():
    form = _settings()
    values = form.start_values("single")
    assert (
        form.share_problem({**values, "technophile_share": 0.5, "overwhelmed_share": 0.5}, "fr")
        is None
    )
    over = {**values, "technophile_share": 0.4, "overwhelmed_share": 0.7}
    message = form.share_problem(over, "fr")
    assert "40\u202f%" in message and "70\u202f%" in message and "110\u202f%" in message
    assert "110 %" in form.share_problem(over, "en")
    with pytest.raises(ValueError, match="110"):
        form.model_arguments(over, "fr")


def test_scoreboard_headers_carry_their_full_label():
    pytest.importorskip("solara")
    from simulation.i18n.words import outcome, typography
    from simulation.teaching.page import scoreboard_header

    header = scoreboard_header("fr")
    for key in SCOREBOARD:
        full = typography(outcome(key, "fr"), "fr").replace("'", "&#x27;")
        assert f'title="{full}"' in header
    assert "80 %" not in header and "80\u202f%" in header  # never wrapped before "%"


@pytest.mark.parametrize(
    ("search", "asked"),
    [("projector=1", True), ("a=2&projector=true", True), ("projector=0", False), (None, False)],
)
def test_the_address_asks_for_the_projector_view(search, asked):
    pytest.importorskip("solara")
    from simulation.teaching.page import projector_asked

    assert projector_asked(search) is asked


def test_services_stay_where_the_layout_put_them_when_staff_move():
    model = TeachingModel(staff=120)
    first = model.network.service_of.copy()
    model.state.service[:10] = (model.state.service[:10] + 1) % len(model.network.service_names)
    np.testing.assert_array_equal(model.view.organisation.service, first)


@pytest.mark.parametrize("plans", [1, 2, 3])
def test_network_text_is_sized_to_its_panel_and_never_cut(plans):
    from simulation.teaching.pictures.network import SMALLEST_TEXT_PX, _ties_background

    if plans == 1:
        model = TeachingModel(staff=300)
    else:
        third = "short_cycle" if plans == 3 else "none"
        model = WorkshopModel(staff=300, plan_a="big_bang", plan_b="small_steps", plan_c=third)
    picture = NetworkPicture(model.view, "fr")
    sizes = [ax.title.get_fontsize() * 100 / 72 for ax in picture.axes]  # points -> pixels
    assert len(sizes) == plans and min(sizes) >= SMALLEST_TEXT_PX
    side = picture.axes[0].get_window_extent().width
    background, (low, high) = _ties_background(model.view.organisation, int(side))
    # Every service's name lies inside the panel: nothing drawn on its outer edge.
    edge = np.concatenate([background[0], background[-1], background[:, 0], background[:, -1]])
    assert (edge[:, 3] == 0).all() or (edge[:, :3] == 255).all()
    assert low < 0 < 1 < high
