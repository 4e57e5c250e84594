"""Cached access to the extracts for the UI: one shared connection, cached catalog and charts.

The catalog and the finished charts are kept as live objects (st.cache_resource), shared read-only by every
session: st.cache_data would unpickle a fresh copy on every rerun, and unpickling a Plotly figure re-validates
all of it (about as slow as building it again; see benchmarks/README.md). Never mutate what these return.
"""

from __future__ import annotations

import streamlit as st

from dashboard import catalog, db, views
from dashboard.state import ViewState

# Live charts kept per server process: a map view is about 2.4 MB in memory, a trend view about 0.6 MB.
CHART_ENTRIES = 64


@st.cache_resource(show_spinner=False)
def connection() -> db.Connection:
    """One connection per server process; each query takes its own cursor."""
    return db.connect()


@st.cache_resource(show_spinner=False)
def load_catalog() -> catalog.Catalog:
    """The indicators and countries (immutable dataclasses); built once per server process."""
    return catalog.load_catalog(connection())


@st.cache_resource(show_spinner=False, max_entries=CHART_ENTRIES)
def chart(kind: str, state: ViewState, projector: bool = False) -> views.ChartView:
    """A finished chart, cached on the chart kind and the bound filter state; shared, so read-only."""
    return views.VIEW_BUILDERS[kind](connection(), load_catalog(), state, projector=projector)


@st.cache_data(show_spinner=False, max_entries=256)
def query(name: str, **params) -> object:
    """Any query in queries/, cached on its name and bound parameters (a copy per call: small tables)."""
    return db.run_query(connection(), name, **params)
