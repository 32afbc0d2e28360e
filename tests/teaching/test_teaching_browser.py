"""The teaching page in a real browser: headless Chromium driven by Playwright.

Each test starts ``transnum app``'s server on a free localhost port, opens the page,
plays with it as a trainer would and checks what the page shows. They need
Playwright for Python and Debian's ``chromium`` package; without them they are
skipped, unless ``TRANSNUM_REQUIRE_BROWSER=1`` (as in CI), where that is an error.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from simulation.i18n.words import phrases, text, typography
from simulation.teaching.server import start_app

pytestmark = pytest.mark.slow  # a real browser and the page's server per test
PAGE = {lang: phrases("page", lang) for lang in ("fr", "en")}  # the page's labels

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("TRANSNUM_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root in a container
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 60_000  # first render builds a model and four pictures on a slow machine


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if REQUIRED:
            raise
        pytest.skip("Playwright for Python is not installed")
    if not Path(CHROMIUM).exists():
        if REQUIRED:
            pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's chromium package")
        pytest.skip("Chromium is not installed")
    return sync_playwright


@pytest.fixture
def browser_page():
    """A fresh headless Chromium page (1600×1100, the size of a projector picture)."""
    sync_playwright = _playwright()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1100})
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page, errors
        browser.close()


@pytest.fixture
def serve():
    """Start the teaching page's server; stopped after the test."""
    processes = []

    def start(**options) -> str:
        process, url = start_app(**options)
        processes.append(process)
        return url

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def week_shown(page) -> int:
    """The week number of the page's week counter."""
    label = page.locator(".transnum-week").inner_text()
    return int(re.search(r"(\d+)\s*/", label).group(1))


def wait_for_week(page, week: int) -> None:
    page.wait_for_function(
        "w => { const e = document.querySelector('.transnum-week');"
        " return e && new RegExp('\\\\b' + w + ' /').test(e.innerText); }",
        arg=week,
    )


def picture(page, index: int) -> bytes:
    """Screenshot of one of the page's pictures (0 network, 1 adoption, 2 strain)."""
    return page.locator("img.widget-image").nth(index).screenshot()


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the drop-down list labelled ``label``."""
    page.locator(".v-select", has=page.locator("label", has_text=label)).click()
    page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()


def test_trainer_changes_strategy_steps_and_sees_the_charts_move(serve, browser_page, tmp_path):
    page, errors = browser_page
    page.goto(serve(lang="fr"))
    page.locator(".transnum-week").wait_for()
    assert week_shown(page) == 0
    words = PAGE["fr"]
    big_bang = text("big_bang", "fr")
    assert text("short_cycle", "fr") in page.locator(".transnum-scoreboard").inner_text()
    sidebar = page.locator("body").inner_text()
    assert words["controls"] in sidebar and words["settings"] in sidebar  # French controls

    # Choose big bang, then reset so that the model is rebuilt with it.
    choose(page, words["strategy"], big_bang)
    page.get_by_role("button", name=words["reset"]).click()
    page.locator(".transnum-scoreboard", has_text=big_bang).wait_for()
    page.locator("img.widget-image").nth(2).wait_for()
    before = [picture(page, k) for k in range(3)]

    for week in (1, 2, 3):
        page.get_by_role("button", name=words["step"]).click()
        wait_for_week(page, week)
    assert week_shown(page) == 3
    # The curves now run over three weeks: the pictures' pixels differ.
    page.wait_for_timeout(500)  # let the browser decode the last pictures
    assert picture(page, 2) != before[2]

    # Play until the tools are live and staff adopt them, then pause.
    page.get_by_role("button", name="▶").click()
    wait_for_week(page, 40)
    page.get_by_role("button", name="❚❚").click()
    page.wait_for_timeout(500)  # a week already under way when pausing still ends
    paused_at = week_shown(page)
    assert paused_at >= 40
    page.wait_for_timeout(1500)
    assert week_shown(page) == paused_at  # paused means paused
    assert picture(page, 1) != before[1]
    assert picture(page, 0) != before[0]
    assert re.search(rf"A · {big_bang}\s+\d", page.locator(".transnum-scoreboard").inner_text())

    shot = tmp_path / "teaching-page.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 50_000  # a real picture, not an empty page
    assert not errors, errors


def test_colour_switch_redraws_the_network(serve, browser_page):
    page, errors = browser_page
    page.goto(serve(lang="en"))
    words = PAGE["en"]
    page.locator(".transnum-week", has_text=f"{words['week']} 0").wait_for()
    assert words["settings"] in page.locator("body").inner_text()
    page.get_by_role("button", name=words["step"]).click()
    page.locator(".transnum-week", has_text=f"{words['week']} 1").wait_for()
    by_stage = picture(page, 0)
    page.get_by_role("button", name=words["profile"]).click()
    page.wait_for_timeout(1500)
    assert picture(page, 0) != by_stage
    assert not errors, errors


def test_workshop_runs_plans_side_by_side_with_a_scoreboard(serve, browser_page, tmp_path):
    page, errors = browser_page
    page.goto(serve(lang="fr", workshop=True))
    board = page.locator(".transnum-scoreboard")
    board.wait_for()
    shown = board.inner_text()
    assert f"A · {text('big_bang', 'fr')}" in shown and f"B · {text('small_steps', 'fr')}" in shown
    assert PAGE["fr"]["same"] in page.locator("body").inner_text()
    for week in (1, 2):
        page.get_by_role("button", name=PAGE["fr"]["step"]).click()
        wait_for_week(page, week)
    page.screenshot(path=tmp_path / "workshop.png", full_page=True)
    assert not errors, errors


# ----------------------------------------------------------------- settings, projector


def shown_value(page, key: str) -> str:
    """The value written next to a setting's slider."""
    return page.locator(f".transnum-setting-{key} .transnum-value").inner_text()


