"""App flows with streamlit.testing.v1.AppTest: every page, every filter, the URL round trip, bad links."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import db
from tests.apptest_support import EXPLORER_PAGES, open_page
from tests.test_state import INVALID_CASES

PAGES = EXPLORER_PAGES


def figures_on(app: AppTest) -> list[dict]:
    return [json.loads(element.proto.spec) for element in app.get("plotly_chart")]


def trace_values(figure: dict, key: str = "z") -> dict[str, float]:
    """{location or name: value} from the traces that carry data."""
    found = {}
    for trace in figure["data"]:
        if trace.get("type") == "choropleth" and trace.get("name") not in ("Not selected", "No data reported"):
            for location, value in zip(trace["locations"], trace[key], strict=True):
                found[location] = value
    return found


def query_param(app: AppTest, key: str) -> str | None:
    return app.query_params.get(key)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_loads_with_a_chart_and_no_error(page):
    app = open_page(page)
    assert not app.error, [e.value for e in app.error]
    assert app.title, "page has a title"
    if page == "data":
        assert len(app.dataframe) >= 4, "data page shows the tables behind every chart"
    else:
        assert figures_on(app), "page draws a chart"


def test_map_values_match_the_extracts(connection):
    app = open_page("map", indicator="drd_deaths", countries="NOR,SWE,EST,BEL", year="2016")
    [figure] = figures_on(app)
    expected = db.run_query(connection, "indicator_map", indicator="drd_deaths",
                            countries=["NOR", "SWE", "EST", "BEL"], year=2016, sex="total", age_group="total")
    shown = trace_values(figure)
    for row in expected.itertuples():
        if row.value == row.value:  # reported
            assert shown[row.iso3] == pytest.approx(row.value)
    assert shown["NOR"] == 282 and "BEL" not in shown
    no_data = [t for t in figure["data"] if t.get("name") == "No data reported"]
    assert no_data and list(no_data[0]["locations"]) == ["BEL"]
    summary = " ".join(c.value for c in app.caption)
    assert "highest: Sweden (590" in summary and "lowest: Estonia (114" in summary


def test_trend_lines_match_the_extracts(connection):
    app = open_page("trends", indicator="drd_deaths", countries="NOR,NLD", **{"from": "2010", "to": "2016"})
    figure = figures_on(app)[0]  # the EMCDDA series; the national figures as published follow it
    lines = {t["name"]: t for t in figure["data"] if t.get("type") == "scatter" and t.get("name") in
             ("Norway", "Netherlands")}
    assert lines["Norway"]["y"][lines["Norway"]["x"].index(2014)] == 266
    assert lines["Netherlands"]["y"][lines["Netherlands"]["x"].index(2016)] == 235


def test_indicator_filter_changes_chart_and_url():
    app = open_page("trends", countries="NOR")
    before = figures_on(app)[0]
    app.sidebar.selectbox(key="w_indicator").set_value("drd_deaths").run()
    assert not app.exception
    assert query_param(app, "indicator") == "drd_deaths"
    assert figures_on(app)[0]["data"] != before["data"]


def test_country_filter_changes_chart_and_url():
    app = open_page("trends", countries="NOR")
    app.sidebar.multiselect(key="w_countries").select("SWE").run()
    assert query_param(app, "countries") == "NOR,SWE"
    names = {t.get("name") for t in figures_on(app)[0]["data"]}
    assert {"Norway", "Sweden"} <= names


def test_preset_filter_selects_nordic_countries():
    app = open_page("trends")
    app.sidebar.selectbox(key="w_preset").set_value("nordic").run()
    assert query_param(app, "preset") == "nordic"
    assert set(app.sidebar.multiselect(key="w_countries").value) == {"DNK", "FIN", "ISL", "NOR", "SWE"}


def test_year_range_filter_changes_url_and_x_axis():
    app = open_page("trends", countries="NOR")
    app.sidebar.slider(key="w_years").set_range(2005, 2010).run()
    assert (query_param(app, "from"), query_param(app, "to")) == ("2005", "2010")
    xs = [x for t in figures_on(app)[0]["data"] if t.get("name") == "Norway" for x in t["x"]]
    assert min(xs) == 2005 and max(xs) == 2010


def test_sex_and_age_filters():
    app = open_page("trends", indicator="drd_deaths", countries="NOR")
    app.sidebar.radio(key="w_sex").set_value("female").run()
    assert query_param(app, "sex") == "female"
    app.sidebar.radio(key="w_sex").set_value("total").run()
    app.sidebar.selectbox(key="w_age").set_value("25-29").run()
    assert query_param(app, "age") == "25-29"
    assert not app.exception


def test_map_year_slider_and_trend_axis_controls():
    app = open_page("map", countries="NOR,SWE")
    app.slider(key="w_year").set_value(2010).run()
    assert query_param(app, "year") == "2010"
    trends = open_page("trends", countries="NOR,SWE")
    trends.radio(key="w_scale").set_value("log").run()
    assert query_param(trends, "scale") == "log"
    assert figures_on(trends)[0]["layout"]["yaxis"]["type"] == "log"
    trends.toggle(key="w_index_on").set_value(True).run()
    assert query_param(trends, "index") == "1995"


def test_url_round_trip_reproduces_the_view():
    app = open_page("trends", indicator="drd_deaths", countries="DEU,NLD", sex="male", **{"from": "2000"})
    first = figures_on(app)[0]["data"]
    again = open_page("trends", **{key: query_param(app, key) for key in app.query_params.keys()})
    assert figures_on(again)[0]["data"] == first
    assert again.sidebar.multiselect(key="w_countries").value == ["DEU", "NLD"]


def test_programmes_page_shows_conflicting_claims_with_sources():
    app = open_page("programmes", countries="NLD")
    text = " ".join(e.label for e in app.expander)
    assert "1988" in text and "1998" in text
    table = app.dataframe[0].value
    assert set(table["Country"]) == {"Netherlands"}


@pytest.mark.parametrize(("params", "expected"), INVALID_CASES, ids=[str(i) for i in range(len(INVALID_CASES))])
def test_invalid_link_shows_a_notice_and_the_page(params, expected):
    app = open_page("trends", **params)
    assert any(expected in w.value for w in app.warning), [w.value for w in app.warning]
    assert figures_on(app)
    assert "Traceback" not in str(app) and not app.error


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_says_which_emcdda_edition_and_where_newer_figures_are(page):
    app = open_page(page)
    notice = " ".join(caption.value for caption in app.sidebar.caption)
    assert "Statistical Bulletin 2019 edition, data years to 2017" in notice
    assert "National figures as published" in notice and "2023" in notice


def test_programmes_page_shows_a_source_for_every_field():
    app = open_page("programmes", countries="NOR")
    assert any("sources by field" in e.label for e in app.expander)
    by_field = next(frame.value for frame in app.dataframe if "Field" in frame.value.columns)
    assert {"start date", "status", "patients numeric"} <= set(by_field["Field"])
    assert by_field["Link"].str.startswith(("http", "no URL")).all()
    table = app.dataframe[0].value
    assert table.loc[0, "Treated patients"] == "yes" and table.loc[0, "Dates"].startswith("2022")


def test_data_page_explains_every_flag():
    app = open_page("data")
    flags = next(frame.value for frame in app.dataframe if "explanation" in frame.value.columns)
    assert {"rate_from_all_ages_deaths", "age_bands_exceed_sex_total", "part_of_country"} <= set(flags["flag"])
    assert (flags.set_index("flag").loc["age_bands_exceed_sex_total", "values_flagged"]) > 0


def test_trends_page_draws_national_figures_beside_the_emcdda_series():
    app = open_page("trends", indicator="drd_deaths", countries="NOR,GBR")
    assert not app.error, [e.value for e in app.error]
    emcdda, national = figures_on(app)[:2]
    assert {t["name"] for t in emcdda["data"] if t.get("meta", {}).get("role") == "series"} == {
        "Norway", "United Kingdom"}
    lines = {t["name"]: t for t in national["data"] if t.get("meta", {}).get("role") == "series"}
    assert set(lines) == {"Norway", "England and Wales", "Scotland"}  # the UK itself has no national series
    norway = dict(zip(lines["Norway"]["x"], lines["Norway"]["y"], strict=True))
    assert norway[2023] == 363 and max(norway) == 2023
    assert any("Folkehelseinstituttet" in text for text in lines["Norway"]["hovertext"])
    assert any("Open the national figures" in link.label for link in app.get("page_link"))


def test_no_national_companion_for_other_indicators():
    app = open_page("trends", indicator="ost_methadone_clients", countries="NOR")
    assert len(figures_on(app)) == 1
