"""Download buttons under every chart: the data now, figures and packs once export is wired in."""

from __future__ import annotations

import streamlit as st

from dashboard.views import ChartView


def render(view: ChartView) -> None:
    with st.expander("Export this chart"):
        st.download_button("Data (CSV)", data=view.data.to_csv(index=False).encode(),
                           file_name=f"{view.file_stem}.csv", mime="text/csv", key=f"csv_{view.kind}")
