"""The data-truth module: the shipped edition (data/extracts) against numbers as published, the EMCDDA's own rates,
the seed articles' figures, what each flag says, and the facts of the HAT register.

The only tests that read this edition's values (with the build tests, which rebuild it from the raw sources): every
other test runs on the fixture extracts of tests/fixture_data.py, so a new edition is checked here and only here.

tests/fixtures/published_emcdda_rates.csv holds every EMCDDA rate per million aged 15-64 we found published (Country
Drug Reports 2019, Statistical Bulletins 2007 and 2012), each with its URL and quote, and what we expect of it:
`reproduced` (equal at the rounding it was published with), `within_5_percent` (population source: UN WPP 2017
instead of Eurostat, or a small revision of the count), `count_differs` (an earlier edition or another register
counted other deaths), `average_or_population_base` (a three-year average, or Cyprus's government-controlled
area), `no_age_bands` (our rate is flagged as not the EMCDDA's), `no_value` (no count in this edition).
"""

from __future__ import annotations

import csv
import decimal
import json
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import charts, db, export, figures, settings
from dashboard.catalog import load_catalog
from dashboard.state import parse_state
from tests.figure_support import FRAME, annotation_text, series, shapes_named

RATE = "drd_deaths_per_million_15_64"
PUBLISHED = list(csv.DictReader((Path(__file__).parent / "fixtures" / "published_emcdda_rates.csv")
                                .open(encoding="utf-8")))


@pytest.fixture(scope="module")
def connection(shipped_connection):
    """This module checks the shipped edition: its connection reads data/extracts, not the fixture."""
    return shipped_connection


def published_rounding(value: float, decimals: int) -> float:
    """Round half up, as publications do (Python's round() rounds half to even)."""
    step = decimal.Decimal(1).scaleb(-decimals)
    return float(decimal.Decimal(repr(value)).quantize(step, rounding=decimal.ROUND_HALF_UP))


def rate_row(connection: db.Connection, indicator: str, iso3: str, year: int) -> dict:
    frame = db.run_query(connection, "indicator_trend", indicator=indicator, countries=[iso3], year_from=year,
                         year_to=year, sex="total", age_group="total")
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


def test_the_fixture_is_what_the_docstring_says():
    assert {row["expected"] for row in PUBLISHED} <= {"reproduced", "within_5_percent", "count_differs",
                                                      "average_or_population_base", "no_age_bands", "no_value"}
    assert all(row["source_url"].startswith("http") and row["quote"] for row in PUBLISHED)
    reproduced = [row for row in PUBLISHED if row["expected"] == "reproduced"]
    assert len(reproduced) >= 8
    assert len({row["iso3"] for row in reproduced}) >= 8


@pytest.mark.parametrize("published", [row for row in PUBLISHED if row["expected"] == "reproduced"],
                         ids=lambda row: f"{row['iso3']}-{row['year']}-{row['rate']}")
def test_published_emcdda_rate_is_reproduced_to_its_rounding(connection, published):
    row = rate_row(connection, "drd_deaths_per_million_15_64", published["iso3"], int(published["year"]))
    assert published_rounding(row["value"], int(published["rounding"])) == float(published["rate"])
    assert row["source_id"].endswith("-DRD-RATE"), "from the age bands 15-64, the EMCDDA's definition"
    assert row["value"] == pytest.approx(row["numerator"] / row["denominator"] * 1e6)


@pytest.mark.parametrize("published", [row for row in PUBLISHED if row["expected"] == "within_5_percent"],
                         ids=lambda row: f"{row['iso3']}-{row['year']}-{row['rate']}")
def test_published_rate_within_five_percent_where_only_the_population_differs(connection, published):
    row = rate_row(connection, "drd_deaths_per_million_15_64", published["iso3"], int(published["year"]))
    assert row["value"] == pytest.approx(float(published["rate"]), rel=0.05)
    assert published_rounding(row["value"], int(published["rounding"])) != float(published["rate"])


@pytest.mark.parametrize("published", [row for row in PUBLISHED if row["expected"] == "no_age_bands"],
                         ids=lambda row: f"{row['iso3']}-{row['year']}")
def test_a_rate_without_age_bands_says_it_is_not_the_emcdda_rate(connection, published):
    row = rate_row(connection, "drd_deaths_per_million_15_64", published["iso3"], int(published["year"]))
    assert "rate_from_all_ages_deaths" in row["quality_flags"]
    assert row["value_note"].startswith("Not the EMCDDA rate")
    assert row["source_id"].endswith("-DRD-RATE-ALLAGES-DEATHS")


# --- the seed articles' figures -------------------------------------------------------------------------------

def test_norway_2015_reads_81_per_million_aged_15_64(connection):
    row = rate_row(connection, "drd_deaths_per_million_15_64", "NOR", 2015)
    assert published_rounding(row["value"], 0) == 81
    assert (row["numerator"], row["denominator"]) == (278, 3418094)
    assert row["unit"] == "deaths per million aged 15-64"


