"""Figure builders and text summaries on the fixture extracts (tests/fixture_data.py): what a user sees.

How the shipped register's programmes are drawn (Germany's trial band, the British system) is checked in the
data-truth module, tests/test_published_figures.py."""

from __future__ import annotations

import csv
import io
import json
import math
import pickle

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import build, db, figures, settings, summaries
from dashboard.figures import colours
from tests import fixture_data as F
from tests.figure_support import FRAME, annotation_text, hover_for, series, shapes_named, shown_hovers, trace_named

RATE, COUNT, RATE_LABEL = F.RATE, F.COUNT, F.RATE_LABEL
RATE_UNIT = "deaths per million aged 15-64"


# ---------------------------------------------------------------------------------------------------------------
# Inputs: the real queries on the fixture extracts


@pytest.fixture(scope="session")
def geojson() -> dict:
    return json.loads((settings.DATA_DIR / "europe.geojson").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def all_countries(connection) -> list[str]:
    return list(db.run_query(connection, "country_catalog")["iso3"])


@pytest.fixture(scope="session")
def programmes(connection, all_countries) -> pd.DataFrame:
    return db.run_query(connection, "programmes", countries=all_countries)


def map_query(connection, countries, indicator=RATE, year=2015, year_from=None, year_to=None) -> pd.DataFrame:
    return db.run_query(connection, "indicator_map", indicator=indicator, countries=countries, year=year,
                        sex="total", age_group="total", year_from=year_from, year_to=year_to)


def marker_query(connection, countries, year=2015) -> pd.DataFrame:
    return db.run_query(connection, "programme_markers", countries=countries, year=year)


@pytest.fixture(scope="session")
def markers(connection, all_countries) -> pd.DataFrame:
    return marker_query(connection, all_countries)


def trend_query(connection, countries, year_from=2010, year_to=2015, indicator=RATE, index_base=None,
                log_scale=False) -> pd.DataFrame:
    return db.run_query(connection, "indicator_trend", indicator=indicator, countries=countries,
                        year_from=year_from, year_to=year_to, sex="total", age_group="total", index_base=index_base,
                        log_scale=log_scale)


@pytest.fixture(scope="session")
def rate_map(connection, all_countries) -> pd.DataFrame:
    return map_query(connection, all_countries)


@pytest.fixture(scope="session")
def rate_map_figure(rate_map, geojson, markers) -> go.Figure:
    return figures.make_map_figure(rate_map, geojson, indicator_label=RATE_LABEL, unit=RATE_UNIT, year=2015,
                                   markers=markers, **FRAME)


# ---------------------------------------------------------------------------------------------------------------
# Formatting


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (3256.0, "deaths", "3,256"),
    (81.832443, "deaths per million aged 15-64", "81.8"),
    (36.4, "years", "36.4"),
    (1234567.4, "syringes (unit as published)", "1,234,567"),
    (float("nan"), "deaths", "no value"),
    (None, "deaths", "no value"),
])
def test_format_value_counts_and_rates(value, unit, expected):
    assert figures.format_value(value, unit) == expected


def test_format_change_is_signed_with_percentage():
    assert figures.format_change(116.0, 3.694268, "deaths") == "+116 (+3.7%)"
    assert figures.format_change(-2.717601, -3.214193, "deaths per million aged 15-64") == "-2.7 (-3.2%)"
    assert figures.format_change(5.0, None, "deaths") == "+5"


# ---------------------------------------------------------------------------------------------------------------
# Map


@pytest.mark.parametrize("indicator", [RATE, COUNT])
def test_map_colours_exactly_the_countries_with_a_value(connection, all_countries, geojson, indicator):
    frame = map_query(connection, all_countries, indicator=indicator)
    fig = figures.make_map_figure(frame, geojson, indicator_label=indicator, unit=frame["unit"].iloc[0], year=2015,
                                  **FRAME)
    data = trace_named(fig, indicator)
    expected = {iso3: (F.rate(iso3, 2015) if indicator == RATE else F.DEATHS[iso3][-1]) for iso3 in F.DEATHS}
    assert dict(zip(data.locations, data.z, strict=True)) == pytest.approx(expected)
    no_data = trace_named(fig, "No data reported")
    assert set(no_data.locations) == {"FIN", "CHE"} and no_data.showlegend is True  # Canada is not on the map
    assert fig.layout.meta["no_data"] == ["FIN", "CHE"] and fig.layout.meta["not_on_map"] == ["CAN"]


def test_no_data_grey_is_not_a_colour_of_the_scale(rate_map_figure):
    data = trace_named(rate_map_figure, RATE_LABEL)
    no_data = trace_named(rate_map_figure, "No data reported")
    assert {colour for _, colour in no_data.colorscale} == {figures.NO_DATA_COLOUR}
    lowest = data.colorscale[-1][1] if data.reversescale else data.colorscale[0][1]
    red, green, blue = (int(lowest.lstrip("#")[i: i + 2], 16) for i in (0, 2, 4))
    assert max(red, green, blue) - min(red, green, blue) > 100, f"lowest colour {lowest} looks grey"
    assert data.colorbar.title.text == f"{RATE_UNIT}<br>scale: 2010–2015"


def test_map_hover_gives_value_rank_change_deaths_population_and_source(rate_map_figure):
    data = trace_named(rate_map_figure, RATE_LABEL)
    norway = hover_for(data, "NOR")
    assert "Norway" in norway and "2015: 85.0" in norway and "Rank 2 of 3 shown" in norway
    assert "from 289 deaths aged 15-64 and 3,400,000 people aged 15-64" in norway
    assert f"+6.8 (+{(289 - 266) / 266 * 100:.1f}%) vs 2014" in norway
    assert "Source: Computed from the fixture bulletin." in norway
    assert hover_for(trace_named(rate_map_figure, "No data reported"), "FIN").endswith("No data reported for 2015")


def test_map_and_ranking_hovers_say_a_shared_source_once_and_differing_sources_per_country(rate_map, geojson):
    """Every country's hover repeated the same source line, a fifth of a map's JSON: shared, it is in the
    values' template; when one country's source differs, each country carries its own."""
    shared = figures.make_map_figure(rate_map, geojson, indicator_label=RATE_LABEL, unit=RATE_UNIT, year=2015,
                                     **FRAME)
    values = trace_named(shared, RATE_LABEL)
    assert values.hovertemplate == "%{hovertext}<br>Source: Computed from the fixture bulletin.<extra></extra>"
    assert not any("Source:" in text for text in values.hovertext)
    assert all(hover.endswith("<br>Source: Computed from the fixture bulletin.") for hover in shown_hovers(values))
    ranking = figures.make_ranking_figure(rate_map, indicator_label=RATE_LABEL, unit=RATE_UNIT, year=2015, **FRAME)
    assert ranking.data[0].hovertemplate == values.hovertemplate
    assert not any("Source:" in text for text in ranking.data[0].hovertext)
    assert shown_hovers(ranking.data[0])[list(ranking.data[0].customdata).index("NOR")].endswith(
        "vs 2014<br>Source: Computed from the fixture bulletin.")

    frame = rate_map.copy()
    frame["source"] = frame["source"].astype(object)
    frame.loc[frame["iso3"] == "DNK", "source"] = "Danish national register."
    differing = trace_named(figures.make_map_figure(frame, geojson, indicator_label=RATE_LABEL, unit=RATE_UNIT,
                                                    year=2015, **FRAME), RATE_LABEL)
    assert differing.hovertemplate == "%{hovertext}<extra></extra>"
    assert hover_for(differing, "DNK").endswith("Source: Danish national register.")
    assert hover_for(differing, "NOR") == hover_for(values, "NOR")


