"""HAT cities compared (/cities): one bar per city per 100,000 inhabitants, Oslo and Bergen highlighted by
default, and every figure with its two sources underneath (the content: dashboard/cities.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cities, i18n, site
from dashboard.figures import records
from dashboard.figures.cities import apart_note
from dashboard.i18n import N_, tr
from dashboard.ui import data, export_panel
from dashboard.ui.notices import link_notices, markdown_text
from dashboard.ui.pages import PLOTLY_CONFIG, show_table

MEASURE_KEY, HIGHLIGHT_KEY, SYNCED = "w_cities_measure", "w_cities_highlight", "_cities_synced"


def _write_url() -> None:
    """The widgets' values into the URL (the page reads only the URL)."""
    chosen = cities.Settings(measure=st.session_state[MEASURE_KEY], highlight=tuple(st.session_state[HIGHLIGHT_KEY]),
                             projector=st.query_params.get("projector") == "1", lang=i18n.current())
    # highlight is kept when empty: none highlighted is a choice, not the default (Oslo and Bergen)
    st.query_params.from_dict({"measure": chosen.measure, "highlight": ",".join(chosen.highlight)}
                              | ({"projector": "1"} if chosen.projector else {})
                              | ({"lang": chosen.lang} if chosen.lang != i18n.DEFAULT else {}))


def _sync_widgets(chosen: cities.Settings) -> None:
    query = repr(sorted(st.query_params.to_dict().items()))
    if st.session_state.get(SYNCED) != query:
        st.session_state[SYNCED] = query
        st.session_state[MEASURE_KEY] = chosen.measure
        st.session_state[HIGHLIGHT_KEY] = list(chosen.highlight)


def cities_page() -> None:
    all_figures = cities.all_figures(data.query)
    names = sorted(all_figures["city"].unique())
    chosen, notices = cities.read_params({"lang": i18n.current()} | st.query_params.to_dict(), names)
    _sync_widgets(chosen)
    st.title(tr(site.BY_NAME[cities.PAGE].heading))
    link_notices(notices)
    st.info(tr(cities.CANNOT_SHOW), icon=":material/info:")
    offered = [key for key in cities.MEASURES if not cities.newest(all_figures, key).empty]
    left, right = st.columns([1, 2])
    labels = {key: tr(cities.MEASURES[key]).capitalize() for key in offered}  # this run's language
    left.radio(tr("Count"), offered, key=MEASURE_KEY, on_change=_write_url,
               format_func=lambda key: labels.get(key, str(key)))
    right.multiselect(tr("Highlight"), names, key=HIGHLIGHT_KEY, on_change=_write_url,
                      placeholder=tr("Choose cities to draw in colour"))
    try:
        drawn, _ = data.linked_view(chosen.query_string())
    except ValueError as error:
        st.info(markdown_text(str(error)), icon=":material/info:")
    else:
        st.subheader(drawn.title, anchor=False)
        st.caption(markdown_text(drawn.subtitle))
        st.plotly_chart(drawn.screen_figure, config=PLOTLY_CONFIG, key="cities_chart",
                        alt=drawn.summary)
        # the bars marked *, then the source (what the view cannot show is above the page already)
        apart = apart_note(records(drawn.data))
        st.caption(markdown_text("\n\n".join(part for part in (apart, drawn.source_line) if part)))
        export_panel.render(drawn, data_note=tr("Data exports hold the rows drawn: each city's newest figure, its "
                                                "population, and the sources of both."))
    st.subheader(tr("Every figure we hold, with its sources"), anchor=False)
    # The headers in the reader's language (the figures as the browser's locale writes them).
    shown = {column: tr(column) for column in figure_table(all_figures.head(0)).columns}
    show_table(figure_table(all_figures).rename(columns=shown), hide_index=True, column_config={
        shown["Per 100,000"]: st.column_config.NumberColumn(shown["Per 100,000"], format="%.1f"),
        shown["Figure"]: st.column_config.NumberColumn(shown["Figure"], format="localized"),
        shown["Population"]: st.column_config.NumberColumn(shown["Population"], format="localized"),
        shown["Start"]: st.column_config.NumberColumn(shown["Start"], format="%d"),
        shown["Source"]: st.column_config.LinkColumn(shown["Source"]),
        shown["Population source"]: st.column_config.LinkColumn(shown["Population source"])})


def figure_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Every city figure as the page lists it: the figure, what it counts, the rate, the programme, both sources."""
    return pd.DataFrame({
        N_("City"): rows["city"], N_("Country"): rows["country"], N_("Programme"): rows["programme_name"],
        N_("Start"): rows["start_year"], N_("Status"): rows["status"],
        N_("Counts"): rows["measure"].map(lambda measure: tr(cities.MEASURES[measure])), N_("Figure"): rows["value"],
        N_("As of"): rows["as_of"], N_("What it counts"): rows["counts_what"], N_("Note"): rows["note"],
        N_("Per 100,000"): rows["per_100k"].round(1),
        N_("Population"): rows["population"],
        N_("Population of"): rows["population_area"] + " (" + rows["population_date"] + ")",
        N_("Medication"): rows["medication_form"], N_("Eligibility"): rows["eligibility"],
        N_("What its evaluation found"): rows["outcomes"],
        N_("Source"): rows["source_url"], N_("Source title"): rows["source_title"], N_("Quote"): rows["quote"],
        N_("Population source"): rows["population_url"]})
