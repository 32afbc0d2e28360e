"""One writer per results folder: an operating-system lock held while a process writes it.

On POSIX systems the lock is ``flock`` on the folder itself, so it adds no file to
the folder; elsewhere it is the ``filelock`` package's lock on a hidden file of the
folder (``.transnum.lock``). Either way the operating system releases it when the
process ends, however it ends, so a lock left by a killed process never blocks the
next writer. While it holds the lock, the writer says who it is (process id, host,
command, since when) in ``.transnum.writer.json``, so that a refused writer can name
the process to wait for; the file is removed when the lock is released (one left by
a killed writer is stale and simply overwritten).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
from pathlib import Path
from typing import Any

from simulation.i18n.language import say
from simulation.storage.atomic import write_json

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

OWNER_FILE = ".transnum.writer.json"
LOCK_FILE = ".transnum.lock"  # only where flock is not available


class FolderBusyError(OSError):
    """Another process is writing the results folder."""

    def __init__(self, folder: Path, owner: dict[str, Any] | None) -> None:
        self.folder = Path(folder)
        self.owner = owner or {}
        super().__init__(str(self))

    def __str__(self) -> str:
        owner = self.owner
        who = (
            say("storage.busy.process", pid=owner["pid"])
            if "pid" in owner
            else say("storage.busy.another")
        )
        if owner.get("host"):
            who += say("storage.busy.host", host=owner["host"])
        if owner.get("command"):
            who += say(
                "storage.busy.command", command=owner["command"], since=owner.get("since", "?")
            )
        return say("storage.busy.message", folder=self.folder, who=who)


class _DirectoryLock:
    """``flock`` on the folder's own descriptor: exclusive, non-blocking."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fd: int | None = None

    def acquire(self) -> bool:
        fd = os.open(self.folder, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases its flock
            self._fd = None


class _FileLock:  # pragma: no cover - Windows
    def __init__(self, folder: Path) -> None:
        from filelock import FileLock

        self._lock = FileLock(folder / LOCK_FILE, timeout=0, thread_local=False)

    def acquire(self) -> bool:
        from filelock import Timeout

        try:
            self._lock.acquire()
        except Timeout:
            return False
        return True

    def release(self) -> None:
        self._lock.release(force=True)


class FolderLock:
    """The lock of one results folder (the folder must exist).

    Example:
        >>> import tempfile
        >>> with FolderLock(tempfile.mkdtemp(), command="transnum sweep x.yaml") as lock:
        ...     lock.held
        True
    """

    def __init__(self, folder: str | Path, command: str = "") -> None:
        self.folder = Path(folder)
        self.command = command
        self._lock = _DirectoryLock(self.folder) if fcntl is not None else _FileLock(self.folder)
        self.held = False

    def owner(self) -> dict[str, Any] | None:
        """Who holds (or last held) the lock, as its holder recorded it."""
        try:
            return json.loads((self.folder / OWNER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def acquire(self) -> FolderLock:
        """Take the lock at once, or raise :class:`FolderBusyError` naming the holder."""
        if not self._lock.acquire():
            raise FolderBusyError(self.folder, self.owner())
        self.held = True
        write_json(
            self.folder / OWNER_FILE,
            {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "command": self.command,
                "since": dt.datetime.now().isoformat(timespec="seconds"),
            },
        )
        return self

    def release(self) -> None:
        """Let the next writer in (also done by the OS when the process ends)."""
        if not self.held:
            return
        (self.folder / OWNER_FILE).unlink(missing_ok=True)
        self._lock.release()
        self.held = False

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    def __del__(self) -> None:
        # A lock nobody references any more is released, as the OS would at exit.
        with contextlib.suppress(Exception):  # never raise from a finaliser
            self.release()


def is_busy(folder: str | Path) -> FolderBusyError | None:
    """The :class:`FolderBusyError` if another writer holds ``folder``, else None."""
    probe = FolderLock(folder)  # a second descriptor: it conflicts even within one process
    if not probe._lock.acquire():  # noqa: SLF001 - a probe records no owner
        return FolderBusyError(probe.folder, probe.owner())
    probe._lock.release()  # noqa: SLF001
    return None