def test_map_hover_shows_a_flag_in_words(connection, geojson):
    frame = map_query(connection, ["DNK", "NOR"], year=2010)
    fig = figures.make_map_figure(frame, geojson, indicator_label=RATE_LABEL, unit=RATE_UNIT, year=2010, **FRAME)
    assert "Not the EMCDDA rate" in hover_for(trace_named(fig, RATE_LABEL), "DNK")
    assert "Not the EMCDDA rate" not in hover_for(trace_named(fig, RATE_LABEL), "NOR")


def test_map_hover_counts_use_thousands_separators(connection, geojson):
    frame = map_query(connection, ["NOR", "SWE"], indicator=COUNT)
    frame = frame.assign(value=frame["iso3"].map({"NOR": 1234.0, "SWE": 5678.0}))
    fig = figures.make_map_figure(frame, geojson, indicator_label="Deaths", unit="deaths", year=2015, **FRAME)
    assert "5,678 deaths" in hover_for(trace_named(fig, "Deaths"), "SWE")


def test_map_hover_without_previous_year(connection, geojson):
    frame = map_query(connection, ["NOR", "SWE"], year=2013)  # Sweden reported nothing for 2012
    fig = figures.make_map_figure(frame, geojson, indicator_label=RATE_LABEL, unit=RATE_UNIT, year=2013, **FRAME)
    assert "no value for 2012" in hover_for(trace_named(fig, RATE_LABEL), "SWE")
    assert "vs 2012" in hover_for(trace_named(fig, RATE_LABEL), "NOR")


def test_map_draws_unselected_neighbours_as_clickable_context(connection, geojson):
    frame = map_query(connection, ["NOR", "SWE"])
    fig = figures.make_map_figure(frame, geojson, indicator_label=RATE_LABEL, unit=RATE_UNIT, year=2015, **FRAME)
    context = trace_named(fig, "Not selected")
    assert sorted(context.locations) == ["CHE", "DNK", "FIN"]
    assert context.showscale is False
    denmark = list(context.locations).index("DNK")
    assert "Denmark" in context.hovertext[denmark] and "click to add" in context.hovertext[denmark]


def test_map_geometry_is_shared_between_figures_and_never_changed(rate_map, geojson):
    before = json.dumps(geojson, sort_keys=True)
    first = figures.make_map_figure(rate_map, geojson, indicator_label=RATE_LABEL, unit="x", year=2015, **FRAME)
    framed = figures.apply_frame(first, title="T", subtitle="s", source_line="S", projector=True)
    shapes = [trace.geojson for trace in framed.data if trace.type == "choropleth"]
    assert shapes and all(isinstance(shape, figures.SharedGeometry) for shape in shapes)
    # Copies of the figure (Plotly's, Streamlit's, an export's) point at the same features, not new ones.
    feature = next(shape for shape in shapes if shape["features"])["features"][0]
    assert any(feature is original for original in geojson["features"])
    assert json.dumps(geojson, sort_keys=True) == before


def test_the_screen_map_refers_to_the_published_shapes_and_the_export_figure_carries_them(rate_map, geojson):
    fig = figures.make_map_figure(rate_map, geojson, indicator_label=RATE_LABEL, unit="x", year=2015, **FRAME)
    url = "/app/static/shapes/europe-0123456789abcdef.json"
    screen = figures.screen_figure(fig, geometry_url=url)
    choropleths = [trace for trace in screen.data if trace.type == "choropleth"]
    assert len(choropleths) == 3 and {trace.geojson for trace in choropleths} == {url}
    # The same countries are drawn: each trace draws the features its locations name.
    assert [list(t.locations) for t in choropleths] == [list(t.locations) for t in fig.data if t.type == "choropleth"]
    assert "coordinates" not in screen.to_json() and "coordinates" in fig.to_json()
    # Nor Plotly's default template (Streamlit styles the chart; the figure sets its own look).
    assert len(json.dumps(json.loads(screen.to_json())["layout"]["template"])) < 80
    assert all(isinstance(t.geojson, dict) for t in fig.data if t.type == "choropleth"), "exports keep the shapes"
    assert all(isinstance(t.geojson, dict) for t in figures.screen_figure(fig).data if t.type == "choropleth")


class _Extracts:
    def __init__(self, data_dir):
        self.data_dir = data_dir


@pytest.fixture
def static_folder(tmp_path, monkeypatch):
    static = tmp_path / "static"
    monkeypatch.setattr(settings, "STATIC_DIR", static)
    monkeypatch.setattr(settings, "PUBLISHED_SHAPES_DIR", static / "shapes")
    return static


def test_shapes_are_published_under_a_name_that_changes_with_their_content(tmp_path, static_folder):
    from dashboard import basemap

    extracts = tmp_path / "extracts"
    extracts.mkdir()
    shapes = extracts / basemap.FILE_NAME
    shapes.write_text('{"type": "FeatureCollection", "features": [{"id": "NOR"}]}', encoding="utf-8")
    first = basemap.published_url(_Extracts(extracts))
    assert first.startswith("/app/static/shapes/europe-") and first.endswith(".json")
    published = static_folder / first.removeprefix("/app/static/")
    assert published.read_bytes() == shapes.read_bytes()
    assert basemap.published_url(_Extracts(extracts)) == first
    shapes.write_text('{"type": "FeatureCollection", "features": [{"id": "SWE"}]}', encoding="utf-8")
    second = basemap.published_url(_Extracts(extracts))
    assert second != first and (static_folder / second.removeprefix("/app/static/")).read_text().count("SWE") == 1
    assert not list((static_folder / "shapes").glob(".*partial")), "no half-written copy left"


def test_shapes_that_cannot_be_published_are_sent_inline(tmp_path, static_folder):
    from dashboard import basemap

    static_folder.mkdir()
    (static_folder / "shapes").write_text("not a folder", encoding="utf-8")  # mkdir fails, like a read-only disk
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    (extracts / basemap.FILE_NAME).write_text('{"features": [{"id": "NOR"}]}', encoding="utf-8")
    assert basemap.published_url(_Extracts(extracts)) is None


def test_every_choropleth_point_carries_its_iso3(connection, geojson):
    frame = map_query(connection, ["NOR", "FIN"])
    fig = figures.make_map_figure(frame, geojson, indicator_label=RATE_LABEL, unit=RATE_UNIT, year=2015, **FRAME)
    choropleths = [t for t in fig.data if t.type == "choropleth"]
    assert [sorted(t.locations) for t in choropleths] == [["CHE", "DNK", "SWE"], ["FIN"], ["NOR"]]
    for trace in choropleths:
        assert list(trace.customdata) == list(trace.locations)
        assert trace.featureidkey == "id"


