"""The generated parts of docs/findings.md: Markdown tables between markers.

The document is written by hand around blocks that ``experiments/findings.py`` fills
from its data on every run, so that a rerun refreshes every table:

    <!-- generated: NAME -->
    ...
    <!-- end generated: NAME -->

:func:`fill` replaces what is between the two markers of each block with the text
:func:`blocks` made for NAME.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from findings_ablation import OUTCOME_LABELS, OUTCOMES
from findings_runs import PAIRS, STRATEGIES, pair_key

MARKER = re.compile(
    r"(<!-- generated: (?P<name>[\w:.-]+) -->\n)(?P<body>.*?)(<!-- end generated: (?P=name) -->)",
    re.DOTALL,
)
SHORT = {"big_bang": "BB", "small_steps": "SS", "short_cycle": "SC"}
"""Abbreviations of the strategies in wide tables."""
NAMES = {"big_bang": "big bang", "small_steps": "small steps", "short_cycle": "short cycles"}
MAIN_SHARE = 0.25
"""Smallest share of a gap (in absolute value) for a mechanism to be named in a summary."""
DIGITS = {"dropout_share": 1, "depth": 3, "rps_peak_share": 1, "weeks_to_80pct_adoption": 1}
"""Decimals of a difference of each outcome, in the unit of :data:`OUTCOME_LABELS`."""


def fill(text: str, blocks: Mapping[str, str]) -> str:
    """Replace the body of every generated block of ``text``.

    Raises:
        KeyError: a block of the text has no generated content.
    """

    def body(match: re.Match) -> str:
        name = match["name"]
        if name not in blocks:
            raise KeyError(f"docs/findings.md has a block {name!r} that nothing generates")
        return f"{match[1]}{blocks[name].rstrip()}\n{match[4]}"

    return MARKER.sub(body, text)


def block_names(text: str) -> list[str]:
    """Names of the generated blocks of ``text``, in order."""
    return [m["name"] for m in MARKER.finditer(text)]


def number(value: float | None, digits: int, factor: float = 1.0, sign: bool = False) -> str:
    """A number in the unit shown, or an em dash if missing."""
    if value is None:
        return "—"
    return f"{value * factor:{'+' if sign else ''}.{digits}f}"


def interval(stat: Mapping, digits: int, factor: float = 1.0, sign: bool = False) -> str:
    """``mean [low, high]`` of a :func:`mean_ci` result."""
    if stat["mean"] is None:
        return "—"
    low, high = number(stat["ci_low"], digits, factor), number(stat["ci_high"], digits, factor)
    return f"{number(stat['mean'], digits, factor, sign)} [{low}, {high}]"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def strategies_table(data: Mapping) -> str:
    """The headline table: each strategy on both organisations."""
    rows = []
    spec = (
        ("weeks to 50 % adoption (typical)", "typical", "weeks_to_50pct_adoption", 1, 1.0, ""),
        ("weeks to 80 % adoption (typical)", "typical", "weeks_to_80pct_adoption", 1, 1.0, ""),
        ("dropout, default commune", "default", "dropout_share", 1, 100.0, " %"),
        ("dropout, typical rollout", "typical", "dropout_share", 1, 100.0, " %"),
        ("peak share at high strain (typical)", "typical", "rps_peak_share", 1, 100.0, " %"),
        ("proficiency 26 weeks after a go-live (typical)", "typical", "depth", 2, 1.0, ""),
        ("staff mastering all their tools at the horizon (typical)", "typical",
         "mastered_share_final", 0, 100.0, " %"),
    )  # fmt: skip
    for label, organisation, key, digits, factor, unit in spec:
        cells = []
        for s in STRATEGIES:
            stat = data[organisation][s][key]
            mean = number(stat["mean"], digits, factor)
            low, high = (
                number(stat["ci_low"], digits, factor),
                number(stat["ci_high"], digits, factor),
            )
            cells.append(f"{mean}{unit} [{low}, {high}]")
        rows.append([label, *cells])
    header = [f"{data['replications']} replications", *(NAMES[s] for s in STRATEGIES)]
    return _table(header, rows)


def mechanisms_table(ablation: Mapping) -> str:
    """The ablation entries: name, what is switched off, overrides."""
    rows = []
    for name, entry in ablation["mechanisms"].items():
        overrides = ", ".join(f"`{path}: {_value(value)}`" for path, value in entry["off"].items())
        rows.append([f"`{name}`", entry["description"], overrides])
    return _table(["mechanism", "switched off", "overrides"], rows)


def _value(value: object) -> str:
    """An override's value as a scenario file would write it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 1000000, not 1e+06 (which YAML would read as a string)
    return f"{value:g}" if isinstance(value, float | int) else str(value)


def _explained_cell(gap: Mapping, key: str) -> str:
    _, factor, _ = OUTCOME_LABELS[key]
    text = interval(gap["explained"], DIGITS[key], factor, sign=True)
    if gap["share"] is not None:
        text += f" ({gap['share']:.0%})".replace("%", " %")
    return text


