"""Weekly observation: group totals of the staff's state, recorded into a table.

Each week one pass over the staff (:func:`tally`) sums, per profile and per service,
the measures of :data:`MEASURES`. :class:`WeeklyRecorder` keeps them in
preallocated arrays and turns them into the weekly table (a pandas DataFrame):

* ``week``; ``active_staff`` (and per profile);
* ``adoption``: mean over active staff with target tools of the share of their
  target tools adopted (and per profile, and per service as ``adoption@<service>``);
* ``trying``, ``reverted``: same, for tools being tried and tools abandoned for paper;
* ``deployed``: same, for target tools live;
* ``dropout``: cumulative share of the initial staff who left their post (and per
  profile, and per service of origin), and its parts: ``dropout_strain`` and
  ``dropout_refusal`` by cause (also per service of origin), ``internal_mobility``
  (repositioned in the organisation) and ``external_departure`` (left it) by
  destination;
* ``strain_mean`` and ``rps_high_share``: mean strain and share of active staff above
  the high-risk threshold (and per profile, and per service);
* per strain source (:data:`~simulation.model.sources.STRAIN_SOURCES`):
  ``demand_<source>``, the mean demand of that source over active staff (strain/week),
  and ``high_strain_<source>``, the part of ``rps_high_share`` attributable to it
  (each high-strain staff member counts for the source's share of their strain; the
  parts add up to ``rps_high_share``);
* ``processing_time_index``: mean processing time of covered tasks relative to
  before the rollout (0.5 = divided by two), over active staff with target tools;
* ``mastered_share``: share of active staff with target tools who use and master
  all of them (and per profile); ``processing_time_index_mastered``: the processing
  time index among them (the study's "once the tools are mastered");
* ``acculturation``: mean acculturation of the active staff (and per profile; see
  :mod:`~simulation.model.mechanisms.acculturation`);
* ``training_hours`` (followed by staff, all modes), ``trainer_hours`` (in-person, all
  modes) and ``e_learning_hours`` (followed) this week; ``go_lives``: (service, tool)
  pairs going live this week; ``pairs_live``: the plan's target pairs live at the end
  of the week (0 in week 0: nothing goes live before the rollout) and ``pairs_target``:
  the plan's target pairs (the same every week), so that the summary can say how many
  go-lives did not happen within the horizon;
* ``cost_<component>_eur``: euros spent this week on each component of
  :data:`~simulation.model.costs.COST_COMPONENTS` (see :mod:`simulation.model.costs`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from numba import njit

from simulation.model.coefficients import gather
from simulation.model.costs import COST_COLUMNS, CostRates, cost_table
from simulation.model.measures import MEASURES
from simulation.model.mechanisms.efficiency import tool_time
from simulation.model.sources import N_SOURCES, STRAIN_SOURCES
from simulation.model.stages import ADOPTED, REVERTED, TRYING
from simulation.model.state import Services, StaffState, Tools
from simulation.scenario.behaviour import Behaviour
from simulation.scenario.profiles import PROFILES

(
    STAFF,
    ACTIVE,
    WITH_TARGETS,
    ADOPTION,
    TRYING_SUM,
    REVERTED_SUM,
    DEPLOYED,
    STRAIN,
    HIGH,
    TIME,
    MASTERED,
    TIME_MASTERED,
    LEFT_STRAIN,
    LEFT_REFUSAL,
    MOVED_INTERNAL,
    LEFT_EXTERNAL,
    ACCULTURATION,
) = range(MEASURES.index("demand_baseline"))
DEMAND = MEASURES.index("demand_baseline")
"""First column of the demands by source (then the high-strain parts, HIGH_PARTS)."""
HIGH_PARTS = MEASURES.index("high_baseline")

RATIOS: dict[str, tuple[int, int]] = {
    "adoption": (ADOPTION, WITH_TARGETS),
    "trying": (TRYING_SUM, WITH_TARGETS),
    "reverted": (REVERTED_SUM, WITH_TARGETS),
    "deployed": (DEPLOYED, WITH_TARGETS),
    "processing_time_index": (TIME, WITH_TARGETS),
    "mastered_share": (MASTERED, WITH_TARGETS),
    "strain_mean": (STRAIN, ACTIVE),
    "rps_high_share": (HIGH, ACTIVE),
    "processing_time_index_mastered": (TIME_MASTERED, MASTERED),
    "acculturation": (ACCULTURATION, ACTIVE),
    **{f"demand_{source}": (DEMAND + k, ACTIVE) for k, source in enumerate(STRAIN_SOURCES)},
    **{
        f"high_strain_{source}": (HIGH_PARTS + k, ACTIVE) for k, source in enumerate(STRAIN_SOURCES)
    },
}
"""Measures that are a ratio of two group totals: (numerator, denominator) columns.
The ratio is missing (NaN) where the denominator is zero."""
DEPARTURES: dict[str, int] = {
    "dropout_strain": LEFT_STRAIN,
    "dropout_refusal": LEFT_REFUSAL,
    "internal_mobility": MOVED_INTERNAL,
    "external_departure": LEFT_EXTERNAL,
}
"""Parts of the dropout: cumulative shares of the group's initial staff, by cause and
by destination (each pair adds up to ``dropout``)."""
MEASURE_NAMES: tuple[str, ...] = ("active_staff", "dropout", *DEPARTURES, *RATIOS)
"""The measures of a group computed from its totals (:func:`measures`): its active
staff, its dropout (cumulative share of its initial staff who left their post) and
its :data:`DEPARTURES`, then the :data:`RATIOS`."""
_PARTS = np.array(list(DEPARTURES.values()))
_NUMERATORS = np.array([numerator for numerator, _ in RATIOS.values()])
_DENOMINATORS = np.array([denominator for _, denominator in RATIOS.values()])


class Tallies(NamedTuple):
    """Group totals of one week (columns: :data:`MEASURES`) and the organisation's measures."""

    by_profile: np.ndarray  # (P, M)
    by_service: np.ndarray  # (S, M)
    organisation: np.ndarray  # (M,) totals of the whole organisation
    current: np.ndarray  # (K,) its measures, in MEASURE_NAMES order

    @classmethod
    def empty(cls, n_services: int) -> Tallies:
        """Zero totals for the profiles and ``n_services`` services."""
        n_measures = len(MEASURES)
        return cls(
            np.zeros((len(PROFILES), n_measures)),
            np.zeros((n_services, n_measures)),
            np.zeros(n_measures),
            np.zeros(len(MEASURE_NAMES)),
        )


