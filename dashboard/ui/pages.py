"""The explorer's pages laid out: each reads the shared filters, gets its content, and renders it.

What a page shows is computed in dashboard/content.py (through the cached reader dashboard/ui/data.py); the render_*
functions lay a content object out, and the benchmark floor calls the same functions on content held in memory.
"""

from __future__ import annotations

import html
import weakref
from urllib.parse import urlencode

import pandas as pd
import pyarrow as pa
import streamlit as st

from dashboard import comparability, content, i18n, settings, site, tables
from dashboard.charts import ChartView
from dashboard.i18n import ntr, tr
from dashboard.state import ViewState
from dashboard.ui import data, export_panel, filters, session
from dashboard.ui.errors import guarded
from dashboard.ui.notices import markdown_text

MAP_VIEWS = ("Map", "Ranked bars")
PLOTLY_CONFIG = {"topojsonURL": settings.TOPOJSON_URL, "displaylogo": False,
                 "modeBarButtonsToRemove": ["sendDataToCloud"], "responsive": True}
# Streamlit's chrome hidden (the chart-only embed page, a presented slide): the sidebar, its toggle, the header.
CHROME_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stSidebarNav"], [data-testid="stToolbar"], [data-testid="stDecoration"] {display: none !important;}
</style>"""


def edition_notice() -> None:
    """On every page: which edition the EMCDDA series come from, that they end in 2017, and where newer figures are."""
    notice = data.edition_notice()
    if notice:
        st.sidebar.caption(notice)


def show_key(view: ChartView) -> None:
    """A chart's key as page text that wraps (figure meta `screen_key`, e.g. the programme timeline's groups)."""
    figure = view.screen_figure or view.figure
    meta = figure.layout.meta if isinstance(figure.layout.meta, dict) else {}
    items = meta.get("screen_key") or []
    if items:
        st.html("<div class='dpa-key' style='display:flex;flex-wrap:wrap;gap:4px 18px;font-size:14px'>" + "".join(
            f"<span><span style='color:{html.escape(str(item['colour']))}' aria-hidden='true'>"
            f"{html.escape(str(item['symbol']))}</span> {html.escape(str(item['label']))}</span>" for item in items)
            + "</div>")


def show_chart(view: ChartView, *, key: str, on_select=None, panel_key: str | None = None) -> object:
    """Draw a chart framed by text that wraps on any screen (title, filters, then notes and source), with its
    text summary (also its alt text) and its export panel."""
    st.subheader(view.screen_title or view.title, anchor=False)
    st.caption(markdown_text(view.subtitle))
    show_key(view)
    event = st.plotly_chart(view.screen_figure or view.figure, key=key, config=PLOTLY_CONFIG, alt=view.summary,
                            on_select=on_select or "ignore",
                            selection_mode="points" if on_select else ("points", "box", "lasso"))
    st.caption(markdown_text("\n".join(part for part in (view.footnote, view.source_line) if part)))
    st.caption(view.summary)
    export_panel.render(view, panel_key)
    return event


def show_comparability(notes: comparability.Comparability, key: str) -> None:
    """'Before comparing: 3 notes ...' under a chart of several countries, the notes themselves on request
    (drawn only while open, like the export panel)."""
    if not notes.brief:
        return
    panel = st.expander(notes.brief, icon=":material/balance:", key=f"comparability_{key}", on_change="rerun")
    if panel.open:
        with panel:
            for note in notes.notes:
                st.markdown(f"- {markdown_text(note.text)}")


def _state_with_countries(page: str) -> ViewState | None:
    """The page's state, or None after the page's title and a hint when the selection is empty (cleared)."""
    state = filters.current_state(page)
    if state.countries:
        return state
    st.title(tr(site.BY_NAME[page].heading))
    filters.no_countries_hint()
    return None


# The state fields each page's fragment owns: its own controls change them and only the fragment reruns.
MAP_OWNS = ("year", "colours", "animate")
TRENDS_OWNS = ("scale", "index_base")


def map_page() -> None:
    state = _state_with_countries("map")
    if state is None:
        return
    _map_fragment(state)
    profile_links(state)


PROFILE_LINKS = 12  # countries named in the links to their profiles; the rest counted


def profile_links(state: ViewState) -> None:
    """Under a chart: each shown country's name, linking to its profile (/country?country=NOR)."""
    countries = data.load_catalog().countries
    named = [code for code in state.countries if code in countries]
    if not named:
        return
    links = " · ".join(f"[{markdown_text(countries[code].name)}](country?country={code}{_lang_param()})"
                       for code in named[:PROFILE_LINKS])
    rest = len(named) - PROFILE_LINKS
    st.markdown(tr("**Country profiles:** {links}", links=links)
                + (ntr(" and {n} more (Country profiles page)", " and {n} more (Country profiles page)", rest)
                   if rest > 0 else ""))


