"""Which mechanism produces each strategy gap: ablation with common random numbers.

A mechanism is switched off by scenario overrides (:data:`ABLATIONS`). For each strategy
pair (a, b), outcome and replication r, the gap is ``a_r - b_r`` with the full model and
with the mechanism off, on the same seeds; the part of the gap the mechanism explains
is the paired difference-in-differences

    explained_r = (a_r - b_r)[full] - (a_r - b_r)[mechanism off]

summarised by its mean and 95 % interval over replications. Mechanisms are switched off
one at a time, so their explained parts need not add up to the gap: mechanisms that
need each other (a demand and the dropout it feeds) each explain most of it, and a
mechanism can explain more than the whole gap when another one works against it.

To add a mechanism, append an entry to :data:`ABLATIONS`: every table, figure and
test picks it up. Its overrides must name existing scenario parameters
(``tests/experiments/test_findings.py`` checks them; :func:`check_ablations` stops a
run before anything is simulated if one does not).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np
from findings_runs import (
    PAIRS,
    STRATEGIES,
    STRATEGY_COLOURS,
    Rows,
    field_array,
    first,
    pair_key,
    paired,
    run_batch,
    run_strategies,
    strategy_gaps,
    summarise,
)
from matplotlib.figure import Figure

from simulation import Scenario
from simulation.experiments.statistics import mean_ci
from simulation.scenario.errors import ScenarioError

UNLIMITED_TRAINERS = 1e6
"""Trainer hours per week that no organisation of the findings can use up."""


@dataclasses.dataclass(frozen=True)
class Ablation:
    """A mechanism switched off: what it is, and the overrides that remove it."""

    description: str
    """One line: what no longer happens with the overrides."""
    off: Mapping[str, Any]
    """Scenario overrides (dotted paths, as ``Scenario.override`` takes them)."""


ABLATIONS: dict[str, Ablation] = {
    "training_cap": Ablation(
        "weekly training per person no longer binds: a 40 h/week cap (the parameter's "
        "maximum, a full week) and unlimited trainers",
        {"levers.max_training_hours": 40.0, "levers.training_capacity": UNLIMITED_TRAINERS},
    ),
    "training_capacity": Ablation(
        "trainers unlimited, so concentrating them on few learners gains nothing (every "
        "learner gets the 2 h/week cap in person)",
        {"levers.training_capacity": UNLIMITED_TRAINERS},
    ),
    "e_learning": Ablation(
        "no e-learning: learners only get the in-person hours trainers can give",
        {"levers.e_learning_hours": 0.0},
    ),
    "training_lead": Ablation(
        "training opens 2 weeks before each go-live under every strategy (no big-bang "
        "preparation period of training)",
        {"rollout.training_lead_weeks": 2},
    ),
    "training_modes": Ablation(
        "every trainer hour is internal training, fully followed (no weaker supplier "
        "training, no stronger action-training)",
        {
            "levers.training_mix": {"vendor": 0.0, "internal": 1.0, "action": 0.0},
            "behaviour.training_completion": 1.0,
        },
    ),
    "practice": Ablation(
        "no learning by doing (behaviour.practice_rate 0)",
        {"behaviour.practice_rate": 0.0},
    ),
    "peer_help": Ablation(
        "colleagues and referents who master a tool teach nothing (peer help rate and "
        "tutoring 0; their help still buffers strain)",
        {"behaviour.peer_help_rate": 0.0, "levers.peer_tutoring": 0.0},
    ),
    "referents": Ablation(
        "no referents: no first-level support, nobody trained first",
        {"levers.referent_share": 0.0},
    ),
    "concentration": Ablation(
        "the three together: unlimited trainers, no peer help, no referents",
        {
            "levers.training_capacity": UNLIMITED_TRAINERS,
            "behaviour.peer_help_rate": 0.0,
            "levers.peer_tutoring": 0.0,
            "levers.referent_share": 0.0,
        },
    ),
    "imitation": Ablation(
        "adoption does not spread by imitation of colleagues (Bass q 0)",
        {"behaviour.peer_influence": 0.0},
    ),
    "fear_of_failure": Ablation(
        "low proficiency does not hold back trying a tool",
        {"behaviour.fear_of_failure": 0.0},
    ),
    "reverting": Ablation(
        "nobody goes back to paper",
        {"behaviour.revert_rate": 0.0},
    ),
    "communication": Ablation(
        "the same communication (0.6) under every strategy, instead of 1.0 for big bang and "
        "0.3 for small steps",
        {"rollout.communication": 0.6},
    ),
    "big_bang_framing": Ablation(
        "no administration project framing the big bang (project_framing 0)",
        {"rollout.big_bang.project_framing": 0.0},
    ),
    "acculturation": Ablation(
        "acculturation neither holds back trying nor turns refusal into departures",
        {"behaviour.acculturation_trying": 0.0, "behaviour.acculturation_refusal": 0.0},
    ),
    "change_load": Ablation(
        "live tools not yet mastered add no demand (the digital-turn strain source)",
        {"behaviour.change_load_weight": 0.0},
    ),
    "change_frequency": Ablation(
        "recent go-lives add no demand",
        {"behaviour.change_frequency_weight": 0.0},
    ),
    "tool_load": Ablation(
        "the information load of live tools and being always on add no demand",
        {"behaviour.tool_load_weight": 0.0, "behaviour.always_on_weight": 0.0},
    ),
    "monotony": Ablation(
        "digitised back-office posts add no demand of monotony",
        {"behaviour.monotony_weight": 0.0},
    ),
    "workload_cascade": Ablation(
        "work left by colleagues who left adds no demand",
        {"behaviour.workload_weight": 0.0},
    ),
    "strain_contagion": Ablation(
        "strain does not spread within teams",
        {"behaviour.strain_contagion": 0.0},
    ),
    "training_buffer": Ablation(
        "training received does not buffer strain",
        {"behaviour.resource_training": 0.0},
    ),
    "support_buffer": Ablation(
        "help from colleagues and referents does not buffer strain",
        {"behaviour.resource_support": 0.0},
    ),
    "involvement_buffer": Ablation(
        "staff involvement does not buffer strain",
        {"behaviour.resource_involvement": 0.0},
    ),
    "strain_dropout": Ablation(
        "sustained high strain makes nobody leave",
        {"behaviour.dropout_strain_rate": 0.0},
    ),
    "refusal_dropout": Ablation(
        "refusing the change makes nobody leave",
        {"behaviour.dropout_refusal_rate": 0.0},
    ),
}
"""Mechanism name -> what switching it off means and the overrides that do it."""

OUTCOMES = ("dropout_share", "depth", "rps_peak_share", "weeks_to_80pct_adoption")
"""The outcomes whose strategy gaps the ablation decomposes (see docs/findings.md)."""


def check_ablations(base: Scenario, ablations: Mapping[str, Ablation] = ABLATIONS) -> None:
    """Check that every entry overrides existing parameters with valid values.

    Raises:
        ScenarioError: naming the entry and the parameter, for the first that is invalid.
    """
    for name, ablation in ablations.items():
        try:
            base.override(ablation.off)
        except ScenarioError as error:
            raise ScenarioError(f"ablation {name!r}: {error}", path=error.path) from error


def decompose(full: Mapping[str, Rows], ablated: Mapping[str, Rows], key: str) -> dict:
    """Gap of each strategy pair without the mechanism, and the part it explains.

    Args:
        full: Rows by strategy with the full model.
        ablated: Rows by strategy with the mechanism off, same replications.
        key: The outcome.

    Returns:
        Per pair key: ``gap`` (mean and interval with the mechanism off), ``explained``
        (full minus ablated gap, paired by replication) and ``share`` (mean explained
        over mean full gap; None if the full gap is zero or missing).
    """
    with_it, without = strategy_gaps(full, key), strategy_gaps(ablated, key)
    result = {}
    for pair, gaps in with_it.items():
        common = sorted(gaps.keys() & without[pair].keys())
        explained = mean_ci(gaps[r] - without[pair][r] for r in common)
        full_gap = np.mean([gaps[r] for r in common]) if common else 0.0
        share = explained["mean"] / full_gap if explained["mean"] is not None and full_gap else None
        result[pair] = {
            "gap": mean_ci(without[pair].values()),
            "explained": explained,
            "share": None if share is None else float(share),
        }
    return result


def full_gaps(full: Mapping[str, Rows], outcomes: tuple[str, ...] = OUTCOMES) -> dict:
    """Paired strategy gaps of each outcome with the full model."""
    return {
        pair_key(p): {k: mean_ci(strategy_gaps(full, k)[pair_key(p)].values()) for k in outcomes}
        for p in PAIRS
    }


def ablation_experiment(
    pool: Executor,
    base: Scenario,
    replications: int,
    full: Mapping[str, Rows] | None = None,
    ablations: Mapping[str, Ablation] = ABLATIONS,
    outcomes: tuple[str, ...] = OUTCOMES,
) -> dict:
    """Switch each mechanism off in turn and decompose the strategy gaps.

    Args:
        pool: Executor the runs are mapped on.
        base: The organisation and plan, full model.
        replications: Paired replications per strategy and mechanism.
        full: Rows by strategy of the full model on ``base`` with at least
            ``replications`` replications (run here if None).
        ablations: The mechanisms, by name.
        outcomes: Outcomes whose gaps are decomposed.

    Returns:
        ``replications``, ``full`` (gaps by pair and outcome) and, per mechanism,
        ``description``, ``off``, ``outcomes`` (per strategy, mean and interval with the
        mechanism off), ``effect`` (per strategy, full minus off, paired) and
        ``gaps`` (per outcome, see :func:`decompose`).
    """
    check_ablations(base, ablations)
    if full is None:
        full = run_strategies(pool, base, replications)
    full = {s: first(full[s], replications) for s in STRATEGIES}
    scenarios = {
        (name, s): base.override(ablation.off).with_strategy(s)
        for name, ablation in ablations.items()
        for s in STRATEGIES
    }
    rows = run_batch(pool, scenarios, replications)
    mechanisms = {}
    for name, ablation in ablations.items():
        off = {s: rows[name, s] for s in STRATEGIES}
        mechanisms[name] = {
            "description": ablation.description,
            "off": dict(ablation.off),
            "outcomes": {s: summarise(off[s], outcomes) for s in STRATEGIES},
            "effect": {s: {k: paired(full[s], off[s], k) for k in outcomes} for s in STRATEGIES},
            "gaps": {k: decompose(full, off, k) for k in outcomes},
        }
    return {
        "replications": replications,
        "full": full_gaps(full, outcomes),
        "mechanisms": mechanisms,
    }


OUTCOME_LABELS = {
    "dropout_share": ("dropout", 100.0, "points"),
    "depth": ("depth at 26 weeks", 1.0, "proficiency"),
    "rps_peak_share": ("peak share at high strain", 100.0, "points"),
    "weeks_to_80pct_adoption": ("weeks to 80 % adoption", 1.0, "weeks"),
}
"""Per outcome: label, factor to the unit shown, unit."""


def plot_ablation(result: dict, path: Path, title: str) -> None:
    """Part of the big bang's gap to each other strategy explained by each mechanism."""
    names = list(result["mechanisms"])
    pairs = [pair_key(p) for p in PAIRS if p[0] == "big_bang"]
    figure = Figure(figsize=(4 * len(OUTCOMES), 0.3 * len(names) + 2), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(OUTCOMES), sharey=True))
    y = np.arange(len(names))
    height = 0.8 / len(pairs)
    for ax, key in zip(axes, OUTCOMES, strict=True):
        label, factor, unit = OUTCOME_LABELS[key]
        for k, pair in enumerate(pairs):
            other = pair.split("-")[1]
            colour = STRATEGY_COLOURS[other]
            stats = [result["mechanisms"][n]["gaps"][key][pair]["explained"] for n in names]
            mean = field_array(stats, "mean") * factor
            low, high = (
                field_array(stats, "ci_low") * factor,
                field_array(stats, "ci_high") * factor,
            )
            shift = (k - (len(pairs) - 1) / 2) * height
            ax.barh(
                y + shift,
                mean,
                height,
                color=colour,
                xerr=[mean - low, high - mean],
                capsize=1.5,
                label=f"big bang - {other.replace('_', ' ')}",
            )
            gap = result["full"][pair][key]["mean"]
            if gap is not None:
                ax.axvline(gap * factor, color=colour, lw=1.2, ls="--")
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_title(f"{label} ({unit})", fontsize=10)
        ax.set_xlabel("part of the gap explained")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, names, fontsize=8)
    axes[0].invert_yaxis()
    axes[0].legend(frameon=False, fontsize=8, loc="lower right")
    figure.suptitle(f"{title} (dashed: the whole gap; bars: 95 % intervals)", fontsize=11)
    figure.savefig(path, dpi=110)
