"""Before and after heroin-assisted treatment: countries' series aligned on the year HAT started there (a trial or
regular treatment), years -10 to +10 around it, optionally indexed to the start year, beside the mean of the
countries without HAT over the same calendar years.

Where sources disagree about a start year (programme_claims), every claimed year is offered with its source and
status, and the user's pick is the one drawn. Pure functions over query tables; dashboard/ui/before_after.py lays
the view out and dashboard/figures/before_after.py draws it. This is a picture of timing, not an effect estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from dashboard.charts import ChartView
from dashboard.figures import format_value, is_missing, records
from dashboard.figures.before_after import make_before_after_figure

WINDOW = 10  # years either side of the start


@dataclass(frozen=True)
class Measure:
    key: str
    indicator_id: str  # a rate, so countries of any size compare (the build computes the per-person series)
    label: str  # the title
    unit: str  # the y axis (short: a long axis title ran into the subtitle of an exported image)


MEASURES = {
    "deaths": Measure("deaths", "drd_deaths_per_million_15_64", "Drug-induced deaths per million aged 15-64",
                      "deaths per million aged 15-64"),
    "ost": Measure("ost", "ost_methadone_clients_per_100k_15_64",
                   "Clients in methadone treatment per 100,000 aged 15-64", "clients per 100,000 aged 15-64"),
}
EVENTS = {"regular": "regular treatment began", "trial": "the first trial or pilot began"}
EVENT_NAMES = {"regular": "regular-treatment", "trial": "trial or pilot"}  # 'no ... start in our register'
_PHASES = {"regular": ("regular",), "trial": ("trial", "pilot")}
CANNOT_SHOW = ("HAT reaches a few hundred patients in each country (a few thousand in Germany and Switzerland), "
               "while these counts are national; other policies changed over the same years (methadone and "
               "buprenorphine treatment, naloxone, drug markets, how deaths are counted); a line that falls after "
               "the start is not evidence that HAT made it fall. This is a picture of timing, not an effect "
               "estimate.")


@dataclass(frozen=True)
class StartClaim:
    """One claimed start year of a country's programme, with where it comes from."""

    iso3: str
    programme_id: str
    programme: str
    year: int
    status: str  # 'in our register' (the year the register keeps), or a claim's status: supported, contradicted
    source: str

    @property
    def label(self) -> str:
        return f"{self.year}: {self.status}" + (f" ({self.source})" if self.source else "")


def start_claims(programmes: pd.DataFrame, claims: pd.DataFrame, event: str) -> dict[str, list[StartClaim]]:
    """Per country, the start years claimed for its first programme of the event's kind that treated patients:
    the register's year first, then every other year a source claims for it."""
    found: dict[str, list[StartClaim]] = {}
    kinds = _PHASES[event]
    chosen: dict[str, dict] = {}
    for row in records(programmes):
        if row["phase"] not in kinds or not row["treated_patients"] or is_missing(row["start_year"]):
            continue
        if row["iso3"] not in chosen or row["start_year"] < chosen[row["iso3"]]["start_year"]:
            chosen[row["iso3"]] = row
    claimed = [row for row in records(claims) if row["field"] == "start_year"]
    for iso3, row in sorted(chosen.items()):
        options = [StartClaim(iso3, row["programme_id"], row["programme_name"], int(row["start_year"]),
                              "in our register", "")]
        for claim in claimed:
            if claim["programme_id"] != row["programme_id"]:
                continue
            year = _year(claim["claimed_value"])
            if year is None:
                continue
            if year == options[0].year:
                options[0] = StartClaim(iso3, row["programme_id"], row["programme_name"], year,
                                        f"in our register, {claim['claim_status']}", claim["source_title"] or "")
            elif all(option.year != year for option in options):
                options.append(StartClaim(iso3, row["programme_id"], row["programme_name"], year,
                                          str(claim["claim_status"]), claim["source_title"] or ""))
        found[iso3] = options
    return found


def _year(text: object) -> int | None:
    shown = str(text).strip()[:4]
    return int(shown) if shown.isdigit() and len(shown) == 4 else None


def _values(series: pd.DataFrame) -> pd.DataFrame:
    """iso3, year, value: the years with a value (queries/indicator_trend.sql rows)."""
    return series[["iso3", "year", "value"]].dropna(subset=["value"])


def align(series: pd.DataFrame, starts: dict[str, int], index: bool) -> pd.DataFrame:
    """One row per country and year from -WINDOW to +WINDOW around its start: iso3, relative_year, year, value,
    plotted (the value, or value / value at the start x 100). A year without a value stays a gap (NaN), never
    interpolated; with an index, a country without a value in its start year has nothing to index on (all NaN)."""
    values = _values(series)
    rows = []
    for iso3, start in starts.items():
        own = dict(zip(values.loc[values["iso3"] == iso3, "year"].astype(int),
                       values.loc[values["iso3"] == iso3, "value"], strict=True))
        base = own.get(start)
        for relative in range(-WINDOW, WINDOW + 1):
            value = own.get(start + relative, math.nan)
            plotted = value if not index else (value / base * 100 if base else math.nan)
            rows.append({"iso3": iso3, "relative_year": relative, "year": start + relative, "value": value,
                         "plotted": plotted})
    return pd.DataFrame(rows, columns=["iso3", "relative_year", "year", "value", "plotted"])


