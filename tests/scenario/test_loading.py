"""Tests of simulation/scenario/loading.py: scenario files (YAML, with optional CSV files).

Files are written to tmp_path. Every problem must end in one ScenarioError whose
message starts with the scenario file's name; a hypothesis test feeds malformed
files and checks that nothing else ever escapes.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import scenario_error, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation.scenario.errors import ScenarioError
from simulation.scenario.loading import dump_scenario, load_scenario, scenario_from_text
from simulation.scenario.parameters import Behaviour, Levers
from simulation.scenario.profiles import ProfileMix
from simulation.scenario.records import Scenario

SERVICES_CSV = """\
name,headcount,technophile,follower,overwhelmed,manager_backing
accueil,60,0.2,0.3,0.5,0.8
finances,40,,,,
technique,50,0.05,0.35,0.6,
"""
RELATIONS_CSV = """\
service_a,service_b,weight
accueil,finances,0.5
finances,technique,1
"""
CSV_SCENARIO = """\
name: Petite commune
horizon_weeks: 40
organisation:
  services_file: data/services.csv
  relations_file: data/relations.csv
tools:
  - name: ged
  - name: parapheur
    services: [finances]
"""
# What the CSV files hold, written inline.
INLINE_ORGANISATION = {
    "services": [
        {
            "name": "accueil",
            "headcount": 60,
            "profile_mix": {"technophile": 0.2, "follower": 0.3, "overwhelmed": 0.5},
            "manager_backing": 0.8,
        },
        {"name": "finances", "headcount": 40},
        {
            "name": "technique",
            "headcount": 50,
            "profile_mix": {"technophile": 0.05, "follower": 0.35, "overwhelmed": 0.6},
        },
    ],
    "relations": [["accueil", "finances", 0.5], ["finances", "technique", 1]],
}


def load_error(path: Path) -> ScenarioError:
    error = scenario_error(load_scenario, path)
    assert str(error).startswith(str(path) + ": "), str(error)
    assert error.source == str(path)
    return error


def csv_scenario(folder: Path, services: str = SERVICES_CSV, relations: str = RELATIONS_CSV):
    write(folder / "data" / "services.csv", services)
    write(folder / "data" / "relations.csv", relations)
    return write(folder / "scenario.yaml", CSV_SCENARIO)


def services_only_scenario(folder: Path, services: str) -> Path:
    """A scenario whose services come from a CSV file, with no relations."""
    write(folder / "services.csv", services)
    text = "organisation:\n  services_file: services.csv\n  relations: []\ntools: [{name: ged}]\n"
    return write(folder / "scenario.yaml", text)


# --------------------------------------------------------------------------- YAML files


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "null\n"])
def test_empty_file_gives_the_default_scenario(tmp_path, text):
    path = write(tmp_path / "empty.yaml", text)
    assert load_scenario(path) == Scenario()


def test_file_with_a_few_fields_keeps_every_other_default(tmp_path):
    path = write(
        tmp_path / "few.yaml",
        "horizon_weeks: 52\n"
        "levers:\n  training_capacity: 60\n"
        "behaviour:\n  fear_of_failure: {overwhelmed: 0.9}\n  vulnerability: 1.2\n"
        "rollout:\n  strategy: big_bang\n",
    )
    scenario = load_scenario(path)
    default = Scenario()
    assert scenario.horizon_weeks == 52
    assert scenario.levers == dataclasses.replace(Levers(), training_capacity=60.0)
    assert scenario.behaviour.fear_of_failure.overwhelmed == 0.9
    assert scenario.behaviour.fear_of_failure.technophile == (
        Behaviour().fear_of_failure.technophile
    )
    assert scenario.behaviour.vulnerability.as_array().tolist() == [1.2] * 3
    assert scenario.rollout.strategy == "big_bang"
    assert scenario.rollout.big_bang == default.rollout.big_bang
    assert scenario.organisation == default.organisation
    assert scenario.tools == default.tools
    assert scenario == default.override(
        {
            "horizon_weeks": 52,
            "levers.training_capacity": 60,
            "behaviour.fear_of_failure.overwhelmed": 0.9,
            "behaviour.vulnerability": 1.2,
            "rollout.strategy": "big_bang",
        }
    )


def test_load_accepts_a_string_path(tmp_path):
    path = write(tmp_path / "s.yaml", "seed: 7\n")
    assert load_scenario(str(path)).seed == 7


def test_missing_file(tmp_path):
    error = load_error(tmp_path / "nowhere.yaml")
    assert "file not found" in str(error)


def test_directory_instead_of_a_file(tmp_path):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    error = load_error(folder)
    assert "directory" in str(error)


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Commune de Sète\n".encode("latin-1"))
    error = load_error(path)
    assert "is not a text file" in str(error) and "UTF-8" in str(error)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("horizon_weeks: 3\n  seed: 2\n", 2, 7),
        ("name: ok\ntools: [{name: a}\nseed: 3\n", 3, 1),
        ("name: ok\nlevers:\n  training_capacity: 30\n    peer_tutoring: 0.5\n", 4, 18),
    ],
)
def test_invalid_yaml_gives_line_and_column(tmp_path, text, line, column):
    path = write(tmp_path / "broken.yaml", text)
    error = load_error(path)
    assert "not valid YAML" in str(error)
    assert f"line {line}, column {column}" in str(error)


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- 1\n- 2\n", "list"), ("just words\n", "str"), ("42\n", "int"), ("3.5\n", "float")],
)
def test_top_level_must_be_a_mapping(tmp_path, text, kind):
    error = load_error(write(tmp_path / "s.yaml", text))
    assert "mapping of scenario fields" in str(error)
    assert kind in str(error)


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("horizon_wekks: 3\n", ["horizon_wekks", "did you mean 'horizon_weeks'"]),
        ("levers:\n  training_capacity: lots\n", ["levers.training_capacity", "'lots'"]),
        ("levers:\n  training_capacity: .nan\n", ["levers.training_capacity", "finite"]),
        ("levers:\n  training_capacity: .inf\n", ["levers.training_capacity", "finite"]),
        ("levers: [1, 2]\n", ["levers", "a mapping"]),
        ("horizon_weeks: yes\n", ["horizon_weeks", "True"]),
        ("name: 2018-01-01\n", ["name", "expected text"]),
        ("seed: -4\n", ["seed", "-4", "from 0 to"]),
        ("profile_mix: {technophile: 0.5}\n", ["profile_mix", "must sum to 1"]),
        ("rollout: {strategy: custom}\n", ["rollout.waves", "at least one wave"]),
        ("rollout: {start_week: 200}\n", ["rollout.start_week", "beyond the horizon"]),
        ("a: 2018-13-45\n", ["not valid YAML"]),
        ("a: !!python/tuple [1]\n", ["not valid YAML"]),
        ("? [1, 2]\n: 3\n", ["not valid YAML"]),
        ("tools: &a [*a]\n", ["contains itself", "an alias inside its own anchor"]),
        (
            "organisation:\n  services_file: 3\n",
            ["organisation.services_file", "name of a table file"],
        ),
        ("organisation:\n  services_file: ''\n", ["organisation.services_file"]),
    ],
)
def test_every_error_message_starts_with_the_file_name(tmp_path, text, fragments):
    error = load_error(write(tmp_path / "bad scenario.yaml", text))
    for fragment in fragments:
        assert fragment in str(error), str(error)


def test_a_key_given_twice_is_an_error(tmp_path):
    error = load_error(write(tmp_path / "twice.yaml", "seed: 1\nhorizon_weeks: 40\nseed: 2\n"))
    assert "'seed'" in str(error)
    assert "twice" in str(error)
    assert "line 3" in str(error)


def test_a_nested_key_given_twice_is_an_error(tmp_path):
    text = "levers:\n  training_capacity: 10\n  training_capacity: 20\n"
    error = load_error(write(tmp_path / "twice.yaml", text))
    assert "'training_capacity'" in str(error)
    assert "line 3" in str(error)


def test_yaml_anchors_and_aliases_are_accepted(tmp_path):
    text = (
        "organisation:\n  services:\n    - {name: a, headcount: 10}\n"
        "    - {name: b, headcount: 20}\n  relations: [[a, b]]\n"
        "tools:\n  - {name: t1, services: &both [a, b]}\n  - {name: t2, services: *both}\n"
    )
    scenario = load_scenario(write(tmp_path / "alias.yaml", text))
    assert scenario.tools[0].services == scenario.tools[1].services == ("a", "b")


def test_yaml_merge_keys_are_accepted(tmp_path):
    text = "levers:\n  <<: {training_capacity: 50}\n  peer_tutoring: 0.2\n"
    path = write(tmp_path / "merge.yaml", text)
    scenario = load_scenario(path)
    assert scenario.levers.training_capacity == 50.0
    assert scenario.levers.peer_tutoring == 0.2


def test_scenario_from_text_names_its_source():
    assert scenario_from_text("seed: 9\n").seed == 9
    assert scenario_from_text("") == Scenario()
    with pytest.raises(ScenarioError) as info:
        scenario_from_text("seed: nine\n", source="inline")
    assert str(info.value).startswith("inline: seed: ")


# --------------------------------------------------------------------------- CSV files


def test_services_and_relations_from_csv_files_relative_to_the_scenario(tmp_path, monkeypatch):
    path = csv_scenario(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # relative to the scenario file, not the current folder
    scenario = load_scenario(path)
    assert scenario.organisation.service_names == ("accueil", "finances", "technique")
    assert scenario.organisation.headcounts() == (60, 40, 50)
    accueil, finances, technique = scenario.organisation.services
    assert accueil.profile_mix == ProfileMix(0.2, 0.3, 0.5)
    assert accueil.manager_backing == 0.8
    assert finances.profile_mix is None and finances.manager_backing is None
    assert technique.profile_mix == ProfileMix(0.05, 0.35, 0.6)
    assert technique.manager_backing is None
    relations = [(r.between, r.weight) for r in scenario.organisation.relations]
    assert relations == [(("accueil", "finances"), 0.5), (("finances", "technique"), 1.0)]
    inline = yaml.safe_load(CSV_SCENARIO)
    inline["organisation"] = INLINE_ORGANISATION
    assert scenario == Scenario.from_value(inline)


def test_csv_with_only_the_required_columns(tmp_path):
    path = services_only_scenario(tmp_path, "name,headcount\naccueil,12\nfinances, 8\n")
    scenario = load_scenario(path)
    assert scenario.organisation.headcounts() == (12, 8)
    assert all(s.profile_mix is None for s in scenario.organisation.services)
    assert all(s.manager_backing is None for s in scenario.organisation.services)


def test_csv_with_manager_backing_but_no_mix(tmp_path):
    path = services_only_scenario(
        tmp_path, "name,headcount,manager_backing\naccueil,12,0.9\nfinances,8,\n"
    )
    accueil, finances = load_scenario(path).organisation.services
    assert accueil.manager_backing == 0.9
    assert finances.manager_backing is None


def test_csv_job_types_default_to_back_office_and_are_checked_by_line(tmp_path):
    path = services_only_scenario(
        tmp_path, "name,headcount,job_type\naccueil,12,front_office\nfinances,8,\n"
    )
    accueil, finances = load_scenario(path).organisation.services
    assert (accueil.job_type, finances.job_type) == ("front_office", "back_office")
    bad = services_only_scenario(tmp_path, "name,headcount,job_type\naccueil,12,kiosque\n")
    message = str(scenario_error(load_scenario, bad))
    assert "organisation.services_file" in message
    assert "line 2, column 'job_type': 'kiosque' is not a job type" in message
    assert "front_office, back_office, field or management" in message


def test_csv_with_a_byte_order_mark_and_spaces_in_the_header(tmp_path):
    write(tmp_path / "services.csv", "")
    (tmp_path / "services.csv").write_bytes(
        "\ufeffname, headcount\naccueil,12\n".encode()  # as saved by a spreadsheet
    )
    text = "organisation:\n  services_file: services.csv\n  relations: []\ntools: [{name: ged}]\n"
    scenario = load_scenario(write(tmp_path / "s.yaml", text))
    assert scenario.organisation.headcounts() == (12,)


@pytest.mark.parametrize(
    ("services", "where"),
    [
        ("name,headcount,technophile\naccueil,12,0.2\n", "line 1 (column headings)"),
        (
            "name,headcount,technophile,follower,overwhelmed\naccueil,12,0.2,,0.8\n",
            "line 2: the shares",
        ),
    ],
    ids=["missing-columns", "missing-value"],
)
def test_profile_mix_columns_are_all_or_none(tmp_path, services, where):
    path = services_only_scenario(tmp_path, services)
    error = load_error(path)
    assert "services.csv" in str(error)
    assert where in str(error)
    assert "'follower'" in str(error)


@pytest.mark.parametrize(
    ("services", "fragment"),
    [
        ("name,head\naccueil,12\n", "unknown column 'head'"),
        ("name,headcount,budget\naccueil,12,3\n", "unknown column 'budget'"),
        ("name\naccueil\n", "missing column 'headcount'"),
        ("headcount\n12\n", "missing column 'name'"),
    ],
)
def test_unknown_or_missing_column(tmp_path, services, fragment):
    error = load_error(services_only_scenario(tmp_path, services))
    text = str(error)
    assert fragment in text
    assert str(tmp_path / "services.csv") in text
    assert "organisation.services_file" in text
    assert "required: name, headcount" in text


def test_a_misspelt_column_is_named_with_the_closest_expected_one(tmp_path):
    error = load_error(services_only_scenario(tmp_path, "name,headcont\naccueil,12\n"))
    assert "unknown column 'headcont' (did you mean 'headcount'?)" in str(error)


@pytest.mark.parametrize(
    ("content", "secret"),
    [
        ("password=hunter2 zqxsecret\nzqxsecond\n", "hunter2"),
        ("root:x:0:0:root:/root:/bin/bash\n", "/bin/bash"),
        ("id,token\n1,zqxtoken\n", "token"),  # a table, but none of the expected columns
    ],
)
def test_a_file_that_is_no_services_table_is_never_quoted(tmp_path, content, secret):
    # Any file can be pointed at by mistake: the message says what is wrong, not its content.
    text = str(load_error(services_only_scenario(tmp_path, content)))
    assert "names none of the expected columns (it is not shown)" in text
    assert secret not in text
    assert "zqx" not in text
    assert "required: name, headcount" in text


def test_relations_file_with_a_missing_column(tmp_path):
    path = csv_scenario(tmp_path, relations="service_a,service_b\naccueil,finances\n")
    error = load_error(path)
    assert "missing column 'weight'" in str(error)
    assert "relations.csv" in str(error)
    assert "organisation.relations_file" in str(error)


@pytest.mark.parametrize(
    ("services", "line", "column", "problem"),
    [
        ("name,headcount\naccueil,12\nfinances,douze\n", 3, "headcount", "'douze' is not a number"),
        ("name,headcount\naccueil,12.5\n", 2, "headcount", "'12.5' is not a whole number"),
        ("name,headcount\naccueil,\n", 2, "headcount", "the headcount is empty"),
        (
            "name,headcount,manager_backing\naccueil,12,high\n",
            2,
            "manager_backing",
            "'high' is not a number",
        ),
        (
            "name,headcount,technophile,follower,overwhelmed\na,1,0.1,0.4,0.5\nb,2,x,0.4,0.5\n",
            3,
            "technophile",
            "'x' is not a number",
        ),
    ],
)
def test_bad_number_names_file_line_and_column(tmp_path, services, line, column, problem):
    error = load_error(services_only_scenario(tmp_path, services))
    text = str(error)
    assert f"in {tmp_path / 'services.csv'}, 1 problem to fix:" in text
    assert f"line {line}, column {column!r}: {problem}" in text


def test_bad_weight_in_relations_file(tmp_path):
    relations = "service_a,service_b,weight\naccueil,finances,0.5\nfinances,technique,fort\n"
    error = load_error(csv_scenario(tmp_path, relations=relations))
    assert "relations.csv, 1 problem to fix" in str(error)
    assert "line 3, column 'weight': 'fort' is not a number" in str(error)


@pytest.mark.parametrize(
    ("services", "relations", "path", "csv_name", "where", "fragment"),
    [
        (
            SERVICES_CSV.replace("technique,50", "technique,-5"),
            RELATIONS_CSV,
            "organisation.services_file",
            "services.csv",
            "line 4, column 'headcount'",
            "from 1 to 1,000,000 staff, not '-5'",
        ),
        (
            SERVICES_CSV.replace("0.2,0.3,0.5", "0.5,0.5,0.5"),
            RELATIONS_CSV,
            "organisation.services_file",
            "services.csv",
            "line 2",
            "add up to 1.5, not 1",
        ),
        (
            SERVICES_CSV.replace("0.8", "1.8"),
            RELATIONS_CSV,
            "organisation.services_file",
            "services.csv",
            "line 2, column 'manager_backing'",
            "'1.8' is not from 0 to 1",
        ),
        (
            SERVICES_CSV + "accueil,5,,,,\n",
            RELATIONS_CSV,
            "organisation.services_file",
            "services.csv",
            "line 5, column 'name'",
            "'accueil' is the same service as 'accueil' on line 2",
        ),
        (
            SERVICES_CSV,
            RELATIONS_CSV + "technique,acceuil,0.2\n",
            "organisation.relations_file",
            "relations.csv",
            "line 4, column 'service_b'",
            "(did you mean 'accueil'?)",
        ),
        (
            SERVICES_CSV,
            RELATIONS_CSV.replace("finances,technique,1", "finances,technique,2"),
            "organisation.relations_file",
            "relations.csv",
            "line 3, column 'weight'",
            "'2' is not a weight above 0 and at most 1",
        ),
        (
            SERVICES_CSV,
            RELATIONS_CSV + "technique,technique,0.5\n",
            "organisation.relations_file",
            "relations.csv",
            "line 4",
            "not 'technique' to itself",
        ),
    ],
)
def test_invalid_row_is_reported_with_the_table_file_and_line(
    tmp_path, services, relations, path, csv_name, where, fragment
):
    scenario_path = csv_scenario(tmp_path, services=services, relations=relations)
    error = load_error(scenario_path)
    assert error.path == path
    text = str(error)
    assert f"in {tmp_path / 'data' / csv_name}, 1 problem to fix:\n  - {where}: " in text
    assert fragment in text


def test_bad_number_after_blank_and_comment_lines_gives_the_true_line(tmp_path):
    services = "# services of the commune\nname,headcount\naccueil,12\n\n# more\nfinances,douze\n"
    error = load_error(services_only_scenario(tmp_path, services))
    assert "line 6, column 'headcount'" in str(error)


def test_comment_and_blank_lines_in_csv_are_skipped(tmp_path):
    services = "# exported 2024\nname,headcount\n\naccueil,12\n# finances below\nfinances,8\n"
    scenario = load_scenario(services_only_scenario(tmp_path, services))
    assert scenario.organisation.service_names == ("accueil", "finances")
    assert scenario.organisation.headcounts() == (12, 8)


def test_invalid_row_after_blank_and_comment_lines_gives_the_true_line(tmp_path):
    services = "name,headcount\naccueil,12\n\n# more\nfinances,-1\n"
    error = load_error(services_only_scenario(tmp_path, services))
    assert error.path == "organisation.services_file"
    assert "line 5, column 'headcount': a headcount is from 1" in str(error)


def test_missing_csv_file(tmp_path):
    text = "organisation:\n  services_file: nowhere.csv\n  relations: []\n"
    error = load_error(write(tmp_path / "s.yaml", text))
    assert "organisation.services_file" in str(error)
    assert str(tmp_path / "nowhere.csv") in str(error)
    assert "file not found" in str(error)


def test_services_csv_without_rows_is_an_organisation_without_services(tmp_path):
    error = load_error(services_only_scenario(tmp_path, "name,headcount\n"))
    assert "organisation.services" in str(error)
    assert "at least one service" in str(error)


def test_csv_file_without_header(tmp_path):
    error = load_error(services_only_scenario(tmp_path, "# only a comment\n"))
    assert "no header line" in str(error)


def test_relations_csv_with_only_a_header_means_no_relations(tmp_path):
    (tmp_path / "services.csv").write_text("name,headcount\na,10\nb,20\n", encoding="utf-8")
    (tmp_path / "relations.csv").write_text(
        "# none known yet\nservice_a,service_b,weight\n", encoding="utf-8"
    )
    (tmp_path / "s.yaml").write_text(
        "organisation:\n  services_file: services.csv\n  relations_file: relations.csv\n"
        "tools: [{name: t, services: all}]\n",
        encoding="utf-8",
    )
    scenario = load_scenario(tmp_path / "s.yaml")
    assert scenario.organisation.relations == ()


def test_csv_row_with_more_values_than_columns(tmp_path):
    error = load_error(services_only_scenario(tmp_path, "name,headcount\naccueil,12,3\n"))
    assert "line 2" in str(error)
    assert "more values than columns" in str(error)


@pytest.mark.parametrize(
    ("key", "field"), [("services_file", "services"), ("relations_file", "relations")]
)
def test_both_inline_list_and_csv_file_is_an_error(tmp_path, key, field):
    write(tmp_path / "x.csv", "name,headcount\naccueil,12\n")
    text = f"organisation:\n  {key}: x.csv\n  {field}: []\n"
    error = load_error(write(tmp_path / "s.yaml", text))
    assert error.path == f"organisation.{key}"
    assert "not both" in str(error)


# --------------------------------------------------------------------------- dump


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(),
        Scenario().override(
            {
                "organisation.total_staff": 150,
                "horizon_weeks": 40,
                "behaviour.fear_of_failure.overwhelmed": 0.9,
                "rollout.waves": [{"week": 5, "tools": ["ged_courrier"]}, {"week": 12}],
                "rollout.strategy": "custom",
                "description": "Accents: Sète, « guillemets » and a colon: here",
            }
        ),
    ],
    ids=["default", "custom"],
)
def test_dump_then_load_gives_an_equal_scenario(tmp_path, scenario):
    text = dump_scenario(scenario, header="A header\n\nover three lines")
    assert text.startswith("# A header\n#\n# over three lines\n")
    path = write(tmp_path / "dumped.yaml", text)
    assert load_scenario(path) == scenario
    assert scenario_from_text(text) == scenario


def test_dump_writes_every_field_out(tmp_path):
    data = yaml.safe_load(dump_scenario(Scenario()))
    assert data == Scenario().to_plain()
    assert set(data["levers"]) == {f.name for f in dataclasses.fields(Levers)}


def test_the_shipped_default_file_is_the_built_in_default():
    # scenarios/default.yaml says it writes out the built-in default: running it is
    # running without a file. Its rollout section lists every setting, commented.
    path = Path(__file__).resolve().parents[2] / "scenarios" / "default.yaml"
    assert load_scenario(path) == Scenario()
    written = yaml.safe_load(path.read_text(encoding="utf-8"))["rollout"]
    default = Scenario().to_plain()["rollout"]
    assert set(written) == set(default)
    for plan in ("big_bang", "small_steps", "short_cycle"):
        assert set(written[plan]) == set(default[plan]), plan


def test_dump_of_a_scenario_loaded_from_csv_round_trips(tmp_path):
    original = load_scenario(csv_scenario(tmp_path / "project"))
    text = dump_scenario(original, header="resolved")
    assert "services_file" not in text
    path = write(tmp_path / "out" / "scenario.yaml", text)  # no CSV file next to it
    assert load_scenario(path) == original


# --------------------------------------------------------------------------- hypothesis

KEYS = sorted(
    {
        *Scenario().to_plain(),
        *Scenario().to_plain()["organisation"],
        *Scenario().to_plain()["rollout"],
        *Levers().to_plain(),
        *list(Behaviour().to_plain())[:10],
        "technophile",
        "follower",
        "overwhelmed",
        "headcount",
        "week",
        "waves",
        "between",
        "weight",
        "services_file",
        "relations_file",
    }
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["all", "custom", "big_bang", "accueil_etat_civil", "ged_courrier"]),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=8))
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=20,
)

VALID: dict[str, Any] = Scenario.from_value(
    {
        "horizon_weeks": 40,
        "organisation": {
            "services": [
                {"name": "accueil", "headcount": 60, "manager_backing": 0.7},
                {
                    "name": "finances",
                    "headcount": 40,
                    "profile_mix": {"technophile": 0.2, "follower": 0.4, "overwhelmed": 0.4},
                },
            ],
            "relations": [["accueil", "finances", 0.5]],
        },
        "tools": [{"name": "ged"}, {"name": "parapheur", "services": ["finances"]}],
        "rollout": {"strategy": "custom", "waves": [{"week": 4, "tools": ["ged"]}]},
    }
).to_plain()


def all_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Paths (tuples of keys and indices) to every value inside a plain mapping."""
    paths = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            paths += all_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths += all_paths(value, (*prefix, index))
    return paths


