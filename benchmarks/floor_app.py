"""The FLOOR for page reruns: a minimal Streamlit app that draws the same page content from data in memory.

benchmarks/apptest_bench.py builds, for every page and each of two filter states, the page's content with the
app's own dashboard/content.py (charts, tables and texts), pickles it into a file named by $DPA_FLOOR_DATA, and
drives this script with AppTest like the real app. Here it is loaded once (st.cache_resource, no copy per rerun)
and laid out by the app's own render functions (dashboard/ui/pages.py), export panels included; no query, no
catalog, no URL state, no sidebar filters, no page widgets. A filter change is one radio in the sidebar
switching state A <-> B.
The page to draw comes from the query parameter ?page=map|trends|programmes|data.
"""

from __future__ import annotations

import os
import pickle

import streamlit as st

from dashboard.ui import pages


@st.cache_resource(show_spinner=False)
def _content(path: str) -> dict:
    with open(path, "rb") as handle:
        return pickle.load(handle)


def _no_op() -> None:
    """The map's click handler (the real one adds the clicked country to the filters)."""


DRAW = {"map": lambda content: pages.render_map(content, on_select=_no_op),
        "trends": lambda content: pages.render_trends(content, in_app=False),
        "programmes": pages.render_programmes, "data": pages.render_data}

data = _content(os.environ["DPA_FLOOR_DATA"])
page = st.query_params.get("page", "map")
choice = st.sidebar.radio("Filter state", ["A", "B"], key="floor_state", horizontal=True)
DRAW[page](data[page][choice])
