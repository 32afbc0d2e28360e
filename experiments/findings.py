"""Experiments behind docs/findings.md: the study's qualitative claims, run as they stand.

    .venv/bin/python experiments/findings.py            # everything: about 15 min on 2 cores
    .venv/bin/python experiments/findings.py --quick    # smoke run, 3 replications: 2-3 min
    .venv/bin/python experiments/findings.py --tables   # tables of findings.md from the data

Writes docs/figures/findings_*.png, docs/findings_data.json and the generated tables of
docs/findings.md (the blocks between ``<!-- generated: ... -->`` markers; the text
around them is written by hand and quotes the data). ``--quick`` writes the same files
into results/findings-quick/ instead, leaving docs/ alone. Nothing is tuned here.

0. Every claim across the calibrated ensemble (findings_claims, findings_ensemble): the
   first ``MEMBERS`` members, ``PER_MEMBER`` replications each, and the default set on
   40 replications; the share of members in which the model agrees.

Experiments 1 to 5 use the default parameter set, except what an experiment varies:

1. Strategies on the default commune and on the typical modification-level rollout
   (40 replications, common random numbers): adoption speed, dropout, strain peak,
   depth of integration at equal exposure (proficiency 26 weeks after a go-live).
2. Ablation: each mechanism of findings_ablation.ABLATIONS switched off in turn, on
   the same seeds; the part of each strategy gap it explains, as a paired
   difference-in-differences (typical rollout 40 replications, default commune 20).
3. Weekly training time per person (``levers.max_training_hours`` 1 to 10 h) crossed
   with how it is shared between tools (``levers.training_focus``) and with trainers
   as set or unlimited: the strategies' ranking at each point (same replications).
4. Which parameters decide whether big bang loses fewer staff than short cycles:
   one parameter at a time at a low and a high value, paired differences.
5. Organisation size: the typical rollout rescaled from 50 to 5,000 staff, training
   capacity kept proportional to staff.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import time
from concurrent.futures import Executor
from pathlib import Path

import numpy as np
from findings_ablation import ABLATIONS, ablation_experiment, check_ablations, plot_ablation
from findings_ensemble import ensemble_experiment, without_means
from findings_figures import (
    plot_depth,
    plot_ensemble_claims,
    plot_ensemble_gaps,
    plot_sensitivity,
    plot_size,
    plot_strategies,
)
from findings_runs import (
    EXPOSURE_WEEKS,
    PAIRS,
    SEED,
    STRATEGIES,
    Rows,
    pair_key,
    paired,
    run_batch,
    run_strategies,
    summarise,
)
from findings_text import blocks, fill
from findings_training import plot_training_hours, training_hours_experiment

from simulation import Scenario
from simulation.experiments.ensemble import read_ensemble
from simulation.experiments.executors import process_pool
from simulation.experiments.statistics import mean_ci
from simulation.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
QUICK_OUT = ROOT / "results" / "findings-quick"
WORKERS = 2
REPLICATIONS = 40
"""Replications of the headline comparisons (strategies, ablation and training grid on
the typical rollout)."""
SHORT_REPLICATIONS = 20
"""Replications of the secondary grids (default commune's ablation and training grid,
sensitivity, size)."""
QUICK_REPLICATIONS = 3
MEMBERS = 150
"""Ensemble members the claims are judged on (the first, in order: the members are a
random sample of the plausible region already), ``PER_MEMBER`` replications each."""
QUICK_MEMBERS = 6
SIZES = (50, 150, 500, 1500, 5000)
QUICK_SIZES = (50, 500)


@dataclasses.dataclass(frozen=True)
class Settings:
    """How much to run and where to write."""

    replications: int
    short_replications: int
    sizes: tuple[int, ...]
    members: int
    """Ensemble members the claims are judged on."""
    out: Path
    """Folder of findings.md and findings_data.json; figures go to its ``figures/``."""


STRATEGY_KEYS = [
    "weeks_to_50pct_adoption",
    "weeks_to_80pct_adoption",
    "adoption_final",
    "dropout_share",
    "dropout_share_overwhelmed",
    "dropout_strain_share",
    "dropout_refusal_share",
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


def strategies_experiment(
    pool: Executor, base: Scenario, replications: int
) -> tuple[dict, dict[str, Rows]]:
    """The three strategies on one organisation: summaries, paired gaps and the rows."""
    rows = run_strategies(pool, base, replications)
    result: dict = {s: summarise(rows[s], STRATEGY_KEYS) for s in STRATEGIES}
    result["paired"] = {
        pair_key(p): {k: paired(rows[p[0]], rows[p[1]], k) for k in STRATEGY_KEYS} for p in PAIRS
    }
    return result, rows


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
"""Parameter, low value, high value of the one-at-a-time sensitivity."""


def sensitivity_experiment(pool: Executor, base: Scenario, replications: int) -> dict:
    """Paired dropout difference big bang - short cycle, one parameter at a time."""
    levels = {"low": 1, "high": 2}
    scenarios = {
        (entry[0], level, s): base.override({entry[0]: entry[column]}).with_strategy(s)
        for entry in SENSITIVITY
        for level, column in levels.items()
        for s in ("big_bang", "short_cycle")
    }
    rows = run_batch(pool, scenarios, replications)
    result: dict = {}
    for entry in SENSITIVITY:
        path = entry[0]
        result[path] = {}
        for level, column in levels.items():
            bb, sc = rows[path, level, "big_bang"], rows[path, level, "short_cycle"]
            result[path][level] = {
                "value": entry[column],
                "difference": paired(bb, sc, "dropout_share"),
                "big_bang": mean_ci([r["dropout_share"] for r in bb]),
                "short_cycle": mean_ci([r["dropout_share"] for r in sc]),
            }
    return result


def size_experiment(
    pool: Executor, base: Scenario, replications: int, sizes: tuple[int, ...]
) -> dict:
    """The three strategies at several organisation sizes, training capacity per staff kept."""
    per_staff = base.levers.training_capacity / base.staff_count
    scenarios = {
        (size, s): base.override(
            {"organisation.total_staff": size, "levers.training_capacity": per_staff * size}
        ).with_strategy(s)
        for size in sizes
        for s in STRATEGIES
    }
    rows = run_batch(pool, scenarios, replications)
    keys = ["weeks_to_50pct_adoption", "dropout_share", "rps_peak_share", "depth"]
    return {size: {s: summarise(rows[size, s], keys) for s in STRATEGIES} for size in sizes}


def _plain(value):
    """JSON-friendly copy: string keys, Python scalars, floats to 6 significant digits.

    Six digits are far below any interval's width and keep the file small and its diffs
    readable.
    """
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isfinite(value):
        return float(f"{value:.6g}")
    return value


def run_all(settings: Settings) -> dict:
    """Run every experiment, draw the figures; return the data."""
    figures = settings.out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    default = Scenario()
    typical = load_scenario(ROOT / "scenarios" / "validation" / "typical_rollout.yaml")
    # Before anything runs: a mistyped ablation entry would otherwise fail minutes in.
    check_ablations(default)
    check_ablations(typical)
    long, short = settings.replications, settings.short_replications
    ensemble = read_ensemble()
    data: dict = {
        "seed": SEED,
        "replications": long,
        "short_replications": short,
        "exposure_weeks": EXPOSURE_WEEKS,
    }
    started = time.perf_counter()

    def done(what: str) -> None:
        print(f"{what}: done ({time.perf_counter() - started:.0f} s)", flush=True)

    with process_pool(WORKERS) as pool:
        across = ensemble_experiment(pool, typical, default, ensemble, settings.members, long)
        data["ensemble"] = without_means(across)
        done(f"claims across {settings.members} members of the ensemble")
        data["default"], rows_default = strategies_experiment(pool, default, long)
        data["typical"], rows_typical = strategies_experiment(pool, typical, long)
        done("strategies")
        data["ablation"] = {
            "typical": ablation_experiment(pool, typical, long, rows_typical),
            "default": ablation_experiment(pool, default, short, rows_default),
        }
        done(f"ablation of {len(ABLATIONS)} mechanisms")
        data["training_hours"] = {
            "typical": training_hours_experiment(pool, typical, long, rows_typical),
            "default": training_hours_experiment(pool, default, short, rows_default),
        }
        done("training hours")
        data["sensitivity"] = sensitivity_experiment(pool, typical, short)
        done("sensitivity")
        data["size"] = size_experiment(pool, typical, short, settings.sizes)
        done("size")
    plot_ensemble_claims(across, figures / "findings_ensemble_claims.png")
    plot_ensemble_gaps(across, figures / "findings_ensemble_gaps.png")
    plot_strategies(
        rows_default,
        figures / "findings_strategies_default.png",
        "Strategies on the default commune",
    )
    plot_strategies(
        rows_typical,
        figures / "findings_strategies_typical.png",
        "Strategies on the typical modification-level rollout",
    )
    plot_depth(data["typical"], figures / "findings_depth.png")
    for organisation, label in (("typical", "typical rollout"), ("default", "default commune")):
        plot_ablation(
            data["ablation"][organisation],
            figures / f"findings_ablation_{organisation}.png",
            f"What each mechanism explains of the big bang's gaps ({label})",
        )
        plot_training_hours(
            data["training_hours"][organisation],
            figures / f"findings_training_hours_{organisation}.png",
            f"Strategies against weekly training time per person ({label}; "
            "solid: even focus, dashed: earliest; 95 % intervals)",
        )
    plot_sensitivity(
        data["sensitivity"],
        data["typical"]["paired"]["big_bang-short_cycle"]["dropout_share"],
        figures / "findings_sensitivity.png",
    )
    plot_size(data["size"], figures / "findings_size.png")
    return data


def write(data: dict, out: Path) -> None:
    """Save the data and the document with its generated blocks refreshed."""
    plain = _plain(data)
    (out / "findings_data.json").write_text(_dumps(plain) + "\n", encoding="utf-8")
    render(plain, out)


INNERMOST = re.compile(r"\{[^{}\[\]]*\}")
"""An object of scalars only (a mean and interval, mostly), as json.dumps indents it."""


def _dumps(data: dict) -> str:
    """Indented JSON with every object of scalars on one line (a third of the size)."""
    return INNERMOST.sub(
        lambda match: json.dumps(json.loads(match.group())), json.dumps(data, indent=1)
    )


def render(data: dict, out: Path) -> None:
    """Write ``out``/findings.md: docs/findings.md with its blocks filled from ``data``."""
    text = (DOCS / "findings.md").read_text(encoding="utf-8")
    (out / "findings.md").write_text(fill(text, blocks(data)), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Run the experiments, draw the figures, save the numbers and refresh the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: {QUICK_REPLICATIONS} replications, two sizes, {QUICK_MEMBERS} "
        f"ensemble members, written to "
        f"{QUICK_OUT.relative_to(ROOT)}/",
    )
    parser.add_argument(
        "--tables",
        action="store_true",
        help="run nothing: refresh the generated tables of findings.md from the saved "
        "findings_data.json (after editing the text around them)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        settings = Settings(
            QUICK_REPLICATIONS, QUICK_REPLICATIONS, QUICK_SIZES, QUICK_MEMBERS, QUICK_OUT
        )
    else:
        settings = Settings(REPLICATIONS, SHORT_REPLICATIONS, SIZES, MEMBERS, DOCS)
    if args.tables:
        saved = settings.out / "findings_data.json"
        render(json.loads(saved.read_text(encoding="utf-8")), settings.out)
        print(f"refreshed the tables of {(settings.out / 'findings.md').relative_to(ROOT)}")
        return
    data = run_all(settings)
    write(data, settings.out)
    where = settings.out.relative_to(ROOT)
    print(f"wrote {where}/findings.md, findings_data.json and figures/findings_*.png")


if __name__ == "__main__":
    main()
