"""When each recommended plan fails (simulation/experiments/plan_failures.py).

A stand-in for the named plans of ``transnum optimise``: fresh replications with
their member's parameters and two declared uncertainties, failing when staff are more
often overwhelmed and less training is delivered than planned (plus label noise).
"""

from __future__ import annotations

import types

import numpy as np
import pandas as pd

from simulation.experiments.discovery_text import Meaning, input_name
from simulation.experiments.plan_failures import explain_failures
from simulation.i18n.words import percent, phrase, quote

UNCERTAINTIES = (
    types.SimpleNamespace(name="overwhelmed_share", path="profile_mix.overwhelmed", scale=False),
    types.SimpleNamespace(name="training_available", path="levers.training_capacity", scale=True),
)


def checked_plan(name: str, failed_when, seed: int = 3, replications: int = 800):
    rng = np.random.default_rng(seed)
    inputs = pd.DataFrame(
        {
            "replication": np.arange(replications),
            "member": rng.integers(0, 300, replications),
            "behaviour.strain_recovery": rng.uniform(0.05, 0.2, replications),
            "overwhelmed_share": rng.uniform(0.4, 0.65, replications),
            "training_available": rng.uniform(0.6, 1.0, replications),
        }
    )
    failed = failed_when(inputs) ^ (rng.random(replications) < 0.03)
    return types.SimpleNamespace(name=name, inputs=inputs, failed=failed)


def test_each_plans_failures_are_told_with_the_uncertainties_it_declared():
    fails = checked_plan(
        "balanced",
        lambda x: (
            (x["overwhelmed_share"] > 0.55).to_numpy() & (x["training_available"] < 0.75).to_numpy()
        ),
    )
    never = checked_plan("safest", lambda x: np.zeros(len(x), dtype=bool), seed=4)
    never.failed[:] = False
    space = types.SimpleNamespace(uncertainties=UNCERTAINTIES)
    found = explain_failures([fails, never], space)
    assert set(found) == {"balanced", "safest"}
    balanced = found["balanced"]
    assert balanced["runs"] == 800 and balanced["runs_of_interest"] == int(fails.failed.sum())
    # Replication numbers and members identify runs; they are no conditions.
    assert "replication" not in balanced["inputs"] and "member" not in balanced["inputs"]
    box = balanced["boxes"][0]
    assert {limit["input"] for limit in box["limits"]} == {
        "overwhelmed_share",
        "training_available",
    }
    for lang in ("fr", "en"):
        sentence = balanced["sentences"][lang][0]
        plan = quote(phrase("optimise.plan.balanced", lang), lang)
        assert phrase("discover.plan_misses", lang, plan=plan) in sentence
        # The declared names are told as the paths they stand for...
        share = phrase("discover.input.profile_mix.overwhelmed", lang)
        assert phrase("discover.above", lang, name=share, value=percent(0.55, lang, 0)) in sentence
        # ... and a scaling one as the share of the plan's value actually available.
        available = input_name(
            "training_available",
            lang,
            {"training_available": Meaning("levers.training_capacity", True)},
        )
        assert available in sentence and percent(0.75, lang, 0) in sentence
    assert "du capacité" not in balanced["sentences"]["fr"][0]
    # A plan that never fails has no box and no sentence (the report says so itself).
    assert found["safest"]["boxes"] == [] and found["safest"]["sentences"] == {"fr": [], "en": []}
    assert found["safest"]["runs_of_interest"] == 0


def test_a_scaled_input_is_named_with_french_contractions():
    meaning = {"backing": Meaning("levers.manager_backing", True)}
    french = input_name("backing", "fr", meaning)
    assert french == phrase(
        "discover.scaled", "fr", name=phrase("discover.input.levers.manager_backing", "fr")
    ).replace(" de le ", " du ")
    assert " du soutien" in french