GO_LIVES, TRAINING_HOURS, TRAINER_HOURS, E_LEARNING_HOURS, PAIRS_LIVE, PAIRS_TARGET = range(6)
"""Columns of :attr:`Record.weekly`."""
WEEKLY_VALUES = 6
"""Columns of :attr:`Record.weekly`: go-lives, training hours, trainer hours, e-learning
hours, target pairs live, target pairs."""


class Record(NamedTuple):
    """Every week's tallies of one run (rows: weeks 0 to the horizon)."""

    by_profile: np.ndarray  # (W + 1, P, M) group totals per profile (observation.MEASURES)
    by_service: np.ndarray  # (W + 1, S, M) group totals per service
    weekly: np.ndarray  # (W + 1, WEEKLY_VALUES) go-lives, training, trainer and
    # e-learning hours, target pairs live and target pairs
    weeks: np.ndarray  # int64 (1,): rows recorded so far


class TallyCoefficients(NamedTuple):
    """What the weekly tally needs of the scenario's behaviour."""

    high_strain_threshold: float
    mastery_threshold: float
    learning_overhead: float


def coefficients(behaviour: Behaviour) -> TallyCoefficients:
    """Tally coefficients from the scenario's behaviour."""
    return gather(TallyCoefficients, behaviour)


@njit(cache=True, error_model="numpy")
def tally(
    staff: StaffState, services: Services, tools: Tools, c: TallyCoefficients, tallies: Tallies
) -> None:
    """Fill the group totals (zeroed first), and each service's staff and users of each tool.

    The profiles' totals hold every measure; the services' only those of the
    per-service columns (:data:`SERVICE_MEASURES`: staff, departures, active staff,
    staff with target tools, adoption, strain and high strain), their other columns
    stay zero. Per-staff shares (adoption, trying, reverted, deployed) are over the staff
    member's target tools; processing time is :func:`tool_time` averaged likewise.
    Writes ``tallies`` (with the organisation's measures, :func:`measures`),
    ``services.active_staff`` and ``services.used``.
    """
    # Arrays are taken out of their containers once, outside the loops (faster).
    by_profile, by_service = tallies.by_profile, tallies.by_service
    used, active_staff, saving = services.used, services.active_staff, tools.saving
    profile, service, active, strain = staff.profile, staff.service, staff.active, staff.strain
    origin, cause, destination = staff.origin_service, staff.departure_cause, staff.destination
    demand_parts, strain_parts, acculturation = (
        staff.demand_parts,
        staff.strain_parts,
        staff.acculturation,
    )
    stage, live, proficiency, target = staff.stage, staff.live, staff.proficiency, staff.target
    by_profile[:] = 0.0
    by_service[:] = 0.0
    used[:] = 0.0
    active_staff[:] = 0.0
    n, n_tools = stage.shape
    for i in range(n):
        p, s, home = profile[i], service[i], origin[i]
        by_profile[p, STAFF] += 1.0
        by_service[home, STAFF] += 1.0
        if destination[i] > 0:  # left their post: counted in the service they left
            by_profile[p, LEFT_STRAIN + cause[i] - 1] += 1.0
            by_service[home, LEFT_STRAIN + cause[i] - 1] += 1.0
            by_profile[p, MOVED_INTERNAL + destination[i] - 1] += 1.0
            by_service[home, MOVED_INTERNAL + destination[i] - 1] += 1.0
        if not active[i]:
            continue
        active_staff[s] += 1.0
        n_target = 0
        n_mastered = 0
        adopted = trying = reverted = deployed = time = 0.0
        for t in range(n_tools):
            if not target[i, t]:
                continue
            n_target += 1
            code = stage[i, t]
            in_use = False
            if code == ADOPTED:
                adopted += 1.0
                in_use = live[i, t]
            elif code == TRYING:
                trying += 1.0
                in_use = live[i, t]
            if in_use:
                used[s, t] += 1.0
            elif code == REVERTED:
                reverted += 1.0
            if live[i, t]:
                deployed += 1.0
            if in_use and proficiency[i, t] >= c.mastery_threshold:
                n_mastered += 1
            time += tool_time(in_use, proficiency[i, t], saving[t], c.learning_overhead)
        with_targets = 0.0
        mastered = 1.0 if n_target > 0 and n_mastered == n_target else 0.0
        if n_target > 0:
            with_targets = 1.0
            adopted /= n_target
            trying /= n_target
            reverted /= n_target
            deployed /= n_target
            time /= n_target
        high = 1.0 if strain[i] > c.high_strain_threshold else 0.0
        # In the order of MEASURES from ACTIVE on (STAFF is counted above).
        contributions = (
            1.0,
            with_targets,
            adopted,
            trying,
            reverted,
            deployed,
            strain[i],
            high,
            time,
            mastered,
            mastered * time,
        )
        _add(by_profile, p, contributions)
        # Services' totals hold what the per-service measures need (SERVICE_MEASURES):
        # their other columns stay zero, which saves half the additions.
        by_service[s, ACTIVE] += 1.0
        by_service[s, WITH_TARGETS] += with_targets
        by_service[s, ADOPTION] += adopted
        by_service[s, STRAIN] += strain[i]
        by_service[s, HIGH] += high
        # Strain sources and acculturation are reported for the organisation and the
        # profiles only: the profiles' totals are enough (services' stay zero, which
        # saves half the work).
        by_profile[p, ACCULTURATION] += acculturation[i]
        for k in range(N_SOURCES):
            by_profile[p, DEMAND + k] += demand_parts[i, k]
        if high > 0.0 and strain[i] > 0.0:  # each source's share of this high strain
            for k in range(N_SOURCES):
                by_profile[p, HIGH_PARTS + k] += strain_parts[i, k] / strain[i]
    organisation = tallies.organisation
    organisation[:] = 0.0
    for p in range(by_profile.shape[0]):
        organisation += by_profile[p]
    _measure(organisation, tallies.current)


