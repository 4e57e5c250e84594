"""The shared filters: URL -> view state -> sidebar widgets, and widget changes -> URL.

The URL is the single source of truth. Widgets are (re)loaded from it whenever it changes outside
the widgets (a pasted link, the browser's back button); a widget change writes the URL.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard import charts, db, i18n, site
from dashboard import state as view_state
from dashboard.catalog import PRESET_LABELS, Catalog
from dashboard.i18n import tr
from dashboard.state import ViewState
from dashboard.ui import data, session
from dashboard.ui.notices import link_notices

CUSTOM = "custom"
EMBED_SCRIPT = "app_pages/embed.py"  # the chart-only page (app.py registers it at /embed)


def _shown_as(labels: dict) -> object:
    """A widget's format_func: each option's label in the reader's language (made once per run: the language
    is the run's); a value the page did not offer (a tampered one) shows as itself."""
    return lambda value: labels.get(value, str(value))


def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params.keys()}


def _write_url(state: ViewState, catalog: Catalog) -> None:
    """Replace the query string with the state's (the page itself lives in the path)."""
    params = view_state.to_params(state, catalog)
    params.pop("page")
    st.query_params.from_dict(params)
    st.session_state[session.SYNCED] = view_state.to_query_string(state, catalog)


def _load_widgets(state: ViewState, catalog: Catalog) -> None:
    st.session_state[session.COUNTRIES] = list(state.countries)
    st.session_state[session.PRESET] = next(
        (name for name in PRESET_LABELS if set(catalog.preset(name)) == set(state.countries)), CUSTOM)
    st.session_state[session.PROJECTOR] = state.projector
    if not catalog.indicators:
        return
    st.session_state[session.INDICATOR] = state.indicator
    st.session_state[session.YEARS] = (state.year_from, state.year_to)
    st.session_state[session.SEX] = state.sex
    st.session_state[session.AGE] = state.age_group
    st.session_state[session.YEAR] = state.year
    st.session_state[session.SCALE] = state.scale
    st.session_state[session.INDEX_ON] = state.index_base is not None
    # Turned on, an index starts from each country's first year (a fixed year drops the countries without it).
    st.session_state[session.INDEX_BASE] = view_state.FIRST_YEAR if state.index_base is None else state.index_base
    st.session_state[session.COLOURS] = state.colours
    st.session_state[session.ANIMATE] = state.animate


def _state_from_widgets(page: str, catalog: Catalog) -> ViewState:
    """Read the widgets into a state, corrected as a link would be (view_state.normalise)."""
    get = st.session_state.get
    countries = tuple(get(session.COUNTRIES) or ())  # cleared stays cleared: the page says how to choose
    projector = bool(get(session.PROJECTOR))
    if not catalog.indicators:
        return replace(view_state.default_state(catalog, page), countries=countries, projector=projector,
                       lang=i18n.current())
    # A widget's value comes from the browser: a websocket client can send any value for it (issue 18, finding
    # 17), so an unknown indicator keeps the link's and a malformed range falls back to the indicator's.
    indicator = (catalog.indicators.get(str(get(session.INDICATOR)))
                 or catalog.indicators.get(_url_state(page, catalog).indicator)
                 or next(iter(catalog.indicators.values())))
    years = get(session.YEARS)
    if not (isinstance(years, tuple | list) and len(years) == 2 and all(isinstance(y, int) for y in years)):
        years = (indicator.year_min, indicator.year_max)
    year_from, year_to = years
    base = ViewState(page=page, indicator=indicator.indicator_id, countries=countries, year_from=year_from,
                     year_to=year_to, year=get(session.YEAR, year_to), sex=get(session.SEX, "total"),
                     age_group=get(session.AGE, "total"), scale=get(session.SCALE, "linear"),
                     index_base=get(session.INDEX_BASE) if get(session.INDEX_ON) else None, projector=projector,
                     colours=get(session.COLOURS, "range"), animate=bool(get(session.ANIMATE)),
                     lang=i18n.current())
    return view_state.normalise(base, catalog)


def _on_change(page: str) -> None:
    """Write the widgets' state to the URL, then reload the widgets from the corrected state
    (a new indicator or year range can move the map year, index base year or breakdown)."""
    catalog = data.load_catalog()
    state = _state_from_widgets(page, catalog)
    _write_url(state, catalog)
    _load_widgets(state, catalog)


def _url_state(page: str, catalog: Catalog) -> ViewState:
    return view_state.parse_state(_url_params(), catalog, page=page, lang=i18n.current())[0]


