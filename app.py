"""Drug Policy Atlas: the Streamlit entry point. Page layout only; everything else lives in dashboard/."""

import logging

import streamlit as st

from dashboard.ui import language
from dashboard.ui.hardening import harden
from dashboard.ui.navigation import EMBED_PATH, pages
from dashboard.ui.pages import edition_notice

harden()  # a browser's "clear cache" clears its own session, not the caches every user shares

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
st.set_page_config(page_title="Drug Policy Atlas", page_icon="static/favicon.png", layout="wide")
language.choose()  # before anything is written: the link's lang, the session's or the browser's

# "/" is a hidden default page that opens the map at /map (app_pages/root.py): every page then has its own path.
# /embed is the chart-only page for newsroom iframes (app_pages/embed.py), also hidden from the navigation.
navigation = st.navigation(pages())
if navigation.url_path != EMBED_PATH:
    language.switch()  # at the top of every page's sidebar (the chart-only embed has none)
navigation.run()
if navigation.url_path != EMBED_PATH:
    edition_notice()  # on every page, below its filters: the EMCDDA edition, its last data year, newer figures
