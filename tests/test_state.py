"""The URL <-> view state contract: valid links round-trip, invalid ones are corrected with a notice.

On the fixture extracts (tests/fixture_data.py): Norway, Sweden, Denmark and Finland report to the EMCDDA, 2010-2015."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dashboard import state as view_state
from dashboard.catalog import load_catalog


@pytest.fixture(scope="module")
def catalog(connection):
    return load_catalog(connection)


def test_default_state_is_rate_for_emcdda_countries(catalog):
    state, notices = view_state.parse_state({}, catalog)
    assert notices == []
    assert state.indicator == "drd_deaths_per_million_15_64"
    assert state.countries == ("DNK", "FIN", "NOR", "SWE")  # the EMCDDA preset: not Switzerland
    assert (state.year_from, state.year_to, state.year) == (2010, 2015, 2015)


@pytest.mark.parametrize("query", [
    "page=trends&indicator=drd_deaths&countries=NOR,SWE,DNK&from=2011&to=2014&scale=log",
    "page=map&indicator=drd_deaths&preset=nordic&year=2012",
    "page=trends&indicator=drd_deaths&countries=DNK&sex=female&from=2011",
    "page=trends&indicator=drd_deaths&countries=SWE,NOR&age=25-29&index=2015",
    "page=programmes&preset=hat",
    "page=data&indicator=national_drug_deaths&countries=NOR",
    "page=trends&indicator=drd_deaths&countries=CHE",
])
def test_valid_query_strings_round_trip(catalog, query):
    state, notices = view_state.from_query_string(query, catalog)
    assert notices == []
    again, notices_again = view_state.from_query_string(view_state.to_query_string(state, catalog), catalog)
    assert notices_again == [] and again == state


def test_country_order_and_case_are_kept_but_duplicates_dropped(catalog):
    state, notices = view_state.parse_state({"countries": "swe,NOR,Swe"}, catalog)
    assert state.countries == ("SWE", "NOR") and notices == []


@pytest.mark.parametrize("cleared", ["", ",,,", " "])
def test_a_cleared_selection_stays_empty_and_round_trips(catalog, cleared):
    state, notices = view_state.parse_state({"countries": cleared, "indicator": "drd_deaths"}, catalog)
    assert state.countries == () and notices == []
    assert view_state.to_params(state, catalog)["countries"] == ""
    again, _ = view_state.from_query_string(view_state.to_query_string(state, catalog), catalog)
    assert again == state
    assert view_state.normalise(state, catalog).countries == ()


def test_the_map_colour_scale_and_animation_round_trip(catalog):
    state, notices = view_state.parse_state({"colours": "year", "animate": "1"}, catalog)
    assert (state.colours, state.animate, notices) == ("year", True, [])
    assert view_state.from_query_string(view_state.to_query_string(state, catalog), catalog)[0] == state
    default, _ = view_state.parse_state({}, catalog)
    assert (default.colours, default.animate) == ("range", False)
    assert "colours" not in view_state.to_params(default, catalog)
    bad, notices = view_state.parse_state({"colours": "rainbow", "animate": "maybe"}, catalog)
    assert (bad.colours, bad.animate) == ("range", False) and len(notices) == 2


# Each case: query parameters and a word the notice must contain.
INVALID_CASES = [
    ({"countries": "XXX"}, "Unknown country"),
    ({"countries": "NOR,ATLANTIS"}, "Unknown country"),
    ({"countries": "no"}, "Unknown country"),
    ({"countries": " ;"}, "Unknown country"),
    ({"countries": "NOR'; DROP TABLE facts; --"}, "Unknown country"),
    ({"countries": ",".join(f"C{i:02d}" for i in range(150))}, "first 100"),
    ({"countries": "N" * 5000}, "too long"),
    ({"preset": "benelux"}, "Unknown country preset"),
    ({"indicator": "val2"}, "Unknown indicator"),
    ({"indicator": "drd_deaths' OR 1=1 --"}, "Unknown indicator"),
    ({"indicator": ""}, "Unknown indicator"),
    ({"from": "abc"}, "must be a year"),
    ({"to": "20l7"}, "must be a year"),
    ({"from": "-5"}, "must be a year"),
    ({"from": "1.5e3"}, "must be a year"),
    ({"from": "2015", "to": "2000"}, "reversed"),
    ({"from": "1800"}, "limited"),
    ({"to": "3000"}, "limited"),
    ({"from": "9999", "to": "9999"}, "limited"),
    ({"year": "1990"}, "outside"),
    ({"year": "banana"}, "must be a year"),
    ({"from": "2011", "to": "2012", "year": "2014"}, "outside"),
    ({"sex": "other"}, "no breakdown by sex"),
    ({"indicator": "drd_deaths_per_million_15_64", "sex": "male"}, "no breakdown by sex"),
    ({"indicator": "drd_deaths", "age": "0-4"}, "no age group"),
    ({"indicator": "drd_deaths", "sex": "male", "age": "25-29"}, "by sex and age group together"),
    ({"scale": "cubic"}, "axis scale"),
    ({"index": "1800"}, "index turned off"),
    ({"index": "year"}, "must be a year"),
    ({"page": "admin"}, "Unknown page"),
    ({"utm_source": "newsletter"}, "Unknown parameter"),
    ({"<script>": "x"}, "Unknown parameter"),
    ({"countries": ["NOR", "SWE"]}, "given 2 times"),
    ({"indicator": "drd_deaths\x00"}, "Unknown indicator"),
    ({"countries": "NØR,🇳🇴"}, "Unknown country"),
    ({"year": "２０１５"}, "must be a year"),
]


@pytest.mark.parametrize(("params", "expected"), INVALID_CASES, ids=[str(i) for i in range(len(INVALID_CASES))])
def test_invalid_parameters_give_a_notice_and_a_valid_state(catalog, params, expected):
    state, notices = view_state.parse_state(params, catalog)
    assert any(expected in notice for notice in notices), notices
    indicator = catalog.indicators[state.indicator]
    assert state.countries and all(code in catalog.countries for code in state.countries)
    assert indicator.year_min <= state.year_from <= state.year <= state.year_to <= indicator.year_max
    assert state.sex in indicator.sexes and state.age_group in indicator.age_groups
    assert all(len(notice) < 300 for notice in notices)


def test_reversed_range_is_swapped(catalog):
    state, _ = view_state.parse_state({"from": "2014", "to": "2011"}, catalog)
    assert (state.year_from, state.year_to) == (2011, 2014)


def test_switching_indicator_keeps_what_fits(catalog):
    state, _ = view_state.parse_state({"indicator": "drd_deaths", "sex": "female", "from": "2011", "to": "2014"},
                                      catalog)
    rate = view_state.normalise(replace(state, indicator="drd_deaths_per_million_15_64"), catalog)
    assert rate.sex == "total" and (rate.year_from, rate.year_to) == (2011, 2014)  # no rate by sex; years fit
    national = view_state.normalise(replace(state, indicator="national_drug_deaths"), catalog)
    assert (national.year_from, national.year_to, national.year) == (2014, 2014, 2014)  # its years start in 2014
    back = view_state.normalise(replace(rate, indicator="drd_deaths"), catalog)
    assert (back.year_from, back.year_to) == (2011, 2014)


def test_a_widget_state_is_normalised_exactly_as_its_link_is(catalog):
    """One normalisation for URLs, widgets and deck items: a state and the link to it open the same view."""
    odd = view_state.ViewState(page="trends", indicator="drd_deaths", countries=("NOR",), year_from=2009,
                               year_to=2013, year=2015, sex="male", age_group="25-29", index_base=2009)
    fixed = view_state.normalise(odd, catalog)
    assert (fixed.year_from, fixed.year_to, fixed.year, fixed.sex, fixed.age_group, fixed.index_base) == (
        2010, 2013, 2013, "male", "total", None)
    assert view_state.from_query_string(view_state.to_query_string(fixed, catalog), catalog)[0] == fixed


@pytest.mark.parametrize(("value", "on"), [("1", True), ("true", True), ("0", False), ("no", False)])
def test_projector_mode_lives_in_the_link(catalog, value, on):
    state, notices = view_state.parse_state({"projector": value}, catalog)
    assert state.projector is on and notices == []
    assert ("projector=1" in view_state.to_query_string(state, catalog)) is on


def test_a_bad_projector_value_is_turned_off_with_a_notice(catalog):
    state, [notice] = view_state.parse_state({"projector": "loud"}, catalog)
    assert not state.projector and "must be 1 or 0" in notice


def test_index_first_means_each_countrys_first_year_and_survives_a_link(catalog):
    from dashboard.state import FIRST_YEAR, from_query_string, to_query_string

    state, notices = from_query_string("page=trends&countries=NOR,SWE&index=first", catalog)
    assert state.index_base == FIRST_YEAR and not notices
    assert "index=first" in to_query_string(state, catalog)
    state, notices = from_query_string("page=trends&countries=NOR&index=0", catalog)
    assert state.index_base is None and any("outside" in notice for notice in notices)  # 0 is no year
