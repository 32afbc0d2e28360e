"""Figure of docs/validation.md: simulated adoption against the Bass model.

    .venv/bin/python experiments/bass_figure.py

Runs the Bass configuration (scenarios/validation/bass.yaml) at two (p, q) pairs,
20 replications of 5,000 staff each, and plots the mean simulated adoption share
with the discrete Bass recursion and the closed form of Bass (1969). Prints the
largest gap between simulation and recursion, in standard errors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from simulation.experiments.bass import (
    bass_closed_form,
    bass_recursion,
    bass_scenario,
    simulate_bass,
)

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "figures" / "bass.png"
PAIRS = ((0.03, 0.4), (0.01, 0.25))
STAFF, WEEKS, REPLICATIONS = 5000, 40, 20


def main() -> None:
    """Simulate, compare and draw."""
    figure = Figure(figsize=(11, 4.2), layout="constrained")
    axes = figure.subplots(1, len(PAIRS), sharey=True)
    weeks = np.arange(WEEKS + 1)
    for ax, (p, q) in zip(axes, PAIRS, strict=True):
        mean, error = simulate_bass(
            bass_scenario(p, q, staff=STAFF, weeks=WEEKS), REPLICATIONS, workers=2
        )
        discrete = bass_recursion(p, q, WEEKS)
        fine = np.linspace(0, WEEKS, 400)
        ax.plot(
            fine,
            bass_closed_form(p, q, fine),
            color="#0072B2",
            lw=1.5,
            label="Bass closed form (continuous time)",
        )
        ax.plot(weeks, discrete, "o", color="#000000", ms=3.5, label="discrete Bass recursion")
        ax.fill_between(weeks, mean - 2 * error, mean + 2 * error, color="#D55E00", alpha=0.3, lw=0)
        ax.plot(
            weeks,
            mean,
            color="#D55E00",
            lw=1.2,
            label=f"simulated mean of {REPLICATIONS} runs (band ±2 s.e.)",
        )
        ax.set_title(f"p = {p:g}, q = {q:g}, {STAFF:,} staff", fontsize=10)
        ax.set_xlabel("week")
        ax.grid(alpha=0.3)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(error > 0, np.abs(mean - discrete) / error, 0.0)
        gap = np.abs(mean - discrete).max()
        print(f"p={p:g} q={q:g}: largest gap {gap:.4f} (share), {z.max():.2f} standard errors")
    axes[0].set_ylabel("adoption share")
    axes[0].legend(loc="lower right", frameon=False, fontsize=8)
    figure.suptitle("Adoption in the Bass configuration: simulation against the Bass model")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(OUTPUT, dpi=110)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