def main_mechanisms(ablation: Mapping, key: str, pair: str) -> str:
    """One sentence naming the mechanisms that produce a gap or work against it.

    A mechanism is named if the 95 % interval of the part it explains excludes zero and
    that part is at least :data:`MAIN_SHARE` of the gap (in absolute value).
    """
    found: dict[bool, list[tuple[float, str]]] = {True: [], False: []}
    for name, entry in ablation["mechanisms"].items():
        gap = entry["gaps"][key][pair]
        stat, share = gap["explained"], gap["share"]
        if share is None or stat["ci_low"] is None or abs(share) < MAIN_SHARE:
            continue
        if stat["ci_low"] <= 0.0 <= stat["ci_high"]:
            continue
        found[share > 0].append((share, name))
    a, b = pair.split("-")

    def names(items: list[tuple[float, str]]) -> str:
        items = sorted(items, key=lambda item: -abs(item[0]))
        return ", ".join(f"`{n}` ({s:.0%})".replace("%", " %") for s, n in items) or "none"

    return (
        f"{NAMES[a].capitalize()} minus {NAMES[b]}: produced by {names(found[True])}; "
        f"reduced by {names(found[False])}."
    )


def ablation_table(ablation: Mapping, key: str) -> str:
    """Part of each strategy gap of ``key`` that each mechanism explains."""
    label, factor, unit = OUTCOME_LABELS[key]
    digits = DIGITS[key]
    header = ["mechanism off", *(f"{SHORT[a]} − {SHORT[b]}" for a, b in PAIRS)]
    rows = [
        [
            f"**whole gap** ({label}, {unit})",
            *(
                f"**{interval(ablation['full'][pair_key(p)][key], digits, factor, sign=True)}**"
                for p in PAIRS
            ),
        ]
    ]
    for name, entry in ablation["mechanisms"].items():
        gaps = entry["gaps"][key]
        rows.append([f"`{name}`", *(_explained_cell(gaps[pair_key(p)], key) for p in PAIRS)])
    summary = [
        f"- {main_mechanisms(ablation, key, pair_key(p))}" for p in PAIRS if p[0] == "big_bang"
    ]
    return "\n".join(summary) + "\n\n" + _table(header, rows)


def effect_table(ablation: Mapping, name: str) -> str:
    """What one mechanism adds to each outcome under each strategy (full minus off)."""
    effect = ablation["mechanisms"][name]["effect"]
    rows = []
    for key in OUTCOMES:
        label, factor, unit = OUTCOME_LABELS[key]
        cells = [interval(effect[s][key], DIGITS[key], factor, sign=True) for s in STRATEGIES]
        rows.append([f"{label} ({unit})", *cells])
    return _table([f"`{name}` adds", *(NAMES[s] for s in STRATEGIES)], rows)


def ranking_text(ranking: Mapping) -> str:
    """``SS > SC = BB``: best first; ``>`` where the paired interval excludes zero."""
    order = ranking["order"]
    text = SHORT[order[0]]
    for strategy, distinct in zip(order[1:], ranking["distinct"], strict=True):
        text += (" > " if distinct else " = ") + SHORT[strategy]
    return text


def training_tables(result: Mapping) -> str:
    """Ranking of the strategies and the big bang's gaps at each point of the grid."""
    ranks, gaps = [], []
    for point in result["points"]:
        coordinates = [
            f"{point['max_training_hours']:g}",
            point["training_focus"],
            point["trainers"],
        ]
        ranks.append([*coordinates, *(ranking_text(point["ranking"][k]) for k in OUTCOMES)])
        pair = point["paired"]["big_bang-small_steps"]
        gaps.append(
            [
                *coordinates,
                *(interval(pair[k], DIGITS[k], OUTCOME_LABELS[k][1], sign=True) for k in OUTCOMES),
            ]
        )
    coordinates = ["h/week", "focus", "trainers"]
    labels = [OUTCOME_LABELS[k][0] for k in OUTCOMES]
    units = [f"{OUTCOME_LABELS[k][0]} ({OUTCOME_LABELS[k][2]})" for k in OUTCOMES]
    return (
        "Ranking, best first (`>`: the paired 95 % interval of the difference excludes zero; "
        "`=`: it does not):\n\n"
        + _table([*coordinates, *labels], ranks)
        + "\n\nBig bang minus small steps (paired, 95 % intervals):\n\n"
        + _table([*coordinates, *units], gaps)
    )


