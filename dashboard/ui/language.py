"""The reader's language in the app: the link's `lang`, else the session's choice, else the browser's language;
the sidebar's switch; a malformed `lang` is a notice and English (dashboard/i18n.py does the writing)."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import i18n
from dashboard.state import plain, read_language
from dashboard.ui import session

PARAM = "lang"


def _session_language() -> str | None:
    if get_script_run_ctx(suppress_warning=True) is None:  # outside a script run: no session, the code's English
        return None
    return st.session_state.get(session.LANGUAGE)


def choose() -> str:
    """The language of this run, remembered for the session (a page reached without `lang` keeps it)."""
    i18n.set_resolver(_session_language)  # a fragment's rerun (without app.py) speaks the session's language
    named = st.query_params.get_all(PARAM)
    notices: list[str] = []
    if named:
        chosen = read_language(named[-1], notices, default=i18n.DEFAULT)
        if notices:  # the rest of the link is kept; the bad value leaves the address bar
            st.query_params[PARAM] = chosen
    else:
        chosen = _session_language() or i18n.from_browser(st.context.locale)
    st.session_state[session.LANGUAGE] = chosen
    i18n.set_for_this_run(chosen)  # a fragment's rerun, which skips this, asks the session (the resolver)
    for notice in notices:
        st.warning(plain(notice), icon=":material/translate:")
    return chosen


def _on_switch() -> None:
    chosen = st.session_state.get(session.LANGUAGE_SWITCH)
    if i18n.is_known(chosen):
        st.session_state[session.LANGUAGE] = chosen
        st.query_params[PARAM] = chosen


def switch() -> None:
    """The sidebar's language switch: 'English | Norsk', kept in the link (lang=)."""
    st.session_state[session.LANGUAGE_SWITCH] = i18n.current()
    st.sidebar.segmented_control("Language / Språk", i18n.LANGUAGES, key=session.LANGUAGE_SWITCH,
                                 format_func=i18n.NAMES.get, on_change=_on_switch, label_visibility="collapsed")
