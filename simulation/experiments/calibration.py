"""Calibration targets: what the defaults must reproduce, declared as data and checked by runs.

A calibration file (YAML, see ``experiments/calibration.yaml``) lists targets. Each
names a scenario (``default`` or a scenario file, relative to the calibration
file) with optional dotted-path ``overrides``, an ``outcome`` (a key of the flat run
summary, e.g. ``dropout_share`` or ``staff_share_technophile``), the range the study
reports (``low``, ``high``), its ``source`` and what was ``tuned`` to reach it.
:func:`run_calibration` runs every distinct scenario ``replications`` times with
common seeds and returns, per target, the mean, its 95 % confidence interval and
whether the mean lies in the range.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from simulation.experiments.runner import RunResult, run_tasks
from simulation.experiments.statistics import mean_ci
from simulation.i18n.language import quoted, say
from simulation.model.outcomes import flat_outcome_names, flatten
from simulation.scenario.errors import ScenarioError, did_you_mean
from simulation.scenario.loading import dump_scenario, field_names, load_scenario, read_yaml
from simulation.scenario.records import Scenario
from simulation.scenario.schema import Record, spec

FLAT_OUTCOMES: tuple[str, ...] = flat_outcome_names()
"""Outcome names a target may use: the keys of :func:`simulation.model.outcomes.flatten`."""


@dataclasses.dataclass(frozen=True)
class Target(Record):
    """One fact of the study that the model's defaults must reproduce."""

    id: str = spec(doc="Short identifier of the target.")
    outcome: str = spec(doc="Outcome compared with the range (a key of the flat run summary).")
    source: str = spec(doc="Where the study (or a paper) reports it.")
    description: str = spec("", doc="What the target means, in words.")
    low: float | None = spec(None, doc="Lowest value the study's range allows (null: none).")
    high: float | None = spec(None, doc="Highest value the study's range allows (null: none).")
    scenario: str = spec(
        "default", doc="'default' or a scenario file, relative to the calibration file."
    )
    overrides: Mapping[str, Any] = spec(
        MappingProxyType({}), doc="Dotted-path changes to the scenario, as in Scenario.override."
    )
    tuned: str = spec("", doc="Which parameters were tuned to reach the target, if any.")

    def _check(self) -> None:
        check_outcome_range(self.outcome, self.low, self.high)


def check_outcome_range(outcome: str, low: float | None, high: float | None) -> None:
    """Refuse an unknown outcome, or a range with no bound or with low above high.

    Raises:
        ScenarioError: naming the field (``outcome`` or ``low``).
    """
    if outcome not in FLAT_OUTCOMES:
        hint = did_you_mean(outcome, FLAT_OUTCOMES)
        raise ScenarioError(
            say("error.calibration.unknown_outcome", name=quoted(outcome), hint=hint),
            path="outcome",
        )
    if low is None and high is None:
        raise ScenarioError(say("error.calibration.no_bound"), path="low")
    if low is not None and high is not None and low > high:
        raise ScenarioError(
            say("error.calibration.low_above_high", low=f"{low:g}", high=f"{high:g}"), path="low"
        )


@dataclasses.dataclass(frozen=True)
class Calibration(Record):
    """A set of calibration targets and how many runs check them."""

    name: str = spec(doc="Title of the calibration.")
    targets: tuple[Target, ...] = spec(doc="The targets.")
    description: str = spec("", doc="What the calibration covers.")
    replications: int = spec(30, ge=2, le=100_000, doc="Runs per distinct scenario.")
    seed: int = spec(2018, ge=0, le=2**63 - 1, doc="Root seed of every run.")

    def _check(self) -> None:
        ids = [t.id for t in self.targets]
        for i, name in enumerate(ids):
            if name in ids[:i]:
                raise ScenarioError(
                    say("error.calibration.target_twice", name=quoted(name)),
                    path=f"targets[{i}].id",
                )


def load_calibration(path: str | Path) -> tuple[Calibration, list[Scenario]]:
    """Read a calibration file and resolve each target's scenario.

    Returns:
        The calibration and, per target, the scenario it runs.

    Raises:
        ScenarioError: naming the file and the field, for any invalid part
            (including an invalid referenced scenario or override).
    """
    path = Path(path)
    data = read_yaml(path, fields=field_names(Calibration), what="calibration")
    try:
        calibration = Calibration.from_value(data)
        scenarios = []
        for i, target in enumerate(calibration.targets):
            where = f"targets[{i}]"
            if target.scenario == "default":
                base = Scenario()
            else:
                base = load_scenario(path.parent / target.scenario)
            try:
                scenarios.append(base.override(dict(target.overrides)))
            except ScenarioError as error:
                raise ScenarioError(error.problem, path=f"{where}.overrides.{error.path}") from None
    except ScenarioError as error:
        raise error.from_source(str(path)) from None
    return calibration, scenarios