PATHS = all_paths(VALID)

wrong_values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(keys, scalars, max_size=3),
    st.floats(-1e12, 1e12),  # often out of range
    st.integers(-(10**6), 10**6),
    st.sampled_from([-1, -0.5, 1.0000001, 2, 1e9, math.nan, math.inf, -math.inf, True, ""]),
)


@st.composite
def mutated_scenarios(draw) -> Any:
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            last = path[-1]
            parent[last]  # noqa: B018 - the path may be gone after an earlier mutation
        except (KeyError, IndexError, TypeError):
            continue
        kind = draw(st.sampled_from(["replace", "delete", "unknown_key", "wrap"]))
        if kind == "replace":
            parent[last] = draw(wrong_values)
        elif kind == "delete":
            del parent[last]
        elif kind == "unknown_key" and isinstance(parent, dict):
            parent[draw(keys)] = draw(wrong_values)
        else:
            parent[last] = [parent[last]]
    return data


def check_loads_or_fails_cleanly(path: Path) -> None:
    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        assert str(error).startswith(str(path))
    else:
        assert isinstance(scenario, Scenario)


SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(data=structures)
def test_random_yaml_structures_end_in_scenario_error(tmp_path, data):
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    check_loads_or_fails_cleanly(path)


@SETTINGS
@given(data=structures)
def test_random_structures_under_a_real_section_end_in_scenario_error(tmp_path, data):
    section = ["organisation", "rollout", "levers", "behaviour", "tools", "profile_mix"]
    for name in section:
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump({name: data}, allow_unicode=True), encoding="utf-8")
        check_loads_or_fails_cleanly(path)


