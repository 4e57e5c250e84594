"""Drug Policy Atlas: the Streamlit entry point. Page layout only; everything else lives in dashboard/."""

import logging

import streamlit as st

from dashboard.ui.pages import edition_notice

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
st.set_page_config(page_title="Drug Policy Atlas", page_icon="static/favicon.png", layout="wide")

navigation = st.navigation([
    st.Page("app_pages/map.py", title="Map", icon=":material/map:", url_path="map", default=True),
    st.Page("app_pages/trends.py", title="Trends", icon=":material/show_chart:", url_path="trends"),
    st.Page("app_pages/programmes.py", title="Programmes", icon=":material/medication:", url_path="programmes"),
    st.Page("app_pages/data.py", title="Data & sources", icon=":material/table_view:", url_path="data"),
    st.Page("app_pages/meeting.py", title="Meeting mode", icon=":material/co_present:", url_path="meeting"),
])
navigation.run()
edition_notice()  # on every page, below its filters: the EMCDDA edition, its last data year, newer figures