def test_map_frame_is_fixed_on_europe(rate_map_figure):
    geo = rate_map_figure.layout.geo
    assert geo.visible is False
    assert tuple(geo.lonaxis.range) == figures.MAP_LON_RANGE and tuple(geo.lataxis.range) == figures.MAP_LAT_RANGE


def drawn_markers(figure: go.Figure) -> dict[str, list[tuple[str, float, float]]]:
    """programme_id -> [(map group, lat, lon), ...] of the markers a map draws."""
    found: dict[str, list] = {}
    for trace in figure.data:
        if isinstance(trace.meta, dict) and trace.meta.get("role") == "programme":
            for pid, lat, lon in zip(trace.customdata, trace.lat, trace.lon, strict=True):
                found.setdefault(pid, []).append((trace.meta["phase"], lat, lon))
    return found


def test_map_draws_the_programmes_running_in_its_year_or_ended_by_then(rate_map_figure):
    drawn = drawn_markers(rate_map_figure)
    assert {pid: sorted({group for group, *_ in places}) for pid, places in drawn.items()} == {
        "CH-REGULAR": ["regular"], "CH-TRIAL": ["ended"], "DK-REGULAR": ["regular"], "NO-TRIAL": ["ended"]}
    meta = rate_map_figure.layout.meta
    assert meta["programmes_outside_map"] == ["CA-TRIAL"] and meta["programmes_outside_map_count"] == 1
    assert meta["programmes_not_drawn"] == {"DK-UNDATED": "start year not established",
                                            "NO-PILOT": "starts later", "NO-PLANNED": "never implemented"}
    footnote = annotation_text(rate_map_figure, "dpa-footnote").replace("<br>", " ")
    assert "1 HAT programme outside the map area not shown (Canada)" in footnote
    assert ("HAT markers: programmes running in 2015 or ended by then. Not shown: 1 never implemented, 1 with no "
            "established start year and 1 starting after 2015.") in footnote
    assert [t.name for t in rate_map_figure.data if t.showlegend] == ["No data reported", "Regular HAT",
                                                                      "HAT ended by 2015"]


@pytest.mark.parametrize(("year", "expected"), [
    (2010, {"CH-REGULAR": "regular", "CH-TRIAL": "ended", "DK-REGULAR": "regular"}),  # NO-TRIAL starts in 2011
    (2012, {"CH-REGULAR": "regular", "CH-TRIAL": "ended", "DK-REGULAR": "regular", "NO-TRIAL": "trial"}),
    (2013, {"CH-REGULAR": "regular", "CH-TRIAL": "ended", "DK-REGULAR": "regular", "NO-TRIAL": "trial"}),
    (2014, {"CH-REGULAR": "regular", "CH-TRIAL": "ended", "DK-REGULAR": "regular", "NO-TRIAL": "ended"}),
    (1995, {"CH-REGULAR": "regular", "CH-TRIAL": "trial"}),
])
def test_markers_follow_the_map_year(connection, all_countries, geojson, year, expected):
    fig = figures.make_map_figure(map_query(connection, all_countries), geojson, indicator_label=RATE_LABEL,
                                  unit=RATE_UNIT, year=year, markers=marker_query(connection, all_countries, year),
                                  **FRAME)
    assert {pid: places[0][0] for pid, places in drawn_markers(fig).items()} == expected


def test_markers_sit_at_their_sites_or_inside_their_country(rate_map_figure, geojson):
    """Norway's trial at its two sites, Switzerland's regular treatment and Denmark's at the country's interior
    point, and every marker inside its own country's shape (the fixture's squares)."""
    drawn = drawn_markers(rate_map_figure)
    assert sorted((lat, lon) for _, lat, lon in drawn["NO-TRIAL"]) == [(60.0, 10.5), (60.4, 7.5)]
    assert [(lat, lon) for _, lat, lon in drawn["CH-TRIAL"]] == [(47.4, 8.5)]
    assert [(lat, lon) for _, lat, lon in drawn["DK-REGULAR"]] == [(56.0, 10.0)]
    shapes = {f["id"]: f["geometry"]["coordinates"][0] for f in geojson["features"]}
    owner = {"NO": "NOR", "CH": "CHE", "DK": "DNK"}
    for pid, places in drawn.items():
        ring = shapes[owner[pid[:2]]]
        lons, lats = [x for x, _ in ring], [y for _, y in ring]
        for _, lat, lon in places:
            assert min(lats) < lat < max(lats) and min(lons) < lon < max(lons), (pid, lat, lon)


def test_markers_at_one_place_are_spread_apart():
    rows = [{"lat": 50.0, "lon": 10.0}, {"lat": 50.0, "lon": 10.0}, {"lat": 55.0, "lon": 5.0}]
    positions = figures.marker_positions(rows)
    assert positions[2] == (55.0, 5.0) and len(set(positions)) == 3
    assert all(abs(lat - 50.0) <= 0.46 for lat, _ in positions[:2])


def test_colour_scale_spans_the_selected_years_or_one_year(connection, geojson):
    """One scale: a colour means the same value in every year of the range; per year: this year's range."""
    countries = ["NOR", "SWE", "DNK"]
    values_2015 = [F.rate(c, 2015) for c in countries]
    every_year = [F.rate(c, y) for c in countries for y in F.YEARS if F.rate(c, y) is not None]

    def value_trace(fixed: bool, year_from=None, year_to=None) -> go.Choropleth:
        fig = figures.make_map_figure(map_query(connection, countries, year_from=year_from, year_to=year_to),
                                      geojson, indicator_label=RATE_LABEL, unit=RATE_UNIT, year=2015,
                                      fixed_scale=fixed, **FRAME)
        return next(t for t in fig.data if t.meta and t.meta.get("role") == "values")

    fixed = value_trace(True, 2010, 2015)
    assert (fixed.zmin, fixed.zmax) == pytest.approx((min(every_year), max(every_year)))
    assert "scale: 2010–2015" in fixed.colorbar.title.text.replace("<br>", " ")
    later = value_trace(True, 2014, 2015)
    in_range = [F.rate(c, y) for c in countries for y in (2014, 2015)]
    assert (later.zmin, later.zmax) == pytest.approx((min(in_range), max(in_range)))
    own = value_trace(False, 2010, 2015)
    assert (own.zmin, own.zmax) == pytest.approx((min(values_2015), max(values_2015)))
    assert "scale: 2015 only" in own.colorbar.title.text.replace("<br>", " ")


def test_programme_marker_hover(rate_map_figure):
    markers = [t for t in rate_map_figure.data if isinstance(t.meta, dict) and t.meta.get("role") == "programme"]
    hovers = {pid: text.replace("<br>", " ") for trace in markers
              for pid, text in zip(trace.customdata, trace.hovertext, strict=True)}
    assert "Years: since 2010" in hovers["DK-REGULAR"] and "220" in hovers["DK-REGULAR"]
    assert "Years: 2011–2013" in hovers["NO-TRIAL"]
    assert "Source: DK-REGULAR register entry" in hovers["DK-REGULAR"]
    assert "Sources disagree" in hovers["DK-REGULAR"] and "Sources disagree" not in hovers["NO-TRIAL"]