def _on_preset(page: str) -> None:
    preset = st.session_state.get(session.PRESET)
    if preset in PRESET_LABELS:  # anything else (a tampered value too) leaves the selection as it is
        st.session_state[session.COUNTRIES] = list(data.load_catalog().preset(preset))
    _on_change(page)


def add_country(page: str, iso3: str) -> None:
    """Add a country to the selection (from a click on the map)."""
    catalog = data.load_catalog()
    selected = st.session_state.get(session.COUNTRIES, [])
    if iso3 in catalog.countries and iso3 not in selected:
        st.session_state[session.COUNTRIES] = [*selected, iso3]
        st.session_state[session.PRESET] = CUSTOM
        _on_change(page)


def current_state(page: str) -> ViewState:
    """Parse the URL, show what was corrected, draw the shared filters, and return the state.

    Pages whose chart needs the statistics raise DataUnavailable when those extracts are broken; the
    programme page (its chart needs no statistics) keeps working on countries alone."""
    catalog = data.load_catalog()
    if charts.CHARTS[site.chart_of(page)].needs_statistics and not catalog.indicators:
        raise db.DataUnavailable(catalog.indicators_problem)
    params = _url_params()
    if st.context.is_embedded:
        # Streamlit's own ?embed=true (kept out of st.query_params) hides only its toolbar; a newsroom iframe
        # wants the chart alone.
        st.switch_page(EMBED_SCRIPT, query_params={**params, "page": [page]})
    requested = (params.get("page") or [None])[-1]
    if requested in site.BY_NAME and requested != page:
        # Links from exports and decks name the page in the query string; open that page with the same filters.
        st.switch_page(site.BY_NAME[requested].script, query_params={k: v for k, v in params.items() if k != "page"})
    if session.SYNCED in st.session_state and not set(params) & set(view_state.KNOWN_KEYS):
        # A page reached without filters in its URL (e.g. back from the meeting page) keeps the session's filters.
        previous, _ = view_state.from_query_string(st.session_state[session.SYNCED], catalog)
        restored = {key: [value] for key, value in view_state.to_params(previous, catalog).items()
                    if key not in ("page", "lang")}  # the language is the session's (dashboard/ui/language.py)
        params = {**restored, **params}
        st.query_params.from_dict(params)
    state, notices = view_state.parse_state(params, catalog, page=page, lang=i18n.current())
    link_notices(notices)
    canonical = view_state.to_query_string(replace(state, page=page), catalog)
    if st.session_state.get(session.SYNCED) != canonical:
        _load_widgets(state, catalog)
        st.session_state[session.SYNCED] = canonical
    _draw_sidebar(page, state, catalog)
    return state


def fragment_state(page: str, drawn: ViewState, owns: tuple[str, ...]) -> ViewState:
    """The state a page's fragment draws. The fragment (the page's own controls, its chart and their text)
    reruns alone when one of its widgets changes the fields it owns, so a new map year does not redraw the
    sidebar; its widgets' callbacks have written the new state to the URL. A change beyond those fields (a
    click on the map adds a country the sidebar must list) reruns the whole page instead."""
    synced = st.session_state.get(session.SYNCED)
    if not synced:
        return drawn
    state = replace(view_state.from_query_string(synced, data.load_catalog())[0], page=page)
    beyond = replace(state, **{name: getattr(drawn, name) for name in owns}) != drawn
    if beyond and st.session_state.get(session.WHOLE_PAGE_RERUN) != synced:
        st.session_state[session.WHOLE_PAGE_RERUN] = synced  # once per state: never a loop of reruns
        st.rerun(scope="app")
    return state