@pytest.mark.parametrize(("iso3", "year", "deaths"), [("NOR", 2014, 266), ("NLD", 2016, 235)])
def test_seed_death_counts_are_all_drug_induced_deaths(connection, iso3, year, deaths):
    row = rate_row(connection, "drd_deaths", iso3, year)
    assert row["value"] == deaths
    definition = load_catalog(connection).indicators["drd_deaths"].definition
    assert "Deaths directly attributable to the use of illicit drugs" in definition  # not "opioid deaths"


def test_per_million_inhabitants_is_a_separate_rate(connection):
    aged = rate_row(connection, "drd_deaths_per_million_15_64", "NOR", 2015)
    everyone = rate_row(connection, "drd_deaths_per_million_all_ages", "NOR", 2015)
    assert everyone["numerator"] == 289  # all ages, male + female
    assert everyone["value"] == pytest.approx(289 / everyone["denominator"] * 1e6)
    assert everyone["value"] < aged["value"]
    assert everyone["unit"] == "deaths per million inhabitants (all ages)"


# --- flags are shown where the values appear ------------------------------------------------------------------

def test_source_tables_that_disagree_are_flagged_not_hidden(connection):
    rows = connection.duck.execute("""
        select count(distinct (iso3, year)) from facts
        where indicator_id = 'drd_deaths' and contains(quality_flags, 'age_bands_exceed_sex_total')
    """).fetchone()[0]
    assert rows == 21
    france = rate_row(connection, "drd_deaths", "FRA", 2001)
    assert france["value"] == 272  # male + female, as published
    assert "age bands add up to more than male + female" in france["value_note"]


def test_uk_methadone_clients_are_flagged_as_part_of_the_country(connection):
    row = rate_row(connection, "ost_methadone_clients", "GBR", 2016)
    assert row["value"] == 1622
    assert "part of the country" in row["value_note"]


def test_flags_reach_the_hover_the_table_and_the_csv(connection):
    catalog = load_catalog(connection)
    state, _ = parse_state({"page": "trends", "indicator": "drd_deaths_per_million_15_64", "countries": "DEU,NOR",
                            "from": "2000", "to": "2016"}, catalog)
    view = charts.build_chart("trend", connection, catalog, state)
    germany_2000 = view.data[(view.data["iso3"] == "DEU") & (view.data["year"] == 2000)].iloc[0]
    assert germany_2000["value_note"].startswith("Not the EMCDDA rate")
    hovers = " ".join(str(text) for trace in view.figure.data for text in (trace.hovertext or ()))
    assert "⚠ Not the EMCDDA rate" in hovers
    assert "from 278 deaths aged 15-64 and 3,418,094 people aged 15-64" in hovers  # Norway 2015
    assert "from 2,030 deaths at all ages and 55,285,050 people aged 15-64" in hovers  # Germany 2000: no bands
    exported = export.to_csv(view).decode("utf-8")
    assert "Not the EMCDDA rate" in exported and ",278.0,3418094.0," in exported
    # The footer names every source drawn: the band-based rate and the flagged fallback.
    assert "tables DRD-36 to DRD-45 (deaths aged 15-64)" in view.source_line
    assert "as no age bands were reported" in view.source_line


def test_footer_names_the_source_of_the_breakdown_drawn(connection):
    catalog = load_catalog(connection)
    state, _ = parse_state({"page": "trends", "indicator": "drd_deaths", "countries": "NOR", "sex": "male"},
                           catalog)
    view = charts.build_chart("trend", connection, catalog, state)
    assert "table DRD-31" in view.source_line
    assert "DRD-32" not in view.source_line


def test_the_map_credits_natural_earth_from_the_sources_table(connection):
    catalog = load_catalog(connection)
    state, _ = parse_state({"page": "map", "countries": "NOR,SWE"}, catalog)
    view = charts.build_chart("map", connection, catalog, state)
    attribution = connection.duck.execute(
        "select attribution from sources where source_id = 'NATURAL-EARTH'").fetchone()[0]
    assert attribution in view.source_line
    assert any("naturalearthdata.com" in credit for credit in view.credits)


def test_flagged_values_are_drawn_open_and_listed_under_the_chart(connection):
    catalog = load_catalog(connection)
    state, _ = parse_state({"page": "trends", "indicator": "drd_deaths_per_million_15_64", "countries": "DEU,NOR",
                            "from": "1995", "to": "2010"}, catalog)
    view = charts.build_chart("trend", connection, catalog, state)
    flagged = [trace for trace in view.figure.data if (trace.meta or {}).get("role") == "flagged"]
    assert [trace.meta["iso3"] for trace in flagged] == ["DEU"]
    assert list(flagged[0].x) == list(range(1995, 2003))  # Germany reported no age bands before 2003
    assert flagged[0].hoverinfo == "skip" and flagged[0].showlegend is False
    footnote = " ".join(a.text for a in view.figure.layout.annotations if a.name == "dpa-footnote")
    assert "Open markers: flagged values" in footnote and "Not the EMCDDA rate" in footnote
    assert "Flagged (Not the EMCDDA rate" in view.summary and "Germany" in view.summary


def test_the_map_lists_flagged_countries(connection):
    catalog = load_catalog(connection)
    state, _ = parse_state({"page": "map", "indicator": "drd_deaths_per_million_15_64", "countries": "FRA,NOR",
                            "year": "2001"}, catalog)
    view = charts.build_chart("map", connection, catalog, state)
    footnote = " ".join(a.text for a in view.figure.layout.annotations if a.name == "dpa-footnote")
    assert "Source tables disagree" in footnote and "France" in footnote


