"""App flows with streamlit.testing.v1.AppTest: every page, every filter, the URL round trip, bad links.

The app reads the fixture extracts (tests/fixture_data.py); the values asserted are the ones written there."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import db
from tests import fixture_data as F
from tests.apptest_support import EXPLORER_PAGES, open_embed, open_page
from tests.figure_support import shown_hovers
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
    app = open_page("map", indicator="drd_deaths", countries="NOR,SWE,DNK,FIN", year="2015")
    figure = figures_on(app)[0]
    expected = db.run_query(connection, "indicator_map", indicator="drd_deaths",
                            countries=["NOR", "SWE", "DNK", "FIN"], year=2015, sex="total", age_group="total")
    shown = trace_values(figure)
    for row in expected.itertuples():
        if row.value == row.value:  # reported
            assert shown[row.iso3] == pytest.approx(row.value)
    assert shown == {"NOR": 289, "SWE": 620, "DNK": 160}
    no_data = [t for t in figure["data"] if t.get("name") == "No data reported"]
    assert no_data and list(no_data[0]["locations"]) == ["FIN"]
    summary = " ".join(c.value for c in app.caption)
    assert "highest: Sweden (620" in summary and "lowest: Denmark (160" in summary


def test_trend_lines_match_the_extracts(connection):
    app = open_page("trends", indicator="drd_deaths", countries="NOR,SWE", **{"from": "2010", "to": "2015"})
    figure = figures_on(app)[0]  # the EMCDDA series; the national figures as published follow it
    lines = {t["name"]: dict(zip(t["x"], t["y"], strict=True)) for t in figure["data"]
             if t.get("type") == "scatter" and t.get("name") in ("Norway", "Sweden")}
    assert lines["Norway"] == dict(zip(range(2010, 2016), (250, 262, 241, 234, 266, 289), strict=True))
    assert lines["Sweden"][2011] == 420 and lines["Sweden"][2012] is None  # a gap, never drawn across


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


def test_preset_filter_selects_its_countries():
    app = open_page("trends")
    app.sidebar.selectbox(key="w_preset").set_value("eu27").run()
    assert query_param(app, "preset") == "eu27"
    assert set(app.sidebar.multiselect(key="w_countries").value) == {"DNK", "FIN", "SWE"}


@pytest.mark.parametrize("page", list(PAGES))
def test_clearing_the_countries_leaves_them_empty_with_a_hint(page):
    """'Clear all' used to put the default 30 countries straight back; now the selection stays empty, the page
    says how to choose, the URL says countries= (a reload stays empty), and typing a country draws it."""
    app = open_page(page)
    app.sidebar.multiselect(key="w_countries").set_value([]).run()
    assert not app.exception and not app.error
    assert app.sidebar.multiselect(key="w_countries").value == []
    assert query_param(app, "countries") == "" and query_param(app, "preset") is None
    assert any("No country selected" in info.value for info in app.info)
    assert not figures_on(app) and not (page == "data" and app.dataframe)
    assert app.title[0].value  # the page keeps its title
    app.sidebar.multiselect(key="w_countries").select("NOR").run()
    assert query_param(app, "countries") == "NOR" and not any("No country" in i.value for i in app.info)
    assert figures_on(app) or page == "data"


def test_a_link_with_no_countries_opens_empty_and_an_unknown_one_falls_back_with_a_notice():
    empty = open_page("map", countries="")
    assert empty.sidebar.multiselect(key="w_countries").value == [] and not figures_on(empty)
    assert not empty.warning  # nothing was corrected
    typo = open_page("map", countries="NRW")
    assert any("Unknown country code 'NRW'" in w.value for w in typo.warning)
    assert figures_on(typo) and len(typo.sidebar.multiselect(key="w_countries").value) > 1


def test_a_preset_then_a_custom_change_then_the_preset_again():
    app = open_page("trends")
    app.sidebar.selectbox(key="w_preset").set_value("eu27").run()
    assert query_param(app, "preset") == "eu27"
    app.sidebar.multiselect(key="w_countries").unselect("FIN").run()
    assert app.sidebar.selectbox(key="w_preset").value == "custom"
    assert query_param(app, "preset") is None and query_param(app, "countries") == "DNK,SWE"
    app.sidebar.selectbox(key="w_preset").set_value("eu27").run()
    assert query_param(app, "preset") == "eu27"
    assert set(app.sidebar.multiselect(key="w_countries").value) == {"DNK", "FIN", "SWE"}


def test_map_page_has_ranked_bars_of_the_same_values():
    app = open_page("map", indicator="drd_deaths", countries="NOR,SWE,DNK,FIN", year="2015")
    [the_map] = figures_on(app)
    app.button_group(key="w_map_view").set_value("Ranked bars").run()
    [bars] = figures_on(app)  # only the chart shown is drawn
    ranked = bars["data"][0]
    assert list(ranked["y"]) == ["Sweden", "Norway", "Denmark"] and list(ranked["x"]) == [620, 289, 160]
    assert trace_values(the_map) == dict(zip(["SWE", "NOR", "DNK"], ranked["x"], strict=True))
    assert any("in order from the highest: Sweden 620, Norway 289, Denmark 160" in c.value for c in app.caption)


def test_map_colour_scale_and_play_years_are_in_the_url_and_the_figure():
    app = open_page("map", countries="NOR,SWE,DNK", year="2015")
    figure = figures_on(app)[0]
    values = next(t for t in figure["data"] if (t.get("meta") or {}).get("role") == "values")
    every = [F.rate(c, y) for c in ("NOR", "SWE", "DNK") for y in F.YEARS if F.rate(c, y) is not None]
    assert (values["zmin"], values["zmax"]) == pytest.approx((min(every), max(every)))
    app.selectbox(key="w_colours").set_value("year").run()
    assert query_param(app, "colours") == "year"
    values = next(t for t in figures_on(app)[0]["data"] if (t.get("meta") or {}).get("role") == "values")
    in_2015 = [F.rate(c, 2015) for c in ("NOR", "SWE", "DNK")]
    assert (values["zmin"], values["zmax"]) == pytest.approx((min(in_2015), max(in_2015)))
    app.toggle(key="w_animate").set_value(True).run()
    assert query_param(app, "animate") == "1"
    animated = figures_on(app)[0]
    assert [frame["name"] for frame in animated["frames"]] == [str(y) for y in F.YEARS]
    assert animated["layout"]["sliders"][0]["active"] == F.YEARS.index(2015)


def test_year_range_filter_changes_url_and_x_axis():
    app = open_page("trends", countries="NOR")
    app.sidebar.slider(key="w_years").set_range(2011, 2013).run()
    assert (query_param(app, "from"), query_param(app, "to")) == ("2011", "2013")
    xs = [x for t in figures_on(app)[0]["data"] if t.get("name") == "Norway" for x in t["x"]]
    assert min(xs) == 2011 and max(xs) == 2013


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
    assert query_param(trends, "index") == "first"  # each country from the first year it reports
    norway = next(t for t in figures_on(trends)[0]["data"] if t.get("name") == "Norway")
    assert norway["y"][0] == pytest.approx(100) and norway["y"][-1] == pytest.approx(289 / 250 * 100)
    trends.selectbox(key="w_index_base").set_value(2012).run()
    assert query_param(trends, "index") == "2012"


def test_url_round_trip_reproduces_the_view():
    app = open_page("trends", indicator="drd_deaths", countries="DNK,NOR", sex="male", **{"from": "2011"})
    first = figures_on(app)[0]["data"]
    again = open_page("trends", **{key: query_param(app, key) for key in app.query_params.keys()})
    assert figures_on(again)[0]["data"] == first
    assert again.sidebar.multiselect(key="w_countries").value == ["DNK", "NOR"]


def test_programmes_page_shows_conflicting_claims_with_sources():
    app = open_page("programmes", countries="DNK")
    [disagreement] = [e for e in app.expander if e.label.startswith("Sources disagree")]
    assert "**2009** vs **2010**" in disagreement.label
    lines = " ".join(m.value for m in disagreement.markdown)
    assert "(contradicted)" in lines and "no URL: print article" in lines and "(https://example.org/dk)" in lines
    table = app.dataframe[0].value
    assert set(table["Country"]) == {"Denmark"}


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
    assert "Fixture Bulletin 2030 edition, data years to 2015" in notice
    assert "National figures as published" in notice and "reach 2017" in notice


def test_programmes_page_shows_a_source_for_every_field():
    app = open_page("programmes", countries="NOR")
    assert any("sources by field" in e.label for e in app.expander)
    by_field = next(frame.value for frame in app.dataframe if "Field" in frame.value.columns)
    assert {"start date", "status", "patients numeric"} <= set(by_field["Field"])
    assert by_field["Link"].str.startswith(("http", "no URL")).all()
    table = app.dataframe[0].value
    assert list(table["Programme"]) == ["Norwegian trial", "Norwegian pilot", "Norwegian planned programme"]
    assert list(table["Treated patients"]) == ["yes", "yes", "no"] and table.loc[1, "Dates"] == "2022-01"


def test_data_page_explains_every_flag():
    app = open_page("data")
    flags = next(frame.value for frame in app.dataframe if "explanation" in frame.value.columns)
    assert flags.set_index("flag")["values_flagged"].to_dict() == {"national_definition": 3,
                                                                   "rate_from_all_ages_deaths": 1}


def test_trends_page_draws_national_figures_beside_the_emcdda_series():
    app = open_page("trends", indicator="drd_deaths", countries="NOR,SWE")
    assert not app.error, [e.value for e in app.error]
    emcdda, national = figures_on(app)[:2]
    assert {t["name"] for t in emcdda["data"] if t.get("meta", {}).get("role") == "series"} == {"Norway", "Sweden"}
    lines = {t["name"]: t for t in national["data"] if t.get("meta", {}).get("role") == "series"}
    assert set(lines) == {"Norway"}  # Sweden has no national figures: only the countries that have them
    norway = {x: y for x, y in zip(lines["Norway"]["x"], lines["Norway"]["y"], strict=True) if y is not None}
    assert norway == {2014: 266, 2016: 282, 2017: 257}  # to the latest year, past the bulletin's 2015
    assert any("Source: Fixture Institute of Public Health" in text for text in shown_hovers(lines["Norway"]))
    assert any("Open the national figures" in link.label for link in app.get("page_link"))


def test_no_national_companion_for_other_indicators():
    app = open_page("trends", indicator="national_drug_deaths", countries="NOR")
    assert len(figures_on(app)) == 1


def test_projector_mode_is_kept_in_the_link():
    app = open_page("trends", countries="NOR")
    normal = figures_on(app)[0]["layout"]["font"]["size"]
    app.sidebar.toggle(key="w_projector").set_value(True).run()
    assert query_param(app, "projector") == "1"
    assert figures_on(app)[0]["layout"]["font"]["size"] > normal
    reopened = open_page("trends", **{key: query_param(app, key) for key in app.query_params.keys()})
    assert reopened.sidebar.toggle(key="w_projector").value is True
    assert figures_on(reopened)[0]["layout"]["font"]["size"] > normal


def column_settings(frame_element) -> dict:
    return json.loads(frame_element.proto.columns)


def test_data_page_tables_are_labelled_and_rounded_for_people_but_keep_every_digit():
    app = open_page("data", countries="NOR,SWE", year="2015")
    map_table = app.dataframe[0]
    settings = column_settings(map_table)
    assert settings["iso3"]["label"] == "ISO-3" and settings["change_pct"]["label"] == "Change %"
    assert settings["value"]["type_config"]["format"] == "%.1f"  # a rate: one decimal, as in the hover
    assert settings["year"]["type_config"]["format"] == "%d"
    assert settings["denominator"]["label"] == "Population"
    norway = map_table.value.set_index("iso3").loc["NOR"]
    assert norway["value"] == pytest.approx(289 / 3.4)  # the number underneath is not rounded
    counts = open_page("data", indicator="drd_deaths", countries="NOR")
    assert column_settings(counts.dataframe[0])["value"]["type_config"]["format"] == "localized"
    flags = next(frame for frame in app.dataframe if "explanation" in frame.value.columns)
    assert column_settings(flags)["values_flagged"]["label"] == "Values flagged"


def test_an_embed_of_the_meeting_page_says_so_and_draws_no_other_chart():
    app = open_embed(page="meeting", countries="NOR")
    assert not app.get("plotly_chart") and any("has no chart that can be embedded" in i.value for i in app.info)


def test_an_embed_of_a_claim_check_draws_the_check_not_the_map():
    app = open_embed(page="claims", check="NOR,2015,85,per_million_15_64")
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert not any(trace.get("type") == "choropleth" for trace in figure["data"])


@pytest.mark.parametrize(("page", "countries"), [("map", "NOR,SWE,DNK"), ("trends", "NOR,SWE"),
                                                 ("programmes", "NOR,DNK,CHE")])
def test_embed_shows_the_views_chart_alone_with_its_title_source_and_a_link_back(page, countries):
    app = open_embed(page=page, countries=countries)
    assert not app.error and not app.sidebar.children  # no filters, no navigation, no edition notice
    assert len(figures_on(app)) == 1
    full = open_page(page, countries=countries)
    def drawn(figure):
        # A shorter frame may write a timeline's two-line row labels on one line ('Norway · LAR'): the same rows.
        def one_line(values):
            return [v.replace("<br>", " · ") if isinstance(v, str) else v for v in values] if values else values
        return [[t.get(k) for k in ("locations", "z", "x")] + [one_line(t.get("y"))] for t in figure["data"]]

    assert drawn(figures_on(app)[0]) == drawn(figures_on(full)[0])  # the same chart as on its page
    texts = " ".join(c.value for c in app.caption)
    assert "Source:" in texts
    link = next(m.value for m in app.markdown if "Open in Drug Policy Atlas" in m.value)
    assert f"/{page}?" in link and f"countries={countries}" in link
    assert figures_on(app)[0]["layout"]["height"] < figures_on(full)[0]["layout"]["height"] or page == "programmes"


def test_embed_with_a_bad_link_says_so_briefly_and_still_draws():
    app = open_embed(page="map", countries="NOR,ATLANTIS", indicator="nonsense")
    assert len(figures_on(app)) == 1
    assert any("could not be used" in c.value for c in app.caption)
    assert open_embed(page="map", countries="").info


def test_the_programme_timelines_key_is_page_text_and_not_inside_the_chart():
    app = open_page("programmes", countries="NOR,DNK,CHE")
    figure = figures_on(app)[0]
    assert figure["layout"]["showlegend"] is False  # on a phone the legend had no room beside the names
    key = " ".join(element.proto.body for element in app.get("html"))
    for label in ("Regular treatment", "Ended", "Pilot"):
        assert label in key
    names = {trace.get("name") for trace in figure["data"]}
    assert all(item["label"] in names and item["label"] in key for item in figure["layout"]["meta"]["screen_key"])


def test_page_tables_are_sent_as_arrow_made_once_and_odd_columns_as_they_are(monkeypatch):
    """Cached page tables are turned into Arrow once, not at every rerun; a column Arrow cannot type (mixed
    numbers and text) is left for Streamlit's own conversion rather than failing the page."""
    import pandas as pd
    import pyarrow as pa

    from dashboard.ui import pages

    sent = []
    monkeypatch.setattr(pages.st, "dataframe", lambda table, **options: sent.append(table))
    table = pd.DataFrame({"Country": ["Norway", "Sweden"], "Value": [74.9, 87.9]})
    pages.show_table(table, hide_index=True)
    pages.show_table(table, hide_index=True)
    assert isinstance(sent[0], pa.Table) and sent[1] is sent[0]
    assert sent[0].to_pydict() == {"Country": ["Norway", "Sweden"], "Value": [74.9, 87.9]}
    mixed = pd.DataFrame({"Patients": [12, "about 20"]}, dtype=object)
    pages.show_table(mixed)
    assert sent[2] is mixed
    # Nothing is kept for a table that is gone (the content caches decide what lives).
    held = len(pages._ARROW)
    del table, mixed
    sent.clear()
    assert len(pages._ARROW) == held - 2


@pytest.mark.parametrize(("page", "key"), [("trends", "w_countries"), ("map", "w_countries"), ("country", None),
                                           ("claims", None), ("before-after", "w_ba_countries")])
def test_every_country_picker_names_each_country_in_english_and_norwegian(page, key):
    """A picker's search matches the labels it shows: 'Sveits' finds Switzerland in every one (issue 13 item 4)."""
    app = open_page(page)
    pickers = [*app.multiselect, *app.selectbox]
    found = [picker for picker in pickers if any(str(option).startswith("Switzerland") for option in picker.options)]
    assert found, [picker.label for picker in pickers]
    for picker in found:
        assert "Switzerland (Sveits)" in picker.options and "Switzerland" not in picker.options, picker.label
    if key:
        assert any(picker.key == key for picker in found)
