"""Plain-text summaries of the figures: the alt text and the caption under each chart, in the reader's language.

Numbers are formatted by dashboard.figures.format_value, so a caption reads exactly like the hover it summarises.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dashboard import i18n, vocabulary
from dashboard.figures import (
    PHASES,
    flagged_countries,
    format_value,
    is_missing,
    join_names,
    programme_phase,
    records,
)
from dashboard.i18n import ntr, tr

_ALL = 1000  # list every name in a summary: alt text must not hide countries behind "and 7 more"

# How many programmes of a group, in words ('2 pilot'; '2 pilotprosjekter').
_IN_GROUP: dict[str, Callable[[int], str]] = {
    "trial": lambda n: ntr("{n} trial", "{n} trial", n),
    "pilot": lambda n: ntr("{n} pilot", "{n} pilot", n),
    "regular": lambda n: ntr("{n} regular", "{n} regular", n),
    "ended": lambda n: ntr("{n} ended", "{n} ended", n),
    "unsupervised prescribing": lambda n: ntr("{n} unsupervised prescribing", "{n} unsupervised prescribing", n),
    "planned/never implemented": lambda n: ntr("{n} planned/never implemented", "{n} planned/never implemented",
                                               n),
}


def _in_sentence(label: str) -> str:
    """An indicator's label inside a Norwegian sentence starts in lower case ('Kart over narkotikautløste
    dødsfall ...'), unless its first word is an abbreviation ('LAR-pasienter', 'OST'); English keeps its capital."""
    if i18n.current() == i18n.ENGLISH or len(label) < 2 or not label[1].islower():
        return label
    return label[0].lower() + label[1:]


def _extremes(frame: pd.DataFrame, column: str, largest: bool) -> pd.DataFrame:
    """All rows that share the highest (or lowest) value, so ties are named rather than picked at random."""
    target = frame[column].max() if largest else frame[column].min()
    return frame[frame[column] == target]


def summarise_map(map_df: pd.DataFrame, indicator_label: str, unit: str, year: int, ranked: bool = False) -> str:
    """'Map of <indicator> in <year> for N countries; highest: X (v), lowest: Y (v); no data for K countries: ...'.
    ranked: the same for the ranked bars, with the first five in order."""
    named = _in_sentence(indicator_label)
    lead = (tr("Countries ranked by {indicator} in {year}", indicator=named, year=year) if ranked
            else tr("Map of {indicator} in {year}", indicator=named, year=year))
    shown_unit = vocabulary.unit(unit)
    if map_df.empty:
        return lead + tr(": no countries selected.")
    with_data = map_df[map_df["value"].notna()]
    no_data = sorted(map_df.loc[map_df["value"].isna(), "country"])
    if with_data.empty:
        return (lead + tr(": no data reported for any of the {count} selected countries",
                          count=i18n.number(len(map_df))) + (f" ({join_names(no_data, _ALL)})." if no_data else "."))
    text = lead + ntr(" for {n} country", " for {n} countries", len(with_data))
    if len(with_data) > 1:
        parts = []
        for largest in (True, False):
            rows = _extremes(with_data, "value", largest).sort_values("country")
            fields = {"countries": join_names(rows["country"], _ALL),
                      "value": format_value(rows["value"].iloc[0], unit), "unit": shown_unit}
            parts.append(tr("highest: {countries} ({value} {unit})", **fields) if largest
                         else tr("lowest: {countries} ({value} {unit})", **fields))
        text += "; " + ", ".join(parts)
        if ranked and len(with_data) > 2:
            first = with_data.sort_values(["value", "country"], ascending=[False, True]).head(5)
            text += tr("; in order from the highest: {countries}", countries=", ".join(
                f"{row['country']} {format_value(row['value'], unit)}" for row in records(first)))
    else:
        row = with_data.iloc[0]
        text += f": {row['country']} ({format_value(row['value'], unit)} {shown_unit})"
    if no_data:
        text += ntr("; no data for {n} country: {countries}", "; no data for {n} countries: {countries}",
                    len(no_data), countries=join_names(no_data, _ALL))
    return text + "."


