"""Plain-text tables of summary outcomes, for the terminal.

One table per command: a run's summary, a comparison with its paired differences,
calibration targets, a sweep's per-point summary and sensitivity indices.
"""

from __future__ import annotations

from simulation.i18n.language import active, decimal_mark, general, say
from simulation.i18n.words import (
    clipped,
    difference,
    outcome,
    percent,
    text,
    value,
)
from simulation.model.outcomes import OUTCOMES
from simulation.scenario.profiles import PROFILES

LABELS: tuple[str, ...] = (
    "adoption_final",
    "weeks_to_50pct_adoption",
    "weeks_to_80pct_adoption",
    "dropout_share",
    "dropout_strain_share",
    "dropout_refusal_share",
    "internal_mobility_share",
    "external_departure_share",
    "rps_peak_share",
    "rps_high_person_weeks",
    "efficiency_gain",
    "efficiency_gain_mastered",
    "mastered_share_final",
    "strain_mean_peak",
    "reverted_final",
    "training_hours_total",
    "trainer_hours_total",
    "strain_source_share_baseline",
    "strain_source_share_digital_turn",
    "strain_source_share_tools",
    "strain_source_share_change_frequency",
    "strain_source_share_workload",
    "strain_source_share_monotony",
    "departures_internal_share",
    "acculturation_final",
    "e_learning_hours_total",
    "cost_total_eur",
    "cost_training_vendor_eur",
    "cost_training_internal_eur",
    "cost_training_action_eur",
    "cost_e_learning_eur",
    "cost_staff_training_time_eur",
    "cost_productivity_eur",
    "cost_tools_eur",
    "cost_replacement_eur",
    "golives_target",
    "golives_missing",
)
"""The outcomes the tables show, in order; their labels are the catalogue's
(``outcome.<key>``) and their values are written by :func:`simulation.i18n.words.value`,
in the language of messages."""


def label(key: str) -> str:
    """The label of an outcome in the language of messages."""
    return outcome(key, active())


def strategy(name: str) -> str:
    """A strategy's name in the language of messages (``petits pas``)."""
    return text(name, active())


def fmt(name: str, amount: float | int | None) -> str:
    """One outcome's value for people, in the language of messages (never reached: ``jamais``)."""
    return value(name, amount, active())


def interval(stat: dict, name: str) -> str:
    """An outcome's mean with its 95 % interval, ``12,5 % [10,1 % ; 14,9 %]``.

    The bounds are cut to what the outcome can take (:func:`~simulation.i18n.words.clipped`).
    """
    low, high = (fmt(name, clipped(name, stat[k])) for k in ("ci_low", "ci_high"))
    return f"{fmt(name, stat['mean'])} [{low}{say('cli.table.list_separator')} {high}]"


def run_table(summary: dict) -> str:
    """One run's summary: outcomes as rows, all staff and each profile as columns."""
    lang = active()
    header = [say("cli.table.outcome"), text("all_staff", lang), *(text(p, lang) for p in PROFILES)]
    rows = []
    for key in LABELS:
        cells = [label(key), fmt(key, summary.get(key))]
        if key in OUTCOMES:
            cells += [fmt(key, summary["by_profile"][p][key]) for p in PROFILES]
        else:
            cells += [""] * len(PROFILES)
        rows.append(cells)
    return _grid(header, rows)


def comparison_table(summary: dict, replications: int) -> str:
    """Per-strategy means with 95 % intervals: outcomes as rows, strategies as columns."""
    strategies = list(summary)
    header = [say("cli.table.outcome_ci"), *(strategy(s) for s in strategies)]
    rows = []
    for key in LABELS:
        cells = [label(key)]
        for name in strategies:
            stat = summary[name].get(key) or {"mean": None, "n": 0}
            cell = interval(stat, key) if stat["n"] and stat["n"] > 1 else fmt(key, stat["mean"])
            if stat["n"] < replications:
                cell += " " + say("cli.table.runs_with_value", n=stat["n"], total=replications)
            cells.append(cell)
        rows.append(cells)
    return _grid(header, rows)