@njit(cache=True, error_model="numpy", inline="always")
def _add(groups: np.ndarray, g: int, contributions: tuple[float, ...]) -> None:
    """Add one active staff member's contributions to row ``g`` of ``groups``."""
    for k in range(len(contributions)):
        groups[g, ACTIVE + k] += contributions[k]


@njit(cache=True, error_model="numpy")
def _measure(totals: np.ndarray, out: np.ndarray) -> None:
    """The :data:`MEASURE_NAMES` of one group from its totals (M,), into ``out`` (K,)."""
    staff = totals[STAFF]
    out[0] = totals[ACTIVE]
    out[1] = (totals[MOVED_INTERNAL] + totals[LEFT_EXTERNAL]) / staff if staff > 0 else np.nan
    for k in range(_PARTS.size):
        out[2 + k] = totals[_PARTS[k]] / staff if staff > 0 else np.nan
    first = 2 + _PARTS.size
    for k in range(_NUMERATORS.size):
        below = totals[_DENOMINATORS[k]]
        out[first + k] = totals[_NUMERATORS[k]] / below if below > 0 else np.nan


@njit(cache=True, error_model="numpy")
def _measure_rows(totals: np.ndarray, out: np.ndarray) -> None:
    for r in range(totals.shape[0]):
        _measure(totals[r], out[r])


