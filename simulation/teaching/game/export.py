"""A whole workshop session in one folder.

:func:`export_session` writes (French names with ``lang="fr"``, English otherwise):

* ``equipes/<team>.yaml`` (``teams/``): each team's decisions as a scenario, a custom
  rollout and lever changes, that ``transnum run`` replays to the game's numbers;
* ``partie.yaml`` (``game.yaml``): the game's settings and every decision by round;
* ``tableau.xlsx`` (``scoreboard.xlsx``): the scoreboard, every team's weekly
  trajectory, the decisions, and the debrief's figures by seed;
* ``trajectoires.parquet`` (``trajectories.parquet``): every team's whole weekly table
  (column ``team``), the game's numbers to the last digit (a workbook keeps 15);
* ``debrief-<picture>.png``: the debrief's pictures;
* ``synthese.html`` (``summary.html``): the summary, pictures included.

Every file appears whole (written beside, then renamed), and the folder has one
writer at a time (:class:`simulation.storage.lock.FolderLock`).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import unicodedata
from pathlib import Path

import jinja2
import pandas as pd
import yaml

from simulation.i18n.words import phrase, typography
from simulation.reports.style import to_png
from simulation.scenario.loading import dump_scenario
from simulation.storage.atomic import replacing, write_bytes, write_parquet, write_text
from simulation.storage.lock import FolderLock
from simulation.teaching.game.actions import describe
from simulation.teaching.game.debrief import Debrief
from simulation.teaching.game.debrief_figures import FIGURES, figures
from simulation.teaching.game.debrief_text import readings
from simulation.teaching.game.scoreboard import COLUMNS, header, scoreboard, written
from simulation.teaching.game.session import Game

TRAJECTORY_COLUMNS: tuple[str, ...] = (
    "week",
    "adoption",
    "dropout",
    "dropout_strain",
    "dropout_refusal",
    "rps_high_share",
    "strain_mean",
    "active_staff",
)
"""The weekly measures of each team written to the workbook."""


def names(lang: str) -> dict[str, str]:
    """The folder's file names in ``lang``."""
    if lang == "fr":
        return {
            "teams": "equipes",
            "game": "partie.yaml",
            "workbook": "tableau.xlsx",
            "trajectories_table": "trajectoires.parquet",
            "summary": "synthese.html",
            "trajectories": "debrief-trajectoires.png",
            "luck": "debrief-hasard.png",
            "profiles": "debrief-profils.png",
        }
    return {
        "teams": "teams",
        "game": "game.yaml",
        "workbook": "scoreboard.xlsx",
        "trajectories_table": "trajectories.parquet",
        "summary": "summary.html",
        **{name: f"debrief-{name}.png" for name in FIGURES},
    }


def slug(name: str) -> str:
    """A file name for a team's name: « Équipe 1 » -> ``equipe-1``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "equipe"


def export_session(game: Game, debrief: Debrief, folder: str | Path, lang: str = "fr") -> Path:
    """Write the session's folder (see the module); returns it.

    Args:
        game: The game (normally over).
        debrief: Its debrief (:func:`simulation.teaching.game.debrief.debrief`).
        folder: The folder to write (created if needed).
        lang: ``fr`` or ``en``, for the files' names and contents.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    named = names(lang)
    with FolderLock(folder, command="transnum app --game"):
        (folder / named["teams"]).mkdir(exist_ok=True)
        files = {}
        for team in game.teams:
            path = Path(named["teams"]) / f"{slug(team.name)}.yaml"
            header = phrase("game.export.scenario_header", lang, team=team.name, file=path)
            write_text(folder / path, dump_scenario(game.scenario_of(team), header))
            files[team.code] = path.as_posix()
        write_text(folder / named["game"], _game_yaml(game))
        pictures = figures(debrief, lang)
        pngs = {name: to_png(picture) for name, picture in pictures.items()}
        for name, data in pngs.items():
            write_bytes(folder / named[name], data)
        _workbook(game, debrief, folder / named["workbook"], lang)
        tables = [t.table.assign(team=t.name) for t in game.teams if t.table is not None]
        write_parquet(pd.concat(tables, ignore_index=True), folder / named["trajectories_table"])
        write_text(folder / named["summary"], _summary(game, debrief, pngs, files, lang))
    return folder


def _game_yaml(game: Game) -> str:
    plain = {
        "organisation": game.base.name,
        "seed": game.base.seed,
        "rounds": game.rounds,
        "round_weeks": game.round_weeks,
        "rounds_played": game.round,
        "budget_eur": game.budget_eur,
        "capital": game.rules.capital,
        "teams": [
            {
                "name": team.name,
                "code": team.code,
                "rounds": [[d.to_plain() for d in decisions] for decisions in team.decisions],
            }
            for team in game.teams
        ],
    }
    return yaml.safe_dump(plain, sort_keys=False, allow_unicode=True, width=100)


def _workbook(game: Game, debrief: Debrief, path: Path, lang: str) -> None:
    board = scoreboard(game)
    board = board.rename(columns={k: phrase(f"game.column.{k}", lang) for k in COLUMNS})
    trajectories = pd.concat(
        [
            team.table[list(TRAJECTORY_COLUMNS)].assign(team=team.name)
            for team in game.teams
            if team.table is not None
        ],
        ignore_index=True,
    )
    decisions = pd.DataFrame(
        [
            {"team": team.name, "round": number + 1, "action": describe(d, game.base, lang)}
            for team in game.teams
            for number, round_ in enumerate(team.decisions)
            for d in round_
        ],
        columns=["team", "round", "action"],
    )
    sheets = {
        phrase("game.export.sheet_scoreboard", lang): board,
        phrase("game.export.sheet_trajectories", lang): trajectories,
        phrase("game.export.sheet_decisions", lang): decisions,
        phrase("game.export.sheet_seeds", lang): debrief.runs,
    }
    with replacing(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for sheet, frame in sheets.items():
            frame.to_excel(writer, sheet_name=sheet[:31], index=False)


def _summary(
    game: Game, debrief: Debrief, pngs: dict[str, bytes], files: dict[str, str], lang: str
) -> str:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("simulation.teaching", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["text"] = lambda words: jinja2.utils.markupsafe.escape(
        typography(str(words), lang)
    )
    texts = readings(debrief, lang)
    words = {
        key: phrase(f"game.export.{key}", lang)
        for key in (
            "scoreboard",
            "readings",
            "figures",
            "decisions",
            "round",
            "actions",
            "replay",
            "rules",
        )
    }
    return environment.get_template("game.html.j2").render(
        lang=lang,
        title=phrase("game.export.title", lang, organisation=game.base.name),
        made=phrase(
            "game.export.made",
            lang,
            date=dt.date.today().isoformat(),
            rounds=game.round,
            weeks=game.round_weeks,
            seed=game.base.seed,
        ),
        words=words,
        scoreboard={"header": header(lang), "rows": written(game, lang)},
        readings=[(debrief.teams[code], texts[code]) for code in debrief.teams],
        figures=[
            {
                "png": base64.b64encode(pngs[name]).decode("ascii"),
                "caption": phrase(f"game.export.caption_{name}", lang),
            }
            for name in FIGURES
        ],
        decisions=[
            {
                "name": team.name,
                "file": files[team.code],
                "rounds": [
                    (
                        number + 1,
                        "; ".join(describe(d, game.base, lang) for d in round_)
                        or phrase("game.export.no_action", lang),
                    )
                    for number, round_ in enumerate(team.decisions)
                ],
            }
            for team in game.teams
        ],
        rules=phrase("game.export.rules_text", lang, replications=debrief.replications),
    )
