"""Tests of the scenario records: schema.py, scenario.py, profiles.py and parameters.py.

They check that the defaults are valid and immutable, that partial mappings and
dotted overrides keep every other default, that rescaling headcounts is exact, and
that every kind of bad input ends in one ScenarioError naming the field path, the
offending value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import numpy as np
import pytest
from helpers import scenario_error
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.scenario import commune
from simulation.scenario.errors import ScenarioError
from simulation.scenario.organisation import Organisation, Relation, Service
from simulation.scenario.parameters import Behaviour, Levers
from simulation.scenario.profiles import PROFILES, SAMR_LEVELS, ByProfile, BySamr, ProfileMix
from simulation.scenario.records import Scenario
from simulation.scenario.rollout import STRATEGIES, Rollout, Tool, Wave
from simulation.scenario.schema import FieldInfo, Record, info_at, iter_specs

# A small valid organisation that the error cases below modify.
SMALL_ORG = {
    "services": [
        {"name": "accueil", "headcount": 60},
        {"name": "finances", "headcount": 40},
        {"name": "technique", "headcount": 50},
    ],
    "relations": [["accueil", "finances", 0.5], ["finances", "technique", 0.3]],
}
SMALL_TOOLS = [{"name": "ged"}, {"name": "parapheur", "services": ["finances"]}]


def small(**changes: Any) -> dict[str, Any]:
    """A valid scenario mapping on the small organisation, with top-level changes."""
    base: dict[str, Any] = {
        "horizon_weeks": 52,
        "organisation": json.loads(json.dumps(SMALL_ORG)),
        "tools": json.loads(json.dumps(SMALL_TOOLS)),
    }
    base.update(changes)
    return base


def error_of(value: Any) -> ScenarioError:
    return scenario_error(Scenario.from_value, value)


def walk_values(value: Any):
    """Every value reachable from a record, depth first (the record itself included)."""
    yield value
    if isinstance(value, Record):
        for f in dataclasses.fields(value):
            yield from walk_values(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from walk_values(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from walk_values(item)


# --------------------------------------------------------------------------- defaults


def test_default_scenario_is_valid_and_describes_the_commune():
    scenario = Scenario()
    assert Scenario.from_value({}) == scenario
    assert scenario.organisation.service_names == tuple(name for name, _ in commune.SERVICES)
    assert scenario.staff_count == sum(count for _, count in commune.SERVICES)
    assert [t.name for t in scenario.tools] == [t[0] for t in commune.TOOLS]
    assert len(scenario.organisation.relations) == len(commune.RELATIONS)
    assert scenario.rollout.strategy in STRATEGIES
    assert 0 <= scenario.rollout.start_week <= scenario.horizon_weeks


def test_default_profile_mix_is_the_study_mix_and_sums_to_one():
    mix = ProfileMix()
    assert (mix.technophile, mix.follower, mix.overwhelmed) == (0.10, 0.40, 0.50)
    assert math.isclose(float(mix.as_array().sum()), 1.0)
    assert Scenario().profile_mix == mix


def test_default_sections_build_alone():
    for cls in (Levers, Behaviour, Rollout, Organisation, ProfileMix):
        record = cls()
        assert cls.from_value(record.to_plain()) == record


@pytest.mark.parametrize(
    ("record", "attribute"),
    [
        (Scenario(), "horizon_weeks"),
        (Scenario().organisation, "total_staff"),
        (Scenario().organisation.services[0], "headcount"),
        (Scenario().tools[0], "samr"),
        (Scenario().rollout, "strategy"),
        (Scenario().rollout.big_bang, "preparation_weeks"),
        (Scenario().levers, "training_capacity"),
        (Scenario().behaviour, "peer_influence"),
        (Scenario().behaviour.fear_of_failure, "overwhelmed"),
        (Scenario().profile_mix, "technophile"),
    ],
)
def test_records_are_frozen(record, attribute):
    before = getattr(record, attribute)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, attribute, 1)
    assert getattr(record, attribute) == before


def test_default_scenario_holds_tuples_never_lists_or_dicts():
    scenario = Scenario()
    for value in walk_values(scenario):
        assert not isinstance(value, (list, dict, set)), value
    assert isinstance(scenario.organisation.services, tuple)
    assert isinstance(scenario.organisation.relations[0].between, tuple)
    assert isinstance(scenario.tools, tuple)
    assert isinstance(scenario.rollout.waves, tuple)
    hash(scenario)  # frozen with immutable fields: usable as a key


def test_lists_from_a_mapping_become_tuples():
    scenario = Scenario.from_value(
        small(rollout={"strategy": "custom", "waves": [{"week": 5, "tools": ["ged"]}]})
    )
    for value in walk_values(scenario):
        assert not isinstance(value, (list, dict, set)), value
    assert scenario.tools[1].services == ("finances",)
    assert scenario.rollout.waves[0].tools == ("ged",)
    assert scenario.organisation.relations[0] == Relation(("accueil", "finances"), 0.5)


def test_lists_given_from_python_become_tuples():
    org = Organisation(
        services=[Service("a", 10), Service("b", 5)], relations=[Relation(["a", "b"], 0.5)]
    )
    assert isinstance(org.services, tuple)
    assert isinstance(org.relations, tuple)
    assert org.relations[0].between == ("a", "b")
    tool = Tool("t", services=["a"])
    assert tool.services == ("a",)


def test_equal_scenarios_hash_equal():
    a = Scenario.from_value(small())
    b = Scenario.from_value(small())
    assert a == b
    assert hash(a) == hash(b)
    assert a != Scenario.from_value(small(horizon_weeks=53))


def test_by_profile_and_by_samr_index_in_declared_order():
    values = ByProfile(0.1, 0.2, 0.3)
    np.testing.assert_array_equal(values.as_array(), [0.1, 0.2, 0.3])
    assert [getattr(values, p) for p in PROFILES] == [0.1, 0.2, 0.3]
    depth = BySamr(1, 2, 3, 4)
    assert [depth[level] for level in SAMR_LEVELS] == [1.0, 2.0, 3.0, 4.0]


def test_replace_validates_again():
    scenario = Scenario()
    assert scenario.replace(horizon_weeks=52).horizon_weeks == 52
    with pytest.raises(ScenarioError, match="horizon_weeks"):
        scenario.replace(horizon_weeks=0)


# --------------------------------------------------------------------------- partial mappings


def test_partial_top_level_mapping_keeps_other_defaults():
    scenario = Scenario.from_value({"horizon_weeks": 52})
    default = Scenario()
    assert scenario.horizon_weeks == 52
    assert scenario == dataclasses.replace(default, horizon_weeks=52)


def test_partial_section_keeps_the_section_defaults():
    scenario = Scenario.from_value({"levers": {"training_capacity": 60}})
    assert scenario.levers.training_capacity == 60.0
    assert scenario.levers == dataclasses.replace(Levers(), training_capacity=60.0)
    assert scenario.behaviour == Behaviour()
    assert scenario.rollout == Rollout()


def test_partial_nested_plan_keeps_the_plan_and_rollout_defaults():
    scenario = Scenario.from_value({"rollout": {"big_bang": {"preparation_weeks": 8}}})
    assert scenario.rollout.big_bang.preparation_weeks == 8
    assert scenario.rollout.big_bang.project_framing == Rollout().big_bang.project_framing
    assert scenario.rollout.strategy == Rollout().strategy
    assert scenario.rollout.short_cycle == Rollout().short_cycle


def test_new_rollout_levers_default_to_the_plans_of_before():
    rollout = Scenario().rollout
    # One service per small step, in the order of organisation.services.
    assert rollout.small_steps.services_per_step == 1
    assert rollout.service_order == "listed"
    changed = Scenario().override(
        {"rollout.small_steps.services_per_step": 3, "rollout.service_order": "connected_first"}
    )
    assert changed.rollout.small_steps.services_per_step == 3
    assert changed.rollout.service_order == "connected_first"
    assert changed.rollout.small_steps.pilot_weeks == rollout.small_steps.pilot_weeks


def test_partial_per_profile_mapping_keeps_the_other_profiles():
    scenario = Scenario.from_value({"behaviour": {"fear_of_failure": {"overwhelmed": 0.9}}})
    default = Behaviour().fear_of_failure
    fear = scenario.behaviour.fear_of_failure
    assert fear.overwhelmed == 0.9
    assert fear.technophile == default.technophile
    assert fear.follower == default.follower
    assert dataclasses.replace(scenario.behaviour, fear_of_failure=default) == Behaviour()


def test_bare_number_for_a_per_profile_field_applies_to_every_profile():
    scenario = Scenario.from_value(
        {"behaviour": {"fear_of_failure": 0.25, "vulnerability": 2, "samr_depth": 0.5}}
    )
    assert scenario.behaviour.fear_of_failure == ByProfile(0.25, 0.25, 0.25)
    np.testing.assert_array_equal(scenario.behaviour.vulnerability.as_array(), [2.0] * 3)
    assert all(scenario.behaviour.samr_depth[level] == 0.5 for level in SAMR_LEVELS)


def test_partial_profile_mix_keeps_the_other_shares():
    scenario = Scenario.from_value({"profile_mix": {"technophile": 0.2, "follower": 0.3}})
    assert scenario.profile_mix == ProfileMix(0.2, 0.3, ProfileMix().overwhelmed)


def test_partial_mapping_given_from_python_is_completed():
    scenario = Scenario(behaviour={"fear_of_failure": {"technophile": 0.0}})
    assert scenario.behaviour.fear_of_failure.technophile == 0.0
    assert scenario.behaviour.fear_of_failure.overwhelmed == Behaviour().fear_of_failure.overwhelmed
    assert isinstance(scenario.behaviour, Behaviour)


def test_whole_numbers_written_as_floats_are_accepted_for_integer_fields():
    scenario = Scenario.from_value({"horizon_weeks": 52.0})
    assert scenario.horizon_weeks == 52
    assert isinstance(scenario.horizon_weeks, int)


# --------------------------------------------------------------------------- override


def test_override_sets_dotted_paths_and_leaves_the_original_alone():
    original = Scenario()
    changed = original.override(
        {
            "levers.training_capacity": 60,
            "horizon_weeks": 52,
            "behaviour.fear_of_failure.overwhelmed": 0.9,
            "organisation.total_staff": 150,
            "rollout.big_bang.preparation_weeks": 6,
        }
    )
    assert changed.levers.training_capacity == 60.0
    assert changed.horizon_weeks == 52
    assert changed.behaviour.fear_of_failure.overwhelmed == 0.9
    assert changed.behaviour.fear_of_failure.follower == original.behaviour.fear_of_failure.follower
    assert changed.organisation.total_staff == 150
    assert changed.rollout.big_bang.preparation_weeks == 6
    assert original == Scenario()
    expected = Scenario.from_value(
        {
            "levers": {"training_capacity": 60},
            "horizon_weeks": 52,
            "behaviour": {"fear_of_failure": {"overwhelmed": 0.9}},
            "organisation": {"total_staff": 150},
            "rollout": {"big_bang": {"preparation_weeks": 6}},
        }
    )
    assert changed == expected


def test_override_with_a_whole_section_or_a_bare_number():
    changed = Scenario().override(
        {"behaviour.fear_of_failure": 0.5, "profile_mix": {"technophile": 0.3, "follower": 0.2}}
    )
    assert changed.behaviour.fear_of_failure == ByProfile(0.5, 0.5, 0.5)
    assert changed.profile_mix == ProfileMix(0.3, 0.2, 0.5)


def test_override_with_no_changes_gives_an_equal_scenario():
    assert Scenario().override({}) == Scenario()


@pytest.mark.parametrize(
    ("path", "error_path", "close"),
    [
        ("levers.trainng_capacity", "levers.trainng_capacity", "training_capacity"),
        ("leverz.training_capacity", "leverz", "levers"),
        ("horizon_weks", "horizon_weks", "horizon_weeks"),
        ("rollout.big_bang.preparaton_weeks", "rollout.big_bang.preparaton_weeks", None),
    ],
)
def test_override_with_an_unknown_path_names_it_and_suggests(path, error_path, close):
    with pytest.raises(ScenarioError) as info:
        Scenario().override({path: 1})
    error = info.value
    assert error.path == error_path
    assert str(error).startswith(error_path + ": ")
    assert "no such parameter" in str(error)
    if close:
        assert f"did you mean '{close}'" in str(error)
        assert close in str(error).split("allowed here:")[1]


def test_override_below_a_leaf_is_an_unknown_path():
    with pytest.raises(ScenarioError) as info:
        Scenario().override({"horizon_weeks.x": 1})
    assert info.value.path == "horizon_weeks.x"
    assert "no such parameter" in str(info.value)


@pytest.mark.parametrize(
    ("changes", "path", "fragments"),
    [
        ({"levers.training_capacity": "lots"}, "levers.training_capacity", ["'lots'", "number"]),
        ({"horizon_weeks": 0}, "horizon_weeks", ["0", "from 1 to 100,000"]),
        ({"rollout.strategy": "bigbang"}, "rollout.strategy", ["did you mean 'big_bang'"]),
        ({"horizon_weeks": 2}, "rollout.start_week", ["beyond the horizon", "(2)"]),
        (
            {"behaviour.fear_of_failure.overwhelmed": 1.5},
            "behaviour.fear_of_failure.overwhelmed",
            ["1.5", "from 0 to 1"],
        ),
    ],
)
def test_override_with_an_invalid_value_names_the_path(changes, path, fragments):
    with pytest.raises(ScenarioError) as info:
        Scenario().override(changes)
    assert info.value.path == path
    assert str(info.value).startswith(path + ": ")
    for fragment in fragments:
        assert fragment in str(info.value)


def validated_in_full(scenario: Scenario, changes: dict) -> Scenario:
    """``override`` as it would be by validating the whole scenario again."""
    from simulation.scenario.records import _set_path

    plain = scenario.to_plain()
    for path, value in changes.items():
        _set_path(plain, path, value)
    return Scenario.from_value(plain)


@pytest.mark.parametrize(
    "changes",
    [
        {"behaviour.strain_recovery": 0.05, "behaviour.refusal_weeks": 20},
        {"behaviour.fear_of_failure.overwhelmed": 0.7, "levers.training_capacity": 12},
        {"profile_mix.technophile": 0.2, "profile_mix.follower": 0.3},
        {"profile_mix.technophile": 0.9},  # shares no longer sum to one
        {"horizon_weeks": 52, "rollout.strategy": "short_cycle"},
        {"horizon_weeks": 2},  # the start week beyond the horizon: a scenario-wide rule
        {"behaviour.fear_of_failure.overwhelmed": 1.5},
        {"behaviour.nonsense": 1.0},
        {"nonsense": 1.0},
        {"behaviour.samr_time_saving.modification": 0.4, "costs": {}},
        {"name": "Autre", "levers.training_capacity": "lots"},
    ],
)
def test_override_gives_what_validating_everything_again_gives(changes):
    # override rebuilds only the sections a path goes through: the same scenario, or
    # the same error at the same path, as rebuilding the whole scenario.
    base = Scenario()
    try:
        expected = validated_in_full(base, changes)
    except ScenarioError as error:
        with pytest.raises(ScenarioError) as info:
            base.override(changes)
        assert (info.value.path, info.value.problem) == (error.path, error.problem)
    else:
        assert base.override(changes) == expected


# --------------------------------------------------------------------------- to_plain, strategies


def plain_types_only(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain_types_only(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain_types_only(v) for v in value)
    return value is None or isinstance(value, (str, int, float, bool))


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(),
        Scenario().override({"organisation.total_staff": 150, "behaviour.fear_of_failure": 0.2}),
        Scenario.from_value(
            small(
                profile_mix={"technophile": 0.2, "follower": 0.5, "overwhelmed": 0.3},
                rollout={
                    "strategy": "custom",
                    "waves": [
                        {"week": 4, "tools": ["ged"], "services": ["accueil"]},
                        {"week": 10},
                    ],
                    "small_steps": {"pilot_service": "finances"},
                },
            )
        ),
    ],
    ids=["default", "overridden", "custom"],
)
def test_to_plain_round_trips(scenario):
    plain = scenario.to_plain()
    assert plain_types_only(plain)
    json.dumps(plain)  # plain data, serialisable as is
    assert Scenario.from_value(plain) == scenario
    assert Scenario.from_value(json.loads(json.dumps(plain))) == scenario


def test_to_plain_with_per_service_mix_and_backing_round_trips():
    org = json.loads(json.dumps(SMALL_ORG))
    org["services"][0]["profile_mix"] = {"technophile": 0.3, "follower": 0.3, "overwhelmed": 0.4}
    org["services"][1]["manager_backing"] = 0.9
    scenario = Scenario.from_value(small(organisation=org))
    assert scenario.organisation.services[0].profile_mix == ProfileMix(0.3, 0.3, 0.4)
    assert Scenario.from_value(scenario.to_plain()) == scenario


@pytest.mark.parametrize("strategy", ["big_bang", "small_steps", "short_cycle"])
def test_with_strategy_changes_only_the_strategy(strategy):
    base = Scenario()
    changed = base.with_strategy(strategy)
    assert changed.rollout.strategy == strategy
    assert changed == dataclasses.replace(
        base, rollout=dataclasses.replace(base.rollout, strategy=strategy)
    )
    assert base == Scenario()


def test_with_strategy_custom_needs_waves():
    with pytest.raises(ScenarioError) as info:
        Scenario().with_strategy("custom")
    assert info.value.path == "rollout.waves"
    with_waves = Scenario().override({"rollout.waves": [{"week": 10}]})
    assert with_waves.with_strategy("custom").rollout.strategy == "custom"


def test_with_strategy_rejects_an_unknown_name_with_a_suggestion():
    with pytest.raises(ScenarioError) as info:
        Scenario().with_strategy("smallsteps")
    assert info.value.path == "rollout.strategy"
    assert "did you mean 'small_steps'" in str(info.value)
    assert "'smallsteps'" in str(info.value)


# --------------------------------------------------------------------------- headcounts


def test_staff_count_without_rescaling_is_the_sum_of_headcounts():
    scenario = Scenario.from_value(small())
    assert scenario.organisation.headcounts() == (60, 40, 50)
    assert scenario.staff_count == 150


@pytest.mark.parametrize("total", [100, 137, 150, 200, 499, 500, 1000, 20_000])
def test_headcounts_rescale_exactly_and_proportionally(total):
    scenario = Scenario().override({"organisation.total_staff": total})
    counts = scenario.organisation.headcounts()
    original = [s.headcount for s in scenario.organisation.services]
    exact = [c * total / sum(original) for c in original]
    assert sum(counts) == total
    assert scenario.staff_count == total
    assert all(c >= 1 for c in counts)
    assert all(abs(c - x) < 1 for c, x in zip(counts, exact, strict=True))
    # larger services never get fewer staff than smaller ones
    for i in range(len(counts)):
        for j in range(len(counts)):
            if original[i] < original[j]:
                assert counts[i] <= counts[j]


def test_headcounts_at_the_original_total_are_unchanged():
    scenario = Scenario().override({"organisation.total_staff": 500})
    assert scenario.organisation.headcounts() == tuple(c for _, c in commune.SERVICES)


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(1, 5000), min_size=1, max_size=15),
    extra=st.integers(0, 100_000),
)
def test_headcounts_rescaling_property(counts, extra):
    total = len(counts) + extra  # at least one staff member per service
    services = tuple(Service(f"s{i}", c) for i, c in enumerate(counts))
    org = Organisation(services=services, relations=(), total_staff=total)
    result = org.headcounts()
    exact = [c * total / sum(counts) for c in counts]
    assert sum(result) == total
    assert all(r >= 1 for r in result)
    for i in range(len(counts)):
        if exact[i] >= 1:
            # a service can only lose staff to the small services lifted to one
            assert result[i] < exact[i] + 1
        for j in range(len(counts)):
            if counts[i] < counts[j]:
                assert result[i] <= result[j]
    if min(exact) >= 1:
        assert all(abs(r - x) < 1 for r, x in zip(result, exact, strict=True))


@pytest.mark.parametrize(
    ("counts", "total"),
    [
        ([1000, 1, 1], 10),
        ([1000, 1, 1], 50),
        ([c for _, c in commune.SERVICES], 13),
        ([c for _, c in commune.SERVICES], 20),
    ],
)
def test_headcounts_sum_is_exact_even_when_small_services_are_lifted_to_one(counts, total):
    services = tuple(Service(f"s{i}", c) for i, c in enumerate(counts))
    org = Organisation(services=services, relations=(), total_staff=total)
    result = org.headcounts()
    assert all(r >= 1 for r in result)
    assert sum(result) == total
    assert result[counts.index(max(counts))] == max(result)


def test_total_staff_equal_to_the_number_of_services_gives_one_each():
    scenario = Scenario().override({"organisation.total_staff": len(commune.SERVICES)})
    assert scenario.organisation.headcounts() == (1,) * len(commune.SERVICES)


def test_total_staff_below_the_number_of_services_is_rejected():
    with pytest.raises(ScenarioError) as info:
        Scenario().override({"organisation.total_staff": 5})
    error = info.value
    assert error.path == "organisation.total_staff"
    assert str(error).startswith("organisation.total_staff: 5 ")
    assert str(len(commune.SERVICES)) in str(error)


# --------------------------------------------------------------------------- errors

ERROR_CASES = [
    # unknown keys
    pytest.param(
        {"horizon_wekks": 52},
        "horizon_wekks",
        ["unknown key", "did you mean 'horizon_weeks'", "allowed keys:", "seed"],
        id="unknown-top-key",
    ),
    pytest.param(
        {"levers": {"trainig_capacity": 60}},
        "levers.trainig_capacity",
        ["unknown key", "did you mean 'training_capacity'", "allowed keys:"],
        id="unknown-nested-key",
    ),
    pytest.param(
        {"behaviour": {"fear_of_failure": {"overwhelmd": 0.9}}},
        "behaviour.fear_of_failure.overwhelmd",
        ["did you mean 'overwhelmed'", "technophile, follower, overwhelmed"],
        id="unknown-profile-key",
    ),
    pytest.param(
        {1: 2},
        "1",
        ["keys must be text", "allowed keys:"],
        id="non-text-key",
    ),
    # wrong types
    pytest.param(
        {"horizon_weeks": "ten"}, "horizon_weeks", ["'ten'", "a whole number"], id="text-for-int"
    ),
    pytest.param(
        {"levers": {"training_capacity": "lots"}},
        "levers.training_capacity",
        ["'lots'", "expected a number"],
        id="text-for-float",
    ),
    pytest.param({"name": 3}, "name", ["expected text", "3"], id="number-for-text"),
    pytest.param(
        small(tools=[{"name": 7}]), "tools[0].name", ["expected text", "7"], id="number-for-name"
    ),
    pytest.param(
        {"horizon_weeks": True}, "horizon_weeks", ["True", "a whole number"], id="true-for-int"
    ),
    pytest.param(
        {"levers": {"training_capacity": True}},
        "levers.training_capacity",
        ["True", "expected a number"],
        id="true-for-float",
    ),
    pytest.param(
        {"behaviour": {"fear_of_failure": True}},
        "behaviour.fear_of_failure",
        ["True", "a number or a mapping"],
        id="true-for-per-profile",
    ),
    pytest.param(
        {"behaviour": {"fear_of_failure": "high"}},
        "behaviour.fear_of_failure",
        ["'high'", "a number or a mapping"],
        id="text-for-per-profile",
    ),
    pytest.param(
        {"levers": {"business_project_lead": 1}},
        "levers.business_project_lead",
        ["1", "true or false"],
        id="number-for-bool",
    ),
    pytest.param({"levers": [1, 2]}, "levers", ["[1, 2]", "a mapping"], id="list-for-mapping"),
    pytest.param(
        {"organisation": ["accueil"]},
        "organisation",
        ["['accueil']", "a mapping"],
        id="list-for-organisation",
    ),
    pytest.param({"tools": {"name": "x"}}, "tools", ["expected a list"], id="mapping-for-list"),
    pytest.param({"tools": "ged"}, "tools", ["expected a list", "'ged'"], id="text-for-list"),
    pytest.param(
        {"horizon_weeks": 2.5}, "horizon_weeks", ["2.5", "a whole number"], id="fraction-for-int"
    ),
    pytest.param(
        {"rollout": {"strategy": "bigbang"}},
        "rollout.strategy",
        ["'bigbang'", "did you mean 'big_bang'", "'short_cycle'"],
        id="misspelt-choice",
    ),
    pytest.param(
        small(tools=[{"name": "ged", "samr": "transformation"}]),
        "tools[0].samr",
        ["'transformation'", "'substitution'", "'redefinition'"],
        id="bad-samr",
    ),
    # out of range
    pytest.param(
        {"levers": {"training_capacity": -1}},
        "levers.training_capacity",
        ["-1", "out of range", "from 0 to 1,000,000"],
        id="negative-capacity",
    ),
    pytest.param(
        {"levers": {"referent_share": 0.9}},
        "levers.referent_share",
        ["0.9", "from 0 to 0.5"],
        id="referent-share",
    ),
    pytest.param(
        {"behaviour": {"referent_reach": 0}},
        "behaviour.referent_reach",
        ["0", "> 0 and ≤ 1,000"],
        id="exclusive-lower-bound",
    ),
    pytest.param(
        {"behaviour": {"samr_time_saving": {"substitution": 1.0}}},
        "behaviour.samr_time_saving.substitution",
        ["1.0", "≥ 0 and < 1"],
        id="exclusive-upper-bound",
    ),
    pytest.param(
        {"behaviour": {"fear_of_failure": {"overwhelmed": 1.5}}},
        "behaviour.fear_of_failure.overwhelmed",
        ["1.5", "from 0 to 1"],
        id="per-profile-out-of-range",
    ),
    pytest.param(
        {"horizon_weeks": 0}, "horizon_weeks", ["0", "from 1 to 100,000"], id="horizon-zero"
    ),
    pytest.param({"seed": -1}, "seed", ["-1", "from 0 to"], id="negative-seed"),
    pytest.param(
        {"organisation": {"total_staff": 0}},
        "organisation.total_staff",
        ["0", "from 1 to 10,000,000"],
        id="total-staff-zero",
    ),
    pytest.param(
        small(organisation={**SMALL_ORG, "services": [{"name": "accueil", "headcount": 0}]}),
        "organisation.services[0].headcount",
        ["0", "from 1 to 1,000,000"],
        id="headcount-zero",
    ),
    pytest.param(
        small(organisation={**SMALL_ORG, "relations": [["accueil", "finances", 1.5]]}),
        "organisation.relations[0].weight",
        ["1.5", "> 0 and ≤ 1"],
        id="relation-weight",
    ),
    # NaN and infinities
    pytest.param(
        {"levers": {"training_capacity": math.nan}},
        "levers.training_capacity",
        ["nan", "finite"],
        id="nan-float",
    ),
    pytest.param(
        {"levers": {"training_capacity": math.inf}},
        "levers.training_capacity",
        ["inf", "finite"],
        id="inf-float",
    ),
    pytest.param(
        {"behaviour": {"peer_influence": -math.inf}},
        "behaviour.peer_influence",
        ["-inf", "finite"],
        id="minus-inf-float",
    ),
    pytest.param(
        {"horizon_weeks": math.inf}, "horizon_weeks", ["inf", "whole number"], id="inf-int"
    ),
    pytest.param(
        {"horizon_weeks": math.nan}, "horizon_weeks", ["nan", "whole number"], id="nan-int"
    ),
    pytest.param(
        {"behaviour": {"fear_of_failure": {"follower": math.nan}}},
        "behaviour.fear_of_failure.follower",
        ["nan", "finite"],
        id="nan-per-profile",
    ),
    # profile mixes
    pytest.param(
        {"profile_mix": {"technophile": 0.2, "follower": 0.4, "overwhelmed": 0.5}},
        "profile_mix",
        ["sum to 1.1", "technophile 0.2", "must sum to 1"],
        id="mix-sum",
    ),
    pytest.param(
        {"profile_mix": {"technophile": 0.3}},
        "profile_mix",
        ["sum to 1.2", "must sum to 1"],
        id="partial-mix-sum",
    ),
    pytest.param(
        small(
            organisation={
                **SMALL_ORG,
                "services": [
                    {"name": "accueil", "headcount": 60},
                    {
                        "name": "finances",
                        "headcount": 40,
                        "profile_mix": {"technophile": 0.5, "follower": 0.4, "overwhelmed": 0.4},
                    },
                    {"name": "technique", "headcount": 50},
                ],
            }
        ),
        "organisation.services[1].profile_mix",
        ["sum to 1.3", "must sum to 1"],
        id="service-mix-sum",
    ),
    pytest.param(
        {"profile_mix": 0.5},
        "profile_mix",
        ["0.5", "shares summing to 1"],
        id="mix-bare-number",
    ),
    # duplicates and references
    pytest.param(
        small(
            organisation={
                "services": [
                    {"name": "accueil", "headcount": 60},
                    {"name": "accueil", "headcount": 5},
                ],
                "relations": [],
            }
        ),
        "organisation.services[1].name",
        ["'accueil'", "listed twice"],
        id="duplicate-service",
    ),
    pytest.param(
        small(tools=[{"name": "ged"}, {"name": "ged", "samr": "substitution"}]),
        "tools[1].name",
        ["'ged'", "listed twice"],
        id="duplicate-tool",
    ),
    pytest.param(
        small(tools=[{"name": "ged", "services": ["accueil", "financs"]}]),
        "tools[0].services[1]",
        ["unknown service 'financs'", "did you mean 'finances'", "known services: accueil"],
        id="tool-unknown-service",
    ),
    pytest.param(
        small(organisation={**SMALL_ORG, "relations": [["accueil", "compta", 0.5]]}),
        "organisation.relations[0].between[1]",
        ["unknown service 'compta'", "known services: accueil, finances, technique"],
        id="relation-unknown-service",
    ),
    pytest.param(
        small(organisation={**SMALL_ORG, "relations": [["acceuil", "finances"]]}),
        "organisation.relations[0].between[0]",
        ["unknown service 'acceuil'", "did you mean 'accueil'"],
        id="relation-misspelt-service",
    ),
    pytest.param(
        small(organisation={**SMALL_ORG, "relations": [["finances", "finances", 0.5]]}),
        "organisation.relations[0].between",
        ["'finances'", "related to itself"],
        id="relation-to-itself",
    ),
    pytest.param(
        small(
            organisation={
                **SMALL_ORG,
                "relations": [["accueil", "finances", 0.5], ["finances", "accueil", 0.2]],
            }
        ),
        "organisation.relations[1]",
        ["'finances', 'accueil'", "listed twice"],
        id="relation-twice",
    ),
    pytest.param(
        small(organisation={**SMALL_ORG, "relations": [["accueil"]]}),
        "organisation.relations[0]",
        ["['accueil']", "[service, service, weight]"],
        id="relation-one-service",
    ),
    pytest.param(
        small(organisation={**SMALL_ORG, "services": []}),
        "organisation.services",
        ["at least one service"],
        id="no-services",
    ),
    pytest.param(
        small(organisation={**SMALL_ORG, "services": [{"name": "accueil"}]}),
        "organisation.services[0]",
        ["missing key 'headcount'", "a whole number"],
        id="missing-headcount",
    ),
    pytest.param(small(tools=[]), "tools", ["at least one tool"], id="no-tools"),
    # rollout
    pytest.param(
        small(rollout={"strategy": "custom"}),
        "rollout.waves",
        ["custom strategy", "at least one wave"],
        id="custom-without-waves",
    ),
    pytest.param(
        small(rollout={"strategy": "custom", "waves": [{"week": -1}]}),
        "rollout.waves[0].week",
        ["-1", "out of range", "from 0 to"],
        id="wave-in-the-past",
    ),
    pytest.param(
        small(rollout={"strategy": "custom", "waves": [{"week": 10}, {"week": 60}]}),
        "rollout.waves[1].week",
        ["week 60", "beyond the horizon", "horizon_weeks (52)"],
        id="wave-beyond-horizon",
    ),
    pytest.param(
        small(rollout={"strategy": "custom", "waves": [{"week": 10, "tools": ["gde"]}]}),
        "rollout.waves[0].tools[0]",
        ["unknown tool 'gde'", "did you mean 'ged'", "known tools: ged, parapheur"],
        id="wave-unknown-tool",
    ),
    pytest.param(
        small(rollout={"strategy": "custom", "waves": [{"week": 10, "services": ["technik"]}]}),
        "rollout.waves[0].services[0]",
        ["unknown service 'technik'", "did you mean 'technique'"],
        id="wave-unknown-service",
    ),
    pytest.param(
        small(rollout={"strategy": "custom", "waves": [{"tools": ["ged"]}]}),
        "rollout.waves[0]",
        ["missing key 'week'"],
        id="wave-without-week",
    ),
    pytest.param(
        small(rollout={"start_week": 60}),
        "rollout.start_week",
        ["60", "beyond the horizon", "horizon_weeks (52)"],
        id="start-beyond-horizon",
    ),
    pytest.param(
        small(rollout={"small_steps": {"pilot_service": "acceuil"}}),
        "rollout.small_steps.pilot_service",
        ["unknown service 'acceuil'", "did you mean 'accueil'", "known services"],
        id="unknown-pilot",
    ),
    pytest.param(
        small(rollout={"small_steps": {"services_per_step": 0}}),
        "rollout.small_steps.services_per_step",
        ["0 is out of range", "from 1 to 100,000 (services)"],
        id="no-service-per-step",
    ),
    pytest.param(
        small(rollout={"small_steps": {"services_per_step": 1.5}}),
        "rollout.small_steps.services_per_step",
        ["expected a whole number", "1.5"],
        id="fractional-services-per-step",
    ),
    pytest.param(
        small(rollout={"small_steps": {"services_per_step": 100_001}}),
        "rollout.small_steps.services_per_step",
        ["100001 is out of range", "from 1 to 100,000"],
        id="too-many-services-per-step",
    ),
    pytest.param(
        small(rollout={"service_order": "biggest_first"}),
        "rollout.service_order",
        [
            "'biggest_first' is not allowed",
            "one of 'listed', 'largest_first', 'smallest_first', 'technophiles_first', "
            "'connected_first'",
            "did you mean 'largest_first'",
        ],
        id="unknown-service-order",
    ),
    pytest.param(
        small(rollout={"service_order": ["listed"]}),
        "rollout.service_order",
        ["['listed'] is not allowed", "one of 'listed'"],
        id="service-order-as-a-list",
    ),
    # top level
    pytest.param(["a"], "", ["expected a mapping", "['a']"], id="list-at-top"),
    pytest.param(None, "", ["expected a mapping", "None"], id="none-at-top"),
]


@pytest.mark.parametrize(("value", "path", "fragments"), ERROR_CASES)
def test_bad_input_gives_one_clear_scenario_error(value, path, fragments):
    error = error_of(value)
    text = str(error)
    assert isinstance(error, ValueError)
    assert error.path == path
    if path:
        assert text.startswith(path + ": "), text
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"


def test_own_services_with_the_default_relations_points_to_the_default():
    own = [{"name": "a", "headcount": 30}, {"name": "b", "headcount": 20}]
    error = error_of({"organisation": {"services": own}})
    assert error.path.startswith("organisation.relations[0].between[")
    assert "known services: a, b" in str(error)
    assert "default" in str(error).split("known services: a, b")[1]


def test_own_services_with_the_default_tools_points_to_the_default():
    own = [{"name": "a", "headcount": 30}, {"name": "b", "headcount": 20}]
    error = error_of({"organisation": {"services": own, "relations": []}})
    assert error.path.startswith("tools[")
    assert "known services: a, b" in str(error)
    assert "default" in str(error).split("known services: a, b")[1]


def test_a_tool_with_an_empty_service_list_is_an_error():
    error = error_of(small(tools=[{"name": "ged", "services": []}]))
    assert error.path == "tools[0].services"
    assert "'all'" in str(error)


def test_a_tool_is_shown_by_its_label_else_by_its_name_as_words():
    scenario = Scenario.from_value(
        small(tools=[{"name": "ged_courrier", "label": "GED et courrier"}, {"name": "suite_web"}])
    )
    assert [t.shown for t in scenario.tools] == ["GED et courrier", "Suite web"]
    assert scenario.tools[1].label is None
    assert Scenario().tools[0].shown == Scenario().tools[0].name.replace("_", " ").capitalize()


def test_two_tools_with_the_same_label_is_an_error():
    error = error_of(small(tools=[{"name": "ged_web"}, {"name": "ged", "label": "Ged web"}]))
    assert error.path == "tools[1].label"
    assert "'Ged web'" in str(error)


def test_unknown_key_without_a_close_match_lists_allowed_keys_without_guessing():
    error = error_of({"zzzz": 1})
    assert "did you mean" not in str(error)
    allowed = str(error).split("allowed keys:")[1]
    for f in dataclasses.fields(Scenario):
        assert f.name in allowed


def test_bounds_text_describes_every_kind_of_bound():
    assert FieldInfo("x", ge=0, le=1).bounds_text() == "from 0 to 1"
    assert FieldInfo("x", gt=0, le=1000).bounds_text() == "> 0 and ≤ 1,000"
    assert FieldInfo("x", ge=0, lt=1).bounds_text() == "≥ 0 and < 1"
    assert FieldInfo("x", ge=0, le=0.5).bounds_text() == "from 0 to 0.5"
    assert FieldInfo("x").bounds_text() == "any number"
    info = FieldInfo("x", gt=0, lt=1)
    assert not info.admits(0) and info.admits(0.5) and not info.admits(1)


def test_error_inside_and_from_source_compose_paths():
    error = ScenarioError("bad", path="weight")
    nested = error.inside("relations[2]").inside("organisation")
    assert nested.path == "organisation.relations[2].weight"
    indexed = ScenarioError("bad", path="[0]").inside("tools")
    assert indexed.path == "tools[0]"
    located = nested.from_source("s.yaml")
    assert str(located) == "s.yaml: organisation.relations[2].weight: bad"
    assert located.from_source("other.yaml").source == "s.yaml"


@pytest.mark.parametrize(
    "value",
    [
        {"levers": {"training_capacity": 10**400}},
        {"behaviour": {"fear_of_failure": 10**400}},
    ],
    ids=["float-field", "per-profile-bare-number"],
)
def test_huge_integer_for_a_float_field_gives_a_scenario_error(value):
    error = error_of(value)
    assert "out of range" in str(error) or "finite" in str(error)


def test_misspelt_all_suggests_all():
    error = error_of(small(tools=[{"name": "ged", "services": "al"}]))
    assert error.path == "tools[0].services"
    assert "did you mean 'all'" in str(error)


# --------------------------------------------------------------------------- documentation


SPECS = list(iter_specs(Scenario))


def test_iter_specs_walks_every_section():
    paths = [path for path, _, _ in SPECS]
    assert len(paths) == len(set(paths))
    for expected in (
        "horizon_weeks",
        "organisation.services[].headcount",
        "organisation.relations[].weight",
        "tools[].samr",
        "rollout.waves[].week",
        "rollout.big_bang.preparation_weeks",
        "levers.training_capacity",
        "behaviour.fear_of_failure",
        "behaviour.samr_depth",
        "profile_mix",
    ):
        assert expected in paths
    for section, cls in (("levers.", Levers), ("behaviour.", Behaviour)):
        documented = {p[len(section) :] for p in paths if p.startswith(section)}
        assert documented == {f.name for f in dataclasses.fields(cls)}
    # per-profile tables are documented as one parameter, not walked
    assert not any(p.startswith("behaviour.fear_of_failure.") for p in paths)


@pytest.mark.parametrize(("path", "default", "info"), SPECS, ids=[p for p, _, _ in SPECS])
def test_every_parameter_is_documented_with_a_source(path, default, info):
    assert isinstance(info, FieldInfo)
    assert info.doc.strip(), path
    assert info.source.strip(), path


def numbers_in(default: Any) -> list[float]:
    if isinstance(default, bool) or default is None or isinstance(default, str):
        return []
    if isinstance(default, (int, float)):
        return [default]
    if isinstance(default, Record):
        return [getattr(default, f.name) for f in dataclasses.fields(default)]
    if isinstance(default, tuple):
        return [x for item in default for x in numbers_in(item)]
    return []


@pytest.mark.parametrize(("path", "default", "info"), SPECS, ids=[p for p, _, _ in SPECS])
def test_every_numeric_default_lies_within_its_bounds(path, default, info):
    for number in numbers_in(default):
        assert math.isfinite(number), path
        assert info.admits(number), f"{path}: default {number} not {info.bounds_text()}"


def test_numeric_parameters_have_bounds():
    for path, default, info in SPECS:
        if numbers_in(default) and not isinstance(default, ProfileMix):
            bounded = any(b is not None for b in (info.ge, info.gt, info.le, info.lt))
            assert bounded, path


def test_wave_services_and_tool_defaults_are_all():
    assert Wave(week=3).tools == "all"
    assert Wave(week=3).services == "all"
    assert Tool("t").services == "all"


def test_info_at_finds_a_fields_documentation_by_its_path():
    specs = {path: info for path, _, info in iter_specs(Scenario)}
    for path in ("behaviour.strain_recovery", "levers.training_capacity", "horizon_weeks"):
        assert info_at(Scenario, path) == specs[path]
    # A component of a per-profile or per-level table has the table's documentation.
    assert (
        info_at(Scenario, "behaviour.fear_of_failure.overwhelmed")
        == specs["behaviour.fear_of_failure"]
    )
    assert info_at(Scenario, "profile_mix.overwhelmed") == specs["profile_mix"]
    for unknown in ("nope", "behaviour.nope", "behaviour.strain_recovery.deeper"):
        assert info_at(Scenario, unknown) is None


def test_a_union_takes_its_fitting_option_without_wording_the_others():
    # "all" cannot be a list of services: that option is passed over at its first test,
    # without its message (the catalogue is read only when a message is shown).
    import subprocess
    import sys

    code = (
        "from simulation.scenario.records import Scenario\n"
        "from simulation.scenario.rollout import Tool\n"
        "from simulation.i18n import catalogue\n"
        "Scenario(); Tool('t', services='all'); Tool('t', services=['a', 'b'])\n"
        "print(catalogue.entries.cache_info().currsize)\n"
    )
    read = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert read.stdout.strip() == "0"


@pytest.mark.parametrize(
    ("services", "words"),
    [
        ("some", ["services", "some"]),  # neither a list nor "all"
        (5, ["services", "5"]),
        ({"a": 1}, ["services"]),
        ([1, "a"], ["services[0]"]),  # a list: the list's own error, at its item
    ],
)
def test_a_union_that_nothing_fits_names_the_field_and_the_value(services, words):
    with pytest.raises(ScenarioError) as error:
        Tool("t", services=services)
    assert all(word in str(error.value) for word in words), str(error.value)