def slider(page, key: str):
    return page.locator(f".transnum-setting-{key} [role=slider]").first


def inside_viewport(page, locator) -> dict:
    """The element's bounding box, asserted to lie within the page's viewport."""
    box = locator.bounding_box()
    size = page.viewport_size
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= size["width"] + 0.5, (box, size)
    assert box["y"] + box["height"] <= size["height"] + 0.5, (box, size)
    return box


def test_a_preset_sets_the_sliders_and_shows_its_name_until_reset_applies_it(serve, browser_page):
    from simulation.teaching import settings

    page, errors = browser_page
    page.goto(serve(lang="fr"))
    page.locator(".transnum-week").wait_for()
    words = PAGE["fr"]
    assert page.locator(".transnum-pending").count() == 0
    name = settings.preset_title("nord_mdph", "fr")
    choose(page, words["preset"], name)
    own_size = settings.written(settings.STAFF, 0, "fr", "nord_mdph")
    page.locator(".transnum-setting-staff .transnum-value", has_text=own_size).wait_for()
    assert text("custom", "fr") in page.locator(".transnum-setting-strategy").inner_text()
    for key in ("preset", "strategy"):
        shown = page.locator(f".transnum-setting-{key}").inner_text()
        assert typography(words["pending"], "fr") in shown
    assert "•" in page.locator(".transnum-reset").inner_text()  # Reset is marked
    page.locator(".transnum-reset").click()
    page.locator(".transnum-shown", has_text=name).wait_for()
    page.locator(".transnum-pending").first.wait_for(state="detached")
    assert text("custom", "fr") in page.locator(".transnum-scoreboard").inner_text()
    assert not errors, errors


def test_slider_values_are_written_out_and_marked_pending_until_reset(serve, browser_page):
    from simulation.teaching import settings

    page, errors = browser_page
    page.goto(serve(lang="fr"))
    page.locator(".transnum-week").wait_for()
    start = settings.start_values("single")
    for key, setting in ((s.key, s) for s in settings.settings("single") if s.kind == "slider"):
        assert shown_value(page, key) == settings.written(setting, start[key], "fr")
    assert shown_value(page, "technophile_share") == "10\u202f%"  # visible without dragging
    slider(page, "technophile_share").press("ArrowRight")
    page.locator(".transnum-setting-technophile_share .transnum-value", has_text="15").wait_for()
    assert shown_value(page, "technophile_share") == "15\u202f%"
    marked = page.locator(".transnum-setting-technophile_share .transnum-pending")
    assert marked.inner_text() == typography(PAGE["fr"]["pending"], "fr")
    assert page.locator(".transnum-pending").count() == 1  # only what changed
    page.locator(".transnum-reset").click()
    marked.wait_for(state="detached")
    assert "•" not in page.locator(".transnum-reset").inner_text()
    assert shown_value(page, "technophile_share") == "15\u202f%"  # kept, now applied
    assert not errors, errors


def test_profile_shares_above_100_percent_are_explained_and_not_run(serve, browser_page):
    from simulation.teaching import settings

    page, errors = browser_page
    page.goto(serve(lang="en"))
    page.locator(".transnum-week").wait_for()
    slider(page, "technophile_share").press("End")
    slider(page, "overwhelmed_share").press("End")
    explanation = page.locator(".transnum-shares")
    explanation.wait_for()
    over = {**settings.start_values("single"), "technophile_share": 0.5, "overwhelmed_share": 0.9}
    assert explanation.inner_text().strip() == settings.share_problem(over, "en")
    assert page.locator(".transnum-reset").is_disabled()  # never silently corrected
    slider(page, "overwhelmed_share").press("Home")
    explanation.wait_for(state="detached")
    assert page.locator(".transnum-reset").is_enabled()
    assert not errors, errors


def test_projector_view_shows_the_whole_network_and_a_legible_scoreboard(serve, browser_page):
    page, errors = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(serve(lang="fr", workshop=True))
    page.locator(".transnum-week").wait_for()
    words = PAGE["fr"]
    page.locator(".transnum-projector-toggle").click()
    page.locator(".transnum-projector").wait_for()
    assert not page.get_by_text(words["settings"], exact=True).is_visible()  # no sidebar
    network = page.locator("img.transnum-network-picture")
    page.wait_for_timeout(500)  # let the browser lay out the new picture
    box = inside_viewport(page, network)
    assert box["width"] > 0.6 * 1280  # large: the plans side by side across the screen
    headers = page.locator(".transnum-scoreboard th")
    boxes = [headers.nth(k).bounding_box() for k in range(headers.count())]
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left["x"] + left["width"] <= right["x"] + 0.5  # headers do not run together
    titled = [headers.nth(k).get_attribute("title") for k in range(1, headers.count())]
    assert all(titled)  # the full label on hover
    page.locator(".transnum-projector-toggle").click()
    page.get_by_text(words["settings"], exact=True).wait_for()
    assert not errors, errors


def test_the_page_is_french_to_the_tab_title_without_framework_text(serve, browser_page):
    page, errors = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(serve(lang="fr") + "?projector=1")
    page.locator(".transnum-projector .transnum-week").wait_for()
    page.wait_for_timeout(500)
    inside_viewport(page, page.locator("img.transnum-network-picture"))
    inside_viewport(page, page.locator(".transnum-scoreboard"))  # beside it, whole
    assert page.title() == PAGE["fr"]["title"]
    body = page.locator("body").inner_text()
    assert "Solara" not in body and "runs on" not in body
    assert not re.search(r"\bPage \d", body, flags=re.IGNORECASE)  # no framework tab
    assert PAGE["fr"]["leave_projector"].upper() in body.upper()
    assert not errors, errors
