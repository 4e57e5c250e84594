"""HAT cities compared (/cities): one bar per city per 100,000 inhabitants, Oslo and Bergen highlighted by
default, and every figure with its two sources underneath (the content: dashboard/cities.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cities, figures, site
from dashboard.figures import records
from dashboard.figures.cities import apart_note
from dashboard.ui import data, export_panel
from dashboard.ui.pages import PLOTLY_CONFIG, link_notices, markdown_text, show_table

MEASURE_KEY, HIGHLIGHT_KEY, SYNCED = "w_cities_measure", "w_cities_highlight", "_cities_synced"


def _write_url() -> None:
    """The widgets' values into the URL (the page reads only the URL)."""
    chosen = cities.Settings(measure=st.session_state[MEASURE_KEY], highlight=tuple(st.session_state[HIGHLIGHT_KEY]),
                             projector=st.query_params.get("projector") == "1")
    # highlight is kept when empty: none highlighted is a choice, not the default (Oslo and Bergen)
    st.query_params.from_dict({"measure": chosen.measure, "highlight": ",".join(chosen.highlight)}
                              | ({"projector": "1"} if chosen.projector else {}))


def _sync_widgets(chosen: cities.Settings) -> None:
    query = repr(sorted(st.query_params.to_dict().items()))
    if st.session_state.get(SYNCED) != query:
        st.session_state[SYNCED] = query
        st.session_state[MEASURE_KEY] = chosen.measure
        st.session_state[HIGHLIGHT_KEY] = list(chosen.highlight)


def cities_page() -> None:
    all_figures = cities.all_figures(data.query)
    names = sorted(all_figures["city"].unique())
    chosen, notices = cities.read_params(st.query_params.to_dict(), names)
    _sync_widgets(chosen)
    st.title(site.BY_NAME[cities.PAGE].heading)
    link_notices(notices)
    st.info(cities.CANNOT_SHOW, icon=":material/info:")
    offered = [key for key in cities.MEASURES if not cities.newest(all_figures, key).empty]
    left, right = st.columns([1, 2])
    left.radio("Count", offered, key=MEASURE_KEY, on_change=_write_url,
               format_func=lambda key: cities.MEASURES[key].capitalize())
    right.multiselect("Highlight", names, key=HIGHLIGHT_KEY, on_change=_write_url,
                      placeholder="Choose cities to draw in colour")
    try:
        drawn, _ = data.linked_view(chosen.query_string())
    except ValueError as error:
        st.info(markdown_text(str(error)), icon=":material/info:")
    else:
        st.subheader(drawn.title, anchor=False)
        st.caption(markdown_text(drawn.subtitle))
        st.plotly_chart(figures.screen_figure(drawn.figure), config=PLOTLY_CONFIG, key="cities_chart",
                        alt=drawn.summary)
        # the bars marked *, then the source (what the view cannot show is above the page already)
        apart = apart_note(records(drawn.data))
        st.caption(markdown_text("\n\n".join(part for part in (apart, drawn.source_line) if part)))
        export_panel.render(drawn, data_note="Data exports hold the rows drawn: each city's newest figure, its "
                                             "population, and the sources of both.")
    st.subheader("Every figure we hold, with its sources", anchor=False)
    show_table(figure_table(all_figures), hide_index=True, column_config={
        "Per 100,000": st.column_config.NumberColumn("Per 100,000", format="%.1f"),
        "Figure": st.column_config.NumberColumn("Figure", format="localized"),
        "Population": st.column_config.NumberColumn("Population", format="localized"),
        "Start": st.column_config.NumberColumn("Start", format="%d"),
        "Source": st.column_config.LinkColumn("Source"),
        "Population source": st.column_config.LinkColumn("Population source")})


def figure_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Every city figure as the page lists it: the figure, what it counts, the rate, the programme, both sources."""
    return pd.DataFrame({
        "City": rows["city"], "Country": rows["country"], "Programme": rows["programme_name"],
        "Start": rows["start_year"], "Status": rows["status"],
        "Counts": rows["measure"].map(cities.MEASURES), "Figure": rows["value"],
        "As of": rows["as_of"], "What it counts": rows["counts_what"], "Note": rows["note"],
        "Per 100,000": rows["per_100k"].round(1),
        "Population": rows["population"],
        "Population of": rows["population_area"] + " (" + rows["population_date"] + ")",
        "Medication": rows["medication_form"], "Eligibility": rows["eligibility"],
        "What its evaluation found": rows["outcomes"],
        "Source": rows["source_url"], "Source title": rows["source_title"], "Quote": rows["quote"],
        "Population source": rows["population_url"]})
