"""Streamlit behaviour that suits a developer's laptop and not a shared deployment, changed once at start-up.

Streamlit's "Clear cache" message (BackMsg.clear_cache) empties st.cache_data and st.cache_resource for the
whole process, with no check of who sends it: any websocket client could drop the DuckDB connection, the catalog
and every chart for every user of a worker, at will (issue 18, finding 2: a cached rerun at 100 M rows went
from 0.04 s to 0.92 s after each one). Here it clears only the sender's own session, unless the server runs in
Streamlit's development mode, where the menu item keeps its full effect."""

from __future__ import annotations

from streamlit import config
from streamlit.runtime.app_session import AppSession

_STREAMLITS_CLEAR = AppSession._handle_clear_cache_request


def _clear_own_session_only(session: AppSession) -> None:
    if config.get_option("global.developmentMode"):
        _STREAMLITS_CLEAR(session)
    else:
        session._session_state.clear()


def harden() -> None:
    """Idempotent; app.py calls it before any page runs."""
    AppSession._handle_clear_cache_request = _clear_own_session_only