# --- the HAT register ---------------------------------------------------------------------------------------------

def test_a_country_with_a_hat_programme_is_one_that_treated_patients(connection):
    catalog = load_catalog(connection)
    hat = catalog.preset("hat")
    assert "AUS" not in hat and "FRA" not in hat  # Australia's 1997 trial was vetoed; France never had one
    assert {"NOR", "CHE", "NLD", "DEU", "DNK", "GBR", "CAN"} <= set(hat)
    australia = db.run_query(connection, "programmes", countries=["AUS"]).iloc[0]
    assert (australia["phase"], bool(australia["treated_patients"])) == ("vetoed", False)
    assert db.run_query(connection, "programmes", countries=["FRA"]).empty


def test_every_programme_fact_names_its_source_field_by_field(connection):
    cited = db.run_query(connection, "programme_sources", countries=["NLD"])
    regular = cited[cited["programme_id"] == "NL-REGULAR"]
    start = regular[regular["field"] == "start_date"]
    assert not start.empty and start["quote"].str.contains("15 October 2009").any()
    assert (cited["source_url"].notna() | cited["no_url_reason"].notna()).all()
    netherlands = db.run_query(connection, "programmes", countries=["NLD"]).set_index("programme_id")
    assert netherlands.loc["NL-REGULAR", "start_date"] == "2009-10-15"
    assert "740" in netherlands.loc["NL-REGULAR", "capacity_note"]


@pytest.mark.parametrize(("programme_id", "field", "expected"), [
    ("CA-SALOME", "start_year", 2011), ("CA-SALOME", "end_year", 2015),
    ("UK-BRITISH-SYSTEM", "phase", "unsupervised_prescribing"), ("ES-PEPSA", "end_year", None),
    ("DE-MODELLPROJEKT", "patients_numeric", 1015),
])
def test_register_corrections_from_the_data_review(connection, programme_id, field, expected):
    everything = db.run_query(connection, "programmes", countries=list(load_catalog(connection).countries))
    value = everything.set_index("programme_id").loc[programme_id, field]
    assert pd.isna(value) if expected is None else value == expected


def test_danish_tablets_and_glasgow_status_are_current(connection):
    programmes = db.run_query(connection, "programmes", countries=["DNK", "GBR"]).set_index("programme_id")
    assert "tablets" in programmes.loc["DK-REGULAR", "medication_form"].lower()
    assert programmes.loc["UK-GLASGOW-EDTS", "status"].startswith("ongoing")
    assert programmes.loc["UK-GLASGOW-EDTS", "status_as_of"] >= "2023"


def test_canada_national_authorisation_2019_is_in_the_register(connection):
    canada = db.run_query(connection, "programmes", countries=["CAN"]).set_index("programme_id")
    assert canada.loc["CA-NATIONAL", "start_date"].startswith("2019")


# --- national figures as published ----------------------------------------------------------------------------

def test_norway_national_figures_reach_2023_each_with_its_citation(connection):
    rows = db.run_query(connection, "indicator_trend", indicator="national_drug_deaths", countries=["NOR"],
                        year_from=2017, year_to=2023, sex="total", age_group="total")
    assert list(rows["year"]) == list(range(2017, 2024)) and rows["value"].notna().all()
    assert dict(zip(rows["year"], rows["value"], strict=True))[2023] == 363
    assert rows["source_id"].is_unique  # one citation per value
    assert rows["source"].str.contains("Folkehelseinstituttet").all()
    assert rows["value_note"].str.contains("EMCDDA definition").all()
    sources = db.run_query(connection, "source_list").set_index("source_id")
    assert sources.loc[rows["source_id"], "url"].str.startswith("http").all()


def test_england_and_wales_are_their_own_geography_not_the_uk(connection):
    rows = db.run_query(connection, "indicator_trend", indicator="national_drug_death_rate_age_std",
                        countries=["GB-EAW", "GBR"], year_from=2017, year_to=2017, sex="total", age_group="total")
    by_country = rows.set_index("country")["value"]
    assert by_country["England and Wales"] == 66.1
    assert by_country.isna()["United Kingdom"]  # never filed under the whole UK
    assert "GB-EAW" not in load_catalog(connection).preset("all")  # 'All countries' are countries


def test_every_page_says_which_edition_and_that_it_ends_in_2017(connection):
    editions = db.run_query(connection, "data_editions").set_index("family")
    assert editions.loc["EMCDDA", "year_max"] == 2017
    assert editions.loc["EMCDDA", "edition"].startswith("Statistical Bulletin 2019")
    assert editions.loc["national", "year_max"] == 2023


def test_age_bands_all_zero_are_not_used_for_the_rate(connection):
    """Netherlands 1995: every age band is 0 beside 70 deaths (51 men, 19 women): not a rate of 0."""
    row = rate_row(connection, "drd_deaths_per_million_15_64", "NLD", 1995)
    assert row["numerator"] == 70 and row["value"] > 0
    assert {"rate_from_all_ages_deaths", "age_bands_all_zero"} <= set(row["quality_flags"].split(","))
    count = rate_row(connection, "drd_deaths", "NLD", 1995)
    assert count["value"] == 70 and "every age band is 0" in count["value_note"]


