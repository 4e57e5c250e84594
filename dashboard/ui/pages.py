"""The explorer's pages: each reads the shared filters, gets its charts from the cache, and lays them out."""

from __future__ import annotations

import time
from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import db, settings, views
from dashboard.figures import records
from dashboard.state import ViewState, to_params
from dashboard.ui import data, export_panel, filters
from dashboard.views import ChartView

PLOTLY_CONFIG = {"topojsonURL": settings.TOPOJSON_URL, "displaylogo": False,
                 "modeBarButtonsToRemove": ["sendDataToCloud"], "responsive": True}
PLAY_SECONDS_PER_YEAR = 0.7


def edition_notice() -> None:
    """On every page: which edition the EMCDDA series come from, that they end in 2017, and where newer figures are."""
    try:
        editions = {row["family"]: row for row in records(data.query("data_editions"))}
    except db.DataUnavailable:
        return
    emcdda, national = editions.get("EMCDDA"), editions.get("national")
    lines = []
    if emcdda:
        edition = str(emcdda["edition"] or "").split(" (")[0]
        lines.append(f"**EMCDDA figures: {edition} edition, data years to {emcdda['year_max']}.** Newer EMCDDA/EUDA "
                     f"figures are not in this edition (see the EUDA's European Drug Report and Statistical Bulletin).")
    if national:
        lines.append(f"National figures as published by national authorities reach {national['year_max']}: on the "
                     f"Trends page, topic 'National figures as published', each value with its own citation.")
    st.sidebar.caption("\n\n".join(lines))


def _projector() -> bool:
    return bool(st.session_state.get("projector"))


def show_chart(view: ChartView, *, key: str, on_select=None, panel_key: str | None = None) -> object:
    """Draw a chart with its text summary (also its alt text) and its export panel."""
    event = st.plotly_chart(view.figure, key=key, config=PLOTLY_CONFIG, alt=view.summary,
                            on_select=on_select or "ignore",
                            selection_mode="points" if on_select else ("points", "box", "lasso"))
    st.caption(view.summary)
    export_panel.render(view, panel_key)
    return event


def map_page() -> None:
    state = filters.current_state("map")
    st.title("Where are drug-induced deaths highest?")
    slider_column, play_column = st.columns([6, 1], vertical_alignment="bottom")
    with slider_column:
        filters.year_control("map", state)
    play = play_column.button("Play years", icon=":material/play_arrow:",
                              help="Animate the map through the selected years")
    placeholder = st.empty()
    if play:
        for year in range(state.year_from, state.year_to + 1):
            frame = data.chart("map", _with_year(state, year), _projector())
            placeholder.plotly_chart(frame.figure, config=PLOTLY_CONFIG, alt=frame.summary, key=f"play_{year}")
            time.sleep(PLAY_SECONDS_PER_YEAR)
    view = data.chart("map", state, _projector())
    with placeholder.container():
        show_chart(view, key="map_chart", on_select=_on_map_select)
    st.caption("Grey countries reported no data for this year; that is not the same as a low value. "
               "Markers show heroin-assisted treatment programmes. Click a country to add it to the selection.")


def _on_map_select() -> None:
    event = st.session_state.get("map_chart")
    for point in (event or {}).get("selection", {}).get("points", []):
        code = point.get("location") or point.get("customdata")
        if isinstance(code, list):
            code = code[0] if code else None
        if isinstance(code, str):
            filters.add_country("map", code)


def _with_year(state: ViewState, year: int) -> ViewState:
    return replace(state, year=year)


def trends_page() -> None:
    state = filters.current_state("trends")
    st.title("How have the numbers moved?")
    filters.trend_controls("trends", state)
    show_chart(data.chart("trend", state, _projector()), key="trend_chart")
    st.caption("Gaps are years a country did not report; lines are never drawn across them. Shaded bands mark "
               "heroin-assisted treatment trials and pilots; dotted lines mark the start of regular treatment.")
    national_companion(state)


def national_companion(state: ViewState) -> None:
    """Beside an EMCDDA death series: the same countries' figures as their national authorities publish them."""
    companion = views.national_companion_state(state, data.load_catalog())
    if companion is None:
        return
    view = data.chart("trend", companion, _projector())
    held = tuple(dict.fromkeys(view.data.loc[view.data["value"].notna(), "iso3"]))
    if not held:
        st.caption("No national figures as published are held for the countries shown.")
        return
    if held != companion.countries:  # only the countries (and parts) with national figures
        companion = replace(companion, countries=held)
        view = data.chart("trend", companion, _projector())
    st.subheader("Beside it: national figures as published, to the latest year")
    st.markdown("Each national authority counts with its own definition (in the hover of every value) and later "
                "revisions; these are not EMCDDA figures and are never joined to the line above.")
    show_chart(view, key="national_chart", panel_key="national")
    st.page_link("app_pages/trends.py", label="Open the national figures as the main chart",
                 query_params={key: value for key, value in to_params(companion, data.load_catalog()).items()
                               if key != "page"},
                 icon=":material/open_in_new:")


