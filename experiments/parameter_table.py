"""Write ``docs/parameters.md``: one table row per scenario parameter.

The rows come from the field declarations of :class:`simulation.scenario.records.Scenario`
(walked by :func:`simulation.scenario.schema.iter_specs`): each parameter's dotted name as
written in a scenario file, its meaning, unit, default, allowed range and source.
Lists of records (services, relations, tools, waves) get one row for the list
itself, followed by the fields of one item (``[]`` in the name). Rows are grouped
by scenario section. The output depends on the code only, so every run writes the
same file; ``tests/test_docs.py`` checks that the committed file is up to date.

Usage::

    .venv/bin/python experiments/parameter_table.py           # write docs/parameters.md
    .venv/bin/python experiments/parameter_table.py --check   # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from simulation.scenario import commune
from simulation.scenario.loading import RELATION_COLUMNS, SERVICE_COLUMNS
from simulation.scenario.modes import TRAINING_MODES, ByMode, TrainingMix
from simulation.scenario.profiles import PROFILES, SAMR_LEVELS, ByProfile, BySamr, ProfileMix
from simulation.scenario.records import Scenario
from simulation.scenario.schema import FieldInfo, iter_specs, record_type

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "parameters.md"
SCRIPT = "experiments/parameter_table.py"
TOP_LEVEL = "top level"
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "name"),
    ("meaning", "meaning"),
    ("unit", "unit"),
    ("default", "default"),
    ("range", "allowed range"),
    ("source", "source"),
)
"""(row key, column heading) of the table, in order."""

# What the declared type and bounds cannot say: references to other names and rules
# checked across fields (see the ``_check`` methods of the records in simulation/scenario/).
_RANGE_TEXT: dict[str, str] = {
    "organisation.services": "a list of at least one service, names unique",
    "organisation.services[].name": "text, unique among the services",
    "organisation.relations": "a list; each pair of services at most once",
    "organisation.relations[].between": "two different service names",
    "tools": "a list of at least one tool, names unique",
    "tools[].name": "text, unique among the tools",
    "tools[].services": "`all` or a list of at least one service name",
    "rollout.small_steps.pilot_service": "a service name, or `null`",
    "rollout.waves": "a list; at least one wave if the strategy is `custom`",
    "rollout.waves[].tools": "`all` or a list of tool names",
    "rollout.waves[].services": "`all` or a list of service names",
    "levers.training_priority": "a list of service names (empty: no service first)",
    "lever_changes[].week": "whole number, from 1 to `horizon_weeks`, increasing strictly",
    "lever_changes[].levers": "a mapping of lever names (not `referent_share` or "
    "`internal_mobility_capacity`) to values in the ranges of `levers`",
}
_RANGE_EXTRA: dict[str, str] = {
    "organisation.total_staff": "at least the number of services",
    "rollout.start_week": "at most `horizon_weeks`",
    "rollout.waves[].week": "at most `horizon_weeks`",
}
# Plural nouns of the records that come in lists, and the names of the default
# commune's items (simulation/scenario/commune.py), to describe list defaults in words.
_ITEM_NOUNS: dict[str, str] = {
    "Service": "services",
    "Relation": "relations",
    "Tool": "tools",
    "Wave": "waves",
}
_COMMUNE_ITEMS: dict[str, tuple[Any, ...]] = {
    "Service": tuple(name for name, _ in commune.SERVICES),
    "Relation": tuple((a, b, w) for a, b, w in commune.RELATIONS),
    "Tool": tuple(tool[0] for tool in commune.TOOLS),
}


ENSEMBLE_FILE = Path(__file__).resolve().parent / "ensemble.yaml"


def parameter_rows() -> list[dict[str, str]]:
    """Rows of the parameter table, in scenario order.

    Returns:
        One dict per parameter with the keys ``section`` (``"top level"`` or the
        name of a scenario section), ``name`` (dotted path as in a scenario file,
        ``[]`` for list items), ``meaning``, ``unit``, ``default``, ``range`` and
        ``source``. Every leaf of :func:`simulation.scenario.schema.iter_specs` has a row;
        lists of records also have a row of their own before their items.

    Raises:
        KeyError: a name in the extra range texts of this script is no longer a
            parameter (the script needs updating).
    """
    rows: list[dict[str, str]] = []
    lists_done: set[str] = set()
    for path, _, info in iter_specs(Scenario):
        for container in _containers(path):
            if container not in lists_done:
                lists_done.add(container)
                rows.append(_row(container))
        rows.append(_row(path, info))
    names = {row["name"] for row in rows}
    stale = sorted((set(_RANGE_TEXT) | set(_RANGE_EXTRA)) - names)
    if stale:
        raise KeyError(f"{SCRIPT} describes parameters that no longer exist: {stale}")
    return rows


def render(rows: list[dict[str, str]]) -> str:
    """The Markdown text of ``docs/parameters.md`` for the given rows.

    Args:
        rows: Rows as returned by :func:`parameter_rows`.

    Returns:
        The whole document, ending with a newline.
    """
    lines = [
        "# Scenario parameters",
        "",
        f"<!-- Generated by {SCRIPT}. Do not edit by hand: change the field declarations"
        f" in simulation/ and run `.venv/bin/python {SCRIPT}`. -->",
        "",
        f"*Generated by [`{SCRIPT}`](../{SCRIPT}) from the field declarations of"
        " [`simulation/scenario/records.py`](../simulation/scenario/records.py),"
        " [`simulation/scenario/organisation.py`](../simulation/scenario/organisation.py),"
        " [`simulation/scenario/rollout.py`](../simulation/scenario/rollout.py),"
        " [`simulation/scenario/levers.py`](../simulation/scenario/levers.py),"
        " [`simulation/scenario/behaviour.py`](../simulation/scenario/behaviour.py) and"
        " [`simulation/scenario/profiles.py`](../simulation/scenario/profiles.py)."
        " Do not edit by hand:"
        f" run `.venv/bin/python {SCRIPT}` after changing a parameter.*",
        "",
        f"Every parameter a scenario file may set ({len(rows)} rows). A file states only what"
        " differs from the defaults, which describe an illustrative commune of 500 staff"
        " ([`scenarios/default.yaml`](../scenarios/default.yaml) writes them all out).",
        "",
        "The allowed ranges bound each field alone; together, staff, ties, tools, weeks"
        " and services set the memory a run needs. `transnum validate` and every command"
        " running a scenario estimate it"
        " ([`simulation/scenario/footprint.py`](../simulation/scenario/footprint.py): about"
        " 380 MB, plus some 1.5 KB per staff member and 150 bytes per tie) and refuse a"
        " scenario whose run would need more memory than the machine has available.",
        "",
        "- **name**: the key as written in a scenario file, with its section (`levers.x` is"
        " `x:` under `levers:`); `[]` marks the fields of each item of a list.",
        "- **unit**: rates are per week (the time step is one week); `0-1` is an index"
        " from 0 (none) to 1 (full).",
        "- **default**: the value used when the key is absent; *none* is `null` in a file,"
        " whose meaning the parameter's description gives; *required* means each list item"
        " must give it. Per-profile values (`technophile / follower / overwhelmed`) and"
        " per-SAMR-level values take one number for all or a mapping by name.",
        "- **source**: a section of the CNFPT 2018 study, a cited paper, or *assumption*."
        " How each parameter enters the model is described in the"
        " [ODD description](odd.md), section 7.",
        "",
    ]
    sections: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        sections.setdefault(row["section"], []).append(row)
    for section, section_rows in sections.items():
        lines += _section_heading(section)
        lines.append("| " + " | ".join(title for _, title in COLUMNS) + " |")
        lines.append("|" + "---|" * len(COLUMNS))
        for row in section_rows:
            cells = [f"`{row['name']}`"] + [_cell(row[key]) for key, _ in COLUMNS[1:]]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        if section == "organisation":
            lines += _organisation_files_note()
    lines += _priors_section()
    return "\n".join(lines).rstrip("\n") + "\n"


def _priors_section() -> list[str]:
    """The calibrated parameters and their priors, from experiments/ensemble.yaml."""
    from simulation.experiments.patterns import EnsembleSpec
    from simulation.scenario.loading import read_yaml

    spec = EnsembleSpec.from_value(read_yaml(ENSEMBLE_FILE, what="ensemble"))
    lines = [
        "## Calibrated parameters: their priors",
        "",
        f"The {len(spec.parameters)} behavioural parameters that the ensemble calibration fits"
        " to the study's patterns ([`experiments/ensemble.yaml`](../experiments/ensemble.yaml);"
        " [calibration.md](calibration.md) gives what the patterns make of each). Each prior"
        " is uniform over its range, a plausible range inside the allowed one above.",
        "",
        "| name | prior | why this range |",
        "|---|---|---|",
    ]
    for prior in spec.parameters:
        prior_range = f"{prior.low:g} to {prior.high:g}"
        lines.append(f"| `{prior.path}` | {prior_range} | {_cell(prior.source)} |")
    return [*lines, ""]


def write_table(path: Path = OUTPUT) -> bool:
    """Write the parameter table to ``path``.

    Args:
        path: Where to write (default ``docs/parameters.md``).

    Returns:
        Whether the file changed.
    """
    text = render(parameter_rows())
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: Arguments (default ``sys.argv[1:]``).

    Returns:
        The exit status: 0, or 1 if ``--check`` finds the file stale.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the file is current")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="file to write")
    args = parser.parse_args(argv)
    if args.check:
        current = args.output.exists() and args.output.read_text(encoding="utf-8") == render(
            parameter_rows()
        )
        if not current:
            print(f"{args.output} is stale: run .venv/bin/python {SCRIPT}", file=sys.stderr)
            return 1
        return 0
    changed = write_table(args.output)
    print(f"{'wrote' if changed else 'unchanged:'} {args.output}")
    return 0


# --------------------------------------------------------------------------- rows


def _containers(path: str) -> Iterator[str]:
    """Paths of the lists of records that ``path`` lies in, outermost first."""
    position = path.find("[]")
    while position != -1:
        yield path[:position]
        position = path.find("[]", position + 2)


def _row(path: str, info: FieldInfo | None = None) -> dict[str, str]:
    """The table row of the parameter at ``path``."""
    hint, declared, default = _declaration(path)
    info = info or declared
    if info is None:
        raise TypeError(
            f"{path} has no documentation (declare it with simulation.scenario.schema.spec)"
        )
    return {
        "section": _section_of(path),
        "name": path,
        "meaning": info.doc,
        "unit": info.unit or "—",
        "default": _format_default(default),
        "range": _allowed(path, hint, info),
        "source": info.source,
    }


def _declaration(path: str) -> tuple[Any, FieldInfo | None, Any]:
    """Type hint, documentation and effective default of the field at ``path``.

    The default is read from ``Scenario()`` for fields outside lists (a section's
    default may set its fields differently from the section class), and from the
    item class for fields of list items.
    """
    keys = path.replace("[]", "").split(".")
    cls: type = Scenario
    value: Any = Scenario()
    in_list = False
    for key in keys[:-1]:
        hint = get_type_hints(cls)[key]
        in_list = in_list or _is_tuple(hint)
        value = None if in_list else getattr(value, key)
        cls = _record_in(hint)
    field = {f.name: f for f in dataclasses.fields(cls)}[keys[-1]]
    default = field.default if in_list else getattr(value, keys[-1])
    return get_type_hints(cls)[keys[-1]], field.metadata.get("info"), default


def _section_of(path: str) -> str:
    """The scenario section of a path: a record-valued top-level field, or top level."""
    first = path.split(".")[0].split("[")[0]
    hint = get_type_hints(Scenario)[first]
    return first if record_type(hint) is not None else TOP_LEVEL


def _record_in(hint: Any) -> type:
    found = record_type(hint)
    if found is None:
        raise TypeError(f"no record type in {hint!r}")
    return found


def _is_tuple(hint: Any) -> bool:
    return get_origin(hint) is tuple or any(get_origin(a) is tuple for a in get_args(hint))


# --------------------------------------------------------------------------- cells


def _format_default(value: Any) -> str:
    """A default value in words: no reprs, lists of records summarised."""
    if value is dataclasses.MISSING:
        return "required"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return f"`{value}`" if value else "empty"
    if isinstance(value, ByProfile):
        return " / ".join(f"{p} {getattr(value, p):g}" for p in PROFILES)
    if isinstance(value, BySamr):
        return " / ".join(f"{level} {value[level]:g}" for level in SAMR_LEVELS)
    if isinstance(value, ByMode):
        return " / ".join(f"{mode} {getattr(value, mode):g}" for mode in TRAINING_MODES)
    if isinstance(value, tuple):
        return _format_list(value)
    raise TypeError(f"{SCRIPT} cannot describe a default of type {type(value).__name__}")


def _format_list(items: tuple[Any, ...]) -> str:
    if not items:
        return "none (empty list)"
    if all(isinstance(item, str) for item in items):
        return ", ".join(f"`{item}`" for item in items)
    kind = type(items[0]).__name__
    noun = _ITEM_NOUNS.get(kind)
    if noun is None or not all(type(item).__name__ == kind for item in items):
        raise TypeError(f"{SCRIPT} cannot describe a list of {kind}")
    keys = {
        "Service": lambda s: s.name,
        "Relation": lambda r: (*r.between, r.weight),
        "Tool": lambda t: t.name,
    }
    key = keys.get(kind)
    if key is not None and tuple(key(item) for item in items) == _COMMUNE_ITEMS[kind]:
        return f"the default commune's {len(items)} {noun}"
    return f"{len(items)} {noun}"


def _allowed(path: str, hint: Any, info: FieldInfo) -> str:
    """The allowed values of a parameter in words."""
    if path in _RANGE_TEXT:
        text = _RANGE_TEXT[path]
    else:
        optional, options = _split_optional(hint)
        text = " or ".join(_allowed_one(option, info) for option in options)
        if optional:
            text += ", or `null`"
    if path in _RANGE_EXTRA:
        text += f"; {_RANGE_EXTRA[path]}"
    return text


def _split_optional(hint: Any) -> tuple[bool, list[Any]]:
    """Whether ``None`` is allowed, and the other options of a type hint."""
    if get_origin(hint) in (Union, types.UnionType):
        args = get_args(hint)
        return type(None) in args, [a for a in args if a is not type(None)]
    return False, [hint]


def _allowed_one(hint: Any, info: FieldInfo) -> str:
    if get_origin(hint) is Literal:
        return "one of " + ", ".join(f"`{choice}`" for choice in get_args(hint))
    if hint is bool:
        return "`true` or `false`"
    if hint is str:
        return "text"
    if hint is int:
        return f"whole number, {info.bounds_text()}"
    if hint is float:
        return info.bounds_text()
    if isinstance(hint, type) and issubclass(hint, ProfileMix):
        return "a share from 0 to 1 per profile, summing to 1"
    if isinstance(hint, type) and issubclass(hint, ByProfile):
        return f"{info.bounds_text()}, per profile or one number for all"
    if isinstance(hint, type) and issubclass(hint, BySamr):
        return f"{info.bounds_text()}, per SAMR level or one number for all"
    if isinstance(hint, type) and issubclass(hint, TrainingMix):
        return "a share from 0 to 1 per training mode, summing to 1"
    if isinstance(hint, type) and issubclass(hint, ByMode):
        return f"{info.bounds_text()}, per training mode or one number for all"
    if get_origin(hint) is tuple:
        return "a list"
    raise TypeError(f"{SCRIPT} cannot describe the allowed values of {hint!r}")


def _cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


# --------------------------------------------------------------------------- layout


def _section_heading(section: str) -> list[str]:
    if section == TOP_LEVEL:
        return ["## Top level", "", "Keys at the top of a scenario file.", ""]
    field = {f.name: f for f in dataclasses.fields(Scenario)}[section]
    return [f"## `{section}`", "", field.metadata["info"].doc, ""]


def _organisation_files_note() -> list[str]:
    """The relation shorthand and the two file-only keys of the organisation section.

    The file-only keys are read by :func:`simulation.scenario.loading.load_scenario`.
    """
    services_optional = [c for c in SERVICE_COLUMNS if c not in ("name", "headcount")]
    return [
        "A relation may also be written as a list `[service, service, weight]` (the weight"
        " may be left out).",
        "",
        "**File-only keys.** In a scenario file, `organisation` may name table files"
        " instead of the inline lists: CSV files (comma, semicolon or tab; UTF-8,"
        " Windows-1252 or Latin-1) or `.xlsx`, `.xls` or `.ods` workbooks (paths relative to"
        " the scenario file; rows starting with `#` are comments; give either the file or"
        " the list, not both). Headings may be written in French or English with their"
        " usual variants (see the README's « Vos fichiers » and"
        " [`simulation/scenario/columns.py`](../simulation/scenario/columns.py)); see also"
        " [`simulation/scenario/loading.py`](../simulation/scenario/loading.py) and"
        " [`scenarios/csv_example/`](../scenarios/csv_example/):",
        "",
        "- `organisation.services_file`: replaces `organisation.services`; columns"
        " `name`, `headcount` (required) and optionally "
        + ", ".join(f"`{c}`" for c in services_optional)
        + " (the three profile shares all or none);",
        "- `organisation.relations_file`: replaces `organisation.relations`; columns "
        + ", ".join(f"`{c}`" for c in RELATION_COLUMNS)
        + " (all required);",
        "- `organisation.services_sheet`, `organisation.relations_sheet`: the sheet of a"
        " workbook to read, when it is not the one named `Services` (`Relations`, `Liens`)"
        " or the workbook's only sheet.",
        "",
    ]


if __name__ == "__main__":
    sys.exit(main())
