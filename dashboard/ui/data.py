"""Cached access to the extracts for the UI: one shared connection, cached catalog and charts."""

from __future__ import annotations

import streamlit as st

from dashboard import catalog, db, views
from dashboard.state import ViewState


@st.cache_resource(show_spinner=False)
def connection() -> db.Connection:
    """One connection per server process; each query takes its own cursor."""
    return db.connect()


@st.cache_data(show_spinner=False)
def load_catalog() -> catalog.Catalog:
    return catalog.load_catalog(connection())


@st.cache_data(show_spinner=False, max_entries=512)
def chart(kind: str, state: ViewState, projector: bool = False) -> views.ChartView:
    """A finished chart, cached on the chart kind and the bound filter state."""
    return views.VIEW_BUILDERS[kind](connection(), load_catalog(), state, projector=projector)


@st.cache_data(show_spinner=False, max_entries=256)
def query(name: str, **params) -> object:
    """Any query in queries/, cached on its name and bound parameters."""
    return db.run_query(connection(), name, **params)
