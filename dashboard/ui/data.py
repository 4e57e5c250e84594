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

from dashboard import basemap, catalog, charts, content, db, figures, i18n, tables, views
from dashboard.state import ViewState
from dashboard.ui.per_run import once_per_run

# Live charts kept per server process: a map view is about 2.4 MB in memory, a trend view about 0.6 MB.
CHART_ENTRIES = 64


@st.cache_resource(show_spinner=False)
def connection() -> db.Connection:
    """One connection per server process; each query takes its own cursor."""
    return db.connect()


@once_per_run
def _version() -> str:
    """The extract files' modification times and sizes, as a short cache key: a rebuild while the server runs
    is picked up by the next run, and nothing made from broken files is kept."""
    return str(hash(db.data_version(connection())))


@once_per_run
def load_catalog() -> catalog.Catalog:
    """The indicators and countries (immutable dataclasses), rebuilt when the extracts change on disk."""
    return _catalog(_version())


def chart(kind: str, state: ViewState) -> charts.ChartView:
    """A finished chart, cached on the chart kind, the bound filter state and the extracts' version."""
    return _chart(kind, repr(state), _version(), state)


def slide_view(query_string: str, projector: bool) -> tuple[charts.ChartView, list[str]]:
    """A meeting slide's view and the notices on its link (dashboard/views.py), kept in a small cache of its own:
    walking a 50-slide deck (any link can hold one) does not push every other user's charts out of the shared
    cache. ValueError for a link that draws no view."""
    return _slide_view(query_string, projector, _version())


def linked_view(query_string: str) -> tuple[charts.ChartView, list[str]]:
    """The view of a page that reads its own link (before-after, a country profile's chart), and the notices on
    the link, built once per link and extracts version. ValueError for a link that draws no view."""
    return _linked_view(query_string, _version())


def slide_figure(view: charts.ChartView, height: int) -> object:
    """A presented slide's chart: as the app draws it (title and source as page text beside it), `height` px
    tall to fill the screen it is shown on."""
    return _slide_figure(view.kind, view.query_string, height, _version(), view)


def page_content(page: str, state: ViewState, **options) -> object:
    """A page's content for a state (charts, tables and texts: dashboard/content.py), built once per state and
    version of the extracts rather than at every rerun."""
    return _page_content(page, repr(state), repr(sorted(options.items())), _version(), state, options)


def embed_figure(view: charts.ChartView, cut_px: float) -> object:
    """A chart as the chart-only page draws it (shorter, one key entry a row, text beside it), built once per
    view: every reader of an article with an embed opens it."""
    return _embed_figure(view.kind, view.query_string, cut_px, _version(), view)


def query(name: str, **params) -> object:
    """Any query in queries/, cached on its name, bound parameters and the extracts' version.

    A shallow copy of the cached table: no data is copied, and with pandas' copy-on-write a caller that changes
    it changes only its own copy."""
    params = db.with_language(name, params)
    return _query(name, repr(sorted(params.items())), _version(), params).copy(deep=False)


def programme_table(state: ViewState) -> object:
    """The programme table for the timeline's countries, built once per filter state rather than every rerun."""
    return _programme_table(repr(state), _version(), state)


def definitions_table() -> object:
    """The indicators' definitions and caveats, built once per version of the extracts."""
    return _definitions_table(_version(), i18n.current())


def edition_notice() -> str:
    """The edition notice under every page's filters (content.edition_notice), written once per version of the
    extracts and language."""
    return _edition_notice(_version(), i18n.current())


def country_labels() -> dict[str, str]:
    """Each country's name in the sidebar's picker (Catalog.picker_label), made once per version and language
    instead of ~40 names at every rerun. Read-only."""
    return _country_labels(_version(), i18n.current())


@st.cache_resource(show_spinner=False, max_entries=4)
def _edition_notice(version: str, lang: str) -> str:
    with i18n.language(lang):
        return content.edition_notice(sys.modules[__name__])


@st.cache_resource(show_spinner=False, max_entries=4)
def _country_labels(version: str, lang: str) -> dict[str, str]:
    with i18n.language(lang):
        countries = load_catalog()
        return {iso3: countries.picker_label(iso3) for iso3 in countries.countries}


@st.cache_resource(show_spinner=False, max_entries=4)
def _catalog(version: str) -> catalog.Catalog:
    return catalog.load_catalog(connection())


@st.cache_resource(show_spinner=False, max_entries=CHART_ENTRIES)
def _chart(kind: str, state_key: str, version: str, _state: ViewState) -> charts.ChartView:
    return _build(kind, _state)


SLIDE_ENTRIES = 6  # the slide shown, the ones either side, a few more


@st.cache_resource(show_spinner=False, max_entries=SLIDE_ENTRIES)
def _slide_view(query_string: str, projector: bool, version: str) -> tuple[charts.ChartView, list[str]]:
    return views.view_of_link(query_string, connection(), load_catalog(), query=query, projector=projector)


@st.cache_resource(show_spinner=False, max_entries=32)
def _linked_view(query_string: str, version: str) -> tuple[charts.ChartView, list[str]]:
    return views.view_of_link(query_string, connection(), load_catalog(), query=query)


@st.cache_resource(show_spinner=False, max_entries=SLIDE_ENTRIES)
def _slide_figure(kind: str, query_string: str, height: int, version: str, _view: charts.ChartView) -> object:
    return figures.screen_figure(figures.resized_figure(_view.figure, height, key_beside=True),
                                 basemap.published_url(connection()))


def _build(kind: str, state: ViewState) -> charts.ChartView:
    # On screen a map refers to its shapes by URL (the browser fetches them once); exports carry them.
    shapes_url = basemap.published_url(connection()) if charts.CHARTS[kind].base_map else None
    return charts.build_chart(kind, connection(), load_catalog(), state, geometry_url=shapes_url, query=query)


@st.cache_resource(show_spinner=False, max_entries=CHART_ENTRIES)
def _page_content(page: str, state_key: str, options_key: str, version: str, _state: ViewState,
                  _options: dict) -> object:
    with i18n.language(_state.lang):
        return content.PAGE_CONTENT[page](sys.modules[__name__], _state, **_options)


@st.cache_resource(show_spinner=False, max_entries=64)
def _embed_figure(kind: str, query_string: str, cut_px: float, version: str, _view: charts.ChartView) -> object:
    height = float(_view.figure.layout.height or 600)
    # shorter, but never shorter than its rows need (the cities' bars, each labelled on two lines)
    height = max(height - cut_px, 340, figures.rows_height(_view.figure) or 0)
    return figures.screen_figure(figures.resized_figure(_view.figure, height, legend_columns=1),
                                 basemap.published_url(connection()))


@st.cache_resource(show_spinner=False, max_entries=256)
def _query(name: str, params_key: str, version: str, _params: dict) -> object:
    return db.run_query(connection(), name, **_params)


@st.cache_resource(show_spinner=False, max_entries=64)
def _programme_table(state_key: str, version: str, _state: ViewState) -> object:
    with i18n.language(_state.lang):
        return tables.programme_table(chart("timeline", _state).data)


@st.cache_resource(show_spinner=False, max_entries=4)
def _definitions_table(version: str, lang: str) -> object:
    with i18n.language(lang):
        return tables.definitions_table(load_catalog())