@SETTINGS
@given(data=mutated_scenarios())
def test_mutated_valid_scenarios_end_in_scenario_error(tmp_path, data):
    path = tmp_path / "mutated.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    check_loads_or_fails_cleanly(path)


@SETTINGS
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_random_text_as_yaml_ends_in_scenario_error(tmp_path, text):
    path = tmp_path / "text.yaml"
    path.write_text(text, encoding="utf-8")
    check_loads_or_fails_cleanly(path)


@SETTINGS
@given(
    text=st.lists(
        st.sampled_from(
            [
                "a: ",
                "<<: ",
                "- ",
                "[",
                "]",
                "{",
                "}",
                ": ",
                ",",
                "\n",
                "  ",
                "&x ",
                "*x",
                "!!",
                "'",
                '"',
            ]
            + ["levers", "organisation", "services_file", "1", "-2.5", ".nan", "null", "#"]
        ),
        max_size=30,
    ).map("".join)
)
def test_yaml_like_text_ends_in_scenario_error(tmp_path, text):
    path = tmp_path / "yamlish.yaml"
    path.write_text(text, encoding="utf-8")
    check_loads_or_fails_cleanly(path)


def test_the_valid_base_of_the_mutations_loads(tmp_path):
    path = write(tmp_path / "valid.yaml", yaml.safe_dump(VALID))
    assert load_scenario(path).to_plain() == VALID


