"""Initial staff attributes: profiles, referents, individual vulnerability and ability.

Profiles are assigned by quota, service by service: a service of ``n`` staff with
mix ``(p_t, p_f, p_o)`` gets the largest-remainder rounding of ``n * p`` (ties broken
at random), shuffled among its members. The organisation-wide split therefore
matches the mix up to one staff member per service, instead of drifting as
independent draws would (CNFPT 2018, section VI.A: 10/40/50).

Referents (first-level support, CNFPT 2018 section IV.C) are chosen in each
service among the most digitally at ease: technophiles first, then followers,
then overwhelmed staff.

The service-by-service draws run in one compiled function (:func:`_draw_profiles`),
with the same numbers in the same order as numpy's calls
(:mod:`simulation.model.draws`); the log-normal factors stay numpy's (its ``exp``
of an array may differ from a compiled one in the last bit).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numba import njit

from simulation.model.network import StaffNetwork
from simulation.scenario.profiles import PROFILES
from simulation.scenario.records import Scenario

TECHNOPHILE, FOLLOWER, OVERWHELMED = range(len(PROFILES))
_N_PROFILES = len(PROFILES)  # a plain int, for the compiled code


@dataclasses.dataclass(frozen=True, eq=False)
class Population:
    """Attributes drawn once per run.

    Attributes:
        profile: Profile code of each staff member (0 technophile, 1 follower,
            2 overwhelmed), shape (N,), int8.
        is_referent: Referent mask, shape (N,).
        vulnerability: Individual vulnerability to strain (profile value times a
            mean-one log-normal factor), shape (N,).
        learning_ability: Individual learning ability (profile value times a mean-one
            log-normal factor), shape (N,).
    """

    profile: np.ndarray
    is_referent: np.ndarray
    vulnerability: np.ndarray
    learning_ability: np.ndarray


def lognormal_factor(spread: float, size: int, rng: np.random.Generator) -> np.ndarray:
    """Mean-one log-normal factors with log-sd ``spread``."""
    return np.exp(spread * rng.standard_normal(size) - spread**2 / 2)


def quota(n: int, shares: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Split ``n`` into whole counts proportional to ``shares`` (largest remainder).

    Ties between equal remainders are broken at random so that no profile is
    favoured systematically across many small services.
    """
    return _quota(n, np.asarray(shares, dtype=np.float64), rng)