ORGANISATION_MEASURES: tuple[str, ...] = (
    "active_staff",
    "adoption",
    "trying",
    "reverted",
    "deployed",
    "dropout",
    *DEPARTURES,
    "strain_mean",
    "rps_high_share",
    "processing_time_index",
    "mastered_share",
    "processing_time_index_mastered",
    "acculturation",
    *(f"demand_{source}" for source in STRAIN_SOURCES),
    *(f"high_strain_{source}" for source in STRAIN_SOURCES),
)
"""Organisation-level measures of the weekly table."""

PROFILE_MEASURES: tuple[str, ...] = (
    "active_staff",
    "adoption",
    "dropout",
    *DEPARTURES,
    "strain_mean",
    "rps_high_share",
    "processing_time_index",
    "mastered_share",
    "acculturation",
)
"""Measures of the weekly table also given per profile (``<measure>_<profile>``)."""

SERVICE_MEASURES: tuple[str, ...] = (
    "adoption",
    "strain_mean",
    "rps_high_share",
    "dropout",
    "dropout_strain",
    "dropout_refusal",
)
"""Measures of the weekly table also given per service (``<measure>@<service>``); the
services' totals already count departures by cause, so the causes cost nothing more."""

WEEKLY_ORGANISATION_COLUMNS: tuple[str, ...] = (
    ORGANISATION_MEASURES
    + tuple(f"{m}_{p}" for m in PROFILE_MEASURES for p in PROFILES)
    + ("training_hours", "trainer_hours", "e_learning_hours", "go_lives")
    + ("pairs_live", "pairs_target")
    + COST_COLUMNS
)
"""Columns of the weekly table that do not depend on the organisation's services."""


