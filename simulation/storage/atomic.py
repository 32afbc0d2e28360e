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


def csv_bytes(frame: Any, **options: Any) -> bytes:
    """The bytes :func:`write_csv` writes of a pandas table (UTF-8), to write elsewhere.

    A worker process formats a large table with it while the process that owns the
    folder writes the other files; that process then writes the bytes with
    :func:`write_bytes`.
    """
    options.setdefault("index", False)
    return frame.to_csv(**options).encode("utf-8")


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