def comparison(series: pd.DataFrame, starts: dict[str, int], without_hat: list[str], index: bool) -> pd.DataFrame:
    """For each start: the mean over the countries without HAT of their values in the same calendar years,
    drawn the same way (indexed on its own start-year mean). iso3 (the HAT country it is beside), relative_year,
    year, mean, countries (how many had a value that year), plotted."""
    values = _values(series)
    others = values[values["iso3"].isin(without_hat)]
    by_year = others.groupby("year")["value"].agg(["mean", "size"])
    rows = []
    for iso3, start in starts.items():
        base = by_year["mean"].get(start)
        for relative in range(-WINDOW, WINDOW + 1):
            year = start + relative
            mean = by_year["mean"].get(year, math.nan)
            count = int(by_year["size"].get(year, 0))
            plotted = mean if not index else (mean / base * 100 if base else math.nan)
            rows.append({"iso3": iso3, "relative_year": relative, "year": year, "mean": mean, "countries": count,
                         "plotted": plotted})
    return pd.DataFrame(rows, columns=["iso3", "relative_year", "year", "mean", "countries", "plotted"])


def data_table(aligned: pd.DataFrame, compared: pd.DataFrame | None, names: dict[str, str],
               starts: dict[str, int]) -> pd.DataFrame:
    """What the view's data exports hold: one row per country and year around its start, with the comparison's
    mean and how many countries it is of."""
    table = aligned.assign(country=aligned["iso3"].map(names), start_year=aligned["iso3"].map(starts))
    if compared is not None and not compared.empty:
        table = table.merge(compared[["iso3", "relative_year", "mean", "countries"]].rename(
            columns={"mean": "without_hat_mean", "countries": "without_hat_countries"}),
            on=["iso3", "relative_year"], how="left")
    columns = ["iso3", "country", "start_year", "relative_year", "year", "value", "plotted"]
    return table[columns + [c for c in ("without_hat_mean", "without_hat_countries") if c in table]]


def chart_view(series: pd.DataFrame, measure: Measure, event: str, starts: dict[str, int], names: dict[str, str],
               without_hat: list[str], *, index: bool, compare: bool, query_string: str) -> ChartView:
    """The view drawn, titled, cited and summarised, as the page shows it and its exports carry it. series:
    queries/indicator_trend.sql rows of the measure for the countries and the countries without HAT."""
    aligned = align(series, starts, index)
    compared = comparison(series, starts, without_hat, index) if compare else None
    happened = EVENTS[event]
    sources = sorted({str(s) for s in series.loc[series["iso3"].isin(list(starts)), "source"].dropna()})
    source_line = ("Source: " + " ".join(sources)
                   + " HAT start years: Drug Policy Atlas register, with the sources per programme.")
    chosen = ", ".join(f"{names[iso3]} {year}" for iso3, year in starts.items())
    title = f"{measure.label}, before and after {happened.replace(' began', '')}"
    subtitle = f"Aligned on the year {happened}: {chosen}" + ("; indexed, start year = 100" if index else "")
    figure = make_before_after_figure(
        aligned, compared, names, starts, y_title="index (start year = 100)" if index else measure.unit,
        event=happened, title=title, subtitle=subtitle, source_line=source_line, footnote=CANNOT_SHOW)
    return ChartView(
        kind="before_after", title=title, subtitle=subtitle, source_line=source_line, figure=figure,
        data=data_table(aligned, compared, names, starts), query_name="indicator_trend",
        params={"indicator": measure.indicator_id, "starts": dict(starts), "index": index},
        summary=summary(aligned, names, starts, measure), query_string=query_string,
        file_stem=f"before-after_{measure.key}_{event}_{'-'.join(starts)}", footnote=CANNOT_SHOW)


def _mean(values) -> float | None:
    kept = [float(v) for v in values if not is_missing(v)]
    return sum(kept) / len(kept) if kept else None


def summary(aligned: pd.DataFrame, names: dict[str, str], starts: dict[str, int], measure: Measure) -> str:
    """Each country's mean in the years before and after its start, as reported (also the chart's alt text)."""
    parts = []
    for iso3, start in starts.items():
        own = aligned[aligned["iso3"] == iso3]
        before = _mean(own.loc[own["relative_year"] < 0, "value"])
        after = _mean(own.loc[own["relative_year"] > 0, "value"])
        if before is None or after is None:
            parts.append(f"{names[iso3]} (start {start}): not enough years reported on both sides to compare.")
            continue
        parts.append(f"{names[iso3]} (start {start}): mean {format_value(before, measure.label)} in the years "
                     f"before, {format_value(after, measure.label)} in the years after, as reported.")
    return " ".join(parts) + " Gaps are years not reported."
