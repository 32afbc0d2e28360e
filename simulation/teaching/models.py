"""Models for the teaching app: flat, slider-friendly parameters over the transition model.

The teaching page re-creates its model from keyword arguments (its settings form), so
it needs models whose parameters are plain numbers and choices:

* :class:`TeachingModel`: one organisation under one plan, with the levers a
  workshop plays with (strategy, profile mix, size, training, referents, backing,
  right to disconnect, seed), built on a preset (the default commune, a study case or
  the scenario file given to ``transnum app``);
* :class:`WorkshopModel`: the same organisation and seed under two or three plans
  side by side, stepping together, with a scoreboard.

Both hand their plans to the page's pictures as their ``view``, a
:class:`~simulation.teaching.view.PlansView`: arrays of the organisation and of each
plan's staff, and weekly curves, so that the pictures draw data, not models. Nothing
here draws: the page is :mod:`simulation.teaching.page`, the pictures
:mod:`simulation.teaching.pictures`.
"""

from __future__ import annotations

import os
from pathlib import Path

import mesa
import numpy as np
import pandas as pd

from simulation.i18n.words import LANGUAGES, text
from simulation.model.model import TransitionModel
from simulation.model.seeds import run_seed
from simulation.scenario.loading import load_scenario
from simulation.scenario.records import Scenario
from simulation.teaching.view import PlansView

STUDY_FOLDER = Path(__file__).resolve().parents[2] / "scenarios" / "study"
SCENARIO_ENV = "TRANSNUM_APP_SCENARIO"
"""Environment variable through which ``transnum app SCENARIO`` passes its file."""
MAX_TEACHING_STAFF = 2000
PLAY_INTERVAL_MS = 50
"""The page's default pause between weeks when playing (milliseconds)."""
PLAYED_STRATEGIES: tuple[str, ...] = ("big_bang", "small_steps", "short_cycle")
"""Strategies offered on the page (a preset's own custom plan is kept as ``custom``)."""
NO_PLAN = "none"


def strategy_code(name: str) -> str:
    """The strategy code of a name shown on the page, in any language.

    ``big_bang``, ``big bang`` and ``petits pas`` all work, so the page's choices can
    be written for people while the model receives codes; ``none``, ``aucun`` and
    ``no plan`` leave a workshop plan out.

    Raises:
        ValueError: naming the accepted choices.
    """
    names = {code: code for code in (*PLAYED_STRATEGIES, "custom", NO_PLAN)}
    for code in (*PLAYED_STRATEGIES, "custom", NO_PLAN):
        for lang in LANGUAGES:
            names[text(code, lang)] = code
    if name not in names:
        raise ValueError(f"unknown strategy {name!r}; choose one of {', '.join(sorted(names))}")
    return names[name]


def presets() -> dict[str, Path | None]:
    """Preset name -> scenario file (None: the built-in default commune).

    The scenario file given to ``transnum app`` comes first, under its file name;
    then the default commune and the nine study cases.
    """
    found: dict[str, Path | None] = {}
    own = os.environ.get(SCENARIO_ENV)
    if own:
        found[Path(own).stem] = Path(own)
    found.setdefault("default", None)
    if STUDY_FOLDER.is_dir():
        for path in sorted(STUDY_FOLDER.glob("*.yaml")):
            found.setdefault(path.stem, path)
    return found


def first_preset() -> str:
    """The preset the page starts on: the user's scenario if given, else the default."""
    return next(iter(presets()))


def preset_scenario(name: str) -> Scenario:
    """The scenario of a preset (raises KeyError for an unknown preset)."""
    path = presets()[name]
    return Scenario() if path is None else load_scenario(path)


def preset_levers(name: str) -> dict:
    """The values a preset gives the page's controls (where the sliders start).

    Returns:
        strategy, staff (0: the preset's own size), technophile_share,
        overwhelmed_share, training_capacity, referent_share, manager_backing,
        right_to_disconnect and seed of the preset's scenario.
    """
    spec = preset_scenario(name)
    levers = spec.levers
    return {
        "strategy": spec.rollout.strategy,
        "staff": 0,
        "technophile_share": spec.profile_mix.technophile,
        "overwhelmed_share": spec.profile_mix.overwhelmed,
        "training_capacity": levers.training_capacity,
        "referent_share": levers.referent_share,
        "manager_backing": levers.manager_backing,
        "right_to_disconnect": levers.right_to_disconnect,
        "seed": min(spec.seed, 9999),
    }


