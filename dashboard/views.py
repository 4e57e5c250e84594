"""From a view state to a finished chart: query, figure, words and provenance, in one object.

The pages, the exports and the command line all go through here, so a chart on screen and its
exported file are made by the same code from the same query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from dashboard import db, figures, summaries
from dashboard.catalog import PRESET_LABELS, Catalog
from dashboard.state import ViewState, to_query_string

CHART_FOR_PAGE = {"map": "map", "trends": "trend", "programmes": "timeline", "data": "trend"}
SEX_LABEL = {"total": "all sexes", "male": "men", "female": "women"}
PROGRAMME_SOURCE = "HAT programmes: Drug Policy Atlas compilation from the sources listed per programme."
MAP_SOURCE_ID = "NATURAL-EARTH"
MAX_SOURCES_LISTED = 4  # more distinct sources than this: the footer names their publishers


@dataclass(frozen=True)
class ChartView:
    """One chart and everything needed to show, explain, cite and export it."""

    kind: str
    title: str
    subtitle: str
    source_line: str
    figure: go.Figure
    data: pd.DataFrame
    query_name: str
    params: dict = field(default_factory=dict)
    summary: str = ""
    query_string: str = ""
    file_stem: str = ""
    credits: tuple[str, ...] = ()  # full credit lines the sources' licences ask for, printed on exports


@dataclass(frozen=True)
class ChartQuery:
    """Which query a chart runs, with which parameters, and how it is titled: no I/O, no figure."""

    kind: str
    query_name: str
    params: dict
    title: str
    subtitle: str
    source_line: str


def chart_query(kind: str, catalog: Catalog, state: ViewState) -> ChartQuery:
    """The query behind a chart (the Data page shows its table without drawing the chart)."""
    countries = describe_countries(state.countries, catalog)
    if kind == "timeline":
        return ChartQuery(kind, "programmes", {"countries": list(state.countries)},
                          "Heroin-assisted treatment programmes", countries, f"Source: {PROGRAMME_SOURCE}")
    indicator = catalog.indicators[state.indicator]
    breakdown = {"sex": state.sex, "age_group": state.age_group}
    # Until the query has run, the indicator's headline source; the views replace it with the sources drawn.
    source_line = f"Source: {indicator.attribution}"
    if kind == "map":
        return ChartQuery(kind, "indicator_map", {"indicator": state.indicator, "countries": list(state.countries),
                                                  "year": state.year, **breakdown},
                          f"{indicator.label}, {state.year}", f"{countries} · {describe_breakdown(state)}",
                          source_line)
    scale = ", log scale" if state.scale == "log" else ""
    index = f", index {state.index_base} = 100" if state.index_base else ""
    return ChartQuery(kind, "indicator_trend", {"indicator": state.indicator, "countries": list(state.countries),
                                                "year_from": state.year_from, "year_to": state.year_to,
                                                **breakdown, "index_base": state.index_base,
                                                "log_scale": state.scale == "log"},
                      f"{indicator.label}, {state.year_from}-{state.year_to}",
                      f"{countries} · {describe_breakdown(state)}{scale}{index}", source_line)


@lru_cache(maxsize=4)
def _read_geojson(path: Path, modified_ns: int, size: int) -> dict:
    """Parsed once per version of the file (parsing it took 10% of the server's CPU under load)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not document.get("features"):
        raise ValueError("not a GeoJSON FeatureCollection with features")
    return document


def load_geojson(connection: db.Connection) -> dict:
    """The map shapes shipped with the extracts (shared: never mutate); DataUnavailable if missing or unreadable."""
    path = connection.data_dir / "europe.geojson"
    try:
        status = path.stat()
        return _read_geojson(path, status.st_mtime_ns, status.st_size)
    except (OSError, ValueError) as error:
        raise db.DataUnavailable(f"{path}: map shapes cannot be read ({error}). "
                                 f"Rebuild the extracts with `python -m dashboard build`.") from None


def describe_countries(countries: tuple[str, ...], catalog: Catalog) -> str:
    """'EU-27 (27 countries)' for a preset, else up to four names and a count."""
    for name, label in PRESET_LABELS.items():
        if set(countries) == set(catalog.preset(name)):
            return f"{label} ({len(countries)} countries)"
    names = [catalog.countries[code].name_en for code in countries]
    if len(names) <= 4:
        return ", ".join(names)
    return f"{', '.join(names[:3])} and {len(names) - 3} more"


def describe_breakdown(state: ViewState) -> str:
    age = "all ages" if state.age_group == "total" else f"aged {state.age_group}"
    return f"{SEX_LABEL.get(state.sex, state.sex)}, {age}"


def _programmes_or_none(connection: db.Connection, state: ViewState) -> tuple[pd.DataFrame | None, str]:
    """The programmes for the chart's markers and bands; the statistics still draw when that extract is broken."""
    try:
        return db.run_query(connection, "programmes", countries=list(state.countries)), PROGRAMME_SOURCE
    except db.DataUnavailable as error:
        return None, f"HAT programmes not shown: {error}"


def drawn_source_line(data: pd.DataFrame, extra: tuple[str, ...] = ()) -> str:
    """'Source: ...' naming the source of every value drawn (per breakdown and per row), in order of first use.

    Where every value has its own citation (national figures), more than a footer holds, the line names the
    publishers and says where each value's citation is."""
    drawn = data.loc[data["value"].notna()] if "value" in data else data
    cited = list(dict.fromkeys(str(s) for s in drawn.get("source", []) if not figures.is_missing(s)))
    if len(cited) > MAX_SOURCES_LISTED and "source_publisher" in drawn:
        publishers = list(dict.fromkeys(str(p) for p in drawn["source_publisher"] if not figures.is_missing(p)))
        return " ".join([f"Source: {len(cited)} publications, one for each value (named in the hover, the data "
                         f"table and the CSV), by {'; '.join(publishers)}.", *extra])
    return figures.source_line_for(cited, extra)


def drawn_credits(data: pd.DataFrame, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The full credit lines that the licences of the drawn values' sources ask for, where they say more than the
    source line (IHME's, Natural Earth's); exports print them."""
    if "full_credit" not in data or "source" not in data:
        return tuple(extra)
    drawn = figures.records(data.loc[data["value"].notna(), ["source", "full_credit"]])
    lines = [str(row["full_credit"]) for row in drawn
             if not figures.is_missing(row["full_credit"]) and row["full_credit"] != row["source"]]
    return tuple(dict.fromkeys([*lines, *extra]))


def _map_credit(connection: db.Connection) -> tuple[str, str]:
    """The base map's short and full credit lines, from the sources table (NATURAL-EARTH)."""
    try:
        rows = figures.records(db.run_query(connection, "source_credits", source_ids=[MAP_SOURCE_ID]))
    except db.DataUnavailable:
        rows = []
    if not rows:
        return "Boundaries: Natural Earth.", "Made with Natural Earth."
    return f"Boundaries: {rows[0]['attribution']}", rows[0]["full_credit"] or rows[0]["attribution"]


def _file_stem(kind: str, state: ViewState, years: str) -> str:
    countries = "-".join(state.countries) if len(state.countries) <= 4 else f"{len(state.countries)}-countries"
    return f"{kind}_{state.indicator}_{countries}_{years}"


def map_view(connection: db.Connection, catalog: Catalog, state: ViewState, projector: bool = False) -> ChartView:
    indicator = catalog.indicators[state.indicator]
    spec = chart_query("map", catalog, state)
    data = db.run_query(connection, spec.query_name, **spec.params)
    programmes, programme_line = _programmes_or_none(connection, state)
    map_line, map_credit = _map_credit(connection)
    line = drawn_source_line(data, (programme_line, map_line))
    figure = figures.make_map_figure(data, load_geojson(connection), indicator_label=indicator.label,
                                     unit=indicator.unit, year=state.year, programmes=programmes,
                                     projector=projector, title=spec.title, subtitle=spec.subtitle,
                                     source_line=line)
    return ChartView(kind="map", title=spec.title, subtitle=spec.subtitle, source_line=line, figure=figure,
                     data=data, query_name=spec.query_name, params=spec.params,
                     credits=drawn_credits(data, (map_credit,)),
                     summary=summaries.summarise_map(data, indicator.label, indicator.unit, state.year),
                     query_string=to_query_string(state, catalog),
                     file_stem=_file_stem("map", state, str(state.year)))


def trend_view(connection: db.Connection, catalog: Catalog, state: ViewState, projector: bool = False) -> ChartView:
    indicator = catalog.indicators[state.indicator]
    spec = chart_query("trend", catalog, state)
    data = db.run_query(connection, spec.query_name, **spec.params)
    programmes, programme_line = _programmes_or_none(connection, state)
    line = drawn_source_line(data, (programme_line,))
    figure = figures.make_trend_figure(data, indicator_label=indicator.label, unit=indicator.unit,
                                       programmes=programmes, log_y=state.scale == "log",
                                       index_base_year=state.index_base, projector=projector, title=spec.title,
                                       subtitle=spec.subtitle, source_line=line)
    return ChartView(kind="trend", title=spec.title, subtitle=spec.subtitle, source_line=line,
                     figure=figure, data=data, query_name=spec.query_name, params=spec.params,
                     credits=drawn_credits(data),
                     summary=summaries.summarise_trend(data, indicator.label, indicator.unit),
                     query_string=to_query_string(state, catalog),
                     file_stem=_file_stem("trend", state, f"{state.year_from}-{state.year_to}"))


def timeline_view(connection: db.Connection, catalog: Catalog, state: ViewState,
                  projector: bool = False) -> ChartView:
    spec = chart_query("timeline", catalog, state)
    data = db.run_query(connection, spec.query_name, **spec.params)
    figure = figures.make_timeline_figure(data, projector=projector, title=spec.title, subtitle=spec.subtitle,
                                          source_line=spec.source_line)
    return ChartView(kind="timeline", title=spec.title, subtitle=spec.subtitle, source_line=spec.source_line,
                     figure=figure, data=data, query_name=spec.query_name, params=spec.params,
                     summary=summaries.summarise_programmes(data), query_string=to_query_string(state, catalog),
                     file_stem=_file_stem("timeline", state, "all-years"))


def programme_table(programmes: pd.DataFrame) -> pd.DataFrame:
    """The programme table shown under the timeline: one row per programme, in words."""
    return pd.DataFrame({
        "Country": programmes["country"],
        "Programme": programmes["programme_name"],
        "City or sites": programmes["city_or_sites"],
        "Type": programmes["programme_type"],
        "Drawn as": [figures.PHASE_STYLES[figures.programme_phase(row)]["label"]
                     for row in figures.records(programmes)],
        "Treated patients": programmes["treated_patients"].map({True: "yes", False: "no"}),
        "Years": [figures.programme_years_text(start, end)
                  for start, end in zip(programmes["start_year"], programmes["end_year"], strict=True)],
        "Dates": [" to ".join(d for d in (start, end) if isinstance(d, str)) or ""
                  for start, end in zip(programmes["start_date"], programmes["end_date"], strict=True)],
        "Status": programmes["status"],
        "Status as of": programmes["status_as_of"],
        "Patients": programmes["patients"],
        "Eligibility": programmes["eligibility"],
        "Medication": programmes["medication_form"],
        "Sources disagree": programmes["conflict_flag"].fillna(""),
        "First source": programmes["source_urls"].str.split(" ; ").str[0],
    })


def definitions_table(catalog: Catalog) -> pd.DataFrame:
    """Every indicator's definition and caveat, one row each (the Data page's 'Definitions' tab)."""
    return pd.DataFrame([{"Indicator": i.label, "Unit": i.unit, "Kind": i.kind, "Years": f"{i.year_min}-{i.year_max}",
                          "Definition": i.definition, "Caveat": i.caveat} for i in catalog.indicators.values()])


# EMCDDA death series -> the national figures drawn beside them on the trends page (never on the same axes).
NATIONAL_COMPANION = {"drd_deaths": "national_drug_deaths", "drd_deaths_per_million_15_64": "national_drug_deaths",
                      "drd_deaths_per_million_all_ages": "national_drug_deaths"}


def national_companion_state(state: ViewState, catalog: Catalog) -> ViewState | None:
    """The national figures as published for the countries shown (and their parts, e.g. England and Wales for
    the United Kingdom), over all their years; None when the trend is not an EMCDDA death series."""
    national = NATIONAL_COMPANION.get(state.indicator)
    if national not in catalog.indicators or (state.sex, state.age_group) != ("total", "total"):
        return None
    parts = [c.iso3 for c in catalog.countries.values() if c.part_of in state.countries]
    indicator = catalog.indicators[national]
    return replace(state, indicator=national, countries=(*state.countries, *parts), year_from=indicator.year_min,
                   year_to=indicator.year_max, year=indicator.map_year, scale="linear", index_base=None)


VIEW_BUILDERS = {"map": map_view, "trend": trend_view, "timeline": timeline_view}


def chart_for_state(connection: db.Connection, catalog: Catalog, state: ViewState,
                    projector: bool = False) -> ChartView:
    """The main chart of the state's page (the meeting page has none of its own)."""
    kind = CHART_FOR_PAGE.get(state.page, "map")
    return VIEW_BUILDERS[kind](connection, catalog, state, projector=projector)
