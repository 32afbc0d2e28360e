"""The scenario's ``lever_changes``: validated like ``levers``, in English and French."""

from __future__ import annotations

import pytest
import yaml

from simulation.i18n.language import using
from simulation.scenario.changes import SET_UP_LEVERS, LeverChange
from simulation.scenario.errors import ScenarioError
from simulation.scenario.loading import dump_scenario, load_scenario
from simulation.scenario.records import Scenario


def problem(changes: list, lang: str = "en") -> str:
    with using(lang), pytest.raises(ScenarioError) as caught:
        Scenario(horizon_weeks=52, lever_changes=changes)
    return str(caught.value)


def test_changes_are_records_with_the_levers_values_as_levers_take_them():
    scenario = Scenario(
        lever_changes=[
            {"week": 13, "levers": {"training_capacity": 120, "manager_backing": 0.8}},
            {"week": 26, "levers": {"right_to_disconnect": True}},
        ]
    )
    first, second = scenario.lever_changes
    assert isinstance(first, LeverChange)
    assert dict(first.levers) == {"training_capacity": 120.0, "manager_backing": 0.8}
    assert isinstance(first.levers["training_capacity"], float)
    assert scenario.levers_from(12) == scenario.levers
    assert scenario.levers_from(26).right_to_disconnect
    assert scenario.levers_from(26).training_capacity == 120.0
    assert Scenario().lever_changes == ()
    again = Scenario(lever_changes=[c.to_plain() for c in scenario.lever_changes])
    assert again == scenario and hash(again) == hash(scenario)


@pytest.mark.parametrize(
    ("changes", "english", "french"),
    [
        (
            [{"week": 0, "levers": {}}],
            "lever_changes[0].week: 0 is out of range; allowed: from 1 to 100,000 (week)",
            "lever_changes[0].week\xa0: 0 est hors des limites",
        ),
        (
            [{"week": 53, "levers": {}}],
            "lever_changes[0].week: week 53 is beyond the horizon",
            "lever_changes[0].week\xa0: la semaine 53 tombe après l'horizon",
        ),
        (
            [{"week": 3, "levers": {"training_priority": ["urbanism"]}}],
            "lever_changes[0].levers.training_priority[0]: unknown service 'urbanism'; "
            "did you mean 'urbanisme'? known services: direction_generale,",
            "lever_changes[0].levers.training_priority[0]\xa0: service inconnu "
            "«\xa0urbanism\xa0»\u202f; vouliez-vous dire «\xa0urbanisme\xa0»",
        ),
        (
            [{"week": 3, "levers": {"workload_relief": -0.1}}],
            "lever_changes[0].levers.workload_relief: -0.1 is out of range; allowed: from 0 "
            "to 1 (share of the extra workload)",
            "lever_changes[0].levers.workload_relief\xa0: -0,1 est hors des limites\u202f; "
            "valeurs permises\xa0: de 0 à 1 (part de la charge supplémentaire)",
        ),
        (
            [{"week": 3, "levers": {"trainig_capacity": 60}}],
            "lever_changes[0].levers.trainig_capacity: unknown key; did you mean "
            "'training_capacity'?",
            "lever_changes[0].levers.trainig_capacity\xa0: clé inconnue\u202f; vouliez-vous "
            "dire «\xa0training_capacity\xa0»\u202f?",
        ),
        (
            [{"week": 3, "levers": {"manager_backing": 1.5}}],
            "lever_changes[0].levers.manager_backing: 1.5 is out of range; allowed: from 0 to 1",
            "lever_changes[0].levers.manager_backing\xa0: 1,5 est hors des limites",
        ),
        (
            [{"week": 3, "levers": {"training_capacity": -1}}],
            "lever_changes[0].levers.training_capacity: -1.0 is out of range",
            "lever_changes[0].levers.training_capacity\xa0: -1 est hors des limites",
        ),
        (
            [{"week": 8, "levers": {}}, {"week": 8, "levers": {"peer_tutoring": 1}}],
            "lever_changes[1].week: the weeks of lever changes must increase strictly: "
            "week 8 comes after week 8",
            "lever_changes[1].week\xa0: les semaines des changements de leviers doivent "
            "croître strictement\xa0: la semaine 8 vient après la semaine 8",
        ),
        (
            [{"week": 9, "levers": {}}, {"week": 4, "levers": {}}],
            "lever_changes[1].week: the weeks of lever changes must increase strictly: "
            "week 4 comes after week 9",
            "la semaine 4 vient après la semaine 9",
        ),
        (
            [{"week": 4, "levers": {"referent_share": 0.1}}],
            "lever_changes[0].levers.referent_share: lever 'referent_share' is read only "
            "when the run is set up",
            "le levier «\xa0referent_share\xa0» ne sert qu'à la mise en place",
        ),
        (
            [{"week": 4}],
            "lever_changes[0]: missing key 'levers'",
            "lever_changes[0]\xa0: clé «\xa0levers\xa0» manquante",
        ),
        (
            [{"week": 4, "levers": {}, "when": 3}],
            "lever_changes[0].when: unknown key",
            "lever_changes[0].when\xa0: clé inconnue",
        ),
    ],
)
def test_bad_changes_are_named_in_english_and_french(changes, english, french):
    assert english in problem(changes, "en")
    assert french in problem(changes, "fr")