# --- the shipped edition's catalog, register and sources (moved from tests/test_queries.py) ----------------------

AGE_BANDS = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65+"]
NORDIC = ["DNK", "FIN", "ISL", "NOR", "SWE"]


def reference_rows(name: str) -> list[dict[str, str]]:
    with (settings.REFERENCE_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_catalog_drug_induced_deaths_breakdowns(connection):
    catalog = db.run_query(connection, "indicator_catalog").set_index("indicator_id")
    deaths = catalog.loc["drd_deaths"]
    assert list(deaths["sexes"]) == ["female", "male", "total"]
    assert sorted(set(deaths["age_groups"]) - {"total"}) == AGE_BANDS
    assert (deaths["year_min"], deaths["year_max"]) == (1995, 2017)
    assert "male/25-29" not in set(deaths["breakdowns"])  # age bands are published for both sexes only
    assert {"total/25-29", "male/total", "female/total", "total/total"} <= set(deaths["breakdowns"])


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
    assert on_map["interior_lat"].between(34, 72).all() and on_map["interior_lon"].between(-25, 45).all()
    assert countries.loc[~countries["on_map"], "interior_lat"].isna().all()


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


def _shapes() -> dict:
    shapely_geometry = pytest.importorskip("shapely.geometry")
    geojson = json.loads((settings.SHIPPED_DATA_DIR / "europe.geojson").read_text(encoding="utf-8"))
    return {f["id"]: shapely_geometry.shape(f["geometry"]) for f in geojson["features"]}


def test_every_country_interior_point_lies_inside_its_own_country(connection):
    """Checked with shapely, independently of the build's own point-in-polygon code. Norway's centroid lies in
    Sweden; its markers used to be drawn there."""
    from shapely.geometry import Point

    shapes = _shapes()
    countries = db.run_query(connection, "country_catalog").set_index("iso3")
    for iso3, row in countries[countries["on_map"]].iterrows():
        assert shapes[iso3].contains(Point(row["interior_lon"], row["interior_lat"])), iso3
    norway = countries.loc["NOR"]
    assert not shapes["SWE"].contains(Point(norway["interior_lon"], norway["interior_lat"]))


@pytest.mark.parametrize("year", range(1995, 2024))
def test_every_programme_marker_lies_inside_its_own_country_and_only_from_its_start(connection, year):
    """The markers of every map year, as drawn (spread apart where several share a place): each inside its
    programme's country, none for a programme that had not begun, none for one that never ran."""
    from shapely.geometry import Point

    shapes = _shapes()
    everyone = list(load_catalog(connection).countries)
    markers = db.run_query(connection, "programme_markers", countries=everyone, year=year)
    frame = db.run_query(connection, "indicator_map", indicator="drd_deaths", year=min(year, 2017), sex="total",
                         age_group="total", countries=everyone)
    geojson = json.loads((settings.SHIPPED_DATA_DIR / "europe.geojson").read_text(encoding="utf-8"))
    fig = figures.make_map_figure(frame, geojson, indicator_label="d", unit="deaths", year=year, markers=markers,
                                  **FRAME)
    register = db.run_query(connection, "programmes", countries=everyone).set_index("programme_id")
    drawn = 0
    for trace in fig.data:
        if isinstance(trace.meta, dict) and trace.meta.get("role") == "programme":
            for pid, lat, lon in zip(trace.customdata, trace.lat, trace.lon, strict=True):
                programme = register.loc[pid]
                assert shapes[programme["iso3"]].contains(Point(lon, lat)), (year, pid, lat, lon)
                assert programme["start_year"] <= year and programme["phase"] not in ("planned", "vetoed")
                expected = "ended" if not pd.isna(programme["end_year"]) and programme["end_year"] < year else None
                assert expected is None or trace.meta["phase"] == "ended", (year, pid)
                drawn += 1
    started = register[(register["start_year"] <= year) & ~register["phase"].isin(["planned", "vetoed"])
                       & register["iso3"].isin(list(shapes))]
    assert len({pid for t in fig.data if isinstance(t.meta, dict) and t.meta.get("role") == "programme"
                for pid in t.customdata}) == len(started)
    if year < 2022:
        assert "NO-HAB-PILOT" not in markers.dropna(subset=["lat"])["programme_id"].tolist()
    assert drawn >= len(started)


def test_norways_pilot_is_drawn_at_oslo_and_bergen(connection):
    markers = db.run_query(connection, "programme_markers", countries=["NOR"], year=2023)
    pilot = markers[markers["programme_id"] == "NO-HAB-PILOT"]
    assert sorted(pilot["site"]) == ["Bergen", "Oslo"] and set(pilot["map_group"]) == {"pilot"}
    assert db.run_query(connection, "programme_markers", countries=["NOR"], year=2021)["not_drawn"].tolist() == [
        "starts later"]


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


def test_source_list_has_licence_and_attribution_for_every_source(connection):
    sources = db.run_query(connection, "source_list")
    assert sources["source_id"].is_unique
    assert sources["licence"].notna().all() and sources["attribution"].notna().all()
    assert set(sources["kind"]) == {"external", "computed"}
    used = {row[0] for row in connection.duck.execute("select distinct source_id from facts").fetchall()}
    assert used <= set(sources["source_id"])
    listed = {row["source_id"] for row in reference_rows("sources.csv")}
    assert set(sources["source_id"]) == used | listed, "every source row is used or hand-listed"


def test_national_figures_beside_the_uk_are_england_and_wales_and_scotland(connection):
    """The UK has no national series of its own: its parts' figures are drawn beside the EMCDDA series."""
    from dashboard import content

    reader = content.DirectReader(connection)
    state, _ = parse_state({"indicator": "drd_deaths", "countries": "NOR,GBR"}, reader.load_catalog(), page="trends")
    companion = content.national_companion(reader, state)
    drawn = companion.chart.data.loc[companion.chart.data["value"].notna()]
    assert set(drawn["iso3"]) == {"NOR", "GB-EAW", "GB-SCT"}
    norway = drawn[drawn["iso3"] == "NOR"].set_index("year")["value"]
    assert norway[2023] == 363 and norway.index.max() == 2023
    assert drawn["source_publisher"].str.contains("Folkehelseinstituttet").any()


# --- the register drawn: how the shipped programmes appear on the map, the trends and the timeline ------------

@pytest.fixture(scope="module")
def programmes(connection) -> pd.DataFrame:
    return db.run_query(connection, "programmes", countries=list(load_catalog(connection).countries))


@pytest.fixture(scope="module")
def rate_map_figure(connection) -> go.Figure:
    """The rate map of 2016 with the markers of 2023 (so that Norway's pilot, begun in 2022, is drawn too)."""
    geojson = json.loads((settings.SHIPPED_DATA_DIR / "europe.geojson").read_text(encoding="utf-8"))
    everyone = list(load_catalog(connection).countries)
    frame = db.run_query(connection, "indicator_map", indicator=RATE, year=2016, sex="total", age_group="total",
                         countries=everyone)
    markers = db.run_query(connection, "programme_markers", countries=everyone, year=2023)
    return figures.make_map_figure(frame, geojson, indicator_label="rate", unit="x", year=2023, markers=markers,
                                   **FRAME)


def trend_query(connection, countries, year_from=1995, year_to=2017) -> pd.DataFrame:
    return db.run_query(connection, "indicator_trend", indicator=RATE, countries=countries, year_from=year_from,
                        year_to=year_to, sex="total", age_group="total")


@pytest.mark.parametrize(("programme_id", "phase"), [
    ("CH-PROVE", "ended"), ("CH-HEGEBE", "regular"), ("NL-REGULAR", "regular"), ("DK-REGULAR", "regular"),
    ("ES-PEPSA", "trial"), ("UK-BRITISH-SYSTEM", "unsupervised prescribing"), ("UK-MIDDLESBROUGH", "ended"),
    ("UK-GLASGOW-EDTS", "pilot"), ("LU-TADIAM", "pilot"), ("NO-HAB-PILOT", "pilot"),
    ("AU-ACT-TRIAL", "planned/never implemented"),
])
def test_programme_phase_on_shipped_programmes(programmes, programme_id, phase):
    """PEPSA still treats patients (compassionate use) and the 1926 'British system' is not supervised HAT."""
    row = next(row for row in figures.records(programmes) if row["programme_id"] == programme_id)
    assert figures.programme_phase(row) == phase


def test_programme_marker_hover(rate_map_figure, programmes):
    """What the map's markers say about the register's programmes (years, patients, sources, conflicts)."""
    markers = [t for t in rate_map_figure.data if isinstance(t.meta, dict) and t.meta.get("role") == "programme"]
    hovers = {pid: text for trace in markers for pid, text in zip(trace.customdata, trace.hovertext, strict=True)}
    assert "Years: since 2009" in hovers["DE-REGULAR"] and "788" in hovers["DE-REGULAR"]
    assert "Years: 2002–2007" in hovers["DE-MODELLPROJEKT"]
    assert "Years: since 2009" in hovers["NL-REGULAR"]
    first_source = programmes.set_index("programme_id").loc["NL-REGULAR", "source_titles"][0]
    assert f"Source: {first_source[:40]}" in hovers["NL-REGULAR"].replace("<br>", " ")
    assert "Sources disagree" in hovers["NO-HAB-PILOT"] and "Sources disagree" not in hovers["DE-REGULAR"]


def test_trend_programme_band_and_line_for_germany(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["DEU"]), indicator_label="rate", unit="x",
                                    programmes=programmes, **FRAME)
    band = shapes_named(fig, "hat-band-DE-MODELLPROJEKT")
    assert len(band) == 1 and (band[0].x0, band[0].x1) == (2001.5, 2007.5)
    line = shapes_named(fig, "hat-line-DE-REGULAR")
    assert len(line) == 1 and line[0].x0 == line[0].x1 == 2009 and line[0].line.dash == "dot"
    assert annotation_text(fig, "hat-label-DE-REGULAR").replace("<br>", " ") == "HAT regular: Germany 2009"
    assert annotation_text(fig, "hat-label-DE-MODELLPROJEKT").replace("<br>", " ") == "HAT trial: Germany 2002–2007"
    colour = series(fig)["Germany"].line.color
    red, green, blue = (int(colour.lstrip("#")[i: i + 2], 16) for i in (0, 2, 4))
    assert line[0].line.color == colour and band[0].fillcolor.startswith(f"rgba({red},{green},{blue},0.")
    assert shapes_named(fig, "hat-band-CH") == []  # only programmes of the countries shown


