"""Any file can be given by mistake: no message quotes what such a file holds.

A password file, a program, a table, a file of secrets given as a scenario, an
experiment, a calibration file or a scenario's ``services_file``: the message names the
file and the problem (with a line and column where it helps), never its content.
"""

from __future__ import annotations

import pytest
from helpers import invoke, write

SECRET = "hunter2-s3cr3t"
SECRET_FILES = {
    "passwd": f"root:x:0:0:root:/root:/bin/bash\nalice:{SECRET}:1000:1000::/home/alice:/bin/sh\n",
    "env.yaml": f"API_TOKEN: {SECRET}\nDATABASE_PASSWORD: {SECRET}\n",
    "table.csv": f"user,password\nalice,{SECRET}\n",
    "notes.txt": f'password = "{SECRET}"\nkey: [unclosed {SECRET}\n',
    "list.yaml": f"- {SECRET}\n- {SECRET}\n",
}


def assert_not_echoed(result, path) -> None:
    output = result.output
    assert result.exit_code == 2, output
    assert "Traceback" not in output
    assert str(path) in output  # the file is named...
    for secret in (SECRET, "API_TOKEN", "root:x", "alice", "password"):
        assert secret not in output  # ...but not what it holds


@pytest.mark.parametrize("name", sorted(SECRET_FILES))
@pytest.mark.parametrize("command", ["validate", "run", "sweep", "calibrate"])
def test_a_foreign_file_given_as_input_is_named_not_quoted(tmp_path, name, command):
    path = write(tmp_path / name, SECRET_FILES[name])
    args = [command, path] if command == "validate" else [command, path, "--out", tmp_path / "o"]
    result = invoke(*args)
    assert_not_echoed(result, path)
    assert not (tmp_path / "o").exists()


def test_a_binary_file_is_named_as_not_text_without_its_bytes(tmp_path):
    path = tmp_path / "program"
    path.write_bytes(b"\x7fELF\x02\x01\x01" + SECRET.encode() + b"\xd0\xff\xfe" * 50)
    result = invoke("validate", path)
    assert_not_echoed(result, path)
    assert "is not a text file" in result.output


@pytest.mark.parametrize("name", sorted(SECRET_FILES))
def test_a_services_file_that_is_not_a_services_table_is_not_quoted(tmp_path, name):
    write(tmp_path / name, SECRET_FILES[name])
    scenario = write(
        tmp_path / "scenario.yaml", f"name: x\norganisation:\n  services_file: {name}\n"
    )
    result = invoke("validate", scenario)
    assert_not_echoed(result, scenario)
    assert "services_file" in result.output and name in result.output


def test_a_yaml_error_gives_line_and_column_without_the_line(tmp_path):
    path = write(tmp_path / "notes.txt", SECRET_FILES["notes.txt"])
    result = invoke("validate", path)
    assert_not_echoed(result, path)
    assert "line 2, column 4" in result.output


def test_a_misspelt_key_among_known_ones_is_still_named(tmp_path):
    # The guard against foreign files must not hide the message a real scenario needs.
    path = write(tmp_path / "s.yaml", "name: x\nhorizon_wekks: 52\n")
    result = invoke("validate", path)
    assert result.exit_code == 2
    assert "horizon_wekks" in result.output and "horizon_weeks" in result.output
