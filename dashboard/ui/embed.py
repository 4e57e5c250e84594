"""The chart-only page for newsroom iframes (/embed): title, chart, notes and source, a link to the full view.

No sidebar, navigation or app chrome; everything fits a 700 px high iframe from 320 px wide, so the source line
is always in view. The view comes from the link alone (its `page` parameter names the chart), never from a
session, so every reader of an article sees the same chart.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from dashboard import export, i18n, site, views
from dashboard import state as view_state
from dashboard.i18n import tr
from dashboard.ui import data, export_panel
from dashboard.ui.notices import markdown_text
from dashboard.ui.pages import CHROME_CSS, PLOTLY_CONFIG, show_key

_EMBED_CSS = """<style>
[data-testid="stMainBlockContainer"] {padding: 0.5rem 0.75rem 0.25rem !important; max-width: 1200px;}
</style>"""
EMBED_HEIGHT_CUT = 400  # px off a chart's height in an iframe (the map 800 -> 400), so the source stays in view


def embed_page() -> None:
    st.html(CHROME_CSS + _EMBED_CSS)
    params = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    named = (params.get("lang") or [i18n.DEFAULT])[-1]
    # The link's language, not the reader's browser: every reader of an article sees the same chart and words.
    with i18n.language(named if i18n.is_known(named) else i18n.DEFAULT):
        _embed(params)


def _embed(params: dict[str, list[str]]) -> None:
    catalog = data.load_catalog()
    page = views.page_of(urlencode(params, doseq=True))
    if not site.has_view(page):
        st.info(tr("The {page} page has no chart that can be embedded; embed one of the charts it links to.",
                   page=tr(site.BY_NAME[page].title)), icon=":material/info:")
        return
    if site.BY_NAME[page].own_view:  # the country profile's chart, before-after: read from their own link
        try:
            view, notices = data.linked_view(urlencode(params, doseq=True, safe=","))
        except ValueError as error:
            st.info(markdown_text(str(error)), icon=":material/info:")
            return
    else:
        state, notices = view_state.parse_state(params, catalog)
        if not state.countries:
            st.info(tr("This embedded chart selects no country."))
            return
        view = data.chart(site.chart_of(state.page), state)
    if notices:
        st.caption(tr("Some of the link's settings could not be used:") + " " + markdown_text(" ".join(notices[:3])))
    figure = data.embed_figure(view, EMBED_HEIGHT_CUT)
    st.markdown(f"**{markdown_text(view.screen_title or view.title)}**")
    st.caption(markdown_text(view.subtitle))
    show_key(view)
    st.plotly_chart(figure, config=PLOTLY_CONFIG, alt=view.summary, key="embed_chart")
    # The source first: it must stay in view in a 700 px frame; the link back, then the data caveats follow it.
    st.caption(markdown_text(view.source_line))
    st.markdown("[" + tr("Open in Drug Policy Atlas ↗") + f"]({export.view_url(view, export_panel.app_base_url())})")
    if view.footnote:
        st.caption(markdown_text(view.footnote))
