"""The Claims page with AppTest, on the fixture extracts (tests/fixture_data.py): Norway 2015 is 85.0 deaths per
million aged 15-64 (289 over 3,400,000), Sweden reported no count for 2012, and the register holds five claims."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from dashboard import deck, export
from tests import fixture_data as fx
from tests.apptest_support import open_page

CHECK = "NOR,2015,85,per_million_15_64"


def html_text(app: AppTest) -> str:
    return " ".join(element.proto.body for element in app.get("html"))


def markdown_text(app: AppTest) -> str:
    return " ".join(element.value for element in app.markdown)


def chart_specs(app: AppTest) -> list[dict]:
    return [json.loads(element.proto.spec) for element in app.get("plotly_chart")]


def test_a_check_in_the_link_shows_the_verdict_the_chart_and_every_series():
    app = open_page("claims", check=CHECK)
    assert not app.error, [e.value for e in app.error]
    assert "Norway, 2015: 85 deaths per million aged 15-64" in html_text(app) and "Matches" in html_text(app)
    (figure,) = chart_specs(app)
    claimed = next(trace for trace in figure["data"] if trace.get("meta", {}).get("role") == "claim")
    assert claimed["x"] == [2015] and claimed["y"] == [85.0]
    rate = next(trace for trace in figure["data"] if trace.get("meta", {}).get("series") == "emcdda_rate_15_64")
    assert rate["y"][rate["x"].index(2015)] == 289 / 3_400_000 * 1e6
    table = app.dataframe[0].value
    assert "Drug-induced deaths per million aged 15-64" in set(table["series"])
    assert set(table["relation to the claim"]) >= {"as claimed", "other unit"}


def test_the_same_number_per_million_inhabitants_is_not_comparable():
    app = open_page("claims", check="NOR,2015,85,per_million")
    assert "Not comparable" in html_text(app)
    assert "85 is a figure of another denominator" in markdown_text(app)


def check_sweden_2012(app) -> None:
    """Fill the check form with Sweden, 2012, 400 deaths and press Check (one claim the tests share)."""
    app.selectbox(key="claims_form_country").set_value("SWE")
    app.number_input(key="claims_form_year").set_value(2012)
    app.text_input(key="claims_form_value").set_value("400")
    app.selectbox(key="claims_form_unit").set_value("deaths")
    app.button[0].click().run()


def test_the_form_writes_the_check_into_the_link():
    app = open_page("claims")
    assert not app.get("plotly_chart"), "no check yet: nothing drawn"
    check_sweden_2012(app)
    assert not app.exception
    assert app.query_params["check"] == "SWE,2012,400,deaths"
    assert "No data" in html_text(app)
    assert "never read as zero" in markdown_text(app)


def test_a_number_the_checker_cannot_read_gets_a_clear_message_and_the_link_keeps_its_check():
    app = open_page("claims", check=CHECK)
    app.text_input(key="claims_form_value").set_value("3,256")
    app.button[0].click().run()
    assert app.query_params["check"] == CHECK
    assert any("no thousands separator" in e.value for e in app.error)


def test_a_bad_check_in_the_link_is_dropped_with_an_inert_notice():
    app = open_page("claims", check="NOR,2015,[x](http://example.org),deaths")
    warning = " ".join(w.value for w in app.warning)
    assert "was ignored" in warning and "?x?(http://example.org)" in warning  # shown as text, never as a link
    assert "[x](" not in warning
    assert not app.get("plotly_chart")


def test_the_register_lists_its_claims_and_filters_by_verdict():
    app = open_page("claims", claim="FX-BERGEN-USERS")  # a link to a claim opens the register
    table = app.dataframe[0].value
    assert set(table["claim"]) == {claim["claim_id"] for claim in fx.PRESS_CLAIMS}
    app.multiselect(key="claims_verdicts").set_value(["no_data"]).run()
    assert set(app.dataframe[0].value["claim"]) == {"FX-SWE-2012-DEATHS", "FX-BERGEN-USERS"}
    app.text_input(key="claims_search").set_value("heroin users").run()
    assert list(app.dataframe[0].value["claim"]) == ["FX-BERGEN-USERS"]


def test_a_register_claim_is_shown_with_its_quote_source_verdict_and_todays_check():
    app = open_page("claims", claim="FX-NOR-2015-RATE", check=CHECK)
    text = markdown_text(app)
    assert "Norway had 85 deaths per million aged 15\\-64 in 2015\\." in text or "Norway had 85" in text
    assert "Our verdict" in html_text(app) and "Matches" in html_text(app)
    assert [b.proto.url for b in app.get("link_button")] == ["https://example.org/news/FX-NOR-2015-RATE"]
    assert chart_specs(app), "the claim's check is drawn beside it"
    assert not app.warning, "the register's verdict is today's"


def test_a_rank_claim_of_the_register_shows_its_ranking():
    app = open_page("claims", claim="FX-NOR-2015-RANK")
    assert "Close (within 5%)" in html_text(app)
    ranking = app.dataframe[1].value
    assert list(ranking["country"]) == ["Sweden", "Norway", "Denmark"]
    assert list(ranking["could be"]) == ["1–2", "1–2", "3"]


def test_an_unknown_claim_says_so():
    app = open_page("claims", claim="NO-SUCH-CLAIM")
    assert any("no claim NO-SUCH-CLAIM" in w.value for w in app.warning)


def test_the_ranking_form_checks_a_rank_with_intervals():
    app = open_page("claims")
    app.session_state["claims_tab"] = "Check a ranking"  # only the open tab is drawn
    app.run()
    app.selectbox(key="claims_rank_country").set_value("DNK")
    app.number_input(key="claims_rank_year").set_value(2015)
    app.number_input(key="claims_rank_rank").set_value(3)
    app.selectbox(key="claims_rank_scope").set_value("nordic")
    app.button[0].click().run()
    assert not app.exception
    assert "Matches" in html_text(app)
    assert "Finland" in markdown_text(app), "the country that reported nothing is named, not ranked"


def test_a_check_goes_into_the_meeting_deck_and_exports_with_its_citation(connection):
    from dashboard import catalog, charts, slides
    from dashboard.state import from_query_string

    known = catalog.load_catalog(connection)
    saved = deck.Deck().add(f"page=claims&check={CHECK}&claim=FX-NOR-2015-RATE", "")
    shown, = slides.deck_slides(connection, known, saved)[0]
    slide = shown.view
    assert slide.kind == "claim_check" and slide.title == "Checking a claim: 85 deaths per million aged 15-64, 2015"
    assert "The claim: A fixture newspaper, Fixture Times, 2031-01-01" in slide.source_line
    assert "https://example.org/news/FX-NOR-2015-RATE" in slide.source_line
    state, notices = from_query_string(slide.query_string, known)
    assert not notices and (state.check, state.claim) == (CHECK, "FX-NOR-2015-RATE")
    csv_text = export.export_view(charts.chart_for_state(connection, known, state), "csv").decode("utf-8")
    assert "emcdda_rate_15_64" in csv_text or "drd_deaths_per_million_15_64" in csv_text