def test_trend_regular_treatment_begun_before_the_range_is_marked_at_its_start(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["CHE"], 2005, 2017), indicator_label="a", unit="x",
                                    programmes=programmes, **FRAME)
    line = shapes_named(fig, "hat-line-CH-HEGEBE")
    assert len(line) == 1 and line[0].x0 == 2005
    assert annotation_text(fig, "hat-label-CH-HEGEBE").replace("<br>", " ") == "HAT regular: Switzerland since 1999"


def test_trend_does_not_draw_the_british_system_as_hat(connection, programmes):
    """Take-home prescribing since 1926 is not supervised heroin-assisted treatment (data review 2026-12)."""
    fig = figures.make_trend_figure(trend_query(connection, ["GBR"], 1995, 2017), indicator_label="a", unit="x",
                                    programmes=programmes, **FRAME)
    assert shapes_named(fig, "hat-line-UK-BRITISH-SYSTEM") == []
    assert "UK-BRITISH-SYSTEM" in fig.layout.meta["programmes_not_drawn"]
    assert len(shapes_named(fig, "hat-band-UK-RIOTT")) == 1


def test_trend_dutch_regular_treatment_starts_in_2009(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["NLD"]), indicator_label="a", unit="x",
                                    programmes=programmes, **FRAME)
    line = shapes_named(fig, "hat-line-NL-REGULAR")
    assert len(line) == 1 and line[0].x0 == 2009
    assert len(shapes_named(fig, "hat-band-NL-CCBH-TRIAL")) == 1


