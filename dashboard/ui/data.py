"""Cached access to the extracts for the UI: one shared connection, cached catalog and charts.

The catalog, the finished charts and the query tables are kept as live objects (st.cache_resource), shared by
every session: st.cache_data would unpickle a fresh copy on every rerun, and unpickling a Plotly figure
re-validates all of it (about as slow as building it again; see docs/performance.md). Charts and the catalog
are read-only: never mutate what chart() or load_catalog() return. query() hands out copy-on-write copies.
"""

from __future__ import annotations

import streamlit as st

from dashboard import basemap, catalog, charts, db, figures, tables
from dashboard.state import ViewState

# Live charts kept per server process: a map view is about 2.4 MB in memory, a trend view about 0.6 MB.
CHART_ENTRIES = 64


@st.cache_resource(show_spinner=False)
def connection() -> db.Connection:
    """One connection per server process; each query takes its own cursor."""
    return db.connect()


def load_catalog() -> catalog.Catalog:
    """The indicators and countries (immutable dataclasses), rebuilt when the extracts change on disk."""
    return _catalog(db.data_version(connection()))


def chart(kind: str, state: ViewState) -> charts.ChartView:
    """A finished chart, cached on the chart kind, the bound filter state and the extracts' version."""
    return _chart(kind, state, db.data_version(connection()))


def embed_figure(kind: str, state: ViewState, cut_px: float) -> object:
    """A chart as the chart-only page draws it (shorter, one key entry a row, text beside it), built once per
    state: every reader of an article with an embed opens it."""
    return _embed_figure(kind, state, cut_px, db.data_version(connection()))


def query(name: str, **params) -> object:
    """Any query in queries/, cached on its name, bound parameters and the extracts' version.

    A shallow copy of the cached table: no data is copied, and with pandas' copy-on-write a caller that changes
    it changes only its own copy."""
    return _query(name, db.data_version(connection()), **params).copy(deep=False)


def programme_table(state: ViewState) -> object:
    """The programme table for the timeline's countries, built once per filter state rather than every rerun."""
    return _programme_table(state, db.data_version(connection()))


def definitions_table() -> object:
    """The indicators' definitions and caveats, built once per version of the extracts."""
    return _definitions_table(db.data_version(connection()))


# The version argument (the extract files' modification times and sizes) is part of each cache key, so a
# rebuild while the server runs is picked up at once, and a catalog made from broken files is not kept.
@st.cache_resource(show_spinner=False, max_entries=4)
def _catalog(version: tuple) -> catalog.Catalog:
    return catalog.load_catalog(connection())


@st.cache_resource(show_spinner=False, max_entries=CHART_ENTRIES)
def _chart(kind: str, state: ViewState, version: tuple) -> charts.ChartView:
    # On screen a map refers to its shapes by URL (the browser fetches them once); exports carry them.
    return charts.build_chart(kind, connection(), load_catalog(), state,
                              geometry_url=basemap.published_url(connection()))


@st.cache_resource(show_spinner=False, max_entries=64)
def _embed_figure(kind: str, state: ViewState, cut_px: float, version: tuple) -> object:
    view = _chart(kind, state, version)
    height = float(view.figure.layout.height or 600)
    return figures.screen_figure(figures.resized_figure(view.figure, max(height - cut_px, 340), legend_columns=1),
                                 basemap.published_url(connection()))


@st.cache_resource(show_spinner=False, max_entries=256)
def _query(name: str, version: tuple, **params) -> object:
    return db.run_query(connection(), name, **params)


@st.cache_resource(show_spinner=False, max_entries=64)
def _programme_table(state: ViewState, version: tuple) -> object:
    return tables.programme_table(chart("timeline", state).data)


@st.cache_resource(show_spinner=False, max_entries=4)
def _definitions_table(version: tuple) -> object:
    return tables.definitions_table(load_catalog())
