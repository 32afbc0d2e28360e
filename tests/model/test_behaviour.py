"""Statistical behaviour of the model over many seeds.

Each test runs replications of two settings with common random numbers
(replication r of both uses the same seeds) and looks at the paired differences.
The model's claim passes when the mean difference has the expected sign and is at
least ``Z`` standard errors away from zero: with Z = 4 a true zero effect would
pass by chance with probability about 3e-5 (one-sided normal tail), while the
effects checked here are, at these settings, several times larger than that bar.
"""

import numpy as np
import pytest

from simulation import Scenario
from simulation.experiments.runner import RunResult, run_scenario

pytestmark = pytest.mark.slow  # replications of each setting: statistical tests over seeds

REPLICATIONS = 10
Z = 4.0
ROOT_SEED = 20180701


def replications(scenario: Scenario) -> list[RunResult]:
    return [run_scenario(scenario, replication=r, seed=ROOT_SEED) for r in range(REPLICATIONS)]


def mean_adoption(result: RunResult) -> float:
    """Area under the adoption curve (mean adoption over the weeks): higher is faster."""
    return float(result.timeseries["adoption"].mean())


def paired(outcome, larger: list[RunResult], smaller: list[RunResult]) -> list[float]:
    """Differences of ``outcome`` (a summary key, or a function of a run) between paired runs."""
    value = outcome if callable(outcome) else (lambda result: result.summary[outcome])
    return [value(a) - value(b) for a, b in zip(larger, smaller, strict=True)]


def assert_positive(differences: list[float], what: str) -> None:
    """Mean of paired differences is > Z standard errors above zero."""
    values = np.asarray(differences, dtype=float)
    standard_error = values.std(ddof=1) / np.sqrt(values.size)
    assert values.mean() > Z * standard_error and values.mean() > 0, (
        f"{what}: mean difference {values.mean():.4g}, standard error {standard_error:.4g}"
    )


@pytest.fixture(scope="module")
def default_runs() -> list[RunResult]:
    return replications(Scenario())


@pytest.mark.parametrize(
    ("measure", "higher", "lower"),
    [
        # Adopting later = a lower adoption curve: compare the areas under the curves
        # (weeks to 50 % is too coarse here: it is an integer dominated by the plan).
        ("adoption", "follower", "overwhelmed"),
        ("adoption", "technophile", "follower"),
        ("strain_mean", "overwhelmed", "follower"),
        ("strain_mean", "follower", "technophile"),
    ],
)
def test_less_digital_profiles_adopt_later_and_carry_more_strain(
    default_runs, measure, higher, lower
):
    differences = [
        r.timeseries[f"{measure}_{higher}"].mean() - r.timeseries[f"{measure}_{lower}"].mean()
        for r in default_runs
    ]
    assert_positive(differences, f"mean {measure}, {higher} minus {lower}")


@pytest.mark.parametrize("strategy", ["short_cycle", "big_bang"])
def test_more_training_capacity_gives_more_adoption_and_less_strain(strategy):
    base = Scenario().with_strategy(strategy)
    scarce = replications(base.override({"levers.training_capacity": 10}))
    ample = replications(base.override({"levers.training_capacity": 80}))
    assert_positive(
        paired(mean_adoption, ample, scarce), "mean adoption, ample minus scarce training"
    )
    assert_positive(
        paired("rps_high_person_weeks", scarce, ample),
        "person-weeks at high strain, scarce minus ample training",
    )


def test_manager_backing_lowers_dropout():
    base = Scenario()
    weak = replications(base.override({"levers.manager_backing": 0.2}))
    strong = replications(base.override({"levers.manager_backing": 0.8}))
    assert_positive(
        paired("dropout_share", weak, strong), "dropout share, weak minus strong backing"
    )


def test_internal_mobility_is_capped_by_its_posts_and_mostly_internal_otherwise(default_runs):
    """Section IV.D: departures are accompanied towards internal, or even external, mobility."""
    base = Scenario()
    staff = sum(base.organisation.headcounts())
    scarce = replications(base.override({"levers.internal_mobility_capacity": 0.01}))
    none = replications(base.override({"levers.internal_mobility_capacity": 0.0}))
    for run in scarce:  # never more repositioned than posts (5 of 500), in every run
        assert run.summary["internal_mobility_share"] <= int(0.01 * staff) / staff + 1e-12
    for run in none:  # the neutral setting: every departure leaves the organisation
        assert run.summary["internal_mobility_share"] == 0.0
        assert run.summary["external_departure_share"] == run.summary["dropout_share"]
    assert_positive(
        paired("internal_mobility_share", default_runs, scarce),
        "internal mobility share, default minus scarce posts",
    )
    # With posts to spare, the repositioned are about the preference's share of leavers
    # (0.8): pooled over the runs, within 4 binomial standard errors.
    moved = sum(r.summary["internal_mobility_share"] for r in default_runs)
    left = sum(r.summary["dropout_share"] for r in default_runs)
    n = round(left * staff)
    preference = base.behaviour.internal_mobility_preference
    assert abs(moved / left - preference) < 4 * np.sqrt(preference * (1 - preference) / n)


