"""Each query in queries/*.sql on the shipped extracts, checked against the facts directly."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from dashboard import db, settings

AGE_BANDS = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65+"]
NORDIC = ["DNK", "FIN", "ISL", "NOR", "SWE"]


def trend(connection, **params) -> pd.DataFrame:
    defaults = {"indicator": "drd_deaths", "countries": ["NOR"], "year_from": 2010, "year_to": 2017,
                "sex": "total", "age_group": "total"}
    return db.run_query(connection, "indicator_trend", **(defaults | params))


def place(connection, **params) -> pd.DataFrame:
    defaults = {"indicator": "drd_deaths", "countries": ["NOR", "SWE", "DNK", "FIN"], "year": 2016,
                "sex": "total", "age_group": "total"}
    return db.run_query(connection, "indicator_map", **(defaults | params)).set_index("iso3")


def fact(connection, iso3: str, year: int, indicator: str = "drd_deaths", sex: str = "total",
         age_group: str = "total") -> float | None:
    """The value straight from the facts view (None when not reported or absent)."""
    row = connection.duck.execute(
        "select value from facts where iso3 = ? and year = ? and indicator_id = ? and sex = ? and age_group = ?",
        [iso3, year, indicator, sex, age_group]).fetchone()
    return row[0] if row else None


# --- indicator_catalog ------------------------------------------------------------------------------------------------

def reference_rows(name: str) -> list[dict[str, str]]:
    with (settings.REFERENCE_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def catalog(connection) -> pd.DataFrame:
    return db.run_query(connection, "indicator_catalog").set_index("indicator_id")


def test_catalog_lists_every_indicator_with_breakdowns_and_years(connection, catalog):
    indicators = {row[0] for row in connection.duck.execute("select indicator_id from indicators").fetchall()}
    assert set(catalog.index) == indicators and len(indicators) == len(reference_rows("indicators.csv"))
    for indicator_id, row in catalog.iterrows():
        assert len(row["sexes"]) >= 1 and len(row["age_groups"]) >= 1, indicator_id
        assert 1950 <= row["year_min"] <= row["year_max"] <= 2100, indicator_id
        assert row["attribution"], indicator_id
        assert set(row["breakdowns"]) <= {f"{sex}/{age}" for sex in row["sexes"] for age in row["age_groups"]}


def test_catalog_drug_induced_deaths_breakdowns(catalog):
    deaths = catalog.loc["drd_deaths"]
    assert list(deaths["sexes"]) == ["female", "male", "total"]
    assert sorted(set(deaths["age_groups"]) - {"total"}) == AGE_BANDS
    assert (deaths["year_min"], deaths["year_max"]) == (1995, 2017)
    assert "male/25-29" not in set(deaths["breakdowns"])  # age bands are published for both sexes only
    assert {"total/25-29", "male/total", "female/total", "total/total"} <= set(deaths["breakdowns"])


def test_catalog_year_range_counts_only_reported_values(connection, catalog):
    first, last = connection.duck.execute(
        "select min(year), max(year) from facts where indicator_id = 'eurostat_toxico_deaths' and value is not null"
    ).fetchone()
    assert (catalog.loc["eurostat_toxico_deaths", "year_min"], catalog.loc["eurostat_toxico_deaths", "year_max"]) \
        == (first, last)


# --- country_catalog --------------------------------------------------------------------------------------------------

def test_country_catalog_and_presets(connection):
    countries = db.run_query(connection, "country_catalog")
    assert len(countries) == len(reference_rows("countries.csv")) and countries["iso3"].is_unique
    parts = countries[countries["part_of"].notna()]
    assert set(parts["iso3"]) == {"GB-EAW", "GB-SCT"} and set(parts["part_of"]) == {"GBR"}
    assert list(countries["name_en"]) == sorted(countries["name_en"])
    assert countries["eu27"].sum() == 27
    assert sorted(countries.loc[countries["nordic"], "iso3"]) == NORDIC
    assert not countries.loc[countries["iso3"] == "GBR", "eu27"].item()
    on_map = countries[countries["on_map"]]
    assert on_map["centroid_lat"].between(34, 72).all() and on_map["centroid_lon"].between(-25, 45).all()
    assert countries.loc[~countries["on_map"], "centroid_lat"].isna().all()


# --- indicator_trend --------------------------------------------------------------------------------------------------

def test_trend_has_one_row_per_country_and_year_including_gaps(connection):
    frame = trend(connection, countries=["NOR", "BEL", "SWE"], year_from=2012, year_to=2017)
    assert len(frame) == 3 * 6
    assert not frame.duplicated(["iso3", "year"]).any()
    assert list(frame["country"].unique()) == ["Belgium", "Norway", "Sweden"]  # ordered by name, then year
    belgium = frame[frame["iso3"] == "BEL"].set_index("year")["value"]
    assert belgium.loc[[2015, 2016, 2017]].isna().all()  # not reported: NULL rows, not missing rows or zeros
    assert belgium.loc[2014] == 61
    assert math.isnan(frame.set_index(["iso3", "year"]).loc[("NOR", 2017), "value"])


def test_trend_values_match_the_facts(connection):
    frame = trend(connection, countries=["NOR", "SWE", "DEU"], year_from=2000, year_to=2017)
    for row in frame.itertuples():
        expected = fact(connection, row.iso3, row.year)
        assert (expected is None and math.isnan(row.value)) or row.value == expected, (row.iso3, row.year)
    assert (frame["unit"] == "deaths").all()


def test_trend_years_outside_the_data_come_back_empty_not_missing(connection):
    frame = trend(connection, year_from=1990, year_to=1996)
    assert list(frame["year"]) == list(range(1990, 1997))
    assert frame.loc[frame["year"] < 1995, "value"].isna().all()


@pytest.mark.parametrize(("change", "expected"), [
    ({"sex": "male"}, {2016: 196}),
    ({"sex": "female"}, {2016: 86}),
    ({"age_group": "25-29"}, {2016: 21}),
    ({"indicator": "drd_deaths_per_million_15_64"}, None),
    ({"year_from": 2016, "year_to": 2016}, {2016: 282}),
])
def test_trend_filters_change_the_result(connection, change, expected):
    baseline = trend(connection, year_from=2014, year_to=2016)
    changed = trend(connection, **({"year_from": 2014, "year_to": 2016} | change))
    assert not changed.equals(baseline)
    values = dict(zip(changed["year"], changed["value"], strict=True))
    for year, value in (expected or {}).items():
        assert values[year] == value
    assert baseline.set_index("year").loc[2016, "value"] == 282


def test_trend_countries_filter(connection):
    assert set(trend(connection, countries=["NOR", "SWE"])["iso3"]) == {"NOR", "SWE"}
    assert trend(connection, countries=[]).empty
    assert trend(connection, countries=["XXX"]).empty
    assert trend(connection, year_from=2017, year_to=2010).empty


def test_trend_carries_source_notes_and_flags(connection):
    frame = trend(connection, indicator="eurostat_toxico_deaths", countries=["NOR"], year_from=2016,
                  year_to=2016)
    assert frame["source_id"].item() == "EUROSTAT-HLTH_CD_ARO"
    assert frame["source"].item() == "Eurostat, hlth_cd_aro."
    austria = trend(connection, countries=["AUT"], year_from=2016, year_to=2016)
    assert austria["country_note"].item()  # 'Austria *' in the EMCDDA sheet


# --- indicator_map ----------------------------------------------------------------------------------------------------

def test_map_ranks_among_the_given_countries_only(connection):
    nordic = place(connection)
    assert nordic["rank"].to_dict() == {"SWE": 1, "NOR": 2, "DNK": 3, "FIN": 4}
    assert (nordic["ranked_countries"] == 4).all()
    with_germany = place(connection, countries=["NOR", "SWE", "DNK", "FIN", "DEU"])
    assert with_germany.loc["DEU", "rank"] == 1 and with_germany.loc["SWE", "rank"] == 2
    assert set(with_germany.index) == {"NOR", "SWE", "DNK", "FIN", "DEU"}


def test_map_change_against_the_previous_year_matches_the_facts(connection):
    countries = ["NOR", "SWE", "DNK", "FIN", "DEU", "BEL", "EST"]
    frame = place(connection, countries=countries, year=2016)
    for iso3 in countries:
        value, previous = fact(connection, iso3, 2016), fact(connection, iso3, 2015)
        row = frame.loc[iso3]
        if value is None or previous is None:
            assert math.isnan(row["change"])
            continue
        assert row["value"] == value and row["previous_value"] == previous
        assert row["change"] == pytest.approx(value - previous)
        assert row["change_pct"] == pytest.approx((value - previous) / previous * 100)
    assert frame.loc["NOR", "change"] == 282 - 289


def test_map_unreported_country_is_shown_but_not_ranked(connection):
    frame = place(connection, countries=["NOR", "BEL"])
    assert math.isnan(frame.loc["BEL", "value"]) and pd.isna(frame.loc["BEL", "rank"])
    assert frame.loc["NOR", "rank"] == 1 and (frame["ranked_countries"] == 1).all()
    assert list(frame.index) == ["NOR", "BEL"]  # ranked first, unranked last
    assert (frame["unit"] == "deaths").all()


# --- programmes and programme_claims ----------------------------------------------------------------------------------

def test_programmes_filtered_by_country(connection):
    dutch = db.run_query(connection, "programmes", countries=["NLD"])
    assert sorted(dutch["programme_id"]) == ["NL-CCBH-TRIAL", "NL-REGULAR"]
    several = db.run_query(connection, "programmes", countries=["NOR", "CHE"])
    assert sorted(several["programme_id"]) == ["CH-HEGEBE", "CH-PROVE", "NO-HAB-PILOT"]
    assert db.run_query(connection, "programmes", countries=[]).empty
    assert db.run_query(connection, "programmes", countries=["FRA"]).empty  # no HAT programme found for France
    everything = db.run_query(connection, "programmes", countries=NORDIC + ["NLD", "CHE", "DEU", "GBR", "BEL",
                                                                        "LUX", "ESP", "CAN", "AUS"])
    assert len(everything) == len(reference_rows("programmes.csv"))
    assert everything["source_titles"].str.strip().astype(bool).all()
    assert everything["source_urls"].str.strip().astype(bool).all()
    assert everything["centroid_lat"].notna().sum() >= 15


def test_programme_fields(connection):
    pilot = db.run_query(connection, "programmes", countries=["NOR"]).iloc[0]
    assert (pilot["programme_id"], pilot["start_year"]) == ("NO-HAB-PILOT", 2022)
    assert pd.isna(pilot["end_year"])


def test_programme_claims_show_both_dutch_start_years_with_their_sources(connection):
    claims = db.run_query(connection, "programme_claims", countries=["NLD"])
    start = claims[(claims["programme_id"] == "NL-CCBH-TRIAL") & (claims["field"] == "start_year")]
    by_year = start.set_index("claimed_value")
    assert set(by_year.index) == {"1988", "1998"}
    assert by_year.loc["1988", "claim_status"] == "contradicted"
    assert by_year.loc["1998", "claim_status"] == "supported"
    assert "ASC Communications" in by_year.loc["1988", "source_title"]
    assert by_year.loc["1998", "source_url"] == "https://ndsn.org/julaug98/heroin2.html"
    assert set(claims["country"]) == {"Netherlands"}
    dutch = {row["programme_id"] for row in reference_rows("programmes.csv") if row["iso3"] == "NLD"}
    assert len(claims) == sum(row["programme_id"] in dutch for row in reference_rows("programme_claims.csv"))
    regular = claims[claims["programme_id"] == "NL-REGULAR"].set_index("claimed_value")["claim_status"]
    assert regular["2009"] == "supported" and regular["2004"] == "contradicted"  # a decision, not a start


def test_programme_claims_filtered_by_country(connection):
    assert db.run_query(connection, "programme_claims", countries=[]).empty
    norway = db.run_query(connection, "programme_claims", countries=["NOR"])
    assert {"2020", "2021", "2022"} <= set(norway["claimed_value"])
    assert set(norway["country"]) == {"Norway"}


# --- source_list ------------------------------------------------------------------------------------------------------

def test_source_list_has_licence_and_attribution_for_every_source(connection):
    sources = db.run_query(connection, "source_list")
    assert sources["source_id"].is_unique
    assert sources["licence"].notna().all() and sources["attribution"].notna().all()
    assert set(sources["kind"]) == {"external", "computed"}
    used = {row[0] for row in connection.duck.execute("select distinct source_id from facts").fetchall()}
    assert used <= set(sources["source_id"])
    listed = {row["source_id"] for row in reference_rows("sources.csv")}
    assert set(sources["source_id"]) == used | listed, "every source row is used or hand-listed"
