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
    progress_bar,
    seconds,
    workers_that_fit,
    writing_results,
)
from simulation.i18n.language import active, say, say_count
from simulation.i18n.words import number, percent
from simulation.scenario.errors import ScenarioError
from simulation.storage import FolderBusyError, write_json

KIND = "ensemble"


def calibrate_ensemble_command(
    spec_file: str, workers: int | None, scheduler: str | None, out: str | None, resume: bool
) -> None:
    """Run (or continue) the history matching of ``spec_file``; see ``transnum calibrate``."""
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
        say(
            "cli.ensemble.header",
            name=spec.name,
            parameters=len(spec.parameters),
            fitted=len(spec.fitted),
            held_out=len(spec.held_out),
            scenarios=len(scenarios.scenarios),
            waves=spec.waves.count,
            sets=spec.waves.points,
            each=say_count("cli.count.replication", spec.replications),
        )
    )
    bar = progress_bar()

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
        click.echo("\n" + say("cli.ensemble.interrupted", file=spec_file, folder=folder), err=True)
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
    click.echo("\n" + say("cli.written", folder=folder))
    if not len(members):
        click.echo(say("cli.ensemble.none"), err=True)
        sys.exit(1)
    click.echo(say("cli.ensemble.next", file=folder / "ensemble.parquet"))


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
        raise click.UsageError(say("cli.resume_needs_out"))
    folder = Path(out)
    try:
        saved = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ScenarioError(say("cli.ensemble.not_folder")).from_source(str(folder)) from None
    if saved.get("kind") != KIND:
        raise ScenarioError(
            say("cli.ensemble.other_command", kind=saved.get("kind", "?"))
        ).from_source(str(folder))
    if saved.get("ensemble_file_sha256") != file_hash(spec_file):
        raise ScenarioError(say("cli.ensemble.other_version", file=spec_file.name)).from_source(
            str(folder)
        )
    try:
        lock = claim_folder(folder)
    except FolderBusyError as error:
        fail(error)
    click.get_current_context().call_on_close(lock.release)
    return folder


def _report(spec, matching, members, wall: float) -> None:  # noqa: ANN001
    """The waves, then each pattern over the ensemble's members."""
    import numpy as np

    lang = active()
    click.echo(
        "\n"
        + say(
            "cli.ensemble.sets_run",
            sets=number(sum(len(w.sets) for w in matching.waves), lang),
            seconds=seconds(wall),
            stopped=matching.stopped,
        )
    )
    for wave in matching.waves:
        click.echo(
            "  "
            + say(
                "cli.ensemble.wave",
                number=wave.number,
                sets=len(wave.sets),
                plausible=int(wave.plausible.sum()),
            )
        )
    click.echo("\n" + say("cli.ensemble.members", n=len(members)))
    if not len(members):
        return
    from simulation.experiments.ensemble_runs import member_values

    table = member_values(spec, matching)
    words = [say(f"cli.ensemble.column.{k}") for k in ("pattern", "use", "range", "members", "in")]
    click.echo(f"{words[0]:28s} {words[1]:8s} {words[2]:>16s} {words[3]:>22s} {words[4]:>9s}")
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
        spread = say("cli.table.from_to", low=f"{q5:.3g}", high=f"{q95:.3g}")
        click.echo(
            f"{pattern.id:28s} {pattern.use:8s} {'[' + low + ', ' + high + ']':>16s} "
            f"{spread:>22s} {percent(inside.mean(), lang, 0):>9s}"
        )