@pytest.mark.parametrize("name", SET_UP_LEVERS)
def test_levers_read_at_set_up_only_cannot_change(name):
    assert "read only when the run is set up" in problem([{"week": 2, "levers": {name: 0.1}}])


def test_a_file_with_changes_round_trips(tmp_path):
    text = """
horizon_weeks: 52
lever_changes:
  - week: 13
    levers: {training_capacity: 120, staff_involvement: 0.4}
  - week: 26
    levers: {right_to_disconnect: true, manager_backing: 0.8}
"""
    path = tmp_path / "rounds.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    assert [c.week for c in scenario.lever_changes] == [13, 26]
    dumped = tmp_path / "dumped.yaml"
    dumped.write_text(dump_scenario(scenario), encoding="utf-8")
    assert load_scenario(dumped) == scenario
    plain = yaml.safe_load(dumped.read_text(encoding="utf-8"))["lever_changes"]
    assert plain[1] == {"week": 26, "levers": {"right_to_disconnect": True, "manager_backing": 0.8}}


def test_a_misspelt_field_in_a_file_is_named_with_its_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("lever_changes:\n  - week: 3\n    levers: {manger_backing: 0.9}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "did you mean 'manager_backing'" in str(caught.value)


@pytest.mark.parametrize(
    ("levers", "english"),
    [
        (
            {"training_priority": ["Urbanisme"]},
            "levers.training_priority[0]: unknown service 'Urbanisme'; did you mean "
            "'urbanisme'? known services: direction_generale, accueil_etat_civil,",
        ),
        (
            {"training_priority": "urbanisme"},
            "levers.training_priority: expected a list, got 'urbanisme'",
        ),
        (
            {"workload_relief": 1.5},
            "levers.workload_relief: 1.5 is out of range; allowed: from 0 to 1",
        ),
    ],
)
def test_the_workshop_levers_are_checked_against_their_range_and_the_services(levers, english):
    with pytest.raises(ScenarioError) as caught:
        Scenario().override({f"levers.{k}": v for k, v in levers.items()})
    assert english in str(caught.value)


def test_the_workshop_levers_round_trip_and_change_during_a_run(tmp_path):
    scenario = Scenario(
        horizon_weeks=52,
        levers={"training_priority": ["urbanisme"], "workload_relief": 0.25},
        lever_changes=[
            {"week": 5, "levers": {"training_priority": ["sports", "urbanisme"]}},
            {"week": 9, "levers": {"training_priority": [], "workload_relief": 0.0}},
        ],
    )
    assert scenario.levers.training_priority == ("urbanisme",)
    assert scenario.levers_from(5).training_priority == ("sports", "urbanisme")
    assert scenario.levers_from(9).training_priority == ()
    assert scenario.levers_from(9).workload_relief == 0.0
    path = tmp_path / "workshop.yaml"
    path.write_text(dump_scenario(scenario), encoding="utf-8")
    assert load_scenario(path) == scenario
