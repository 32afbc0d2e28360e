"""Atomic writes: a file appears whole under its final name, or not at all.

Each writer fills a temporary file in the same folder (so that the final rename stays
on one file system), flushes it to disk and renames it over the final name with
``os.replace``, which is atomic on POSIX and Windows. A kill, a full disk or an error
while writing leaves the previous file (or none) under the final name, never a
truncated one; the temporary file is removed on error, and one left by a kill is
hidden (``.<name>.<random>.part``). A system error (full disk, read-only file system,
no permission) is raised as :class:`~simulation.storage.errors.StorageError`, which
names the final path.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from simulation.storage.errors import StorageError


def _default_mode() -> int:
    # mkstemp creates files readable by their owner only; a results file gets the
    # permissions an ordinary open() would give it (0o666 less the umask).
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_MODE = _default_mode()


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    r"""Yield a temporary path next to ``path``; on success it replaces ``path``.

    Example:
        >>> import pathlib, tempfile
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "table.csv"
        >>> with replacing(target) as tmp:
        ...     _ = tmp.write_text("a,b\\n1,2\\n")
        >>> target.read_text()
        'a,b\\n1,2\\n'
    """
    path = Path(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise StorageError(path, error) from error
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:  # the data on disk before the name points at it
            os.fsync(handle.fileno())
        os.chmod(tmp, _MODE)
        os.replace(tmp, path)
    except BaseException as error:
        tmp.unlink(missing_ok=True)
        if isinstance(error, OSError) and not isinstance(error, StorageError):
            # Named by its final path: the temporary file is gone, and it is the final
            # name the user knows.
            raise StorageError(path, error) from error
        raise


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return write_bytes(path, text.encode("utf-8"))


def write_json(path: str | Path, data: Any) -> Path:
    """Write ``data`` as indented UTF-8 JSON (with a final newline) atomically."""
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_csv(frame: Any, path: str | Path, **options: Any) -> Path:
    """Write a pandas table as CSV atomically (``index=False`` unless told otherwise)."""
    options.setdefault("index", False)
    with replacing(path) as tmp:
        frame.to_csv(tmp, **options)
    return Path(path)


def csv_bytes(frame: Any) -> bytes:
    """A pandas table of numbers and short labels as CSV bytes (UTF-8), without its index.

    Written by pyarrow, ten times faster than pandas: a worker process formats a large
    table with it while the process that owns the folder writes the other files (then
    writes the bytes with :func:`write_bytes`). Each number reads back to the same
    value, written without a trailing ``.0`` (``500`` for 500.0, ``0.1``, ``0.00001``);
    a missing value is an empty field, -0.0 is written ``0`` and a boolean ``true`` or
    ``false`` (pandas writes ``True``; both read back as booleans). Text is written as it
    is, unless one value has a comma, a quote or a line break: then every text value is
    quoted. Column names are quoted only where they must be. A table of one column is
    written by pandas (``500.0``), which writes a lone missing value ``""``, not as a
    blank line that readers skip.
    """
    import csv
    import io

    import pyarrow as pa
    import pyarrow.csv as pa_csv

    floats = {name: frame[name] for name in frame.columns if frame[name].dtype.kind == "f"}
    # -0.0 + 0.0 is 0.0: no "-0" in a table read by people.
    frame = frame.assign(**{name: values + 0.0 for name, values in floats.items()})
    if len(frame.columns) < 2:  # a lone missing value must be written "", not a blank line
        return frame.to_csv(index=False).encode("utf-8")
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([str(name) for name in frame.columns])
    table = pa.Table.from_pandas(frame, preserve_index=False)
    body = io.BytesIO()
    try:
        options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
        pa_csv.write_csv(table, body, options)
    except pa.ArrowInvalid:  # a value with a comma, a quote or a line break: quoted text
        body = io.BytesIO()
        options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
        pa_csv.write_csv(table, body, options)
    return header.getvalue().encode("utf-8") + body.getvalue()


def write_parquet(frame: Any, path: str | Path, **options: Any) -> Path:
    """Write a pandas table as Parquet atomically (``index=False`` unless told otherwise)."""
    options.setdefault("index", False)
    with replacing(path) as tmp:
        frame.to_parquet(tmp, **options)
    return Path(path)


def save_figure(figure: Any, path: str | Path, **options: Any) -> Path:
    """Save a matplotlib figure atomically, in the format of ``path``'s suffix."""
    path = Path(path)
    options.setdefault("format", path.suffix.lstrip(".") or "png")
    with replacing(path) as tmp:
        figure.savefig(tmp, **options)
    return path
