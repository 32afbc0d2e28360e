"""Reading and writing scenario files (YAML, with optional table files for the organisation).

A scenario file states only what differs from the defaults. In its
``organisation`` section, ``services_file`` and ``relations_file`` may name table
files (paths relative to the scenario file) instead of inline lists: CSV files or
``.xlsx`` / ``.ods`` workbooks (one workbook for both, read from its ``Services`` and
``Relations`` sheets, or two files; ``services_sheet`` / ``relations_sheet`` name
other sheets). Their columns may be headed in French or English
(:mod:`simulation.scenario.columns`):

* services: ``name, headcount`` and optionally ``technophile, follower,
  overwhelmed`` (the service's own profile mix; all three or none),
  ``manager_backing`` and ``job_type``;
* relations: ``service_a, service_b, weight``.

Rows starting with ``#`` are comments. YAML mappings may not repeat a key.

Every problem becomes one :class:`~simulation.scenario.errors.ScenarioError` naming the file,
the field (or table line and column), the value and what is allowed; a table's
problems are all listed in one (:mod:`simulation.scenario.organisation_tables`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from simulation.i18n.catalogue import entries
from simulation.i18n.language import active, quoted, say
from simulation.i18n.words import number
from simulation.scenario import columns
from simulation.scenario.errors import ScenarioError, closest, listing
from simulation.scenario.organisation_tables import read_relations, read_services
from simulation.scenario.records import Scenario

SERVICE_COLUMNS = tuple(column.field for column in columns.SERVICE_COLUMNS)
"""The fields a services table gives (its columns may be headed in French or English)."""
RELATION_COLUMNS = tuple(column.field for column in columns.RELATION_COLUMNS)
"""The fields a relations table gives."""


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Args:
        path: A YAML scenario file.

    Raises:
        ScenarioError: the file is missing, unreadable or invalid; the message names
            the file and the field.
    """
    path = Path(path)
    data = read_yaml(path, fields=field_names(Scenario), what="scenario")
    origins: dict[str, Path] = {}
    try:
        data = _resolve_csv_files(data, path.parent, origins)
        return Scenario.from_value(data)
    except ScenarioError as error:
        raise _point_to_csv(error, origins).from_source(str(path)) from None
    except (TypeError, ValueError, RecursionError) as error:  # defensive: never a traceback
        raise ScenarioError(
            say("error.file.not_a_scenario", error=error), source=str(path)
        ) from None


def scenario_from_text(text: str, source: str = "<text>") -> Scenario:
    """Validate a scenario given as YAML text (CSV file references are not allowed)."""
    data = _parse_yaml(text, source)
    try:
        return Scenario.from_value(data if data is not None else {})
    except ScenarioError as error:
        raise error.from_source(source) from None


def dump_scenario(scenario: Scenario, header: str = "") -> str:
    """The scenario as YAML with every field written out (a resolved scenario).

    Loading the text again gives an equal scenario.
    """
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    body = yaml.safe_dump(scenario.to_plain(), sort_keys=False, allow_unicode=True, width=100)
    return "\n".join([*lines, body]) if lines else body


# --------------------------------------------------------------------------- YAML