def test_timeline_early_start_is_clipped_and_labelled(programmes):
    fig = figures.make_timeline_figure(programmes, **FRAME)
    assert fig.layout.meta["clipped"] == ["UK-BRITISH-SYSTEM"]
    assert "◀ from 1926" in annotation_text(fig, "hat-label-clipped-UK-BRITISH-SYSTEM")
    assert fig.layout.xaxis.range[0] < figures.TIMELINE_FIRST_YEAR


# --- figures quoted in the news, and the build's own rules, on the shipped extracts (moved from test_build.py) ---

def one_value(connection: db.Connection, indicator: str, iso3: str, year: int) -> float:
    frame = db.run_query(connection, "indicator_trend", indicator=indicator, countries=[iso3], year_from=year,
                         year_to=year, sex="total", age_group="total")
    assert len(frame) == 1
    return frame["value"].iloc[0]




@pytest.mark.parametrize(("iso3", "year", "deaths"), [("NOR", 2014, 266), ("NLD", 2016, 235), ("NOR", 2013, 234),
                                                      ("EST", 2017, 110)])
def test_published_death_counts(connection, iso3, year, deaths):
    assert one_value(connection, "drd_deaths", iso3, year) == deaths


def test_map_shows_the_published_count_and_its_change(connection):
    frame = db.run_query(connection, "indicator_map", indicator="drd_deaths", countries=["NOR"], year=2014,
                         sex="total", age_group="total")
    row = frame.iloc[0]
    assert (row["value"], row["previous_value"], row["change"]) == (266, 234, 32)


def test_total_is_male_plus_female(connection):
    totals = connection.duck.execute("""
        select m.value + f.value, t.value
        from facts t
        join facts m using (iso3, year, indicator_id, age_group)
        join facts f using (iso3, year, indicator_id, age_group)
        where t.indicator_id = 'drd_deaths' and t.age_group = 'total'
          and t.sex = 'total' and m.sex = 'male' and f.sex = 'female'
    """).fetchall()
    assert len(totals) == 690
    assert all(both == total for both, total in totals)


def test_not_reported_stays_null(connection):
    """Belgium reported no deaths for 2015-2017: the facts keep a NULL row, never a 0."""
    rows = connection.duck.execute("""
        select indicator_id, sex, value from facts
        where iso3 = 'BEL' and year = 2016 and age_group = 'total'
          and indicator_id in ('drd_deaths', 'drd_deaths_per_million_15_64')
        order by all
    """).fetchall()
    assert rows == [("drd_deaths", "female", None), ("drd_deaths", "male", None), ("drd_deaths", "total", None),
                    ("drd_deaths_per_million_15_64", "total", None)]
    assert pd.isna(one_value(connection, "drd_deaths", "BEL", 2016))


