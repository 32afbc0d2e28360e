"""Experiments behind docs/findings.md: the study's qualitative claims, run as they stand.

    .venv/bin/python experiments/findings.py

Writes docs/figures/findings_*.png and docs/findings_data.json (the numbers quoted in
docs/findings.md). Nothing is tuned here: every run uses the calibrated defaults,
except the parameter being varied in the sensitivity part.

1. Strategies on the default commune and on the typical modification-level rollout
   (40 replications, common random numbers): adoption speed, dropout, strain peak,
   depth of integration at equal exposure (proficiency 26 weeks after a go-live).
2. Learning by doing: the same runs without practice (behaviour.practice_rate 0);
   what practice adds to depth and speed under each strategy.
3. Which parameters decide whether big bang loses fewer staff than short cycles:
   one parameter at a time at a low and a high value, paired differences.
4. Organisation size: the typical rollout rescaled from 50 to 5,000 staff, training
   capacity kept proportional to staff.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from simulation import Scenario
from simulation.experiments.executors import process_pool
from simulation.experiments.statistics import mean_ci
from simulation.model.outcomes import flatten
from simulation.model.seeds import run_seed
from simulation.scenario.loading import load_scenario
from simulation.scenario.profiles import PROFILES

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "docs" / "figures"
DATA = ROOT / "docs" / "findings_data.json"
STRATEGIES = ("big_bang", "small_steps", "short_cycle")
STRATEGY_COLOURS = {"big_bang": "#D55E00", "small_steps": "#0072B2", "short_cycle": "#009E73"}
SEED = 2018
EXPOSURE_WEEKS = 26
REPLICATIONS = 40
SENSITIVITY_REPLICATIONS = 20


def run_detailed(task: tuple[Scenario, int]) -> dict:
    """Run one replication and measure, besides the summary, depth at equal exposure.

    Depth: mean proficiency of the active staff of each (service, tool) pair
    ``EXPOSURE_WEEKS`` weeks after the pair went live, averaged over the pairs that
    reach that age before the horizon (overall and per profile).
    """
    from simulation.model.model import TransitionModel

    scenario, replication = task
    model = TransitionModel(scenario, rng=run_seed(SEED, replication))
    state, plan = model.state, model.plan
    sums = np.zeros(len(PROFILES))
    counts = np.zeros(len(PROFILES))
    while model.running:
        model.step()
        ages = model.week - plan.go_live  # (S, T); negative or huge if not live
        for s, t in zip(*np.nonzero(ages == EXPOSURE_WEEKS), strict=True):
            members = state.active & (state.service == s) & state.target[:, t]
            for p in range(len(PROFILES)):
                chosen = members & (state.profile == p)
                sums[p] += state.proficiency[chosen, t].sum()
                counts[p] += chosen.sum()
    with np.errstate(invalid="ignore"):
        depth = sums / counts
    row = flatten(model.summary())
    row["depth"] = float(sums.sum() / counts.sum()) if counts.sum() else None
    for p, value in zip(PROFILES, depth, strict=True):
        row[f"depth_{p}"] = None if np.isnan(value) else float(value)
    row["replication"] = replication
    row["strategy"] = scenario.rollout.strategy
    row["timeseries"] = model.timeseries()[
        ["week", "adoption", "dropout", "rps_high_share", "strain_mean"]
    ].to_dict(orient="list")
    return row


def run_many(pool, scenarios: list[Scenario], replications: int) -> list[dict]:
    """Run every scenario ``replications`` times (replication r: same seeds everywhere)."""
    tasks = [(s, r) for s in scenarios for r in range(replications)]
    return list(pool.map(run_detailed, tasks, chunksize=4))


def summarise(rows: list[dict], keys: list[str]) -> dict:
    """Mean and 95 % interval of each key over rows."""
    return {k: mean_ci([r[k] for r in rows]) for k in keys}


def paired(rows_a: list[dict], rows_b: list[dict], key: str) -> dict:
    """Mean and 95 % interval of the paired difference a - b (same replication)."""
    b = {r["replication"]: r[key] for r in rows_b}
    return mean_ci([r[key] - b[r["replication"]] for r in rows_a if r[key] is not None])


STRATEGY_KEYS = [
    "weeks_to_50pct_adoption",
    "weeks_to_80pct_adoption",
    "adoption_final",
    "dropout_share",
    "dropout_share_overwhelmed",
    "rps_peak_share",
    "rps_high_person_weeks",
    "mastered_share_final",
    "efficiency_gain",
    "depth",
    "depth_technophile",
    "depth_follower",
    "depth_overwhelmed",
    "training_hours_total",
]


def strategies_experiment(pool, base: Scenario, label: str) -> tuple[dict, dict]:
    """The three strategies on one organisation."""
    rows = {s: run_many(pool, [base.with_strategy(s)], REPLICATIONS) for s in STRATEGIES}
    result = {s: summarise(rows[s], STRATEGY_KEYS) for s in STRATEGIES}
    result["paired"] = {
        f"{a}-{b}": {
            k: paired(rows[a], rows[b], k) for k in ("dropout_share", "depth", "rps_peak_share")
        }
        for a, b in (
            ("big_bang", "short_cycle"),
            ("big_bang", "small_steps"),
            ("short_cycle", "small_steps"),
        )
    }
    print(f"strategies on {label}: done")
    return result, rows


def plot_strategies(rows: dict, path: Path, title: str) -> None:
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
    figure.suptitle(f"{title} (mean of {REPLICATIONS} replications, band 5-95 %)")
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


def practice_experiment(pool, base: Scenario, rows: dict) -> dict:
    """What learning by doing adds, per strategy: default runs minus runs without practice."""
    result = {}
    without = base.override({"behaviour.practice_rate": 0.0})
    for strategy in STRATEGIES:
        reference = [r for r in rows[strategy] if r["replication"] < SENSITIVITY_REPLICATIONS]
        no_practice = run_many(pool, [without.with_strategy(strategy)], SENSITIVITY_REPLICATIONS)
        result[strategy] = {
            "depth_gain": paired(reference, no_practice, "depth"),
            "weeks_to_50pct_saved": paired(no_practice, reference, "weeks_to_50pct_adoption"),
            "depth_without_practice": mean_ci([r["depth"] for r in no_practice]),
        }
    print("practice: done")
    return result


SENSITIVITY = (
    ("levers.training_capacity", 10.0, 90.0),
    ("rollout.big_bang.preparation_weeks", 4, 40),
    ("rollout.big_bang.project_framing", 0.0, 1.0),
    ("behaviour.change_load_weight", 0.02, 0.08),
    ("behaviour.change_frequency_weight", 0.0, 0.04),
    ("behaviour.dropout_strain_rate", 0.005, 0.03),
    ("behaviour.dropout_refusal_rate", 0.01, 0.08),
    ("behaviour.peer_influence", 0.1, 0.5),
    ("behaviour.strain_recovery", 0.05, 0.2),
)


def sensitivity_experiment(pool, base: Scenario) -> dict:
    """Paired dropout difference big bang - short cycle, one parameter at a time."""
    result = {}
    for path, low, high in SENSITIVITY:
        result[path] = {}
        for level, value in (("low", low), ("high", high)):
            variant = base.override({path: value})
            bb = run_many(pool, [variant.with_strategy("big_bang")], SENSITIVITY_REPLICATIONS)
            sc = run_many(pool, [variant.with_strategy("short_cycle")], SENSITIVITY_REPLICATIONS)
            result[path][level] = {
                "value": value,
                "difference": paired(bb, sc, "dropout_share"),
                "big_bang": mean_ci([r["dropout_share"] for r in bb]),
                "short_cycle": mean_ci([r["dropout_share"] for r in sc]),
            }
        print(f"sensitivity {path}: done")
    return result


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


SIZES = (50, 150, 500, 1500, 5000)


def size_experiment(pool, base: Scenario) -> dict:
    """The three strategies at several organisation sizes, training capacity per staff kept."""
    per_staff = base.levers.training_capacity / base.staff_count
    result = {}
    for size in SIZES:
        variant = base.override(
            {
                "organisation.total_staff": size,
                "levers.training_capacity": per_staff * size,
            }
        )
        result[size] = {}
        for strategy in STRATEGIES:
            rows = run_many(pool, [variant.with_strategy(strategy)], SENSITIVITY_REPLICATIONS)
            result[size][strategy] = summarise(
                rows, ["weeks_to_50pct_adoption", "dropout_share", "rps_peak_share", "depth"]
            )
        print(f"size {size}: done")
    return result


def plot_size(result: dict, path: Path) -> None:
    """Weeks to 50 % adoption and dropout against organisation size, by strategy."""
    figure = Figure(figsize=(11, 4), layout="constrained")
    axes = figure.subplots(1, 2)
    for ax, key, label in (
        (axes[0], "weeks_to_50pct_adoption", "weeks to 50 % adoption"),
        (axes[1], "dropout_share", "dropout share"),
    ):
        for strategy in STRATEGIES:
            stats = [result[size][strategy][key] for size in SIZES]
            means = np.array([s["mean"] for s in stats])
            ax.errorbar(
                SIZES,
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


def _plain(value):
    """JSON-friendly copy (tuple keys and numpy scalars)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def main() -> None:
    """Run the experiments, draw the figures and save the numbers."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    default = Scenario()
    typical = load_scenario(ROOT / "scenarios" / "validation" / "typical_rollout.yaml")
    data: dict = {
        "seed": SEED,
        "replications": REPLICATIONS,
        "sensitivity_replications": SENSITIVITY_REPLICATIONS,
        "exposure_weeks": EXPOSURE_WEEKS,
    }
    with process_pool(2) as pool:
        data["default"], rows_default = strategies_experiment(pool, default, "default commune")
        plot_strategies(
            rows_default,
            FIGURES / "findings_strategies_default.png",
            "Strategies on the default commune",
        )
        data["typical"], rows_typical = strategies_experiment(pool, typical, "typical rollout")
        plot_strategies(
            rows_typical,
            FIGURES / "findings_strategies_typical.png",
            "Strategies on the typical modification-level rollout",
        )
        plot_depth(data["typical"], FIGURES / "findings_depth.png")
        data["practice"] = practice_experiment(pool, typical, rows_typical)
        data["sensitivity"] = sensitivity_experiment(pool, typical)
        plot_sensitivity(
            data["sensitivity"],
            data["typical"]["paired"]["big_bang-short_cycle"]["dropout_share"],
            FIGURES / "findings_sensitivity.png",
        )
        data["size"] = size_experiment(pool, typical)
        plot_size(data["size"], FIGURES / "findings_size.png")
    DATA.write_text(json.dumps(_plain(data), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {DATA.relative_to(ROOT)} and docs/figures/findings_*.png")


if __name__ == "__main__":
    main()
