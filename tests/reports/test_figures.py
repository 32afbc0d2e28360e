"""Tests of the report figures (simulation/reports/figures/).

The figures are drawn from the small results folders shared by the report tests
(``conftest.py``: a run and a comparison of a 120-staff commune over 40 weeks, a
tiny sweep and tiny Morris and Sobol analyses, made through the command line and
read back with ``read_results``, as reports do). Every figure is drawn in French and in
English and its words are checked: titles, axis labels, tick labels, legends and
colour bars carry the expected words of that language, and panels are counted.
Figures are drawn without rendering (``draw_without_rendering``), which formats
every tick; a few are turned into PNG bytes.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

from simulation.i18n import words as i18n
from simulation.reports.curves import (
    COMPARISON_COLUMNS,
    PANELS,
    SERIES,
    comparison_curves,
    profile_bands,
)
from simulation.reports.figures.network import network_picture
from simulation.reports.figures.outcomes import (
    outcome_heatmap,
    outcome_intervals,
    outcome_vs_factor,
)
from simulation.reports.figures.overview import (
    comparison_png,
    plot_comparison,
    plot_run,
    prepare_comparison_png,
)
from simulation.reports.figures.sensitivity import sensitivity_bars
from simulation.reports.figures.time import adoption_by_profile, go_live_chart, strain_heatmap
from simulation.reports.style import (
    factor_name,
    outcome_name,
    say,
    service_name,
    to_png,
    tool_name,
)

LANGS = ("en", "fr")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Expected words come from the catalogue (simulation/i18n/catalogue.yaml).
STRATEGIES = {
    lang: [i18n.text(s, lang) for s in ("big_bang", "small_steps", "short_cycle")] for lang in LANGS
}
PROFILES = {
    lang: [i18n.text(p, lang) for p in ("all_staff", "technophile", "follower", "overwhelmed")]
    for lang in LANGS
}
WEEK = {lang: i18n.text("week", lang) for lang in LANGS}

# ----------------------------------------------------------------- reading figures


def words(figure: Figure) -> list[str]:
    """Every text of the figure once drawn (titles, labels, ticks, legends, notes)."""
    figure.draw_without_rendering()
    return [t.get_text() for t in figure.findobj(Text) if t.get_visible() and t.get_text()]


def everything(figure: Figure) -> str:
    return "\n".join(words(figure))


def panels(figure: Figure) -> list:
    return [ax for ax in figure.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]


def colour_bars(figure: Figure) -> list:
    return [ax for ax in figure.axes if ax.get_label() == "<colorbar>"]


def legend_texts(figure: Figure) -> list[str]:
    return [t.get_text() for legend in figure.legends for t in legend.get_texts()]


def title(figure: Figure) -> str:
    return figure.get_suptitle()


def assert_png(figure: Figure) -> None:
    png = to_png(figure, dpi=60)
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 10_000


# ----------------------------------------------------------------- series over time


@pytest.mark.parametrize("lang", LANGS)
def test_adoption_by_profile_has_a_panel_per_strategy(compare, lang):
    figure = adoption_by_profile(compare.timeseries, lang)
    axes = panels(figure)
    assert [ax.get_title() for ax in axes] == STRATEGIES[lang]
    assert all(ax.get_xlabel() == WEEK[lang] for ax in axes)
    assert axes[0].get_ylabel() == i18n.text("target_adoption_axis", lang)
    assert legend_texts(figure) == PROFILES[lang]
    assert say("mean_of", lang, n=3) in title(figure)
    assert ("100\u202f%" if lang == "fr" else "100 %") in words(figure)  # shares as percent
    assert len(axes[0].collections) == 4  # a band for all staff and each profile
    assert_png(figure)


def test_adoption_by_profile_of_a_run_is_one_panel_without_band(run):
    figure = adoption_by_profile(run.timeseries, "fr", title="Ma commune")
    (ax,) = panels(figure)
    assert not ax.collections
    assert title(figure) == "Ma commune"
    with pytest.raises(ValueError, match="band"):
        adoption_by_profile(run.timeseries, band=(95, 5))
    with pytest.raises(ValueError, match="no column 'adoption_follower'"):
        adoption_by_profile(run.timeseries.drop(columns="adoption_follower"))


@pytest.mark.parametrize("lang", LANGS)
def test_strain_heatmap_shows_every_service_of_the_chosen_strategy(compare, lang):
    services = [c.split("@")[1] for c in compare.timeseries if c.startswith("strain_mean@")]
    figure = strain_heatmap(compare.timeseries, lang)
    (ax,) = panels(figure)
    assert [t.get_text() for t in ax.get_yticklabels()] == [service_name(s) for s in services]
    assert ax.get_xlabel() == WEEK[lang]
    (bar,) = colour_bars(figure)
    assert bar.get_ylabel() == i18n.text("strain_axis", lang)
    assert STRATEGIES[lang][0] in title(figure)  # the first strategy by default
    assert i18n.text("strain_by_service", lang) in title(figure)
    other = strain_heatmap(compare.timeseries, lang, strategy="small_steps")
    assert STRATEGIES[lang][1] in title(other)
    # The colour grid is services x weeks, averaged over the 3 replications.
    mesh = ax.collections[0]
    assert mesh.get_array().shape == (len(services), 41)
    first = compare.timeseries[compare.timeseries["strategy"] == "big_bang"]
    expected = first.groupby("week")[f"strain_mean@{services[0]}"].mean().to_numpy()
    np.testing.assert_allclose(mesh.get_array()[0], expected)


def test_strain_heatmap_refuses_unknown_strategies_and_tables_without_services(compare):
    with pytest.raises(ValueError, match="unknown strategy 'custom'"):
        strain_heatmap(compare.timeseries, strategy="custom")
    with pytest.raises(ValueError, match="strain_mean@<service>"):
        strain_heatmap(compare.timeseries[["strategy", "replication", "week", "adoption"]])


@pytest.mark.parametrize("lang", LANGS)
def test_go_live_chart_marks_each_tool_and_the_pairs_never_live(compare, lang):
    schedule = compare.schedule
    plan = schedule[(schedule["strategy"] == "small_steps") & (schedule["replication"] == 0)]
    assert plan["go_live_week"].isna().any()  # 40 weeks are too short for small steps
    figure = go_live_chart(schedule, lang, strategy="small_steps", horizon=40)
    (ax,) = panels(figure)
    assert ax.get_xlabel() == i18n.text("go_live_week", lang)
    assert legend_texts(figure) == [tool_name(t) for t in dict.fromkeys(plan["tool"])]
    assert figure.legends[0].get_title().get_text() == i18n.text("tool", lang)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [service_name(s) for s in dict.fromkeys(plan["service"])]
    assert i18n.text("never_live", lang) in words(figure)
    replication = say("replication_n", lang, n=0)
    assert replication in title(figure) and STRATEGIES[lang][1] in title(figure)
    # Every pair is drawn: live ones filled at their week, the others hollow.
    drawn = sum(len(c.get_offsets()) for c in ax.collections)
    assert drawn == len(plan)
    # Big bang: everything live, so no "never live" column.
    assert i18n.text("never_live", lang) not in words(go_live_chart(schedule, lang))


def test_go_live_chart_of_a_run_and_its_errors(run, compare):
    figure = go_live_chart(run.schedule, "en", strategy="short_cycle")
    assert i18n.text("short_cycle", "en") in title(figure)
    assert_png(figure)
    with pytest.raises(ValueError, match="replication 7 is not in the schedule"):
        go_live_chart(compare.schedule, replication=7)
    with pytest.raises(ValueError, match="no column 'go_live_week'"):
        go_live_chart(run.schedule.drop(columns="go_live_week"))


# ----------------------------------------------------------------- strategies compared


@pytest.mark.parametrize("lang", LANGS)
def test_outcome_intervals_write_each_mean_in_the_language(compare, lang):
    outcomes = ("dropout_share", "rps_peak_share", "rps_high_person_weeks")
    figure = outcome_intervals(compare.summary, lang=lang)
    axes = panels(figure)
    assert [ax.get_title() for ax in axes] == [
        outcome_name(o, lang)[0].upper() + outcome_name(o, lang)[1:] for o in outcomes
    ]
    texts = words(figure)
    for name in outcomes:
        for strategy in compare.strategies:
            mean = compare.summary["strategies"][strategy][name]["mean"]
            assert i18n.value(name, mean, lang) in texts
    for ax in axes:
        assert [t.get_text() for t in ax.get_xticklabels()] == STRATEGIES[lang]
    assert title(figure).startswith(say("outcomes_by_strategy", lang))
    assert title(figure).startswith(
        {"en": "Outcomes by strategy: ", "fr": "Résultats par stratégie\u00a0: "}[lang]
    )  # French spacing before the colon
    assert axes[2].get_ylabel() == i18n.text("person_weeks", lang)
    assert_png(figure)


def test_outcome_intervals_take_either_summary_and_profile_outcomes(compare):
    per_strategy = compare.summary["strategies"]
    figure = outcome_intervals(per_strategy, ["dropout_share_overwhelmed"], lang="fr")
    (ax,) = panels(figure)
    assert i18n.text("overwhelmed", "fr") in ax.get_title()
    mean = per_strategy["big_bang"]["by_profile"]["overwhelmed"]["dropout_share"]["mean"]
    assert i18n.value("dropout_share", mean, "fr") in words(figure)
    with pytest.raises(ValueError, match="unknown outcome 'happiness'"):
        outcome_intervals(per_strategy, ["happiness"])
    with pytest.raises(ValueError, match="no strategies"):
        outcome_intervals({})


@pytest.mark.parametrize("lang", LANGS)
def test_outcome_intervals_say_never_and_how_many_runs(compare, lang):
    summary = copy.deepcopy(compare.summary["strategies"])
    name = "weeks_to_50pct_adoption"
    summary["big_bang"][name] = {"mean": 30.0, "ci_low": 28.0, "ci_high": 32.0, "n": 3}
    summary["small_steps"][name] = {"mean": None, "ci_low": None, "ci_high": None, "n": 0}
    summary["short_cycle"][name] = {"mean": 35.0, "ci_low": 35.0, "ci_high": 35.0, "n": 1}
    texts = words(outcome_intervals(summary, [name], lang=lang))
    assert i18n.text("never", lang) in texts
    assert f"35\n{say('runs_with_value', lang, n=1, total=3)}" in texts


# ----------------------------------------------------------------- the network picture


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("colour_by", ["profile", "stage", "adoption", "strain"])
def test_network_picture_in_every_colouring(compare, colour_by, lang):
    figure = network_picture(
        compare.staff, compare.ties, compare.snapshots, colour_by, lang, strategy="big_bang"
    )
    (ax,) = panels(figure)
    services = list(dict.fromkeys(compare.staff["service"]))
    assert [t.get_text() for t in ax.texts] == [service_name(s, 16) for s in services]
    assert f"{WEEK[lang]} 40" in title(figure)  # the last snapshot by default
    assert i18n.text("network_title", lang) in title(figure)
    state = compare.snapshots
    state = state[(state["strategy"] == "big_bang") & (state["week"] == 40)]
    legend = legend_texts(figure)
    if colour_by == "profile":
        assert [t.split(" (")[0] for t in legend[:3]] == PROFILES[lang][1:]
    if colour_by == "stage":
        stages = ("waiting", "unaware", "trying", "adopted", "reverted")
        present = [s for s in stages if (state["stage"] == s).any()]
        expected = [f"{i18n.text(s, lang)} ({(state['stage'] == s).sum()})" for s in present]
        assert legend[: len(present)] == expected
    if colour_by in ("adoption", "strain"):
        (bar,) = colour_bars(figure)
        key = "own_adoption_axis" if colour_by == "adoption" else "strain_axis"
        assert bar.get_ylabel() == i18n.text(key, lang)
    n_left = int((state["stage"] == "left").sum())
    assert n_left > 0
    assert legend[-1] == f"{i18n.text('left', lang)} ({n_left})"


def test_network_picture_samples_ties_and_checks_its_arguments(compare, run):
    figure = network_picture(run.staff, run.ties, run.snapshots, "stage", week=13, max_ties=100)
    (ax,) = panels(figure)
    (ties,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(ties.get_segments()) == 100
    assert say("ties_shown", "en", shown=100, total=f"{len(run.ties):,}") in title(figure)
    assert f"{WEEK['en']} 13" in title(figure)
    assert_png(figure)
    # Without snapshots: profiles only, nobody marked as left.
    assert panels(network_picture(run.staff, run.ties, None, "profile", "fr"))
    with pytest.raises(ValueError, match="unknown colour_by 'mood'; choose one of profile"):
        network_picture(run.staff, run.ties, run.snapshots, "mood")
    with pytest.raises(ValueError, match="needs the snapshots"):
        network_picture(run.staff, run.ties, None, "strain")
    with pytest.raises(ValueError, match="no snapshot at week 5; snapshot weeks: 0, 4, 8"):
        network_picture(run.staff, run.ties, run.snapshots, "stage", week=5)
    with pytest.raises(ValueError, match="unknown strategy 'big_bang'"):
        network_picture(run.staff, run.ties, run.snapshots, "stage", strategy="big_bang")


# ----------------------------------------------------------------- sweeps


@pytest.mark.parametrize("lang", LANGS)
def test_outcome_vs_factor_draws_a_line_per_level(sweep, lang):
    figure = outcome_vs_factor(
        sweep.point_summary,
        "adoption_final",
        "levers.training_capacity",
        lang,
        by="rollout.strategy",
    )
    (ax,) = panels(figure)
    assert ax.get_xlabel() == factor_name("levers.training_capacity", lang)
    assert ax.get_xlabel() == i18n.text("levers.training_capacity", lang)  # a translated label
    assert [t.get_text() for t in ax.get_xticklabels()] == ["5", "40"]
    assert legend_texts(figure) == STRATEGIES[lang][:2]
    assert figure.legends[0].get_title().get_text() == i18n.text("strategy", lang)
    assert ax.get_ylabel() == outcome_name("adoption_final", lang)
    assert i18n.text("mean_and_ci", lang) in title(figure).replace("\u202f", " ")
    assert len(ax.lines) == 2 and len(ax.collections) >= 2  # lines and their bands
    assert_png(figure)


@pytest.mark.parametrize("lang", LANGS)
def test_outcome_vs_a_strategy_averages_other_factors_and_flags_missing_runs(sweep, lang):
    name = "weeks_to_50pct_adoption"
    figure = outcome_vs_factor(sweep.point_summary, name, "rollout.strategy", lang)
    (ax,) = panels(figure)
    assert [t.get_text() for t in ax.get_xticklabels()] == STRATEGIES[lang][:2]
    averaged = factor_name("levers.training_capacity", lang)
    assert say("averaged_over", lang, factors=averaged) in title(figure)
    # 60 staff under small steps never reach 50 % adoption in 60 weeks: no value at all.
    rows = sweep.point_summary[sweep.point_summary["outcome"] == name]
    assert rows.loc[rows["rollout.strategy"] == "small_steps", "n"].eq(0).all()
    assert [t.get_text() for t in ax.texts] == [i18n.text("never", lang)]
    assert not figure.legends  # one series, every value over all runs: nothing to explain
    # A point over fewer runs than the others is hollow, and the legend says why.
    fewer = sweep.point_summary.copy()
    first = fewer.index[(fewer["outcome"] == name) & (fewer["n"] > 0)][0]
    fewer.loc[first, "n"] = 1
    texts = legend_texts(outcome_vs_factor(fewer, name, "rollout.strategy", lang))
    assert texts[-1].replace("\n", " ") == i18n.text("fewer_runs", lang)
    assert ax.get_ylabel().endswith(f"({i18n.text('weeks', lang)})")


def test_outcome_vs_factor_errors(sweep):
    table = sweep.point_summary
    with pytest.raises(ValueError, match="factor 'levers.budget' is not in the table; its factors"):
        outcome_vs_factor(table, "adoption_final", "levers.budget")
    with pytest.raises(ValueError, match="unknown outcome 'joy'"):
        outcome_vs_factor(table, "joy", "rollout.strategy")
    with pytest.raises(ValueError, match="another factor"):
        outcome_vs_factor(table, "adoption_final", "rollout.strategy", by="rollout.strategy")
    with pytest.raises(ValueError, match="not a sweep's point summary"):
        outcome_vs_factor(table.drop(columns="ci_low"), "adoption_final", "rollout.strategy")


@pytest.mark.parametrize("lang", LANGS)
def test_outcome_heatmap_annotates_every_cell(sweep, lang):
    figure = outcome_heatmap(
        sweep.point_summary, "dropout_share", "levers.training_capacity", "rollout.strategy", lang
    )
    (ax,) = panels(figure)
    rows = sweep.point_summary[sweep.point_summary["outcome"] == "dropout_share"]
    cells = rows.groupby(["rollout.strategy", "levers.training_capacity"])["mean"].mean()
    assert sorted(t.get_text() for t in ax.texts) == sorted(
        i18n.value("dropout_share", v, lang) for v in cells
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == STRATEGIES[lang][:2]
    assert ax.get_xlabel() == factor_name("levers.training_capacity", lang)
    (bar,) = colour_bars(figure)
    assert bar.get_ylabel() == outcome_name("dropout_share", lang)
    with pytest.raises(ValueError, match="two different factors"):
        outcome_heatmap(
            sweep.point_summary, "dropout_share", "rollout.strategy", "rollout.strategy"
        )
    with pytest.raises(ValueError, match="factor 'x' is not in the table"):
        outcome_heatmap(sweep.point_summary, "dropout_share", "x", "rollout.strategy")


# ----------------------------------------------------------------- sensitivity


@pytest.mark.parametrize("lang", LANGS)
def test_morris_bars_rank_parameters_per_outcome(morris, lang):
    indices = morris.indices
    figure = sensitivity_bars(indices, lang)
    axes = panels(figure)
    outcomes = list(dict.fromkeys(indices["outcome"]))
    assert len(axes) == len(outcomes) == 2
    for ax, name in zip(axes, outcomes, strict=True):
        rows = indices[indices["outcome"] == name].sort_values("mu_star")
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels == [factor_name(p, lang, width=28) for p in rows["parameter"]]
        assert ax.get_title().lower() == outcome_name(name, lang).lower()
        assert i18n.text("effect_axis", lang) in ax.get_xlabel()
    assert legend_texts(figure) == [i18n.text("mu_star", lang), i18n.text("sigma_effects", lang)]
    assert "Morris" in title(figure)
    assert "pt" in everything(figure)  # effects on a share are in percentage points
    (single,) = panels(sensitivity_bars(indices, lang, outcome="rps_high_person_weeks"))
    assert i18n.text("person_weeks", lang) in single.get_xlabel()


@pytest.mark.parametrize("lang", LANGS)
def test_sobol_bars_show_first_order_and_total_effects(sobol, lang):
    figure = sensitivity_bars(sobol.indices, lang, outcome="adoption_final")
    (ax,) = panels(figure)
    assert legend_texts(figure) == [i18n.text("S1", lang), i18n.text("ST", lang)]
    assert ax.get_xlabel() == i18n.text("variance_share", lang)
    assert "Sobol" in title(figure)
    assert len(ax.patches) == 2 * sobol.indices["parameter"].nunique()
    assert_png(figure)


def test_sensitivity_bars_errors(morris):
    with pytest.raises(ValueError, match="unknown outcome 'dropout_share'"):
        sensitivity_bars(morris.indices, outcome="dropout_share")
    with pytest.raises(ValueError, match="neither Morris"):
        sensitivity_bars(morris.indices[["outcome", "parameter"]])


# ----------------------------------------------------------------- results-folder figures


def test_plot_comparison_keeps_its_english_and_speaks_french(compare):
    english = plot_comparison(compare.timeseries, "Commune")
    band = say("band_short", "en", low="5", high="95")
    assert title(english) == f"Commune\n{say('mean_of', 'en', n=3)}, {band}"
    axes = panels(english)
    assert axes[0].get_ylabel() == i18n.text("target_adoption_axis", "en")
    assert axes[-1].get_xlabel() == WEEK["en"]
    assert len(axes) == 9
    french = plot_comparison(compare.timeseries, "Commune", lang="fr")
    band = say("band_short", "fr", low="5", high="95")
    assert title(french) == f"Commune\n{say('mean_of', 'fr', n=3)}, {band}"
    assert band.endswith("95\u202f%")  # French spacing before %
    adoption = say("adoption", "fr")
    assert panels(french)[0].get_title() == f"{adoption} — {STRATEGIES['fr'][0]}"
    assert panels(french)[1].get_title() == f"{adoption} — {STRATEGIES['fr'][1]}"
    assert legend_texts(french) == PROFILES["fr"]
    words(french)  # drawn: the tick labels are written
    ticks = [t.get_text() for ax in panels(french) for t in ax.get_yticklabels() if t.get_text()]
    assert ticks and all(t.endswith("\u202f%") for t in ticks)  # every panel's shares in %


@pytest.mark.parametrize("strategies", [1, 2, 3])
def test_comparison_panels_hold_their_curves_and_words(compare, strategies):
    kept = list(dict.fromkeys(compare.timeseries["strategy"]))[:strategies]
    table = compare.timeseries[compare.timeseries["strategy"].isin(kept)]
    figure = plot_comparison(table, "Commune", lang="fr")
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    # A row shares its y axis: its top covers every column's bands, not only the first's.
    for ax in panels(figure):
        top = max(c.get_paths()[0].vertices[:, 1].max() for c in ax.collections)
        assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] >= top
    # The fixed margins leave every word inside the picture and off the panels (1 px):
    # each panel with its ticks and labels as drawn, the legend and the title.
    inside = figure.bbox.padded(1)
    boxes = [ax.get_window_extent(renderer) for ax in panels(figure)]
    drawn = [ax.get_tightbbox(renderer) for ax in panels(figure)]
    drawn += [legend.get_window_extent(renderer) for legend in figure.legends]
    drawn.append(figure._suptitle.get_window_extent(renderer))
    for box in drawn:
        assert inside.containsx(box.x0) and inside.containsx(box.x1), box
        assert inside.containsy(box.y0) and inside.containsy(box.y1), box
    for text in [figure._suptitle, *(ax.title for ax in panels(figure))]:
        box = text.get_window_extent(renderer)
        assert not any(box.shrunk(0.98, 0.9).overlaps(panel) for panel in boxes), text.get_text()


def test_comparison_curves_are_each_series_mean_and_band_over_replications(compare):
    table = compare.timeseries
    curves = comparison_curves(table, band=(10, 90))
    assert curves.strategies == tuple(dict.fromkeys(table["strategy"]))
    assert curves.replications == 3 and curves.band == (10, 90)
    for strategy in curves.strategies:
        runs = table[table["strategy"] == strategy]
        for column, _, _ in PANELS:
            for suffix, curve in zip(SERIES, curves.curves[strategy][column], strict=True):
                wide = runs.pivot(index="week", columns="replication", values=column + suffix)
                np.testing.assert_array_equal(curve.weeks, wide.index)
                np.testing.assert_array_equal(curve.mean, wide.mean(axis=1))
                np.testing.assert_array_equal(curve.low, wide.quantile(0.1, axis=1))
                np.testing.assert_array_equal(curve.high, wide.quantile(0.9, axis=1))
    # The figure needs only its columns; drawn from them, it is the same picture.
    columns = ["strategy", "replication", *COMPARISON_COLUMNS]
    png = to_png(plot_comparison(table, "Commune"), dpi=110)
    assert comparison_png(table[columns], "Commune") == png


def test_curves_with_missing_values_are_those_of_pandas_pivot(compare):
    # A profile without values some weeks, a replication without one week: the weeks
    # by replication of pandas' pivot, NaN where missing, mean and band of what is there.
    table = compare.timeseries[compare.timeseries["strategy"] == "big_bang"].copy()
    table.loc[table["week"] < 10, "adoption_technophile"] = np.nan
    table.loc[table["replication"] == 1, "dropout_follower"] = np.nan
    table = table[~((table["replication"] == 2) & (table["week"] == 5))]
    curves = comparison_curves(table, band=(10, 90)).curves["big_bang"]
    for column, _, _ in PANELS:
        for suffix, curve in zip(SERIES, curves[column], strict=True):
            wide = table.pivot(index="week", columns="replication", values=column + suffix)
            np.testing.assert_array_equal(curve.weeks, wide.index)
            np.testing.assert_array_equal(curve.mean, wide.mean(axis=1))
            np.testing.assert_array_equal(curve.low, wide.quantile(0.1, axis=1))
            np.testing.assert_array_equal(curve.high, wide.quantile(0.9, axis=1))
    assert np.isnan(curves["adoption"][1].mean[:10]).all()  # technophiles, weeks 0-9
    with pytest.raises(ValueError, match="duplicate"):
        comparison_curves(pd.concat([table, table.iloc[:1]]))


def test_a_figure_prepared_before_its_runs_is_the_same_picture(compare):
    table = compare.timeseries[["strategy", "replication", *COMPARISON_COLUMNS]]
    strategies = tuple(dict.fromkeys(table["strategy"]))
    replications = table["replication"].nunique()
    expected = comparison_png(table, "Commune")
    finish = prepare_comparison_png(strategies, replications, "Commune")
    assert finish(table, "Commune") == expected
    assert finish(table, "Commune") == expected  # a second call draws it afresh
    # Panels made for other strategies, replications or title are not used.
    for prepared in [
        (strategies[:1], replications, "Commune"),
        (strategies, replications + 1, "Commune"),
        (strategies, replications, "Autre"),
    ]:
        assert prepare_comparison_png(*prepared)(table, "Commune") == expected


def test_a_single_run_has_lines_without_bands(run):
    one = run.timeseries.assign(replication=0)
    for curve in profile_bands(one, "adoption"):
        assert curve.low is None and curve.high is None
        assert len(curve.mean) == len(run.timeseries)


def test_plot_run_in_both_languages(run):
    for lang in LANGS:
        axes = panels(plot_run(run.timeseries, "", lang=lang))
        assert [ax.get_xlabel() for ax in axes] == [WEEK[lang]] * 3
        assert axes[1].get_title() == i18n.text("dropout", lang)


def test_every_function_refuses_an_unknown_language(compare, sweep, morris):
    calls = [
        lambda: adoption_by_profile(compare.timeseries, "de"),
        lambda: strain_heatmap(compare.timeseries, "de"),
        lambda: go_live_chart(compare.schedule, "de"),
        lambda: outcome_intervals(compare.summary, lang="de"),
        lambda: network_picture(compare.staff, compare.ties, compare.snapshots, lang="de"),
        lambda: outcome_vs_factor(sweep.point_summary, "adoption_final", "rollout.strategy", "de"),
        lambda: sensitivity_bars(morris.indices, "de"),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="unknown language 'de'"):
            call()


def test_to_png_gives_png_bytes():
    figure = Figure(figsize=(2, 2))
    figure.subplots().plot([0, 1], [0, 1])
    png = to_png(figure)
    assert png.startswith(PNG_SIGNATURE)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (220, 220)  # 2 inches at the default 110 dpi


def test_results_folder_tables_are_what_the_figures_expect(compare):
    # Guard against silent changes of the saved tables the figures read.
    assert {"service", "tool", "go_live_week", "strategy", "replication"} <= set(compare.schedule)
    assert {"staff", "service", "profile", "x", "y"} <= set(compare.staff)
    assert {"staff", "week", "stage", "adoption", "strain", "strategy"} <= set(compare.snapshots)
