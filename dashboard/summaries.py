"""Plain-text summaries of the figures: the alt text and the caption under each chart.

Numbers are formatted by dashboard.figures.format_value, so a caption reads exactly like the hover it summarises.
"""

from __future__ import annotations

import pandas as pd

from dashboard.figures import (
    PHASES,
    flagged_countries,
    format_value,
    is_missing,
    join_names,
    programme_phase,
    records,
)

_ALL = 1000  # list every name in a summary: alt text must not hide countries behind "and 7 more"


def _extremes(frame: pd.DataFrame, column: str, largest: bool) -> pd.DataFrame:
    """All rows that share the highest (or lowest) value, so ties are named rather than picked at random."""
    target = frame[column].max() if largest else frame[column].min()
    return frame[frame[column] == target]


def summarise_map(map_df: pd.DataFrame, indicator_label: str, unit: str, year: int, ranked: bool = False) -> str:
    """'Map of <indicator> in <year> for N countries; highest: X (v), lowest: Y (v); no data for K countries: ...'.
    ranked: the same for the ranked bars, with the first five in order."""
    lead = "Countries ranked by" if ranked else "Map of"
    if map_df.empty:
        return f"{lead} {indicator_label} in {year}: no countries selected."
    with_data = map_df[map_df["value"].notna()]
    no_data = sorted(map_df.loc[map_df["value"].isna(), "country"])
    if with_data.empty:
        return (f"{lead} {indicator_label} in {year}: no data reported for any of the {len(map_df)} selected "
                f"countries" + (f" ({join_names(no_data, _ALL)})." if no_data else "."))
    text = f"{lead} {indicator_label} in {year} for {len(with_data)} {_countries(len(with_data))}"
    if len(with_data) > 1:
        parts = []
        for word, largest in (("highest", True), ("lowest", False)):
            rows = _extremes(with_data, "value", largest).sort_values("country")
            value = format_value(rows["value"].iloc[0], unit)
            parts.append(f"{word}: {join_names(rows['country'], _ALL)} ({value} {unit})")
        text += "; " + ", ".join(parts)
        if ranked and len(with_data) > 2:
            first = with_data.sort_values(["value", "country"], ascending=[False, True]).head(5)
            text += "; in order from the highest: " + ", ".join(
                f"{row['country']} {format_value(row['value'], unit)}" for row in records(first))
    else:
        row = with_data.iloc[0]
        text += f": {row['country']} ({format_value(row['value'], unit)} {unit})"
    if no_data:
        text += f"; no data for {len(no_data)} {_countries(len(no_data))}: {join_names(no_data, _ALL)}"
    return text + "."


def summarise_trend(trend_df: pd.DataFrame, indicator_label: str, unit: str) -> str:
    """Years covered, each country's first and last reported value, and the highest and lowest with year.

    Over the rows as dicts, converted once: the pandas masks and sorts this took before took each column of
    every row again (a tenth of a trend chart's cost under load)."""
    if trend_df.empty:
        return f"{indicator_label}: no countries selected."
    rows = records(trend_df)
    first, last = int(min(row["year"] for row in rows)), int(max(row["year"] for row in rows))
    countries = {(row["iso3"], row["country"]) for row in rows}
    reported = [row for row in rows if not is_missing(row["value"])]
    years = f"{first}–{last}" if last != first else str(first)
    text = f"{indicator_label} ({unit}), {years}, {len(countries)} {_countries(len(countries))}."
    if not reported:
        return text + " No values reported in these years."
    rows_by_country: dict[str, list[dict]] = {}
    for row in sorted(reported, key=lambda row: row["year"]):
        rows_by_country.setdefault(row["country"], []).append(row)
    per_country = []
    for country in sorted(rows_by_country):
        found = rows_by_country[country]
        start, end = found[0], found[-1]
        if len(found) == 1:
            per_country.append(f"{country}: {format_value(start['value'], unit)} in {int(start['year'])} only")
        else:
            per_country.append(f"{country}: {format_value(start['value'], unit)} in {int(start['year'])} to "
                               f"{format_value(end['value'], unit)} in {int(end['year'])}")
    text += " " + "; ".join(per_country) + "."
    for word, pick in (("Highest", max), ("Lowest", min)):
        target = pick(row["value"] for row in reported)
        tied = sorted((row for row in reported if row["value"] == target), key=lambda r: (r["country"], r["year"]))
        where = join_names([f"{row['country']} in {int(row['year'])}" for row in tied], _ALL)
        text += f" {word}: {format_value(target, unit)} ({where})."
    for label, names in flagged_countries(reported).items():
        text += f" Flagged ({label}): {join_names(names, _ALL)}."
    silent = sorted({country for _, country in countries} - {row["country"] for row in reported})
    if silent:
        text += f" No values reported: {join_names(silent, _ALL)}."
    return text


def summarise_programmes(programmes_df: pd.DataFrame) -> str:
    """Counts by programme group and by country, and the earliest start."""
    if programmes_df.empty:
        return "No heroin-assisted treatment programmes recorded for the selected countries."
    rows = records(programmes_df)
    phases = [programme_phase(row) for row in rows]
    counts = pd.Series(phases).value_counts()
    by_phase = [f"{counts[p]} {p}" for p in PHASES if p in counts.index]
    by_country = programmes_df["country"].value_counts().sort_index()
    total, n_countries = len(programmes_df), len(by_country)
    treated = [row for row in rows if row.get("treated_patients") is True]
    treated_countries = len({row["country"] for row in treated})
    never = [f"{row['programme_name']} ({row['country']})" for row in rows if row.get("treated_patients") is False]
    treated_words = ("all of which treated patients" if len(treated) == total else
                     f"{len(treated)} of which treated patients, in {treated_countries} "
                     f"{_countries(treated_countries)}")
    text = (f"{total} heroin-assisted treatment programme{'s' if total != 1 else ''} in {n_countries} "
            f"{_countries(n_countries)}, {treated_words}. By group: {join_names(by_phase, _ALL)}. By country: "
            + ", ".join(f"{country} {count}" for country, count in by_country.items()) + ".")
    if never:
        text += f" Not known to have treated anyone (vetoed, planned or not verified): {join_names(never, _ALL)}."
    starts = pd.to_numeric(programmes_df["start_year"], errors="coerce")
    if starts.notna().any():
        earliest = programmes_df[starts == starts.min()].sort_values("programme_id")
        names = [f"{row['programme_name']} ({row['country']})" for row in records(earliest)]
        text += f" Earliest start: {int(starts.min())}, {join_names(names, _ALL)}."
    unknown = [f"{row['programme_name']} ({row['country']})" for row, start in zip(rows, starts, strict=True)
               if pd.isna(start)]
    if unknown:
        text += f" Start year not established for {len(unknown)}: {join_names(unknown, _ALL)}."
    return text


def _countries(count: int) -> str:
    return "country" if count == 1 else "countries"