def programmes_page() -> None:
    state = filters.current_state("programmes", needs_statistics=False)
    st.title("Heroin-assisted treatment programmes")
    view = data.chart("timeline", state, _projector())
    show_chart(view, key="timeline_chart")
    programmes_table(view.data, state)
    claims = data.query("programme_claims", countries=list(state.countries))
    st.subheader("Where sources disagree")
    if claims.empty:
        st.info("No conflicting claims recorded for the selected countries.")
    disagreements: dict[tuple[str, str], list[dict]] = {}
    for claim in records(claims):
        disagreements.setdefault((claim["programme_name"], claim["field"]), []).append(claim)
    for (programme, field), group in disagreements.items():
        values = " vs ".join(f"**{v}**" for v in dict.fromkeys(claim["claimed_value"] for claim in group))
        with st.expander(f"Sources disagree — {programme}: {field.replace('_', ' ')} — {values}"):
            for claim in group:
                title, url = claim["source_title"], claim["source_url"]
                link = f"[{title}]({url})" if url else f"{title} (no URL: {claim['no_url_reason']})"
                st.markdown(f"- **{claim['claimed_value']}** ({claim['claim_status']}) — {link}. {claim['note'] or ''}")


def programmes_table(programmes: pd.DataFrame, state: ViewState) -> None:
    if programmes.empty:
        st.info("No heroin-assisted treatment programme recorded for the selected countries.")
        return
    st.dataframe(data.programme_table(state), hide_index=True, column_config={
        "First source": st.column_config.LinkColumn("First source")})
    st.subheader("Sources per fact")
    st.caption("Which page supports which field of each programme. 'secondary' marks an aggregator or forum page "
               "where no primary source was found; 'press' a newspaper or broadcaster.")
    by_programme: dict[str, list[dict]] = {}
    for row in records(data.query("programme_sources", countries=list(state.countries))):
        by_programme.setdefault(row["programme_id"], []).append(row)
    for row in records(programmes):
        cited = by_programme.get(row["programme_id"], [])
        with st.expander(f"{row['country']}: {row['programme_name']} ({len(cited)} sources by field)"):
            st.dataframe(pd.DataFrame({
                "Field": [c["field"].replace("_", " ") for c in cited],
                "Source": [c["source_title"] for c in cited],
                "Kind": [c["source_kind"] for c in cited],
                "Quote": [c["quote"] for c in cited],
                "Link": [c["source_url"] or f"no URL: {c['no_url_reason']}" for c in cited],
                "Read on": [c["accessed"] for c in cited]}),
                hide_index=True, column_config={"Link": st.column_config.LinkColumn("Link")})


def data_page() -> None:
    state = filters.current_state("data")
    st.title("Data and sources")
    st.markdown("Every chart's data as a table, with the SQL file and the parameters that produced it.")
    tabs = st.tabs(["Map data", "Trend data", "Programme data", "Definitions", "Sources and licences"])
    catalog = data.load_catalog()
    for tab, kind in zip(tabs[:3], ["map", "trend", "timeline"], strict=True):
        with tab:
            spec = views.chart_query(kind, catalog, state)  # the chart's own query, without drawing the chart
            st.markdown(f"**{spec.title}** — {spec.subtitle}")
            table = data.query(spec.query_name, **spec.params)
            st.dataframe(table, hide_index=True)
            st.markdown(f"Query file: `queries/{spec.query_name}.sql`; bound parameters:")
            st.json(spec.params, expanded=False)
            with st.expander("SQL"):
                st.code(db.load_query(spec.query_name), language="sql")
            st.caption(spec.source_line if kind == "timeline" else views.drawn_source_line(table))
    with tabs[3]:
        st.markdown("- National definitions of drug-induced deaths differ; the EMCDDA warns that absolute numbers "
                    "are not directly comparable between countries.\n"
                    "- The rate per million aged 15-64 is the EMCDDA's: deaths aged 15-64 (the ten age bands) over "
                    "the population aged 15-64. Our population is UN World Population Prospects 2017 (projections "
                    "after 2015), not the Eurostat population the EMCDDA uses; every rate shows the deaths and the "
                    "population it came from. Where the age bands are missing the rate is flagged as not the "
                    "EMCDDA's. 'Per million inhabitants' is a separate rate over the whole population.\n"
                    "- National figures as published are their own series, each value with the definition and "
                    "the page it was read from; they are never joined to the EMCDDA series.\n"
                    "- IHME GBD series are modelled estimates, not EMCDDA counts; Eurostat 'drug dependence' deaths "
                    "are a cause-of-death category far below drug-induced deaths. They are separate indicators.\n"
                    "- Empty cells mean 'not reported', never zero.")
        st.dataframe(data.definitions_table(), hide_index=True)
        st.subheader("Flags on values")
        st.caption("Shown with the value in every hover, table and export (columns quality_flags and value_note).")
        st.dataframe(data.query("quality_flag_list"), hide_index=True)
    with tabs[4]:
        sources = data.query("source_list")
        st.dataframe(sources, hide_index=True, column_config={"url": st.column_config.LinkColumn("url")})
        st.markdown("Map shapes: Natural Earth (public domain) via world-atlas 2.0.2 (ISC); base-map TopoJSON "
                    "from plotly.js 2.35.3 (MIT), served by this app so maps work offline.")
