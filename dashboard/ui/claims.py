"""The Claims page: check a number from the news against every series we hold, check a ranking, and the
register of claims from the seed articles and the press, each beside the data.

The check and the register claim shown live in the URL (?check=NOR,2015,81,per_million&claim=...), so a check
is a link, a slide and an export like any view; the form and the register only write them there."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import claim_check, db, i18n, site
from dashboard import state as view_state
from dashboard.claim_check import view as claim_view
from dashboard.claim_check.change import TIMES
from dashboard.figures import records
from dashboard.figures.claim import VERDICT_COLOURS, VERDICT_LABELS, verdict_label
from dashboard.i18n import N_, tr
from dashboard.ui import data
from dashboard.ui.notices import link_notices, markdown_text
from dashboard.ui.pages import show_chart, show_table

PAGE = "claims"
FORM_COUNTRY, FORM_YEAR, FORM_VALUE, FORM_UNIT, FORM_COUNTS = (f"claims_form_{name}" for name in (
    "country", "year", "value", "unit", "counts"))
RANK_COUNTRY, RANK_YEAR, RANK_N, RANK_TOP, RANK_SCOPE = (f"claims_rank_{name}" for name in (
    "country", "year", "rank", "top", "scope"))
REGISTER_TABLE = "claims_register_table"
REGISTER_VERDICTS, REGISTER_COUNTRIES, REGISTER_SEARCH = "claims_verdicts", "claims_countries", "claims_search"
FORM_ERROR = "claims_form_error"
RANK_RESULT = "claims_rank_result"
UNIT_LABELS = {unit: label for unit, (_, _, label) in claim_check.UNITS.items()}


TABS = "claims_tab"
NUMBER_TAB, RANK_TAB = N_("Check a number"), N_("Check a ranking")


def _with_language(params: dict[str, str]) -> dict[str, str]:
    """A link's parameters with the reader's language (lang=nb; English, the default, is left out)."""
    return params | ({"lang": i18n.current()} if i18n.current() != i18n.DEFAULT else {})


def claims_page() -> None:
    catalog = data.load_catalog()
    if not catalog.indicators:
        raise db.DataUnavailable(catalog.indicators_problem)
    params = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    state, notices = view_state.parse_state(params, catalog, page=PAGE, lang=i18n.current())
    st.title(tr(site.BY_NAME[PAGE].heading))
    link_notices(notices)
    st.markdown(tr("Give a number as it was printed, with its country, year and unit: we look for it in every "
                   "series we hold and say which one it is, how close it comes and what would make it right. "
                   "**Matches**: equal at the number's own rounding (81 fits 81.3). **Close**: within 5%. **Not "
                   "comparable**: a figure of another denominator, unit or definition, or of a part of the country. "
                   "**No data**: we hold no value for it, which is never read as zero."))
    register = data.query("claim_register")
    number_tab, rank_tab = tr(NUMBER_TAB), tr(RANK_TAB)  # this run's language
    register_tab = tr("Claims from the news ({count})", count=i18n.number(len(register)))
    if st.session_state.get(TABS) not in (number_tab, rank_tab, register_tab, None):
        st.session_state.pop(TABS)  # a tab of the other language (the switch was used): the link's default
    # A link to a register claim opens the register; the tab is a widget, so only the open one is drawn.
    number, rank, claims = st.tabs([number_tab, rank_tab, register_tab], key=TABS, on_change="rerun",
                                   default=register_tab if state.claim else number_tab)
    if number.open:
        with number:
            _check_form(catalog, state)
            if state.check and not state.claim:
                _show_check(state)
    if rank.open:
        with rank:
            _rank_form(catalog)
    if claims.open:
        with claims:
            _register_table(register, catalog)
            chosen = _register_row(register, state.claim)
            if chosen is not None:
                _show_register_claim(chosen)
                if state.check:
                    _show_check(state)


def _register_row(register: pd.DataFrame, claim_id: str) -> dict | None:
    if not claim_id:
        return None
    found = records(register[register["claim_id"] == claim_id])
    if not found:
        st.warning(tr("There is no claim {claim} in the register.", claim=markdown_text(claim_id)),
                   icon=":material/warning:")
        return None
    return found[0]


def verdict_badge(verdict: str) -> str:
    """The verdict as coloured HTML (colours from the claim figure's, each at least 4.5:1 on white)."""
    return (f"<span style='font-weight:700;font-size:1.25rem;color:{VERDICT_COLOURS[verdict]}'>"
            f"{verdict_label(verdict)}</span>")


def _show_register_claim(row: dict) -> None:
    """The claim as printed (quote, who, where, when), our verdict and reason, and today's check."""
    with st.container(border=True):
        st.markdown(tr("**Claim {claim}**: {claimant}, {outlet}, {published}", claim=markdown_text(row["claim_id"]),
                       claimant=markdown_text(row["claimant"] or ""), outlet=markdown_text(row["outlet"] or ""),
                       published=markdown_text(row["published"] or "")))
        st.markdown("> " + markdown_text(row["quote"]).replace("  \n", "  \n> "))  # as printed: a quotation
        if row["url"]:
            st.link_button(tr("Open the article"), row["url"], icon=":material/open_in_new:")
        else:
            st.caption(tr("No link: {reason}", reason=markdown_text(row["no_url_reason"] or "")))
        if row["note"]:
            st.caption(markdown_text(row["note"]))
        st.html("<div>" + tr("Our verdict: {verdict}", verdict=verdict_badge(row["verdict"])) + "</div>")
        st.markdown(markdown_text(row["reason"]))
        checked = claim_check.check_register_row(data.connection(), data.load_catalog(), row)
        if checked is None:
            st.caption(tr("Checked by hand against the HAT register or other sources: the reason names them."))
        elif checked.verdict != row["verdict"]:
            st.warning(tr("Today's check of this edition says **{verdict}**: {summary}",
                          verdict=verdict_label(checked.verdict), summary=markdown_text(checked.summary)),
                       icon=":material/warning:")
        if checked is not None and isinstance(checked.detail, claim_check.RankCheck):
            _show_ranking(checked.detail)


def _show_check(state: view_state.ViewState) -> None:
    """The verdict on the URL's check, the chart of the number beside the series, and every candidate."""
    view = data.chart("claim_check", state)
    result = claim_view.check_of_rows(view.data, state.check)  # the check the chart was drawn from
    country = result.claim.country
    st.html(f"<div>{markdown_text(result.claim.describe())}: {verdict_badge(result.verdict)}</div>")
    st.markdown(markdown_text(result.summary))
    with st.expander(tr("The reason in full, with every source")):
        st.markdown(markdown_text(result.explanation))
    show_chart(view, key="claim_chart")
    st.markdown(tr("**Every series we hold for {country} in {year}**", country=markdown_text(country),
                   year=result.claim.year))
    table = _candidate_table(result)
    show_table(table.rename(columns={column: tr(column) for column in table.columns}), hide_index=True)


def _candidate_table(result: claim_check.Check) -> pd.DataFrame:
    """The candidates of the claim's year in words and numbers of the reader's language (column names: tr())."""
    unit = result.claim.unit
    return pd.DataFrame([{
        N_("series"): c.label, N_("place"): c.place, N_("value"): claim_check.format_number(c.value, c.unit),
        N_("unit"): claim_check.unit_text(c.unit),
        N_("in the claim's unit"): claim_check.format_number(c.value_in_claim_unit,
                                                             unit if c.relation != "different_unit" else c.unit),
        N_("relation to the claim"): tr(claim_check.RELATION_LABELS[c.relation]),
        N_("claim vs value"): "" if c.difference_pct is None else i18n.percent(c.difference_pct, 1, sign=True),
        N_("fits"): tr(claim_check.AGREEMENTS.get(c.agreement, c.agreement)) if c.agreement else tr("not reported"),
        N_("source"): c.source, N_("edition"): c.edition} for c in result.candidates],
        columns=["series", "place", "value", "unit", "in the claim's unit", "relation to the claim",
                 "claim vs value", "fits", "source", "edition"])


def _country_options(catalog) -> list[str]:
    return sorted(catalog.countries, key=lambda iso3: catalog.countries[iso3].name)  # in the reader's language


def _picker(catalog):
    """A country picker's format_func: each name in both languages, the reader's first, as labelled in this run
    (a widget may format its options outside the run's language)."""
    labels = {iso3: catalog.picker_label(iso3) for iso3 in catalog.countries}
    return lambda iso3: labels.get(iso3, str(iso3))


def _submit_check() -> None:
    catalog = data.load_catalog()
    get = st.session_state.get
    try:
        claim = claim_check.make_claim(catalog, get(FORM_COUNTRY) or "", get(FORM_YEAR), get(FORM_VALUE) or "",
                                       get(FORM_UNIT), get(FORM_COUNTS) or claim_check.DEFAULT_COUNTS)
    except claim_check.CheckInputError as error:
        st.session_state[FORM_ERROR] = str(error)
        return
    st.session_state.pop(FORM_ERROR, None)
    st.query_params.from_dict(_with_language({"check": claim.spec}))  # a new number: no register claim any more
    st.session_state.pop(REGISTER_TABLE, None)  # nor a row picked in the register


def _check_form(catalog, state: view_state.ViewState) -> None:
    first, last = claim_check.year_range(catalog)
    if state.check and FORM_VALUE not in st.session_state:  # a link's check fills the form once
        iso3, year, value, unit, *counts = state.check.split(",")
        st.session_state.update({FORM_COUNTRY: iso3, FORM_YEAR: int(year), FORM_VALUE: value, FORM_UNIT: unit,
                                 FORM_COUNTS: counts[0] if counts else claim_check.DEFAULT_COUNTS})
    options = _country_options(catalog)
    # Defaults through the session (a widget given both a default and a session value warns).
    st.session_state.setdefault(FORM_COUNTRY, "NOR" if "NOR" in options else options[0])
    st.session_state.setdefault(FORM_YEAR, min(max(2016, first), last))
    units = {unit: tr(label) for unit, label in UNIT_LABELS.items()}  # this run's language
    counted = {key: tr(label) for key, label in claim_check.COUNTS.items()}
    with st.form("claims_check_form", border=False):
        left, middle, right = st.columns([2, 1, 1])
        left.selectbox(tr("Country"), options, key=FORM_COUNTRY, format_func=_picker(catalog),
                       help=tr("Type to search, in English or Norwegian (Sveits, Tyskland)"))
        middle.number_input(tr("Year the number is about"), min_value=first, max_value=last, step=1, key=FORM_YEAR)
        right.text_input(tr("Number as printed"), key=FORM_VALUE, placeholder=tr("e.g. 22 or 66.1"),
                         help=tr("Digits and a decimal point; its decimals are its rounding (81 fits 81.3)."))
        unit_column, counts_column = st.columns(2)
        unit_column.selectbox(tr("Unit"), list(UNIT_LABELS), key=FORM_UNIT,
                              format_func=lambda unit: units.get(unit, str(unit)))
        counts_column.selectbox(tr("What it says it counts"), list(claim_check.COUNTS), key=FORM_COUNTS,
                                format_func=lambda key: counted.get(key, str(key)))
        st.form_submit_button(tr("Check"), type="primary", on_click=_submit_check, icon=":material/fact_check:")
    if st.session_state.get(FORM_ERROR):
        st.error(tr("This number cannot be checked as given: {reason}",
                    reason=markdown_text(st.session_state[FORM_ERROR])), icon=":material/error:")


def _submit_rank() -> None:
    catalog = data.load_catalog()
    get = st.session_state.get
    try:
        st.session_state[RANK_RESULT] = claim_check.check_rank(
            data.connection(), catalog, get(RANK_COUNTRY) or "", get(RANK_YEAR), get(RANK_N), get(RANK_SCOPE),
            top=bool(get(RANK_TOP)))
    except claim_check.CheckInputError as error:
        st.session_state[RANK_RESULT] = str(error)


def _rank_form(catalog) -> None:
    indicator = catalog.indicators.get(claim_check.RANKED_INDICATOR)
    if indicator is None:
        st.info(tr("Rankings need the EMCDDA rates, which this edition lacks."))
        return
    options = _country_options(catalog)
    st.session_state.setdefault(RANK_COUNTRY, "NOR" if "NOR" in options else options[0])
    st.session_state.setdefault(RANK_YEAR, indicator.year_max - 1)
    st.session_state.setdefault(RANK_N, 1)
    st.markdown(tr("\"Norway has the highest rate in Western Europe\": a rank against the EMCDDA rate per million "
                   "aged 15-64, with each rate's 95% interval from its Poisson count, the ranks those intervals "
                   "allow, and the countries that reported nothing that year (never ranked last)."))
    scopes = {scope: tr(label) for scope, (label, _) in claim_check.RANK_SCOPES.items()}  # this run's language
    with st.form("claims_rank_form", border=False):
        left, middle, right = st.columns([2, 1, 1])
        left.selectbox(tr("Country"), options, key=RANK_COUNTRY, format_func=_picker(catalog))
        middle.number_input(tr("Year"), min_value=indicator.year_min, max_value=indicator.year_max, step=1,
                            key=RANK_YEAR)
        right.number_input(tr("Rank claimed (1 = highest)"), min_value=1, max_value=60, step=1, key=RANK_N)
        scope_column, top_column = st.columns(2)
        scope_column.selectbox(tr("Among"), list(claim_check.RANK_SCOPES), key=RANK_SCOPE,
                               format_func=lambda scope: scopes.get(scope, str(scope)))
        top_column.checkbox(tr("\"one of the N highest\""), key=RANK_TOP)
        st.form_submit_button(tr("Check the ranking"), on_click=_submit_rank, icon=":material/leaderboard:")
    result = st.session_state.get(RANK_RESULT)
    if isinstance(result, str):
        st.error(tr("This ranking cannot be checked as given: {reason}", reason=markdown_text(result)),
                 icon=":material/error:")
    elif result is not None:
        _show_ranking(result)


def _show_ranking(result: claim_check.RankCheck) -> None:
    st.html(f"<div>{markdown_text(result.country)}, {result.year}: {verdict_badge(result.verdict)}</div>")
    st.markdown(markdown_text(result.explanation))
    names = data.load_catalog().countries
    if result.ranked:
        # The rates as text in the reader's language ('85,0'): a table cell's own format writes a decimal point.
        show_table(pd.DataFrame([{
            tr("rank"): r.rank, tr("could be"): r.rank_range,
            tr("country"): names[r.iso3].name if r.iso3 in names else r.iso3,
            tr("per million aged 15-64"): i18n.number(r.rate, 1), tr("95% interval from"): i18n.number(r.lower, 1),
            tr("to"): i18n.number(r.upper, 1),
            tr("told apart from the rest"): tr("yes") if r.distinguishable else tr("no")} for r in result.ranked]),
            hide_index=True)
    if result.notes:
        st.markdown(tr("**Before comparing these countries**") + "\n\n" + "\n".join(
            f"- {markdown_text(note)}" for note in result.notes))


def _register_table(register: pd.DataFrame, catalog) -> None:
    left, middle, right = st.columns([1, 1, 1])
    labels = {verdict: verdict_label(verdict) for verdict in VERDICT_LABELS}  # this run's language
    verdicts = left.multiselect(tr("Verdict"), list(VERDICT_LABELS), key=REGISTER_VERDICTS,
                                format_func=lambda verdict: labels.get(verdict, str(verdict)),
                                placeholder=tr("every verdict"))
    countries = middle.multiselect(tr("Country"), sorted({iso3 for iso3 in register["iso3"].dropna()},
                                                         key=lambda iso3: catalog.countries[iso3].name),
                                   key=REGISTER_COUNTRIES, format_func=_picker(catalog),
                                   placeholder=tr("every country"))
    search = right.text_input(tr("Words in the quote or outlet"), key=REGISTER_SEARCH,
                              placeholder=tr("e.g. Aftonbladet"))
    shown = filter_register(register, verdicts, countries, search)
    st.caption(tr("{shown} of {count} claims. Pick a row to see it beside the data.", shown=i18n.number(len(shown)),
                  count=i18n.number(len(register))))
    names = {iso3: country.name for iso3, country in catalog.countries.items()}
    table = pd.DataFrame({
        "claim": shown["claim_id"], "country": [names.get(iso3, country) for iso3, country in zip(
            shown["iso3"], shown["country"], strict=True)],
        "year": ["" if pd.isna(year) else str(int(year)) for year in shown["year"]],
        "claimed": [_claimed_text(row) for row in records(shown)],
        "verdict": [labels[v] for v in shown["verdict"]], "outlet": shown["outlet"],
        "published": shown["published"].str.split(" \\(").str[0], "quote": shown["quote"]})
    headers = {column: tr(column) for column in (N_("claim"), N_("country"), N_("year"), N_("claimed"),
                                                 N_("verdict"), N_("outlet"), N_("published"), N_("quote"))}
    event = st.dataframe(table.rename(columns=headers), hide_index=True, on_select="rerun",
                         selection_mode="single-row", key=REGISTER_TABLE,
                         column_config={headers["quote"]: st.column_config.TextColumn(width="large")})
    picked = event.selection.rows if event and event.selection else []
    if picked:
        row = records(shown.iloc[[picked[0]]])[0]
        params = {"claim": row["claim_id"]}
        if row["claim_kind"] == "number":
            params["check"] = claim_check.Claim(row["iso3"], "", int(row["year"]), row["value"], row["unit"],
                                                row["counts"] or claim_check.DEFAULT_COUNTS).spec
        if st.query_params.get("claim") != params["claim"]:
            st.query_params.from_dict(_with_language(params))
            for key in (FORM_COUNTRY, FORM_YEAR, FORM_VALUE, FORM_UNIT, FORM_COUNTS):
                st.session_state.pop(key, None)  # the form shows the claim's number next time
            st.rerun()


def filter_register(register: pd.DataFrame, verdicts: list[str], countries: list[str], search: str) -> pd.DataFrame:
    """The register rows with one of the verdicts, about one of the countries, with the words in the quote, the
    outlet or who said it (each filter off when empty)."""
    keep = pd.Series(True, index=register.index)
    if verdicts:
        keep &= register["verdict"].isin(verdicts)
    if countries:
        keep &= register["iso3"].isin(countries)
    words = search.strip().casefold()
    if words:
        text = (register["quote"].fillna("") + " " + register["outlet"].fillna("") + " "
                + register["claimant"].fillna("")).str.casefold()
        keep &= text.str.contains(words, regex=False)
    return register[keep]


def _claimed_text(row: dict) -> str:
    if row["claim_kind"] == "rank":
        scope = tr(claim_check.RANK_SCOPES[row["rank_scope"]][0])
        return (tr("among the top {rank}, {scope}", rank=int(row["rank_claimed"]), scope=scope) if row["rank_top"]
                else tr("rank {rank}, {scope}", rank=int(row["rank_claimed"]), scope=scope))
    if row["claim_kind"] == "change":
        return tr("{change} since {year}", change=tr(TIMES[row["comparison"]], ratio=_printed(row["value"])),
                  year=int(row["base_year"]))
    if row["unit"]:
        return f"{_printed(row['value'])} {tr(UNIT_LABELS[row['unit']])}"
    return str(row["value"] or "")


def _printed(value: object) -> str:
    """A register number as printed, in the reader's language ('66,1'); anything else as it is."""
    try:
        return claim_check.printed(claim_check.parse_value(value))
    except claim_check.CheckInputError:
        return str(value or "")
