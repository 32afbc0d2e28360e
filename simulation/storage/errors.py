"""What went wrong on disk, in words: the reason an operating system gives, and what to do.

A full disk, a read-only file system or a folder one may not write end a command with
one sentence naming the file, the system's reason (``no space left on device``) and
advice, in the language of messages, never a traceback. :class:`StorageError` is what
the atomic writers raise; :func:`os_problem` words any other ``OSError`` the same way.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from simulation.i18n.language import say

_ERRORS = {
    errno.ENOSPC: "no_space",
    errno.EDQUOT: "quota",
    errno.EROFS: "read_only",
    errno.EACCES: "denied",
    errno.EPERM: "denied",
    errno.EXDEV: "other_disk",
    errno.EISDIR: "is_folder",
    errno.ENOTDIR: "not_folder",
    errno.ENOENT: "gone",
}
"""Error numbers whose reason and advice the catalogue words (``storage.reason.<name>``,
``storage.advice.<name>``); any other gives the system's reason and general advice."""


def reason(error: BaseException) -> str:
    """The operating system's reason for ``error``, in lower case (``no space left on device``).

    In the language of messages for the usual errors (a full disk, a read-only one...);
    otherwise in the system's words.

    Libraries that wrap an ``OSError`` (pyarrow, PIL) may drop ``strerror``; the
    error number, when there is one, still gives the standard words.
    """
    number = getattr(error, "errno", None)
    if number in _ERRORS:
        return say(f"storage.reason.{_ERRORS[number]}")
    if isinstance(number, int) and number > 0:
        words = os.strerror(number)
    else:
        words = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return words[:1].lower() + words[1:]


def advice(error: BaseException) -> str:
    """What to do about ``error`` (by its error number), in a few words."""
    name = _ERRORS.get(getattr(error, "errno", None) or 0, "other")
    return say(f"storage.advice.{name}")


def os_problem(error: OSError, path: str | Path | None = None) -> str:
    """One sentence for an ``OSError``: the path, the system's reason and advice.

    Args:
        error: The error.
        path: The file or folder concerned, if ``error`` does not name it (or names a
            temporary file of it).
    """
    where = path if path is not None else (error.filename or "")
    problem = say("storage.problem", reason=reason(error), advice=advice(error))
    return say("storage.where", where=where, problem=problem) if where else problem


class StorageError(OSError):
    """A file could not be written, or renamed into place, under its final name.

    It keeps the error number of the cause (so that ``errno`` tells a full disk from a
    read-only one) but names the final path, not the hidden temporary file.

    Attributes:
        path: The file that could not be written.
        cause: The operating system's error.
    """

    def __init__(self, path: str | Path, cause: OSError) -> None:
        self.path = Path(path)
        self.cause = cause
        super().__init__(cause.errno, cause.strerror)

    def __str__(self) -> str:
        return say(
            "storage.not_written",
            path=self.path,
            reason=reason(self.cause),
            advice=advice(self.cause),
        )
