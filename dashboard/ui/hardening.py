"""Streamlit behaviour that suits a developer's laptop and not a shared deployment, changed once at start-up.

Uploads: Streamlit keeps every file PUT to /_stcore/upload_file/<session>/<any id> in memory for as long as the
session lives, with no limit on how many (issue 18, finding 1: +141 MB in 0.6 s from one anonymous client).
Here a session keeps its newest few files within a byte budget, the oldest dropped first; the one uploader (a
meeting deck of at most 400 kB) needs one.

Streamlit's "Clear cache" message (BackMsg.clear_cache) empties st.cache_data and st.cache_resource for the
whole process, with no check of who sends it: any websocket client could drop the DuckDB connection, the catalog
and every chart for every user of a worker, at will (issue 18, finding 2: a cached rerun at 100 M rows went
from 0.04 s to 0.92 s after each one). Here it clears only the sender's own session, unless the server runs in
Streamlit's development mode, where the menu item keeps its full effect."""

from __future__ import annotations

import threading

from streamlit import config
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

_STREAMLITS_CLEAR = AppSession._handle_clear_cache_request
_STREAMLITS_ADD_FILE = MemoryUploadedFileManager.add_file
FILES_PER_SESSION = 3
BYTES_PER_SESSION = 1_200_000  # three deck files at the deck's 400 kB limit
_ORDER_LOCK = threading.Lock()


def _clear_own_session_only(session: AppSession) -> None:
    if config.get_option("global.developmentMode"):
        _STREAMLITS_CLEAR(session)
    else:
        session._session_state.clear()


def _add_within_budget(manager: MemoryUploadedFileManager, session_id: str, file) -> None:
    """Add the file, then drop the session's oldest files until it holds at most FILES_PER_SESSION of them and
    BYTES_PER_SESSION bytes (the newest is always kept: it is the one the page is about to read)."""
    with _ORDER_LOCK:
        _STREAMLITS_ADD_FILE(manager, session_id, file)
        held = list(manager.file_storage.get(session_id, {}).values())  # insertion order: oldest first
        while len(held) > 1 and (len(held) > FILES_PER_SESSION or sum(len(f.data) for f in held) > BYTES_PER_SESSION):
            oldest = held.pop(0)
            manager.remove_file(session_id, oldest.file_id)


def harden() -> None:
    """Idempotent; app.py calls it before any page runs."""
    AppSession._handle_clear_cache_request = _clear_own_session_only
    MemoryUploadedFileManager.add_file = _add_within_budget