@njit(cache=True, error_model="numpy")
def _quota(n: int, shares: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """:func:`quota`, compiled: ``len(shares)`` uniforms drawn if a seat is left over."""
    exact = n * shares
    counts = np.floor(exact).astype(np.int64)
    missing = n - counts.sum()
    if missing > 0:
        # Largest remainder first; the uniforms order equal remainders.
        order = _lexsort2(-(exact - counts), rng.random(shares.size))
        for k in order[:missing]:
            counts[k] += 1
    return counts


@njit(cache=True, error_model="numpy")
def _lexsort2(primary: np.ndarray, secondary: np.ndarray) -> np.ndarray:
    """``np.lexsort((secondary, primary))``: by ``primary``, ties by ``secondary``, then index.

    Two stable sorts (numba has no ``lexsort``): by the secondary key, then by the
    primary key, which keeps the secondary order among equal primary keys.
    """
    by_secondary = np.argsort(secondary, kind="mergesort")
    return by_secondary[np.argsort(primary[by_secondary], kind="mergesort")]


def profile_mixes(scenario: Scenario) -> np.ndarray:
    """Each service's profile mix (its own, else the scenario's), float (S, P)."""
    return np.array(
        [
            (service.profile_mix or scenario.profile_mix).as_array()
            for service in scenario.organisation.services
        ],
        dtype=np.float64,
    ).reshape(len(scenario.organisation.services), len(PROFILES))


def draw_population(
    scenario: Scenario,
    network: StaffNetwork,
    rng: np.random.Generator,
    mixes: np.ndarray | None = None,
) -> Population:
    """Assign profiles, referents and vulnerabilities for one run.

    Args:
        scenario: The validated scenario.
        network: The run's staff network (gives each staff member's service).
        rng: The run's "population" stream.
        mixes: ``profile_mixes(scenario)`` if already derived.
    """
    n_staff = network.n_staff
    counts_by_service = np.bincount(network.service_of, minlength=len(network.service_names))
    profile, is_referent = _draw_profiles(
        counts_by_service,
        profile_mixes(scenario) if mixes is None else mixes,
        float(scenario.levers.referent_share),
        rng,
    )
    behaviour = scenario.behaviour
    vulnerability = behaviour.vulnerability.as_array()[profile] * lognormal_factor(
        behaviour.vulnerability_spread, n_staff, rng
    )
    ability = behaviour.learning_ability.as_array()[profile] * lognormal_factor(
        behaviour.learning_ability_spread, n_staff, rng
    )
    return Population(profile, is_referent, vulnerability, ability)


@njit(cache=True, error_model="numpy")
def _draw_profiles(
    counts: np.ndarray, mixes: np.ndarray, referent_share: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Profiles (int8) and referents (bool) of all staff, service after service.

    Staff are numbered service by service, so a service is a contiguous block. Per
    service, the draws of numpy's ``quota``, ``rng.permutation`` of the quota's labels
    and, if there are referents, ``rng.random(n)`` to order staff within a profile.
    """
    profile = np.empty(counts.sum(), dtype=np.int8)
    is_referent = np.zeros(counts.sum(), dtype=np.bool_)
    start = 0
    for code in range(counts.size):
        n = counts[code]
        block = profile[start : start + n]
        seats = _quota(n, mixes[code], rng)
        if seats.sum() != n:
            raise ValueError("a profile mix must sum to 1")
        first = 0
        for p in range(seats.size):
            block[first : first + seats[p]] = p
            first += seats[p]
        # Shuffling the labels in place draws what permuting a copy of them would.
        rng.shuffle(block)
        if referent_share > 0 and n:
            # Half up (not Python's half-to-even), at least one per service.
            n_referents = min(n, max(1, int(referent_share * n + 0.5)))
            _mark_referents(block, rng.random(n), n_referents, is_referent[start : start + n])
        start += n
    return profile, is_referent


@njit(cache=True, error_model="numpy")
def _mark_referents(
    profile: np.ndarray, uniforms: np.ndarray, n_referents: int, is_referent: np.ndarray
) -> None:
    """Mark the first ``n_referents`` of one service, most at ease first.

    The order is ``np.lexsort((uniforms, profile))``: by profile code, then by uniform
    (then by staff number). Profiles are taken in turn, and only the one the count
    ends in is sorted, by a stable sort of its members (listed in staff order).
    """
    left = n_referents
    for code in range(_N_PROFILES):
        if left == 0:
            break
        members = np.flatnonzero(profile == code)
        if members.size > left:
            members = members[np.argsort(uniforms[members], kind="mergesort")[:left]]
        is_referent[members] = True
        left -= members.size


def always_on(scenario: Scenario, network: StaffNetwork, rng: np.random.Generator) -> np.ndarray:
    """Which staff stay connected outside working hours (bool per staff member).

    Managers, and the staff of management services, with probability
    ``behaviour.always_on_share_managers`` (CNFPT 2018, section VI.C: 60 % of managers
    work on rest days); the others with ``behaviour.always_on_share_staff``.

    Args:
        scenario: The validated scenario.
        network: The run's staff network (managers and services).
        rng: The run's "population" stream, after :func:`draw_population`.
    """
    behaviour = scenario.behaviour
    management = np.array(
        [s.job_type == "management" for s in scenario.organisation.services], dtype=bool
    )
    leads = network.is_manager | management[network.service_of]
    share = np.where(leads, behaviour.always_on_share_managers, behaviour.always_on_share_staff)
    return rng.random(network.n_staff) < share
