"""Checking a claim on the fixture extracts (tests/fixture_data.py), where every answer is known by hand:
Norway 2015 had 289 deaths over 3,400,000 people aged 15-64 (85.0 per million), Sweden 620 over 6,200,000 (100.0),
Denmark 160 over 3,700,000 (43.2); Sweden reported no count for 2012; Denmark reported a zero for 2013; the
national figures are Norway 2014 266, 2016 282, 2017 257. The shipped register's verdicts are checked against the
shipped extracts in tests/test_published_figures.py."""

from __future__ import annotations

import json
import math

import pytest

from dashboard import catalog, claim_check, db, ranks
from dashboard.__main__ import main
from tests import fixture_data as fx


@pytest.fixture(scope="module")
def known(connection):
    return catalog.load_catalog(connection)


def verdict_of(connection, known, country, year, value, unit, counts="any") -> claim_check.Check:
    return claim_check.check(connection, claim_check.make_claim(known, country, year, value, unit, counts))


@pytest.mark.parametrize(("value", "verdict"), [
    ("85", "matches"), ("85.0", "matches"), ("85.00", "matches"),  # 85.0 at the claim's own rounding
    ("85.1", "close"), ("84", "close"), ("89", "close"),  # within 5% of 85.0, not equal at their rounding
    ("90", "contradicts"), ("22", "contradicts"),
])
def test_a_rate_matches_at_the_claims_own_rounding_and_is_close_within_five_per_cent(connection, known, value,
                                                                                      verdict):
    result = verdict_of(connection, known, "NOR", 2015, value, "per_million_15_64")
    assert result.verdict == verdict
    assert result.matched.series == "emcdda_rate_15_64"
    assert result.matched.value == pytest.approx(289 / 3_400_000 * 1e6)


def test_rounding_is_half_up_not_to_even(connection, known):
    # Denmark 2015: 160 / 3,700,000 = 43.243...; 43.2 matches, 43.3 does not. Norway 2014: 78.235 -> 78.2.
    assert verdict_of(connection, known, "DNK", 2015, "43.2", "per_million_15_64").verdict == "matches"
    assert verdict_of(connection, known, "DNK", 2015, "43.3", "per_million_15_64").verdict == "close"
    assert verdict_of(connection, known, "NOR", 2014, "78", "per_million_15_64").verdict == "matches"


def test_right_with_one_denominator_wrong_with_another(connection, known):
    """85 is Norway's rate per million aged 15-64; as 'per million inhabitants' it is another denominator."""
    assert verdict_of(connection, known, "NOR", 2015, "85", "per_million_15_64").verdict == "matches"
    result = verdict_of(connection, known, "NOR", 2015, "85", "per_million")
    assert result.verdict == "not_comparable"
    assert result.matched.relation == "different_denominator"
    assert "per million aged 15-64, not deaths per million inhabitants" in result.explanation
    per_100k = verdict_of(connection, known, "NOR", 2015, "8.5", "per_100k")
    assert per_100k.verdict == "not_comparable" and per_100k.matched.value_in_claim_unit == pytest.approx(8.5)


def test_a_rate_quoted_as_deaths_is_another_unit(connection, known):
    result = verdict_of(connection, known, "NOR", 2015, "85", "deaths")
    assert result.verdict == "not_comparable" and result.matched.relation == "different_unit"


def test_a_missing_year_is_no_data_never_zero(connection, known):
    missing = verdict_of(connection, known, "SWE", 2012, "0", "deaths")
    assert missing.verdict == "no_data" and missing.matched is None
    assert "never read as zero" in missing.explanation
    reported_zero = verdict_of(connection, known, "DNK", 2013, "0", "deaths")
    assert reported_zero.verdict == "matches" and reported_zero.matched.value == 0
    assert verdict_of(connection, known, "FIN", 2015, "10", "deaths").verdict == "no_data"  # reports nothing


def test_national_figures_as_published_are_a_series_a_count_can_mean(connection, known):
    result = verdict_of(connection, known, "NOR", 2016, "282", "deaths")
    assert (result.verdict, result.matched.series) == ("matches", "national_deaths")
    assert "Fixture Institute of Public Health" in result.matched.source


