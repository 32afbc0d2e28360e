"""The project's own files agree: packaging, the constraints file, the git hooks, CI.

pyproject.toml declares version ranges; constraints.txt pins the exact versions the
golden values were computed with; the pre-commit hooks and CI run the same ruff.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def pins() -> dict[str, str]:
    """Name -> version of each line of constraints.txt."""
    found = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            found[canonicalize_name(name)] = version.strip()
    return found


def requirements() -> list[Requirement]:
    declared = PROJECT["dependencies"] + sum(PROJECT["optional-dependencies"].values(), [])
    found = [Requirement(text) for text in declared]
    return [r for r in found if canonicalize_name(r.name) != "transnum"]  # dev = test + ...


def test_constraints_pin_every_requirement_within_its_range():
    pinned = pins()
    assert "transnum" not in pinned  # the project itself is never pinned
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {name}=={pinned[name]} outside {requirement}"
        )


def test_ruff_is_pinned_once_for_ci_and_the_git_hooks():
    (ruff,) = [r for r in requirements() if r.name == "ruff"]
    assert re.fullmatch(r"==\d+(\.\d+)*", str(ruff.specifier)), "ruff is pinned exactly"
    version = str(ruff.specifier).removeprefix("==")
    assert pins()["ruff"] == version
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {hook["id"] for hook in hooks} == {"ruff", "ruff-format"}
    for hook in hooks:
        assert hook["additional_dependencies"] == [f"ruff=={version}"]


def test_ci_runs_the_linters_and_the_import_contracts():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in script.splitlines() if not line.lstrip().startswith("#")]
    for command in (
        ".venv/bin/ruff check .",
        ".venv/bin/ruff format --check .",
        ".venv/bin/lint-imports",
    ):
        assert command in commands
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert contracts["tool"]["importlinter"]["contracts"], "lint-imports has contracts to check"
