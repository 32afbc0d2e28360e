"""A stored baseline of ``transnum bench``'s figures, and today's figures next to it.

The baseline file (``benchmarks/baseline.json`` in the repository, refreshed by
``benchmarks/refresh_baseline.py``) holds one entry per measured command: its case,
its options and its figures, including ``reference_ms``, the time of the reference
workload measured in the same run (:mod:`~simulation.bench.reference`).

Each speed or memory figure is compared as ``ratio = now / baseline``. A time or a
rate also gets the same ratio *at equal reference*: each side divided by the
machine's speed at its moment (a time divided by its run's ``reference_ms``, a rate
multiplied by it), so that a slower or busier machine alone leaves it near 1.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from pathlib import Path

from simulation.bench.measure import command_line

FORMAT = 1
"""Version of the baseline file's layout."""

TIMES = frozenset(
    {"setup_s", "wall_s", "compute_s", "command_runs_s", "outside_runs_s", "step_ms", "draw_ms"}
)
"""Figures that are times (lower is faster)."""

RATES = frozenset({"agent_steps_per_s", "kernel_agent_steps_per_s", "runs_per_s", "weeks_per_s"})
"""Figures that are rates (higher is faster)."""

OTHERS = frozenset(
    {
        "peak_rss_mb",
        "peak_worker_rss_mb",
        "weeks_per_s_playing",
        "reference_ms",
        "kernel_ratio",
        "overhead",
        "overhead_low",
        "overhead_high",
    }
)
"""Figures compared without the reference: memory, a rate that includes the page's
fixed play interval, the reference itself, and ratios measured within one run (to the
Bass kernel, of a command's wall time to its runs' time), which the machine's speed
already cancels out of."""


class BaselineError(ValueError):
    """A baseline file that cannot be read, or holds no entry for a command."""


@dataclass(frozen=True)
class Compared:
    """One figure of today's run next to the baseline's.

    Attributes:
        figure: Key of the figure (``wall_s``...).
        now: Today's value.
        baseline: The baseline's value (None if the baseline lacks it).
        ratio: ``now / baseline`` (None for counts, or without a baseline value).
        at_equal_reference: The ratio with both sides scaled by their run's
            reference time (times and rates only; None otherwise).
    """

    figure: str
    now: float | int
    baseline: float | int | None
    ratio: float | None
    at_equal_reference: float | None


def read_baseline(path: str | Path) -> dict:
    """Read a baseline file.

    Raises:
        BaselineError: if the file is missing, is not JSON or has no list of cases.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"{path}: cannot read the baseline ({error.strerror})") from None
    except ValueError as error:
        raise BaselineError(f"{path}: not a JSON baseline ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise BaselineError(f"{path}: not a transnum bench baseline (no list of 'cases')")
    if data.get("format") != FORMAT:
        raise BaselineError(f"{path}: baseline format {data.get('format')!r}, expected {FORMAT}")
    return data


def baseline_figures(baseline: dict, case: str, options: dict[str, int], source: str) -> dict:
    """The baseline's figures for ``case`` with exactly ``options``.

    Args:
        baseline: A baseline read by :func:`read_baseline`.
        case: The case measured.
        options: Its options (defaults filled in).
        source: Where the baseline comes from, for the error message.

    Raises:
        BaselineError: if the baseline has no entry for that command (the message
            lists the commands it has).
    """
    for entry in baseline["cases"]:
        if entry.get("case") == case and entry.get("options") == options:
            return entry["figures"]
    known = "; ".join(command_line(e.get("case"), e.get("options", {})) for e in baseline["cases"])
    raise BaselineError(
        f"{source}: no baseline for `{command_line(case, options)}` (it has: {known})"
    )


def compare(figures: dict, baseline: dict) -> list[Compared]:
    """Today's ``figures`` next to a baseline entry's figures, in today's order.

    Counts (staff, weeks, runs, workers...) are listed without a ratio.
    """
    reference, base_reference = figures.get("reference_ms"), baseline.get("reference_ms")
    rows = []
    for figure, now in figures.items():
        if isinstance(now, str):  # the case's name
            continue
        base = baseline.get(figure)
        ratio = equal = None
        if figure in TIMES | RATES | OTHERS and base:
            ratio = now / base
            if reference and base_reference and figure in TIMES:
                equal = (now / reference) / (base / base_reference)
            elif reference and base_reference and figure in RATES:
                equal = (now * reference) / (base * base_reference)
        rows.append(Compared(figure, now, base, ratio, equal))
    return rows


def baseline_file(entries: list[dict], transnum_version: str) -> dict:
    """The content of a baseline file holding ``entries`` (case, options, figures).

    Also records where it was measured: Python, the processor's architecture and the
    operating system, which the figures depend on.
    """
    return {
        "format": FORMAT,
        "about": "Figures of `transnum bench`, refreshed by benchmarks/refresh_baseline.py; "
        "compare with `transnum bench ... --baseline benchmarks/baseline.json`.",
        "transnum": transnum_version,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}",
        "cases": [{"command": command_line(e["case"], e["options"]), **e} for e in entries],
    }
