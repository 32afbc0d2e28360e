"""What went wrong on disk, in words: the reason an operating system gives, and what to do.

A full disk, a read-only file system or a folder one may not write end a command with
one sentence naming the file, the system's reason (``no space left on device``) and
advice, never a traceback. :class:`StorageError` is what the atomic writers raise;
:func:`os_problem` words any other ``OSError`` the same way.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

_ADVICE = {
    errno.ENOSPC: "free some space on that disk, or choose a folder on another disk",
    errno.EDQUOT: "your disk quota is full: free some space, or choose a folder on another disk",
    errno.EROFS: "choose a folder on a writable disk",
    errno.EACCES: "you may not write there: choose a folder you can write, or change its "
    "permissions",
    errno.EPERM: "you may not write there: choose a folder you can write, or change its "
    "permissions",
    errno.EXDEV: "the temporary file and its final name are on different disks: choose a "
    "folder on one disk",
    errno.EISDIR: "a folder has the file's name: move it away, or choose another name",
    errno.ENOTDIR: "a file stands where a folder is needed: move it away, or choose another name",
    errno.ENOENT: "the folder is gone: check the path (a disk unmounted?) and try again",
}


def reason(error: BaseException) -> str:
    """The operating system's reason for ``error``, in lower case (``no space left on device``).

    Libraries that wrap an ``OSError`` (pyarrow, PIL) may drop ``strerror``; the
    error number, when there is one, still gives the standard words.
    """
    number = getattr(error, "errno", None)
    if isinstance(number, int) and number > 0:
        words = os.strerror(number)
    else:
        words = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return words[:1].lower() + words[1:]


def advice(error: BaseException) -> str:
    """What to do about ``error`` (by its error number), in a few words."""
    return _ADVICE.get(getattr(error, "errno", None) or 0, "check the folder and try again")


def os_problem(error: OSError, path: str | Path | None = None) -> str:
    """One sentence for an ``OSError``: the path, the system's reason and advice.

    Args:
        error: The error.
        path: The file or folder concerned, if ``error`` does not name it (or names a
            temporary file of it).
    """
    where = path if path is not None else (error.filename or "")
    head = f"{where}: " if where else ""
    return f"{head}{reason(error)}; {advice(error)}"


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
        return f"{self.path}: cannot be written: {reason(self.cause)}; {advice(self.cause)}"
