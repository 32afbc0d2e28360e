"""Figures of the services and tools of a real-sized organisation, and tools' labels.

The 28-service département (``scenarios/departement.yaml``) is run for a few weeks,
once: its network picture must keep its 28 service names apart and inside the figure.
On the shared comparison folder (``conftest.py``), the strain maps of the strategies
share one colour scale and one colour bar, and tools are shown by their labels in the
go-live chart, the report and the workbook.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from matplotlib.collections import QuadMesh
from openpyxl import load_workbook

from simulation.cli import main
from simulation.i18n.words import phrase
from simulation.reports import html
from simulation.reports.contents import scenario_facts
from simulation.reports.figures.network import network_picture
from simulation.reports.figures.time import go_live_chart, strain_heatmaps
from simulation.reports.reader import read_results
from simulation.reports.workbook import write_workbook

DEPARTEMENT = Path(__file__).resolve().parents[2] / "scenarios" / "departement.yaml"


@pytest.fixture(scope="module")
def departement(tmp_path_factory):
    """A short run of the 28-service département (its staff, ties and snapshots)."""
    out = tmp_path_factory.mktemp("departement") / "run"
    argv = ["run", str(DEPARTEMENT), "--weeks", "8", "--out", str(out)]
    result = CliRunner().invoke(main, argv, prog_name="transnum")
    assert result.exit_code == 0, result.output
    return read_results(out)


@pytest.mark.parametrize("colour_by", ["profile", "stage"])
def test_the_names_of_28_services_do_not_overlap_and_stay_in_the_picture(departement, colour_by):
    staff = departement.staff
    figure = network_picture(staff, departement.ties, departement.snapshots, colour_by=colour_by)
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    names = [t for t in figure.axes[0].texts if t.get_text()]
    assert len(names) == staff["service"].nunique() == 28
    boxes = [t.get_window_extent(renderer) for t in names]
    clashes = [
        (a.get_text(), b.get_text())
        for (a, box_a), (b, box_b) in itertools.combinations(zip(names, boxes, strict=True), 2)
        if box_a.overlaps(box_b)
    ]
    assert not clashes
    frame = figure.bbox
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 for b in boxes)
    assert all(frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_strain_maps_of_every_strategy_share_one_scale_and_one_colour_bar(compare, lang):
    series = compare.timeseries
    figure = strain_heatmaps(series, lang)
    assert len(figure.axes) == len(compare.strategies) + 1  # the panels and one colour bar
    *panels, _ = figure.axes
    meshes = [c for ax in panels for c in ax.collections if isinstance(c, QuadMesh)]
    assert len(meshes) == len(compare.strategies)
    assert len({(m.norm.vmin, m.norm.vmax) for m in meshes}) == 1
    top = meshes[0].norm.vmax
    strain = [c for c in series.columns if c.startswith("strain_mean@")]
    highest = series.groupby(["strategy", "week"])[strain].mean().to_numpy().max()
    assert meshes[0].norm.vmin == 0 and top == pytest.approx(max(1.0, highest))
    titles = [ax.get_title() for ax in panels]
    assert titles == [phrase(f"word.{s}", lang) for s in compare.strategies]


def _labelled(compare):
    """The comparison read again, its first tool given a label of its own."""
    results = read_results(compare.folder)
    data = yaml.safe_load(results.scenario_text)
    data["tools"][0]["label"] = "GED et courrier « test »"
    results.scenario_text = yaml.safe_dump(data, allow_unicode=True)
    return results, data["tools"][0]["name"], data["tools"][1]["name"]


def test_tools_are_shown_by_their_labels_in_the_chart_report_and_workbook(compare, tmp_path):
    results, first, second = _labelled(compare)
    readable = second.replace("_", " ").capitalize()
    assert results.tool_labels[first] == "GED et courrier « test »"
    assert results.tool_labels[second] == readable
    chart = go_live_chart(results.schedule, "fr", labels=results.tool_labels)
    legend = [t.get_text() for t in chart.legends[0].get_texts()]
    assert legend[:2] == ["GED et courrier « test »", readable]
    for lang in ("fr", "en"):
        document = html.build_report(results, lang)
        facts = dict(scenario_facts(results, lang))
        tools = facts[phrase("report.fact.tools", lang)]
        assert tools.startswith("GED et courrier « test » (") and first not in tools
        assert "GED et courrier" in document
        book = load_workbook(write_workbook(results, tmp_path / f"{lang}.xlsx", lang))
        sheet = book[phrase("workbook.sheet.schedule", lang)]
        shown = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert "GED et courrier « test »" in shown and readable in shown and first not in shown
