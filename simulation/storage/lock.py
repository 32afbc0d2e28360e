"""One writer per results folder: an operating-system lock held while a process writes it.

The lock is ``fcntl``/``msvcrt`` locking through the ``filelock`` package on a hidden
file of the folder (``.transnum.lock``): the operating system releases it when the
process ends, however it ends, so a lock left by a killed process never blocks the
next writer. Who holds it (process id, host, command, since when) is written next to
it (``.transnum.lock.json``), so that a refused writer can say which process to wait
for.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from simulation.storage.atomic import write_json

LOCK_FILE = ".transnum.lock"
OWNER_FILE = ".transnum.lock.json"


class FolderBusyError(OSError):
    """Another process is writing the results folder."""

    def __init__(self, folder: Path, owner: dict[str, Any] | None) -> None:
        self.folder = Path(folder)
        self.owner = owner or {}
        who = f"process {self.owner['pid']}" if "pid" in self.owner else "another process"
        if self.owner.get("host"):
            who += f" on {self.owner['host']}"
        if self.owner.get("command"):
            who += f" ({self.owner['command']}, since {self.owner.get('since', '?')})"
        super().__init__(
            f"{self.folder}: results folder in use: {who} is writing it; wait until it "
            "ends, or choose another --out"
        )


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
        # No soft (file-exists) fallback: only an OS lock is released by a killed process.
        self._lock = FileLock(
            self.folder / LOCK_FILE, timeout=0, thread_local=False, fallback_to_soft=False
        )

    @property
    def held(self) -> bool:
        """Whether this process holds the lock."""
        return self._lock.is_locked

    def owner(self) -> dict[str, Any] | None:
        """Who holds (or last held) the lock, as its holder recorded it."""
        try:
            return json.loads((self.folder / OWNER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def acquire(self) -> FolderLock:
        """Take the lock at once, or raise :class:`FolderBusyError` naming the holder."""
        try:
            self._lock.acquire()
        except Timeout:
            raise FolderBusyError(self.folder, self.owner()) from None
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
        self._lock.release(force=True)

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def is_busy(folder: str | Path) -> FolderBusyError | None:
    """The :class:`FolderBusyError` error if another process writes ``folder``, else None."""
    folder = Path(folder)
    if not (folder / LOCK_FILE).exists():
        return None
    probe = FolderLock(folder)  # a second open file: it conflicts even within one process
    try:
        probe._lock.acquire()
    except Timeout:
        return FolderBusyError(folder, probe.owner())
    probe._lock.release(force=True)
    return None
