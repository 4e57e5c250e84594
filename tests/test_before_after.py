"""Before and after HAT (issue 15, item 2): the alignment arithmetic on hand-made tables, gaps kept as gaps, the
start-year claims where sources disagree, and the page through AppTest on the fixture extracts."""

from __future__ import annotations

import io
import json
import math

import pandas as pd
import pytest

from dashboard import before_after, db
from tests.apptest_support import open_page

DEATHS = before_after.MEASURES["deaths"]


def series(rows: list[tuple[str, int, float | None]]) -> pd.DataFrame:
    """(iso3, year, value) rows as queries/indicator_trend.sql returns them (a missing year: None)."""
    return pd.DataFrame(rows, columns=["iso3", "year", "value"])


def test_years_are_counted_from_each_countrys_own_start_and_gaps_stay_gaps():
    table = series([("DNK", 2008, 60.0), ("DNK", 2010, 50.0), ("DNK", 2011, None), ("DNK", 2012, 40.0),
                    ("DEU", 2009, 20.0), ("DEU", 2019, 10.0), ("DEU", 2020, 9.0)])
    aligned = before_after.align(table, {"DNK": 2010, "DEU": 2009}, index=False)
    assert len(aligned) == 2 * 21 and set(aligned["relative_year"]) == set(range(-10, 11))
    dnk = aligned[aligned["iso3"] == "DNK"].set_index("relative_year")
    assert dnk.loc[-2, "value"] == 60.0 and dnk.loc[0, "value"] == 50.0 and dnk.loc[2, "value"] == 40.0
    assert math.isnan(dnk.loc[-1, "value"]) and math.isnan(dnk.loc[1, "value"])  # unreported: a gap, no line
    assert dnk.loc[-2, "year"] == 2008
    deu = aligned[aligned["iso3"] == "DEU"].set_index("relative_year")
    assert deu.loc[0, "value"] == 20.0 and deu.loc[10, "value"] == 10.0
    assert 11 not in deu.index  # 2020 is past +10 years


def test_an_index_divides_by_the_start_year_and_without_a_start_value_draws_nothing():
    table = series([("DNK", 2009, 55.0), ("DNK", 2010, 50.0), ("DNK", 2011, 60.0),
                    ("NLD", 2008, 10.0), ("NLD", 2010, 12.0)])
    aligned = before_after.align(table, {"DNK": 2010, "NLD": 2009}, index=True).set_index(
        ["iso3", "relative_year"])
    assert aligned.loc[("DNK", 0), "plotted"] == 100.0
    assert aligned.loc[("DNK", -1), "plotted"] == pytest.approx(110.0)
    assert aligned.loc[("DNK", 1), "plotted"] == pytest.approx(120.0)
    assert aligned.xs("NLD")["plotted"].isna().all()  # no 2009 value: nothing to index on
    assert aligned.loc[("NLD", -1), "value"] == 10.0  # the values themselves stay


def test_both_measures_are_rates_so_countries_of_any_size_compare(shipped_connection):
    from dashboard.catalog import load_catalog

    known = load_catalog(shipped_connection)
    for measure in before_after.MEASURES.values():
        unit = known.indicators[measure.indicator_id].unit
        assert " per " in f" {unit} ", (measure.key, unit)


def test_the_comparison_is_the_mean_of_the_countries_without_hat_in_the_same_calendar_years():
    table = series([("SWE", 2009, 40.0), ("SWE", 2010, 50.0), ("FIN", 2010, 30.0), ("FIN", 2011, 20.0),
                    ("DNK", 2010, 60.0)])
    compared = before_after.comparison(table, {"DNK": 2010, "DEU": 2009}, ["SWE", "FIN"], index=False)
    dnk = compared[compared["iso3"] == "DNK"].set_index("relative_year")
    assert dnk.loc[0, "mean"] == 40.0 and dnk.loc[0, "countries"] == 2  # (50 + 30) / 2 in 2010
    assert dnk.loc[-1, "mean"] == 40.0 and dnk.loc[-1, "countries"] == 1  # SWE alone in 2009
    assert dnk.loc[1, "mean"] == 20.0
    deu = compared[compared["iso3"] == "DEU"].set_index("relative_year")
    assert deu.loc[0, "mean"] == 40.0 and deu.loc[1, "mean"] == 40.0  # DEU's 0 is 2009, its +1 2010
    assert math.isnan(deu.loc[-1, "mean"]) and deu.loc[-1, "countries"] == 0


PROGRAMMES = pd.DataFrame([
    {"programme_id": "NL-TRIAL", "iso3": "NLD", "programme_name": "Trial", "phase": "trial", "treated_patients": True,
     "start_year": 1998},
    {"programme_id": "NL-REGULAR", "iso3": "NLD", "programme_name": "Regular", "phase": "regular",
     "treated_patients": True, "start_year": 2009},
    {"programme_id": "NL-PLANNED", "iso3": "NLD", "programme_name": "Planned", "phase": "regular",
     "treated_patients": False, "start_year": 2001},
    {"programme_id": "DK-REGULAR", "iso3": "DNK", "programme_name": "Regular", "phase": "regular",
     "treated_patients": True, "start_year": 2010},
    {"programme_id": "XX-NONE", "iso3": "ESP", "programme_name": "No year", "phase": "trial",
     "treated_patients": True, "start_year": None},
])
CLAIMS = pd.DataFrame([
    {"programme_id": "NL-REGULAR", "field": "start_year", "claimed_value": "2004", "claim_status": "contradicted",
     "source_title": "NRC 2004"},
    {"programme_id": "NL-REGULAR", "field": "start_year", "claimed_value": "2009", "claim_status": "supported",
     "source_title": "Reitox 2012"},
    {"programme_id": "NL-TRIAL", "field": "start_year", "claimed_value": "1988", "claim_status": "contradicted",
     "source_title": "A news article"},
    {"programme_id": "NL-REGULAR", "field": "patients", "claimed_value": "1000", "claim_status": "supported",
     "source_title": "x"},
])