@pytest.mark.parametrize(("programme_id", "phase"), [
    ("CH-REGULAR", "regular"), ("CH-TRIAL", "ended"), ("DK-UNDATED", "pilot"), ("NO-PILOT", "pilot"),
    ("NO-PLANNED", "planned/never implemented"),
])
def test_programme_phase_is_the_build_time_display_group(programmes, programme_id, phase):
    row = next(row for row in figures.records(programmes) if row["programme_id"] == programme_id)
    assert figures.programme_phase(row) == phase


@pytest.mark.parametrize(("programme", "group"), [
    ({"phase": "trial", "end_year": "", "status": "ongoing"}, "trial"),
    ({"phase": "pilot", "end_year": "2022", "status": "closed 6 Dec 2022"}, "ended"),
    ({"phase": "trial", "end_year": "", "status": "continuing as compassionate use"}, "trial"),
    ({"phase": "vetoed", "end_year": "1997", "status": "vetoed"}, "planned/never implemented"),
    ({"phase": "planned", "end_year": "", "status": "planned"}, "planned/never implemented"),
    ({"phase": "unsupervised_prescribing", "end_year": "", "status": "ongoing"}, "unsupervised prescribing"),
])
def test_programme_groups_are_set_at_build_time(programme, group):
    assert build.display_group(programme) == group
    assert figures.programme_phase({"display_group": group}) == group


# ---------------------------------------------------------------------------------------------------------------
# Trend


@pytest.fixture(scope="session")
def nordic_trend(connection) -> pd.DataFrame:
    return trend_query(connection, ["NOR", "SWE", "DNK"])


def test_trend_one_line_per_country_with_gaps_not_interpolated(nordic_trend):
    fig = figures.make_trend_figure(nordic_trend, indicator_label=RATE_LABEL, unit=RATE_UNIT, **FRAME)
    lines = series(fig)
    assert sorted(lines) == ["Denmark", "Norway", "Sweden"]
    sweden = dict(zip(lines["Sweden"].x, lines["Sweden"].y, strict=True))
    assert list(sweden) == list(F.YEARS)
    assert sweden[2012] is None or math.isnan(sweden[2012])
    assert all(trace.connectgaps is False and trace.mode == "lines+markers" for trace in lines.values())
    expected = {year: F.rate("NOR", year) for year in F.YEARS}
    assert dict(zip(lines["Norway"].x, lines["Norway"].y, strict=True)) == pytest.approx(expected)
    assert dict(zip(lines["Denmark"].x, lines["Denmark"].y, strict=True))[2013] == 0  # a zero is drawn


def test_trend_hover_has_country_year_value_deaths_and_source(nordic_trend):
    fig = figures.make_trend_figure(nordic_trend, indicator_label=RATE_LABEL, unit=RATE_UNIT, **FRAME)
    norway = series(fig)["Norway"]
    text = shown_hovers(norway)[list(norway.x).index(2015)]
    assert "Norway" in text and f"2015: 85.0 {RATE_UNIT}" in text and "from 289 deaths" in text
    assert "Source: Computed from the fixture bulletin." in text


def test_trend_hover_says_a_shared_source_once_per_line_and_differing_sources_per_point(nordic_trend):
    """The source line was two thirds of a trend's JSON: a line whose points share one source carries it in its
    template; one with two sources, or a source Plotly would read as template syntax, in each point."""
    frame = nordic_trend.copy()
    frame["source"] = frame["source"].astype(object)
    frame.loc[(frame["iso3"] == "DNK") & (frame["year"] == 2015), "source"] = "Danish national register."
    frame.loc[frame["iso3"] == "SWE", "source"] = "Swedish %{x} register."
    lines = series(figures.make_trend_figure(frame, indicator_label=RATE_LABEL, unit=RATE_UNIT, **FRAME))
    norway, denmark, sweden = lines["Norway"], lines["Denmark"], lines["Sweden"]
    assert norway.hovertemplate == "%{hovertext}<br>Source: Computed from the fixture bulletin.<extra></extra>"
    assert not any("Source:" in text for text in norway.hovertext)
    assert all(text.endswith("<br>Source: Computed from the fixture bulletin.") for text, y
               in zip(shown_hovers(norway), norway.y, strict=True) if y is not None)
    shown = dict(zip(denmark.x, shown_hovers(denmark), strict=True))
    assert denmark.hovertemplate == "%{hovertext}<extra></extra>"
    assert shown[2015].endswith("Source: Danish national register.")
    assert shown[2014].endswith("Source: Computed from the fixture bulletin.")
    assert sweden.hovertemplate == "%{hovertext}<extra></extra>"
    assert all(text.endswith("Source: Swedish %{x} register.") for text, y
               in zip(sweden.hovertext, sweden.y, strict=True) if y is not None)


def test_trend_flagged_value_is_drawn_open_and_named(nordic_trend):
    fig = figures.make_trend_figure(nordic_trend, indicator_label=RATE_LABEL, unit=RATE_UNIT, **FRAME)
    assert "Denmark" in annotation_text(fig, "dpa-footnote") and "Not the EMCDDA rate" in annotation_text(
        fig, "dpa-footnote")
    denmark = series(fig)["Denmark"]
    assert "Not the EMCDDA rate" in denmark.hovertext[0] and "Not the EMCDDA rate" not in denmark.hovertext[1]


def test_trend_index_mode_sets_base_year_to_100(connection):
    frame = trend_query(connection, ["NOR", "DNK"], index_base=2011)
    fig = figures.make_trend_figure(frame, indicator_label=RATE_LABEL, unit="x", index_base_year=2011, **FRAME)
    for trace in series(fig).values():
        assert trace.y[list(trace.x).index(2011)] == pytest.approx(100)
    norway = series(fig)["Norway"]
    assert norway.y[list(norway.x).index(2015)] == pytest.approx(289 / 262 * 100)
    assert fig.layout.yaxis.title.text == "Index (2011 = 100)"


def test_trend_index_drops_countries_without_a_base_value(connection):
    frame = trend_query(connection, ["NOR", "SWE"], index_base=2012)
    fig = figures.make_trend_figure(frame, indicator_label=RATE_LABEL, unit="x", index_base_year=2012, **FRAME)
    assert sorted(series(fig)) == ["Norway"]  # Sweden reported nothing for 2012
    assert fig.layout.meta["dropped_no_base"] == ["SWE"]
    assert "No 2012 value to index on, not shown: Sweden" in annotation_text(fig, "dpa-footnote")


def test_trend_log_scale_drops_zero_and_says_so(connection):
    frame = trend_query(connection, ["DNK"], indicator=COUNT, log_scale=True)  # 0 deaths in 2013
    fig = figures.make_trend_figure(frame, indicator_label="Deaths", unit="deaths", log_y=True, **FRAME)
    assert fig.layout.yaxis.type == "log"
    ticks = list(fig.layout.yaxis.tickvals)  # 1-2-5 ticks spanning the values shown
    assert ticks[0] <= 160 and ticks[-1] >= 200
    assert all(str(int(t))[0] in "125" for t in ticks if t >= 1)
    denmark = series(fig)["Denmark"]
    assert denmark.y[list(denmark.x).index(2013)] is None
    assert fig.layout.meta["dropped_non_positive"] == ["Denmark 2013"]
    assert "Log scale" in annotation_text(fig, "dpa-footnote")


