"""Files on disk: atomic writes and one writer per results folder.

Every file a command writes appears whole under its final name or not at all
(:mod:`~simulation.storage.atomic`), and a results folder is written by one process
at a time (:mod:`~simulation.storage.lock`). This is the lowest layer: it imports
nothing else of the package.
"""

from simulation.storage.atomic import (
    csv_bytes,
    replacing,
    save_figure,
    write_bytes,
    write_csv,
    write_json,
    write_parquet,
    write_text,
)
from simulation.storage.errors import StorageError, os_problem
from simulation.storage.lock import FolderBusyError, FolderLock

__all__ = [
    "FolderBusyError",
    "FolderLock",
    "StorageError",
    "csv_bytes",
    "os_problem",
    "replacing",
    "save_figure",
    "write_bytes",
    "write_csv",
    "write_json",
    "write_parquet",
    "write_text",
]