def plan_scenario(
    base: Scenario,
    *,
    strategy: str,
    staff: int,
    technophile_share: float,
    overwhelmed_share: float,
    training_capacity: float,
    referent_share: float,
    manager_backing: float,
    right_to_disconnect: bool,
) -> Scenario:
    """The base scenario with the teaching levers applied.

    ``strategy`` is a code or a name shown on the page (see :func:`strategy_code`).

    The follower share is what the other two leave; if technophiles and overwhelmed
    staff together exceed 100 %, the overwhelmed share is reduced to fit. A ``staff``
    of 0 keeps the base's own size (capped at :data:`MAX_TEACHING_STAFF`); ``custom``
    on a base without waves falls back to the base's strategy (short cycles if none).
    """
    strategy = strategy_code(strategy)
    technophile = min(max(technophile_share, 0.0), 1.0)
    overwhelmed = min(max(overwhelmed_share, 0.0), 1.0 - technophile)
    follower = max(0.0, 1.0 - technophile - overwhelmed)
    own_size = sum(base.organisation.headcounts())
    if int(staff) <= 0:  # the organisation's own size, within the page's limit
        staff = min(own_size, MAX_TEACHING_STAFF)
    staff = max(len(base.organisation.services), int(staff))
    if strategy == "custom" and not base.rollout.waves:
        strategy = base.rollout.strategy if base.rollout.strategy != "custom" else "short_cycle"
    return base.override(
        {
            "organisation.total_staff": staff,
            "profile_mix": {
                "technophile": technophile,
                "follower": follower,
                "overwhelmed": overwhelmed,
            },
            "rollout.strategy": strategy,
            "levers.training_capacity": float(training_capacity),
            "levers.referent_share": float(referent_share),
            "levers.manager_backing": float(manager_backing),
            "levers.right_to_disconnect": bool(right_to_disconnect),
        }
    )


class TeachingModel(TransitionModel):
    """The transition model with the parameters of the teaching page's controls.

    Args:
        preset: A name from :func:`presets`: ``default``, a study case (file name in
            ``scenarios/study/``) or the file given to ``transnum app`` (its name).
        strategy: ``big_bang``, ``small_steps``, ``short_cycle`` (or ``custom`` if the
            preset has waves), or their French or English names (see
            :func:`strategy_code`).
        staff: Organisation size (headcounts rescaled); 0 keeps the preset's own size
            (at most 2,000, the page's limit).
        technophile_share: Share of technophiles, 0-1.
        overwhelmed_share: Share of overwhelmed staff, 0-1 (followers: the rest).
        training_capacity: In-person training, trainer hours per week.
        referent_share: Share of staff appointed referents, 0-0.5.
        manager_backing: Managerial backing, 0-1.
        right_to_disconnect: Whether a right-to-disconnect policy is in force.
        seed: Root seed (replication 0).
        lang: ``fr`` or ``en`` (labels of the page).

    Attributes:
        view: What the page's pictures draw (:class:`~simulation.teaching.view.PlansView`).
    """

    def __init__(
        self,
        preset: str = "default",
        strategy: str = "short_cycle",
        staff: int = 0,
        technophile_share: float = 0.10,
        overwhelmed_share: float = 0.50,
        training_capacity: float = 30.0,
        referent_share: float = 0.03,
        manager_backing: float = 0.5,
        right_to_disconnect: bool = False,
        seed: int = 2018,
        lang: str = "fr",
    ) -> None:
        spec = plan_scenario(
            preset_scenario(preset),
            strategy=strategy,
            staff=staff,
            technophile_share=technophile_share,
            overwhelmed_share=overwhelmed_share,
            training_capacity=training_capacity,
            referent_share=referent_share,
            manager_backing=manager_backing,
            right_to_disconnect=right_to_disconnect,
        )
        super().__init__(spec, rng=run_seed(int(seed), 0))
        self.preset = preset
        self.lang = lang
        self.labels = ["A"]
        self.layout = self.network.layout()
        self.view = PlansView(self.plans, self.labels, self.layout)

    @property
    def plans(self) -> list[TransitionModel]:
        """The plans shown (one: this model)."""
        return [self]


