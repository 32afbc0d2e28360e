"""Validated, immutable parameter records.

Every scenario section is a frozen dataclass deriving from :class:`Record`. Its
fields are declared with :func:`spec`, which records what the parameter means, its
unit, its allowed range and where its default comes from. From that single
declaration the package gets:

* type coercion and range checks whenever a record is built, from Python or from a
  YAML mapping (lists become tuples, mappings become nested records);
* one clear :class:`~simulation.scenario.errors.ScenarioError` naming the field's
  path, the value and what is allowed, with a "did you mean" for misspelt keys and
  choices (the words come from :mod:`simulation.scenario.errors`);
* the parameter table of the model documentation (:func:`iter_specs`).

Unknown keys are errors, never ignored.
"""

from __future__ import annotations

import dataclasses
import math
import types
from collections.abc import Iterator, Mapping
from functools import cache
from types import MappingProxyType
from typing import Any, ClassVar, Literal, Self, Union, get_args, get_origin, get_type_hints

from simulation.i18n.language import active, quoted, say
from simulation.i18n.words import NNBSP
from simulation.scenario.errors import (
    NONE_TYPE,
    ScenarioError,
    describe,
    not_allowed,
    show,
    unknown_key,
)

__all__ = ["Record", "ScenarioError", "FieldInfo", "spec", "iter_specs", "hint_at", "info_at"]

UNIT_WORDS: dict[str, str] = {
    "1/hour": "per_hour",
    "1/week": "per_week",
    "EUR per departure": "eur_per_departure",
    "EUR per hour followed": "eur_per_hour_followed",
    "EUR per staff hour": "eur_per_staff_hour",
    "EUR per trainer hour": "eur_per_trainer_hour",
    "EUR": "eur",
    "EUR/year": "eur_per_year",
    "buffer share": "buffer_share",
    "colleagues": "colleagues",
    "drive per weekly maximum": "drive_per_weekly_maximum",
    "hours/week per staff": "hours_per_week_per_staff",
    "intensity 0-1": "intensity",
    "log-sd": "log_sd",
    "probability": "probability",
    "proficiency 0-1": "proficiency",
    "relative": "relative",
    "services": "services",
    "share of hours": "share_of_hours",
    "share of the extra workload": "share_of_extra_workload",
    "share of initial staff": "share_of_initial_staff",
    "share of the initial staff": "share_of_initial_staff",
    "share of live tools": "share_of_live_tools",
    "share of processing time": "share_of_processing_time",
    "share of staff": "share_of_staff",
    "share": "share",
    "shares summing to 1": "shares_summing_to_1",
    "staff per session": "staff_per_session",
    "staff": "staff",
    "strain": "strain",
    "strain/week": "strain_per_week",
    "ties per staff": "ties_per_staff",
    "trainer hours/week": "trainer_hours_per_week",
    "week": "week",
    "weeks": "weeks",
}
"""Units of the fields' documentation -> their words in messages (``error.unit.*``)."""

STUDY = "CNFPT 2018"
"""How field sources cite the study the defaults come from (followed by a section)."""


@dataclasses.dataclass(frozen=True)
class FieldInfo:
    """Documentation and bounds of one parameter (stored in the field's metadata)."""

    doc: str
    unit: str = ""
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    source: str = "assumption"

    def bounds_text(self) -> str:
        """Describe the allowed range in words, e.g. ``from 0 to 1`` (active language)."""
        if self.ge is not None and self.le is not None:
            return say("error.range.from_to", low=_number_text(self.ge), high=_number_text(self.le))
        parts = []
        for sign, bound in (("≥", self.ge), (">", self.gt), ("≤", self.le), ("<", self.lt)):
            if bound is not None:
                parts.append(f"{sign} {_number_text(bound)}")
        return f" {say('error.range.and')} ".join(parts) or say("error.range.any")

    def unit_text(self) -> str:
        """The unit as a range check names it in the active language ("" for none or 0-1)."""
        if not self.unit or self.unit == "0-1":
            return ""
        key = UNIT_WORDS.get(self.unit)
        # An undocumented unit is shown as declared, rather than no unit at all.
        return say(f"error.unit.{key}") if key else self.unit

    def admits(self, x: float) -> bool:
        """Whether the number ``x`` lies within the bounds."""
        return not (
            (self.ge is not None and x < self.ge)
            or (self.gt is not None and x <= self.gt)
            or (self.le is not None and x > self.le)
            or (self.lt is not None and x >= self.lt)
        )


