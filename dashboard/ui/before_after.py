"""Before and after HAT (/before-after): countries aligned on the year their heroin-assisted treatment started,
the start year chosen from the claims where sources disagree (dashboard/before_after.py holds the logic).

Everything is in the URL: countries, event (regular or trial), measure (deaths or ost), index=1, compare=0, and
start_<ISO3>=<year> for a start year other than the register's.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import before_after, db, figures, settings, site
from dashboard import state as view_state
from dashboard.ui import data, export_panel
from dashboard.ui.pages import PLOTLY_CONFIG, markdown_text, show_table

PAGE = "before-after"
DEFAULT_COUNTRIES = ("DNK", "DEU", "NLD", "CHE")
COUNTRIES_KEY, EVENT_KEY, MEASURE_KEY, INDEX_KEY, COMPARE_KEY = (
    "w_ba_countries", "w_ba_event", "w_ba_measure", "w_ba_index", "w_ba_compare")
SYNCED = "_ba_synced"


def _start_key(iso3: str) -> str:
    return f"w_ba_start_{iso3}"


def _choice(value: str | None, allowed, default: str, name: str, notices: list[str]) -> str:
    if value is None:
        return default
    if value in allowed:
        return value
    notices.append(f"'{name}' must be one of {', '.join(allowed)}, not {view_state.shown(value)}; "
                   f"{default} is shown.")
    return default


def _read_url(claims: dict[str, list[before_after.StartClaim]], names: dict[str, str]) -> tuple[dict, list[str]]:
    notices: list[str] = []
    params = st.query_params
    event = _choice(params.get("event"), tuple(before_after.EVENTS), "regular", "event", notices)
    measure = _choice(params.get("measure"), tuple(before_after.MEASURES), "deaths", "measure", notices)
    wanted = [code.strip().upper() for code in str(params.get("countries", ",".join(DEFAULT_COUNTRIES))).split(",")
              if code.strip()][:20]
    countries = [code for code in wanted if code in claims[event]]
    left_out = [code for code in wanted if code not in claims[event]]
    if left_out:
        notices.append(f"No {before_after.EVENT_NAMES[event]} start in our register for "
                       f"{', '.join(view_state.shown(names.get(code, code), 20) for code in left_out[:5])}: "
                       "not drawn.")
    starts = {}
    for iso3 in countries:
        options = {claim.year: claim for claim in claims[event][iso3]}
        asked = params.get(f"start_{iso3}")
        year = int(asked) if asked and asked.isdigit() and int(asked) in options else options and next(iter(options))
        if asked and (not asked.isdigit() or int(asked) not in options):
            notices.append(f"{names[iso3]}: no source claims {view_state.shown(asked, 8)} as the start; the "
                           f"register's {year} is used.")
        starts[iso3] = year
    return {"event": event, "measure": measure, "countries": countries, "starts": starts,
            "index": params.get("index") == "1", "compare": params.get("compare") != "0"}, notices


def _write_url() -> None:
    """The widgets' values into the URL (the page reads only the URL)."""
    event = st.session_state[EVENT_KEY]
    params = {"countries": ",".join(st.session_state[COUNTRIES_KEY]), "event": event,
              "measure": st.session_state[MEASURE_KEY]}
    if st.session_state[INDEX_KEY]:
        params["index"] = "1"
    if not st.session_state[COMPARE_KEY]:
        params["compare"] = "0"
    for iso3 in st.session_state[COUNTRIES_KEY]:
        picked = st.session_state.get(_start_key(iso3))
        if picked is not None and picked != st.session_state.get(f"_ba_register_{iso3}"):
            params[f"start_{iso3}"] = str(picked)
    st.query_params.from_dict(params)


def _sync_widgets(view: dict) -> None:
    """A new URL (a link, back, a reload) sets the widgets; the widgets' own changes go to the URL."""
    query = repr(sorted(st.query_params.to_dict().items()))
    if st.session_state.get(SYNCED) == query:
        return
    st.session_state[SYNCED] = query
    st.session_state[COUNTRIES_KEY] = view["countries"]
    st.session_state[EVENT_KEY] = view["event"]
    st.session_state[MEASURE_KEY] = view["measure"]
    st.session_state[INDEX_KEY] = view["index"]
    st.session_state[COMPARE_KEY] = view["compare"]
    for iso3, year in view["starts"].items():
        st.session_state[_start_key(iso3)] = year


