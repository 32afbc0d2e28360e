"""Coefficients of a mechanism, read from the scenario by name.

Each mechanism declares its coefficients as a ``NamedTuple`` whose fields are named
after the scenario parameters they hold (``behaviour.revert_rate`` is the field
``revert_rate``), so that one function builds them all; a mechanism gives derived
coefficients (a product of two parameters, say) explicitly.
"""

from __future__ import annotations

from typing import Any


def gather[Coefficients: tuple](
    cls: type[Coefficients], *sources: Any, **derived: Any
) -> Coefficients:
    """The coefficients ``cls`` with each field read from the first source that has it.

    Args:
        cls: A ``NamedTuple`` class of coefficients.
        *sources: Records to read fields from, in order (e.g. the scenario's
            ``behaviour`` then its ``levers``).
        **derived: Values of fields that are not parameters of the sources.

    Raises:
        AttributeError: if a field is neither derived nor an attribute of a source.
    """
    values = dict(derived)
    for name in cls._fields:  # type: ignore[attr-defined]
        if name in values:
            continue
        owner = next((source for source in sources if hasattr(source, name)), None)
        if owner is None:
            raise AttributeError(f"{cls.__name__}.{name} is not a parameter of its sources")
        values[name] = getattr(owner, name)
    # Each value as its declared type (an int given for a float field becomes a float),
    # so that the compiled kernels see the same types whatever the scenario says.
    kinds = {"float": float, "int": int, "bool": bool}
    annotations = getattr(cls, "__annotations__", {})
    for name, kind in annotations.items():
        convert = kinds.get(kind if isinstance(kind, str) else getattr(kind, "__name__", ""))
        if convert is not None and name in values:
            values[name] = convert(values[name])
    return cls(**values)
