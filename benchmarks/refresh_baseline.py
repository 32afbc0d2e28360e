"""Rewrite the benchmark baseline (benchmarks/baseline.json) on this machine.

Measures the commands of the README's Speed table, each in a fresh process (peak
memory is a figure of the whole process), with the reference workload timed in the
same run; about four minutes on two cores, most of it the 20,000-run sweep. Run it on
a quiet machine after a change meant to move speed or memory, and say so in the
commit message:

    .venv/bin/python benchmarks/refresh_baseline.py            # every command
    .venv/bin/python benchmarks/refresh_baseline.py --case app  # only the app's, kept the rest

Then compare any later run with it:

    .venv/bin/transnum bench --baseline benchmarks/baseline.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from simulation import __version__
from simulation.bench.baseline import baseline_file, read_baseline
from simulation.bench.measure import CASES, case_options, command_line

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "benchmarks" / "baseline.json"

COMMANDS = [
    ("model", {}),
    ("model", {"staff": 100_000, "weeks": 156}),
    ("batch", {}),
    ("compare", {}),
    ("sweep", {}),
    ("app", {}),
    ("app", {"plans": 3}),
    ("game", {}),
]
"""The measured commands: a case and the options given (the rest are defaults)."""

MEASURE = (
    "import json, sys\n"
    "from simulation.bench.measure import measure\n"
    "print(json.dumps(measure(sys.argv[1], json.loads(sys.argv[2]), reference=True)))\n"
)


def measure_apart(case: str, options: dict[str, int]) -> dict:
    """Measure one command in a new Python process and return its figures."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, case, json.dumps(options)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    """Measure the commands (all, or those of ``--case``) and write the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=CASES, help="only this case")
    chosen = parser.parse_args().case or list(CASES)
    kept = read_baseline(BASELINE)["cases"] if BASELINE.exists() else []
    entries = []
    for case, given in COMMANDS:
        options = case_options(case, **given)
        old = [e for e in kept if e["case"] == case and e["options"] == options]
        if case not in chosen and old:
            entries.append(old[0])
            continue
        print(f"+ {command_line(case, options)}", flush=True)
        figures = measure_apart(case, options)
        print(f"  {figures}", flush=True)
        entries.append({"case": case, "options": options, "figures": figures})
    content = baseline_file(entries, __version__)
    BASELINE.write_text(json.dumps(content, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {BASELINE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
