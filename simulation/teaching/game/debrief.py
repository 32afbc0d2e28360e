"""The debrief: which results came from the teams' choices and which from luck.

Three looks at the game, all on the teams' exact plans (:meth:`Game.scenario_of`):

1. **Same seed** (``curves``): every team's weekly adoption, departures and strain in
   the game, beside the three strategies of the organisation (big bang, small steps,
   short cycles, with its own levers and no action), the optimiser's robust plans when
   given (``transnum optimise``'s fastest safe, safest and balanced plans) and the plan
   every team started from, on the game's seed: the same staff, the same random draws.
2. **Many seeds** (``luck``): each team's plan run again on ``replications`` seeds
   (replication 0 is the game's own run; the same seeds for every team: common random
   numbers). The spread is what luck alone does to a plan; where the game's result
   falls in it says whether the team was lucky; the mean, the paired comparison with
   the other teams (``duels``: share of seeds on which a team's plan beats another's)
   says what came from the choices.
3. **Profiles** (``profiles``): the mean over seeds of each profile's adoption and
   departures under the team's plan, minus the same under the starting plan: what the
   choices did to technophiles, followers and the overwhelmed.

The plain-language reading of each team is :func:`simulation.teaching.game.debrief_text.readings`,
the pictures :mod:`simulation.teaching.game.debrief_figures`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

from simulation.experiments.runner import COMPARED_STRATEGIES, run_batch_tasks
from simulation.model.outcomes import summarize
from simulation.scenario.profiles import PROFILES
from simulation.scenario.records import Scenario
from simulation.teaching.game.scoreboard import scoreboard, team_outcomes
from simulation.teaching.game.session import Game

REPLICATIONS = 20
"""Seeds each team's plan is run on in the debrief (replication 0: the game's run)."""
START = "start"
"""Name of the starting plan (every team's plan before any decision) in the debrief."""
LUCK_OUTCOMES: tuple[str, ...] = ("adoption_final", "departures", "rps_high_person_weeks")
"""Outcomes the debrief splits into choice and luck (departures: both causes)."""
ROBUST = "robust:"
"""Prefix of the optimiser's named plans in the debrief (``robust:balanced``...)."""
CURVES: tuple[str, ...] = ("adoption", "dropout", "rps_high_share")
"""Weekly measures of the same-seed curves."""


@dataclasses.dataclass
class Debrief:
    """What the debrief shows (see the module).

    Attributes:
        teams: Team code -> name, in the scoreboard's order.
        colours: Team code -> its colour's number, in the game's order of teams (the
            same colour as on the game's page, whatever the ranking).
        curves: One row per plan and week: ``plan`` (a team code, a strategy,
            :data:`START` or an optimiser's plan after :data:`ROBUST`), ``kind`` (team,
            strategy, start, robust), ``week`` and :data:`CURVES`.
        runs: One row per plan and seed: ``plan``, ``replication`` and :data:`LUCK_OUTCOMES`.
        luck: One row per team and outcome: ``game`` (the game's result), ``mean``,
            ``low`` and ``high`` (10th and 90th percentiles over seeds) and
            ``percentile`` (share of seeds whose result is below the game's, ties
            counted half).
        duels: Team x team: share of the seeds on which the row's plan reaches a higher
            adoption than the column's (ties half).
        profiles: One row per team and profile: ``adoption`` and ``departures``
            (share of the profile's staff) change from the starting plan, means over seeds.
        replications: Seeds per plan.
        notes: What the debrief could not show, and why (e.g. an optimisation's plans
            for another organisation), in the page's language.
    """

    teams: dict[str, str]
    colours: dict[str, int]
    curves: pd.DataFrame
    runs: pd.DataFrame
    luck: pd.DataFrame
    duels: pd.DataFrame
    profiles: pd.DataFrame
    replications: int
    notes: list[str] = dataclasses.field(default_factory=list)


def debrief(
    game: Game,
    replications: int = REPLICATIONS,
    robust: Mapping[str, Scenario] | None = None,
) -> Debrief:
    """The debrief of ``game`` (normally over; works after any round on the rounds played).

    Args:
        game: The game.
        replications: Seeds per plan (at least 2).
        robust: The optimiser's named plans on the game's organisation
            (:func:`simulation.teaching.game.robust.robust_plans`), drawn on the game's
            seed beside the strategies; none: the three strategies only.
    """
    replications = max(2, int(replications))
    order = list(scoreboard(game)["code"])
    teams = {code: game.team(code).name for code in order}
    # The weeks played (all of them once the game is over): every plan runs to the
    # game's horizon, as in the game, and is read up to the last week played.
    played = game.week if game.week > 0 else game.horizon
    plans: dict[str, Scenario] = {code: game.scenario_of(game.team(code)) for code in order}
    plans[START] = game.base
    # What the plans are set beside, on the game's seed only.
    references = {s: game.base.with_strategy(s) for s in COMPARED_STRATEGIES}
    references.update({f"{ROBUST}{name}": plan for name, plan in (robust or {}).items()})
    root = game.base.seed
    # One batch for the whole debrief, stepped together by the batched engine.
    tasks = [(plan, r, root) for plan in plans.values() for r in range(replications)]
    tasks += [(plan, 0, root) for plan in references.values()]
    names = [name for name in plans for _ in range(replications)] + list(references)
    by_plan: dict[str, list] = {}
    for name, result in zip(names, run_batch_tasks(tasks), strict=True):
        table = result.timeseries
        by_plan.setdefault(name, []).append(table[table["week"] <= played].reset_index(drop=True))
    curves = pd.concat(
        [_curve(name, by_plan[name][0], _kind(name, teams)) for name in [*plans, *references]],
        ignore_index=True,
    )
    runs = pd.DataFrame(
        [
            {"plan": name, "replication": r, **_luck_outcomes(table)}
            for name in plans
            for r, table in enumerate(by_plan[name])
        ]
    )
    return Debrief(
        teams=teams,
        colours={team.code: number for number, team in enumerate(game.teams)},
        curves=curves,
        runs=runs,
        luck=_luck(runs, list(teams)),
        duels=_duels(runs, list(teams)),
        profiles=_profiles(by_plan, list(teams)),
        replications=replications,
    )


def _kind(name: str, teams: dict[str, str]) -> str:
    if name in teams:
        return "team"
    if name == START:
        return "start"
    return "robust" if name.startswith(ROBUST) else "strategy"


def _curve(name: str, table: pd.DataFrame, kind: str) -> pd.DataFrame:
    frame = table[["week", *CURVES]].copy()
    frame.insert(0, "kind", kind)
    frame.insert(0, "plan", name)
    return frame


def _luck_outcomes(table: pd.DataFrame) -> dict[str, float]:
    found = team_outcomes(table)
    return {
        "adoption_final": float(found["adoption_final"] or 0.0),
        "departures": float(found["departures_strain"] + found["departures_refusal"]),
        "rps_high_person_weeks": float(found["rps_high_person_weeks"] or 0.0),
    }


def _luck(runs: pd.DataFrame, teams: list[str]) -> pd.DataFrame:
    rows = []
    for code in teams:
        mine = runs[runs["plan"] == code]
        for key in LUCK_OUTCOMES:
            values = mine[key].to_numpy(dtype=float)
            game = float(mine.loc[mine["replication"] == 0, key].iloc[0])
            below = float(np.mean(values < game) + 0.5 * np.mean(values == game))
            rows.append(
                {
                    "team": code,
                    "outcome": key,
                    "game": game,
                    "mean": float(values.mean()),
                    "low": float(np.quantile(values, 0.1)),
                    "high": float(np.quantile(values, 0.9)),
                    "percentile": below,
                }
            )
    return pd.DataFrame(rows)


def _duels(runs: pd.DataFrame, teams: list[str]) -> pd.DataFrame:
    adoption = runs.pivot(index="replication", columns="plan", values="adoption_final")
    table = pd.DataFrame(index=teams, columns=teams, dtype=float)
    for a in teams:
        for b in teams:
            if a != b:
                diff = adoption[a] - adoption[b]
                table.loc[a, b] = float((diff > 0).mean() + 0.5 * (diff == 0).mean())
    return table


def _profiles(by_plan: dict[str, list], teams: list[str]) -> pd.DataFrame:
    def means(name: str) -> dict[str, tuple[float, float]]:
        found: dict[str, list[tuple[float, float]]] = {p: [] for p in PROFILES}
        for table in by_plan[name]:
            summary = summarize(table)
            for p in PROFILES:
                group = summary["by_profile"][p]
                found[p].append((group["adoption_final"] or 0.0, group["dropout_share"] or 0.0))
        return {p: tuple(np.mean(v, axis=0)) for p, v in found.items()}

    start = means(START)
    rows = []
    for code in teams:
        mine = means(code)
        for p in PROFILES:
            rows.append(
                {
                    "team": code,
                    "profile": p,
                    "adoption": mine[p][0] - start[p][0],
                    "departures": mine[p][1] - start[p][1],
                }
            )
    return pd.DataFrame(rows)
