"""The app's pages for st.navigation: built once per language, copied for each run.

Building the eleven st.Page objects cost ~2 ms a rerun (each resolves its file on disk and guesses an icon).
st.navigation marks the page it returns as runnable and Page.run() unmarks it, so runs (of several sessions at
once) never share the objects themselves: each gets shallow copies.
"""

from __future__ import annotations

import copy
import functools

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import i18n, site
from dashboard.i18n import tr

ROOT_SCRIPT = "app_pages/root.py"  # "/": a hidden default page that opens the map at /map
EMBED_PATH = "embed"  # the chart-only page for newsroom iframes, also hidden from the navigation


def pages() -> list[st.Page]:
    """Every page in the reader's language, for this run."""
    context = get_script_run_ctx()
    main_folder = str(context.pages_manager.main_script_parent) if context is not None else ""
    return [copy.copy(page) for page in _built(i18n.current(), main_folder)]


@functools.cache
def _built(lang: str, main_folder: str) -> tuple[st.Page, ...]:
    """main_folder: where the pages' paths are resolved from (the entry script's folder); a key only."""
    with i18n.language(lang):
        return (st.Page(ROOT_SCRIPT, title="Drug Policy Atlas", default=True, visibility="hidden"),
                *(st.Page(page.script, title=tr(page.title), icon=page.icon, url_path=page.name)
                  for page in site.PAGES),
                st.Page("app_pages/embed.py", title=tr("Drug Policy Atlas chart"), url_path=EMBED_PATH,
                        visibility="hidden"))
