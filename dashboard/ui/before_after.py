"""Before and after HAT (/before-after): countries aligned on the year their heroin-assisted treatment started,
the start year chosen from the claims where sources disagree (dashboard/before_after.py holds the logic).

Everything is in the URL: countries, event (regular or trial), measure (deaths or ost), index=1, compare=0, and
start_<ISO3>=<year> for a start year other than the register's.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import before_after, db, i18n, settings, site
from dashboard.i18n import N_, tr
from dashboard.ui import data, export_panel
from dashboard.ui.notices import link_notices, markdown_text
from dashboard.ui.pages import PLOTLY_CONFIG, show_table

COUNTRIES_KEY, EVENT_KEY, MEASURE_KEY, INDEX_KEY, COMPARE_KEY = (
    "w_ba_countries", "w_ba_event", "w_ba_measure", "w_ba_index", "w_ba_compare")
SYNCED = "_ba_synced"
YEARS_FROM_START = N_("Years from the start")  # the table's first column
Claims = dict[str, dict[str, list[before_after.StartClaim]]]  # per event, per country (register_claims)


def _start_key(iso3: str) -> str:
    return f"w_ba_start_{iso3}"


def _write_url(claims: Claims) -> None:
    """The widgets' values into the URL, as before_after.Settings writes a link (the page reads only the URL)."""
    event = st.session_state[EVENT_KEY]
    starts, register = [], []
    for iso3 in st.session_state[COUNTRIES_KEY]:
        years = [claim.year for claim in claims[event].get(iso3, [])]
        if years:
            picked = st.session_state.get(_start_key(iso3))
            starts.append((iso3, picked if picked in years else years[0]))
            register.append((iso3, years[0]))
    chosen = before_after.Settings(
        event=event, measure=st.session_state[MEASURE_KEY], starts=tuple(starts), register=tuple(register),
        index=st.session_state[INDEX_KEY], compare=st.session_state[COMPARE_KEY],
        projector=st.query_params.get("projector") == "1", lang=i18n.current())
    st.query_params.from_dict({key: value for key, value in chosen.to_params().items() if key != "page"})


def _sync_widgets(chosen: before_after.Settings) -> None:
    """A new URL (a link, back, a reload) sets the widgets; the widgets' own changes go to the URL."""
    query = repr(sorted(st.query_params.to_dict().items()))
    if st.session_state.get(SYNCED) == query:
        return
    st.session_state[SYNCED] = query
    st.session_state[COUNTRIES_KEY] = chosen.countries
    st.session_state[EVENT_KEY] = chosen.event
    st.session_state[MEASURE_KEY] = chosen.measure
    st.session_state[INDEX_KEY] = chosen.index
    st.session_state[COMPARE_KEY] = chosen.compare
    for iso3, year in chosen.starts:
        st.session_state[_start_key(iso3)] = year


def before_after_page() -> None:
    catalog = data.load_catalog()
    if not catalog.indicators:
        raise db.DataUnavailable(catalog.indicators_problem)
    names = {code: country.name for code, country in catalog.countries.items()}  # in the reader's language
    claims = before_after.register_claims(data.query, catalog)
    chosen, notices = before_after.read_params({"lang": i18n.current()} | st.query_params.to_dict(), claims, names)
    _sync_widgets(chosen)
    st.title(tr(site.BY_NAME[before_after.PAGE].heading))
    link_notices(notices)
    st.info(tr(before_after.CANNOT_SHOW), icon=":material/info:")
    left, right = st.columns(2)
    events = {event: tr(label) for event, label in before_after.EVENTS.items()}  # this run's language
    measures = {key: measure.shown_label for key, measure in before_after.MEASURES.items()}
    left.radio(tr("Align on the year"), list(before_after.EVENTS), key=EVENT_KEY, on_change=_write_url,
               args=(claims,), format_func=lambda event: events.get(event, str(event)), horizontal=True)
    right.radio(tr("Measure"), list(before_after.MEASURES), key=MEASURE_KEY, on_change=_write_url, args=(claims,),
                format_func=lambda key: measures.get(key, str(key)), horizontal=False)
    available = list(claims[chosen.event])
    st.session_state[COUNTRIES_KEY] = [code for code in st.session_state[COUNTRIES_KEY] if code in available]
    pickers = {code: catalog.picker_label(code) for code in available}  # this run's language
    st.multiselect(tr("Countries with HAT (of those with this start in our register)"), available,
                   key=COUNTRIES_KEY, format_func=lambda code: pickers.get(code, str(code)),
                   on_change=_write_url, args=(claims,))
    toggles = st.columns(2)
    toggles[0].toggle(tr("Index: the start year = 100"), key=INDEX_KEY, on_change=_write_url, args=(claims,))
    toggles[1].toggle(tr("Compare: mean of the countries without HAT, same years"), key=COMPARE_KEY,
                      on_change=_write_url, args=(claims,))
    if not chosen.starts:
        st.info(tr("Choose countries to align."), icon=":material/info:")
        return
    disputed = [iso3 for iso3 in chosen.countries if len(claims[chosen.event][iso3]) > 1]
    if disputed:
        st.markdown(tr("**Where sources disagree about the start year, choose the claim to align on:**"))
        for iso3 in disputed:
            options = claims[chosen.event][iso3]
            labels = {claim.year: claim.label for claim in options}  # this run's language
            st.selectbox(f"{names[iso3]}: {options[0].programme}", [claim.year for claim in options],
                         key=_start_key(iso3), on_change=_write_url, args=(claims,),
                         format_func=lambda year, labels=labels: labels.get(year, str(year)))
    _draw(chosen, names)


def _draw(chosen: before_after.Settings, names: dict[str, str]) -> None:
    try:
        # Built once per link and version of the extracts, as slides, embeds and the CLI draw it (dashboard/views.py).
        drawn, _ = data.linked_view(chosen.query_string())
    except ValueError as error:  # the extracts lack the measure
        st.info(markdown_text(tr("{problem} Rebuild them with `{command}`.", problem=error,
                                 command=settings.REBUILD_COMMAND)), icon=":material/info:")
        return
    st.subheader(drawn.title, anchor=False)
    st.caption(markdown_text(drawn.subtitle))
    aligned = drawn.data
    empty = [names[iso3] for iso3 in chosen.countries if aligned.loc[aligned["iso3"] == iso3, "value"].isna().all()]
    if empty:
        st.caption(markdown_text(tr("No value in the 21 years around the start, so no line: {countries}.",
                                    countries=", ".join(empty))))
    st.plotly_chart(drawn.screen_figure, config=PLOTLY_CONFIG, key="before_after_chart",
                    alt=drawn.summary)
    st.caption(markdown_text(drawn.source_line))
    st.caption(drawn.summary)
    export_panel.render(drawn, data_note=tr("Data exports hold the rows drawn: each country's value by year from "
                                            "its start, and the mean of the countries without HAT beside it."))
    table = _table(aligned, names)
    show_table(table, hide_index=True, column_config={  # as the chart's hover rounds them; a gap stays empty
        country: st.column_config.NumberColumn(country, format="%.1f") for country in table.columns[1:]})


def _table(aligned: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    wide = aligned.assign(country=aligned["iso3"].map(names)).pivot_table(
        index="relative_year", columns="country", values="value", aggfunc="first", dropna=False)
    wide.index.name = tr(YEARS_FROM_START)
    return wide.reset_index().map(lambda v: None if isinstance(v, float) and math.isnan(v) else v)