def test_huge_integer_in_a_float_field_ends_in_scenario_error(tmp_path):
    path = write(tmp_path / "huge.yaml", "levers:\n  training_capacity: 1" + "0" * 400 + "\n")
    error = load_error(path)
    assert "levers.training_capacity" in str(error)


def _alias_bomb(levels: int = 8, width: int = 10) -> list[str]:
    """YAML lines of a list whose nested aliases expand to ``width ** levels`` values."""
    lines = ["- &b0 [" + ",".join(["1"] * width) + "]"]
    lines += [f"- &b{i} [" + ",".join([f"*b{i - 1}"] * width) + "]" for i in range(1, levels)]
    return lines


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("a top-level key", "bomb:\n  " + "\n  ".join(_alias_bomb())),
        ("a lever", "levers:\n  training_capacity:\n    " + "\n    ".join(_alias_bomb())),
        ("the description", "description:\n  " + "\n  ".join(_alias_bomb())),
        ("a list of tools", "tools:\n  " + "\n  ".join(_alias_bomb())),
    ],
)
def test_an_alias_bomb_is_refused_quickly_whatever_field_it_sits_in(tmp_path, where, text):
    import time
    import tracemalloc

    path = write(tmp_path / "bomb.yaml", text + "\n")
    tracemalloc.start()
    start = time.monotonic()
    error = load_error(path)
    elapsed = time.monotonic() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Limits of the issue: under 5 s and 200 MB (here far under: nothing is expanded).
    assert elapsed < 5
    assert peak < 200e6
    assert "expands to more than 200,000 values" in str(error)
    assert "YAML aliases" in str(error)


def test_nesting_too_deep_is_refused_without_a_traceback(tmp_path):
    deep = write(tmp_path / "deep.yaml", "description: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nests lists or mappings more than 50 deep" in str(load_error(deep))
    just_over = write(tmp_path / "over.yaml", "description: " + "[" * 51 + "]" * 51 + "\n")
    assert "more than 50 deep" in str(load_error(just_over))


def test_anchors_and_aliases_of_normal_size_still_work(tmp_path):
    path = write(
        tmp_path / "s.yaml",
        "levers:\n  training_capacity: &hours 60\n  max_training_hours: 2\n"
        "behaviour:\n  strain_recovery: 0.1\nhorizon_weeks: *hours\n",
    )
    scenario = load_scenario(path)
    assert scenario.horizon_weeks == 60 == scenario.levers.training_capacity


def test_a_huge_file_is_refused_before_it_is_parsed(tmp_path):
    path = write(tmp_path / "big.yaml", "description: " + "x" * 5_000_001 + "\n")
    assert "a scenario or experiment file may hold at most 5,000,000" in str(load_error(path))
