"""Plain-text tables of summary outcomes, for the terminal.

One table per command: a run's summary, a comparison with its paired differences,
calibration targets, a sweep's per-point summary and sensitivity indices.
"""

from __future__ import annotations

from simulation.model.outcomes import OUTCOMES
from simulation.scenario.profiles import PROFILES

LABELS: dict[str, tuple[str, str]] = {
    "adoption_final": ("adoption at the end", "percent"),
    "weeks_to_50pct_adoption": ("weeks to 50 % adoption", "weeks"),
    "weeks_to_80pct_adoption": ("weeks to 80 % adoption", "weeks"),
    "dropout_share": ("dropout (left or mobility)", "percent"),
    "dropout_strain_share": ("... of which through strain", "percent"),
    "dropout_refusal_share": ("... of which through refusal", "percent"),
    "internal_mobility_share": ("... of which repositioned internally", "percent"),
    "external_departure_share": ("... of which left the organisation", "percent"),
    "rps_peak_share": ("peak share at high strain", "percent"),
    "rps_high_person_weeks": ("person-weeks at high strain", "count"),
    "efficiency_gain": ("processing time divided by", "factor"),
    "efficiency_gain_mastered": ("... among staff who master their tools", "factor"),
    "mastered_share_final": ("staff mastering all their tools", "percent"),
    "strain_mean_peak": ("peak mean strain", "number"),
    "reverted_final": ("tools abandoned for paper", "percent"),
    "training_hours_total": ("training hours followed", "count"),
    "trainer_hours_total": ("trainer hours used", "count"),
    "strain_source_share_baseline": ("high strain from the work of before", "percent"),
    "strain_source_share_digital_turn": ("... from the digital turn", "percent"),
    "strain_source_share_tools": ("... from the tools themselves", "percent"),
    "strain_source_share_change_frequency": ("... from the frequency of change", "percent"),
    "strain_source_share_workload": ("... from work left by departures", "percent"),
    "strain_source_share_monotony": ("... from monotony and isolation", "percent"),
    "departures_internal_share": ("departures that were internal mobility", "percent"),
    "acculturation_final": ("acculturation at the end (0-1)", "number"),
    "e_learning_hours_total": ("e-learning hours followed", "count"),
    "cost_total_eur": ("cost, total", "euros"),
    "cost_training_vendor_eur": ("... supplier training", "euros"),
    "cost_training_internal_eur": ("... internal training", "euros"),
    "cost_training_action_eur": ("... action-training", "euros"),
    "cost_e_learning_eur": ("... e-learning", "euros"),
    "cost_staff_training_time_eur": ("... staff time in training", "euros"),
    "cost_productivity_eur": ("... productivity lost while learning", "euros"),
    "cost_tools_eur": ("... tools", "euros"),
    "cost_replacement_eur": ("... replacing staff who left", "euros"),
    "golives_target": ("planned go-lives ((service, tool) pairs)", "count"),
    "golives_missing": ("... of which not live at the horizon", "count"),
}
"""Outcome key: (label, kind of number)."""


def fmt(value: float | int | None, kind: str) -> str:
    """Format one outcome value for people."""
    if value is None:
        return "never" if kind == "weeks" else "–"
    if kind == "percent":
        return f"{100 * value:.1f} %"
    if kind == "weeks":
        return f"{value:.0f}"
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "factor":
        return f"{value:.2f}"
    if kind == "euros":
        return f"{value:,.0f} EUR"
    return f"{value:.2f}"


def run_table(summary: dict) -> str:
    """One run's summary: outcomes as rows, all staff and each profile as columns."""
    header = ["outcome", "all staff", *PROFILES]
    rows = []
    for key, (label, kind) in LABELS.items():
        cells = [label, fmt(summary.get(key), kind)]
        if key in OUTCOMES:
            cells += [fmt(summary["by_profile"][p][key], kind) for p in PROFILES]
        else:
            cells += [""] * len(PROFILES)
        rows.append(cells)
    return _grid(header, rows)