# The claim register (data/reference/claims.csv) against this edition: every verdict is today's check.
SEEDS = sorted(path.name for path in (settings.REPO_ROOT.parent / "shared" / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def register(connection) -> list[dict]:
    return db.run_query(connection, "claim_register").to_dict("records")


def test_every_checkable_claim_has_the_verdict_the_checker_gives(connection, register):
    from dashboard import catalog, claim_check

    known = catalog.load_catalog(connection)
    checkable = [row for row in register if row["claim_kind"] in ("number", "rank", "change")]
    assert len(checkable) >= 90
    differing = {row["claim_id"]: (row["verdict"], checked.verdict) for row in checkable
                 if (checked := claim_check.check_register_row(connection, known, row)).verdict != row["verdict"]}
    assert not differing, "review these claims' verdicts against the new edition"


def test_programme_claims_take_the_registers_status(register):
    status = {row["claim_id"]: row["claim_status"] for row in reference_rows("programme_claims.csv")}
    verdict_of_status = {"supported": "matches", "contradicted": "contradicts"}
    for row in register:
        if row["claim_kind"] == "programme" and isinstance(row["programme_claim_id"], str):
            expected = verdict_of_status.get(status[row["programme_claim_id"]])
            assert expected in (None, row["verdict"]), row["claim_id"]  # 'disputed' needs a judgement


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not beside the repository")
def test_every_seed_article_has_its_claims_in_the_register(register):
    assert sorted({row["seed_file"] for row in register if isinstance(row["seed_file"], str)}) == SEEDS
    for row in register:
        if isinstance(row["seed_file"], str):
            text = (settings.REPO_ROOT.parent / "shared" / "seeds" / row["seed_file"]).read_text(encoding="utf-8")
            assert row["quote"] in text, f"{row['claim_id']}: the quote is not the seed's exact words"


def test_the_register_holds_press_claims_with_their_sources(register):
    press = [row for row in register if not isinstance(row["seed_file"], str)]
    assert len(press) >= 15
    assert all(row["url"].startswith("http") and row["quote"] and row["published"] for row in press)
    assert len({row["outlet"] for row in press}) >= 10
    assert {"matches", "close", "contradicts", "not_comparable", "no_data"} <= {row["verdict"] for row in press}


@pytest.mark.parametrize(("claim_id", "verdict", "series"), [
    ("SEED001-SWE-RATE", "contradicts", "emcdda_rate_all_ages"),  # Sweden 22: 67.7 per million (100.3 aged 15-64)
    ("SEED001-NOR-2015-RATE", "not_comparable", "emcdda_rate_15_64"),  # 81: per million aged 15-64, not people
    ("SEED001-NLD-2016-OPIOID", "not_comparable", "emcdda_deaths"),  # 235: all drug-induced deaths, not opioid
    ("SEED001-NOR-2014-DEATHS", "matches", "emcdda_deaths"),  # 266
    ("SEED002-EAW-2017-66", "matches", "national_rate_age_std"),  # ONS, England and Wales
    ("SEED002-UK-2017-66", "not_comparable", "national_rate_age_std"),  # the same figure called the UK's
    ("SEED000-NOR-2013-RATE", "not_comparable", "emcdda_rate_15_64"),  # 70 ~ 68.0 aged 15-64; 46.1 inhabitants
])
def test_seed_claims_get_the_verdict_a_careful_journalist_would_sign(connection, register, claim_id, verdict,
                                                                    series):
    from dashboard import catalog, claim_check

    row = next(row for row in register if row["claim_id"] == claim_id)
    checked = claim_check.check_register_row(connection, catalog.load_catalog(connection), row)
    assert (row["verdict"], checked.verdict, checked.detail.matched.series) == (verdict, verdict, series)


def test_the_same_rate_is_right_per_million_aged_15_64_and_wrong_per_million_inhabitants(connection):
    from dashboard import catalog, claim_check

    known = catalog.load_catalog(connection)
    right = claim_check.check(connection, claim_check.make_claim(known, "NOR", 2015, "81", "per_million_15_64"))
    wrong = claim_check.check(connection, claim_check.make_claim(known, "NOR", 2015, "81", "per_million"))
    assert (right.verdict, wrong.verdict) == ("matches", "not_comparable")
    assert right.matched.numerator == 278 and right.matched.denominator == 3_418_094
    assert "55.6" in wrong.explanation  # per million inhabitants: 289 deaths at all ages


def test_estonias_132_is_near_2016_not_2017(connection):
    from dashboard import catalog, claim_check

    known = catalog.load_catalog(connection)
    result = claim_check.check(connection, claim_check.make_claim(known, "EST", 2017, "132", "per_million_15_64"))
    assert result.verdict == "close"
    assert result.matched.value == pytest.approx(130.87, abs=0.01)
    assert {hit.year for hit in result.other_years} >= {2016}


@pytest.mark.process
def test_the_issues_cli_example_prints_one_json_object():
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "DPA_DATA_DIR": str(settings.SHIPPED_DATA_DIR)}
    result = subprocess.run([sys.executable, "-m", "dashboard", "check", "--country", "SWE", "--year", "2016",
                             "--value", "22", "--unit", "per_million_15_64", "--format", "json"],
                            cwd=settings.REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["verdict"] == "contradicts"
    assert found["matched"]["value"] == pytest.approx(543 / 6_174_682 * 1e6)
    assert {"series", "value", "unit", "definition", "source"} <= set(found["candidates"][0])


def test_drug_deaths_mean_the_emcddas_and_the_national_figures_unless_the_claim_says_otherwise(connection):
    """Norway 2015: IHME models 253 deaths from drug use disorders; the EMCDDA counted 289 drug-induced deaths.
    The United Kingdom has no EMCDDA count for 2017 (3,256 was 2016's); Eurostat and IHME count other things."""
    from dashboard import catalog, claim_check

    known = catalog.load_catalog(connection)

    def verdict(country, year, value, unit, counts=claim_check.DEFAULT_COUNTS):
        return claim_check.check(connection, claim_check.make_claim(known, country, year, value, unit, counts))

    modelled = verdict("NOR", 2015, "253", "deaths")
    assert (modelled.verdict, modelled.matched.series) == ("not_comparable", "ihme_drug_use_disorder_deaths")
    assert verdict("NOR", 2015, "253", "deaths", counts="any").verdict == "matches"
    assert verdict("NOR", 2015, "253", "deaths", counts="drug_use_disorders").verdict == "matches"
    unreported = verdict("GBR", 2017, "3256", "deaths")
    assert unreported.verdict == "no_data" and unreported.matched is None
    assert "2016" in unreported.summary and "3,256" in unreported.summary
    assert verdict("SWE", 2016, "25", "deaths").matched.series == "eurostat_drug_dependence_deaths"


def test_before_and_after_aligns_on_the_registers_start_years_and_offers_the_disputed_ones(shipped_connection):
    """Issue 15: regular treatment began in Denmark in 2010 and Germany in 2009; the Netherlands' 2009 is the
    register's, and the years other sources claim (2002, 2004, 2005) are offered, marked contradicted."""
    from dashboard import before_after

    hat = ["DNK", "DEU", "NLD", "CHE", "GBR", "NOR", "BEL", "ESP", "LUX", "CAN"]
    starts = before_after.start_claims(db.run_query(shipped_connection, "programmes", countries=hat),
                                       db.run_query(shipped_connection, "programme_claims", countries=hat),
                                       "regular")
    assert starts["DNK"][0].year == 2010 and starts["DEU"][0].year == 2009
    assert [(claim.year, claim.status) for claim in starts["NLD"]] == [
        (2009, "in our register, supported"), (2002, "contradicted"), (2004, "contradicted"), (2005, "contradicted")]
    trial = before_after.start_claims(db.run_query(shipped_connection, "programmes", countries=hat),
                                      db.run_query(shipped_connection, "programme_claims", countries=hat), "trial")
    assert [claim.year for claim in trial["NLD"]] == [1998, 1988]  # 1988: the seed article's error
    assert trial["NOR"][0].year == 2022


def test_per_person_series_divide_the_count_by_the_population_aged_15_64(shipped_connection):
    """Issue 15: OST clients and treatment entrants per 100,000 aged 15-64 (computed by the build): Norway's 2,871
    methadone clients in 2016 over its 3,446,066 people aged 15-64 (UN WPP 2017) are 83.3 per 100,000."""
    from dashboard.build.rates import PER_CAPITA, SUFFIX

    rows = db.run_query(shipped_connection, "indicator_map", indicator=f"ost_methadone_clients{SUFFIX}",
                        countries=["NOR"], year=2016, sex="total", age_group="total").iloc[0]
    assert (rows["numerator"], rows["denominator"]) == (2871, 3446066)
    assert round(rows["value"], 1) == 83.3
    for count in PER_CAPITA:
        counts = db.run_query(shipped_connection, "indicator_trend", indicator=count, countries=["NOR", "DEU"],
                              year_from=2010, year_to=2017, sex="total", age_group="total").dropna(subset=["value"])
        rates = db.run_query(shipped_connection, "indicator_trend", indicator=f"{count}{SUFFIX}",
                             countries=["NOR", "DEU"], year_from=2010, year_to=2017, sex="total",
                             age_group="total").dropna(subset=["value"])
        joined = counts.merge(rates, on=["iso3", "year"], suffixes=("_count", "_rate"))
        assert len(joined) == len(rates) and (joined["numerator_rate"] == joined["value_count"]).all(), count
        assert ((joined["value_rate"] - joined["numerator_rate"] / joined["denominator_rate"] * 100_000).abs()
                < 1e-9).all(), count


EMCDDA_TABLE_ID = re.compile(r"\b(?:DRD|TDI|HSR|DLO)-\d+(?:-\d+)*\b")
# Tables a definition names that the values are not read from: the EMCDDA's own table of the rate we compute,
# which the published figures above reproduce.
REPRODUCED_TABLES = {"drd_deaths_per_million_15_64": {"DRD-7"}}


def test_every_table_an_indicator_definition_names_is_a_table_its_values_come_from(connection):
    """The definitions are written by hand: the cocaine and cannabis entrant rates once named the heroin table
    (TDI-0626) while their values came from TDI-0641 and TDI-0701."""
    tables = dict(connection.duck.execute(
        "select f.indicator_id, string_agg(distinct s.table_id, ' | ') from facts f join sources s using (source_id) "
        "group by f.indicator_id").fetchall())
    with (settings.REPO_ROOT / "data" / "reference" / "indicators.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for column in ("definition", "definition_no"):
                named_tables = set(EMCDDA_TABLE_ID.findall(row[column]))
                for named in named_tables - REPRODUCED_TABLES.get(row["indicator_id"], set()):
                    assert re.search(rf"\b{named}\b", tables[row["indicator_id"]] or ""), (
                        row["indicator_id"], column, named, tables[row["indicator_id"]])
