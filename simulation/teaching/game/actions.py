"""The workshop game's menu of actions: what each costs and what it does to the model.

Each round a team picks actions; each costs euros from the team's budget and points of
political capital (the scarce resource: the credibility a change leader spends on
asking managers and staff for effort, as in business-school change simulations). An
action acts on the model in one of three ways:

* **lasting** levers, raised from the round's first week for the rest of the game
  (``communicate``, ``involve_staff``, ``managers_backing``, ``support_referents``,
  ``disconnect_charter``);
* **round** levers, in force for the round only and back to the organisation's own
  values after it unless taken again (``train_service``: a training campaign for one
  service in one mode; ``relieve_workload``: temporary reinforcements);
* the **plan**: the go-live week of a tool for chosen services (``launch_now`` brings
  it to the earliest week the plan allows, ``postpone`` moves it later).

The effects and costs are the game's rules (:class:`Rules`, assumptions stated there);
the levers they move are the model's (:class:`simulation.scenario.levers.Levers`), so
that a team's decisions are an ordinary scenario that ``transnum run`` replays.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from simulation.i18n.language import say_count, using
from simulation.i18n.words import colon, phrase, typography
from simulation.scenario.levers import Levers
from simulation.scenario.modes import TRAINING_MODES
from simulation.scenario.records import Scenario
from simulation.scenario.rollout import readable

LASTING = ("communicate", "involve_staff", "managers_backing", "support_referents")
"""Actions that raise a lever for the rest of the game, by a step, up to its maximum."""
CHARTER = "disconnect_charter"
ROUND_ONLY = ("train_service", "relieve_workload")
PLAN = ("launch_now", "postpone")
ACTIONS: tuple[str, ...] = (*ROUND_ONLY[:1], *LASTING, CHARTER, ROUND_ONLY[1], *PLAN)
"""Every action of the menu, in the order the page lists them."""
GAME_LEVERS: tuple[str, ...] = (
    "training_capacity",
    "training_mix",
    "training_priority",
    "project_meaning",
    "staff_involvement",
    "manager_backing",
    "peer_tutoring",
    "right_to_disconnect",
    "workload_relief",
)
"""The levers the game's actions move (the others keep the organisation's values)."""


@dataclasses.dataclass(frozen=True)
class Rules:
    """The game's rules: budgets, and what each action costs and does.

    Every figure is an assumption of the game (the study gives no prices for these
    actions); euros follow the scenario's own unit costs where one applies.

    Attributes:
        budget_eur_per_staff: Euros per staff member for the whole game (EUR/staff).
        capital: Points of political capital for the whole game.
        campaign_trainer_hours: Trainer hours per week a training campaign adds, for
            the round (h/week), priced at the scenario's trainer hour of its mode.
        lasting_step: How much a lasting action raises its lever (0-1 scale).
        referent_support_step: How much supporting referents raises peer tutoring (0-1).
        relief_share: Share of the extra workload that reinforcements absorb (0-1).
        relief_staff_share: Reinforcements, as a share of the staff, paid at the
            scenario's staff hour for 35 h a week during the round.
        communication_eur: Fixed cost of a communication campaign (EUR) ...
        communication_eur_per_staff: ... plus this per staff member (EUR/staff).
        involvement_hours_per_staff: Staff hours of design workshops per staff member.
        backing_hours_per_service: Managers' hours per service for a backing seminar.
        referent_hours_per_staff: Referents' support time, per staff member (h/staff).
        charter_eur: Cost of drafting and adopting the charter (EUR).
        capital_cost: Political capital each action costs (points).
    """

    budget_eur_per_staff: float = 600.0
    capital: int = 12
    campaign_trainer_hours: float = 20.0
    lasting_step: float = 0.2
    referent_support_step: float = 0.25
    relief_share: float = 0.5
    relief_staff_share: float = 0.01
    communication_eur: float = 5000.0
    communication_eur_per_staff: float = 10.0
    involvement_hours_per_staff: float = 4.0
    backing_hours_per_service: float = 16.0
    referent_hours_per_staff: float = 0.5
    charter_eur: float = 3000.0
    capital_cost: Mapping[str, int] = dataclasses.field(
        default_factory=lambda: {
            "train_service": 1,
            "communicate": 1,
            "involve_staff": 2,
            "managers_backing": 3,
            "support_referents": 1,
            "disconnect_charter": 2,
            "relieve_workload": 1,
            "launch_now": 1,
            "postpone": 2,
        }
    )


LASTING_LEVER = {
    "communicate": "project_meaning",
    "involve_staff": "staff_involvement",
    "managers_backing": "manager_backing",
    "support_referents": "peer_tutoring",
}
"""The lever each lasting action raises."""


@dataclasses.dataclass(frozen=True)
class Decision:
    """One action a team takes in a round, with its choices.

    Attributes:
        action: One of :data:`ACTIONS`.
        service: The service trained (``train_service``).
        mode: The training mode (``train_service``): vendor, internal or action.
        tool: The tool whose go-live moves (``launch_now``, ``postpone``).
        services: The services whose go-live of ``tool`` moves.
        weeks: Weeks a go-live is postponed by (``postpone``).
    """

    action: str
    service: str | None = None
    mode: str | None = None
    tool: str | None = None
    services: tuple[str, ...] = ()
    weeks: int = 0

    def to_plain(self) -> dict[str, Any]:
        """The decision as plain data (only the choices it has)."""
        plain: dict[str, Any] = {"action": self.action}
        for key in ("service", "mode", "tool"):
            if getattr(self, key) is not None:
                plain[key] = getattr(self, key)
        if self.services:
            plain["services"] = list(self.services)
        if self.weeks:
            plain["weeks"] = self.weeks
        return plain


def problems(decision: Decision, scenario: Scenario) -> list[str]:
    """What is wrong with ``decision``'s choices, as catalogue keys under ``game.problem``."""
    found = []
    if decision.action not in ACTIONS:
        return ["action"]
    services = scenario.organisation.service_names
    if decision.action == "train_service":
        if decision.service not in services:
            found.append("service")
        if decision.mode not in TRAINING_MODES:
            found.append("mode")
    if decision.action in PLAN:
        tools = {t.name: t for t in scenario.tools}
        if decision.tool not in tools:
            found.append("tool")
        elif not decision.services or not set(decision.services) <= set(
            scenario.target_services(tools[decision.tool])
        ):
            found.append("services")
        if decision.action == "postpone" and decision.weeks < 1:
            found.append("weeks")
    return found