def test_trend_colours_depend_only_on_the_set_of_countries(connection):
    one = figures.make_trend_figure(trend_query(connection, ["NOR", "SWE", "DNK"]), indicator_label="a", unit="x",
                                    **FRAME)
    two = figures.make_trend_figure(trend_query(connection, ["SWE", "DNK", "NOR"]), indicator_label="a", unit="x",
                                    **FRAME)
    colours = {name: trace.line.color for name, trace in series(one).items()}
    assert colours == {name: trace.line.color for name, trace in series(two).items()}
    assert len(set(colours.values())) == 3
    assert colours == {"Norway": figures.COUNTRY_COLOURS[0], "Sweden": figures.COUNTRY_COLOURS[1],
                       "Denmark": figures.COUNTRY_COLOURS[2]}  # each country its own, whoever is beside it


def test_every_country_has_one_line_style_and_the_emcdda_thirty_are_all_different():
    codes = [row["iso3"] for row in csv.DictReader(
        (settings.REPO_ROOT / "data" / "reference" / "countries.csv").open(encoding="utf-8"))]
    listed = set(figures.COUNTRY_STYLE_ORDER) | set(colours.SHARED_STYLE)
    assert set(codes) == listed, "a country without a fixed line style"
    styles = {code: (figures.country_style(code)["colour"], figures.country_style(code)["dash"]) for code in codes}
    emcdda = [code for code in codes if code not in ("CHE", "ISL", *colours.SHARED_STYLE)]
    assert len(emcdda) == 30 and len({styles[code] for code in emcdda}) == 30
    national = {"NOR", "SWE", "DNK", "FIN", "DEU", "IRL", "NLD", "CHE", "GB-EAW", "GB-SCT"}  # on one chart
    assert len({styles[code] for code in national}) == len(national)
    hat = {"NOR", "DNK", "DEU", "NLD", "CHE", "GBR", "BEL", "LUX", "ESP", "CAN"}
    assert len({styles[code] for code in hat}) == len(hat)


def test_line_colours_reach_3_to_1_against_white():
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in figures.COUNTRY_COLOURS:
        assert (1.05) / (luminance(colour) + 0.05) >= 3, colour


def test_trend_programme_band_and_line(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["NOR", "DNK"]), indicator_label=RATE_LABEL, unit="x",
                                    programmes=programmes, **FRAME)
    band = shapes_named(fig, "hat-band-NO-TRIAL")
    assert len(band) == 1 and (band[0].x0, band[0].x1) == (2010.5, 2013.5)
    line = shapes_named(fig, "hat-line-DK-REGULAR")
    assert len(line) == 1 and line[0].x0 == line[0].x1 == 2010 and line[0].line.dash == "dot"
    assert annotation_text(fig, "hat-label-DK-REGULAR").replace("<br>", " ") == "HAT regular: Denmark 2010"
    assert annotation_text(fig, "hat-label-NO-TRIAL").replace("<br>", " ") == "HAT trial: Norway 2011–2013"
    colour = series(fig)["Denmark"].line.color
    assert line[0].line.color == colour
    assert shapes_named(fig, "hat-band-CH") == [] and shapes_named(fig, "hat-line-CH") == []  # countries shown only


def test_trend_programmes_outside_the_years_are_listed_not_drawn(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["NOR"], 2014, 2015), indicator_label="a",
                                    unit="x", programmes=programmes, **FRAME)
    assert shapes_named(fig, "hat-") == []
    assert sorted(fig.layout.meta["programmes_outside_years"]) == ["NO-PILOT", "NO-TRIAL"]
    assert "Norway: Norwegian pilot (since 2022)" in annotation_text(fig, "dpa-footnote").replace("<br>", " ")


def test_trend_regular_treatment_begun_before_the_range_is_marked_at_its_start(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["DNK"], 2012, 2015), indicator_label="a", unit="x",
                                    programmes=programmes, **FRAME)
    line = shapes_named(fig, "hat-line-DK-REGULAR")
    assert len(line) == 1 and line[0].x0 == 2012
    assert annotation_text(fig, "hat-label-DK-REGULAR").replace("<br>", " ") == "HAT regular: Denmark since 2010"


def test_trend_ongoing_pilot_runs_to_the_last_year(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["NOR"], 2015, 2023), indicator_label="a", unit="x",
                                    programmes=programmes, **FRAME)
    band = shapes_named(fig, "hat-band-NO-PILOT")
    assert len(band) == 1 and (band[0].x0, band[0].x1) == (2021.5, 2023.5)
    assert annotation_text(fig, "hat-label-NO-PILOT").replace("<br>", " ") == "HAT pilot: Norway since 2022"


def test_trend_programme_without_start_year_in_footnote(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["DNK", "NOR"]), indicator_label="a", unit="x",
                                    programmes=programmes, **FRAME)
    assert fig.layout.meta["programmes_unknown_start"] == ["DK-UNDATED"]
    assert "start year not established, not drawn: Denmark: Danish undated pilot" in annotation_text(
        fig, "dpa-footnote")
    assert "NO-PLANNED" in fig.layout.meta["programmes_not_drawn"]  # never treated anyone


def test_trend_programme_labels_sit_above_the_plot(connection, programmes, all_countries):
    fig = figures.make_trend_figure(trend_query(connection, all_countries, 2010, 2023), indicator_label="a",
                                    unit="x", programmes=programmes, **FRAME)
    labels = [a for a in fig.layout.annotations if a.name and a.name.startswith("hat-label")]
    assert len(labels) == len(fig.layout.meta["programmes_drawn"]) == 4  # DK regular, NO trial and pilot, CH regular
    assert all(label.yref == "paper" and label.y == 1 and label.yanchor == "bottom" for label in labels)
    assert len({(label.yshift, label.x) for label in labels}) == len(labels)
    assert fig.layout.margin.t > fig.layout.meta["label_strip_px"] >= max(label.yshift for label in labels)


def test_projector_map_has_bigger_type_and_markers(rate_map, geojson, markers, rate_map_figure):
    big = figures.make_map_figure(rate_map, geojson, indicator_label=RATE_LABEL, unit="x", year=2015,
                                  markers=markers, projector=True, **FRAME)
    assert big.layout.font.size > rate_map_figure.layout.font.size >= 16

    def marker_size(fig):
        return next(t.marker.size for t in fig.data if isinstance(t.meta, dict) and t.meta.get("role") == "programme")

    assert marker_size(big) > marker_size(rate_map_figure)


# ---------------------------------------------------------------------------------------------------------------
# Timeline


