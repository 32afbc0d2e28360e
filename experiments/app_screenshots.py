"""Screenshots of the teaching page for the README (``docs/figures/app*.png``).

Starts the page as ``transnum app`` does, plays it in headless Chromium (Debian's
``chromium`` package, driven by Playwright) and saves what a projector would show:

* ``app.png``: one plan (big bang on the default commune) at week 60, coloured by
  adoption stage;
* ``app_workshop.png``: workshop mode, big bang against small steps, at week 60.

Run: ``.venv/bin/python experiments/app_screenshots.py``
"""

from __future__ import annotations

import re
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


if __name__ == "__main__":
    FIGURES.mkdir(parents=True, exist_ok=True)
    shoot(False, FIGURES / "app.png")
    shoot(True, FIGURES / "app_workshop.png")