def test_a_claim_of_another_definition_is_not_comparable(connection, known):
    """289 opioid deaths: the fixture has no opioid series, and 289 is all drug-induced deaths."""
    result = verdict_of(connection, known, "NOR", 2015, "289", "deaths", counts="opioid")
    assert result.verdict == "not_comparable" and result.matched.relation == "different_definition"
    assert "not opioid deaths" in result.explanation


def test_another_years_value_is_named(connection, known):
    result = verdict_of(connection, known, "NOR", 2014, "289", "deaths")  # 266 in 2014; 289 is 2015's count
    assert result.verdict == "contradicts"
    assert result.other_years[0].year == 2015
    assert "2015 value" in result.explanation and "2015 value" in result.summary


def test_every_candidate_carries_series_value_unit_definition_and_source(connection, known):
    found = verdict_of(connection, known, "NOR", 2015, "85", "per_million_15_64").as_dict()
    assert found["verdict"] == "matches" and found["explanation"]
    series = {c["series"] for c in found["candidates"]}
    assert {"emcdda_deaths", "emcdda_rate_15_64", "emcdda_deaths_15_64"} <= series
    for candidate in found["candidates"]:
        assert {"series", "value", "unit", "definition", "source"} <= set(candidate)
        assert candidate["source"] and candidate["definition"]
    json.dumps(found)  # plain values only


@pytest.mark.parametrize(("country", "year", "value", "unit", "message"), [
    ("XXX", 2015, "1", "deaths", "unknown country 'XXX'"),
    ("NOR", 2009, "1", "deaths", "no series we hold covers 2009: they run from 2010 to 2017"),
    ("NOR", 2015, "-3", "deaths", "must not be negative"),
    ("NOR", 2015, "abc", "deaths", "must be a number"),
    ("NOR", 2015, "1e3", "deaths", "must be a number"),
    ("NOR", 2015, "nan", "deaths", "must be a number"),
    ("NOR", 2015, "3,256", "deaths", "no thousands separator or decimal comma"),
    ("NOR", 2015, "1", "per_capita", "unknown unit 'per_capita'"),
    ("NOR", "2015.5", "1", "deaths", "whole number"),
])
def test_bad_input_gets_a_clear_message(known, country, year, value, unit, message):
    with pytest.raises(claim_check.CheckInputError, match=message):
        claim_check.make_claim(known, country, year, value, unit)


def test_countries_are_found_by_code_or_name_in_either_language(known):
    assert claim_check.resolve_country(known, "sverige").iso3 == "SWE"
    assert claim_check.resolve_country(known, "Sweden").iso3 == "SWE"
    assert claim_check.resolve_country(known, " nor ").iso3 == "NOR"


# Garwood's exact 95% limits (e.g. Ulm 1990, Am J Epidemiol 131:373, table 1).
@pytest.mark.parametrize(("count", "lower", "upper"), [(0, 0.0, 3.689), (1, 0.0253, 5.572), (10, 4.795, 18.39),
                                                       (100, 81.36, 121.63)])
def test_poisson_interval_has_the_exact_limits(count, lower, upper):
    low, high = ranks.poisson_interval(count)  # equal at the table's own rounding (4 significant digits)
    assert low == pytest.approx(lower, rel=0.0005, abs=0.0005) and high == pytest.approx(upper, rel=0.0005)


def test_poisson_limits_agree_with_scipy_over_every_size_of_count():
    gammaincinv = pytest.importorskip("scipy.special").gammaincinv
    for count in [*range(0, 120), 150, 289, 500, 1000, 3140, 10_000]:
        low, high = ranks.poisson_interval(count)
        assert high == pytest.approx(gammaincinv(count + 1, 0.975), rel=1e-4), count
        assert low == (0.0 if count == 0 else pytest.approx(gammaincinv(count, 0.025), rel=1e-4)), count


