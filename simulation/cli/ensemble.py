"""``transnum calibrate --ensemble``: the plausible parameter sets, by history matching."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from simulation.cli.options import (
    claim_folder,
    claim_new_folder,
    command_line,
    fail,
    workers_that_fit,
    writing_results,
)
from simulation.scenario.errors import ScenarioError
from simulation.storage import FolderBusyError, write_json

KIND = "ensemble"


def calibrate_ensemble_command(
    spec_file: str, workers: int | None, scheduler: str | None, out: str | None, resume: bool
) -> None:
    """Run (or continue) the history matching of ``spec_file``; see ``transnum calibrate``."""
    from tqdm import tqdm

    from simulation.experiments.ensemble import write_ensemble
    from simulation.experiments.ensemble_runs import (
        calibrate_ensemble,
        members_table,
        provenance,
        wave_store_opener,
        waves_table,
    )
    from simulation.experiments.executors import ExecutorError, default_workers, open_executor
    from simulation.experiments.patterns import load_ensemble_spec
    from simulation.experiments.store import file_hash
    from simulation.experiments.sweep import RUNS_IN_FLIGHT_PER_WORKER
    from simulation.scenario.footprint import check_fits, estimate
    from simulation.storage import write_parquet

    path = Path(spec_file)
    try:
        spec, scenarios = load_ensemble_spec(path)
        largest = max(scenarios.scenarios, key=lambda s: estimate(s, snapshots=False).bytes)
        check_fits(largest, spec_file, snapshots=False)
        folder = _claim(out, resume, path)
    except (ScenarioError, OSError) as error:  # OSError: cannot create or lock the folder
        fail(error)
    n_workers = workers or default_workers()
    if not scheduler:
        n_workers = workers_that_fit(n_workers, estimate(largest, snapshots=False))
    click.echo(
        f"{spec.name}: {len(spec.parameters)} parameters, {len(spec.fitted)} fitted and "
        f"{len(spec.held_out)} held-out patterns, {len(scenarios.scenarios)} scenarios; "
        f"up to {spec.waves.count} waves of {spec.waves.points} sets x "
        f"{spec.replications} replications"
    )
    bar = tqdm(total=0, unit="run", desc="runs", file=sys.stderr, disable=None)

    def on_plan(count: int) -> None:
        bar.total = (bar.total or 0) + count
        bar.refresh()

    start = time.perf_counter()
    try:
        with open_executor(n_workers, scheduler) as executor:
            matching = calibrate_ensemble(
                spec,
                scenarios,
                folder,
                executor,
                wave_store_opener(path, command_line()),
                window=RUNS_IN_FLIGHT_PER_WORKER * n_workers,
                on_record=lambda _: bar.update(),
                on_plan=on_plan,
            )
    except ExecutorError as error:
        bar.close()
        fail(error)
    except KeyboardInterrupt:
        bar.close()
        click.echo(
            f"\nInterrupted: finished runs are saved; continue with: transnum calibrate "
            f"--ensemble {spec_file} --resume --out {folder}",
            err=True,
        )
        sys.exit(130)
    bar.close()
    wall = time.perf_counter() - start
    members = members_table(spec, matching)
    with writing_results(folder):
        write_parquet(waves_table(spec, matching), folder / "waves.parquet")
        info = provenance(spec, path, matching, scenarios)
        sha = write_ensemble(folder / "ensemble.parquet", members, info) if len(members) else None
        record = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        record.update(
            {
                "status": "complete",
                "wall_s": round(wall, 1),
                "members": len(members),
                "ensemble_sha256": sha,
                "ensemble_file_sha256": file_hash(path),
                "stopped": matching.stopped,
            }
        )
        write_json(folder / "manifest.json", record)
    _report(spec, matching, members, wall)
    click.echo(f"\nResults written to {folder}")
    if not len(members):
        click.echo(
            "No consistent parameter set: no set run reproduces every fitted pattern "
            "within its tolerance (see waves.parquet for each pattern's implausibility).",
            err=True,
        )
        sys.exit(1)


def _claim(out: str | None, resume: bool, spec_file: Path) -> Path:
    """The calibration's folder: a new one, or with ``resume`` the one to continue."""
    from simulation.experiments.results import manifest
    from simulation.experiments.store import file_hash

    if not resume:
        folder, _lock = claim_new_folder(out, KIND)  # released when the command ends
        info = manifest(command_line(), 0.0, {})
        info.update({"kind": KIND, "status": "running", "ensemble_file": str(spec_file)})
        info["ensemble_file_sha256"] = file_hash(spec_file)
        write_json(folder / "manifest.json", info)
        return folder
    if not out:
        raise click.UsageError("--resume needs the --out folder to continue")
    folder = Path(out)
    try:
        saved = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ScenarioError(
            "not the folder of an ensemble calibration (no readable manifest.json)"
        ).from_source(str(folder)) from None
    if saved.get("kind") != KIND:
        raise ScenarioError(
            f"made by another command ({saved.get('kind', 'unknown')}), not by "
            "transnum calibrate --ensemble"
        ).from_source(str(folder))
    if saved.get("ensemble_file_sha256") != file_hash(spec_file):
        raise ScenarioError(
            f"made from another version of {spec_file.name}: resume with the file it was "
            "made from, or start afresh with another --out"
        ).from_source(str(folder))
    try:
        lock = claim_folder(folder)
    except FolderBusyError as error:
        fail(error)
    click.get_current_context().call_on_close(lock.release)
    return folder


def _report(spec, matching, members, wall: float) -> None:  # noqa: ANN001
    """The waves, then each pattern over the ensemble's members."""
    import numpy as np

    click.echo(
        f"\n{sum(len(w.sets) for w in matching.waves):,} sets run in {wall:.1f} s; "
        f"waves stopped {matching.stopped}"
    )
    for wave in matching.waves:
        click.echo(
            f"  wave {wave.number}: {len(wave.sets)} sets, {int(wave.plausible.sum())} plausible"
        )
    click.echo(f"\nEnsemble: {len(members)} members")
    if not len(members):
        return
    from simulation.experiments.ensemble_runs import member_values

    table = member_values(spec, matching)
    header = f"{'pattern':28s} {'use':8s} {'range':>16s} {'members (5-95 %)':>22s}"
    click.echo(f"{header} {'in range':>9s}")
    for pattern in spec.patterns:
        values = table[pattern.id].to_numpy(dtype=float)
        low = "-inf" if pattern.low is None else f"{pattern.low:g}"
        high = "inf" if pattern.high is None else f"{pattern.high:g}"
        inside = np.ones(len(values), dtype=bool)
        if pattern.low is not None:
            inside &= values >= pattern.low
        if pattern.high is not None:
            inside &= values <= pattern.high
        q5, q95 = np.nanquantile(values, [0.05, 0.95])
        click.echo(
            f"{pattern.id:28s} {pattern.use:8s} {'[' + low + ', ' + high + ']':>16s} "
            f"{f'{q5:.3g} to {q95:.3g}':>22s} {inside.mean():>9.0%}"
        )