def _lang_param() -> str:
    """A link to another page keeps the reader's language."""
    return "" if i18n.current() == i18n.ENGLISH else f"&lang={i18n.current()}"


@st.fragment
@guarded
def _map_fragment(drawn: ViewState) -> None:
    """Title, map controls, chart and text: a new map year, colour scale or view reruns only these."""
    state = filters.fragment_state("map", drawn, MAP_OWNS)
    ranked = st.session_state.get(session.MAP_VIEW) == MAP_VIEWS[1]  # only the chart shown is built and drawn
    render_map(data.page_content("map", state, ranked=ranked), controls=lambda: _map_controls(state))


def _map_controls(state: ViewState):
    """The page's widgets under the title; returns the chart's place."""
    filters.map_controls("map", state)
    return st.empty()


def render_map(page: content.MapContent, controls=None, on_select=None) -> None:
    """controls: draws the page's widgets under the title and returns the chart's place (the floor has none)."""
    st.title(page.title)
    placeholder = controls() if controls else st.empty()
    with placeholder.container():
        # A switch, not tabs: tabs built and drew both charts on every rerun, which slowed the map's repaint.
        shown = {"Map": tr("Map"), "Ranked bars": tr("Ranked bars")}  # this run's language
        st.segmented_control(tr("Show"), MAP_VIEWS, default=MAP_VIEWS[0], key=session.MAP_VIEW,
                             format_func=lambda view: shown.get(view, str(view)), label_visibility="collapsed")
        if page.ranked:
            show_chart(page.chart, key="ranking_chart", panel_key="ranking")
        else:
            show_chart(page.chart, key=session.MAP_CHART, on_select=on_select or _on_map_select)
            st.caption(page.note)
        show_comparability(page.comparability, key="map")


def _on_map_select() -> None:
    event = st.session_state.get(session.MAP_CHART)
    for point in (event or {}).get("selection", {}).get("points", []):
        code = point.get("location") or point.get("customdata")
        if isinstance(code, list):
            code = code[0] if code else None
        if isinstance(code, str):
            filters.add_country("map", code)


def trends_page() -> None:
    state = _state_with_countries("trends")
    if state is None:
        return
    _trends_fragment(state)
    profile_links(state)


@st.fragment
@guarded
def _trends_fragment(drawn: ViewState) -> None:
    """Title, axis and index controls, the charts and their text: a new axis or index reruns only these."""
    state = filters.fragment_state("trends", drawn, TRENDS_OWNS)
    render_trends(data.page_content("trends", state), controls=lambda: filters.trend_controls("trends", state))


def render_trends(page: content.TrendsContent, controls=None, in_app: bool = True) -> None:
    """in_app=False (the benchmark floor, a one-page app): the link to the trends page is drawn as Markdown."""
    st.title(page.title)
    if controls:
        controls()
    show_chart(page.chart, key="trend_chart")
    st.caption(page.note)
    show_comparability(page.comparability, key="trends")
    companion = page.companion
    if companion is None:
        return
    if companion.chart is None:
        st.caption(companion.empty_note)
        return
    st.subheader(companion.heading)
    st.markdown(companion.intro)
    show_chart(companion.chart, key="national_chart", panel_key="national")
    if in_app:
        st.page_link(site.BY_NAME["trends"].script, label=companion.link_label, query_params=companion.link_params,
                     icon=":material/open_in_new:")
    else:
        st.markdown(f"[{companion.link_label}](trends?{urlencode(companion.link_params)})")


def programmes_page() -> None:
    state = _state_with_countries("programmes")
    if state is None:
        return
    render_programmes(data.page_content("programmes", state))


def render_programmes(page: content.ProgrammesContent) -> None:
    st.title(page.title)
    show_chart(page.chart, key="timeline_chart")
    if page.table is None:
        st.info(page.empty_note)
    else:
        show_table(page.table, hide_index=True, column_config={
            tr("First source"): st.column_config.LinkColumn(tr("First source"))})
        export_panel.table_panel(page.chart.query_string, "programme_table")
        st.subheader(page.sources_heading)
        st.caption(page.sources_note)
        for cited in page.sources:
            with st.expander(cited.label):
                st.dataframe(cited.table, hide_index=True,
                             column_config={tr("Link"): st.column_config.LinkColumn(tr("Link"))})
    st.subheader(page.disagreements_heading)
    if not page.disagreements:
        st.info(page.no_disagreement_note)
    for disagreement in page.disagreements:
        with st.expander(disagreement.label):
            for line in disagreement.lines:
                st.markdown(line)