def before_after_page() -> None:
    catalog = data.load_catalog()
    if not catalog.indicators:
        raise db.DataUnavailable(catalog.indicators_problem)
    names = {code: country.name_en for code, country in catalog.countries.items()}
    hat = sorted(code for code, country in catalog.countries.items() if country.has_hat_programme)
    programmes = data.query("programmes", countries=hat)
    programme_claims = data.query("programme_claims", countries=hat)
    claims = {event: before_after.start_claims(programmes, programme_claims, event) for event in before_after.EVENTS}
    view, notices = _read_url(claims, names)
    _sync_widgets(view)
    st.title(site.BY_NAME[PAGE].heading)
    if notices:
        st.warning("**Some of the link's settings could not be used:**\n\n"
                   + "\n".join(f"- {markdown_text(notice)}" for notice in notices[:6]), icon=":material/warning:")
    st.info(before_after.CANNOT_SHOW, icon=":material/info:")
    left, right = st.columns(2)
    left.radio("Align on the year", list(before_after.EVENTS), key=EVENT_KEY, on_change=_write_url,
               format_func=lambda event: before_after.EVENTS[event], horizontal=True)
    right.radio("Measure", list(before_after.MEASURES), key=MEASURE_KEY, on_change=_write_url,
                format_func=lambda key: before_after.MEASURES[key].label, horizontal=False)
    available = list(claims[view["event"]])
    st.session_state[COUNTRIES_KEY] = [code for code in st.session_state[COUNTRIES_KEY] if code in available]
    st.multiselect("Countries with HAT (of those with this start in our register)", available, key=COUNTRIES_KEY,
                   format_func=lambda code: f"{names[code]} ({catalog.countries[code].name_no})"
                   if catalog.countries[code].name_no not in (None, names[code]) else names[code],
                   on_change=_write_url)
    toggles = st.columns(2)
    toggles[0].toggle("Index: the start year = 100", key=INDEX_KEY, on_change=_write_url)
    toggles[1].toggle("Compare: mean of the countries without HAT, same years", key=COMPARE_KEY,
                      on_change=_write_url)
    if not view["countries"]:
        st.info("Choose countries to align.", icon=":material/info:")
        return
    disputed = [iso3 for iso3 in view["countries"] if len(claims[view["event"]][iso3]) > 1]
    if disputed:
        st.markdown("**Where sources disagree about the start year, choose the claim to align on:**")
        for iso3 in disputed:
            options = claims[view["event"]][iso3]
            st.session_state[f"_ba_register_{iso3}"] = options[0].year
            st.selectbox(f"{names[iso3]}: {options[0].programme}", [claim.year for claim in options],
                         key=_start_key(iso3), on_change=_write_url,
                         format_func=lambda year, options=options: next(c.label for c in options if c.year == year))
    _draw(view, names, catalog)


def _draw(view: dict, names: dict[str, str], catalog) -> None:
    measure = before_after.MEASURES[view["measure"]]
    if measure.indicator_id not in catalog.indicators:
        st.info(f"{measure.label}: not in these extracts (rebuild them with `{settings.REBUILD_COMMAND}`).",
                icon=":material/info:")
        return
    # Built once per view and version of the extracts (a rerun for an unrelated widget draws the same chart).
    drawn = data.before_after_view(measure.key, view["event"], view["starts"], index=view["index"],
                                   compare=view["compare"],
                                   query_string=urlencode({"page": PAGE, **st.query_params.to_dict()}))
    st.subheader(drawn.title, anchor=False)
    st.caption(markdown_text(drawn.subtitle))
    aligned = drawn.data
    empty = [names[iso3] for iso3 in view["starts"] if aligned.loc[aligned["iso3"] == iso3, "value"].isna().all()]
    if empty:
        st.caption(markdown_text(f"No value in the 21 years around the start, so no line: {', '.join(empty)}."))
    st.plotly_chart(figures.screen_figure(drawn.figure), config=PLOTLY_CONFIG, key="before_after_chart",
                    alt=drawn.summary)
    st.caption(markdown_text(drawn.source_line))
    st.caption(drawn.summary)
    export_panel.render(drawn, data_note="Data exports hold the rows drawn: each country's value by year from its "
                                         "start, and the mean of the countries without HAT beside it.", shared=False)
    show_table(_table(aligned, names), hide_index=True)


def _table(aligned: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    wide = aligned.assign(country=aligned["iso3"].map(names)).pivot_table(
        index="relative_year", columns="country", values="value", aggfunc="first", dropna=False)
    wide.index.name = "Years from the start"
    return wide.reset_index().map(lambda v: None if isinstance(v, float) and math.isnan(v) else v)
