"""The root address "/": opens the map at its own path, /map, with the link's parameters.

Streamlit serves its default page at "/" only, whatever its url_path, so /map would answer "Page not found" if the
map were the default page. This hidden default page hands over instead, so every page has its path."""

import streamlit as st

from dashboard import site

st.switch_page(site.BY_NAME[site.DEFAULT_PAGE].script,
               query_params={key: st.query_params.get_all(key) for key in st.query_params.keys()})