def cost_eur(decision: Decision, scenario: Scenario, rules: Rules, round_weeks: int) -> float:
    """Euros ``decision`` costs (EUR), from the rules and the scenario's unit costs."""
    costs = scenario.costs
    staff = scenario.staff_count
    action = decision.action
    if action == "train_service":
        hourly = getattr(costs.trainer_hour_eur, decision.mode or "internal")
        return rules.campaign_trainer_hours * round_weeks * hourly
    if action == "communicate":
        return rules.communication_eur + rules.communication_eur_per_staff * staff
    if action == "involve_staff":
        return rules.involvement_hours_per_staff * staff * costs.staff_hour_eur
    if action == "managers_backing":
        n_services = len(scenario.organisation.services)
        return rules.backing_hours_per_service * n_services * costs.staff_hour_eur
    if action == "support_referents":
        return rules.referent_hours_per_staff * staff * costs.staff_hour_eur
    if action == CHARTER:
        return rules.charter_eur
    if action == "relieve_workload":
        hours = rules.relief_staff_share * staff * 35.0 * round_weeks
        return hours * costs.staff_hour_eur
    return 0.0  # moving a go-live costs credibility, not money


def capital_cost(decision: Decision, rules: Rules) -> int:
    """Points of political capital ``decision`` costs."""
    return int(rules.capital_cost.get(decision.action, 0))


def round_levers(
    lasting: Levers, base: Levers, decisions: list[Decision], rules: Rules
) -> tuple[Levers, Levers]:
    """The levers of a round, and the lasting levers after it.

    Args:
        lasting: The levers in force from the lasting actions of earlier rounds.
        base: The organisation's own levers (what round-only levers return to).
        decisions: This round's decisions.
        rules: The game's rules.

    Returns:
        The levers in force during the round (lasting and round-only effects), and the
        lasting levers the next round starts from.
    """
    values: dict[str, Any] = {}
    for decision in decisions:
        lever = LASTING_LEVER.get(decision.action)
        if lever is not None:
            step = (
                rules.referent_support_step
                if decision.action == "support_referents"
                else rules.lasting_step
            )
            current = values.get(lever, getattr(lasting, lever))
            values[lever] = min(1.0, float(current) + step)
        elif decision.action == CHARTER:
            values["right_to_disconnect"] = True
    after = lasting.replace(**values) if values else lasting
    during = dict(values)
    campaigns = [d for d in decisions if d.action == "train_service"]
    if campaigns:
        # The round's trainer hours: the organisation's own, in its own mix, and each
        # campaign's in its mode; the services trained come first (after referents).
        hours = {m: base.training_capacity * getattr(base.training_mix, m) for m in TRAINING_MODES}
        for campaign in campaigns:
            hours[campaign.mode or "internal"] += rules.campaign_trainer_hours
        total = sum(hours.values())
        during["training_capacity"] = total
        during["training_mix"] = {m: hours[m] / total for m in TRAINING_MODES}
        during["training_priority"] = tuple(dict.fromkeys(d.service for d in campaigns))
    if any(d.action == "relieve_workload" for d in decisions):
        during["workload_relief"] = rules.relief_share
    return after.replace(**during) if during else after, after


def _counted(n: int, lang: str) -> str:
    """« 3 services », « 1 service »."""
    with using(lang):
        return say_count("cli.count.service", n)


def describe(decision: Decision, scenario: Scenario, lang: str = "fr", short: bool = False) -> str:
    """The decision in words, e.g. « Former un service : Urbanisme (formation interne) ».

    ``short`` counts the services of a go-live instead of naming them (a status line).
    """
    label = phrase(f"game.action.{decision.action}", lang)
    tools = {t.name: t.shown for t in scenario.tools}
    if decision.action == "train_service":
        mode = phrase(f"game.mode.{decision.mode}", lang)
        details = f"{readable(str(decision.service))} ({mode})"
    elif decision.action in PLAN:
        services = (
            _counted(len(decision.services), lang)
            if short
            else ", ".join(readable(s) for s in decision.services)
        )
        details = f"{tools.get(str(decision.tool), decision.tool)}, {services}"
        if decision.action == "postpone":
            details += " " + phrase("game.describe.by_weeks", lang, weeks=decision.weeks)
    else:
        return label
    return typography(f"{label}{colon(lang)}{details}", lang)
