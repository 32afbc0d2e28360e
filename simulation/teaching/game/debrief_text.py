"""A short plain-language reading of each team's game, from its debrief.

Four sentences per team, in the page's language (catalogue ``game.reading``):

1. its result in the game: adoption, departures, person-weeks at high strain;
2. luck: the range its own plan gives over the debrief's seeds, and whether the game's
   result sits high in it (at or above the 80th percentile: luck helped), low (at or
   below the 20th: luck went against it) or in between;
3. choices: against the team whose plan has the best mean adoption (or, for that
   team, the next best), the share of seeds on which the better plan wins: at least
   80 % (or at most 20 %) the gap comes from the choices, otherwise mostly from luck;
4. profiles: the profile whose adoption the choices moved most from the starting plan,
   and by how much.
"""

from __future__ import annotations

import pandas as pd

from simulation.i18n.words import difference, number, percent, phrase, text
from simulation.teaching.game.debrief import Debrief

LUCKY, UNLUCKY = 0.8, 0.2
"""Percentiles of the game's result within its plan's seeds read as luck (either way)."""
CLEAR = 0.8
"""Share of seeds on which one plan must beat another for the gap to be the choices'."""


def readings(debrief: Debrief, lang: str = "fr") -> dict[str, str]:
    """Team code -> its reading (see the module)."""
    luck = debrief.luck.set_index(["team", "outcome"])
    means = {code: luck.loc[(code, "adoption_final"), "mean"] for code in debrief.teams}
    ranked = sorted(means, key=means.__getitem__, reverse=True)
    found = {}
    for code, name in debrief.teams.items():
        adoption = luck.loc[(code, "adoption_final")]
        sentences = [
            phrase(
                "game.reading.result",
                lang,
                team=name,
                adoption=percent(adoption["game"], lang, 0),
                departures=number(luck.loc[(code, "departures"), "game"], lang),
                strain=number(luck.loc[(code, "rps_high_person_weeks"), "game"], lang),
            ),
            _luck_sentence(adoption, debrief.replications, lang),
        ]
        other = ranked[1] if code == ranked[0] else ranked[0]
        sentences.append(_choice_sentence(debrief, code, other, lang))
        sentences.append(_profile_sentence(debrief.profiles, code, lang))
        found[code] = " ".join(s for s in sentences if s)
    return found


def _luck_sentence(adoption: pd.Series, replications: int, lang: str) -> str:
    where = (
        "lucky"
        if adoption["percentile"] >= LUCKY
        else "unlucky"
        if adoption["percentile"] <= UNLUCKY
        else "average"
    )
    return phrase(
        f"game.reading.{where}",
        lang,
        n=replications,
        low=percent(adoption["low"], lang, 0),
        high=percent(adoption["high"], lang, 0),
        mean=percent(adoption["mean"], lang, 0),
    )


def _choice_sentence(debrief: Debrief, code: str, other: str, lang: str) -> str:
    share = float(debrief.duels.loc[code, other])
    values = {"other": debrief.teams[other], "share": percent(share, lang, 0)}
    if share >= CLEAR:
        return phrase("game.reading.beats", lang, **values)
    if share <= 1.0 - CLEAR:
        return phrase("game.reading.beaten", lang, **values)
    return phrase("game.reading.close", lang, **values)


def _profile_sentence(profiles: pd.DataFrame, code: str, lang: str) -> str:
    mine = profiles[profiles["team"] == code]
    if mine.empty:
        return ""
    row = mine.loc[mine["adoption"].abs().idxmax()]
    if abs(row["adoption"]) < 0.005:  # under half a point: the choices changed little
        return phrase("game.reading.profiles_unchanged", lang)
    return phrase(
        "game.reading.profile",
        lang,
        profile=text(str(row["profile"]), lang),
        change=difference("adoption_final", float(row["adoption"]), lang),
    )
