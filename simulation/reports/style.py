"""Shared look of the figures: colours, labels in French or English, axes, PNG bytes.

Every figure module (:mod:`simulation.reports.figures.overview`,
:mod:`simulation.reports.figures.time`,
:mod:`simulation.reports.figures.outcomes`, :mod:`simulation.reports.figures.sensitivity`,
:mod:`simulation.reports.figures.network`) draws on ``matplotlib.figure.Figure`` objects
(never pyplot, whose global state is unsafe in worker processes) with the colours
and helpers defined here, so that a report's figures look alike.

Colours are the Okabe-Ito palette (Okabe & Ito 2008), distinguishable with the
common colour-vision deficiencies; continuous scales are the perceptually uniform
viridis and magma maps.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Iterable, Iterator, Mapping

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from simulation.i18n.words import check, number, outcome_kind, percent, text, typography
from simulation.i18n.words import outcome as outcome_label
from simulation.reports.curves import Curve, profile_bands
from simulation.scenario.profiles import PROFILES
from simulation.scenario.rollout import readable

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
"""Okabe-Ito colours for categorical series, strongest first; yellow is left out
because thin lines and small markers in it vanish on white."""
PROFILE_COLOURS = {"technophile": "#0072B2", "follower": "#009E73", "overwhelmed": "#D55E00"}
ALL_STAFF_COLOUR = "#000000"
STRATEGY_COLOURS = {
    "big_bang": "#D55E00",
    "small_steps": "#0072B2",
    "short_cycle": "#009E73",
    "custom": "#CC79A7",
}
STAGES: tuple[str, ...] = ("waiting", "unaware", "trying", "adopted", "reverted", "left")
"""Summary stages of a staff member (``staff_state()``), in the order of the legend."""
STAGE_COLOURS = {
    "waiting": "#BBBBBB",
    "unaware": "#E69F00",
    "trying": "#56B4E9",
    "adopted": "#0072B2",
    "reverted": "#D55E00",
}
LEFT_COLOUR = "#888888"
"""Edge colour of staff who left, drawn hollow whatever the colouring."""
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
NO_DATA_COLOUR = "#DDDDDD"
STRAIN_THRESHOLD = 1.0
"""Strain is scaled so that 1 is the high-risk threshold (see the ``strain_axis`` label)."""


def strain_cmap() -> Colormap:
    """Magma reversed (calm = light, strain = dark), without its near-white end.

    The lightest tenth of magma is almost white and would hide calm staff on a
    white background, so the scale starts at a light orange.
    """
    cmap = ListedColormap(colormaps["magma_r"](np.linspace(0.1, 1.0, 256)), name="strain")
    return cmap.with_extremes(bad=NO_DATA_COLOUR)


def share_cmap() -> Colormap:
    """Viridis, with missing cells in light grey."""
    return colormaps["viridis"].with_extremes(bad=NO_DATA_COLOUR)


# ----------------------------------------------------------------- words


def say(key: str, lang: str, **values: object) -> str:
    """An i18n phrase with French spacing rules applied (see :func:`i18n.typography`)."""
    return typography(text(key, check(lang), **values), lang)


def outcome_name(name: str, lang: str) -> str:
    """An outcome's label (:func:`simulation.i18n.words.outcome`) with French spacing rules."""
    return typography(outcome_label(name, lang), lang)


def strategy_name(strategy: str, lang: str) -> str:
    """A strategy's name in ``lang`` (unknown names with underscores as spaces)."""
    name = text(strategy, lang)
    return name.replace("_", " ") if name == strategy else name


def capital(words: str) -> str:
    """Words with a capital first letter (labels of :mod:`simulation.i18n.words` are lower case)."""
    return words[:1].upper() + words[1:]


def service_name(service: str, width: int | None = None) -> str:
    """A service identifier as words, wrapped to ``width`` characters if given."""
    words = str(service).replace("_", " ")
    return "\n".join(textwrap.wrap(words, width)) if width else words


def tool_name(tool: str, labels: Mapping[str, str] | None = None) -> str:
    """A tool's label (``labels``: name -> label, a scenario's), else its name as words."""
    return (labels or {}).get(str(tool)) or readable(str(tool))


def factor_name(factor: str, lang: str, width: int | None = None) -> str:
    """An experiment factor's label in ``lang`` (else its dotted path), optionally wrapped."""
    name = text(factor, lang)
    if not width:
        return name
    # Keep units such as "(/ week)" or "h / week" whole when wrapping.
    glued = name.replace(" / ", "\u00a0/\u00a0").replace("(/ ", "(/\u00a0")
    return "\n".join(textwrap.wrap(glued, width))


def level_name(factor: str, level: object, lang: str) -> str:
    """A factor level as written on an axis: strategy names translated, numbers localised."""
    if factor.endswith("strategy"):
        return strategy_name(str(level), lang)
    if isinstance(level, (int, float, np.integer, np.floating)) and not isinstance(level, bool):
        if float(level).is_integer():
            return number(float(level), lang, 0)
        written = f"{float(level):.4g}"
        return written.replace(".", ",") if lang == "fr" else written
    return str(level)


def unit_label(outcome: str, lang: str) -> str:
    """The unit of an outcome for an axis label ('' when the tick labels carry it)."""
    kind = outcome_kind(outcome)
    if kind == "weeks":
        return say("weeks", lang)
    if "person_weeks" in outcome:
        return say("person_weeks", lang)
    if "hours" in outcome:
        return say("hours", lang)
    if kind == "factor":
        return "×"
    if kind == "euros":
        return "€"
    return ""