def test_rank_ranges_come_from_overlapping_intervals():
    # A and B overlap (1,000 vs 990 deaths per million), C is far below, D has no rate and is not ranked.
    rows = [("A", 1000.0, 1000, 1_000_000), ("B", 990.0, 990, 1_000_000), ("C", 10.0, 10, 1_000_000),
            ("D", None, None, 1_000_000)]
    ranked = {r.iso3: r for r in ranks.rank_rates(rows)}
    assert set(ranked) == {"A", "B", "C"}
    assert (ranked["A"].rank, ranked["A"].rank_range, ranked["A"].distinguishable) == (1, "1–2", False)
    assert (ranked["B"].rank, ranked["B"].rank_range) == (2, "1–2")
    assert (ranked["C"].rank, ranked["C"].rank_range, ranked["C"].distinguishable) == (3, "3", True)
    assert ranks.overlapping(list(ranked.values()), "A") == ["B"]
    assert ranked["C"].lower == pytest.approx(4.795, abs=0.001) and ranked["C"].upper == pytest.approx(18.39,
                                                                                                        rel=0.001)


def test_a_rank_claim_is_checked_against_the_ranks_the_intervals_allow(connection, known):
    # Nordic 2015: Sweden 100.0 (92.3-108.3), Norway 85.0 (75.5-95.4) overlap; Denmark 43.2 is third for sure;
    # Finland reports nothing and is listed as missing, never ranked last.
    norway = claim_check.check_rank(connection, known, "NOR", 2015, 1, "nordic")
    assert norway.verdict == "close"
    assert [r.iso3 for r in norway.ranked] == ["SWE", "NOR", "DNK"]
    assert norway.missing == ["Finland"]
    assert "not distinguishable" in norway.explanation and "Finland" in norway.explanation
    by_iso = {r.iso3: r for r in norway.ranked}
    assert by_iso["NOR"].rank_range == "1–2" and by_iso["DNK"].rank_range == "3"
    assert by_iso["NOR"].lower == pytest.approx(ranks.poisson_interval(289)[0] / 3.4)
    assert claim_check.check_rank(connection, known, "SWE", 2015, 1, "nordic").verdict == "matches"
    assert claim_check.check_rank(connection, known, "DNK", 2015, 1, "nordic").verdict == "contradicts"
    assert claim_check.check_rank(connection, known, "DNK", 2015, 3, "nordic", top=True).verdict == "matches"
    no_count = claim_check.check_rank(connection, known, "SWE", 2012, 1, "nordic")
    assert no_count.verdict == "no_data" and "Sweden" in no_count.missing


def test_a_change_claim_compares_the_two_years(connection, known):
    # Norway's deaths: 250 (2010) -> 289 (2015), 1.156 times.
    doubled = claim_check.check_change(connection, known, "NOR", 2010, 2015, "2", "deaths", "more_than")
    assert doubled.verdict == "contradicts" and doubled.ratio == pytest.approx(289 / 250)
    assert claim_check.check_change(connection, known, "NOR", 2010, 2015, "1.2", "deaths").verdict == "matches"
    gap = claim_check.check_change(connection, known, "SWE", 2012, 2015, "1.5", "deaths")
    assert gap.verdict == "no_data"


def test_the_registers_verdicts_are_todays_checks(connection, known):
    rows = db.run_query(connection, "claim_register").to_dict("records")
    assert {row["claim_id"] for row in rows} == {claim["claim_id"] for claim in fx.PRESS_CLAIMS}
    for row in rows:
        checked = claim_check.check_register_row(connection, known, row)
        if row["claim_kind"] in ("number", "rank", "change"):
            assert checked.verdict == row["verdict"], row["claim_id"]
        else:
            assert checked is None


