"""Each query in queries/*.sql on the fixture extracts (tests/fixture_data.py), against the values written there."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import db
from dashboard.figures import records
from tests import fixture_data as F


def trend(connection, **params) -> pd.DataFrame:
    defaults = {"indicator": F.COUNT, "countries": ["NOR"], "year_from": 2010, "year_to": 2015,
                "sex": "total", "age_group": "total"}
    return db.run_query(connection, "indicator_trend", **(defaults | params))


def place(connection, **params) -> pd.DataFrame:
    defaults = {"indicator": F.COUNT, "countries": ["NOR", "SWE", "DNK", "FIN"], "year": 2015,
                "sex": "total", "age_group": "total"}
    return db.run_query(connection, "indicator_map", **(defaults | params)).set_index("iso3")


# --- indicator_catalog ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalog(connection) -> pd.DataFrame:
    return db.run_query(connection, "indicator_catalog").set_index("indicator_id")


def test_catalog_lists_every_indicator_with_breakdowns_years_and_attribution(catalog):
    assert sorted(catalog.index) == sorted([F.COUNT, F.RATE, F.NATIONAL])
    deaths = catalog.loc[F.COUNT]
    assert list(deaths["sexes"]) == ["female", "male", "total"]
    assert list(deaths["age_groups"]) == ["25-29", "total"]
    assert set(deaths["breakdowns"]) == {"total/total", "male/total", "female/total", "total/25-29"}
    assert (deaths["year_min"], deaths["year_max"], deaths["map_year"]) == (2010, 2015, 2015)
    assert deaths["attribution"] == "Fixture Bulletin 2030, deaths total."
    assert (catalog.loc[F.NATIONAL, "year_min"], catalog.loc[F.NATIONAL, "year_max"]) == (2014, 2017)


def test_catalog_year_range_counts_only_reported_values(connection):
    extra = connection.duck.execute("select count(*) from facts where value is null").fetchone()[0]
    assert extra == 2  # Sweden 2012: deaths and rate not reported, but rows exist
    assert db.run_query(connection, "indicator_catalog").set_index("indicator_id").loc[F.RATE, "year_min"] == 2010


# --- country_catalog --------------------------------------------------------------------------------------------------

def test_country_catalog_groups_and_positions(connection):
    countries = db.run_query(connection, "country_catalog")
    assert list(countries["name_en"]) == ["Canada", "Denmark", "Finland", "Norway", "Sweden", "Switzerland"]
    assert list(countries.loc[countries["nordic"], "iso3"]) == ["DNK", "FIN", "NOR", "SWE"]
    assert list(countries.loc[countries["has_hat_programme"], "iso3"]) == ["CAN", "DNK", "NOR", "CHE"]
    canada = countries.set_index("iso3").loc["CAN"]
    assert not canada["on_map"] and pd.isna(canada["interior_lat"])
    assert countries.set_index("iso3").loc["CHE", "name_no"] == "Sveits"


# --- indicator_trend --------------------------------------------------------------------------------------------------

def test_trend_has_one_row_per_country_and_year_including_gaps(connection):
    frame = trend(connection, countries=["NOR", "SWE", "DNK"])
    assert len(frame) == 3 * 6 and not frame.duplicated(["iso3", "year"]).any()
    assert list(frame["country"].unique()) == ["Denmark", "Norway", "Sweden"]  # ordered by name, then year
    sweden = frame[frame["iso3"] == "SWE"].set_index("year")["value"]
    assert math.isnan(sweden.loc[2012])  # not reported: a NULL row, not a missing row or a zero
    denmark = frame[frame["iso3"] == "DNK"].set_index("year")["value"]
    assert denmark.loc[2013] == 0  # a reported zero stays zero


def test_trend_values_are_the_fixture_values(connection):
    frame = trend(connection, countries=["NOR", "SWE", "DNK"])
    for row in frame.itertuples():
        expected = F.DEATHS[row.iso3][F.YEARS.index(row.year)]
        assert (expected is None and math.isnan(row.value)) or row.value == expected, (row.iso3, row.year)
    assert (frame["unit"] == "deaths").all()


def test_trend_rates_carry_their_deaths_and_population(connection):
    frame = trend(connection, indicator=F.RATE, countries=["NOR"]).set_index("year")
    assert frame.loc[2015, "value"] == pytest.approx(289 / 3.4)
    assert (frame.loc[2015, "numerator"], frame.loc[2015, "denominator"]) == (289, 3_400_000)


def test_trend_years_outside_the_data_come_back_empty_not_missing(connection):
    frame = trend(connection, year_from=2006, year_to=2011)
    assert list(frame["year"]) == list(range(2006, 2012))
    assert frame.loc[frame["year"] < 2010, "value"].isna().all()
    assert list(frame.loc[frame["year"] >= 2010, "value"]) == [250, 262]


@pytest.mark.parametrize(("change", "expected"), [
    ({"sex": "male"}, {2015: 210}),
    ({"sex": "female"}, {2015: 79}),
    ({"age_group": "25-29"}, {2015: 40}),
    ({"indicator": F.RATE}, {2015: pytest.approx(289 / 3.4)}),
    ({"year_from": 2015, "year_to": 2015}, {2015: 289}),
])
def test_trend_filters_change_the_result(connection, change, expected):
    baseline = trend(connection, year_from=2013, year_to=2015)
    changed = trend(connection, **({"year_from": 2013, "year_to": 2015} | change))
    assert not changed.equals(baseline)
    values = dict(zip(changed["year"], changed["value"], strict=True))
    assert all(values[year] == value for year, value in expected.items())
    assert baseline.set_index("year").loc[2015, "value"] == 289


def test_trend_each_sex_names_its_own_source(connection):
    men = trend(connection, sex="male", year_from=2015, year_to=2015)
    women = trend(connection, sex="female", year_from=2015, year_to=2015)
    assert men["source"].item() == "Fixture Bulletin 2030, deaths of men."
    assert women["source"].item() == "Fixture Bulletin 2030, deaths of women."


def test_trend_countries_filter(connection):
    assert set(trend(connection, countries=["NOR", "SWE"])["iso3"]) == {"NOR", "SWE"}
    assert trend(connection, countries=[]).empty
    assert trend(connection, countries=["XXX"]).empty
    assert trend(connection, year_from=2015, year_to=2010).empty


@pytest.mark.parametrize(("base", "expected"), [(2010, 289 / 250 * 100), (2014, 289 / 266 * 100)])
def test_trend_index_is_computed_in_the_query(connection, base, expected):
    frame = trend(connection, countries=["NOR", "SWE"], index_base=base).set_index(["iso3", "year"])
    assert frame.loc[("NOR", base), "plotted"] == pytest.approx(100)
    assert frame.loc[("NOR", 2015), "plotted"] == pytest.approx(expected)
    assert frame.loc[("NOR", 2015), "value"] == 289 and frame.loc[("NOR", 2015), "base_value"] == frame.loc[
        ("NOR", base), "value"]


def test_trend_index_on_each_countrys_first_year_keeps_a_country_missing_a_fixed_base_year(connection):
    """index 0: each country on the first year it reports (issue 15: indexing to 1995 emptied the chart of the
    countries with no 1995 value). The fixture's Sweden has no 2012 value, so a 2012 base drops it."""
    frame = trend(connection, countries=["NOR", "SWE"], index_base=0)
    for iso3, rows in frame.groupby("iso3"):
        reported = rows.dropna(subset=["value"]).sort_values("year")
        first = reported.iloc[0]
        assert (rows["base_year"].dropna() == first["year"]).all(), iso3
        assert first["plotted"] == pytest.approx(100)
        assert list(reported["plotted"]) == pytest.approx(list(reported["value"] / first["value"] * 100))
    assert trend(connection, countries=["SWE"], index_base=2012)["plotted"].isna().all()


