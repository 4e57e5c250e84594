"""Streamlit behaviour that suits a developer's laptop and not a shared deployment, changed once at start-up.

Uploads: Streamlit keeps every file PUT to /_stcore/upload_file/<session>/<any id> in memory for as long as the
session lives, with no limit on how many (issue 18, finding 1: +141 MB in 0.6 s from one anonymous client).
Here a session keeps its newest few files within a byte budget, the oldest dropped first; the one uploader (a
meeting deck of at most 400 kB) needs one.

Streamlit's "Clear cache" message (BackMsg.clear_cache) empties st.cache_data and st.cache_resource for the
whole process, with no check of who sends it: any websocket client could drop the DuckDB connection, the catalog
and every chart for every user of a worker, at will (issue 18, finding 2: a cached rerun at 100 M rows went
from 0.04 s to 0.92 s after each one). Here it clears only the sender's own session, unless the server runs in
Streamlit's development mode, where the menu item keeps its full effect.

Reconnects: a websocket may name an existing session (the third subprotocol) to take it over, so a browser that
lost its connection gets its session back. Streamlit hands the session to whoever names its id (issue 18,
finding 13: a second client with its own cookies took over another's session, deck included). Here a session
goes back only to a client with the same XSRF cookie as the one that opened it; anyone else gets a new
session."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from streamlit import config
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.runtime import Runtime

_STREAMLITS_CLEAR = AppSession._handle_clear_cache_request
_STREAMLITS_ADD_FILE = MemoryUploadedFileManager.add_file
_STREAMLITS_CONNECT = Runtime.connect_session
XSRF_COOKIE = "_streamlit_xsrf"
_OWNERS: OrderedDict[str, str | None] = OrderedDict()  # session id -> who opened it (a digest of its cookie)
MAX_OWNERS = 20_000  # far more sessions than a worker holds at once; the oldest forgotten first
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


def _owner(client) -> str | None:
    """Who a websocket client is: a digest of the XSRF cookie's secret (its token without the per-response
    mask), None for a client without one."""
    try:
        from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

        cookie = client._websocket.cookies.get(XSRF_COOKIE)
        token, _ = decode_xsrf_token_string(cookie) if cookie else (None, None)
    except Exception:  # another kind of client (tests, another server): no cookie to tell it by
        return None
    return hashlib.sha256(token).hexdigest() if token else None


def _connect_owner_only(runtime: Runtime, client, user_info, existing_session_id: str | None = None,
                        session_id_override: str | None = None) -> str:
    owner = _owner(client)
    with _ORDER_LOCK:
        if existing_session_id is not None and (existing_session_id not in _OWNERS
                                                or _OWNERS[existing_session_id] != owner):
            existing_session_id = None  # not its session: a new one
    session_id = _STREAMLITS_CONNECT(runtime, client, user_info, existing_session_id=existing_session_id,
                                     session_id_override=session_id_override)
    with _ORDER_LOCK:
        _OWNERS[session_id] = owner
        _OWNERS.move_to_end(session_id)
        while len(_OWNERS) > MAX_OWNERS:
            _OWNERS.popitem(last=False)
    return session_id


def harden() -> None:
    """Idempotent; app.py calls it before any page runs."""
    AppSession._handle_clear_cache_request = _clear_own_session_only
    MemoryUploadedFileManager.add_file = _add_within_budget
    Runtime.connect_session = _connect_owner_only