def profile_series(lang: str) -> Iterator[tuple[str, str, str, float]]:
    """(label, column suffix, colour, line width) of all staff, then each profile."""
    yield say("all_staff", lang), "", ALL_STAFF_COLOUR, 2.2
    for profile in PROFILES:
        yield say(profile, lang), f"_{profile}", PROFILE_COLOURS[profile], 1.4


def profile_curves(
    ax: Axes, runs: pd.DataFrame, column: str, lang: str, band: tuple[float, float] = (5, 95)
) -> None:
    """Curves of a weekly measure for all staff and each profile, over the replications.

    Each line is the mean over replications; a shaded band spans the ``band``
    percentiles (0-100) across replications (none for a single run, where it would be
    the line itself).

    Args:
        ax: The panel.
        runs: Weekly rows with ``week`` and ``replication`` columns and the measure per
            profile (``<column>``, ``<column>_<profile>``).
        column: The weekly measure (``adoption``, ``dropout``...).
        lang: ``fr`` or ``en`` (the legend's labels).
        band: Lower and upper percentiles of the band.
    """
    draw_curves(ax, profile_bands(runs, column, band), lang)


def draw_curves(ax: Axes, curves: list[Curve], lang: str) -> None:
    """Draw the curves of :func:`~simulation.reports.curves.profile_bands`.

    All staff, then each profile (:func:`profile_series`), each a line and its band.
    """
    for (label, _, colour, width), curve in zip(profile_series(lang), curves, strict=True):
        ax.plot(curve.weeks, curve.mean, color=colour, lw=width, label=label)
        if curve.low is not None:
            ax.fill_between(curve.weeks, curve.low, curve.high, color=colour, alpha=0.15, lw=0)


# ----------------------------------------------------------------- axes


def share_axis(ax: Axes, lang: str, axis: str = "y", points: bool = False) -> None:
    """Tick labels of a 0-1 share as percentages (or percentage points) in ``lang``."""
    space = "\u202f" if lang == "fr" else " "

    def written(v: float, _pos: object) -> str:
        if points:
            return f"{number(100 * v, lang, digits_for(100 * v))}{space}{text('points_unit', lang)}"
        return percent(v, lang, digits_for(100 * v))

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(written))


def value_axis(ax: Axes, outcome: str, lang: str, axis: str = "y", effect: bool = False) -> None:
    """Tick labels in an outcome's format: shares as % (effects as points), else numbers."""
    if outcome_kind(outcome) == "percent":
        share_axis(ax, lang, axis, points=effect)
        return
    formatter = FuncFormatter(lambda v, _pos: number(v, lang, digits_for(v)))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def digits_for(v: float) -> int:
    """Decimals needed for a tick value (0 for whole numbers, up to 2)."""
    for digits in range(3):
        if math.isclose(v, round(v, digits), abs_tol=1e-9):
            return digits
    return 2


def decorate(ax: Axes, title: str = "", xlabel: str = "", ylabel: str = "") -> None:
    """Panel title, axis labels and a light grid behind the data."""
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)


def legend_below(
    figure: Figure, handles: list, labels: list[str], title: str = "", ncols: int = 6
) -> None:
    """One legend for the figure, below the panels, so that it never hides data."""
    ncols = min(len(labels), ncols)
    figure.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=ncols,
        frameon=False,
        title=title or None,
    )


def suptitle(figure: Figure, title: str, subtitle: str = "") -> None:
    """Figure title, with a second line in a smaller size for how it was computed."""
    figure.suptitle(title + (f"\n{subtitle}" if subtitle else ""), fontsize=11)


def text_colour(rgba: Iterable[float]) -> str:
    """Black or white, whichever reads better on a cell of colour ``rgba``."""
    r, g, b = list(rgba)[:3]
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


# ----------------------------------------------------------------- tables


def require_columns(table: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise ValueError naming the first column of ``columns`` missing from ``table``."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"the {what} has no column {missing[0]!r} (columns: {_some(table)})")


def pick_strategy(table: pd.DataFrame, strategy: str | None) -> tuple[pd.DataFrame, str | None]:
    """The rows of one strategy (default the first) of a stacked table; a run's as is.

    A run's table has no strategy column: it is returned whole, and a strategy given
    by the caller (the run's own) is kept for the title.

    Raises:
        ValueError: the strategy is not in a stacked table.
    """
    if "strategy" not in table.columns:
        return table, strategy
    present = list(dict.fromkeys(table["strategy"]))
    if strategy is None:
        strategy = present[0]
    if strategy not in present:
        raise ValueError(f"unknown strategy {strategy!r}; the table has {', '.join(present)}")
    return table[table["strategy"] == strategy], strategy


def levels_of(series: pd.Series) -> list:
    """Distinct levels: sorted if numeric, else in order of appearance."""
    levels = list(dict.fromkeys(series.dropna()))
    return sorted(levels) if pd.api.types.is_numeric_dtype(series) else levels


def _some(table: pd.DataFrame, limit: int = 8) -> str:
    names = list(map(str, table.columns))
    return ", ".join(names[:limit]) + (", ..." if len(names) > limit else "")


# ----------------------------------------------------------------- output


def to_png(figure: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes, in memory (e.g. to embed in HTML as base64).

    Args:
        figure: Any matplotlib figure.
        dpi: Resolution in dots per inch.

    Returns:
        The PNG file's bytes (starting with the PNG signature).
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
