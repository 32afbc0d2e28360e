"""Refresh the generated parts of ``docs/optimisation.md`` from the code and a real search.

Two blocks of the document are generated, between HTML comment markers:

* ``levers``: the table of :data:`simulation.experiments.plan_space.DEFAULT_LEVERS` (name,
  scenario field, kind, default range or choices, families, what it decides); it depends
  on the code only, and ``tests/test_docs.py`` checks that it is current;
* ``results``: the default search on the default commune (``transnum optimise`` with
  the shipped ``experiments/optimise_commune.yaml``), its wall time, its front and its
  three named plans on fresh replications; the figures go to ``docs/figures/``.

Usage::

    .venv/bin/python experiments/optimisation_report.py            # both (about 2 min)
    .venv/bin/python experiments/optimisation_report.py --levers   # the lever table only
    .venv/bin/python experiments/optimisation_report.py --check    # exit 1 if levers stale
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from simulation.experiments.plan_space import DEFAULT_LEVERS

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "docs" / "optimisation.md"
SPACE = ROOT / "experiments" / "optimise_commune.yaml"
FOLDER = ROOT / "results" / "optimise-docs"


def lever_table() -> str:
    """The default levers as a Markdown table."""
    rows = [
        "| lever | scenario field | kind | default range | families | decides |",
        "|---|---|---|---|---|---|",
    ]
    for lever in DEFAULT_LEVERS:
        if lever.choices:
            bounds = ", ".join(str(c) for c in lever.choices)
        else:
            bounds = f"{lever.low:g} to {lever.high:g}"
        families = ", ".join(lever.families) or "all"
        rows.append(
            f"| `{lever.name}` | `{lever.path}` | {lever.kind} | {bounds} | {families} | "
            f"{lever.doc} |"
        )
    return "\n".join(rows)


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the block between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(\n<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{DOCUMENT}: no {name} block")
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def results_block(folder: Path) -> str:
    """The measured search: time, front and the named plans on fresh replications."""
    manifest = json.loads((folder / "manifest.json").read_text())
    trials = pd.read_parquet(folder / "trials.parquet")
    plans = pd.read_csv(folder / "plans.csv")
    search = manifest["search"]
    lines = [
        f"Measured with `transnum optimise --space experiments/optimise_commune.yaml` on the "
        f"default commune (500 staff, 156 weeks), {search['trials']} candidates of "
        f"{search['replications']} replications each, then {search['check_replications']} "
        f"fresh replications per named plan: **{manifest['wall_s']:.0f} s** on this "
        f"machine's two cores. {int(trials['feasible'].sum())} candidates were feasible, "
        f"{int(trials['pareto'].sum())} on the Pareto front; by family: "
        + ", ".join(
            f"{family} {count}" for family, count in trials["strategy"].value_counts().items()
        )
        + ".",
        "",
        "| plan | strategy | meets the thresholds | weeks to 80 % (mean, q90) | left the "
        "organisation | refusal departures | person-weeks at high strain | cost |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for _, row in plans.iterrows():
        lines.append(
            f"| {row['plan']} | {row['strategy']} | {row['satisficing']:.0%} | "
            f"{row['weeks_to_80pct_adoption_mean']:.0f}, {row['weeks_to_80pct_adoption_q']:.0f} | "
            f"{row['external_departures_mean']:.1%} | {row['refusal_departures_mean']:.1%} | "
            f"{row['strain_mean']:.0f} | {row['cost_mean']:,.0f} EUR |"
        )
    lines += [
        "",
        "![Pareto front](figures/optimise_pareto.png)",
        "",
        "![Levers of the front](figures/optimise_levers.png)",
    ]
    return "\n".join(lines)


def main() -> None:
    """Refresh the lever table, and unless ``--levers``, run the search and its block."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levers", action="store_true", help="the lever table only")
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is stale")
    args = parser.parse_args()
    text = DOCUMENT.read_text(encoding="utf-8")
    updated = replace_block(text, "levers", lever_table())
    if args.check:
        sys.exit(0 if updated == text else 1)
    if not args.levers:
        shutil.rmtree(FOLDER, ignore_errors=True)
        command = [
            sys.executable,
            "-m",
            "simulation",
            "optimise",
            "--space",
            str(SPACE),
            "--out",
            str(FOLDER),
        ]
        subprocess.run(command, check=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "simulation",
                "report",
                str(FOLDER),
                "--lang",
                "en",
                "--out",
                str(FOLDER / "report.html"),
            ],
            check=True,
        )
        figures = ROOT / "docs" / "figures"
        shutil.copyfile(FOLDER / "pareto.png", figures / "optimise_pareto.png")
        shutil.copyfile(FOLDER / "levers.png", figures / "optimise_levers.png")
        updated = replace_block(updated, "results", results_block(FOLDER))
    DOCUMENT.write_text(updated, encoding="utf-8")
    print(f"wrote {DOCUMENT}")


if __name__ == "__main__":
    main()