def test_trend_index_on_a_year_without_a_value_draws_nothing_for_that_country(connection):
    frame = trend(connection, countries=["SWE"], index_base=2012)
    assert frame["plotted"].isna().all() and frame["value"].notna().sum() == 5


def test_trend_log_scale_leaves_zero_undrawn(connection):
    frame = trend(connection, countries=["DNK"], log_scale=True).set_index("year")
    assert math.isnan(frame.loc[2013, "plotted"]) and frame.loc[2013, "value"] == 0
    assert frame.loc[2014, "plotted"] == 170


def test_trend_flags_come_with_the_value(connection):
    frame = trend(connection, indicator=F.RATE, countries=["DNK"]).set_index("year")
    assert frame.loc[2010, "quality_flags"] == "rate_from_all_ages_deaths"
    assert frame.loc[2010, "value_note"].startswith("Not the EMCDDA rate")
    assert frame.loc[2010, "source"] == "Computed from the fixture bulletin's all-ages deaths."
    assert pd.isna(frame.loc[2011, "quality_flags"])


# --- indicator_map ----------------------------------------------------------------------------------------------------

def test_map_ranks_among_the_given_countries_only(connection):
    nordic = place(connection)
    assert nordic["rank"].dropna().to_dict() == {"SWE": 1, "NOR": 2, "DNK": 3}
    assert (nordic["ranked_countries"] == 3).all()
    two = place(connection, countries=["NOR", "DNK"])
    assert two["rank"].to_dict() == {"NOR": 1, "DNK": 2}


