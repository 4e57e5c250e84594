"""HAT cities compared (issue 15 item 4): each city's figure over its own population, on fixture data whose rates
are easy to check by hand (tests/fixture_data.py, HAT_CITIES), and the build's checks of the two reference files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard import cities, db, slides, views
from dashboard import deck as meeting_deck
from dashboard.build.cities import hat_cities_table
from dashboard.catalog import load_catalog
from dashboard.figures.cities import HIGHLIGHT_COLOUR, OTHER_COLOUR
from dashboard.sources import SourceError
from tests.apptest_support import open_embed, open_page


def _query(connection):
    return lambda name, **params: db.run_query(connection, name, **params)


def test_each_city_is_read_per_100000_of_its_own_population(connection):
    rows = cities.all_figures(_query(connection)).set_index(["city", "as_of"])
    assert rows.at[("Oslo", "2024"), "per_100k"] == pytest.approx(200 / 700_000 * 100_000)  # 28.571...
    assert rows.at[("Bergen", "2024-06"), "per_100k"] == pytest.approx(20.0)
    assert rows.at[("Zurich", "2019"), "per_100k"] == pytest.approx(75.0)
    assert rows.at[("Zurich", "2010"), "per_100k"] == pytest.approx(200 / 380_000 * 100_000)
    # the newest figure of each city and measure is the one drawn; an older one stays in the table only
    assert bool(rows.at[("Zurich", "2019"), "latest"]) and not bool(rows.at[("Zurich", "2010"), "latest"])
    assert rows.at[("Oslo", "2024"), "programme_name"] == "Norwegian pilot"
    assert rows.at[("Copenhagen", "2014"), "measure"] == "places"


def test_the_chart_ranks_the_newest_figures_and_highlights_oslo_and_bergen_by_default(connection):
    view, notices = views.view_of_link("page=cities", connection, load_catalog(connection))
    bars = view.figure.data[0]
    # patients only (Copenhagen counts places), each bar named with its count and year under the city
    assert notices == [] and view.figure.layout.meta["cities"] == ["Zurich", "Oslo", "Bergen"]
    assert bars.y[1] == "Oslo<br><span style='font-size:0.8em'>200 · 2024</span>"
    assert list(bars.x) == pytest.approx([75.0, 200 / 7, 20.0])
    assert list(bars.marker.color) == [OTHER_COLOUR, HIGHLIGHT_COLOUR, HIGHLIGHT_COLOUR]
    assert bars.text[1] == "28.6"
    assert "Oslo 28.6 (200 patients in treatment, 2024)" in view.summary
    places, _ = views.view_of_link("page=cities&measure=places&highlight=copenhagen", connection,
                                   load_catalog(connection))
    assert places.figure.layout.meta["cities"] == ["Copenhagen"] and places.figure.data[0].marker.color == (
        HIGHLIGHT_COLOUR,)
    assert places.query_string == "page=cities&measure=places&highlight=Copenhagen"


@pytest.mark.parametrize(("params", "notice"), [
    ({"measure": "vibes"}, "'measure' must be one of patients, places"),
    ({"highlight": "Oslo,Atlantis"}, "No HAT city named 'Atlantis' in the register"),
    ({"colour": "red"}, "Unknown parameter 'colour' ignored."),
])
def test_a_bad_cities_link_gets_a_notice_and_the_rest_of_its_view(params, notice):
    settings, notices = cities.read_params(params, ["Bergen", "Oslo", "Zurich"])
    assert any(notice in text for text in notices), notices
    assert settings.measure in cities.MEASURES and "Atlantis" not in settings.highlight


def test_the_page_draws_the_chart_and_lists_every_figure_with_both_sources():
    app = open_page("cities")
    assert not app.exception
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["meta"]["cities"] == ["Zurich", "Oslo", "Bergen"]
    table = next(frame.value for frame in app.dataframe if "Population source" in frame.value.columns)
    assert len(table) == 5 and set(table["City"]) == {"Oslo", "Bergen", "Zurich", "Copenhagen"}
    oslo = table.set_index("City").loc["Oslo"]
    assert oslo["Per 100,000"] == 28.6 and oslo["Source"] == "https://example.org/Oslo/report"
    assert oslo["Population source"] == "https://example.org/Oslo/population"
    app.multiselect(key="w_cities_highlight").set_value(["Zurich"]).run()
    assert app.query_params["highlight"] == "Zurich"
    colours = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]["marker"]["color"]
    assert colours == [HIGHLIGHT_COLOUR, OTHER_COLOUR, OTHER_COLOUR]
    app.multiselect(key="w_cities_highlight").set_value([]).run()  # none highlighted stays none
    colours = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]["marker"]["color"]
    assert colours == [OTHER_COLOUR] * 3


def test_the_cities_view_embeds_and_becomes_a_table_slide(connection):
    app = open_embed(page="cities", highlight="Bergen")
    assert json.loads(app.get("plotly_chart")[0].proto.spec)["layout"]["meta"]["cities"] == ["Zurich", "Oslo", "Bergen"]
    deck = meeting_deck.Deck().add("page=cities", kind="table")
    (slide,), notices = slides.deck_slides(connection, load_catalog(connection), deck)
    assert notices == [] and slide.table.columns == ("City", "Figure", "As of", "Per 100,000", "Population (year)")
    assert slide.table.rows[1] == ("Oslo", "200", "2024", "28.6", "700,000 (2024)")


FIGURE = {"city": "Oslo", "iso3": "NOR", "programme_id": "NO-PILOT", "measure": "patients", "value": "90",
          "as_of": "2023", "counts_what": "patients", "note": "", "source_title": "A report", "source_url": "https://x.org",
          "quote": "90 patients", "accessed": "2026-12-01", "counts_what_no": "pasienter", "note_no": ""}
POPULATION = {"city": "Oslo", "iso3": "NOR", "area": "Oslo municipality", "population": "700000",
              "reference_date": "2023-01-01", "publisher": "SSB", "source_url": "https://ssb.no", "quote": "700 000"}
PROGRAMMES = [{"programme_id": "NO-PILOT", "iso3": "NOR"}, {"programme_id": "CH-X", "iso3": "CHE"}]


def _build(figures, populations):
    return hat_cities_table(figures, populations, PROGRAMMES, {"NOR", "CHE"}, Path("hat_cities.csv"),
                            Path("city_populations.csv"))


def test_the_build_reads_each_figure_against_the_population_nearest_its_year():
    populations = [POPULATION, POPULATION | {"population": "600000", "reference_date": "2013-01-01"},
                   POPULATION | {"population": "710000", "reference_date": "2024-01-01"}]
    table = _build([FIGURE, FIGURE | {"as_of": "2014-06", "value": "30"}, FIGURE | {"as_of": "c. 2018"}],
                   populations).to_pylist()
    assert [(row["as_of"], row["as_of_year"], row["population"], row["population_year"]) for row in table] == [
        ("2023", 2023, 700_000, 2023), ("2014-06", 2014, 600_000, 2013), ("c. 2018", 2018, 700_000, 2023)]


@pytest.mark.parametrize(("figure", "population", "problem"), [
    ({"programme_id": "XX"}, {}, "unknown programme 'XX'"),
    ({"iso3": "CHE"}, {}, "Oslo is in CHE but NO-PILOT runs in NOR"),
    ({"measure": "users"}, {}, "unknown measure 'users'"),
    ({"value": "0"}, {}, "a whole number above zero"),
    ({"value": "about 90"}, {}, "a whole number above zero"),
    ({"quote": " "}, {}, "every figure needs its quote"),
    ({"as_of": "recently"}, {}, "expected a year or a date"),
    ({"city": "Bergen"}, {}, "Bergen has no population"),
    ({}, {"source_url": ""}, "every population needs its source_url"),
    ({}, {"population": "-5"}, "a whole number above zero"),
    ({}, {"iso3": "XYZ"}, "unknown country 'XYZ'"),
])
def test_the_build_refuses_a_city_figure_or_population_it_cannot_cite_or_read(figure, population, problem):
    with pytest.raises(SourceError, match=problem):
        _build([FIGURE | figure], [POPULATION | population])


def test_the_build_refuses_a_figure_listed_twice():
    with pytest.raises(SourceError, match="listed twice"):
        _build([FIGURE, FIGURE | {"value": "91"}], [POPULATION])


def test_the_shipped_register_compares_at_least_12_cities_each_from_two_published_numbers(shipped_connection):
    """Numbers as published: each rate is the city's published figure over its published population, both sourced
    (data/reference/hat_cities.csv, city_populations.csv); Oslo's and Bergen's are checked by hand."""
    rows = cities.all_figures(_query(shipped_connection))
    assert rows["city"].nunique() >= 12 and {"Oslo", "Bergen", "Zürich", "Vancouver", "Glasgow"} <= set(rows["city"])
    assert (rows["source_url"].str.startswith("http") & rows["population_url"].str.startswith("http")).all()
    assert (rows["quote"].str.len() > 10).all() and (rows["population_quote"].str.len() > 3).all()
    assert list(rows["per_100k"]) == pytest.approx(list(rows["value"] * 100_000 / rows["population"]))
    oslo = rows[(rows["city"] == "Oslo") & (rows["measure"] == "patients")].iloc[0]
    # HABiO: 30 patients at the end of April 2022 (Rusfeltet), Oslo 709,037 on 1 Jan 2023 (SSB): 4.2 per 100,000
    assert (oslo["value"], oslo["population"], round(oslo["per_100k"], 1)) == (30, 709_037, 4.2)
    bergen = rows[(rows["city"] == "Bergen") & (rows["measure"] == "patients")].iloc[0]
    # HAB Bergen: 10 patients at its opening in May 2022 (Helse Bergen), Bergen 289,330 on 1 Jan 2023 (SSB)
    assert (bergen["value"], bergen["population"], round(bergen["per_100k"], 1)) == (10, 289_330, 3.5)
    # what each programme's evaluation found rides with its cities, its source in programme_sources
    assert oslo["outcomes"].startswith("SERAF midway report (2024)")
    sources = db.run_query(shipped_connection, "programme_sources", countries=["NOR"])
    found = sources[(sources["programme_id"] == "NO-HAB-PILOT") & (sources["field"] == "outcomes")]
    assert len(found) == 1 and "reduced criminal activity" in found["quote"].iloc[0]
    view, _ = views.view_of_link("page=cities", shipped_connection, load_catalog(shipped_connection))
    drawn = dict(zip(view.figure.layout.meta["cities"], view.figure.data[0].marker.color, strict=True))
    assert drawn["Oslo"] == drawn["Bergen"] == HIGHLIGHT_COLOUR and drawn["Zürich"] == OTHER_COLOUR
    assert "Geneva" in view.figure.layout.meta["frame"]["footnote"]  # its 2000 figure over a 2019 population