def _grid(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def calibration_table(targets) -> str:
    """Calibration targets: range, simulated mean with 95 % interval, and whether it is met."""
    header = [say(f"cli.table.{key}") for key in ("target", "range", "simulated", "met")]
    rows = []
    for row in targets.itertuples():
        low = "" if row.low is None or row.low != row.low else general(row.low, 4)
        high = "" if row.high is None or row.high != row.high else general(row.high, 4)
        mean = (
            f"{general(row.mean, 4)} [{general(row.ci_low, 4)}{say('cli.table.list_separator')} "
            f"{general(row.ci_high, 4)}]"
        )
        rows.append(
            [
                row.id,
                say("cli.table.from_to", low=low or "-∞", high=high or "∞"),
                mean if row.n else say("cli.table.no_value"),
                _met(row.met),
            ]
        )
    return _grid(header, rows)


def _met(met: bool) -> str:
    return say("cli.table.met_yes") if met else say("cli.table.met_no")


def paired_table(
    paired,
    outcomes: tuple[str, ...] = (
        "adoption_final",
        "weeks_to_50pct_adoption",
        "dropout_share",
        "rps_peak_share",
        "rps_high_person_weeks",
        "efficiency_gain",
    ),
) -> str:
    """Paired differences between strategies: one row per outcome, one column per pair."""
    pairs = list(dict.fromkeys(zip(paired["level_a"], paired["level_b"], strict=True)))
    header = [say("cli.table.difference_ci")] + [f"{strategy(a)} − {strategy(b)}" for a, b in pairs]
    lang = active()
    rows = []
    for name in outcomes:
        cells = [label(name)]
        for a, b in pairs:
            match = paired[
                (paired["level_a"] == a) & (paired["level_b"] == b) & (paired["outcome"] == name)
            ]
            if match.empty or match.iloc[0]["n"] == 0:
                cells.append("–")
                continue
            stat = match.iloc[0]
            low, high = (difference(name, stat[k], lang) for k in ("ci_low", "ci_high"))
            cells.append(
                f"{difference(name, stat['mean'], lang)} "
                f"[{low}{say('cli.table.list_separator')} {high}]"
            )
        rows.append(cells)
    return _grid(header, rows)


ROBUSTNESS_OUTCOMES: tuple[str, ...] = (
    "adoption_final",
    "weeks_to_80pct_adoption",
    "dropout_share",
    "rps_high_person_weeks",
    "cost_total_eur",
)
"""Outcomes of the terminal's tables over the ensemble."""


def ensemble_table(summary: dict, first, outcomes: tuple[str, ...] = ROBUSTNESS_OUTCOMES) -> str:
    """Over the ensemble, per outcome and strategy: where 90 % of the runs fall.

    Each cell also gives the parameters' share of the spread and the share of
    plausible sets in which the strategy ranks first.
    """
    lang = active()
    strategies = list(summary)
    header = [say("cli.table.over_sets"), *(strategy(s) for s in strategies)]
    rows = []
    for name in outcomes:
        cells = [label(name)]
        for level in strategies:
            stat = summary[level][name]
            if stat.get("spread_low") is None:
                cells.append("–")
                continue
            share = first[(first["outcome"] == name) & (first["level"] == level)]
            best = (
                ""
                if share.empty
                else say("cli.table.best_in", share=percent(share.iloc[0]["share"], lang, 0))
            )
            part = stat.get("parameter_share")
            part_text = (
                ""
                if part is None
                else say("cli.table.parameters_part", share=percent(part, lang, 0))
            )
            spread = say(
                "cli.table.from_to",
                low=fmt(name, clipped(name, stat["spread_low"])),
                high=fmt(name, clipped(name, stat["spread_high"])),
            )
            cells.append(spread + part_text + best)
        rows.append(cells)
    return _grid(header, rows)


def robustness_table(paired, outcomes: tuple[str, ...] = ROBUSTNESS_OUTCOMES) -> str:
    """Over the ensemble, per pair of strategies: the share of sets in which a < b.

    A set counts when the mean of its replications' paired differences is below zero.
    """
    lang = active()
    pairs = list(dict.fromkeys(zip(paired["level_a"], paired["level_b"], strict=True)))
    header = [say("cli.table.share_below")] + [f"{strategy(a)} < {strategy(b)}" for a, b in pairs]
    rows = []
    for name in outcomes:
        cells = [label(name)]
        for a, b in pairs:
            match = paired[
                (paired["level_a"] == a) & (paired["level_b"] == b) & (paired["outcome"] == name)
            ]
            below = None if match.empty else match.iloc[0].get("share_below")
            cells.append(percent(below, lang, 0))
        rows.append(cells)
    return _grid(header, rows)


INDEX_COLUMNS: dict[str, tuple[str, tuple[tuple[str, str, str], ...]]] = {
    "morris": (
        "mu_star",
        (
            ("mu*", "mu_star", "{:.4g}"),
            ("ci", "mu_star_conf", "±{:.3g}"),
            ("sigma", "sigma", "{:.4g}"),
            ("mu", "mu", "{:.4g}"),
        ),
    ),
    "sobol": (
        "ST",
        (
            ("S1", "S1", "{:.3f}"),
            ("ci", "S1_conf", "±{:.3f}"),
            ("ST", "ST", "{:.3f}"),
            ("ci", "ST_conf", "±{:.3f}"),
        ),
    ),
}
"""Per sensitivity method: the index parameters are sorted by, and the columns shown
(heading, column of the indices table, format); ``ci`` is the catalogue's heading of
a 95 % interval."""


def indices_table(indices, method: str) -> str:
    """Sensitivity indices per outcome (``morris`` or ``sobol``), parameters by importance."""
    if indices.empty:
        return ""
    key, columns = INDEX_COLUMNS[method]
    header = [
        say("cli.table.parameter"),
        *(say("cli.table.ci") if h == "ci" else h for h, _, _ in columns),
    ]
    parts = []
    for name, group in indices.groupby("outcome", sort=False):
        rows = [
            [row.parameter, *(decimal_mark(form.format(getattr(row, c))) for _, c, form in columns)]
            for row in group.sort_values(key, ascending=False).itertuples()
        ]
        parts.append(f"\n{label(name)}\n" + _grid(header, rows))
    return "\n".join(parts)


def _cell_text(amount) -> str:
    return general(amount, 4) if isinstance(amount, float) else str(amount)


SWEEP_STATISTICS = frozenset(
    {"point", "outcome", "mean", "ci_low", "ci_high", "n", "members", "spread_low"}
    | {"spread_high", "parameter_share"}
)
"""Columns of a sweep's summary that are statistics, not the point's factors."""


def sweep_table(
    summary, outcomes=("adoption_final", "dropout_share", "rps_peak_share"), rows=20
) -> str:
    """A compact view of a sweep's per-point summary: a few outcomes, mean [95 % CI]."""
    shown = [o for o in outcomes if o in set(summary["outcome"])]
    if not shown:
        return ""
    factors = [c for c in summary.columns if c not in SWEEP_STATISTICS]
    wide = []
    for point, group in summary.groupby("point", sort=True):
        cells = {"point": str(point), **{f: _cell_text(group.iloc[0][f]) for f in factors}}
        for o in shown:
            stat = group[group["outcome"] == o].iloc[0]
            cells[o] = interval(stat, o)
        wide.append(cells)
    keys = ["point", *factors, *shown]
    header = [say("cli.table.point"), *factors, *(label(o) for o in shown)]
    lines = [[row[k] for k in keys] for row in wide[:rows]]
    table = _grid(header, lines)
    if len(wide) > rows:
        table += "\n" + say("cli.table.more_points", n=len(wide) - rows)
    return "\n" + table