def test_timeline_one_bar_per_programme_with_a_start_year(programmes):
    fig = figures.make_timeline_figure(programmes, **FRAME)
    bars = [t for t in fig.data if t.type == "bar"]
    drawn = {pid: (base, base + width)
             for t in bars for pid, base, width in zip(t.customdata, t.base, t.x, strict=True)}
    assert drawn == ({
        "CH-REGULAR": (1985, figures.CURRENT_YEAR), "CH-TRIAL": (1994, 1996),  # 1985: cut by the axis
        "CA-TRIAL": (2005, 2008), "DK-REGULAR": (2010, figures.CURRENT_YEAR), "NO-TRIAL": (2011, 2013),
        "NO-PILOT": (2022, figures.CURRENT_YEAR)})  # an ongoing one drawn to the current year
    ongoing = trace_named(fig, f"Ongoing (to {figures.CURRENT_YEAR})")
    assert sorted(ongoing.customdata) == sorted(fig.layout.meta["ongoing"]) == ["CH-REGULAR", "DK-REGULAR",
                                                                                 "NO-PILOT"]


def test_timeline_marks_unknown_starts_and_conflicts(programmes):
    fig = figures.make_timeline_figure(programmes, **FRAME)
    ongoing = trace_named(fig, f"Ongoing (to {figures.CURRENT_YEAR})").name
    markers = [t for t in fig.data if t.type == "scatter" and t.customdata and t.name != ongoing]
    hovers = {pid: text for t in markers for pid, text in zip(t.customdata, t.hovertext, strict=True)}
    assert sorted(hovers) == ["DK-UNDATED"] and "start year not established" in hovers["DK-UNDATED"]
    positions = {pid: x for t in markers for pid, x in zip(t.customdata, t.x, strict=True)}
    assert positions == {"DK-UNDATED": 2014}  # the year of its status
    assert fig.layout.meta["not_drawn"] == ["NO-PLANNED"]  # no year at all
    labels = {pid: label for t in fig.data if t.type == "bar" for pid, label in zip(t.customdata, t.y, strict=True)}
    assert {pid for pid, label in labels.items() if label.endswith("⚠")} == {"DK-REGULAR"}
    bar_hovers = {pid: h for t in fig.data if t.type == "bar" for pid, h in zip(t.customdata, t.hovertext, strict=True)}
    assert "Sources disagree: yes: start 2009 or 2010" in bar_hovers["DK-REGULAR"]
    assert "Patients: 220 (in treatment; 2024)" in bar_hovers["DK-REGULAR"]


def test_timeline_early_start_is_clipped_and_labelled(programmes):
    fig = figures.make_timeline_figure(programmes, **FRAME)
    assert fig.layout.meta["clipped"] == ["CH-REGULAR"]
    assert "◀ from 1985" in annotation_text(fig, "hat-label-clipped-CH-REGULAR")
    assert fig.layout.xaxis.range[0] < figures.TIMELINE_FIRST_YEAR


# ---------------------------------------------------------------------------------------------------------------
# Validity: the builders skip Plotly's validation for speed, so it is done here


def _validated_equal(fig: go.Figure) -> None:
    """Plotly's own validation accepts every property and changes nothing (a typo'd key would raise here)."""
    validated = go.Figure(fig.to_dict())
    assert json.loads(validated.to_json()) == json.loads(fig.to_json())  # key order aside


@pytest.mark.parametrize("projector", [False, True])
def test_every_builder_output_passes_plotly_validation(connection, all_countries, geojson, programmes, projector):
    year_maps = {year: figures.make_map_figure(map_query(connection, all_countries, year=year), geojson,
                                               indicator_label=RATE_LABEL, unit="x", year=year, projector=projector,
                                               markers=marker_query(connection, all_countries, year), **FRAME)
                 for year in (2013, 2014, 2015)}
    _validated_equal(year_maps[2015])
    _validated_equal(figures.animate_map(year_maps, shown_year=2014, projector=projector))
    one = map_query(connection, ["NOR"])
    _validated_equal(figures.make_map_figure(one, geojson, indicator_label=RATE_LABEL, unit="x", year=2015,
                                             projector=projector, **FRAME))
    trend = trend_query(connection, all_countries)
    for log_y, base in ((False, None), (True, None), (False, 2011)):
        trend = trend_query(connection, all_countries, index_base=base, log_scale=log_y)
        _validated_equal(figures.make_trend_figure(trend, indicator_label=RATE_LABEL, unit="x", programmes=programmes,
                                                   log_y=log_y, index_base_year=base, projector=projector, **FRAME))
    _validated_equal(figures.make_trend_figure(trend.iloc[0:0], indicator_label=RATE_LABEL, unit="x",
                                               projector=projector, **FRAME))
    _validated_equal(figures.make_timeline_figure(programmes, projector=projector, **FRAME))
    _validated_equal(figures.make_timeline_figure(programmes.iloc[0:0], projector=projector, **FRAME))


def animated_map(connection, geojson, countries, years=range(2010, 2016), shown=2013) -> go.Figure:
    by_year = {year: figures.make_map_figure(map_query(connection, countries, year=year, year_from=min(years),
                                                       year_to=max(years)), geojson, indicator_label=RATE_LABEL,
                                             unit=RATE_UNIT, year=year,
                                             markers=marker_query(connection, countries, year), **FRAME)
               for year in years}
    return figures.animate_map(by_year, shown_year=shown, projector=False)


def test_animated_map_has_a_frame_per_year_equal_to_that_years_map(connection, geojson, all_countries):
    fig = animated_map(connection, geojson, all_countries)
    assert [frame.name for frame in fig.frames] == [str(year) for year in range(2010, 2016)]
    values = next(i for i, t in enumerate(fig.data) if t.meta and t.meta.get("role") == "values")
    for frame in fig.frames:
        year = int(frame.name)
        trace = frame.data[list(frame.traces).index(values)]
        expected = {c: F.rate(c, year) for c in ("NOR", "SWE", "DNK") if F.rate(c, year) is not None}
        assert dict(zip(trace.locations, trace.z, strict=True)) == pytest.approx(expected)
        footnote = next(a.text for a in frame.layout.annotations if a.name == "dpa-footnote")
        assert f"running in {year} or ended" in footnote.replace("<br>", " ")
    # One colour scale in every frame: the selected years' range
    scales = {(frame.data[list(frame.traces).index(values)].zmin, frame.data[list(frame.traces).index(values)].zmax)
              for frame in fig.frames}
    every = [F.rate(c, y) for c in ("NOR", "SWE", "DNK") for y in F.YEARS if F.rate(c, y) is not None]
    assert len(scales) == 1 and next(iter(scales)) == pytest.approx((min(every), max(every)))
    # Norway's trial appears in 2011 at its two sites
    markers = {int(frame.name): [pid for i, t in zip(frame.traces, frame.data, strict=True)
                                 if fig.data[i].meta.get("role") == "programme" for pid in (t.customdata or [])]
               for frame in fig.frames}
    assert "NO-TRIAL" not in markers[2010] and markers[2011].count("NO-TRIAL") == 2


