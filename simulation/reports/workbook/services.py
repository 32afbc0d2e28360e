"""The workbook's sheets per service: the end of the period, and adoption and strain by week.

A run's or a comparison's weekly table holds per-service columns
(``<measure>@<service>``: adoption, dropout and its causes, mean strain, share at high
strain). These sheets give them to a spreadsheet as a director reads them: one row per
service (and strategy) with its headcount, adoption and departures by cause at the
end and its strain peaks; then adoption and mean strain week by week, one column per
service. Values are means over the replications of the folder's own series; nothing
is run.
"""

from __future__ import annotations

import pandas as pd
import yaml

from simulation.reports.reader import Results
from simulation.reports.style import service_name
from simulation.reports.workbook.book import Book
from simulation.scenario.errors import ScenarioError
from simulation.scenario.organisation import Organisation

AT_THE_END: dict[str, str] = {
    "adoption": "adoption_final",
    "dropout": "dropout_share",
    "dropout_strain": "dropout_strain_share",
    "dropout_refusal": "dropout_refusal_share",
}
"""Per-service weekly measure -> the outcome its last week gives (the column's header)."""
PEAKS: dict[str, str] = {"strain_mean": "strain_mean_peak", "rps_high_share": "rps_peak_share"}
"""Per-service weekly measure -> the outcome its highest week gives."""
WEEKLY: dict[str, str] = {"adoption": "service_adoption", "strain_mean": "service_strain"}
"""Per-service weekly measures given week by week -> their sheet's key."""


def services_of(timeseries: pd.DataFrame) -> list[str]:
    """The services of a weekly table, in the scenario's order (from its adoption columns)."""
    return [str(c).split("@", 1)[1] for c in timeseries.columns if str(c).startswith("adoption@")]


def service_summary(timeseries: pd.DataFrame, headcounts: dict[str, int]) -> pd.DataFrame:
    """One row per (strategy and) service: headcount, the end of the period, strain peaks.

    Each value is computed run by run (the last week's value; the highest week's), then
    averaged over the runs of a strategy. Measures a folder does not hold (departures
    by cause, before they were kept per service) are left out.

    Args:
        timeseries: A run's weekly table, or a comparison's stacked one (``strategy``,
            ``replication``).
        headcounts: Each service's headcount at the start (the scenario's).
    """
    runs = _with_keys(timeseries)
    keys = [k for k in ("strategy",) if k in timeseries]
    rows = []
    for group, table in runs.groupby(keys, sort=False) if keys else [((), runs)]:
        last = table.loc[table.groupby("replication")["week"].idxmax()]
        by_run = table.groupby("replication")
        for service in services_of(timeseries):
            row = dict(zip(keys, group if isinstance(group, tuple) else (group,), strict=True))
            row["service"] = service
            row["headcount"] = headcounts.get(service)
            for measure, name in AT_THE_END.items():
                if f"{measure}@{service}" in table:
                    row[name] = last[f"{measure}@{service}"].mean()
            for measure, name in PEAKS.items():
                if f"{measure}@{service}" in table:
                    row[name] = by_run[f"{measure}@{service}"].max().mean()
            rows.append(row)
    return pd.DataFrame(rows)


def service_weekly(timeseries: pd.DataFrame, measure: str) -> pd.DataFrame:
    """A per-service measure week by week: (strategy,) week, then one column per service.

    Values are means over the replications of each strategy.
    """
    runs = _with_keys(timeseries)
    services = services_of(timeseries)
    columns = [f"{measure}@{s}" for s in services]
    keys = [k for k in ("strategy",) if k in timeseries] + ["week"]
    table = runs.groupby(keys, sort=False)[columns].mean().reset_index()
    return table.rename(columns=dict(zip(columns, services, strict=True)))


def write_service_sheets(book: Book, results: Results) -> None:
    """The per-service sheets of a run or comparison (none if the folder has no services)."""
    series = results.timeseries
    if series is None or not services_of(series):
        return
    summary = service_summary(series, _headcounts(results))
    formats = {name: "0.0%" for name in (*AT_THE_END.values(), "rps_peak_share")}
    formats |= {"strain_mean_peak": "0.00", "headcount": "#,##0"}
    book.table("services", _readable(summary), formats)
    for measure, key in WEEKLY.items():
        shown = _readable(service_weekly(series, measure))
        fmt = "0.0%" if measure == "adoption" else "0.00"
        services = [c for c in shown.columns if c not in ("strategy", "week")]
        book.table(key, shown, {"week": "0"} | dict.fromkeys(services, fmt))


def _with_keys(timeseries: pd.DataFrame) -> pd.DataFrame:
    """The table with a replication column (a run's has none: its one run is number 0)."""
    return timeseries if "replication" in timeseries else timeseries.assign(replication=0)


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Service names as words, in a ``service`` column and as column names."""
    frame = frame.copy()
    if "service" in frame:
        frame["service"] = [service_name(s) for s in frame["service"]]
    fixed = {"strategy", "week", "service", "headcount", *AT_THE_END.values(), *PEAKS.values()}
    return frame.rename(columns={c: service_name(c) for c in frame.columns if c not in fixed})


def _headcounts(results: Results) -> dict[str, int]:
    """Each service's headcount at the start, from the folder's resolved scenario.

    The organisation is read as a run reads it, so that a ``total_staff`` scaling the
    services' headcounts is applied; a folder whose organisation cannot be read gives
    no headcounts (the column stays empty).
    """
    try:
        data = yaml.safe_load(results.scenario_text) or {}
        organisation = Organisation.from_value(data.get("organisation") or {})
    except (yaml.YAMLError, ScenarioError, AttributeError):
        return {}
    names = (service.name for service in organisation.services)
    return dict(zip(names, organisation.headcounts(), strict=True))