def run_check(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["check", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_prints_one_json_object_with_the_verdict(capsys):
    status, out, err = run_check(capsys, "--country", "NOR", "--year", "2015", "--value", "85", "--unit",
                                 "per_million", "--format", "json")
    assert status == 0 and err == ""
    found = json.loads(out)
    assert found["verdict"] == "not_comparable"
    assert found["matched"]["series"] == "emcdda_rate_15_64"
    assert math.isclose(found["matched"]["value"], 85.0)
    assert all({"series", "value", "unit", "definition", "source"} <= set(c) for c in found["candidates"])


def test_cli_text_output_names_the_verdict_and_the_series(capsys):
    status, out, _ = run_check(capsys, "--country", "Sverige", "--year", "2012", "--value", "400", "--unit",
                               "deaths")
    assert status == 0
    assert out.splitlines()[0] == "Sweden, 2012: 400 deaths"
    assert "Verdict: no_data" in out and "never read as zero" in out
    status, out, _ = run_check(capsys, "--country", "NOR", "--year", "2015", "--rank", "1", "--scope", "nordic")
    assert status == 0 and "Verdict: close" in out and "1–2" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--country", "XXX", "--year", "2015", "--value", "1", "--unit", "deaths"], "unknown country"),
    (["--country", "NOR", "--year", "1990", "--value", "1", "--unit", "deaths"], "no series we hold covers 1990"),
    (["--country", "NOR", "--year", "2015", "--value", "-1", "--unit", "deaths"], "must not be negative"),
    (["--country", "NOR", "--year", "2015", "--value", "many", "--unit", "deaths"], "must be a number"),
    (["--country", "NOR", "--year", "2015", "--value", "1", "--unit", "furlongs"], "unknown unit"),
    (["--country", "NOR", "--year", "2015", "--value", "1", "--unit", "deaths", "--format", "xml"], "unknown format"),
    (["--country", "NOR", "--year", "2015", "--unit", "deaths"], "give --value and --unit"),
    (["--country", "NOR", "--year", "2015", "--rank", "1", "--value", "3"], "not both"),
    (["--country", "NOR", "--year", "2015", "--rank", "1", "--scope", "moon"], "unknown scope"),
])
def test_cli_bad_input_exits_2_with_one_clear_line(capsys, args, message):
    status, out, err = run_check(capsys, *args)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and message in err and len(err.strip().splitlines()) == 1


def test_a_check_round_trips_through_the_link(known):
    from dashboard.state import from_query_string, to_query_string

    state, notices = from_query_string("page=claims&check=nor, 2015 ,85.0,per_million_15_64,opioid", known)
    assert not notices
    assert (state.check, state.countries) == ("NOR,2015,85.0,per_million_15_64,opioid", ("NOR",))
    default, _ = from_query_string("page=claims&check=NOR,2015,85,deaths,drug_induced", known)
    assert default.check == "NOR,2015,85,deaths"  # what it counts is left out when it is the default
    again, _ = from_query_string(to_query_string(state, known), known)
    assert again == state


@pytest.mark.parametrize("check", ["NOR,2015,85", "NOR,2015,85,per_million_15_64,opioid,extra", "XXX,2015,1,deaths",
                                   "NOR,1066,1,deaths", "NOR,2015,-1,deaths", "NOR,2015,1,stone"])
def test_a_bad_check_in_the_link_is_dropped_with_a_notice(known, check):
    from dashboard.state import from_query_string

    state, notices = from_query_string(f"page=claims&check={check}", known)
    assert state.check == "" and len(notices) == 1 and "was ignored" in notices[0]


def test_a_claim_id_must_look_like_one(known):
    from dashboard.state import from_query_string

    assert from_query_string("page=claims&claim=PRESS-001", known)[0].claim == "PRESS-001"
    state, notices = from_query_string("page=claims&claim=<script>", known)
    assert state.claim == "" and "not a claim ID" in notices[0]


def test_the_map_hover_gives_each_rates_interval_and_the_ranks_it_allows(connection, known):
    from dashboard import charts
    from dashboard.state import from_query_string

    state, _ = from_query_string(f"page=map&indicator={fx.RATE}&countries=NOR,SWE,DNK,FIN&year=2015", known)
    figure = charts.chart_for_state(connection, known, state).figure
    hover = {text.split("</b>")[0].removeprefix("<b>"): text for trace in figure.data
             for text in (trace.hovertext or ()) if isinstance(text, str)}
    low, high = (bound / 3.4 for bound in ranks.poisson_interval(289))
    assert f"85.0 deaths per million aged 15-64 (95% interval {low:.1f}–{high:.1f})" in hover["Norway"]
    assert "Rank 2 of 3 shown (could be 1–2)" in hover["Norway"]
    assert "Rank 3 of 3 shown (certain)" in hover["Denmark"]
    assert "No data reported for 2015" in hover["Finland"]


def test_counts_get_no_interval_on_the_map(connection, known):
    from dashboard import charts
    from dashboard.state import from_query_string

    state, _ = from_query_string(f"page=map&indicator={fx.COUNT}&countries=NOR,SWE&year=2015", known)
    texts = [text for trace in charts.chart_for_state(connection, known, state).figure.data
             for text in (trace.hovertext or ()) if isinstance(text, str)]
    assert texts and not any("interval" in text or "could be" in text for text in texts)