class WeeklyRecorder:
    """The weekly records of one run (a :class:`~simulation.model.engine.Record`), as a table.

    Args:
        record: The run's record, filled week by week by the compiled step.
        service_names: Names of the services, in code order.
        rates: The scenario's unit costs (the cost columns are computed from the
            recorded series, :func:`simulation.model.costs.cost_table`).
        go_live: The plan's go-live weeks (S, T), updated as pairs go live.
    """

    def __init__(
        self,
        record: Record,
        service_names: tuple[str, ...],
        rates: CostRates,
        go_live: np.ndarray,
    ) -> None:
        self.record = record
        self.service_names = service_names
        self.rates = rates
        self.go_live = go_live

    @property
    def by_profile(self) -> np.ndarray:
        """Group totals per profile, (weeks + 1, P, M); rows beyond ``weeks_recorded`` are 0."""
        return self.record.by_profile

    @property
    def by_service(self) -> np.ndarray:
        """Group totals per service, (weeks + 1, S, M); rows beyond ``weeks_recorded`` are 0."""
        return self.record.by_service

    @property
    def weeks_recorded(self) -> int:
        """Rows recorded so far (weeks 0 to the last simulated)."""
        return int(self.record.weeks[0])

    def to_frame(self) -> pd.DataFrame:
        """The weekly table (see the module docstring for its columns)."""
        return pd.DataFrame(self.columns())

    def columns(self) -> dict[str, np.ndarray]:
        """The weekly table's columns by name, in order (what :meth:`to_frame` holds)."""
        rows = self.weeks_recorded
        record = self.record
        by_profile = measures(record.by_profile[:rows])
        by_service = measures(record.by_service[:rows])
        organisation = record.by_profile[:rows].sum(axis=1)
        total = measures(organisation)
        weekly = record.weekly[:rows]
        columns: dict[str, np.ndarray] = {"week": np.arange(rows)}

        def add(
            groups: dict[str, np.ndarray], names: tuple[str, ...], labels: tuple[str, ...], sep: str
        ) -> None:
            for name in names:
                for k, label in enumerate(labels):
                    columns[f"{name}{sep}{label}"] = groups[name][:, k]

        columns.update((name, total[name]) for name in ORGANISATION_MEASURES)
        add(by_profile, PROFILE_MEASURES, PROFILES, "_")
        columns["training_hours"] = weekly[:, TRAINING_HOURS]
        columns["trainer_hours"] = weekly[:, TRAINER_HOURS]
        columns["e_learning_hours"] = weekly[:, E_LEARNING_HOURS]
        columns["go_lives"] = weekly[:, GO_LIVES].astype(np.int64)
        columns["pairs_live"] = weekly[:, PAIRS_LIVE].astype(np.int64)
        columns["pairs_target"] = weekly[:, PAIRS_TARGET].astype(np.int64)
        costs = cost_table(
            self.rates,
            trainer_hours=weekly[:, TRAINER_HOURS],
            e_learning_hours=weekly[:, E_LEARNING_HOURS],
            training_hours=weekly[:, TRAINING_HOURS],
            extra_time=organisation[:, TIME] - organisation[:, WITH_TARGETS],
            departed_external=organisation[:, LEFT_EXTERNAL],
            first_live=self.go_live.min(axis=0),
        )
        columns.update((name, costs[:, k]) for k, name in enumerate(COST_COLUMNS))
        add(by_service, SERVICE_MEASURES, self.service_names, "@")
        return columns


def measures(totals: np.ndarray) -> dict[str, np.ndarray]:
    """Every measure of :data:`MEASURE_NAMES` from group totals (..., M): name -> values (...).

    A ratio is missing (NaN) where its denominator is zero.
    """
    rows = np.ascontiguousarray(totals, dtype=np.float64).reshape(-1, len(MEASURES))
    out = np.empty((rows.shape[0], len(MEASURE_NAMES)))
    _measure_rows(rows, out)
    grouped = out.reshape(totals.shape[:-1] + (len(MEASURE_NAMES),))
    values = {name: grouped[..., k] for k, name in enumerate(MEASURE_NAMES)}
    values["active_staff"] = values["active_staff"].astype(np.int64)
    return values


def measure(name: str, totals: np.ndarray) -> np.ndarray:
    """One weekly measure (a column name of the weekly table) from group totals (..., M)."""
    return measures(totals)[name]
