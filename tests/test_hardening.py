"""Shared state that no anonymous client can drop (issue 18, finding 2): Streamlit's clear_cache message."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.app_session import AppSession

from dashboard.ui import hardening
from tests.apptest_support import open_page


class _Session:
    """What the handler touches of an AppSession: its own session state."""

    def __init__(self):
        self.cleared = False
        self._session_state = self

    def clear(self):
        self.cleared = True


def test_a_clear_cache_message_clears_only_the_senders_session():
    calls = []

    @st.cache_resource
    def shared_connection():
        calls.append(1)
        return object()

    first = shared_connection()
    hardening.harden()
    session = _Session()
    AppSession._handle_clear_cache_request(session)
    assert session.cleared, "the sender's own session state is cleared"
    assert shared_connection() is first and len(calls) == 1, "the caches every user shares are kept"
    hardening._STREAMLITS_CLEAR(_Session())  # what Streamlit itself does: every user's caches gone
    assert shared_connection() is not first and len(calls) == 2


def test_the_app_hardens_before_any_page_runs():
    open_page("map")
    assert AppSession._handle_clear_cache_request is hardening._clear_own_session_only
