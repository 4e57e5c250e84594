"""The country profile page (/country?country=NOR): every series we hold for one country, its HAT programmes,
the claims about it and what we do not hold (the content: dashboard/profiles.py)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard import db, i18n, profiles, site, vocabulary
from dashboard import state as view_state
from dashboard.i18n import N_, tr
from dashboard.ui import data, export_panel, session
from dashboard.ui.notices import markdown_text
from dashboard.ui.pages import PLOTLY_CONFIG, show_key, show_table

PAGE = "country"
# The profile tables' other columns (dashboard/profiles.py names them in English), headed in the reader's language.
SERIES_COLUMNS = (N_("Series"), N_("Value"), N_("Rank"), N_("Years"))
CLAIM_COLUMNS = (N_("Said by"), N_("Our verdict"), N_("Why"))


def _on_pick() -> None:
    picked = st.session_state.get(session.PROFILE_COUNTRY)
    if picked:
        st.query_params["country"] = picked


def country_page() -> None:
    catalog = data.load_catalog()
    if not catalog.indicators:
        raise db.DataUnavailable(catalog.indicators_problem)
    iso3, notice = profiles.resolve_country(st.query_params.get("country"), catalog)
    st.title(tr(site.BY_NAME[PAGE].heading) if iso3 is None else catalog.countries[iso3].name)
    if notice:
        st.warning(markdown_text(notice), icon=":material/warning:")
    names = {code: country.name for code, country in catalog.countries.items()}
    picker = {code: catalog.picker_label(code) for code in catalog.countries}  # labelled in this run
    if iso3 is not None:
        st.session_state[session.PROFILE_COUNTRY] = iso3
    # Norwegian names are searched too: 'Sveits' finds Switzerland.
    st.selectbox(tr("Country"), sorted(names, key=names.get), key=session.PROFILE_COUNTRY, on_change=_on_pick,
                 index=None, placeholder=tr("Choose a country (English or Norwegian name)"),
                 format_func=lambda code, shown=picker: shown.get(code, code))
    if iso3 is None:
        st.info(tr("Pick a country to see every series we hold for it, its heroin-assisted treatment programmes "
                   "and the claims about it."), icon=":material/info:")
        return
    state = replace(view_state.default_state(catalog, PAGE), lang=i18n.current())
    render_country(data.page_content(PAGE, state, country=iso3))


def render_country(page: profiles.CountryContent) -> None:
    st.caption(markdown_text(page.subtitle))
    st.subheader(tr("Every series we hold, latest value"), anchor=False)
    if page.series.empty:
        st.info(tr("We hold no series for {country}.", country=page.title), icon=":material/info:")
    else:
        shown = page.series.drop(columns=["indicator_id"])
        show_table(shown, hide_index=True, column_config={
            "Year": st.column_config.NumberColumn(tr("Year"), format="%d"),
            "Over the years": st.column_config.LineChartColumn(tr("Over the years"), width="small"),
            "Open": st.column_config.LinkColumn(tr("On the Trends page"), display_text=tr("Open the series")),
            "Source": st.column_config.TextColumn(tr("Source"), width="medium"),
            **{column: st.column_config.Column(tr(column)) for column in SERIES_COLUMNS if column in shown}})
        st.caption(markdown_text(page.rank_note))
    if page.pair is not None:
        view = page.pair
        st.subheader(view.title, anchor=False)
        st.caption(markdown_text(view.subtitle))
        st.plotly_chart(view.screen_figure, config=PLOTLY_CONFIG, key="country_pair",
                        alt=view.summary)
        st.caption(markdown_text("\n".join(part for part in (page.pair_note, view.source_line) if part)))
        export_panel.render(view, data_note=tr("Data exports hold both series' rows of queries/indicator_trend.sql "
                                               "for the country (column indicator_id says which)."))
    elif page.pair_note:
        st.caption(markdown_text(page.pair_note))
    if page.missing:
        st.subheader(tr("What we do not hold for {country}", country=page.title), anchor=False)
        for topic, labels in page.missing:
            st.markdown(f"- **{markdown_text(vocabulary.topic(topic))}**: {markdown_text('; '.join(labels))}")
    st.subheader(tr("Heroin-assisted treatment"), anchor=False)
    if page.programmes is None:
        st.info(tr("No heroin-assisted treatment programme for {country} in our register.", country=page.title),
                icon=":material/info:")
    else:
        view = page.programmes
        st.caption(markdown_text(view.subtitle))
        show_key(view)
        st.plotly_chart(view.screen_figure or view.figure, config=PLOTLY_CONFIG, alt=view.summary,
                        key="country_timeline")
        st.caption(markdown_text("\n".join(part for part in (view.footnote, view.source_line) if part)))
        if page.programme_table is not None:
            show_table(page.programme_table, hide_index=True, column_config={
                tr("First source"): st.column_config.LinkColumn(tr("First source"))})
    st.subheader(tr("Claims about {country} from the news", country=page.title), anchor=False)
    if page.claims.empty:
        st.info(tr("No claim about this country in our register."), icon=":material/info:")
    else:
        show_table(page.claims, hide_index=True, column_config={
            "Check": st.column_config.LinkColumn(tr("On the Claims page"), display_text=tr("See the check")),
            "Claim": st.column_config.TextColumn(tr("Claim"), width="large"),
            **{column: st.column_config.Column(tr(column)) for column in CLAIM_COLUMNS if column in page.claims}})
    if page.notes:
        st.subheader(tr("Notes on these values"), anchor=False)
        for note in page.notes:
            st.markdown(f"- {markdown_text(note)}")
