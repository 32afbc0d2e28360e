"""Initial staff attributes: profiles, referents, individual vulnerability and ability.

Profiles are assigned by quota, service by service: a service of ``n`` staff with
mix ``(p_t, p_f, p_o)`` gets the largest-remainder rounding of ``n * p`` (ties broken
at random), shuffled among its members. The organisation-wide split therefore
matches the mix up to one staff member per service, instead of drifting as
independent draws would (CNFPT 2018, section VI.A: 10/40/50).

Referents (first-level support, CNFPT 2018 section IV.C) are chosen in each
service among the most digitally at ease: technophiles first, then followers,
then overwhelmed staff.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from simulation.model.network import StaffNetwork
from simulation.scenario.profiles import PROFILES
from simulation.scenario.records import Scenario

TECHNOPHILE, FOLLOWER, OVERWHELMED = range(len(PROFILES))


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
    exact = n * shares
    counts = np.floor(exact).astype(np.int64)
    missing = n - int(counts.sum())
    if missing > 0:
        order = np.lexsort((rng.random(shares.size), -(exact - counts)))
        counts[order[:missing]] += 1
    return counts


def draw_population(
    scenario: Scenario, network: StaffNetwork, rng: np.random.Generator
) -> Population:
    """Assign profiles, referents and vulnerabilities for one run.

    Args:
        scenario: The validated scenario.
        network: The run's staff network (gives each staff member's service).
        rng: The run's "population" stream.
    """
    n_staff = network.n_staff
    profile = np.empty(n_staff, dtype=np.int8)
    is_referent = np.zeros(n_staff, dtype=bool)
    share = scenario.levers.referent_share
    counts_by_service = np.bincount(network.service_of, minlength=len(network.service_names))
    starts = np.concatenate([[0], np.cumsum(counts_by_service)[:-1]])
    for code, service in enumerate(scenario.organisation.services):
        # Staff are numbered service by service, so a service is a contiguous block.
        members = np.arange(starts[code], starts[code] + counts_by_service[code])
        mix = (service.profile_mix or scenario.profile_mix).as_array()
        counts = quota(members.size, mix, rng)
        labels = np.repeat(np.arange(len(PROFILES), dtype=np.int8), counts)
        profile[members] = rng.permutation(labels)
        if share > 0 and members.size:
            # Half up (not Python's half-to-even), at least one per service.
            n_referents = min(members.size, max(1, int(share * members.size + 0.5)))
            # Most at ease first; random order within a profile.
            order = np.lexsort((rng.random(members.size), profile[members]))
            is_referent[members[order[:n_referents]]] = True
    behaviour = scenario.behaviour
    vulnerability = behaviour.vulnerability.as_array()[profile] * lognormal_factor(
        behaviour.vulnerability_spread, n_staff, rng
    )
    ability = behaviour.learning_ability.as_array()[profile] * lognormal_factor(
        behaviour.learning_ability_spread, n_staff, rng
    )
    return Population(profile, is_referent, vulnerability, ability)


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
