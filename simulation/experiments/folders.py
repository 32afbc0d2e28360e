"""Where results go: new folder names, and folders refused because they hold files.

Results folders are never overwritten: :func:`new_results_dir` picks a fresh name, and
:func:`prepare_dir` refuses a non-empty folder before anything is computed. This module
imports neither pandas nor pyarrow, so that a command claims its folder before it
starts its workers and loads what it needs to compute and write.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from simulation.i18n.language import say
from simulation.scenario.errors import ScenarioError
from simulation.storage.lock import is_busy


def new_results_dir(kind: str, base: str | Path = "results") -> Path:
    """A new, not yet existing folder ``base/<kind>-<YYYYmmdd-HHMMSS>[-k]``."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = Path(base) / f"{kind}-{stamp}"
    k = 2
    while candidate.exists():
        candidate = Path(base) / f"{kind}-{stamp}-{k}"
        k += 1
    return candidate


def prepare_dir(path: str | Path) -> Path:
    """Create ``path`` for results, refusing a folder that already holds files.

    Raises:
        ScenarioError: if ``path`` is a file or a non-empty folder.
    """
    path = Path(path)
    refuse_taken(path, say("error.results.taken"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def refuse_taken(folder: Path, advice: str) -> None:
    """Raise a ScenarioError naming ``folder`` if it is a file or a folder holding files.

    Args:
        folder: Where results are to be written (absent or an empty folder is fine).
        advice: What to do instead, appended to the message.
    """
    busy = is_busy(folder) if folder.is_dir() else None
    if busy is not None:
        raise busy
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScenarioError(say("error.results.not_empty", advice=advice), source=str(folder))
