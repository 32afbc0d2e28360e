"""Modules of the flat layout of transnum 0.1, importable under their old names.

transnum 0.1 had one folder of modules (``simulation.runner``,
``simulation.results_reader``...); they now live in one subpackage per layer. A
script written for 0.1 keeps working: importing an old name gives the module at its
new place (the same module object) with a ``DeprecationWarning`` naming it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

MOVED: dict[str, str] = {
    "agents": "model.agents",
    "calibration": "experiments.calibration",
    "cli_sweep": "cli.experiments",
    "commune": "scenario.commune",
    "executors": "experiments.executors",
    "experiment": "experiments.experiment",
    "figure_style": "reports.style",
    "figures_calibration": "reports.figures.calibration",
    "figures_network": "reports.figures.network",
    "figures_outcomes": "reports.figures.outcomes",
    "figures_sensitivity": "reports.figures.sensitivity",
    "figures_time": "reports.figures.time",
    "loading": "scenario.loading",
    "mechanisms": "model.mechanisms",
    "observation": "model.observation",
    "organisation": "model.network",
    "outcomes": "model.outcomes",
    "parameters": "scenario.parameters",
    "plotting": "reports.figures.overview",
    "population": "model.population",
    "profiles": "scenario.profiles",
    "report": "reports.html",
    "report_figures": "reports.contents",
    "report_sweeps": "reports.sweep_text",
    "report_text": "reports.compare_text",
    "results": "experiments.results",
    "results_reader": "reports.reader",
    "runner": "experiments.runner",
    "schema": "scenario.schema",
    "seeds": "model.seeds",
    "sensitivity": "experiments.sensitivity",
    "stages": "model.stages",
    "starter": "scenario.starter",
    "state": "model.state",
    "statistics": "experiments.statistics",
    "strategies": "model.strategies",
    "sweep": "experiments.sweep",
    "sweep_store": "experiments.store",
    "tables": "reports.tables",
    "teaching_app": "teaching.page",
    "teaching_figures": "teaching.pictures",
    "teaching_server": "teaching.server",
    "validation": "experiments.bass",
    "workbook": "reports.workbook",
}
"""Old module name (under ``simulation.``) -> new one."""


def new_name(fullname: str) -> str | None:
    """The current name of a module imported by its 0.1 name, or None if it did not move."""
    prefix, _, rest = fullname.partition(".")
    if prefix != "simulation" or not rest:
        return None
    head, _, tail = rest.partition(".")
    if head not in MOVED:
        return None
    return "simulation." + MOVED[head] + (f".{tail}" if tail else "")


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds a moved module under its old name and hands over the module itself."""

    def find_spec(self, fullname, path=None, target=None):  # noqa: D102
        if new_name(fullname) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec) -> ModuleType:  # noqa: D102
        target = new_name(spec.name)
        warnings.warn(
            f"{spec.name} moved to {target}; import it from there",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module(target)

    def exec_module(self, module: ModuleType) -> None:  # noqa: D102
        # The module was executed at its new place; the old name is only an alias.
        return None


def install() -> None:
    """Let the 0.1 module names resolve (idempotent)."""
    if not any(isinstance(finder, _Alias) for finder in sys.meta_path):
        sys.meta_path.append(_Alias())
