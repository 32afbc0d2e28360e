"""Figures of docs/findings.md drawn from the findings' rows and data.

The ablation's and the training grid's figures are drawn by their own modules
(findings_ablation, findings_training).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from findings_runs import EXPOSURE_WEEKS, STRATEGIES, STRATEGY_COLOURS, Rows
from matplotlib.figure import Figure

from simulation.scenario.profiles import PROFILES


def plot_strategies(rows: dict[str, Rows], path: Path, title: str) -> None:
    """Adoption, dropout and share at high strain by strategy (means over replications)."""
    figure = Figure(figsize=(13, 4), layout="constrained")
    axes = figure.subplots(1, 3)
    panels = (
        ("adoption", "adoption share"),
        ("dropout", "dropout share"),
        ("rps_high_share", "share at high strain"),
    )
    for ax, (column, label) in zip(axes, panels, strict=True):
        for strategy in STRATEGIES:
            series = np.array([r["timeseries"][column] for r in rows[strategy]])
            weeks = rows[strategy][0]["timeseries"]["week"]
            mean = series.mean(axis=0)
            low, high = np.percentile(series, [5, 95], axis=0)
            colour = STRATEGY_COLOURS[strategy]
            ax.plot(weeks, mean, color=colour, lw=1.8, label=strategy.replace("_", " "))
            ax.fill_between(weeks, low, high, color=colour, alpha=0.15, lw=0)
        ax.set_xlabel("week")
        ax.set_ylabel(label)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend(frameon=False, loc="lower right")
    replications = len(rows[STRATEGIES[0]])
    figure.suptitle(f"{title} (mean of {replications} replications, band 5-95 %)")
    figure.savefig(path, dpi=110)


def plot_depth(results: dict, path: Path) -> None:
    """Proficiency 26 weeks after a go-live, by strategy and profile."""
    figure = Figure(figsize=(8, 4), layout="constrained")
    ax = figure.subplots()
    width = 0.25
    for k, strategy in enumerate(STRATEGIES):
        means = [results[strategy][f"depth_{p}"]["mean"] for p in PROFILES]
        lows = [results[strategy][f"depth_{p}"]["ci_low"] for p in PROFILES]
        highs = [results[strategy][f"depth_{p}"]["ci_high"] for p in PROFILES]
        x = np.arange(len(PROFILES)) + (k - 1) * width
        ax.bar(
            x,
            means,
            width,
            color=STRATEGY_COLOURS[strategy],
            label=strategy.replace("_", " "),
            yerr=[np.subtract(means, lows), np.subtract(highs, means)],
            capsize=3,
        )
    ax.set_xticks(np.arange(len(PROFILES)), PROFILES)
    ax.set_ylabel(f"proficiency {EXPOSURE_WEEKS} weeks after go-live")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(
        "Depth of integration at equal exposure (typical rollout), 95 % intervals", fontsize=10
    )
    figure.savefig(path, dpi=110)


def plot_sensitivity(result: dict, baseline: dict, path: Path) -> None:
    """Tornado of the dropout difference (big bang - short cycle) at low and high values."""
    names = list(result)
    figure = Figure(figsize=(9, 0.5 * len(names) + 1.8), layout="constrained")
    ax = figure.subplots()
    y = np.arange(len(names))
    for level, colour, shift in (("low", "#56B4E9", -0.18), ("high", "#E69F00", 0.18)):
        stats = [result[n][level]["difference"] for n in names]
        means = np.array([s["mean"] for s in stats]) * 100
        errors = (
            np.array([[s["mean"] - s["ci_low"], s["ci_high"] - s["mean"]] for s in stats]).T * 100
        )
        ax.barh(
            y + shift, means, 0.34, color=colour, xerr=errors, capsize=2, label=f"{level} value"
        )
    ax.axvline(baseline["mean"] * 100, color="black", lw=1, ls="--", label="defaults")
    ax.axvline(0, color="grey", lw=0.8)
    labels = [
        f"{n}\n(low {result[n]['low']['value']:g}, high {result[n]['high']['value']:g})"
        for n in names
    ]
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("dropout, big bang minus short cycle (percentage points, 95 % CI)")
    ax.legend(frameon=False, loc="lower right")
    ax.set_title(
        "Which parameters decide whether big bang loses fewer staff (typical rollout)", fontsize=10
    )
    figure.savefig(path, dpi=110)


def plot_size(result: dict, path: Path) -> None:
    """Weeks to 50 % adoption and dropout against organisation size, by strategy."""
    figure = Figure(figsize=(11, 4), layout="constrained")
    axes = figure.subplots(1, 2)
    sizes = [int(size) for size in result]
    for ax, key, label in (
        (axes[0], "weeks_to_50pct_adoption", "weeks to 50 % adoption"),
        (axes[1], "dropout_share", "dropout share"),
    ):
        for strategy in STRATEGIES:
            stats = [result[size][strategy][key] for size in result]
            means = np.array([s["mean"] for s in stats])
            ax.errorbar(
                sizes,
                means,
                yerr=[means - [s["ci_low"] for s in stats], [s["ci_high"] for s in stats] - means],
                color=STRATEGY_COLOURS[strategy],
                marker="o",
                capsize=3,
                label=strategy.replace("_", " "),
            )
        ax.set_xscale("log")
        ax.set_xlabel("staff (log scale)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[0].legend(frameon=False)
    figure.suptitle(
        "Organisation size (typical rollout rescaled, 13 services, training capacity per staff "
        "kept; 95 % intervals)"
    )
    figure.savefig(path, dpi=110)


def plot_ensemble_claims(result: dict, path: Path) -> None:
    """Share of the plausible sets that agree with each claim, with the default set's verdict."""
    names = list(result["claims"])
    figure = Figure(figsize=(10, 0.42 * len(names) + 1.6), layout="constrained")
    ax = figure.subplots()
    y = np.arange(len(names))
    agreement = [result["claims"][n]["agreement"] for n in names]
    share = np.array([a["share"] for a in agreement]) * 100
    low = np.array([a["ci_low"] for a in agreement]) * 100
    high = np.array([a["ci_high"] for a in agreement]) * 100
    ax.barh(y, share, 0.6, color="#56B4E9", xerr=[share - low, high - share], capsize=2)
    default = [100.0 * result["default"][n]["agreement"]["agree"] for n in names]
    ax.plot(default, y, "D", color="black", ms=5, label="default set (agrees: 100, not: 0)")
    labels = [
        f"{result['claims'][n]['section']}. {result['claims'][n]['statement']}\n"
        f"({result['claims'][n]['test'].replace('`', '')})"
        for n in names
    ]
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.axvline(50, color="grey", lw=0.8, ls=":")
    ax.set_xlabel("plausible parameter sets in which the model agrees (%, Wilson 95 % interval)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.set_title(
        f"The study's claims across {result['members']} members of the ensemble "
        f"({result['per_member']} replications each)",
        fontsize=10,
    )
    figure.savefig(path, dpi=110)


