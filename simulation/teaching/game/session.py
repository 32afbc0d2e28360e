"""A workshop game: teams play the same organisation round after round.

The trainer sets up a :class:`Game` (an organisation, 2 to 6 teams, rounds of some
weeks, one seed); each round every team submits its decisions
(:class:`~simulation.teaching.game.actions.Decision`), within what is left of its
budget and political capital; the trainer closes the round and every team's
organisation is simulated up to the round's last week.

A team's decisions *are* a scenario (:meth:`Game.scenario_of`): a custom rollout of
its go-live plan and one lever change per round that changed a lever. Each round
runs that scenario from week 0 with the game's seed, exactly as ``transnum run``
would, and shows its weeks up to the round's end; since decisions act only from
their round on (levers from its first week, go-lives beyond the training lead),
the weeks already shown never change, and the final scenario replays the game's
numbers exactly.
"""

from __future__ import annotations

import dataclasses
import secrets
import string
from collections.abc import Sequence

import pandas as pd

from simulation.i18n.language import say
from simulation.model.strategies import DEFAULT_TRAINING_LEAD
from simulation.scenario.changes import LeverChange
from simulation.scenario.records import Scenario
from simulation.scenario.schema import plain_data
from simulation.teaching.game import plan as plans
from simulation.teaching.game.actions import (
    GAME_LEVERS,
    PLAN,
    Decision,
    Rules,
    capital_cost,
    cost_eur,
    problems,
    round_levers,
)

MIN_TEAMS, MAX_TEAMS = 2, 6
CODE_LETTERS = "".join(c for c in string.ascii_uppercase if c not in "IO")
"""Letters of team codes (no I or O, read as 1 and 0 on a projector)."""


