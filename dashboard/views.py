"""From a view state to a finished chart: query, figure, words and provenance, in one object.

The pages, the exports and the command line all go through here, so a chart on screen and its
exported file are made by the same code from the same query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
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


@lru_cache(maxsize=4)
def _read_geojson(path: Path, modified: float) -> str:
    return path.read_text(encoding="utf-8")


def load_geojson(connection: db.Connection) -> dict:
    """The map shapes shipped with the extracts; DataUnavailable if missing or unreadable."""
    path = connection.data_dir / "europe.geojson"
    try:
        document = json.loads(_read_geojson(path, path.stat().st_mtime))
        if not document.get("features"):
            raise ValueError("no features")
    except (OSError, ValueError) as error:
        raise db.DataUnavailable(f"{path}: map shapes cannot be read ({error}). "
                                 f"Rebuild the extracts with `python -m dashboard build`.") from None
    return document


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


def _file_stem(kind: str, state: ViewState, years: str) -> str:
    countries = "-".join(state.countries) if len(state.countries) <= 4 else f"{len(state.countries)}-countries"
    return f"{kind}_{state.indicator}_{countries}_{years}"


def map_view(connection: db.Connection, catalog: Catalog, state: ViewState, projector: bool = False) -> ChartView:
    indicator = catalog.indicators[state.indicator]
    params = {"indicator": state.indicator, "countries": list(state.countries), "year": state.year,
              "sex": state.sex, "age_group": state.age_group}
    data = db.run_query(connection, "indicator_map", **params)
    programmes = db.run_query(connection, "programmes", countries=list(state.countries))
    figure = figures.make_map_figure(data, load_geojson(connection), indicator_label=indicator.label,
                                     unit=indicator.unit, year=state.year, programmes=programmes,
                                     projector=projector)
    title = f"{indicator.label}, {state.year}"
    subtitle = f"{describe_countries(state.countries, catalog)} · {describe_breakdown(state)}"
    source_line = f"Source: {indicator.attribution} {PROGRAMME_SOURCE}"
    figures.apply_frame(figure, title=title, subtitle=subtitle, source_line=source_line, projector=projector)
    return ChartView(kind="map", title=title, subtitle=subtitle, source_line=source_line, figure=figure,
                     data=data, query_name="indicator_map", params=params,
                     summary=summaries.summarise_map(data, indicator.label, indicator.unit, state.year),
                     query_string=to_query_string(state, catalog),
                     file_stem=_file_stem("map", state, str(state.year)))


def trend_view(connection: db.Connection, catalog: Catalog, state: ViewState, projector: bool = False) -> ChartView:
    indicator = catalog.indicators[state.indicator]
    params = {"indicator": state.indicator, "countries": list(state.countries), "year_from": state.year_from,
              "year_to": state.year_to, "sex": state.sex, "age_group": state.age_group}
    data = db.run_query(connection, "indicator_trend", **params)
    programmes = db.run_query(connection, "programmes", countries=list(state.countries))
    figure = figures.make_trend_figure(data, indicator_label=indicator.label, unit=indicator.unit,
                                       programmes=programmes, log_y=state.scale == "log",
                                       index_base_year=state.index_base, projector=projector)
    title = f"{indicator.label}, {state.year_from}-{state.year_to}"
    scale = ", log scale" if state.scale == "log" else ""
    index = f", index {state.index_base} = 100" if state.index_base else ""
    subtitle = f"{describe_countries(state.countries, catalog)} · {describe_breakdown(state)}{scale}{index}"
    source_line = f"Source: {indicator.attribution} {PROGRAMME_SOURCE}"
    figures.apply_frame(figure, title=title, subtitle=subtitle, source_line=source_line, projector=projector)
    return ChartView(kind="trend", title=title, subtitle=subtitle, source_line=source_line, figure=figure,
                     data=data, query_name="indicator_trend", params=params,
                     summary=summaries.summarise_trend(data, indicator.label, indicator.unit),
                     query_string=to_query_string(state, catalog),
                     file_stem=_file_stem("trend", state, f"{state.year_from}-{state.year_to}"))


def timeline_view(connection: db.Connection, catalog: Catalog, state: ViewState,
                  projector: bool = False) -> ChartView:
    params = {"countries": list(state.countries)}
    data = db.run_query(connection, "programmes", **params)
    figure = figures.make_timeline_figure(data, projector=projector)
    title = "Heroin-assisted treatment programmes"
    subtitle = describe_countries(state.countries, catalog)
    source_line = f"Source: {PROGRAMME_SOURCE}"
    figures.apply_frame(figure, title=title, subtitle=subtitle, source_line=source_line, projector=projector)
    return ChartView(kind="timeline", title=title, subtitle=subtitle, source_line=source_line, figure=figure,
                     data=data, query_name="programmes", params=params,
                     summary=summaries.summarise_programmes(data), query_string=to_query_string(state, catalog),
                     file_stem=_file_stem("timeline", state, "all-years"))


VIEW_BUILDERS = {"map": map_view, "trend": trend_view, "timeline": timeline_view}


def chart_for_state(connection: db.Connection, catalog: Catalog, state: ViewState,
                    projector: bool = False) -> ChartView:
    """The main chart of the state's page (the meeting page has none of its own)."""
    kind = CHART_FOR_PAGE.get(state.page, "map")
    return VIEW_BUILDERS[kind](connection, catalog, state, projector=projector)
