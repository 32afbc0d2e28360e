"""How much memory a run of a scenario needs, and whether this machine has it.

The bounds of each field (up to 10,000,000 staff, 100,000 weeks...) say what the model
accepts; whether one run fits depends on several fields at once and on the machine.
:func:`estimate` gives the peak resident memory of one process running one run of a
scenario, as ``transnum run`` does (weekly table and staff snapshots recorded)::

    bytes = 380 MB                          interpreter, packages, compiled kernels
          +   700 B x staff                 state arrays, tables
          +   150 B x ties                  the staff network (CSR, export)
          +   130 B x staff x tools         the (staff, tool) state arrays and weekly draws
          +   350 B x (weeks + 1) x services  the weekly records and table per service
          + 2,000 B x (weeks + 1)           the weekly records and table, whole organisation
          +    60 B x staff x snapshots     staff snapshots (weeks 0, 4, 8, every 13, last)

Ties are counted from the scenario before any draw: every pair inside a team, half of
``ties_within_service`` started by each staff member, one tie from each staff member to
their manager, and the ties of each relation (an upper bound: a repeated draw adds no
tie). The coefficients come from the peak RSS of ``transnum run`` measured in subprocesses
(1,000 to 100,000 staff, 5 and 20 tools, 200 services over 800 weeks; the run steps the
compiled engine alone, without Mesa agents), raised to cover the exports (the Parquet
files of ties and snapshots, the figure) and the spread between measurements: the
estimate lies between the measured peak of the whole command and about 1.3 times it.
:func:`check_fits` refuses a scenario whose estimate exceeds the memory this machine
has available (or ``TRANSNUM_MEMORY_LIMIT``).
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from pathlib import Path

from simulation.i18n.language import active, quoted, say
from simulation.i18n.words import number
from simulation.scenario.errors import ScenarioError
from simulation.scenario.records import Scenario

BASE_BYTES = 380 * 2**20
"""A Python process with numpy, pandas and the compiled kernels loaded."""
PER_STAFF = 700
PER_TIE = 150
PER_STAFF_TOOL = 130
PER_WEEK_SERVICE = 350
PER_WEEK = 2_000
PER_SNAPSHOT_ROW = 60

LIMIT_VARIABLE = "TRANSNUM_MEMORY_LIMIT"
"""Environment variable: the memory a run may use (``8G``, ``500M``, ``none`` for no
check), instead of what the machine has available."""

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Term:
    """One part of the estimate: what it counts, how many, its bytes and its fields."""

    what: str
    count: int
    bytes: int
    fields: str


@dataclasses.dataclass(frozen=True)
class Footprint:
    """The estimated peak memory of one run, with its parts (largest first)."""

    terms: tuple[Term, ...]

    @property
    def bytes(self) -> int:
        """The whole estimate, base included, in bytes."""
        return BASE_BYTES + sum(t.bytes for t in self.terms)


def snapshot_count(weeks: int) -> int:
    """Snapshot weeks of a run over ``weeks`` weeks: 0, 4, 8, every 13 weeks and the last."""
    return len({0, 4, 8, *range(13, weeks + 1, 13), weeks} & set(range(weeks + 1)))


def tie_count(scenario: Scenario) -> int:
    """Upper bound of the staff network's ties, from the organisation alone."""
    organisation = scenario.organisation
    counts = organisation.headcounts()
    size = organisation.team_size
    team = sum(
        (n // size) * size * (size - 1) // 2 + (n % size) * (n % size - 1) // 2 for n in counts
    )
    staff = sum(counts)
    index = {name: k for k, name in enumerate(organisation.service_names)}
    across = sum(
        r.weight * organisation.ties_across_services * min(counts[index[a]], counts[index[b]]) + 1
        for r in organisation.relations
        for a, b in [r.between]
    )
    return int(team + staff * organisation.ties_within_service / 2 + staff + across)


def estimate(scenario: Scenario, snapshots: bool = True) -> Footprint:
    """The peak memory of one process running one run of ``scenario``.

    Args:
        scenario: A validated scenario.
        snapshots: Whether the run records staff snapshots (``transnum run`` and the
            first replication of ``transnum compare`` do; sweeps do not).
    """
    staff = scenario.staff_count
    rows = scenario.horizon_weeks + 1
    services = len(scenario.organisation.services)
    ties = tie_count(scenario)
    size = (
        "organisation.total_staff"
        if scenario.organisation.total_staff is not None
        else "organisation.services[].headcount"
    )
    lang = active()  # the terms are worded for the message that may quote them
    tools = len(scenario.tools)
    terms = [
        Term(say("error.memory.staff", staff=number(staff, lang)), staff, PER_STAFF * staff, size),
        Term(
            say("error.memory.ties", ties=number(ties, lang)),
            ties,
            PER_TIE * ties,
            say(
                "error.memory.and_headcounts",
                fields="organisation.team_size, organisation.ties_within_service, "
                "organisation.ties_across_services",
            ),
        ),
        Term(
            say("error.memory.staff_tools", staff=number(staff, lang), tools=number(tools, lang)),
            staff * tools,
            PER_STAFF_TOOL * staff * tools,
            say("error.memory.and_headcounts", fields="tools"),
        ),
        Term(
            say(
                "error.memory.weeks_services",
                weeks=number(rows, lang),
                services=number(services, lang),
            ),
            rows * services,
            PER_WEEK_SERVICE * rows * services + PER_WEEK * rows,
            say("error.memory.and", a="horizon_weeks", b="organisation.services"),
        ),
    ]
    if snapshots:
        shots = snapshot_count(scenario.horizon_weeks)
        terms.append(
            Term(
                say(
                    "error.memory.staff_snapshots",
                    staff=number(staff, lang),
                    snapshots=number(shots, lang),
                ),
                staff * shots,
                PER_SNAPSHOT_ROW * staff * shots,
                say("error.memory.and_headcounts", fields="horizon_weeks"),
            )
        )
    return Footprint(tuple(sorted(terms, key=lambda t: t.bytes, reverse=True)))


def parse_size(text: str) -> int:
    """Bytes from ``8G``, ``500M``, ``1.5GB``, ``2048K`` or a plain number of bytes.

    Raises:
        ValueError: the text is not a size.
    """
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (e.g. 8G, 500M)")
    power = " KMGT".index((match.group(2) or " ").upper())
    return int(float(match.group(1)) * 1024**power)


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_room() -> int | None:
    """What the process's control group (a container's memory limit) still allows."""
    folder = Path("/sys/fs/cgroup")
    try:
        limit = (folder / "memory.max").read_text().strip()
        if limit == "max":
            return None
        return int(limit) - int((folder / "memory.current").read_text().strip())
    except (OSError, ValueError):
        return None


def memory_limit() -> tuple[int | None, str]:
    """The memory a run may use, in bytes (None: unknown or unchecked), and its origin."""
    given = os.environ.get(LIMIT_VARIABLE, "").strip()
    if given.lower() in ("none", "off", "0"):
        return None, f"{LIMIT_VARIABLE}={given}"
    if given:
        try:
            return parse_size(given), say(
                "error.memory.allowed_by", setting=f"{LIMIT_VARIABLE}={given}"
            )
        except ValueError:
            raise ScenarioError(
                say("error.memory.not_a_size", given=quoted(given)), source=LIMIT_VARIABLE
            ) from None
    known = [m for m in (_meminfo_available(), _cgroup_room()) if m is not None]
    if not known and hasattr(os, "sysconf"):
        try:
            known = [os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")]
        except (ValueError, OSError):
            known = []
    if known:
        return min(known), say("error.memory.available")
    return None, say("error.memory.unknown")


def gigabytes(n: float) -> str:
    """``n`` bytes in GB (MB below one GB), for messages: ``1.5 GB``, or ``1,5 Go`` in French."""
    lang = active()
    if n >= 2**30:
        return say("error.memory.gigabytes", size=number(n / 2**30, lang, 1))
    return say("error.memory.megabytes", size=number(math.ceil(n / 2**20), lang))


def check_fits(
    scenario: Scenario, source: str | None = None, *, snapshots: bool = True
) -> Footprint:
    """Refuse ``scenario`` if one run would need more memory than this machine has.

    Args:
        scenario: A validated scenario.
        source: The file it came from (named in the message).
        snapshots: Whether its runs record staff snapshots (see :func:`estimate`).

    Returns:
        The estimate, when the run fits (or the available memory is unknown).

    Raises:
        ScenarioError: naming the estimate, the limit and the largest parts of the
            estimate with the fields that set them.
    """
    footprint = estimate(scenario, snapshots)
    limit, origin = memory_limit()
    if limit is None or footprint.bytes <= limit:
        return footprint
    parts = [
        say("error.memory.part", what=t.what, size=gigabytes(t.bytes), fields=t.fields)
        for t in footprint.terms[:3]
    ]
    if footprint.terms[0].bytes < BASE_BYTES:  # a small scenario under a tight limit
        parts = [say("error.memory.program", size=gigabytes(BASE_BYTES)), parts[0]]
    raise ScenarioError(
        say(
            "error.memory.too_much",
            need=gigabytes(footprint.bytes),
            limit=gigabytes(limit),
            origin=origin,
            largest="; ".join(parts),
            variable=LIMIT_VARIABLE,
        ),
        source=source,
    )
