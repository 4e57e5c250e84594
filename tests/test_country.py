"""The country profile (issue 15, item 1): every series we hold for a country with its latest value, year, rank
and interval, what we do not hold, its HAT programmes and the claims about it; unknown countries get a notice."""

from __future__ import annotations

import pytest

from dashboard import catalog as catalog_module
from dashboard import db, profiles, ranks
from dashboard.figures import records
from tests.apptest_support import open_page


def _table(app, column: str):
    """The first st.dataframe on the page that has this column, as a DataFrame."""
    for frame in app.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")


def test_norway_shows_every_series_held_with_its_latest_value_and_rank(connection):
    known = catalog_module.load_catalog(connection)
    app = open_page("country", country="NOR")
    assert app.title[0].value == "Norway"
    series = _table(app, "Series")
    held = db.run_query(connection, "country_profile", iso3="NOR", peers=list(known.preset("emcdda")))
    assert list(series["Series"]) == list(held["label"]) and len(series) == 3
    row = series.set_index("Series").loc["Drug-induced deaths per million aged 15-64"]
    assert (row["Year"], row["Value"]) == (2015, "85.0")
    # The rank and the ranks its interval allows, from every EMCDDA country's deaths and population that year.
    rows = records(db.run_query(connection, "indicator_map", indicator="drd_deaths_per_million_15_64",
                                countries=list(known.preset("emcdda")), year=2015, sex="total", age_group="total"))
    norway = next(r for r in ranks.rank_rates((r["iso3"], r["value"], r["numerator"], r["denominator"])
                                               for r in rows if r["value"] is not None) if r.iso3 == "NOR")
    could_be = "certain" if norway.distinguishable else f"could be {norway.rank_range}"
    assert row["Rank"] == f"{norway.rank} of {norway.of} ({could_be})"
    counts = series.set_index("Series").loc["Drug-induced deaths"]
    assert counts["Rank"] == "2 of 3, by number, not per person"
    national = series.set_index("Series").loc["Drug deaths as published by the national authority"]
    assert national["Rank"] == "not ranked (national definitions differ)"
    assert list(row["Over the years"]) == list(held.set_index("label").loc[row.name, "series"])
    assert row["Open"] == "trends?indicator=drd_deaths_per_million_15_64&countries=NOR"
    assert row["Years"].startswith("2010–2015")


def test_norway_lists_its_programmes_and_the_claims_about_it():
    app = open_page("country", country="nor")  # any case
    assert app.title[0].value == "Norway"
    assert any(chart.proto.spec for chart in app.get("plotly_chart"))  # its HAT timeline
    programmes = _table(app, "Programme")
    assert set(programmes["Country"]) == {"Norway"} and len(programmes) >= 2
    claims = _table(app, "Our verdict")
    assert sorted(claims["Check"]) == ["claims?claim=FX-BERGEN-USERS", "claims?claim=FX-NOR-2015-RANK",
                                       "claims?claim=FX-NOR-2015-RATE"]


def test_a_country_with_little_data_says_what_is_missing():
    app = open_page("country", country="Sveits")  # its Norwegian name
    assert app.title[0].value == "Switzerland"
    assert any(info.value == "We hold no series for Switzerland." for info in app.info)
    missing = " ".join(m.value for m in app.markdown if m.value.startswith("- **"))
    assert "Drug-induced deaths" in missing
    assert not app.exception and not app.error
    assert any(h.value == "What we do not hold for Switzerland" for h in app.subheader)


@pytest.mark.parametrize("value", ["ATLANTIS", "<script>", "x" * 300])
def test_an_unknown_country_gets_a_notice_and_a_picker(value):
    app = open_page("country", country=value)
    assert any("Unknown country" in w.value for w in app.warning) and not app.exception
    assert "<script>" not in " ".join(w.value for w in app.warning)
    assert app.selectbox(key="w_profile_country").value is None


def test_the_picker_opens_a_profile_and_the_link_keeps_it():
    app = open_page("country")
    assert any("Pick a country" in info.value for info in app.info)
    app.selectbox(key="w_profile_country").select("SWE").run()
    assert app.query_params["country"] == "SWE" and app.title[0].value == "Sweden"


def test_resolve_country_takes_codes_and_names_in_both_languages(connection):
    known = catalog_module.load_catalog(connection)
    assert profiles.resolve_country(" swe ", known) == ("SWE", None)
    assert profiles.resolve_country("Sverige", known) == ("SWE", None)
    assert profiles.resolve_country("Switzerland", known) == ("CHE", None)
    assert profiles.resolve_country("", known) == (None, None)
    code, notice = profiles.resolve_country("[Atlantis](http://x)", known)
    assert code is None and "](" not in notice


def test_the_map_and_trends_pages_link_each_shown_country_to_its_profile():
    for page in ("map", "trends"):
        app = open_page(page, countries="NOR,SWE")
        links = [m.value for m in app.markdown if m.value.startswith("**Country profiles:**")]
        assert links == ["**Country profiles:** [Norway](country?country=NOR) · [Sweden](country?country=SWE)"], page


def test_a_profile_draws_deaths_and_methadone_treatment_each_on_its_own_axis(shipped_connection):
    """On the shipped data (the fixture holds no methadone series): Norway's two lines, left and right axis."""
    from dashboard import content
    from dashboard.catalog import load_catalog
    from dashboard.state import default_state

    reader = content.DirectReader(shipped_connection)
    page = profiles.country_content(reader, default_state(load_catalog(shipped_connection), "country"), "NOR")
    lines = {trace.name: trace for trace in page.pair.figure.data}
    deaths = lines["Deaths"]
    treatment = lines["Methadone"]
    assert (deaths.yaxis, treatment.yaxis) == ("y", "y2") and page.pair.figure.layout.yaxis2.side == "right"
    from dashboard import export
    from tests.csv_support import read_exported_csv

    exported = read_exported_csv(export.export_view(page.pair, "csv"))
    assert set(exported["indicator_id"]) == set(profiles.PAIR) and set(exported["iso3"]) == {"NOR"}
    trend = db.run_query(shipped_connection, "indicator_trend", indicator="drd_deaths_per_million_15_64",
                         countries=["NOR"], year_from=1993, year_to=2017, sex="total", age_group="total")
    assert list(deaths.x) == list(trend["year"]) and [y is None for y in deaths.y] == list(trend["value"].isna())


def test_a_profile_without_both_series_says_which_is_missing():
    app = open_page("country", country="NOR")  # the fixture has deaths, not methadone clients
    assert not app.exception
    assert ("Deaths and treatment together: we hold no clients in methadone treatment per 100,000 aged 15-64 for "
            "Norway.") in [caption.value for caption in app.caption]
