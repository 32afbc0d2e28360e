"""The report repeats the warnings of sensitivity indices, in French and English."""

from __future__ import annotations

import pandas as pd
import pytest

from simulation.i18n.words import phrase
from simulation.reports.html import build_report
from simulation.reports.sweep_text import sensitivity_summary


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_small_design_is_flagged_in_the_report(morris, lang):
    assert morris.indices["warning"].str.contains("small_sample").all()  # 4 trajectories
    html = build_report(morris, lang)
    reason = phrase("report.sweep.warning.small_sample", lang, samples=4, need=10)
    assert reason.split(" (")[0] in html


def test_the_summary_counts_flagged_indices(morris):
    indices = morris.indices.assign(warning=["wide_ci"] + [""] * (len(morris.indices) - 1))
    lines = sensitivity_summary(indices, "en", 20, "morris")
    assert lines[-1].startswith(f"1 of {len(indices)} indices are to be read with caution")
    assert phrase("report.sweep.warning.wide_ci", "en") in lines[-1]


def test_indices_without_warnings_add_no_sentence(morris):
    quiet = sensitivity_summary(morris.indices.assign(warning=""), "fr", 20, "morris")
    old = sensitivity_summary(morris.indices.drop(columns="warning"), "fr")  # an older folder
    assert quiet == old and not any("prudence" in line for line in quiet)


def test_sobol_indices_are_flagged_too(sobol):
    assert "warning" in sobol.indices
    lines = sensitivity_summary(sobol.indices, "en", 4, "sobol")
    assert "at least 512" in lines[-1]
    assert isinstance(sobol.indices, pd.DataFrame)
