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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from simulation.i18n.language import quoted, say
from simulation.scenario import columns
from simulation.scenario.errors import ScenarioError, closest
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
        raise ScenarioError(f"not a valid scenario: {error}", source=str(path)) from None


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
        what: What the file describes (``scenario``, ``experiment``...), for messages.

    Raises:
        ScenarioError: the file is missing, unreadable, not valid YAML, or (with
            ``fields``) not a mapping of those fields.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("file not found", source=str(path)) from None
    except IsADirectoryError:
        article = "an" if what[0] in "aeiou" else "a"
        raise ScenarioError(
            f"is a directory, not {article} {what} file", source=str(path)
        ) from None
    except UnicodeDecodeError as error:
        raise ScenarioError(
            f"is not a text file (byte {error.start + 1} is not UTF-8); a {what} file is YAML text",
            source=str(path),
        ) from None
    except OSError as error:
        raise ScenarioError(
            f"cannot be read: {error.strerror or error}", source=str(path)
        ) from None
    data = _parse_yaml(text, str(path))
    data = {} if data is None else data
    fields = tuple(fields)
    if fields:
        _require_fields(data, fields, what, str(path))
    return data


def field_names(record: type) -> tuple[str, ...]:
    """The keys a file describing a ``record`` (a dataclass) may hold at its top."""
    return tuple(f.name for f in dataclasses.fields(record))


def _require_fields(data: Any, fields: tuple[str, ...], what: str, source: str) -> None:
    """Refuse a file that is not a mapping of ``fields``, without quoting its content."""
    if not isinstance(data, dict):
        raise ScenarioError(
            f"the file must hold a mapping of {what} fields, got {type(data).__name__} (not shown)",
            source=source,
        )
    # A key that is, or closely misspells, a field makes it a file of that kind whose
    # errors are worth quoting (e.g. "horizon_wekks"); otherwise its keys are not shown.
    if data and not any(key in fields or closest(key, fields) for key in data):
        raise ScenarioError(
            f"names none of the {what} fields (its keys are not shown); allowed keys: "
            f"{', '.join(fields)}",
            source=source,
        )


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
                    f"key {key!r} is given twice in the same mapping",
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
                    f"holds a list or mapping that contains itself (line "
                    f"{node.start_mark.line + 1}: an alias inside its own anchor)",
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
                f"expands to more than {MAX_YAML_VALUES:,} values (line "
                f"{node.start_mark.line + 1}; YAML aliases repeat what their anchor holds); "
                "a scenario or experiment "
                f"file may hold at most {MAX_YAML_VALUES:,}",
                source=source,
            )
        if depth[key] > MAX_YAML_DEPTH:
            raise ScenarioError(
                f"nests lists or mappings more than {MAX_YAML_DEPTH} deep (line "
                f"{node.start_mark.line + 1}); at most {MAX_YAML_DEPTH} levels are allowed",
                source=source,
            )


def _parse_yaml(text: str, source: str) -> Any:
    if len(text) > MAX_YAML_BYTES:
        raise ScenarioError(
            f"is {len(text):,} characters long; a scenario or experiment file may hold at "
            f"most {MAX_YAML_BYTES:,} (put a large organisation in CSV files)",
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
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScenarioError(f"not valid YAML: {problem}{where}", source=source) from None
    except RecursionError:  # the parser itself is recursive: nesting beyond its stack
        raise ScenarioError(
            f"nests lists or mappings more than {MAX_YAML_DEPTH} deep; at most "
            f"{MAX_YAML_DEPTH} levels are allowed",
            source=source,
        ) from None
    except (ValueError, OverflowError) as error:  # e.g. a bad timestamp
        raise ScenarioError(f"not valid YAML: {error}", source=source) from None
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
            raise ScenarioError(f"give either {key} or {field}, not both", path=where)
        if not isinstance(name, str) or not name:
            raise ScenarioError(f"expected a CSV file name, got {name!r}", path=where)
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
                f"{error.problem} (from {csv_path}, line {lines[row]})",
                path=error.path,
                source=error.source,
            )
    return error
