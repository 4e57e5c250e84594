"""Drug Policy Atlas: the Streamlit entry point. Page layout only; everything else lives in dashboard/."""

import logging

import streamlit as st

from dashboard import site
from dashboard.ui.pages import edition_notice

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
st.set_page_config(page_title="Drug Policy Atlas", page_icon="static/favicon.png", layout="wide")

navigation = st.navigation([st.Page(page.script, title=page.title, icon=page.icon, url_path=page.name,
                                     default=page.name == site.DEFAULT_PAGE) for page in site.PAGES])
navigation.run()
edition_notice()  # on every page, below its filters: the EMCDDA edition, its last data year, newer figures