def test_animated_map_controls_play_pause_stop_and_a_slider_on_the_shown_year(connection, geojson, all_countries):
    fig = animated_map(connection, geojson, all_countries, shown=2013)
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["▶ Play", "❚❚ Pause", "■ Stop"]
    assert buttons[0].args[0] is None and buttons[0].args[1]["fromcurrent"] is True
    assert list(buttons[1].args[0]) == [None]
    assert list(buttons[2].args[0]) == ["2010"]
    slider = fig.layout.sliders[0]
    assert [list(step.args[0]) for step in slider.steps] == [[str(y)] for y in range(2010, 2016)]
    assert slider.steps[slider.active].label == "2013"
    # The unselected neighbours never change, so the frames leave them out; the shapes travel once.
    context = next(i for i, t in enumerate(fig.data) if t.meta and t.meta.get("role") == "context")
    assert all(context not in frame.traces for frame in fig.frames)
    assert all("geojson" not in trace for frame in fig.to_dict()["frames"] for trace in frame["data"])


def test_an_exported_animation_keeps_each_years_caveats_and_the_stamp_in_every_frame(connection, geojson,
                                                                                     all_countries):
    fig = animated_map(connection, geojson, all_countries, shown=2013)
    own = fig.layout.meta["frame"]["footnote"]
    stamped = figures.apply_frame(fig, title="T", subtitle="s", source_line="S",
                                  footnote=own + "\nExported 2026-12-01 from Drug Policy Atlas.")
    for frame in stamped.frames:
        footnote = next(a.text for a in frame.layout.annotations if a.name == "dpa-footnote").replace("<br>", " ")
        assert f"running in {frame.name} or ended" in footnote and "Exported 2026-12-01" in footnote
        assert next(a.text for a in frame.layout.annotations if a.name == "dpa-source") == "S"


def test_a_still_of_an_animated_map_is_its_shown_year_without_controls(connection, geojson, all_countries):
    fig = animated_map(connection, geojson, all_countries, shown=2013)
    still = figures.still_figure(fig)
    assert not still.frames and not still.layout.sliders and not still.layout.updatemenus
    assert still.layout.margin.b < fig.layout.margin.b and still.layout.height < fig.layout.height
    year_map = figures.make_map_figure(map_query(connection, all_countries, year=2013, year_from=2010, year_to=2015),
                                       geojson, indicator_label=RATE_LABEL, unit=RATE_UNIT, year=2013,
                                       markers=marker_query(connection, all_countries, 2013), **FRAME)
    assert (still.layout.height, still.layout.margin.b) == (year_map.layout.height, year_map.layout.margin.b)
    assert [t.to_plotly_json().get("z") for t in still.data] == [t.to_plotly_json().get("z") for t in year_map.data]
    assert figures.still_figure(year_map) is year_map


def test_ranked_bars_order_the_map_year_and_share_its_colour_scale(connection, geojson):
    countries = ["NOR", "SWE", "DNK", "FIN"]
    frame = map_query(connection, countries, year=2012, year_from=2010, year_to=2015)
    bars = figures.make_ranking_figure(frame, indicator_label=RATE_LABEL, unit=RATE_UNIT, year=2012, **FRAME)
    [trace] = bars.data
    expected = sorted(((F.rate(c, 2012), F.NAMES[c]) for c in ("NOR", "DNK")), reverse=True)
    assert list(trace.y) == [name for _, name in expected] and list(trace.x) == pytest.approx([v for v, _ in expected])
    assert list(trace.text) == [figures.format_value(v, RATE_UNIT) for v, _ in expected]
    footnote = annotation_text(bars, "dpa-footnote").replace("<br>", " ")
    assert "No data reported for 2012: Finland and Sweden (not zero: not drawn)." in footnote
    the_map = figures.make_map_figure(frame, geojson, indicator_label=RATE_LABEL, unit=RATE_UNIT, year=2012, **FRAME)
    assert bars.layout.meta["colour_range"] == the_map.layout.meta["colour_range"]
    assert (trace.marker.cmin, trace.marker.cmax) == tuple(the_map.layout.meta["colour_range"])
    assert bars.layout.yaxis.autorange == "reversed"  # the highest at the top


def test_a_misspelt_property_would_be_caught():
    with pytest.raises(ValueError):
        _validated_equal(go.Figure({"data": [{"type": "scatter", "lne": {"width": 2}}], "layout": {}},
                                   _validate=False))


# ---------------------------------------------------------------------------------------------------------------
# Frame


def test_apply_frame_sets_title_subtitle_footnote_and_source():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], meta={"role": "series"}))
    fig = figures.apply_frame(fig, title="Deaths & rates", subtitle="Sex: total · Age: total",
                              source_line="Source: EMCDDA.", footnote="Belgium: no data.")
    assert fig.layout.title.text == "<b>Deaths &amp; rates</b>"
    assert annotation_text(fig, "dpa-subtitle") == "Sex: total · Age: total"
    assert annotation_text(fig, "dpa-source") == "Source: EMCDDA."
    assert annotation_text(fig, "dpa-footnote") == "Belgium: no data."
    assert fig.layout.font.size >= 16 and fig.layout.paper_bgcolor == "#ffffff"
    assert fig.layout.meta["frame"]["subtitle"] == "Sex: total · Age: total"


def test_apply_frame_leaves_the_figure_it_was_given_unchanged(rate_map_figure):
    # Charts are cached and shared by every session: an export re-framing one must not change what others see.
    before = rate_map_figure.to_json()
    stamped = figures.apply_frame(rate_map_figure, title="Other", subtitle="s", source_line="S", projector=True)
    assert rate_map_figure.to_json() == before
    assert stamped.layout.title.text == "<b>Other</b>" and stamped.layout.font.size > rate_map_figure.layout.font.size


def test_apply_frame_again_replaces_the_frame_and_projector_is_bigger():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], meta={"role": "series"}))
    fig = figures.apply_frame(fig, title="T", subtitle="one", source_line="S")
    normal = (fig.layout.font.size, fig.data[0].line.width, fig.layout.title.font.size)
    fig = figures.apply_frame(fig, title="T", subtitle="two", source_line="S", projector=True)
    assert [a.name for a in fig.layout.annotations].count("dpa-subtitle") == 1
    assert annotation_text(fig, "dpa-subtitle") == "two"
    projector = (fig.layout.font.size, fig.data[0].line.width, fig.layout.title.font.size)
    assert all(big > small for big, small in zip(projector, normal, strict=True))


def test_reframing_keeps_the_builders_footnote_unless_replaced(connection):
    frame = trend_query(connection, ["NOR", "SWE"], index_base=2012)
    fig = figures.make_trend_figure(frame, indicator_label=RATE_LABEL, unit="x", index_base_year=2012, **FRAME)
    caveat = annotation_text(fig, "dpa-footnote")
    fig = figures.apply_frame(fig, title="T", subtitle="Norway, Sweden · all ages", source_line="S")
    assert annotation_text(fig, "dpa-footnote") == caveat and "Sweden" in caveat
    fig = figures.apply_frame(fig, title="T", subtitle="s", source_line="S", footnote="")
    assert [a for a in fig.layout.annotations if a.name == "dpa-footnote"] == []