def test_more_referents_speed_adoption():
    base = Scenario()
    few = replications(base.override({"levers.referent_share": 0.01}))
    many = replications(base.override({"levers.referent_share": 0.08}))
    assert_positive(
        paired("weeks_to_50pct_adoption", few, many),
        "weeks to 50 % adoption, few minus many referents",
    )
    assert_positive(paired(mean_adoption, many, few), "mean adoption, many minus few referents")


def test_dropout_stays_in_the_range_the_study_reports(default_runs):
    """CNFPT 2018, section IV.D: 5 to 10 % of staff leave or ask for mobility.

    The bound is checked on the mean over replications with a margin of 3 standard
    errors, and widened to 3-12 % because the default plan mixes augmentation and
    modification tools (the 5-10 % calibration proper is the calibration study's).
    """
    shares = np.array([r.summary["dropout_share"] for r in default_runs])
    margin = 3 * shares.std(ddof=1) / np.sqrt(shares.size)
    assert 0.03 - margin <= shares.mean() <= 0.12 + margin


def test_nearly_everybody_who_stays_uses_the_tools_in_the_end():
    """CNFPT 2018, section VI.A: 'nobody would go back' once the tools are in place."""
    runs = replications(Scenario().with_strategy("big_bang"))
    final = np.array([r.summary["adoption_final"] for r in runs])
    reverted = np.array([r.summary["reverted_final"] for r in runs])
    assert final.mean() > 0.95
    assert reverted.mean() < 0.02


def test_involvement_lowers_strain_and_refusal():
    """Involvement buffers strain (Tarafdar et al. 2007) and speeds acculturation (VI.A)."""
    base = Scenario()
    aside = replications(base.override({"levers.staff_involvement": 0.0}))
    involved = replications(base.override({"levers.staff_involvement": 1.0}))
    assert_positive(
        paired("rps_high_person_weeks", aside, involved),
        "person-weeks at high strain, no involvement minus full involvement",
    )
    assert_positive(
        paired("acculturation_final", involved, aside),
        "acculturation at the end, full minus no involvement",
    )
    assert_positive(
        paired("dropout_refusal_share", aside, involved),
        "refusal departures, no involvement minus full involvement",
    )


def test_e_learning_alone_teaches_less_than_the_same_hours_of_internal_training():
    """Section IV.D: e-learning 'is not 100 % winning'; internal training is contextualised."""
    base = Scenario().override({"levers.max_training_hours": 2.0})
    e_only = replications(
        base.override({"levers.training_capacity": 0, "levers.e_learning_hours": 2.0})
    )
    internal = replications(  # capacity enough for every learner's 2 hours, in person
        base.override(
            {
                "levers.training_capacity": 1000,
                "levers.e_learning_hours": 0.0,
                "levers.training_mix": {"vendor": 0, "internal": 1, "action": 0},
            }
        )
    )
    assert_positive(
        paired("mastered_share_final", internal, e_only),
        "staff mastering their tools, internal minus e-learning only",
    )
    assert_positive(
        paired(mean_adoption, internal, e_only), "mean adoption, internal minus e-learning only"
    )


def test_supplier_training_teaches_the_staff_less_than_internal_training():
    base = Scenario().override({"levers.training_capacity": 60})
    vendor = replications(
        base.override({"levers.training_mix": {"vendor": 1, "internal": 0, "action": 0}})
    )
    internal = replications(
        base.override({"levers.training_mix": {"vendor": 0, "internal": 1, "action": 0}})
    )
    assert_positive(
        paired(mean_adoption, internal, vendor), "mean adoption, internal minus supplier"
    )


def test_a_plan_faster_than_acculturation_pays_for_it_in_refusal():
    """Section VI.A: acculturation takes long; refusal depends on it."""
    base = Scenario()
    slow = replications(base.override({"behaviour.acculturation_rate": 0.0}))
    quick = replications(base.override({"behaviour.acculturation_rate": 0.05}))
    assert_positive(
        paired("dropout_refusal_share", slow, quick),
        "refusal departures, frozen minus quick acculturation",
    )