def read_yaml(path: str | Path, fields: Iterable[str] = (), what: str = "scenario") -> Any:
    """Parse a YAML file (keys may not repeat); errors name the file, line and column.

    An empty file gives an empty mapping. Any file can be given by mistake (a password
    file, a table, a program): no message quotes what such a file holds.

    Args:
        path: The file.
        fields: If given, the file must hold a mapping naming at least one of these
            keys (a misspelt key among known ones is the record's own error, quoted).
        what: What the file describes (``scenario``, ``experiment``, ``calibration``,
            ``ensemble``, ``optimisation``), for messages (``error.file.kind.<what>``).

    Raises:
        ScenarioError: the file is missing, unreadable, not valid YAML, or (with
            ``fields``) not a mapping of those fields.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(say("error.file.not_found"), source=str(path)) from None
    except IsADirectoryError:
        raise ScenarioError(
            say("error.file.is_a_directory", kind=_kind(what)), source=str(path)
        ) from None
    except UnicodeDecodeError as error:
        raise ScenarioError(
            say("error.file.not_text", byte=error.start + 1, kind=_kind(what)),
            source=str(path),
        ) from None
    except OSError as error:
        raise ScenarioError(
            say("error.file.unreadable", reason=error.strerror or error), source=str(path)
        ) from None
    data = _parse_yaml(text, str(path))
    data = {} if data is None else data
    fields = tuple(fields)
    if fields:
        _require_fields(data, fields, what, str(path))
    return data


def _kind(what: str, group: str = "kind") -> str:
    """What a file describes: ``a scenario file`` (``kind``), ``scenario fields`` (``fields``).

    The words are ``error.file.<group>.<what>``; a kind of file the catalogue does not
    name is named as given.
    """
    key = f"error.file.{group}.{what}"
    return say(key) if key in entries() else say(f"error.file.{group}.other", what=what)


def field_names(record: type) -> tuple[str, ...]:
    """The keys a file describing a ``record`` (a dataclass) may hold at its top."""
    return tuple(f.name for f in dataclasses.fields(record))


def _require_fields(data: Any, fields: tuple[str, ...], what: str, source: str) -> None:
    """Refuse a file that is not a mapping of ``fields``, without quoting its content."""
    if not isinstance(data, dict):
        raise ScenarioError(
            say("error.file.not_a_mapping", fields=_kind(what, "fields"), got=_shape(data)),
            source=source,
        )
    # A key that is, or closely misspells, a field makes it a file of that kind whose
    # errors are worth quoting (e.g. "horizon_wekks"); otherwise its keys are not shown.
    if data and not any(key in fields or closest(key, fields) for key in data):
        raise ScenarioError(
            say("error.file.no_known_key", fields=_kind(what, "fields"), allowed=listing(fields)),
            source=source,
        )


def _shape(data: Any) -> str:
    """What a file holds instead of a mapping (``list``; « une liste »), never its content."""
    if active() == "en":
        return type(data).__name__  # the YAML-minded English messages name the type
    for kind, words in ((bool, "true_or_false"), (int, "whole_number"), (float, "number")):
        if isinstance(data, kind):
            return say(f"error.type.{words}")
    if isinstance(data, str):
        return say("error.type.text")
    if isinstance(data, list):
        return say("error.type.list")
    return type(data).__name__


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):  # noqa: D102 - PyYAML hook
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *anchor" merges; keys given explicitly override it
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # unhashable key: PyYAML reports it below
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    say("error.yaml.duplicate_key", name=quoted(key)),
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


MAX_YAML_BYTES = 5_000_000
"""Largest scenario or experiment file read (bytes); organisations belong in CSV files."""
MAX_YAML_VALUES = 200_000
"""Most values (scalars, lists and mappings) a YAML file may hold once its aliases are
expanded: far above any real scenario or experiment (the largest shipped ones hold a
few hundred), far below what would exhaust memory ("billion laughs")."""
MAX_YAML_DEPTH = 50
"""Deepest nesting of lists and mappings in a YAML file (real files nest at most 5)."""


def _expanded_size(root: yaml.Node, source: str) -> None:
    """Refuse a document that expands beyond the limits, before building any of it.

    An alias (``*name``) repeats its anchor's node, so nested aliases can make a
    small file stand for billions of values. The expanded size of each node is
    counted once (memoised by identity), without recursion, so this stays fast
    whatever the file holds.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_nodes: set[int] = set()  # counted once their children are
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in size:
            continue
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        if not children_done:
            if any(id(child) in open_nodes or child is node for child in children):
                raise ScenarioError(
                    say("error.yaml.contains_itself", line=node.start_mark.line + 1),
                    source=source,
                )
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in size)
            continue
        open_nodes.discard(key)
        size[key] = 1 + sum(size.get(id(child), 0) for child in children)
        depth[key] = 1 + max((depth.get(id(child), 0) for child in children), default=0)
        if size[key] > MAX_YAML_VALUES:
            raise ScenarioError(
                say(
                    "error.yaml.too_many_values",
                    most=number(MAX_YAML_VALUES, active()),
                    line=node.start_mark.line + 1,
                ),
                source=source,
            )
        if depth[key] > MAX_YAML_DEPTH:
            raise ScenarioError(
                say(
                    "error.yaml.too_deep",
                    most=MAX_YAML_DEPTH,
                    where=say("error.yaml.line", line=node.start_mark.line + 1),
                ),
                source=source,
            )


YAML_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"^mapping values are not allowed here", "colon"),
        (r"^found character '(?P<char>.+)' that cannot start any token", "character"),
        (r"^expected .+, but (found|got) ", "structure"),
        (r"^found undefined alias '(?P<name>.+)'", "alias"),
        (r"^second occurrence", "anchor"),
        (r"^found unexpected end of stream", "end"),
        (r"^could not determine a constructor for the tag '(?P<tag>.+)'", "tag"),
        (r"^found unhashable key", "unhashable"),
        (r"^unacceptable character", "character_code"),
        (r"^(month|day|year|hour|minute|second) must be in", "date"),
    )
)
"""PyYAML's usual problems -> their words (``error.yaml.problem.*``); others are quoted as is."""


def yaml_problem(problem: str) -> str:
    """A PyYAML problem in the active language (English: PyYAML's own words)."""
    if active() == "en":
        return problem
    for pattern, key in YAML_PROBLEMS:
        found = pattern.match(problem)
        if found:
            values = {name: quoted(v) for name, v in found.groupdict().items()}
            if values.get("char") == quoted("\\t"):
                return say("error.yaml.problem.tab")
            return say(f"error.yaml.problem.{key}", **values)
    return problem