class GameError(ValueError):
    """A decision or a setting the game refuses; ``key`` is its catalogue key."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclasses.dataclass
class Team:
    """One team: its code, name, decisions by round and what it has left.

    Attributes:
        code: The code its members type to join (four letters).
        name: Its name on the scoreboard.
        decisions: The decisions of each round played, in order.
        pending: The decisions submitted for the round being played (None: not yet).
        plan: Its go-live plan, (tool, service) -> week.
        table: Its organisation's weekly table, weeks 0 to the last round played.
    """

    code: str
    name: str
    decisions: list[list[Decision]]
    pending: list[Decision] | None
    plan: dict[plans.Pair, int]
    table: pd.DataFrame | None = None


class Game:
    """A game in progress (see the module).

    Args:
        scenario: The organisation and its own levers (a preset, at most 2,000 staff).
        teams: Number of teams (2 to 6), or their names.
        rounds: Number of rounds (1 to 24).
        round_weeks: Weeks per round (1 to 52; 13: a quarter).
        seed: The seed every team's organisation is drawn and run with.
        rules: Budgets and the actions' costs and effects.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        teams: int | Sequence[str] = 3,
        rounds: int = 12,
        round_weeks: int = 13,
        seed: int | None = None,
        rules: Rules | None = None,
    ) -> None:
        names = (
            [say("game.team_name", n=i + 1) for i in range(teams)]
            if isinstance(teams, int)
            else list(teams)
        )
        if not MIN_TEAMS <= len(names) <= MAX_TEAMS:
            raise GameError("game.problem.teams", low=MIN_TEAMS, high=MAX_TEAMS)
        if not 1 <= rounds <= 24 or not 1 <= round_weeks <= 52:
            raise GameError("game.problem.rounds")
        self.rules = rules or Rules()
        self.rounds = rounds
        self.round_weeks = round_weeks
        self.horizon = rounds * round_weeks
        lead = scenario.rollout.training_lead_weeks
        self.lead = DEFAULT_TRAINING_LEAD if lead is None else lead
        start = plans.starting_plan(scenario, round_weeks, self.horizon)
        self.base = scenario.override(
            {
                "horizon_weeks": self.horizon,
                "seed": scenario.seed if seed is None else int(seed),
                "rollout.strategy": "custom",
                "rollout.training_lead_weeks": self.lead,
                "rollout.waves": [w.to_plain() for w in plans.waves(start, scenario)],
                "lever_changes": [],
            }
        )
        self.budget_eur = self.rules.budget_eur_per_staff * self.base.staff_count
        codes: set[str] = set()
        while len(codes) < len(names):
            codes.add("".join(secrets.choice(CODE_LETTERS) for _ in range(4)))
        self.teams = [
            Team(code, name, [], None, dict(start))
            for code, name in zip(sorted(codes), names, strict=True)
        ]
        self.round = 0  # the round being played (== rounds once the game is over)
        for team in self.teams:
            team.table = self._run(team)

    # ------------------------------------------------------------------ state

    @property
    def over(self) -> bool:
        """Whether every round has been played."""
        return self.round >= self.rounds

    @property
    def week(self) -> int:
        """The last week simulated (the start of the round being played)."""
        return self.round * self.round_weeks

    def team(self, code: str) -> Team:
        """The team of ``code`` (any case, spaces ignored)."""
        wanted = code.strip().upper()
        for team in self.teams:
            if team.code == wanted:
                return team
        raise GameError("game.problem.code")

    def spent(self, team: Team, decisions: Sequence[Decision] | None = None) -> tuple[float, int]:
        """Euros and points ``team`` has spent (its past rounds, and ``decisions`` if given)."""
        played = [d for round_ in team.decisions for d in round_]
        every = played + list(decisions or [])
        euros = sum(cost_eur(d, self.base, self.rules, self.round_weeks) for d in every)
        return euros, sum(capital_cost(d, self.rules) for d in every)

    def left(self, team: Team, decisions: Sequence[Decision] | None = None) -> tuple[float, int]:
        """Euros and points ``team`` has left (after ``decisions`` if given)."""
        euros, points = self.spent(team, decisions)
        return self.budget_eur - euros, self.rules.capital - points

    # -------------------------------------------------------------- decisions

    def check(self, team: Team, decisions: Sequence[Decision]) -> list[GameError]:
        """Every problem with ``decisions`` for this round (empty: they can be submitted)."""
        found = []
        if self.over:
            return [GameError("game.problem.over")]
        for decision in decisions:
            for key in problems(decision, self.base):
                found.append(GameError(f"game.problem.{key}", action=decision.action))
            if decision.action in PLAN and not found:
                for service in decision.services:
                    pair = (decision.tool, service)
                    if not plans.movable(team.plan, pair, self.week, self.lead):
                        found.append(GameError("game.problem.too_late", service=service))
        charters = sum(d.action == "disconnect_charter" for d in decisions)
        if charters > 1 or (charters and self._charter_in_force(team)):
            found.append(GameError("game.problem.charter_again"))
        if found:  # costs are priced from valid choices only
            return found
        euros, points = self.left(team, decisions)
        if euros < -1e-6:
            found.append(GameError("game.problem.budget", missing=-euros))
        if points < 0:
            found.append(GameError("game.problem.capital", missing=-points))
        return found

    def submit(self, code: str, decisions: Sequence[Decision]) -> Team:
        """Record ``decisions`` as the team's choice for this round (replacing any earlier).

        Raises:
            GameError: the first problem of :meth:`check`.
        """
        team = self.team(code)
        found = self.check(team, decisions)
        if found:
            raise found[0]
        team.pending = list(decisions)
        return team

    def advance(self) -> None:
        """Close the round: apply every team's decisions (none if it submitted none) and run.

        Raises:
            GameError: if the game is over.
        """
        if self.over:
            raise GameError("game.problem.over")
        for team in self.teams:
            decisions = team.pending or []
            self._apply_plan(team, decisions)
            team.decisions.append(decisions)
            team.pending = None
        self.round += 1
        for team in self.teams:
            team.table = self._run(team)

    def _apply_plan(self, team: Team, decisions: Sequence[Decision]) -> None:
        earliest = plans.earliest_week(self.week, self.lead)
        for decision in decisions:
            for service in decision.services:
                pair = (str(decision.tool), service)
                if decision.action == "launch_now":
                    team.plan[pair] = earliest
                elif decision.action == "postpone":
                    team.plan[pair] = min(self.horizon, team.plan[pair] + decision.weeks)

    # ---------------------------------------------------------------- runs

    def lever_changes(self, team: Team) -> tuple[LeverChange, ...]:
        """The team's decisions as lever changes: one per round that changed a lever."""
        base = self.base.levers
        lasting, in_force = base, base
        changes = []
        for number, decisions in enumerate(team.decisions):
            during, lasting = round_levers(lasting, base, decisions, self.rules)
            moved = {
                name: getattr(during, name)
                for name in GAME_LEVERS
                if getattr(during, name) != getattr(in_force, name)
            }
            if moved:
                changes.append(LeverChange(week=number * self.round_weeks + 1, levers=moved))
            in_force = during
        return tuple(changes)

    def _charter_in_force(self, team: Team) -> bool:
        """Whether a right-to-disconnect charter is in force already (its own, or before)."""
        played = (d.action == "disconnect_charter" for round_ in team.decisions for d in round_)
        return bool(self.base.levers.right_to_disconnect) or any(played)

    def scenario_of(self, team: Team) -> Scenario:
        """The team's decisions so far as a scenario that ``transnum run`` replays."""
        changes = self.lever_changes(team)
        return self.base.override(
            {
                "name": f"{self.base.name} · {team.name}",
                "rollout.waves": [w.to_plain() for w in plans.waves(team.plan, self.base)],
                "lever_changes": [
                    {"week": c.week, "levers": plain_levers(c.levers)} for c in changes
                ],
            }
        )

    def _run(self, team: Team) -> pd.DataFrame:
        from simulation.experiments.runner import run_scenario

        result = run_scenario(self.scenario_of(team))
        table = result.timeseries
        return table[table["week"] <= self.week].reset_index(drop=True)


def plain_levers(levers: dict) -> dict:
    """Lever values as plain data (a training mix as its shares, priorities as a list)."""
    return {name: plain_data(value) for name, value in levers.items()}