def data_page() -> None:
    state = _state_with_countries("data")
    if state is None:
        return
    render_data(data.page_content("data", state))


# Tables of cached page contents turned into Arrow once (turning pandas into Arrow for the browser at every rerun
# was an eighth of the server's CPU under load): id of the table -> its Arrow form, dropped when the table is (a
# finalizer), so this holds nothing the content caches have let go.
_ARROW: dict[int, pa.Table | None] = {}  # None: a column Arrow cannot type; Streamlit converts that table itself


def show_table(table: pd.DataFrame, **options) -> None:
    """st.dataframe of a page content's table (shared, read-only), sent as Arrow made once per table. In
    Norwegian its numbers are written '81,8' and '3 256' (Streamlit's printf formats know only the point)."""
    if i18n.current() != i18n.ENGLISH and options.get("column_config"):
        styled, options = _reader_numbers(table, options)
        if styled is not None:
            st.dataframe(styled, **options)
            return
    key = id(table)
    if key not in _ARROW:
        try:
            shown = pa.Table.from_pandas(table, preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError):
            shown = None
        if _ARROW.setdefault(key, shown) is shown:
            weakref.finalize(table, _ARROW.pop, key, None)
    st.dataframe(_ARROW.get(key) or table, **options)


def _reader_numbers(table: pd.DataFrame, options: dict):
    """The table styled with the reader's number formats, and the options without the formats they replace (a
    column_config format wins over a Styler's); (None, options) when no column needs it."""
    config, formats = dict(options["column_config"]), {}
    for column, setting in config.items():
        number_format = ((setting or {}).get("type_config") or {}).get("format") if isinstance(setting, dict) else None
        writer = tables.reader_number(number_format)
        if writer is not None and column in table.columns:
            formats[column] = writer
            config[column] = {**setting, "type_config": {**setting["type_config"], "format": None}}
    if not formats:
        return None, options
    return table.style.format(formats), {**options, "column_config": config}


def people_columns(table, unit: str | None = None, **overrides) -> dict:
    """Streamlit column settings from dashboard.tables.column_display: labels people read, rounded numbers."""
    config = {}
    for column, (label, number) in tables.column_display(table, unit).items():
        config[column] = (st.column_config.NumberColumn(label, format=number) if number
                          else st.column_config.Column(label))
    return config | overrides


def render_data(page: content.DataContent) -> None:
    st.title(page.title)
    st.markdown(page.intro)
    tabs = st.tabs([*(tr(item.tab) for item in page.charts), tr("Definitions"), tr("Before comparing"),
                    tr("Sources and licences")])
    for number, (tab, item) in enumerate(zip(tabs, page.charts, strict=False)):
        with tab:
            st.markdown(item.heading)
            show_table(tables.readable_cells(item.table), hide_index=True,
                       column_config=people_columns(item.table, tables.single_unit(item.table)))
            st.markdown(item.query_line)
            st.json(item.params, expanded=False)
            with st.expander("SQL"):
                st.code(item.sql, language=None, wrap_lines=True)  # highlighting colours fail contrast (axe)
            st.caption(item.source_line)
            if item.slide_query:
                export_panel.table_panel(item.slide_query, f"data_{number}")
    with tabs[len(page.charts)]:
        st.markdown(page.definitions_note)
        show_table(page.definitions, hide_index=True)
        st.subheader(page.flags_heading)
        st.caption(page.flags_note)
        show_table(page.flags, hide_index=True, column_config=people_columns(page.flags))
    with tabs[len(page.charts) + 1]:
        st.markdown(tr("What to know before comparing the countries of the trend chart's selection: the notes the "
                       "sources and the build put on their values (the map and trends pages say them briefly)."))
        if page.comparability.notes:
            show_table(page.comparability.table(), hide_index=True,
                       column_config={"note": st.column_config.TextColumn(width="large")})
        else:
            st.caption(tr("Nothing to note for one country, or for these values."))
    with tabs[len(page.charts) + 2]:
        show_table(page.sources, hide_index=True, column_config=people_columns(
            page.sources, url=st.column_config.LinkColumn(tr("Link"))))
        st.markdown(page.maps_note)
