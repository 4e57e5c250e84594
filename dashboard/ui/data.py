"""Cached access to the extracts for the UI: one shared connection, cached catalog, charts and page contents.

The catalog, the finished charts, the query tables and the pages' contents are kept as live objects
(st.cache_resource), shared by every session: st.cache_data would unpickle a fresh copy on every rerun, and
unpickling a Plotly figure re-validates all of it (about as slow as building it again; see docs/performance.md).
They are read-only: never mutate what chart(), load_catalog() or page_content() return. query() hands out
copy-on-write copies.

Cache keys are short strings (the state's repr, the extracts' version): Streamlit's hasher walking a view state
and the version tuple cost about 2 ms per cached call, a dozen calls a rerun. The objects themselves are passed
as `_`-prefixed arguments, which Streamlit does not hash.
"""

from __future__ import annotations

import sys

import streamlit as st

from dashboard import basemap, before_after, catalog, charts, content, db, figures, tables
from dashboard.state import ViewState

# Live charts kept per server process: a map view is about 2.4 MB in memory, a trend view about 0.6 MB.
CHART_ENTRIES = 64


@st.cache_resource(show_spinner=False)
def connection() -> db.Connection:
    """One connection per server process; each query takes its own cursor."""
    return db.connect()


def _version() -> str:
    """The extract files' modification times and sizes, as a short cache key: a rebuild while the server runs
    is picked up at once, and nothing made from broken files is kept."""
    return str(hash(db.data_version(connection())))


def load_catalog() -> catalog.Catalog:
    """The indicators and countries (immutable dataclasses), rebuilt when the extracts change on disk."""
    return _catalog(_version())


def chart(kind: str, state: ViewState) -> charts.ChartView:
    """A finished chart, cached on the chart kind, the bound filter state and the extracts' version."""
    return _chart(kind, repr(state), _version(), state)


def slide_chart(kind: str, state: ViewState) -> charts.ChartView:
    """A meeting slide's chart, as chart() draws it but kept in a small cache of its own: walking a 50-slide
    deck (any link can hold one) does not push every other user's charts out of the shared cache."""
    return _slide_chart(kind, repr(state), _version(), state)


def slide_figure(kind: str, state: ViewState, height: int) -> object:
    """A presented slide's chart: as the app draws it (title and source as page text beside it), `height` px
    tall to fill the screen it is shown on."""
    return _slide_figure(kind, repr(state), height, _version(), state)


def before_after_view(measure: str, event: str, starts: dict[str, int], *, index: bool, compare: bool,
                      query_string: str) -> charts.ChartView:
    """The before-and-after view (dashboard/before_after.chart_view), built once per view and extracts version."""
    return _before_after_view(measure, event, repr(sorted(starts.items())), index, compare, query_string,
                              _version(), starts)


def page_content(page: str, state: ViewState, **options) -> object:
    """A page's content for a state (charts, tables and texts: dashboard/content.py), built once per state and
    version of the extracts rather than at every rerun."""
    return _page_content(page, repr(state), repr(sorted(options.items())), _version(), state, options)


def embed_figure(kind: str, state: ViewState, cut_px: float) -> object:
    """A chart as the chart-only page draws it (shorter, one key entry a row, text beside it), built once per
    state: every reader of an article with an embed opens it."""
    return _embed_figure(kind, repr(state), cut_px, _version(), state)


def query(name: str, **params) -> object:
    """Any query in queries/, cached on its name, bound parameters and the extracts' version.

    A shallow copy of the cached table: no data is copied, and with pandas' copy-on-write a caller that changes
    it changes only its own copy."""
    return _query(name, repr(sorted(params.items())), _version(), params).copy(deep=False)


def programme_table(state: ViewState) -> object:
    """The programme table for the timeline's countries, built once per filter state rather than every rerun."""
    return _programme_table(repr(state), _version(), state)


def definitions_table() -> object:
    """The indicators' definitions and caveats, built once per version of the extracts."""
    return _definitions_table(_version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _catalog(version: str) -> catalog.Catalog:
    return catalog.load_catalog(connection())


@st.cache_resource(show_spinner=False, max_entries=CHART_ENTRIES)
def _chart(kind: str, state_key: str, version: str, _state: ViewState) -> charts.ChartView:
    return _build(kind, _state)


SLIDE_ENTRIES = 6  # the slide shown, the ones either side, a few more


@st.cache_resource(show_spinner=False, max_entries=SLIDE_ENTRIES)
def _slide_chart(kind: str, state_key: str, version: str, _state: ViewState) -> charts.ChartView:
    return _build(kind, _state)


@st.cache_resource(show_spinner=False, max_entries=SLIDE_ENTRIES)
def _slide_figure(kind: str, state_key: str, height: int, version: str, _state: ViewState) -> object:
    view = slide_chart(kind, _state)
    return figures.screen_figure(figures.resized_figure(view.figure, height, key_beside=True),
                                 basemap.published_url(connection()))


@st.cache_resource(show_spinner=False, max_entries=32)
def _before_after_view(measure_key: str, event: str, starts_key: str, index: bool, compare: bool, query_string: str,
                       version: str, _starts: dict[str, int]) -> charts.ChartView:
    known = load_catalog()
    measure = before_after.MEASURES[measure_key]
    indicator = known.indicators[measure.indicator_id]
    names = {code: country.name_en for code, country in known.countries.items()}
    without_hat = [code for code in known.preset("emcdda") if not known.countries[code].has_hat_programme]
    series = query("indicator_trend", indicator=indicator.indicator_id,
                   countries=sorted(set(_starts) | set(without_hat)), year_from=indicator.year_min,
                   year_to=indicator.year_max, sex="total", age_group="total")
    return before_after.chart_view(series, measure, event, dict(_starts), names, without_hat, index=index,
                                   compare=compare, query_string=query_string)


def _build(kind: str, state: ViewState) -> charts.ChartView:
    # On screen a map refers to its shapes by URL (the browser fetches them once); exports carry them.
    shapes_url = basemap.published_url(connection()) if charts.CHARTS[kind].base_map else None
    return charts.build_chart(kind, connection(), load_catalog(), state, geometry_url=shapes_url, query=query)


@st.cache_resource(show_spinner=False, max_entries=CHART_ENTRIES)
def _page_content(page: str, state_key: str, options_key: str, version: str, _state: ViewState,
                  _options: dict) -> object:
    return content.PAGE_CONTENT[page](sys.modules[__name__], _state, **_options)


@st.cache_resource(show_spinner=False, max_entries=64)
def _embed_figure(kind: str, state_key: str, cut_px: float, version: str, _state: ViewState) -> object:
    view = chart(kind, _state)
    height = float(view.figure.layout.height or 600)
    return figures.screen_figure(figures.resized_figure(view.figure, max(height - cut_px, 340), legend_columns=1),
                                 basemap.published_url(connection()))


@st.cache_resource(show_spinner=False, max_entries=256)
def _query(name: str, params_key: str, version: str, _params: dict) -> object:
    return db.run_query(connection(), name, **_params)


@st.cache_resource(show_spinner=False, max_entries=64)
def _programme_table(state_key: str, version: str, _state: ViewState) -> object:
    return tables.programme_table(chart("timeline", _state).data)


@st.cache_resource(show_spinner=False, max_entries=4)
def _definitions_table(version: str) -> object:
    return tables.definitions_table(load_catalog())
