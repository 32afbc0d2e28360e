"""The session's export folder, and the replay of a team's plan with ``transnum run``."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from helpers import invoke

from simulation.storage.lock import FolderBusyError, FolderLock
from simulation.teaching.game.debrief import debrief
from simulation.teaching.game.export import export_session, names, slug


@pytest.fixture(scope="module")
def exported(played, tmp_path_factory):
    folder = tmp_path_factory.mktemp("atelier")
    return export_session(played, debrief(played, replications=4), folder, lang="fr")


def test_the_folder_holds_every_file(exported, played):
    named = names("fr")
    for key in (
        "game",
        "workbook",
        "trajectories_table",
        "summary",
        "trajectories",
        "luck",
        "profiles",
    ):
        assert (exported / named[key]).stat().st_size > 0, key
    teams = sorted(p.name for p in (exported / named["teams"]).iterdir())
    assert teams == sorted(f"{slug(t.name)}.yaml" for t in played.teams)
    assert (exported / named["trajectories"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(exported.glob("**/*.part"))  # every file written whole


def test_replaying_a_team_with_transnum_run_gives_the_game_numbers(exported, played, tmp_path):
    for team in played.teams:
        out = tmp_path / slug(team.name)
        result = invoke(
            "run", exported / names("fr")["teams"] / f"{slug(team.name)}.yaml", "--out", out
        )
        assert result.exit_code == 0, result.output
        replayed = pd.read_parquet(out / "timeseries.parquet")
        for column in ("adoption", "dropout", "strain_mean", "rps_high_share", "active_staff"):
            np.testing.assert_array_equal(replayed[column], team.table[column], err_msg=column)


def test_the_game_file_records_every_decision(exported, played):
    data = yaml.safe_load((exported / "partie.yaml").read_text(encoding="utf-8"))
    assert data["seed"] == played.base.seed and data["rounds_played"] == played.rounds
    alpha = data["teams"][0]
    assert alpha["name"] == "Alpha"
    assert [len(r) for r in alpha["rounds"]] == [len(r) for r in played.teams[0].decisions]
    assert alpha["rounds"][0][0]["action"] == "train_service"


def test_the_workbook_has_the_scoreboard_trajectories_decisions_and_draws(exported, played):
    book = openpyxl.load_workbook(exported / "tableau.xlsx", read_only=True)
    assert book.sheetnames == ["Classement", "Trajectoires", "Décisions", "Tirages du débriefing"]
    rows = list(book["Trajectoires"].values)
    assert len(rows) == 1 + len(played.teams) * (played.horizon + 1)
    decisions = [r for r in book["Décisions"].values][1:]
    assert any("Former un service" in str(r[2]) for r in decisions)


def test_the_summary_is_french_and_complete(exported, played):
    page = (exported / "synthese.html").read_text(encoding="utf-8")
    assert "<html lang='fr'>" in page
    for team in played.teams:
        assert team.name in page
    assert page.count("data:image/png;base64,") == 3
    assert "transnum run equipes/alpha.yaml" in page
    for english in ("Scoreboard", "Replay", "draws", "Team "):
        assert english not in page


def test_english_names_and_one_writer_at_a_time(played, tmp_path):
    shown = debrief(played, replications=2)
    folder = export_session(played, shown, tmp_path / "session", lang="en")
    assert (folder / "summary.html").exists() and (folder / "teams").is_dir()
    with FolderLock(folder), pytest.raises(FolderBusyError):
        export_session(played, shown, folder, lang="en")