def _draw_sidebar(page: str, state: ViewState, catalog: Catalog) -> None:
    sidebar = st.sidebar
    sidebar.header(tr("Filters"))
    if not catalog.indicators:
        _draw_country_filters(page, catalog)
        sidebar.warning(tr("Statistics are unavailable (see the message on the statistics pages); "
                           "programme information still works."))
        return
    indicator = catalog.indicators[state.indicator]
    sidebar.selectbox(tr("Indicator"), list(catalog.indicators), key=session.INDICATOR,
                      format_func=_shown_as({key: shown.label for key, shown in catalog.indicators.items()}),
                      on_change=_on_change, args=(page,), help=indicator.definition)
    with sidebar.popover(tr("What does this indicator measure?")):
        st.markdown(f"**{indicator.label}** ({indicator.unit_label})\n\n{indicator.definition}\n\n"
                    + tr("**Caveat:** {caveat}", caveat=indicator.caveat) + "\n\n"
                    + tr("**Source:** {source}", source=indicator.attribution))
    _draw_country_filters(page, catalog)
    if indicator.year_min < indicator.year_max:
        sidebar.slider(tr("Years"), indicator.year_min, indicator.year_max, key=session.YEARS,
                       on_change=_on_change, args=(page,))
    if len(indicator.sexes) > 1:
        sidebar.radio(tr("Sex"), indicator.sexes, key=session.SEX, horizontal=True, on_change=_on_change,
                      args=(page,),
                      format_func=_shown_as({"total": tr("All"), "male": tr("Men"), "female": tr("Women")}))
    ages = [age for age in indicator.age_groups if f"{state.sex}/{age}" in indicator.breakdowns]
    if len(ages) > 1:
        sidebar.selectbox(tr("Age group"), ages, key=session.AGE, on_change=_on_change, args=(page,),
                          format_func=_shown_as({age: tr("All ages") if age == "total" else age for age in ages}))
    elif len(indicator.age_groups) > 1:
        sidebar.caption(tr("Age groups are reported for both sexes together only."))
    sidebar.toggle(tr("Projector mode (large type, high contrast)"), key=session.PROJECTOR, on_change=_on_change,
                   args=(page,), help=tr("Kept in the link, so a shared or reopened view stays in projector mode."))


def _draw_country_filters(page: str, catalog: Catalog) -> None:
    st.sidebar.selectbox(tr("Country group"), [CUSTOM, *PRESET_LABELS], key=session.PRESET,
                         format_func=_shown_as({CUSTOM: tr("Custom selection"),
                                      **{name: tr(label) for name, label in PRESET_LABELS.items()}}),
                         on_change=_on_preset, args=(page,))
    st.sidebar.multiselect(tr("Countries"), list(catalog.countries), key=session.COUNTRIES,
                           format_func=_shown_as(data.country_labels()),
                           on_change=_on_change, args=(page,),
                           help=tr("Countries shown on every page. Clicking a country on the map adds it."))


def map_controls(page: str, state: ViewState) -> None:
    """The map's year slider (within the selected range), its colour scale and 'Play years' (in the browser)."""
    several_years = state.year_from < state.year_to
    slider_column, scale_column, play_column = st.columns([4, 2, 1], vertical_alignment="bottom")
    if several_years:
        slider_column.slider(tr("Map year"), state.year_from, state.year_to, key=session.YEAR, on_change=_on_change,
                             args=(page,))
    years = i18n.year_range(state.year_from, state.year_to)
    scale_column.selectbox(
        tr("Colour scale"), view_state.COLOUR_SCALES, key=session.COLOURS, on_change=_on_change, args=(page,),
        format_func=_shown_as({"range": tr("One scale for {years}", years=years), "year": tr("Each year its own")}),
        help=tr("One scale: a colour means the same value in every year of the selected range, so years compare. "
                "Each year its own: more contrast within one year, but colours do not compare across years."))
    if several_years:
        play_column.toggle(tr("Play years"), key=session.ANIMATE, on_change=_on_change, args=(page,),
                           help=tr("Adds Play, Pause and Stop and a year slider under the map; the years play in "
                                   "your browser, also offline, and in the exported HTML file."))


def trend_controls(page: str, state: ViewState) -> None:
    left, middle, right = st.columns([1, 1, 1])
    left.radio(tr("Axis"), ["linear", "log"], key=session.SCALE, horizontal=True, on_change=_on_change,
               args=(page,), format_func=_shown_as({"linear": tr("Linear"), "log": tr("Log")}))
    middle.toggle(tr("Index to a base year"), key=session.INDEX_ON, on_change=_on_change, args=(page,))
    if st.session_state.get(session.INDEX_ON):
        first_year = tr("Each country's first year")
        right.selectbox(tr("Base year (= 100)"), [view_state.FIRST_YEAR, *range(state.year_from, state.year_to + 1)],
                        key=session.INDEX_BASE, on_change=_on_change, args=(page,),
                        format_func=lambda year: first_year if year == view_state.FIRST_YEAR
                        else str(year))


def no_countries_hint() -> None:
    """How to choose, for a selection the user cleared to start afresh."""
    st.info(tr("**No country selected.** Type a country's name in **Countries** in the sidebar (for example "
               "\"Norway\"), or pick a **Country group**."), icon=":material/travel_explore:")
