"""Warnings on sensitivity indices (simulation/experiments/index_checks.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import invoke, write

from simulation.experiments.index_checks import (
    MORRIS_MIN_TRAJECTORIES,
    SOBOL_MIN_SAMPLES,
    index_warnings,
    warning_lines,
)

SOUND_SOBOL = {"S1": 0.4, "S1_conf": 0.03, "ST": 0.5, "ST_conf": 0.04}
SOUND_MORRIS = {"mu": 0.2, "mu_star": 0.3, "mu_star_conf": 0.05, "sigma": 0.1}


def test_sound_indices_from_large_samples_have_no_warning():
    assert index_warnings(SOUND_SOBOL, "sobol", SOBOL_MIN_SAMPLES) == []
    assert index_warnings(SOUND_MORRIS, "morris", MORRIS_MIN_TRAJECTORIES) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"S1": 1.2, "ST": 1.25}, "out_of_range"),
        ({"S1": -0.1, "ST": -0.08}, "out_of_range"),
        ({"S1": 0.6, "ST": 0.3}, "st_below_s1"),
        ({"ST_conf": 0.3}, "wide_ci"),
    ],
)
def test_each_sobol_fault_is_flagged(change, code):
    assert index_warnings({**SOUND_SOBOL, **change}, "sobol", 1024) == [code]


def test_st_below_s1_within_the_intervals_is_not_flagged():
    row = {**SOUND_SOBOL, "S1": 0.5, "ST": 0.45}  # 0.05 apart, intervals 0.07
    assert "st_below_s1" not in index_warnings(row, "sobol", 1024)


def test_small_samples_are_flagged():
    assert index_warnings(SOUND_SOBOL, "sobol", SOBOL_MIN_SAMPLES // 2) == ["small_sample"]
    assert index_warnings(SOUND_MORRIS, "morris", MORRIS_MIN_TRAJECTORIES - 1) == ["small_sample"]


def test_a_morris_interval_reaching_zero_is_flagged():
    assert index_warnings({**SOUND_MORRIS, "mu_star_conf": 0.4}, "morris", 20) == ["wide_ci"]


def test_warning_lines_name_the_sample_and_count_the_flags():
    indices = pd.DataFrame(
        [{**SOUND_SOBOL, "warning": "small_sample;wide_ci"}, {**SOUND_SOBOL, "warning": ""}]
    )
    lines = warning_lines(indices, "sobol", 64)
    assert any("64 base sample N" in line and "512" in line for line in lines)
    assert any(line.startswith("1 of 2 indices") and "wide_ci" in line for line in lines)
    assert warning_lines(indices.assign(warning=""), "sobol", 1024) == []


MORRIS = """\
name: Small Morris
horizon_weeks: 20
overrides: {organisation.total_staff: 60}
replications: 1
factors:
  levers.training_capacity: {low: 1, high: 60}
  behaviour.peer_influence: {low: 0.1, high: 0.5}
design: {method: morris, samples: 3, levels: 4}
outcomes: [adoption_final]
weekly: [adoption]
"""


def test_a_small_morris_analysis_says_so_and_flags_its_indices(tmp_path):
    out = tmp_path / "out"
    result = invoke("sensitivity", write(tmp_path / "m.yaml", MORRIS), "--workers", 1, "--out", out)
    assert result.exit_code == 0, result.output
    assert "warning: the morris design has 3 trajectories" in result.stderr
    indices = pd.read_csv(out / "indices.csv", keep_default_na=False)
    assert indices["warning"].str.contains("small_sample").all()
