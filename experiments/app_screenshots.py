"""Screenshots of the teaching page for the README (``docs/figures/app*.png``).

Starts the page as ``transnum app`` does, plays it in headless Chromium (Debian's
``chromium`` package, driven by Playwright) and saves what a projector would show:

* ``app.png``: one plan (big bang on the default commune) at week 60, coloured by
  adoption stage;
* ``app_workshop.png``: workshop mode, big bang against small steps, at week 60;
* the workshop game (``transnum app --game``), two teams on the default commune, four
  rounds of 13 weeks: ``app_game_setup.png`` (the trainer's set-up form),
  ``app_game_trainer.png`` (the trainer's view in round 3, one team submitted),
  ``app_game_team.png`` (a team's view, its menu open) and ``app_game_debrief.png``
  (the trainer's view after the last round, with the debrief).

Run: ``.venv/bin/python experiments/app_screenshots.py`` (``--game-only``: the game's alone)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from simulation.teaching.server import start_app

FIGURES = Path(__file__).resolve().parents[1] / "docs" / "figures"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
WEEK = 60


def play_until(page, week: int) -> None:
    """Press play, wait for ``week``, pause."""
    page.get_by_role("button", name="▶").click()
    page.wait_for_function(
        "w => { const m = /(\\d+)\\s*\\//.exec(document.querySelector('.transnum-week').innerText);"
        " return m && +m[1] >= w; }",
        arg=week,
    )
    page.get_by_role("button", name="❚❚").click()
    page.wait_for_timeout(1500)


def shoot(workshop: bool, path: Path) -> None:
    """Serve the page, play it to week 60 and save a screenshot at ``path``."""
    process, url = start_app(lang="fr", workshop=workshop)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(120_000)
            page.goto(url)
            page.locator(".transnum-week").wait_for()
            if not workshop:
                page.locator(".v-select", has=page.locator("label", has_text="Stratégie")).click()
                page.locator(".menuable__content__active .v-list-item", has_text="big bang").click()
                page.get_by_role("button", name="Réinitialiser").click()
                page.locator(".transnum-scoreboard", has_text="big bang").wait_for()
            play_until(page, WEEK)
            page.screenshot(path=path)
            week = re.search(r"\d+", page.locator(".transnum-week").inner_text()).group()
            print(f"wrote {path} (week {week})")
            browser.close()
    finally:
        process.terminate()


def fill(page, label: str, amount: int) -> None:
    """Type a number in the field labelled ``label`` (applied on Enter)."""
    field = page.get_by_label(label, exact=True)
    field.fill(str(amount))
    field.press("Enter")


def play_round(team, actions: list[str]) -> None:
    """Tick ``actions`` on a team's menu and submit them."""
    team.locator(".transnum-submit").wait_for()
    for action in actions:
        team.locator(f".transnum-action-{action} .v-input--selection-controls__ripple").click()
        team.locator(f".transnum-action-{action} .v-input--checkbox.v-input--is-dirty").wait_for()
    team.locator(".transnum-submit").click()
    team.locator(".transnum-waiting").wait_for()


def close_round(trainer, submitted: int, next_round: str | None) -> None:
    """Close the round once ``submitted`` teams have, and wait for the next one."""
    trainer.wait_for_function(
        "n => document.querySelector('.transnum-status').innerText"
        ".split('choix envoyé').length - 1 === n",
        arg=submitted,
    )
    trainer.locator(".transnum-close").click()
    if next_round:
        trainer.get_by_text(next_round).wait_for()


def shoot_game(folder: Path) -> None:
    """Play a short game with two teams and save the trainer's and a team's views."""
    process, url = start_app(lang="fr", game=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)

            def device(width: int, height: int):
                page = browser.new_context(viewport={"width": width, "height": height}).new_page()
                page.set_default_timeout(120_000)
                return page

            trainer = device(1400, 1500)
            trainer.goto(url + "?trainer=1")
            trainer.get_by_text("Préparer la partie").wait_for()
            fill(trainer, "Nombre d'équipes (2 à 6)", 2)
            fill(trainer, "Nombre de tours", 4)
            trainer.wait_for_timeout(500)
            trainer.set_viewport_size({"width": 1000, "height": 620})  # the form alone
            trainer.screenshot(path=folder / "app_game_setup.png")
            trainer.set_viewport_size({"width": 1400, "height": 1500})
            print(f"wrote {folder / 'app_game_setup.png'}")
            trainer.locator(".transnum-start").click()
            trainer.locator(".transnum-game-code .code").nth(1).wait_for()
            codes = trainer.locator(".transnum-game-code .code").all_inner_texts()
            first, second = device(1000, 1400), device(1000, 1400)
            first.goto(url + f"?team={codes[0]}")
            second.goto(url + f"?team={codes[1]}")
            plays = {
                1: (["communicate", "involve_staff"], ["launch_now"]),
                2: (["train_service", "support_referents"], ["postpone"]),
            }
            for number, (one, two) in plays.items():
                play_round(first, one)
                play_round(second, two)
                close_round(trainer, 2, f"Tour {number + 1} / 4")
            first.get_by_text("Tour 3 / 4").wait_for()
            play_round(first, ["managers_backing"])
            trainer.wait_for_function(
                "() => document.querySelector('.transnum-status').innerText"
                ".includes('choix envoyé')"
            )
            trainer.wait_for_timeout(1500)
            trainer.screenshot(path=folder / "app_game_trainer.png", full_page=True)
            print(f"wrote {folder / 'app_game_trainer.png'}")
            second.get_by_text("Tour 3 / 4").wait_for()
            second.locator(
                ".transnum-action-train_service .v-input--selection-controls__ripple"
            ).click()
            second.locator(".transnum-action-postpone .v-input--selection-controls__ripple").click()
            second.wait_for_timeout(1000)
            second.screenshot(path=folder / "app_game_team.png", full_page=True)
            print(f"wrote {folder / 'app_game_team.png'}")
            second.locator(".transnum-submit").click()
            second.locator(".transnum-waiting").wait_for()
            close_round(trainer, 2, "Tour 4 / 4")
            close_round(trainer, 0, None)
            trainer.locator(".transnum-game-over").wait_for()
            trainer.locator(".transnum-debrief").click()
            trainer.locator(".transnum-debrief-panel img").last.wait_for(timeout=600_000)
            trainer.wait_for_timeout(1500)
            trainer.screenshot(path=folder / "app_game_debrief.png", full_page=True)
            print(f"wrote {folder / 'app_game_debrief.png'}")
            browser.close()
    finally:
        process.terminate()


if __name__ == "__main__":
    FIGURES.mkdir(parents=True, exist_ok=True)
    if "--game-only" not in sys.argv:
        shoot(False, FIGURES / "app.png")
        shoot(True, FIGURES / "app_workshop.png")
    shoot_game(FIGURES)