def summarise_trend(trend_df: pd.DataFrame, indicator_label: str, unit: str) -> str:
    """Years covered, each country's first and last reported value, and the highest and lowest with year.

    Over the rows as dicts, converted once: the pandas masks and sorts this took before took each column of
    every row again (a tenth of a trend chart's cost under load)."""
    if trend_df.empty:
        return tr("{indicator}: no countries selected.", indicator=indicator_label)
    rows = records(trend_df)
    first, last = int(min(row["year"] for row in rows)), int(max(row["year"] for row in rows))
    countries = {(row["iso3"], row["country"]) for row in rows}
    reported = [row for row in rows if not is_missing(row["value"])]
    text = (f"{indicator_label} ({vocabulary.unit(unit)}), {i18n.year_range(first, last)}, "
            + ntr("{n} country", "{n} countries", len(countries)) + ".")
    if not reported:
        return text + tr(" No values reported in these years.")
    rows_by_country: dict[str, list[dict]] = {}
    for row in sorted(reported, key=lambda row: row["year"]):
        rows_by_country.setdefault(row["country"], []).append(row)
    per_country = []
    for country in sorted(rows_by_country):
        found = rows_by_country[country]
        start, end = found[0], found[-1]
        if len(found) == 1:
            per_country.append(tr("{country}: {value} in {year} only", country=country,
                                  value=format_value(start["value"], unit), year=int(start["year"])))
        else:
            per_country.append(tr("{country}: {first} in {first_year} to {last} in {last_year}", country=country,
                                  first=format_value(start["value"], unit), first_year=int(start["year"]),
                                  last=format_value(end["value"], unit), last_year=int(end["year"])))
    text += " " + "; ".join(per_country) + "."
    for largest in (True, False):
        target = (max if largest else min)(row["value"] for row in reported)
        tied = sorted((row for row in reported if row["value"] == target), key=lambda r: (r["country"], r["year"]))
        where = join_names([tr("{country} in {year}", country=row["country"], year=int(row["year"]))
                            for row in tied], _ALL)
        value = format_value(target, unit)
        text += (tr(" Highest: {value} ({where}).", value=value, where=where) if largest
                 else tr(" Lowest: {value} ({where}).", value=value, where=where))
    for label, names in flagged_countries(reported).items():
        text += tr(" Flagged ({label}): {countries}.", label=label, countries=join_names(names, _ALL))
    silent = sorted({country for _, country in countries} - {row["country"] for row in reported})
    if silent:
        text += tr(" No values reported: {countries}.", countries=join_names(silent, _ALL))
    return text


def summarise_programmes(programmes_df: pd.DataFrame) -> str:
    """Counts by programme group and by country, and the earliest start."""
    if programmes_df.empty:
        return tr("No heroin-assisted treatment programmes recorded for the selected countries.")
    rows = records(programmes_df)
    phases = [programme_phase(row) for row in rows]
    counts = pd.Series(phases).value_counts()
    by_phase = [_IN_GROUP[p](int(counts[p])) for p in PHASES if p in counts.index]
    by_country = programmes_df["country"].value_counts().sort_index()
    total, n_countries = len(programmes_df), len(by_country)
    treated = [row for row in rows if row.get("treated_patients") is True]
    treated_countries = len({row["country"] for row in treated})
    never = [f"{row['programme_name']} ({row['country']})" for row in rows if row.get("treated_patients") is False]
    treated_words = (tr("all of which treated patients") if len(treated) == total else
                     tr("{count} of which treated patients, in {countries}", count=i18n.number(len(treated)),
                        countries=ntr("{n} country", "{n} countries", treated_countries)))
    text = tr("{programmes} in {countries}, {treated}. By group: {groups}. By country: {by_country}.",
              programmes=ntr("{n} heroin-assisted treatment programme", "{n} heroin-assisted treatment programmes",
                             total),
              countries=ntr("{n} country", "{n} countries", n_countries), treated=treated_words,
              groups=join_names(by_phase, _ALL),
              by_country=", ".join(f"{country} {i18n.number(count)}" for country, count in by_country.items()))
    if never:
        text += tr(" Not known to have treated anyone (vetoed, planned or not verified): {programmes}.",
                   programmes=join_names(never, _ALL))
    starts = pd.to_numeric(programmes_df["start_year"], errors="coerce")
    if starts.notna().any():
        earliest = programmes_df[starts == starts.min()].sort_values("programme_id")
        names = [f"{row['programme_name']} ({row['country']})" for row in records(earliest)]
        text += tr(" Earliest start: {year}, {programmes}.", year=int(starts.min()),
                   programmes=join_names(names, _ALL))
    unknown = [f"{row['programme_name']} ({row['country']})" for row, start in zip(rows, starts, strict=True)
               if pd.isna(start)]
    if unknown:
        text += tr(" Start year not established for {count}: {programmes}.", count=i18n.number(len(unknown)),
                   programmes=join_names(unknown, _ALL))
    return text
