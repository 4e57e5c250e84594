"""HAT cities (issue 15 item 4): each city's sourced patient or place counts beside the city's own population,
so patients per 100,000 inhabitants compare cities of any size (data/reference/hat_cities.csv and
city_populations.csv, one source per figure)."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from dashboard.build.inputs import norwegian
from dashboard.sources import SourceError

CITY_FIGURE_COLUMNS = ["city", "iso3", "programme_id", "measure", "value", "as_of", "counts_what", "note",
                       "source_title", "source_url", "quote", "accessed"]
CITY_FIGURE_TRANSLATED = ("counts_what", "note")
CITY_POPULATION_COLUMNS = ["city", "iso3", "area", "population", "reference_date", "publisher", "source_url",
                           "quote"]
# What a figure counts: people treated, places a programme may fill, a trial's participants (all its arms), or
# people who entered it over its course (never added together).
CITY_MEASURES = ("patients", "places", "participants", "entrants")
_YEAR = re.compile(r"^(19|20)\d{2}")


def _year(text: str, path: Path, row: int, column: str) -> int:
    """The year an 'as of' or reference date names: '2023', '2023-06', '2023-01-01', '2005-2008' (its first
    year), 'mid-2021', or 'c. 2023' (a year the source implies but does not print: the note says how)."""
    found = re.search(r"(19|20)\d{2}", text or "")
    if not found or not (_YEAR.match(text) or text.startswith(("mid-", "end-", "c. "))):
        raise SourceError(path, f"expected a year or a date such as 2023-01-01, found {text!r}", row=row,
                          column=column)
    return int(found.group(0))


def _count(text: str, path: Path, row: int, column: str) -> int:
    if not re.fullmatch(r"[0-9]+", (text or "").strip()) or int(text) <= 0:
        raise SourceError(path, f"expected a whole number above zero, found {text!r}", row=row, column=column)
    return int(text)


def _populations(rows: list[dict], known: set[str], path: Path) -> dict[str, list[dict]]:
    """Each city's populations, checked: a number, a date, a source and its words."""
    by_city: dict[str, list[dict]] = {}
    for number, row in enumerate(rows, start=2):
        if row["iso3"] not in known:
            raise SourceError(path, f"unknown country {row['iso3']!r}", row=number, column="iso3")
        for column in ("city", "area", "publisher", "source_url", "quote"):
            if not row[column].strip():
                raise SourceError(path, f"every population needs its {column}", row=number, column=column)
        by_city.setdefault(row["city"], []).append(
            {**row, "population": _count(row["population"], path, number, "population"),
             "year": _year(row["reference_date"], path, number, "reference_date")})
    return by_city


def hat_cities_table(figures: list[dict], populations: list[dict], programmes: list[dict], known: set[str],
                     figures_path: Path, populations_path: Path) -> pa.Table:
    """hat_cities.parquet: one row per city figure, with the city's population of the year nearest the figure's
    (the later one on a tie), so the rate is read from two published numbers."""
    countries = {p["programme_id"]: p["iso3"] for p in programmes}
    by_city = _populations(populations, known, populations_path)
    rows, seen = [], set()
    for number, figure in enumerate(figures, start=2):
        programme_id, city = figure["programme_id"], figure["city"]
        if programme_id not in countries:
            raise SourceError(figures_path, f"unknown programme {programme_id!r}", row=number, column="programme_id")
        if figure["iso3"] != countries[programme_id]:
            raise SourceError(figures_path, f"{city} is in {figure['iso3']} but {programme_id} runs in "
                                            f"{countries[programme_id]}", row=number, column="iso3")
        if figure["measure"] not in CITY_MEASURES:
            raise SourceError(figures_path, f"unknown measure {figure['measure']!r}; one of "
                                            f"{', '.join(CITY_MEASURES)}", row=number, column="measure")
        for column in ("city", "counts_what", "source_title", "source_url", "quote"):
            if not figure[column].strip():
                raise SourceError(figures_path, f"every figure needs its {column}", row=number, column=column)
        year = _year(figure["as_of"], figures_path, number, "as_of")
        key = (city, programme_id, figure["measure"], figure["as_of"])
        if key in seen:
            raise SourceError(figures_path, f"{city} {figure['measure']} of {programme_id} as of "
                                            f"{figure['as_of']} listed twice", row=number, column="as_of")
        seen.add(key)
        own = [p for p in by_city.get(city, []) if p["iso3"] == figure["iso3"]]
        if not own:
            raise SourceError(figures_path, f"{city} has no population in {populations_path.name}", row=number,
                              column="city")
        population = min(own, key=lambda p: (abs(p["year"] - year), -p["year"], p["reference_date"]))
        rows.append({**figure, "value": _count(figure["value"], figures_path, number, "value"), "as_of_year": year,
                     "population": population["population"], "population_year": population["year"],
                     "population_date": population["reference_date"], "population_area": population["area"],
                     "population_publisher": population["publisher"], "population_url": population["source_url"],
                     "population_quote": population["quote"]})
    text = ("city", "iso3", "programme_id", "measure", "as_of", "counts_what", "note", "source_title", "source_url",
            "quote", "accessed", "population_date", "population_area", "population_publisher", "population_url",
            "population_quote", *norwegian(CITY_FIGURE_TRANSLATED))
    return pa.table({
        **{column: pa.array([row[column] or None for row in rows], pa.string()) for column in text},
        **{column: pa.array([row[column] for row in rows], pa.int32()) for column in ("value", "population")},
        **{column: pa.array([row[column] for row in rows], pa.int16()) for column in ("as_of_year",
                                                                                     "population_year")},
    })