ENSEMBLE_UNITS = {
    "dropout_share": (100.0, 1, " pt"),
    "rps_peak_share": (100.0, 1, " pt"),
    "depth": (1.0, 3, ""),
    "weeks_to_80pct_adoption": (1.0, 1, " wk"),
    "weeks_to_50pct_adoption": (1.0, 1, " wk"),
}
"""Per outcome of the claims: factor to the unit shown, decimals, unit."""
PARAMETER_COLUMNS = (
    ("fewer_dropouts", 1, "dropout BB − SC, typical"),
    ("fewer_dropouts", 0, "dropout BB − SS, typical"),
    ("fewer_dropouts_default", 0, "dropout BB − SS, default commune"),
    ("strain_peak", 0, "peak BB − SS, typical"),
)
"""Claim, condition index and heading of each column of the parameters' table."""


def share_text(agreement: Mapping) -> str:
    """``87 % [81, 91] (131 of 150)``: the share of members that agree, Wilson interval."""
    if agreement["share"] is None:
        return "—"
    low, high = round(100 * agreement["ci_low"]), round(100 * agreement["ci_high"])
    return (
        f"{100 * agreement['share']:.0f} % [{low}, {high}] "
        f"({agreement['agree']} of {agreement['members']})"
    )


def _verdict(entry: Mapping) -> str:
    return "yes" if entry["agreement"]["agree"] == entry["agreement"]["members"] else "no"


def ensemble_claims_table(ensemble: Mapping) -> str:
    """Every claim: the default set's verdict and the share of members that agree."""
    rows = [
        [
            str(entry["section"]),
            entry["statement"],
            entry["test"],
            _verdict(ensemble["default"][name]),
            f"**{share_text(entry['agreement'])}**",
        ]
        for name, entry in ensemble["claims"].items()
    ]
    header = [
        "§",
        "claim",
        "tested as",
        f"default set ({ensemble['default_replications']} replications)",
        f"plausible sets that agree ({ensemble['members']} members × "
        f"{ensemble['per_member']} replications; 95 % interval)",
    ]
    return _table(header, rows)


def ensemble_section_table(ensemble: Mapping, section: int) -> str:
    """Each condition of the section's claims: default set, members' spread, agreement."""
    rows = []
    for name, entry in ensemble["claims"].items():
        if entry["section"] != section:
            continue
        default = ensemble["default"][name]["conditions"]
        for k, condition in enumerate(entry["conditions"]):
            factor, digits, unit = ENSEMBLE_UNITS[condition["outcome"]]
            spread = (
                f"{number(condition['median'], digits, factor, sign=True)} "
                f"({number(condition['p5'], digits, factor, sign=True)} to "
                f"{number(condition['p95'], digits, factor, sign=True)})"
            )
            part = condition["variance"]["parameters"]
            wanted = ">" if condition["sign"] > 0 else "<"
            rows.append(
                [
                    f"{entry['test']}: {condition['label']} {wanted} 0",
                    interval(default[k]["mean"], digits, factor, sign=True) + unit,
                    spread + unit,
                    share_text(condition["agreement"]),
                    "—" if part is None else f"{part:.0%}".replace("%", " %"),
                ]
            )
    header = [
        "condition",
        "default set: mean [95 % interval]",
        "members: median (5 % to 95 %)",
        "members where it holds",
        "spread from the parameters",
    ]
    return _table(header, rows)


def ensemble_parameters_table(ensemble: Mapping) -> str:
    """Spearman correlation of each calibrated parameter with some members' differences."""
    columns = [
        (ensemble["parameters"][name][ensemble["claims"][name]["conditions"][k]["label"]], head)
        for name, k, head in PARAMETER_COLUMNS
    ]
    first = columns[0][0]
    order = sorted(first, key=lambda path: -abs(first[path]["rho"] or 0.0))
    rows = []
    for path in order:
        cells = []
        for cells_of, _ in columns:
            rho, p = cells_of[path]["rho"], cells_of[path]["p"]
            text = "—" if rho is None else f"{rho:+.2f}"
            cells.append(f"**{text}**" if p is not None and p < 0.01 else text)
        rows.append([f"`{path}`", *cells])
    return _table(["parameter", *(head for _, head in columns)], rows)


def blocks(data: Mapping) -> dict[str, str]:
    """Every generated block of docs/findings.md, by name."""
    result = {"strategies": strategies_table(data)}
    ensemble = data["ensemble"]
    result["ensemble:claims"] = ensemble_claims_table(ensemble)
    for section in sorted({entry["section"] for entry in ensemble["claims"].values()}):
        result[f"ensemble:section:{section}"] = ensemble_section_table(ensemble, section)
    result["ensemble:parameters"] = ensemble_parameters_table(ensemble)
    for organisation in ("typical", "default"):
        ablation = data["ablation"][organisation]
        result[f"mechanisms:{organisation}"] = mechanisms_table(ablation)
        for key in OUTCOMES:
            result[f"ablation:{organisation}:{key}"] = ablation_table(ablation, key)
        for name in ablation["mechanisms"]:
            result[f"effect:{organisation}:{name}"] = effect_table(ablation, name)
        result[f"training:{organisation}"] = training_tables(data["training_hours"][organisation])
    return result
