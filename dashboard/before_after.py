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

from dashboard.figures import is_missing, records

WINDOW = 10  # years either side of the start


@dataclass(frozen=True)
class Measure:
    key: str
    indicator_id: str  # a rate, so countries of any size compare (the build computes the per-person series)
    label: str  # the y axis and the title


MEASURES = {
    "deaths": Measure("deaths", "drd_deaths_per_million_15_64", "Drug-induced deaths per million aged 15-64"),
    "ost": Measure("ost", "ost_methadone_clients_per_100k_15_64",
                   "Clients in methadone treatment per 100,000 aged 15-64"),
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
