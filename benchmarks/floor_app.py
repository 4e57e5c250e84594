"""The FLOOR for page reruns: a minimal Streamlit app that draws the same page content from data in memory.

benchmarks/apptest_bench.py builds, for every page and each of two filter states, exactly the ChartViews,
tables and texts the real page shows (with the app's own dashboard.views code), pickles them into a file
named by $DPA_FLOOR_DATA, and drives this script with AppTest like the real app. Here they are loaded once
(st.cache_resource, no copy per rerun) and drawn with the same Streamlit calls, including the app's export
panel under each chart (it reads only the view in memory); no query, no catalog, no URL state, no sidebar
filters. A filter change is one radio in the sidebar switching state A <-> B.
The page to draw comes from the query parameter ?page=map|trends|programmes|data.
"""

from __future__ import annotations

import os
import pickle

import streamlit as st

from dashboard.ui import export_panel
from dashboard.ui.pages import PLOTLY_CONFIG


@st.cache_resource(show_spinner=False)
def _content(path: str) -> dict:
    with open(path, "rb") as handle:
        return pickle.load(handle)


def _no_op() -> None:
    """The map's click handler (the real one adds the clicked country to the filters)."""


def _chart(item: dict, key: str, selectable: bool = False) -> None:
    """The chart, its summary and the same export panel as the app (it only reads the view in memory)."""
    view = item["view"]
    st.plotly_chart(view.figure, key=key, config=PLOTLY_CONFIG, alt=view.summary,
                    on_select=_no_op if selectable else "ignore",
                    selection_mode="points" if selectable else ("points", "box", "lasso"))
    st.caption(view.summary)
    export_panel.render(view)


def _map(content: dict) -> None:
    st.title(content["title"])
    _chart(content["chart"], "map_chart", selectable=True)
    st.caption(content["note"])


def _trends(content: dict) -> None:
    st.title(content["title"])
    _chart(content["chart"], "trend_chart")
    st.caption(content["note"])


def _programmes(content: dict) -> None:
    st.title(content["title"])
    _chart(content["chart"], "timeline_chart")
    st.dataframe(content["table"], hide_index=True,
                 column_config={"First source": st.column_config.LinkColumn("First source")})
    st.subheader("Sources per programme")
    for label, links, caption in content["programmes"]:
        with st.expander(label):
            st.markdown(links)
            st.caption(caption)
    st.subheader("Where sources disagree")
    if not content["claims"]:
        st.info("No conflicting claims recorded for the selected countries.")
    for label, lines in content["claims"]:
        with st.expander(label):
            for line in lines:
                st.markdown(line)


def _data(content: dict) -> None:
    st.title(content["title"])
    st.markdown(content["intro"])
    tabs = st.tabs(["Map data", "Trend data", "Programme data", "Definitions", "Sources and licences"])
    for tab, item in zip(tabs[:3], content["charts"], strict=True):
        with tab:
            st.markdown(item["heading"])
            st.dataframe(item["data"], hide_index=True)
            st.markdown(item["query_line"])
            st.json(item["params"], expanded=False)
            with st.expander("SQL"):
                st.code(item["sql"], language="sql")
            st.caption(item["source_line"])
    with tabs[3]:
        st.markdown(content["definitions_note"])
        st.dataframe(content["definitions"], hide_index=True)
    with tabs[4]:
        st.dataframe(content["sources"], hide_index=True, column_config={"url": st.column_config.LinkColumn("url")})
        st.markdown(content["maps_note"])


DRAW = {"map": _map, "trends": _trends, "programmes": _programmes, "data": _data}

data = _content(os.environ["DPA_FLOOR_DATA"])
page = st.query_params.get("page", "map")
choice = st.sidebar.radio("Filter state", ["A", "B"], key="floor_state", horizontal=True)
DRAW[page](data[page][choice])
