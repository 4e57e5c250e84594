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


def test_a_session_keeps_only_its_newest_few_uploads_within_a_byte_budget():
    """Issue 18, finding 1: 150 PUTs of 1 MB to made-up file ids were all held (+141 MB)."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    hardening.harden()
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    for number in range(150):
        manager.add_file("attacker", UploadedFileRec(f"id{number}", "x.json", "application/json", b"x" * 300_000))
    manager.add_file("user", UploadedFileRec("deck", "deck.json", "application/json", b"{}"))
    held = manager.file_storage["attacker"]
    assert list(held) == ["id147", "id148", "id149"]  # the newest, within the budget
    assert sum(len(f.data) for f in held.values()) <= hardening.BYTES_PER_SESSION
    assert manager._total_bytes == 900_002 and manager._file_count == 4  # Streamlit's own totals stay right
    assert [f.file_id for f in manager.get_files("user", ["deck"])] == ["deck"]  # other sessions untouched
    big = UploadedFileRec("big", "big.json", "application/json", b"x" * 2_000_000)
    manager.add_file("attacker", big)
    assert list(manager.file_storage["attacker"]) == ["big"]  # the newest is always kept (the page reads it)


def test_tampered_widget_values_are_corrected_not_an_error():
    """Issue 18, finding 17: a websocket client sent the Indicator selectbox the value
    "no_such_indicator'; DROP VIEW facts; --"; the filters' callback raised KeyError outside the page's guard
    and Streamlit's raw error box appeared. The tampered values go over the wire as the browser's would."""
    from dashboard.ui import session

    app = open_page("trends", indicator="drd_deaths", countries="NOR,SWE")
    for key, value in ((session.INDICATOR, "no_such_indicator'; DROP VIEW facts; --"),
                       (session.PRESET, "no_such_preset"), (session.AGE, "999")):
        box = app.selectbox(key=key)
        box.options.append(value)  # what the page offered, plus what the attacker sends
        box.set_value(value).run()
        assert not app.exception, (key, [e.value for e in app.exception])
        assert not app.error, (key, [e.value for e in app.error])
        assert app.query_params["indicator"] == "drd_deaths", key  # the link keeps the valid indicator
        assert app.session_state[session.COUNTRIES] == ["NOR", "SWE"]