def test_builders_frame_their_figures_with_the_texts_given(rate_map, geojson, nordic_trend, programmes):
    words = {"title": "Deaths & rates", "subtitle": "Sex: total", "source_line": "Source: EMCDDA."}
    for fig in (figures.make_map_figure(rate_map, geojson, indicator_label=RATE_LABEL, unit="x", year=2015, **words),
                figures.make_trend_figure(nordic_trend, indicator_label=RATE_LABEL, unit="x", **words),
                figures.make_timeline_figure(programmes, **words)):
        assert fig.layout.title.text == "<b>Deaths &amp; rates</b>"
        assert annotation_text(fig, "dpa-subtitle") == "Sex: total"
        assert annotation_text(fig, "dpa-source") == "Source: EMCDDA."


# ---------------------------------------------------------------------------------------------------------------
# Summaries


def test_summarise_map_names_highest_lowest_and_missing(rate_map):
    text = summaries.summarise_map(rate_map, RATE_LABEL, RATE_UNIT, 2015)
    assert text == (f"Map of {RATE_LABEL} in 2015 for 3 countries; highest: Sweden (100.0 {RATE_UNIT}), lowest: "
                    f"Denmark (43.2 {RATE_UNIT}); no data for 3 countries: Canada, Finland and Switzerland.")


def test_summarise_trend_first_last_and_extremes(nordic_trend):
    text = summaries.summarise_trend(nordic_trend, RATE_LABEL, RATE_UNIT)
    assert text.startswith(f"{RATE_LABEL} ({RATE_UNIT}), 2010–2015, 3 countries.")
    assert "Norway: 73.5 in 2010 to 85.0 in 2015" in text
    assert "Highest: 100.0 (Sweden in 2015)" in text and "Lowest: 0.0 (Denmark in 2013)" in text
    assert "Flagged (Not the EMCDDA rate" in text and text.endswith("Denmark.")


def test_summarise_trend_ends_at_the_last_reported_year(connection):
    text = summaries.summarise_trend(trend_query(connection, ["NOR"], 2012, 2018), RATE_LABEL, RATE_UNIT)
    assert "Norway: 70.9 in 2012 to 85.0 in 2015" in text  # not the last year asked for


def test_summarise_programmes_counts_and_earliest(programmes):
    text = summaries.summarise_programmes(programmes)
    assert text.startswith("8 heroin-assisted treatment programmes in 4 countries, 7 of which treated patients, "
                           "in 4 countries.")
    assert "By group: 2 pilot, 2 regular, 3 ended and 1 planned/never implemented." in text
    assert "By country: Canada 1, Denmark 2, Norway 3, Switzerland 2." in text
    assert "Not known to have treated anyone (vetoed, planned or not verified): Norwegian planned programme" in text
    assert "Earliest start: 1985, Swiss regular treatment (Switzerland)" in text
    assert "Start year not established for 2: " in text and "NO-PLANNED" not in text


# ---------------------------------------------------------------------------------------------------------------
# Rendering offline


@pytest.mark.browser
def test_map_renders_to_png_with_local_topojson(rate_map_figure, tmp_path, monkeypatch):
    monkeypatch.setattr(pio.defaults, "topojson", settings.TOPOJSON_DIR.as_uri() + "/")
    png = rate_map_figure.to_image(format="png", width=1000, height=640)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 40_000
    path = tmp_path / "map.png"
    path.write_bytes(png)
    image_module = pytest.importorskip("PIL.Image")
    with image_module.open(path) as image:
        colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1_000_000)}
    grey = tuple(int(figures.NO_DATA_COLOUR[i: i + 2], 16) for i in (1, 3, 5))
    assert grey in colours, "no-data grey is not drawn"


@pytest.mark.browser
@pytest.mark.parametrize("projector", [False, True])
def test_a_title_of_two_lines_is_not_cut_off_at_the_top(projector):
    """plotly.js raises a multi-line title anchored at its top; the frame makes room so line one stays in view."""
    image_module = pytest.importorskip("PIL.Image")
    long_title = "Drug deaths as published by the national authority, 2017-2023, with a title long enough to wrap"
    tops = {}
    for title in ("Short", long_title):
        fig = figures.apply_frame(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])), title=title, subtitle="s",
                                  source_line="S", projector=projector)
        lines = fig.layout.title.text.count("<br>") + 1
        with image_module.open(io.BytesIO(fig.to_image(format="png", width=900, height=500))) as image:
            grey = image.convert("L")
            tops[lines] = next(y for y in range(grey.height) if any(grey.getpixel((x, y)) < 120 for x in range(400)))
    assert set(tops) == {1, 2} and tops[2] == tops[1] >= 8


def test_an_export_that_knows_its_width_places_the_programme_labels_for_it(connection, programmes, all_countries):
    """Built for a phone's plot, the labels above a trend stack in rows; a slide 1280 px wide places them again
    in the rows its width needs, so the strip does not squeeze the plot (five rows once left it 140 px)."""
    fig = figures.make_trend_figure(trend_query(connection, all_countries, 2010, 2023), indicator_label="a",
                                    unit="x", programmes=programmes, **FRAME)
    wide = figures.resized_figure(fig, 550, width=1280)

    def rows(figure):
        return {a.name: a.yshift for a in figure.layout.annotations if a.name and a.name.startswith("hat-label")}

    assert len(set(rows(fig).values())) > 1  # the phone's layout needs more than one row
    # the labels at 2010 and 2011 (Denmark, Switzerland since 1985, Norway's trial) need their three rows at any
    # width; on the phone the pilot of 2022 needs a row of its own too, on the slide it goes beside them
    assert set(rows(wide)) == set(rows(fig))
    assert len(set(rows(wide).values())) < len(set(rows(fig).values()))
    assert wide.layout.meta["label_strip_px"] < fig.layout.meta["label_strip_px"]
    assert wide.layout.margin.t < fig.layout.margin.t  # the height given back to the plot
    assert [a.text for a in wide.layout.annotations if a.name.startswith("hat-label")] == [
        a.text for a in fig.layout.annotations if a.name and a.name.startswith("hat-label")]
    narrow = figures.resized_figure(fig, 550, width=380)  # a phone-sized export keeps its rows
    assert len(set(rows(narrow).values())) == len(set(rows(fig).values()))


def test_a_screen_figure_sends_what_plotly_would_and_each_ask_gets_its_own_copy(rate_map, geojson):
    # st.plotly_chart calls to_dict at every rerun; the screen figure encodes once (dashboard/figures/screen.py).
    fig = figures.make_map_figure(rate_map, geojson, indicator_label=RATE_LABEL, unit="x", year=2015, **FRAME)
    screen = figures.screen_figure(fig, geometry_url="/app/static/shapes/europe-0123456789abcdef.json")
    plain = go.Figure.to_dict(screen)  # Plotly's own deep copy, encoded anew
    first, second = screen.to_dict(), screen.to_dict()
    assert first == plain  # the same figure (its keys may come in another order: the browser reads it the same)
    assert json.loads(pio.to_json(first, validate=False)) == json.loads(pio.to_json(plain, validate=False))
    assert first == second and first is not second and first["layout"] is not second["layout"]
    first["layout"]["title"] = {"text": "changed by a caller"}
    assert screen.to_dict()["layout"].get("title") == plain["layout"].get("title")
    copied = pickle.loads(pickle.dumps(screen))  # the benchmark floor pickles page contents
    assert copied.to_dict() == plain
