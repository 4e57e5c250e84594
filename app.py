"""Drug Policy Atlas: the Streamlit entry point. Page layout only; everything else lives in dashboard/."""

import logging

import streamlit as st

from dashboard.ui import pages
from dashboard.ui.errors import guarded

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
st.set_page_config(page_title="Drug Policy Atlas", page_icon="🗺️", layout="wide")

navigation = st.navigation([
    st.Page(guarded(pages.map_page), title="Map", icon="🗺️", url_path="map", default=True),
    st.Page(guarded(pages.trends_page), title="Trends", icon="📈", url_path="trends"),
    st.Page(guarded(pages.programmes_page), title="Programmes", icon="💊", url_path="programmes"),
    st.Page(guarded(pages.data_page), title="Data & sources", icon="📚", url_path="data"),
])
navigation.run()