def test_map_change_against_the_previous_year(connection):
    frame = place(connection, year=2014)
    assert frame.loc["NOR", "change"] == 266 - 234
    assert frame.loc["NOR", "change_pct"] == pytest.approx((266 - 234) / 234 * 100)
    assert frame.loc["DNK", "previous_value"] == 0 and math.isnan(frame.loc["DNK", "change_pct"])  # from zero
    assert math.isnan(place(connection, year=2013).loc["SWE", "change"])  # 2012 not reported


def test_map_unreported_country_is_shown_but_not_ranked(connection):
    frame = place(connection, countries=["NOR", "FIN"])
    assert math.isnan(frame.loc["FIN", "value"]) and pd.isna(frame.loc["FIN", "rank"])
    assert frame.loc["NOR", "rank"] == 1 and (frame["ranked_countries"] == 1).all()
    assert list(frame.index) == ["NOR", "FIN"]  # ranked first, unranked last


@pytest.mark.parametrize("lang", [None, "nb"])
@pytest.mark.parametrize("indicator", [F.COUNT, F.RATE])
def test_the_map_of_every_year_holds_each_years_own_map(connection, indicator, lang):
    """The map reads all years at once ($year NULL) and slices its year: each slice must be the rows, values,
    ranks, changes and colour range the query of that one year gives (what the map and ranking then draw)."""
    countries = ["NOR", "SWE", "DNK", "FIN"]
    params = {"indicator": indicator, "countries": countries, "sex": "total", "age_group": "total",
              "year_from": 2011, "year_to": 2015, "lang": lang}
    every_year = db.run_query(connection, "indicator_map", **(params | {"year": None}))
    assert sorted(set(every_year["year"])) == [2011, 2012, 2013, 2014, 2015]
    for year in range(2011, 2016):
        one_year = db.run_query(connection, "indicator_map", **(params | {"year": year}))
        sliced = every_year[every_year["year"] == year].reset_index(drop=True)
        assert records(sliced) == records(one_year) and list(sliced.columns) == list(one_year.columns)
    before_the_range = place(connection, indicator=indicator, countries=countries, year=2010).loc["NOR", "value"]
    assert every_year.query("year == 2011").set_index("iso3").loc["NOR", "previous_value"] == before_the_range


@pytest.mark.parametrize("lang", [None, "nb"])
def test_the_programme_markers_of_every_year_hold_each_years_own_markers(connection, lang):
    countries = ["NOR", "DNK", "CHE"]
    every_year = db.run_query(connection, "programme_markers", countries=countries, year=None, year_from=2008,
                              year_to=2024, lang=lang)
    for year in range(2008, 2025):
        one_year = db.run_query(connection, "programme_markers", countries=countries, year=year, lang=lang)
        sliced = every_year[every_year["year"] == year].reset_index(drop=True)
        assert records(sliced) == records(one_year) and not one_year.empty


def test_a_new_map_year_and_an_animation_read_no_more_files(connection):
    """What the one read for all years is for: through a caching runner (the app's) a map of another year runs
    no query, and an animated map of six years reads each of its queries once, not once a year."""
    from dashboard import charts
    from dashboard.catalog import load_catalog
    from dashboard.state import parse_state

    catalog, read, cache = load_catalog(connection), [], {}

    def app_like(name, **params):  # a cache on the name and parameters, as dashboard/ui/data.py keeps
        key = (name, repr(sorted(params.items())))
        if key not in cache:
            read.append(name)
            cache[key] = db.run_query(connection, name, **params)
        return cache[key]

    def state(**params):
        return parse_state({"page": "map", "indicator": F.RATE, "countries": "NOR,SWE,DNK"} | params, catalog)[0]

    first = charts.build_chart("map", connection, catalog, state(year="2013"), query=app_like)
    assert sorted(read) == ["indicator_map", "programme_markers", "source_credits"]
    read.clear()
    other = charts.build_chart("map", connection, catalog, state(year="2014"), query=app_like)
    assert read == []
    assert other.data["year"].unique().tolist() == [2014] and first.data["year"].unique().tolist() == [2013]
    assert records(other.data) == records(db.run_query(connection, "indicator_map", **other.params))
    read.clear()
    cache.clear()
    animated = charts.build_chart("map", connection, catalog, state(year="2013", animate="on"), query=app_like)
    assert len(animated.figure.frames) == 6 and sorted(read) == ["indicator_map", "programme_markers",
                                                                  "source_credits"]


# --- programmes, their sources and claims -----------------------------------------------------------------------------

