"""The optimiser's robust plans, for the debrief to set beside the teams' plans.

``transnum optimise`` writes each named plan (fastest safe, safest, balanced) of an
organisation as a scenario file, ``plans/<name>.yaml`` of its folder. Given that
folder (``transnum app --game --plans FOLDER``), the debrief runs each plan on the
game's organisation, horizon and seed, beside the teams and the three strategies.
"""

from __future__ import annotations

from pathlib import Path

from simulation.experiments.named_plans import NAMES
from simulation.experiments.optimise_results import PLANS_FOLDER
from simulation.i18n.language import quoted, say
from simulation.scenario.errors import ScenarioError
from simulation.scenario.loading import load_scenario
from simulation.scenario.records import Scenario


def robust_plans(folder: str | Path, base: Scenario) -> dict[str, Scenario]:
    """The named plans of an optimisation folder, on the game's organisation.

    Args:
        folder: A folder written by ``transnum optimise``.
        base: The game's scenario (its organisation, horizon and seed are kept).

    Returns:
        Plan name (:data:`~simulation.experiments.named_plans.NAMES`) -> its scenario,
        for the plans the folder has.

    Raises:
        ScenarioError: if the folder has no plan, or its plans are for another
            organisation (other services).
    """
    found = {}
    for name in NAMES:
        path = Path(folder) / PLANS_FOLDER / f"{name}.yaml"
        if not path.is_file():
            continue
        plan = load_scenario(path)
        if plan.organisation.service_names != base.organisation.service_names:
            raise ScenarioError(
                say("game.robust.other_organisation", organisation=quoted(base.name)),
                path="organisation.services",
                source=str(path),
            )
        found[name] = plan.override(
            {
                "organisation": base.organisation.to_plain(),
                "profile_mix": base.profile_mix.to_plain(),
                "horizon_weeks": base.horizon_weeks,
                "seed": base.seed,
            }
        )
    if not found:
        raise ScenarioError(
            say("game.robust.no_plan", folder=quoted(str(folder))), path=PLANS_FOLDER
        )
    return found