def spec(
    default: Any = dataclasses.MISSING,
    *,
    doc: str,
    unit: str = "",
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    source: str = "assumption",
) -> Any:
    """Declare a documented record field.

    Args:
        default: Default value (immutable: numbers, strings, tuples, records).
        doc: What the parameter means, in one sentence.
        unit: Unit of the value (``"weeks"``, ``"hours/week"``, ``"share 0-1"``...).
        ge: Inclusive lower bound for numbers (applied to each component of
            per-profile values and to each element of tuples of numbers).
        gt: Exclusive lower bound, likewise.
        le: Inclusive upper bound, likewise.
        lt: Exclusive upper bound, likewise.
        source: Where the default comes from: a section of the CNFPT 2018 study, a
            cited paper, or ``"assumption"``.
    """
    info = FieldInfo(doc=doc, unit=unit, ge=ge, gt=gt, le=le, lt=lt, source=source)
    return dataclasses.field(default=default, metadata={"info": info})


class Record:
    """Base of all scenario sections: frozen, type-coerced, range-checked.

    Subclasses are declared ``@dataclasses.dataclass(frozen=True)`` with fields made
    by :func:`spec`, and may override :meth:`_check` for rules that involve several
    fields. :meth:`from_value` builds one from a YAML mapping (or from a shorthand
    that :meth:`_from_shorthand` accepts).
    """

    #: What this record looks like in a file: a key of the catalogue (whose
    #: ``{fields}`` are the record's keys), see :func:`~simulation.scenario.errors.describe`.
    _describe: ClassVar[str] = "error.type.mapping"

    def __post_init__(self) -> None:
        for name, hint, info, default in _fields(type(self)):
            value = getattr(self, name)
            if isinstance(value, Mapping) and isinstance(default, Record):
                # A file states only what differs: complete a partial mapping from the
                # field's own default (which may differ from the nested class's defaults).
                value = {**default.to_plain(), **value}
            coerced = _coerce(value, hint, name)
            if info is not None:
                _check_bounds(coerced, info, name)
            if coerced is not value:
                object.__setattr__(self, name, coerced)
        self._check()

    def _check(self) -> None:
        """Check rules that span several fields; raise :class:`ScenarioError`."""

    @classmethod
    def _from_shorthand(cls, value: Any) -> Self | None:
        """Build from a non-mapping form (e.g. a bare number), or return None."""
        return None

    @classmethod
    def from_value(cls, value: Any) -> Self:
        """Build a record from a mapping of its fields (unknown keys are errors)."""
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping):
            short = cls._from_shorthand(value)
            if short is not None:
                return short
            raise ScenarioError(say("error.expected", expected=describe(cls), value=show(value)))
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        allowed = [f.name for f in fields]
        for key in value:
            if not isinstance(key, str) or key not in allowed:
                raise ScenarioError(unknown_key(key, allowed)).inside(str(key))
        for f in fields:
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required and f.name not in value:
                raise ScenarioError(
                    say(
                        "error.missing_key",
                        name=quoted(f.name),
                        expected=describe(get_type_hints(cls)[f.name]),
                    )
                )
        return cls(**value)

    def to_plain(self) -> dict[str, Any]:
        """Return the record as plain Python data (dicts, lists, numbers, strings)."""
        return {f.name: plain_data(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    def replace(self, **changes: Any) -> Self:
        """Return a copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


def hint_at(cls: type[Record], path: str) -> Any | None:
    """The declared type of the field at dotted ``path`` in ``cls`` (None if no such field).

    Per-profile and per-level tables resolve to the type of their components.
    """
    hint: Any = cls
    for key in path.split("."):
        record = record_type(hint)
        if record is None:
            return None
        found = [h for name, h, _, _ in _fields(record) if name == key]
        if not found:
            return None
        hint = found[0]
    return hint


def info_at(cls: type[Record], path: str) -> FieldInfo | None:
    """The documentation (meaning, unit, bounds, source) of the field at dotted ``path``.

    A component of a per-profile or per-level table (``behaviour.fear_of_failure.overwhelmed``)
    has its table's documentation. None if no field is documented at ``path``.
    """
    record: type[Record] | None = cls
    info: FieldInfo | None = None
    in_table = False
    for key in path.split("."):
        if record is None:
            return None
        found = [(h, i) for name, h, i, _ in _fields(record) if name == key]
        if not found:
            return None
        hint, own = found[0]
        if not in_table:  # a table's components are documented by the table
            info = own
        record = record_type(hint)
        in_table = in_table or (record is not None and _is_leaf_record(record))
    return info


def value_at(record: Any, path: str) -> Any:
    """The value at dotted ``path`` of a record (``levers.training_capacity``)."""
    value = record
    for part in path.split("."):
        value = getattr(value, part)
    return value


def is_whole_number(hint: Any) -> bool:
    """Whether a declared type is a whole number (``int``, possibly optional)."""
    options = get_args(hint) if get_origin(hint) in (Union, types.UnionType) else (hint,)
    return int in options


def field_number(cls: type[Record], path: str, value: float) -> int | float:
    """A sampled number as the field at dotted ``path`` of ``cls`` takes it.

    Whole-number fields get it rounded to the nearest integer, the others as a float;
    an unknown path gets the float (``Scenario.override`` then names the path).
    """
    hint = hint_at(cls, path)
    return int(round(value)) if hint is not None and is_whole_number(hint) else float(value)


def record_type(hint: Any) -> type[Record] | None:
    """The record class inside a type hint (``X``, ``X | None``, ``tuple[X, ...]``), or None."""
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint
    for arg in get_args(hint):
        found = record_type(arg)
        if found is not None:
            return found
    return None


def iter_specs(cls: type[Record], prefix: str = "") -> Iterator[tuple[str, Any, FieldInfo]]:
    """Yield ``(dotted path, default, info)`` for every documented leaf parameter.

    Nested records are walked; tuples of records (services, tools, waves) are
    walked with ``[]`` in the path, e.g. ``tools[].samr``.
    """
    for name, hint, info, default in _fields(cls):
        path = f"{prefix}{name}"
        nested = record_type(hint)
        if nested is not None and not _is_leaf_record(nested):
            yield from iter_specs(nested, path + ("[]." if _is_tuple(hint) else "."))
        elif info is not None:
            yield path, default, info


# --------------------------------------------------------------------------- helpers


@cache
def _fields(cls: type) -> tuple[tuple[str, Any, FieldInfo | None, Any], ...]:
    """Name, resolved type hint, documentation and default of each field of ``cls``."""
    hints = get_type_hints(cls)
    return tuple(
        (f.name, hints[f.name], f.metadata.get("info"), f.default)
        for f in dataclasses.fields(cls)
        if f.init
    )


def _is_leaf_record(cls: type) -> bool:
    """Records documented as one parameter (per-profile and per-level tables)."""
    return bool(getattr(cls, "_leaf", False))


def _is_tuple(hint: Any) -> bool:
    return get_origin(hint) is tuple or any(get_origin(a) is tuple for a in get_args(hint))


def _number_text(x: float) -> str:
    """A bound as people write it: 1,000,000 rather than 1e+06 (1 000 000 and 0,5 in French)."""
    text = f"{int(x):,}" if float(x).is_integer() else f"{x:g}"
    return text.replace(",", NNBSP).replace(".", ",") if active() == "fr" else text


def _expected(kind: str, value: Any, where: str) -> ScenarioError:
    """The error for a value that is not of the ``kind`` (an ``error.type`` key) wanted."""
    return ScenarioError(
        say("error.expected", expected=say(f"error.type.{kind}"), value=show(value)), path=where
    )


def _cannot_fit(value: Any, hint: Any) -> bool:
    """Whether :func:`_coerce` rejects ``value`` for ``hint`` at its first test.

    For the options of a union: a list for a ``Literal`` or a word for a tuple. Such an
    option's error is never the one raised (see the union in :func:`_coerce`).
    """
    origin = get_origin(hint)
    if origin is tuple:
        return isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple))
    if origin is Literal:
        return not (isinstance(value, str) and value in get_args(hint))
    return False


def _coerce(value: Any, hint: Any, where: str) -> Any:
    """Convert ``value`` to the declared type ``hint`` or raise ScenarioError at ``where``."""
    origin = get_origin(hint)
    if hint is Any:
        return value
    if origin in (Union, types.UnionType):
        args = get_args(hint)
        if value is None and NONE_TYPE in args:
            return None
        options = [a for a in args if a is not NONE_TYPE]
        if len(options) == 1:
            return _coerce(value, options[0], where)
        errors: list[tuple[Any, ScenarioError]] = []
        for option in options:
            if _cannot_fit(value, option):
                # Its error would be worded (the catalogue read) only to be dropped: the
                # options that can fit word the message, or not_allowed below.
                continue
            try:
                return _coerce(value, option, where)
            except ScenarioError as error:
                errors.append((option, error))
        # The option whose shape the value has gives the most precise message.
        for option, error in errors:
            is_record = isinstance(option, type) and issubclass(option, Record)
            if (isinstance(value, (list, tuple)) and get_origin(option) is tuple) or (
                isinstance(value, Mapping) and is_record
            ):
                raise error
        choices = [str(c) for o in options if get_origin(o) is Literal for c in get_args(o)]
        raise not_allowed(value, hint, choices, where)
    if origin is Literal:
        if not _cannot_fit(value, hint):
            return value
        raise not_allowed(value, hint, [str(c) for c in get_args(hint)], where)
    if origin is Mapping:
        # Free-form mappings (e.g. dotted-path overrides): text keys, kept read-only.
        if not isinstance(value, Mapping):
            raise _expected("mapping", value, where)
        for key in value:
            if not isinstance(key, str):
                raise ScenarioError(say("error.keys_are_text", name=show(key)), path=where)
        return value if isinstance(value, MappingProxyType) else MappingProxyType(dict(value))
    if origin is tuple:
        if _cannot_fit(value, hint):
            raise _expected("list", value, where)
        item_hint = get_args(hint)[0]
        items = tuple(_coerce(v, item_hint, f"{where}[{i}]") for i, v in enumerate(value))
        return (
            value
            if isinstance(value, tuple) and all(a is b for a, b in zip(items, value, strict=True))
            else items
        )
    if isinstance(hint, type) and issubclass(hint, Record):
        if isinstance(value, hint):
            return value
        try:
            return hint.from_value(value)
        except ScenarioError as error:
            raise error.inside(where) from None
        except TypeError as error:  # e.g. a mapping with non-string keys
            raise ScenarioError(say("error.not_valid_here", error=error), path=where) from None
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise _expected("true_or_false", value, where)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _expected("whole_number", value, where)
        if isinstance(value, float):
            if not (math.isfinite(value) and value.is_integer()):
                raise _expected("whole_number", value, where)
            return int(value)
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _expected("number", value, where)
        try:
            number = float(value)
        except OverflowError:  # an integer too large for a float
            number = math.inf
        if not math.isfinite(number):
            raise _expected("finite_number", value, where)
        return number
    if hint is str:
        if isinstance(value, str):
            return value
        raise _expected("text", value, where)
    raise TypeError(f"unsupported field type {hint!r}")  # a programming error, not bad input


def _check_bounds(value: Any, info: FieldInfo, where: str) -> None:
    """Apply the field's numeric bounds to a number, a tuple of numbers or a leaf record."""
    if value is None or isinstance(value, (bool, str)):
        return
    if isinstance(value, (int, float)):
        if not info.admits(value):
            unit = info.unit_text()
            raise ScenarioError(
                say(
                    "error.out_of_range",
                    value=show(value),
                    allowed=info.bounds_text() + (f" ({unit})" if unit else ""),
                ),
                path=where,
            )
        return
    if isinstance(value, tuple):
        for i, item in enumerate(value):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                _check_bounds(item, info, f"{where}[{i}]")
        return
    if isinstance(value, Record) and _is_leaf_record(type(value)):
        for f in dataclasses.fields(value):  # type: ignore[arg-type]
            _check_bounds(getattr(value, f.name), info, f"{where}.{f.name}")


def plain_data(value: Any) -> Any:
    """A value as plain Python data: records as dicts, tuples as lists."""
    if isinstance(value, Record):
        return value.to_plain()
    if isinstance(value, Mapping):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [plain_data(v) for v in value]
    return value