class WorkshopModel(mesa.Model):
    """Two or three plans on the same organisation, with the same seed, stepping together.

    Every plan shares the preset, size, profile mix and seed, so its organisation,
    staff and random draws are the same: differences come from the plans alone.

    Args:
        preset: As for :class:`TeachingModel`.
        staff, technophile_share, overwhelmed_share, seed, lang: Shared settings.
        plan_a, plan_b, plan_c: Strategy of each plan, as for :func:`strategy_code`
            (``none`` leaves a plan out; at least one plan is needed).
        training_a, training_b, training_c: Training capacity of each plan.
        referents_a, referents_b, referents_c: Referent share of each plan.
        backing_a, backing_b, backing_c: Managerial backing of each plan.

    Attributes:
        view: What the page's pictures draw (:class:`~simulation.teaching.view.PlansView`).
    """

    def __init__(
        self,
        preset: str = "default",
        staff: int = 0,
        technophile_share: float = 0.10,
        overwhelmed_share: float = 0.50,
        seed: int = 2018,
        plan_a: str = "big_bang",
        training_a: float = 30.0,
        referents_a: float = 0.03,
        backing_a: float = 0.5,
        plan_b: str = "small_steps",
        training_b: float = 30.0,
        referents_b: float = 0.03,
        backing_b: float = 0.5,
        plan_c: str = "none",
        training_c: float = 30.0,
        referents_c: float = 0.03,
        backing_c: float = 0.5,
        lang: str = "fr",
    ) -> None:
        super().__init__(rng=int(seed))
        base = preset_scenario(preset)
        shared = dict(
            staff=staff, technophile_share=technophile_share, overwhelmed_share=overwhelmed_share
        )
        settings = [
            ("A", plan_a, training_a, referents_a, backing_a),
            ("B", plan_b, training_b, referents_b, backing_b),
            ("C", plan_c, training_c, referents_c, backing_c),
        ]
        self.labels: list[str] = []
        self._plans: list[TransitionModel] = []
        for label, strategy, training, referents, backing in settings:
            if strategy_code(strategy) == NO_PLAN:
                continue
            spec = plan_scenario(
                base,
                **shared,
                strategy=strategy,
                training_capacity=training,
                referent_share=referents,
                manager_backing=backing,
                right_to_disconnect=False,
            )
            self._plans.append(TransitionModel(spec, rng=run_seed(int(seed), 0)))
            self.labels.append(label)
        if not self._plans:
            raise ValueError("a workshop needs at least one plan (plan A, B or C other than none)")
        self.preset = preset
        self.lang = lang
        self.week = 0
        self.layout = self._plans[0].network.layout()
        self.view = PlansView(self._plans, self.labels, self.layout)

    @property
    def plans(self) -> list[TransitionModel]:
        """The plans, in order A, B (, C)."""
        return self._plans

    def step(self) -> None:
        """One week of every plan."""
        for plan in self._plans:
            if plan.running:
                plan.step()
        self.week = max(plan.week for plan in self._plans)
        self.running = any(plan.running for plan in self._plans)

    def scoreboard(self) -> pd.DataFrame:
        """The outcomes of each plan so far (see :func:`scoreboard`)."""
        return scoreboard(self)


SCOREBOARD: tuple[str, ...] = (
    "adoption_final",
    "weeks_to_80pct_adoption",
    "dropout_share",
    "rps_high_person_weeks",
    "training_hours_total",
)
"""Outcomes on the page's scoreboard (summary keys of :mod:`simulation.model.outcomes`)."""


def scoreboard(model: TeachingModel | WorkshopModel) -> pd.DataFrame:
    """The scoreboard's outcomes of each plan so far, one row per plan.

    Columns: plan (its letter), strategy, then the outcomes of :data:`SCOREBOARD`.
    """
    rows = []
    for label, plan in zip(model.labels, model.plans, strict=True):
        summary = plan.summary()
        rows.append(
            {
                "plan": label,
                "strategy": plan.spec.rollout.strategy,
                **{key: summary[key] for key in SCOREBOARD},
            }
        )
    return pd.DataFrame(rows)


def same_organisation(plans: list[TransitionModel]) -> bool:
    """Whether plans share their organisation and staff (same seed and size)."""
    first = plans[0]
    return all(
        (p.network.adjacency != first.network.adjacency).nnz == 0
        and np.array_equal(p.state.profile, first.state.profile)
        for p in plans[1:]
    )
