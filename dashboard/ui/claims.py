"""The Claims page: check a number from the news against every series we hold, check a ranking, and the
register of claims from the seed articles and the press, each beside the data.

The check and the register claim shown live in the URL (?check=NOR,2015,81,per_million&claim=...), so a check
is a link, a slide and an export like any view; the form and the register only write them there."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import claim_check, db, site
from dashboard import state as view_state
from dashboard.claim_check import view as claim_view
from dashboard.figures import records
from dashboard.figures.claim import VERDICT_COLOURS, VERDICT_LABELS
from dashboard.i18n import tr
from dashboard.ui import data
from dashboard.ui.pages import link_notices, markdown_text, show_chart, show_table

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
NUMBER_TAB, RANK_TAB = "Check a number", "Check a ranking"


def claims_page() -> None:
    catalog = data.load_catalog()
    if not catalog.indicators:
        raise db.DataUnavailable(catalog.indicators_problem)
    params = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    state, notices = view_state.parse_state(params, catalog, page=PAGE)
    st.title(tr(site.BY_NAME[PAGE].heading))
    link_notices(notices)
    st.markdown("Give a number as it was printed, with its country, year and unit: we look for it in every series "
                "we hold and say which one it is, how close it comes and what would make it right. **Matches**: "
                "equal at the number's own rounding (81 fits 81.3). **Close**: within 5%. **Not comparable**: a "
                "figure of another denominator, unit or definition, or of a part of the country. **No data**: we "
                "hold no value for it, which is never read as zero.")
    register = data.query("claim_register")
    register_tab = f"Claims from the news ({len(register)})"
    # A link to a register claim opens the register; the tab is a widget, so only the open one is drawn.
    number, rank, claims = st.tabs([NUMBER_TAB, RANK_TAB, register_tab], key=TABS, on_change="rerun",
                                   default=register_tab if state.claim else NUMBER_TAB)
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
        st.warning(f"There is no claim {markdown_text(claim_id)} in the register.", icon=":material/warning:")
        return None
    return found[0]


def verdict_badge(verdict: str) -> str:
    """The verdict as coloured HTML (colours from the claim figure's, each at least 4.5:1 on white)."""
    return (f"<span style='font-weight:700;font-size:1.25rem;color:{VERDICT_COLOURS[verdict]}'>"
            f"{VERDICT_LABELS[verdict]}</span>")


def _show_register_claim(row: dict) -> None:
    """The claim as printed (quote, who, where, when), our verdict and reason, and today's check."""
    with st.container(border=True):
        st.markdown(f"**Claim {markdown_text(row['claim_id'])}**: {markdown_text(row['claimant'] or '')}, "
                    f"{markdown_text(row['outlet'] or '')}, {markdown_text(row['published'] or '')}")
        st.markdown("> " + markdown_text(row["quote"]).replace("  \n", "  \n> "))
        if row["url"]:
            st.link_button("Open the article", row["url"], icon=":material/open_in_new:")
        else:
            st.caption(f"No link: {markdown_text(row['no_url_reason'] or '')}")
        if row["note"]:
            st.caption(markdown_text(row["note"]))
        st.html(f"<div>Our verdict: {verdict_badge(row['verdict'])}</div>")
        st.markdown(markdown_text(row["reason"]))
        checked = claim_check.check_register_row(data.connection(), data.load_catalog(), row)
        if checked is None:
            st.caption("Checked by hand against the HAT register or other sources: the reason names them.")
        elif checked.verdict != row["verdict"]:
            st.warning(f"Today's check of this edition says **{VERDICT_LABELS[checked.verdict]}**: "
                       f"{markdown_text(checked.summary)}", icon=":material/warning:")
        if checked is not None and isinstance(checked.detail, claim_check.RankCheck):
            _show_ranking(checked.detail)


def _show_check(state: view_state.ViewState) -> None:
    """The verdict on the URL's check, the chart of the number beside the series, and every candidate."""
    view = data.chart("claim_check", state)
    result = claim_view.check_of_rows(view.data, state.check)  # the check the chart was drawn from
    country = result.claim.country
    st.html(f"<div>{markdown_text(result.claim.describe())}: {verdict_badge(result.verdict)}</div>")
    st.markdown(markdown_text(result.summary))
    with st.expander("The reason in full, with every source"):
        st.markdown(markdown_text(result.explanation))
    show_chart(view, key="claim_chart")
    st.markdown(f"**Every series we hold for {markdown_text(country)} in {result.claim.year}**")
    show_table(_candidate_table(result), hide_index=True, column_config={
        "difference": st.column_config.NumberColumn("claim vs value", format="%+.1f%%")})


def _candidate_table(result: claim_check.Check) -> pd.DataFrame:
    unit = result.claim.unit_label
    return pd.DataFrame([{
        "series": c.label, "place": c.place, "value": claim_check.format_number(c.value, c.unit), "unit": c.unit,
        "in the claim's unit": claim_check.format_number(c.value_in_claim_unit,
                                                         unit if c.relation != "different_unit" else c.unit),
        "relation to the claim": claim_check.RELATION_LABELS[c.relation],
        "difference": c.difference_pct, "fits": c.agreement or "not reported", "source": c.source,
        "edition": c.edition} for c in result.candidates])


def _country_options(catalog) -> list[str]:
    return sorted(catalog.countries, key=lambda iso3: catalog.countries[iso3].name_en)


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
    st.query_params.from_dict({"check": claim.spec})  # a new number: no register claim any more
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
    with st.form("claims_check_form", border=False):
        left, middle, right = st.columns([2, 1, 1])
        left.selectbox("Country", options, key=FORM_COUNTRY, format_func=catalog.picker_label,
                       help="Type to search, in English or Norwegian (Sveits, Tyskland)")
        middle.number_input("Year the number is about", min_value=first, max_value=last, step=1, key=FORM_YEAR)
        right.text_input("Number as printed", key=FORM_VALUE, placeholder="e.g. 22 or 66.1",
                         help="Digits and a decimal point; its decimals are its rounding (81 fits 81.3).")
        unit_column, counts_column = st.columns(2)
        unit_column.selectbox("Unit", list(UNIT_LABELS), key=FORM_UNIT, format_func=UNIT_LABELS.get)
        counts_column.selectbox("What it says it counts", list(claim_check.COUNTS), key=FORM_COUNTS,
                                format_func=claim_check.COUNTS.get)
        st.form_submit_button("Check", type="primary", on_click=_submit_check, icon=":material/fact_check:")
    if st.session_state.get(FORM_ERROR):
        st.error(f"This number cannot be checked as given: {markdown_text(st.session_state[FORM_ERROR])}",
                 icon=":material/error:")


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
        st.info("Rankings need the EMCDDA rates, which this edition lacks.")
        return
    options = _country_options(catalog)
    st.session_state.setdefault(RANK_COUNTRY, "NOR" if "NOR" in options else options[0])
    st.session_state.setdefault(RANK_YEAR, indicator.year_max - 1)
    st.session_state.setdefault(RANK_N, 1)
    st.markdown("\"Norway has the highest rate in Western Europe\": a rank against the EMCDDA rate per million "
                "aged 15-64, with each rate's 95% interval from its Poisson count, the ranks those intervals allow, "
                "and the countries that reported nothing that year (never ranked last).")
    with st.form("claims_rank_form", border=False):
        left, middle, right = st.columns([2, 1, 1])
        left.selectbox("Country", options, key=RANK_COUNTRY, format_func=catalog.picker_label)
        middle.number_input("Year", min_value=indicator.year_min, max_value=indicator.year_max, step=1,
                            key=RANK_YEAR)
        right.number_input("Rank claimed (1 = highest)", min_value=1, max_value=60, step=1, key=RANK_N)
        scope_column, top_column = st.columns(2)
        scope_column.selectbox("Among", list(claim_check.RANK_SCOPES), key=RANK_SCOPE,
                               format_func=lambda scope: claim_check.RANK_SCOPES[scope][0])
        top_column.checkbox("\"one of the N highest\"", key=RANK_TOP)
        st.form_submit_button("Check the ranking", on_click=_submit_rank, icon=":material/leaderboard:")
    result = st.session_state.get(RANK_RESULT)
    if isinstance(result, str):
        st.error(f"This ranking cannot be checked as given: {markdown_text(result)}", icon=":material/error:")
    elif result is not None:
        _show_ranking(result)


def _show_ranking(result: claim_check.RankCheck) -> None:
    st.html(f"<div>{markdown_text(result.country)}, {result.year}: {verdict_badge(result.verdict)}</div>")
    st.markdown(markdown_text(result.explanation))
    names = data.load_catalog().countries
    if result.ranked:
        show_table(pd.DataFrame([{
            "rank": r.rank, "could be": r.rank_range, "country": names[r.iso3].name_en if r.iso3 in names else r.iso3,
            "per million aged 15-64": r.rate, "95% interval from": r.lower, "to": r.upper,
            "told apart from the rest": "yes" if r.distinguishable else "no"} for r in result.ranked]),
            hide_index=True, column_config={column: st.column_config.NumberColumn(format="%.1f") for column in (
                "per million aged 15-64", "95% interval from", "to")})
    if result.notes:
        st.markdown("**Before comparing these countries**\n\n" + "\n".join(
            f"- {markdown_text(note)}" for note in result.notes))


def _register_table(register: pd.DataFrame, catalog) -> None:
    left, middle, right = st.columns([1, 1, 1])
    verdicts = left.multiselect("Verdict", list(VERDICT_LABELS), key=REGISTER_VERDICTS,
                                format_func=VERDICT_LABELS.get, placeholder="every verdict")
    countries = middle.multiselect("Country", sorted({iso3 for iso3 in register["iso3"].dropna()},
                                                     key=lambda iso3: catalog.countries[iso3].name_en),
                                   key=REGISTER_COUNTRIES, format_func=catalog.picker_label,
                                   placeholder="every country")
    search = right.text_input("Words in the quote or outlet", key=REGISTER_SEARCH, placeholder="e.g. Aftonbladet")
    shown = filter_register(register, verdicts, countries, search)
    st.caption(f"{len(shown)} of {len(register)} claims. Pick a row to see it beside the data.")
    table = pd.DataFrame({
        "claim": shown["claim_id"], "country": shown["country"],
        "year": ["" if pd.isna(year) else str(int(year)) for year in shown["year"]],
        "claimed": [_claimed_text(row) for row in records(shown)],
        "verdict": [VERDICT_LABELS[v] for v in shown["verdict"]], "outlet": shown["outlet"],
        "published": shown["published"].str.split(" \\(").str[0], "quote": shown["quote"]})
    event = st.dataframe(table, hide_index=True, on_select="rerun", selection_mode="single-row", key=REGISTER_TABLE,
                         column_config={"quote": st.column_config.TextColumn(width="large")})
    picked = event.selection.rows if event and event.selection else []
    if picked:
        row = records(shown.iloc[[picked[0]]])[0]
        params = {"claim": row["claim_id"]}
        if row["claim_kind"] == "number":
            params["check"] = claim_check.Claim(row["iso3"], "", int(row["year"]), row["value"], row["unit"],
                                                row["counts"] or claim_check.DEFAULT_COUNTS).spec
        if st.query_params.get("claim") != params["claim"]:
            st.query_params.from_dict(params)
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
        top = "among the top" if row["rank_top"] else "rank"
        return f"{top} {int(row['rank_claimed'])}, {claim_check.RANK_SCOPES[row['rank_scope']][0]}"
    if row["claim_kind"] == "change":
        return f"{claim_check.COMPARISONS[row['comparison']]} {row['value']} times since {int(row['base_year'])}"
    if row["unit"]:
        return f"{row['value']} {UNIT_LABELS[row['unit']]}"
    return str(row["value"] or "")