ENSEMBLE_PANELS = (
    ("fewer_dropouts", 0, 100.0, "dropout (points)"),
    ("fewer_dropouts", 1, 100.0, "dropout (points)"),
    ("fewer_dropouts_default", 1, 100.0, "dropout (points)"),
    ("strain_peak", 0, 100.0, "peak at high strain (points)"),
    ("small_steps_deep", 1, 1.0, "depth at 26 weeks"),
    ("short_cycles_action", 1, 1.0, "depth at 26 weeks"),
    ("short_cycles_acculturation", 1, 1.0, "depth at 26 weeks"),
    ("small_change_easily", 0, 100.0, "dropout (points)"),
    ("fewer_dropouts_10h_unlimited", 0, 100.0, "dropout (points)"),
)
"""Claim, condition index, factor to the unit shown and unit of each panel."""


def plot_ensemble_gaps(result: dict, path: Path) -> None:
    """Each member's mean paired difference on some conditions, against the default set's."""
    figure = Figure(figsize=(13, 9), layout="constrained")
    axes = figure.subplots(3, 3).ravel()
    for ax, (name, index, factor, unit) in zip(axes, ENSEMBLE_PANELS, strict=True):
        condition = result["claims"][name]["conditions"][index]
        values = np.array(list(condition["means"].values())) * factor
        ax.hist(values, bins=25, color="#56B4E9")
        ax.axvline(0, color="grey", lw=0.8)
        default = result["default"][name]["conditions"][index]["mean"]["mean"]
        if default is not None:
            ax.axvline(default * factor, color="black", lw=1.2, ls="--", label="default set")
        share = condition["agreement"]["share"]
        wanted = "> 0" if condition["sign"] > 0 else "< 0"
        ax.set_title(
            f"{result['claims'][name]['test'].replace('`', '')}\n{condition['label']} {wanted}: "
            f"{share:.0%} of members",
            fontsize=8,
        )
        ax.set_xlabel(unit, fontsize=8)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("members")
    axes[0].legend(frameon=False, fontsize=7)
    figure.suptitle(
        f"Member means of paired differences ({result['members']} members, "
        f"{result['per_member']} replications each; dashed: the default set)",
        fontsize=11,
    )
    figure.savefig(path, dpi=110)