def _parse_yaml(text: str, source: str) -> Any:
    if len(text) > MAX_YAML_BYTES:
        raise ScenarioError(
            say(
                "error.yaml.too_long",
                length=number(len(text), active()),
                most=number(MAX_YAML_BYTES, active()),
            ),
            source=source,
        )
    loader: _StrictLoader | None = None
    try:
        loader = _StrictLoader(text)  # the reader checks the characters here already
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, source)
        return loader.construct_document(node)
    except ScenarioError:
        raise
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = (
            say("error.yaml.line_column", line=mark.line + 1, column=mark.column + 1)
            if mark
            else ""
        )
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScenarioError(
            say("error.yaml.invalid", problem=yaml_problem(problem), where=where), source=source
        ) from None
    except RecursionError:  # the parser itself is recursive: nesting beyond its stack
        raise ScenarioError(
            say("error.yaml.too_deep", most=MAX_YAML_DEPTH, where=""), source=source
        ) from None
    except (ValueError, OverflowError) as error:  # e.g. a bad timestamp
        raise ScenarioError(
            say("error.yaml.invalid", problem=yaml_problem(str(error)), where=""), source=source
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


# --------------------------------------------------------------------------- tables

TABLE_FILES = (
    ("services_file", "services_sheet", "services"),
    ("relations_file", "relations_sheet", "relations"),
)
"""The file-only keys of ``organisation``: a table file, its sheet, the list it replaces."""


def _resolve_csv_files(
    data: dict, folder: Path, origins: dict[str, tuple[Path, list[int]]]
) -> dict:
    """Replace ``services_file`` / ``relations_file`` by the lists read from them.

    Each may name a CSV file or a workbook (:mod:`simulation.scenario.tables`); the
    optional ``services_sheet`` / ``relations_sheet`` name a workbook's sheet when it
    is not the one called ``Services`` / ``Relations``. The relations are checked
    against the services' names here, so that every problem of the relations file is
    listed at once. ``origins`` receives, for each list read from a file, the file and
    the line number of each row.
    """
    organisation = data.get("organisation")
    if not isinstance(organisation, dict):
        return data
    organisation = dict(organisation)
    problems: list[tuple[str, str]] = []  # (field path, problem) of each file at fault
    names: tuple[str, ...] | None = None  # of a services file at fault
    for key, sheet_key, field in TABLE_FILES:
        if key not in organisation:
            if sheet_key in organisation:
                raise ScenarioError(
                    say("table.yaml.sheet_without_file", sheet_key=sheet_key, file_key=key),
                    path=f"organisation.{sheet_key}",
                )
            continue
        name = organisation.pop(key)
        sheet = organisation.pop(sheet_key, None)
        where = f"organisation.{key}"
        if field in organisation:
            raise ScenarioError(say("table.yaml.either", file_key=key, field=field), path=where)
        if not isinstance(name, str) or not name:
            raise ScenarioError(say("table.yaml.file_name", given=quoted(name)), path=where)
        if sheet is not None and (not isinstance(sheet, str) or not sheet.strip()):
            raise ScenarioError(
                say("table.yaml.sheet_name", file=name, given=quoted(sheet)),
                path=f"organisation.{sheet_key}",
            )
        try:
            if field == "services":
                rows, lines = read_services(folder / name, sheet)
            else:
                known = _service_names(organisation) if names is None else names
                rows, lines = read_relations(folder / name, sheet, known)
        except ScenarioError as error:
            # The relations file is still read (against the names the services file
            # gives, if any) when the services file has problems: the user fixes both
            # files at once.
            problems.append((where, error.problem))
            names = getattr(error, "names", None)
            continue
        organisation[field] = rows
        origins[f"organisation.{field}"] = (folder / name, lines)
    if problems:
        raise ScenarioError("\n".join(p for _, p in problems), path=problems[0][0])
    return {**data, "organisation": organisation}


def _service_names(organisation: dict) -> list[str] | None:
    """The services' names, if the (already read) services are a list of named mappings."""
    services = organisation.get("services")
    if not isinstance(services, list):
        return None
    names = [s.get("name") if isinstance(s, dict) else None for s in services]
    return names if all(isinstance(n, str) for n in names) else None


def _point_to_csv(
    error: ScenarioError, origins: dict[str, tuple[Path, list[int]]]
) -> ScenarioError:
    """Add the table file and line to an error about a row that came from a table file."""
    for prefix, (csv_path, lines) in origins.items():
        if error.path.startswith(prefix + "["):
            row = int(error.path[len(prefix) + 1 : error.path.index("]", len(prefix))])
            return ScenarioError(
                say("table.yaml.from_line", problem=error.problem, file=csv_path, line=lines[row]),
                path=error.path,
                source=error.source,
            )
    return error
