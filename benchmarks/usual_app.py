"""The usual Streamlit way, for side-by-side benchmarks only: the facts in a pandas DataFrame in memory, filtered
with pandas and drawn with Plotly Express at every rerun, the base map inline in every figure.

It draws the map page's question for the same views the app's benchmarks use (the sidebar's country group, the
map year), with the same widget keys and texts, so benchmarks/browser_bench.py drives it unchanged:

    .venv/bin/python -m benchmarks.browser_bench cold --script benchmarks/usual_app.py
"""

from __future__ import annotations

import json

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import settings

INDICATOR = "drd_deaths_per_million_15_64"
GROUPS = {"EMCDDA reporting countries (EU-28, Norway, Turkey)": "emcdda_reporting", "EU-27": "eu27",
          "Nordic countries": "nordic", "Countries with a HAT programme": "has_hat_programme"}


@st.cache_data
def facts() -> pd.DataFrame:
    return pd.read_parquet(settings.DATA_DIR / "facts.parquet")


@st.cache_data
def countries() -> pd.DataFrame:
    return pd.read_parquet(settings.DATA_DIR / "countries.parquet")


@st.cache_data
def shapes() -> dict:
    return json.loads((settings.DATA_DIR / "europe.geojson").read_text(encoding="utf-8"))


def map_page() -> None:
    label = st.sidebar.selectbox("Country group", list(GROUPS), key="w_preset")
    known = countries()
    codes = known.loc[known[GROUPS[label]], "iso3"].tolist()
    st.title("Where are drug-induced deaths highest?")
    year = st.slider("Map year", 1995, 2017, 2016, key="w_year")
    table = facts()
    rows = table[(table["indicator_id"] == INDICATOR) & (table["sex"] == "total") & (table["age_group"] == "total")
                 & (table["year"] == year) & table["iso3"].isin(codes)].merge(known[["iso3", "name_en"]], on="iso3")
    st.subheader(f"Drug-induced deaths per million aged 15-64, {year}")
    st.caption(f"{label} ({len(codes)} countries)")
    figure = px.choropleth(rows, geojson=shapes(), locations="iso3", featureidkey="id", color="value",
                           hover_name="name_en", color_continuous_scale="Viridis_r", height=800)
    figure.update_geos(visible=False, lonaxis_range=[-25, 46], lataxis_range=[33, 72])
    # The one concession: base-map TopoJSON from the app's static folder, as the app does (Plotly's default is a
    # CDN, and the benchmarks, like the app, run offline: the map would never draw). Streamlit serves the static
    # folder beside the script, so benchmarks/static is a link to the repository's static/.
    st.plotly_chart(figure, config={"topojsonURL": settings.TOPOJSON_URL})
    st.dataframe(rows[["name_en", "year", "value"]], hide_index=True)


MAP = st.Page(map_page, title="Map", url_path="map")
# "/" opens /map, as in the app (app_pages/root.py), so the benchmark opens the same address in both.
st.navigation([st.Page(lambda: st.switch_page(MAP), title="Home", default=True, visibility="hidden"), MAP]).run()
