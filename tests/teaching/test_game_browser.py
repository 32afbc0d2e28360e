"""The workshop game's page in real browsers: a trainer and two teams play three rounds.

The server runs in game mode (``transnum app --game``); one browser context is the
trainer's view, two more are the teams' devices. Like the teaching page's browser
tests, they need Playwright and Debian's ``chromium``, and are skipped without them
unless ``TRANSNUM_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from test_teaching_browser import CHROMIUM, CHROMIUM_ARGS, _playwright

from simulation.i18n.words import phrase, phrases
from simulation.teaching.server import start_app

pytestmark = pytest.mark.slow  # real browsers and the page's server
ROOT = Path(__file__).resolve().parents[2]
GAME = phrases("gamepage", "fr")
TIMEOUT_MS = 60_000
ROUNDS = 3


def serve_in(folder: Path, monkeypatch, **options):
    """Start the game's server with ``folder`` as its current directory (its exports go there).

    The project stays importable from there whatever the way the tests found it.
    """
    monkeypatch.chdir(folder)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return start_app(lang=options.pop("lang", "fr"), game=True, **options)


@pytest.fixture
def game_server(tmp_path, monkeypatch):
    """The page's server in game mode, on a free localhost port, run in ``tmp_path``.

    The server exports the session under its current directory: the test's own.
    """
    process, url = serve_in(tmp_path, monkeypatch)
    yield url
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def browser():
    """A headless Chromium (one context per device)."""
    sync_playwright = _playwright()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def device(browser, errors: list[str], width: int = 1400):
    """A new browser context and page (its own connection to the server)."""
    page = browser.new_context(viewport={"width": width, "height": 1000}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def fill(page, label: str, amount: int) -> None:
    """Type a number in the field labelled ``label`` (applied on Enter)."""
    field = page.get_by_label(label, exact=True)
    field.fill(str(amount))
    field.press("Enter")


def take(page, action: str) -> None:
    """Tick an action of the team's menu; wait until the server has it taken.

    The box ticks in the browser at once; the server's redraw (the action's choices)
    comes after, and moves the submit button down: a click meanwhile can press the
    button and be released on a new field, which is no click at all.
    """
    page.locator(f".transnum-action-{action} .v-input--selection-controls__ripple").click()
    page.locator(f".transnum-action-{action}.transnum-taken").wait_for()


def submit(page, actions: list[str]) -> None:
    """Tick ``actions`` and submit them; wait until the page says it waits for the trainer."""
    page.locator(".transnum-submit").wait_for()
    for action in actions:
        take(page, action)
    page.locator(".transnum-submit").click()
    page.locator(".transnum-waiting").wait_for()


def test_a_trainer_and_two_teams_play_three_rounds(game_server, browser, tmp_path):
    errors: list[str] = []
    trainer = device(browser, errors)
    trainer.goto(game_server + "?trainer=1")
    trainer.get_by_text(GAME["setup_title"]).wait_for()
    fill(trainer, phrase("page.staff", "fr"), 150)
    fill(trainer, GAME["setup_teams"], 2)
    fill(trainer, GAME["setup_rounds"], ROUNDS)
    fill(trainer, GAME["setup_round_weeks"], 4)
    trainer.locator(".transnum-start").click()
    trainer.locator(".transnum-game-code .code").nth(1).wait_for()
    codes = trainer.locator(".transnum-game-code .code").all_inner_texts()
    assert len(codes) == 2 and all(re.fullmatch(r"[A-Z]{4}", code) for code in codes)
    assert "Tour 1 / 3" in trainer.locator(".transnum-round").inner_text()

    # Team A joins from the landing page, team B from its address.
    first = device(browser, errors, width=900)
    first.goto(game_server)
    first.get_by_label(GAME["code_label"]).fill(codes[0].lower())
    first.get_by_role("button", name=GAME["join"]).click()
    first.wait_for_url(f"**/?team={codes[0]}")  # a reload keeps the team's view
    second = device(browser, errors, width=900)
    second.goto(game_server + f"?team={codes[1]}")
    for team in (first, second):
        team.locator(".transnum-left").wait_for()
        assert "Tour 1 / 3" in team.locator(".transnum-round").inner_text()

    for number in range(1, ROUNDS + 1):
        submit(first, ["communicate", "launch_now"] if number < ROUNDS else ["communicate"])
        submit(second, ["postpone"] if number == 1 else [])
        assert "Communiquer" in first.locator(".transnum-waiting").inner_text()
        # What the server holds for each team, shown back to it: the second team's
        # postponement in round 1, nothing in the next ones.
        postponed = "Reporter" in second.locator(".transnum-waiting").inner_text()
        assert postponed == (number == 1)
        # Both submissions reach the trainer's view by themselves (it polls the room).
        trainer.wait_for_function(
            "n => document.querySelector('.transnum-status').innerText"
            ".split('choix envoyé').length - 1 === n",
            arg=2,
        )
        trainer.locator(".transnum-close").click()
        if number < ROUNDS:
            trainer.get_by_text(f"Tour {number + 1} / {ROUNDS}").wait_for()
            # The new round reaches the teams' devices by itself too.
            for team in (first, second):
                team.get_by_text(f"Tour {number + 1} / {ROUNDS}").wait_for()
    trainer.locator(".transnum-game-over").wait_for()
    board = trainer.locator(".transnum-scoreboard").inner_text()
    assert "Équipe 1" in board and "Équipe 2" in board and "€" in board
    first.locator(".transnum-game-over").wait_for()
    assert "Équipe 1" in first.locator(".transnum-team-score").inner_text()
    trainer.screenshot(path=tmp_path / "trainer.png", full_page=True)

    trainer.locator(".transnum-debrief").click()
    trainer.locator(".transnum-debrief-panel img").nth(2).wait_for(timeout=120_000)
    readings = trainer.locator(".transnum-reading").all_inner_texts()
    assert len(readings) == 2 and all("tirages" in reading for reading in readings)
    trainer.locator(".transnum-export").click()
    exported = trainer.locator(".transnum-exported").inner_text(timeout=120_000)
    folder = next(tmp_path.glob("atelier-*"))
    assert folder.name in exported and (folder / "synthese.html").is_file()
    replays_the_game(folder, tmp_path)

    # A new game is asked twice: one stray click does not end the session.
    trainer.locator(".transnum-new-game").click()
    trainer.locator(".transnum-new-game-asked").wait_for()
    trainer.get_by_role("button", name=GAME["new_game_no"]).click()
    trainer.locator(".transnum-new-game").wait_for()
    assert trainer.locator(".transnum-game-over").is_visible()
    assert not errors, errors


def replays_the_game(folder: Path, tmp_path: Path) -> None:
    """Each exported team plan, run with ``transnum run``, gives the game's weekly numbers.

    The game's numbers are those the server wrote to the session's folder.
    """
    import pandas as pd
    from helpers import invoke

    trajectories = pd.read_parquet(folder / "trajectoires.parquet")
    for team, played in trajectories.groupby("team"):
        plan = folder / "equipes" / f"{team.lower().replace('é', 'e').replace(' ', '-')}.yaml"
        out = tmp_path / f"replay-{plan.stem}"
        result = invoke("run", plan, "--out", out)
        assert result.exit_code == 0, result.output
        replayed = pd.read_parquet(out / "timeseries.parquet")
        pd.testing.assert_frame_equal(replayed, played.drop(columns="team").reset_index(drop=True))


def test_beyond_this_machine_the_trainers_view_asks_for_the_pin(browser, tmp_path, monkeypatch):
    process, url = serve_in(tmp_path, monkeypatch, lang="en", pin="2468")
    try:
        errors: list[str] = []
        words = phrases("gamepage", "en")
        team = device(browser, errors)
        team.goto(url + "?team=ABCD")  # before the game: told to wait, in English
        team.locator(".transnum-not_started").wait_for()
        assert "ABCD" in team.locator(".transnum-not_started").inner_text()
        trainer = device(browser, errors)
        trainer.goto(url)
        trainer.locator(".transnum-trainer-link").click()
        trainer.get_by_text(words["pin_title"]).wait_for()
        assert trainer.get_by_text(words["setup_title"]).count() == 0
        pin = trainer.get_by_label(words["pin_label"])
        pin.fill("1357")
        trainer.get_by_role("button", name=words["pin_enter"]).click()
        trainer.get_by_text(words["pin_wrong"].split(":")[0]).wait_for()
        pin.fill("2468")
        trainer.get_by_role("button", name=words["pin_enter"]).click()
        trainer.get_by_text(words["setup_title"]).wait_for()
        assert not errors, errors
    finally:
        process.terminate()
        process.wait(timeout=30)