def comparison_table(summary: dict, replications: int) -> str:
    """Per-strategy means with 95 % intervals: outcomes as rows, strategies as columns."""
    strategies = list(summary)
    header = ["outcome (mean [95 % CI])", *(s.replace("_", " ") for s in strategies)]
    rows = []
    for key, (label, kind) in LABELS.items():
        cells = [label]
        for strategy in strategies:
            stat = summary[strategy].get(key) or {"mean": None, "n": 0}
            text = fmt(stat["mean"], kind)
            if stat["n"] and stat["n"] > 1:
                text += f" [{fmt(stat['ci_low'], kind)}, {fmt(stat['ci_high'], kind)}]"
            if stat["n"] < replications:
                text += f" ({stat['n']}/{replications} runs)"
            cells.append(text)
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
    header = ["target", "range", "simulated mean [95 % CI]", "met"]
    rows = []
    for row in targets.itertuples():
        low = "" if row.low is None or row.low != row.low else f"{row.low:g}"
        high = "" if row.high is None or row.high != row.high else f"{row.high:g}"
        rows.append(
            [
                row.id,
                f"{low or '-inf'} to {high or 'inf'}",
                f"{row.mean:.4g} [{row.ci_low:.4g}, {row.ci_high:.4g}]" if row.n else "no value",
                "yes" if row.met else "NO",
            ]
        )
    return _grid(header, rows)


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
    header = ["difference (mean [95 % CI])"] + [
        f"{a.replace('_', ' ')} - {b.replace('_', ' ')}" for a, b in pairs
    ]
    rows = []
    for outcome in outcomes:
        label, kind = LABELS[outcome]
        kind = "points" if kind == "percent" else kind
        cells = [label]
        for a, b in pairs:
            match = paired[
                (paired["level_a"] == a) & (paired["level_b"] == b) & (paired["outcome"] == outcome)
            ]
            if match.empty or match.iloc[0]["n"] == 0:
                cells.append("–")
                continue
            stat = match.iloc[0]
            cells.append(
                f"{_signed(stat['mean'], kind)} [{_signed(stat['ci_low'], kind)}, "
                f"{_signed(stat['ci_high'], kind)}]"
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
    strategies = list(summary)
    header = ["over the plausible sets", *(s.replace("_", " ") for s in strategies)]
    rows = []
    for outcome in outcomes:
        label, kind = LABELS[outcome]
        cells = [label]
        for strategy in strategies:
            stat = summary[strategy][outcome]
            if stat.get("spread_low") is None:
                cells.append("–")
                continue
            share = first[(first["outcome"] == outcome) & (first["level"] == strategy)]
            best = "" if share.empty else f", best in {100 * share.iloc[0]['share']:.0f} %"
            part = stat.get("parameter_share")
            part_text = "" if part is None else f", parameters {100 * part:.0f} %"
            spread = f"{fmt(stat['spread_low'], kind)} to {fmt(stat['spread_high'], kind)}"
            cells.append(spread + part_text + best)
        rows.append(cells)
    return _grid(header, rows)


def robustness_table(paired, outcomes: tuple[str, ...] = ROBUSTNESS_OUTCOMES) -> str:
    """Over the ensemble, per pair of strategies: the share of sets in which a < b.

    A set counts when the mean of its replications' paired differences is below zero.
    """
    pairs = list(dict.fromkeys(zip(paired["level_a"], paired["level_b"], strict=True)))
    header = ["share of sets where a < b"] + [
        f"{a.replace('_', ' ')} < {b.replace('_', ' ')}" for a, b in pairs
    ]
    rows = []
    for outcome in outcomes:
        cells = [LABELS[outcome][0]]
        for a, b in pairs:
            match = paired[
                (paired["level_a"] == a) & (paired["level_b"] == b) & (paired["outcome"] == outcome)
            ]
            below = None if match.empty else match.iloc[0].get("share_below")
            cells.append("–" if below is None or below != below else f"{100 * below:.0f} %")
        rows.append(cells)
    return _grid(header, rows)


def _signed(value: float, kind: str) -> str:
    """A difference with its sign: percentage points for shares."""
    if kind == "points":
        return f"{100 * value:+.1f} pt"
    if kind in ("weeks", "count"):
        return f"{value:+,.0f}"
    return f"{value:+.2f}"


INDEX_COLUMNS: dict[str, tuple[str, tuple[tuple[str, str, str], ...]]] = {
    "morris": (
        "mu_star",
        (
            ("mu*", "mu_star", "{:.4g}"),
            ("95 % CI", "mu_star_conf", "±{:.3g}"),
            ("sigma", "sigma", "{:.4g}"),
            ("mu", "mu", "{:.4g}"),
        ),
    ),
    "sobol": (
        "ST",
        (
            ("S1", "S1", "{:.3f}"),
            ("95 % CI", "S1_conf", "±{:.3f}"),
            ("ST", "ST", "{:.3f}"),
            ("95 % CI ", "ST_conf", "±{:.3f}"),
        ),
    ),
}
"""Per sensitivity method: the index parameters are sorted by, and the columns shown
(heading, column of the indices table, format)."""


def indices_table(indices, method: str) -> str:
    """Sensitivity indices per outcome (``morris`` or ``sobol``), parameters by importance."""
    if indices.empty:
        return ""
    key, columns = INDEX_COLUMNS[method]
    header = ["parameter", *(heading for heading, _, _ in columns)]
    parts = []
    for outcome, group in indices.groupby("outcome", sort=False):
        rows = [
            [row.parameter, *(form.format(getattr(row, column)) for _, column, form in columns)]
            for row in group.sort_values(key, ascending=False).itertuples()
        ]
        parts.append(f"\n{outcome}\n" + _grid(header, rows))
    return "\n".join(parts)


def _cell_text(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def sweep_table(
    summary, outcomes=("adoption_final", "dropout_share", "rps_peak_share"), rows=20
) -> str:
    """A compact view of a sweep's per-point summary: a few outcomes, mean [95 % CI]."""
    shown = [o for o in outcomes if o in set(summary["outcome"])]
    if not shown:
        return ""
    factors = [
        c
        for c in summary.columns
        if c not in {"point", "outcome", "mean", "ci_low", "ci_high", "n"}
    ]
    wide = []
    for point, group in summary.groupby("point", sort=True):
        cells = {"point": str(point), **{f: _cell_text(group.iloc[0][f]) for f in factors}}
        for o in shown:
            stat = group[group["outcome"] == o].iloc[0]
            kind = LABELS.get(o, (o, "number"))[1]
            low, high = fmt(stat["ci_low"], kind), fmt(stat["ci_high"], kind)
            cells[o] = f"{fmt(stat['mean'], kind)} [{low}, {high}]"
        wide.append(cells)
    header = ["point", *factors, *shown]
    lines = [[row[h] for h in header] for row in wide[:rows]]
    text = _grid(header, lines)
    if len(wide) > rows:
        text += f"\n... {len(wide) - rows} more points in summary.csv"
    return "\n" + text