def test_programmes_filtered_by_country(connection):
    swiss = db.run_query(connection, "programmes", countries=["CHE"])
    assert list(swiss["programme_id"]) == ["CH-REGULAR", "CH-TRIAL"]  # by start year
    norway = db.run_query(connection, "programmes", countries=["NOR"])
    assert list(norway["programme_id"]) == ["NO-TRIAL", "NO-PILOT", "NO-PLANNED"]  # unknown start last
    assert db.run_query(connection, "programmes", countries=[]).empty
    assert db.run_query(connection, "programmes", countries=["SWE"]).empty


def test_programme_fields(connection):
    planned = db.run_query(connection, "programmes", countries=["NOR"]).set_index("programme_id").loc["NO-PLANNED"]
    assert pd.isna(planned["start_year"]) and pd.isna(planned["end_year"]) and not planned["treated_patients"]
    denmark = db.run_query(connection, "programmes", countries=["DNK"]).iloc[0]
    assert (denmark["start_year"], denmark["start_date"], denmark["patients_numeric"]) == (2010, "2010-02", 220)



def test_programme_markers_of_a_year(connection):
    """Which programmes a map year draws, in which group and where (fixture: Norway's trial 2011-2013 at two
    sites, Denmark's regular treatment since 2010 at the country's interior point)."""
    def markers(year):
        return db.run_query(connection, "programme_markers", countries=["NOR", "DNK"], year=year)

    early = markers(2010).set_index("programme_id")
    assert early.loc["DK-REGULAR", "map_group"] == "regular"
    assert (early.loc["DK-REGULAR", "lat"], early.loc["DK-REGULAR", "lon"]) == (56.0, 10.0)
    assert pd.isna(early.loc["DK-REGULAR", "site"])
    assert early.loc["NO-TRIAL", "not_drawn"] == "starts later" and pd.isna(early.loc["NO-TRIAL", "lat"])
    assert early.loc["NO-PLANNED", "not_drawn"] == "never implemented"
    assert early.loc["DK-UNDATED", "not_drawn"] == "start year not established"
    trial = markers(2012).query("programme_id == 'NO-TRIAL'")
    assert sorted(trial["site"]) == ["Bergen", "Oslo"] and set(trial["map_group"]) == {"trial"}
    assert set(markers(2013).query("programme_id == 'NO-TRIAL'")["map_group"]) == {"trial"}  # its last year
    assert set(markers(2014).query("programme_id == 'NO-TRIAL'")["map_group"]) == {"ended"}
    assert markers(2023).query("programme_id == 'NO-PILOT'")["map_group"].tolist() == ["pilot"]


def test_programme_claims_show_both_sides_with_their_sources(connection):
    claims = db.run_query(connection, "programme_claims", countries=["DNK"]).set_index("claimed_value")
    assert claims.loc["2009", "claim_status"] == "contradicted" and pd.isna(claims.loc["2009", "source_url"])
    assert claims.loc["2009", "no_url_reason"] == "print article"
    assert claims.loc["2010", "source_url"] == "https://example.org/dk"
    assert db.run_query(connection, "programme_claims", countries=["NOR", "CHE"]).empty


def test_programme_sources_per_field(connection):
    cited = db.run_query(connection, "programme_sources", countries=["NOR"])
    planned = cited[cited["programme_id"] == "NO-PLANNED"]
    assert set(planned["field"]) == {"city_or_sites", "phase", "status"}  # no start date, no patients: no source


# --- sources, flags, editions and credits -----------------------------------------------------------------------------

def test_source_list_has_licence_and_attribution_for_every_source(connection):
    sources = db.run_query(connection, "source_list")
    assert list(sources["source_id"]) == sorted(sources["source_id"], key=lambda s: (
        dict(zip(sources["source_id"], sources["kind"], strict=True))[s], s))
    assert len(sources) == len(F.SOURCES) and sources["licence"].notna().all()


def test_quality_flag_list_counts_the_values_flagged(connection):
    flags = db.run_query(connection, "quality_flag_list").set_index("flag")["values_flagged"].to_dict()
    assert flags == {"national_definition": 3, "rate_from_all_ages_deaths": 1}


def test_data_editions_name_the_bulletin_and_its_last_year(connection):
    editions = db.run_query(connection, "data_editions").set_index("family")
    assert (editions.loc["EMCDDA", "edition"], editions.loc["EMCDDA", "year_max"]) == (F.BULLETIN, 2015)
    assert editions.loc["national", "year_max"] == 2017


def test_source_credits_for_the_base_map(connection):
    found = db.run_query(connection, "source_credits", source_ids=["NATURAL-EARTH", "NOT-A-SOURCE"])
    assert list(found["source_id"]) == ["NATURAL-EARTH"]
    assert found["full_credit"].item().startswith("Made with fixture shapes: squares")