def distinct_scenarios(scenarios: list[Scenario]) -> tuple[list[Scenario], list[int]]:
    """The distinct scenarios, and the number of each given scenario among them.

    Targets that share a scenario share its runs.
    """
    numbers: dict[str, int] = {}
    distinct: list[Scenario] = []
    for scenario in scenarios:
        text = dump_scenario(scenario)
        if text not in numbers:
            numbers[text] = len(distinct)
            distinct.append(scenario)
    return distinct, [numbers[dump_scenario(s)] for s in scenarios]


def run_calibration(
    calibration: Calibration,
    scenarios: list[Scenario],
    *,
    replications: int | None = None,
    workers: int = 1,
    on_done: Callable[[RunResult], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run each distinct scenario and compare the targets with their ranges.

    Args:
        calibration: The calibration.
        scenarios: The scenario of each target (from :func:`load_calibration`).
        replications: Override of the file's number of runs per scenario.
        workers: Worker processes (results do not depend on it).
        on_done: Called with each finished run.

    Returns:
        ``(targets, runs)``: one row per target (id, outcome, source, low, high,
        mean, ci_low, ci_high, n, met, interval_inside, tuned) and one row per run
        (scenario number, replication and the flat summary).
    """
    reps = replications or calibration.replications
    distinct, number_of = distinct_scenarios(scenarios)
    cases = [(k, r) for k in range(len(distinct)) for r in range(reps)]
    results = run_tasks(
        [(distinct[k], r, calibration.seed) for k, r in cases], workers=workers, on_done=on_done
    )
    runs = pd.DataFrame(
        [
            {"scenario": k, "replication": r, **flatten(result.summary)}
            for (k, r), result in zip(cases, results, strict=True)
        ]
    )
    return compare_targets(calibration, number_of, runs, column="scenario"), runs


def compare_targets(
    calibration: Calibration, number_of: list[int], runs: pd.DataFrame, column: str = "scenario"
) -> pd.DataFrame:
    """Compare each target with the runs of its scenario.

    Args:
        calibration: The calibration.
        number_of: The distinct-scenario number of each target
            (:func:`distinct_scenarios`).
        runs: One row per run with the flat outcomes and the scenario number in
            ``column`` (``point`` for the runs of a sweep).
        column: The column holding the scenario number.

    Returns:
        One row per target: id, outcome, description, source, low, high, mean,
        ci_low, ci_high, n, met (mean in range), interval_inside, tuned, scenario.
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    rows = []
    for target, number in zip(calibration.targets, number_of, strict=True):
        values = ok.loc[ok[column] == number, target.outcome]
        stat = mean_ci([None if pd.isna(v) else float(v) for v in values])
        mean = stat["mean"]
        inside = (target.low is None or (mean is not None and mean >= target.low)) and (
            target.high is None or (mean is not None and mean <= target.high)
        )
        interval_inside = (
            stat["ci_low"] is not None
            and (target.low is None or stat["ci_low"] >= target.low)
            and (target.high is None or stat["ci_high"] <= target.high)
        )
        rows.append(
            {
                "id": target.id,
                "outcome": target.outcome,
                "description": target.description,
                "source": target.source,
                "low": target.low,
                "high": target.high,
                **stat,
                "met": bool(mean is not None and inside),
                "interval_inside": bool(interval_inside),
                "tuned": target.tuned,
                "scenario": number,
            }
        )
    return pd.DataFrame(rows)


def golden_values(
    calibration: Calibration, scenarios: list[Scenario], replications: int = 3
) -> dict[str, Any]:
    """Seeded outcomes of the calibration scenarios, for regression tests.

    Runs each distinct scenario ``replications`` times with the calibration's seed
    and returns the flat summaries (JSON-friendly). ``tests/golden/calibration.json``
    holds these values; ``experiments/refresh_golden.py`` rewrites it on purpose.
    """
    distinct, _ = distinct_scenarios(scenarios)
    results = run_tasks([(s, r, calibration.seed) for s in distinct for r in range(replications)])
    return {
        "seed": calibration.seed,
        "replications": replications,
        "scenarios": [
            {
                "name": scenario.name,
                "runs": [
                    flatten(results[k * replications + r].summary) for r in range(replications)
                ],
            }
            for k, scenario in enumerate(distinct)
        ],
    }