def test_start_claims_offer_the_registers_year_first_then_every_other_claimed_year():
    regular = before_after.start_claims(PROGRAMMES, CLAIMS, "regular")
    assert sorted(regular) == ["DNK", "NLD"]  # a programme that treated no one does not count
    assert [(c.year, c.status, c.source) for c in regular["NLD"]] == [
        (2009, "in our register, supported", "Reitox 2012"), (2004, "contradicted", "NRC 2004")]
    assert [c.year for c in regular["DNK"]] == [2010]
    trial = before_after.start_claims(PROGRAMMES, CLAIMS, "trial")
    assert [c.year for c in trial["NLD"]] == [1998, 1988] and "ESP" not in trial  # no start year, no alignment


def _traces(app) -> dict[str, dict]:
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    return {trace["name"]: trace for trace in figure["data"]}


def test_the_page_draws_each_country_from_its_start_with_what_it_cannot_show(connection):
    app = open_page("before-after", countries="DNK,NOR", event="trial")  # Denmark has no dated trial or pilot
    assert not app.exception
    assert any("No trial or pilot start in our register for 'Denmark'" in w.value for w in app.warning)
    app = open_page("before-after", countries="DNK", event="regular")
    traces = _traces(app)
    drawn = traces["Denmark 2010"]
    assert drawn["x"] == list(range(-10, 11))
    rates = db.run_query(connection, "indicator_trend", indicator=DEATHS.indicator_id, countries=["DNK"],
                         year_from=1995, year_to=2017, sex="total", age_group="total").dropna(
        subset=["value"]).set_index("year")["value"]
    for relative, value in zip(drawn["x"], drawn["y"], strict=True):
        expected = rates.get(2010 + relative)
        assert (value is None) if expected is None else value == pytest.approx(expected), relative
    assert "Countries without HAT, same years as Denmark" in traces  # the comparison, on by default
    # one key entry for every dotted comparison line (short enough for a 320 px embed)
    assert [name for name, trace in traces.items() if trace.get("showlegend", True)] == ["Denmark 2010",
                                                                                         "Without HAT, mean"]
    assert any(before_after.CANNOT_SHOW == info.value for info in app.info)
    app = open_page("before-after", countries="DNK", event="regular", compare="0", index="1")
    traces = _traces(app)
    assert list(traces) == ["Denmark 2010"] and traces["Denmark 2010"]["y"][10] == 100.0


@pytest.mark.parametrize(("params", "notice"), [
    ({"event": "sometime"}, "'event' must be one of regular, trial"),
    ({"measure": "vibes"}, "'measure' must be one of deaths, ost"),
    ({"countries": "ATLANTIS"}, "not drawn"),
])
def test_a_bad_link_gets_a_notice_and_a_working_page(params, notice):
    app = open_page("before-after", **params)
    assert not app.exception and any(notice in w.value for w in app.warning), [w.value for w in app.warning]


def test_a_measure_the_extracts_lack_gets_a_notice(connection):
    """The fixture has no methadone series: the page says so instead of failing."""
    app = open_page("before-after", countries="DNK", measure="ost")
    assert not app.exception and any("not in these extracts" in info.value for info in app.info)


def _denmark_view(connection, index=False):
    from dashboard.catalog import load_catalog

    known = load_catalog(connection)
    names = {code: country.name_en for code, country in known.countries.items()}
    without = [code for code in known.preset("emcdda") if not known.countries[code].has_hat_programme]
    series = db.run_query(connection, "indicator_trend", indicator=DEATHS.indicator_id, countries=["DNK", *without],
                          year_from=1995, year_to=2017, sex="total", age_group="total")
    return before_after.chart_view(series, DEATHS, "regular", {"DNK": 2010}, names, without, index=index,
                                   compare=True, query_string="page=before-after&countries=DNK")


def test_the_view_exports_its_rows_as_data_files(connection):
    from dashboard import export
    from tests.csv_support import read_exported_csv

    view = _denmark_view(connection)
    assert export.file_name(view, "csv") == "before-after_deaths_regular_DNK.csv"
    table = read_exported_csv(export.export_view(view, "csv"))
    assert list(table["relative_year"]) == list(range(-10, 11)) and set(table["start_year"]) == {2010}
    assert list(table["year"]) == list(range(2000, 2021))
    exported = dict(zip(table["year"], table["value"], strict=True))
    assert all(math.isnan(exported[year]) if math.isnan(value) else exported[year] == pytest.approx(value)
               for year, value in zip(view.data["year"], view.data["value"], strict=True))
    assert "without_hat_mean" in table and "without_hat_countries" in table
    workbook = pd.read_excel(io.BytesIO(export.export_view(view, "xlsx")), sheet_name="about")
    assert "before-after?countries=DNK" in " ".join(map(str, workbook.iloc[:, 1]))
    page = export.export_view(view, "html").decode("utf-8")
    assert view.title in page and "not an effect estimate" in page


@pytest.mark.browser
def test_the_view_exports_as_images_with_its_title_source_and_caveat(connection):
    import xml.etree.ElementTree as ET

    from dashboard import export

    if not export.browser_available():
        pytest.skip("Chromium is not installed")
    view = _denmark_view(connection, index=True)
    text = " ".join(" ".join(ET.fromstring(export.export_view(view, "svg")).itertext()).split())
    for expected in (view.title, "not an effect estimate", "Reopen this view"):
        assert " ".join(expected.split()) in text, expected
    assert export.export_view(view, "png")[:8] == b"\x89PNG\r\n\x1a\n"
