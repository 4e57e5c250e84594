"""Figure builders and text summaries on the real queries over the shipped extracts: what a user sees."""

from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import build, db, figures, settings, summaries

RATE = "drd_deaths_per_million_15_64"
RATE_LABEL = "Drug-induced deaths per million aged 15-64"
COUNT = "drd_deaths"


# ---------------------------------------------------------------------------------------------------------------
# Inputs: the real queries on data/extracts


# The frame texts the chart registry passes in (dashboard/charts.py); the builders have no defaults.
FRAME = {"title": "T", "subtitle": "s", "source_line": "Source: S."}


@pytest.fixture(scope="session")
def geojson() -> dict:
    return json.loads((settings.DATA_DIR / "europe.geojson").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def all_countries(connection) -> list[str]:
    return list(db.run_query(connection, "country_catalog")["iso3"])


@pytest.fixture(scope="session")
def programmes(connection, all_countries) -> pd.DataFrame:
    return db.run_query(connection, "programmes", countries=all_countries)


def map_query(connection, countries, indicator=RATE, year=2016) -> pd.DataFrame:
    return db.run_query(connection, "indicator_map", indicator=indicator, countries=countries, year=year,
                        sex="total", age_group="total")


def trend_query(connection, countries, year_from=1995, year_to=2017, indicator=RATE, index_base=None,
                log_scale=False) -> pd.DataFrame:
    return db.run_query(connection, "indicator_trend", indicator=indicator, countries=countries,
                        year_from=year_from, year_to=year_to, sex="total", age_group="total", index_base=index_base,
                        log_scale=log_scale)


@pytest.fixture(scope="session")
def rate_map(connection, all_countries) -> pd.DataFrame:
    return map_query(connection, all_countries)


@pytest.fixture(scope="session")
def rate_map_figure(rate_map, geojson, programmes) -> go.Figure:
    return figures.make_map_figure(rate_map, geojson, indicator_label=RATE_LABEL, unit=rate_map["unit"].iloc[0],
                                   year=2016, programmes=programmes, **FRAME)


def trace_named(fig: go.Figure, name: str):
    matches = [trace for trace in fig.data if trace.name == name]
    assert len(matches) == 1, f"expected one trace named {name!r}, found {[t.name for t in fig.data]}"
    return matches[0]


def series(fig: go.Figure) -> dict[str, go.Scatter]:
    return {trace.name: trace for trace in fig.data
            if isinstance(trace.meta, dict) and trace.meta.get("role") == "series"}


def hover_for(trace, location: str) -> str:
    return trace.hovertext[list(trace.locations).index(location)]


def shapes_named(fig: go.Figure, prefix: str) -> list:
    return [shape for shape in fig.layout.shapes if shape.name and shape.name.startswith(prefix)]


def annotation_text(fig: go.Figure, name: str) -> str:
    found = [a.text for a in fig.layout.annotations if a.name == name]
    assert len(found) == 1, f"expected one annotation {name!r}, found {len(found)}"
    return found[0]


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
    fig = figures.make_map_figure(frame, geojson, indicator_label=indicator, unit=frame["unit"].iloc[0], year=2016,
                                  **FRAME)
    data = trace_named(fig, indicator)
    on_map = {f["id"] for f in geojson["features"]}
    expected = {r.iso3: r.value for r in frame.itertuples() if not pd.isna(r.value) and r.iso3 in on_map}
    assert dict(zip(data.locations, data.z, strict=True)) == pytest.approx(expected)
    no_data = trace_named(fig, "No data reported")
    assert "BEL" in no_data.locations and "BEL" not in data.locations  # Belgium reported nothing for 2016
    assert set(no_data.locations) == {r.iso3 for r in frame.itertuples() if pd.isna(r.value) and r.iso3 in on_map}
    assert no_data.showlegend is True
    assert fig.layout.meta["no_data"] == list(frame.loc[frame["value"].isna() & frame["iso3"].isin(on_map), "iso3"])


def test_no_data_grey_is_not_a_colour_of_the_scale(rate_map_figure):
    data = trace_named(rate_map_figure, RATE_LABEL)
    no_data = trace_named(rate_map_figure, "No data reported")
    assert {colour for _, colour in no_data.colorscale} == {figures.NO_DATA_COLOUR}
    lowest = data.colorscale[-1][1] if data.reversescale else data.colorscale[0][1]
    red, green, blue = (int(lowest.lstrip("#")[i: i + 2], 16) for i in (0, 2, 4))
    assert max(red, green, blue) - min(red, green, blue) > 100, f"lowest colour {lowest} looks grey"
    assert data.colorbar.title.text.replace("<br>", " ") == "deaths per million aged 15-64"


def test_map_hover_gives_value_rank_change_and_source(rate_map_figure):
    data = trace_named(rate_map_figure, RATE_LABEL)
    norway = hover_for(data, "NOR")
    assert "Norway" in norway and "2016: 74.9" in norway and "Rank 3 of 26 shown" in norway
    assert "from 258 deaths aged 15-64 and 3,446,066 people aged 15-64" in norway
    assert "-6.5 (-7.9%) vs 2015" in norway
    assert "Population is a UN WPP 2017 projection" in norway
    assert "Source: Computed by Drug Policy Atlas" in norway
    assert hover_for(trace_named(rate_map_figure, "No data reported"), "BEL").endswith("No data reported for 2016")


def test_map_hover_counts_use_thousands_separators(connection, all_countries, geojson):
    frame = map_query(connection, all_countries, indicator=COUNT)
    fig = figures.make_map_figure(frame, geojson, indicator_label="Deaths", unit="deaths", year=2016, **FRAME)
    assert "3,256 deaths" in hover_for(trace_named(fig, "Deaths"), "GBR")


def test_map_hover_without_previous_year(connection, geojson):
    frame = map_query(connection, ["NOR", "SWE"], year=1996)  # Norway's series starts in 1996
    fig = figures.make_map_figure(frame, geojson, indicator_label=RATE_LABEL, unit=frame["unit"].iloc[0], year=1996,
                                  **FRAME)
    assert "no value for 1995" in hover_for(trace_named(fig, RATE_LABEL), "NOR")


def test_map_draws_unselected_neighbours_as_clickable_context(connection, geojson):
    frame = map_query(connection, ["NOR", "SWE", "DNK", "FIN", "ISL"])
    fig = figures.make_map_figure(frame, geojson, indicator_label=RATE_LABEL, unit=frame["unit"].iloc[0], year=2016,
                                  **FRAME)
    context = trace_named(fig, "Not selected")
    assert {"DEU", "RUS", "GBR"} <= set(context.locations)
    assert not {"NOR", "SWE", "DNK", "FIN", "ISL"} & set(context.locations)
    assert context.showscale is False
    germany = list(context.locations).index("DEU")
    assert "Germany" in context.hovertext[germany] and "click to add" in context.hovertext[germany]
    assert set(context.locations) | set(frame["iso3"]) == {f["id"] for f in geojson["features"]}
    assert list(trace_named(fig, "No data reported").locations) == ["ISL"]


def test_map_geometry_is_shared_between_figures_and_never_changed(rate_map, geojson, programmes):
    before = json.dumps(geojson, sort_keys=True)
    first = figures.make_map_figure(rate_map, geojson, indicator_label=RATE_LABEL, unit="x", year=2016, **FRAME)
    framed = figures.apply_frame(first, title="T", subtitle="s", source_line="S", projector=True)
    shapes = [trace.geojson for trace in framed.data if trace.type == "choropleth"]
    assert shapes and all(isinstance(shape, figures.SharedGeometry) for shape in shapes)
    # Copies of the figure (Plotly's, Streamlit's, an export's) point at the same features, not new ones.
    feature = shapes[0]["features"][0]
    assert any(feature is original for original in geojson["features"])
    assert json.dumps(geojson, sort_keys=True) == before


def test_every_choropleth_point_carries_its_iso3(rate_map_figure):
    choropleths = [t for t in rate_map_figure.data if t.type == "choropleth"]
    assert len(choropleths) == 3
    for trace in choropleths:
        assert list(trace.customdata) == list(trace.locations)
        assert trace.featureidkey == "id"


def test_map_frame_is_fixed_on_europe(rate_map_figure):
    geo = rate_map_figure.layout.geo
    assert geo.visible is False
    assert tuple(geo.lonaxis.range) == figures.MAP_LON_RANGE and tuple(geo.lataxis.range) == figures.MAP_LAT_RANGE


def test_programme_markers_placed_apart_and_outside_ones_counted(rate_map_figure, programmes, geojson):
    markers = [t for t in rate_map_figure.data if isinstance(t.meta, dict) and t.meta.get("role") == "programme"]
    drawn = [pid for trace in markers for pid in trace.customdata]
    outside = figures.programmes_outside_map(programmes, geojson)
    assert set(outside["programme_id"]) == {"CA-NAOMI", "CA-SALOME", "CA-CROSSTOWN", "CA-NATIONAL", "AU-ACT-TRIAL"}
    assert sorted(drawn) == sorted(set(programmes["programme_id"]) - set(outside["programme_id"]))
    assert rate_map_figure.layout.meta["programmes_outside_map_count"] == 5
    assert "5 HAT programmes outside the map area" in annotation_text(rate_map_figure, "dpa-footnote")
    positions = [(lat, lon) for trace in markers for lat, lon in zip(trace.lat, trace.lon, strict=True)]
    assert len(set(positions)) == len(positions), "two programmes drawn on the same spot"


def test_programme_marker_hover(rate_map_figure, programmes):
    markers = [t for t in rate_map_figure.data if isinstance(t.meta, dict) and t.meta.get("role") == "programme"]
    hovers = {pid: text for trace in markers for pid, text in zip(trace.customdata, trace.hovertext, strict=True)}
    assert "Years: since 2009" in hovers["DE-REGULAR"] and "788" in hovers["DE-REGULAR"]
    assert "Years: 2002–2007" in hovers["DE-MODELLPROJEKT"]
    assert "Years: since 2009" in hovers["NL-REGULAR"]
    first_source = programmes.set_index("programme_id").loc["NL-REGULAR", "source_titles"].split(" ; ")[0]
    assert f"Source: {first_source[:40]}" in hovers["NL-REGULAR"].replace("<br>", " ")
    assert "Sources disagree" in hovers["NO-HAB-PILOT"] and "Sources disagree" not in hovers["DE-REGULAR"]


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
def trend_bel_deu_nor(connection) -> pd.DataFrame:
    return trend_query(connection, ["NOR", "DEU", "BEL"])


def test_trend_one_line_per_country_with_gaps_not_interpolated(trend_bel_deu_nor):
    fig = figures.make_trend_figure(trend_bel_deu_nor, indicator_label=RATE_LABEL, unit="deaths per million aged 15-64",
                                    **FRAME)
    lines = series(fig)
    assert sorted(lines) == ["Belgium", "Germany", "Norway"]
    belgium = dict(zip(lines["Belgium"].x, lines["Belgium"].y, strict=True))
    assert list(belgium) == list(range(1995, 2018))
    assert all(belgium[year] is None or math.isnan(belgium[year]) for year in (2015, 2016, 2017))
    assert all(trace.connectgaps is False and trace.mode == "lines+markers" for trace in lines.values())
    expected = trend_bel_deu_nor[trend_bel_deu_nor["iso3"] == "DEU"].set_index("year")["value"]
    assert dict(zip(lines["Germany"].x, lines["Germany"].y, strict=True)) == pytest.approx(expected.to_dict())


def test_trend_hover_has_country_year_value_and_source(trend_bel_deu_nor):
    fig = figures.make_trend_figure(trend_bel_deu_nor, indicator_label=RATE_LABEL, unit="deaths per million aged 15-64",
                                    **FRAME)
    norway = series(fig)["Norway"]
    text = norway.hovertext[list(norway.x).index(2016)]
    assert "Norway" in text and "2016: 74.9 deaths per million aged 15-64" in text and "Source:" in text


def test_trend_index_mode_sets_base_year_to_100(connection):
    frame = trend_query(connection, ["NOR", "DEU", "BEL"], index_base=2005)
    fig = figures.make_trend_figure(frame, indicator_label=RATE_LABEL, unit="x", index_base_year=2005, **FRAME)
    for trace in series(fig).values():
        assert trace.y[list(trace.x).index(2005)] == pytest.approx(100)
    assert fig.layout.yaxis.title.text == "Index (2005 = 100)"


def test_trend_index_drops_countries_without_a_base_value(connection):
    frame = trend_query(connection, ["NOR", "DEU", "BEL"], index_base=1995)
    fig = figures.make_trend_figure(frame, indicator_label=RATE_LABEL, unit="x", index_base_year=1995, **FRAME)
    assert sorted(series(fig)) == ["Belgium", "Germany"]  # Norway's series starts in 1996
    assert fig.layout.meta["dropped_no_base"] == ["NOR"]
    assert "No 1995 value to index on, not shown: Norway" in annotation_text(fig, "dpa-footnote")


def test_trend_log_scale_drops_zero_and_says_so(connection):
    frame = trend_query(connection, ["ROU"], 1999, 2003, indicator=COUNT, log_scale=True)  # 0 deaths in 2000
    fig = figures.make_trend_figure(frame, indicator_label="Deaths", unit="deaths", log_y=True, **FRAME)
    assert fig.layout.yaxis.type == "log"
    shown = frame.loc[frame["value"] > 0, "value"]
    ticks = list(fig.layout.yaxis.tickvals)  # 1-2-5 ticks spanning the values shown
    assert ticks[0] <= shown.min() and ticks[-1] >= shown.max()
    assert all(str(int(t))[0] in "125" for t in ticks if t >= 1)
    romania = series(fig)["Romania"]
    assert romania.y[list(romania.x).index(2000)] is None
    assert fig.layout.meta["dropped_non_positive"] == ["Romania 2000"]
    assert "Log scale" in annotation_text(fig, "dpa-footnote")


def test_trend_colours_depend_only_on_the_set_of_countries(connection):
    one = figures.make_trend_figure(trend_query(connection, ["NOR", "DEU", "BEL"]), indicator_label="a", unit="x",
                                    **FRAME)
    two = figures.make_trend_figure(trend_query(connection, ["BEL", "NOR", "DEU"]), indicator_label="a", unit="x",
                                    **FRAME)
    colours = {name: trace.line.color for name, trace in series(one).items()}
    assert colours == {name: trace.line.color for name, trace in series(two).items()}
    assert len(set(colours.values())) == 3
    assert colours["Belgium"] == figures.OKABE_ITO[0]  # BEL sorts first among BEL, DEU, NOR


def test_trend_programme_band_and_line_for_germany(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["DEU"]), indicator_label=RATE_LABEL, unit="x",
                                    programmes=programmes, **FRAME)
    band = shapes_named(fig, "hat-band-DE-MODELLPROJEKT")
    assert len(band) == 1 and (band[0].x0, band[0].x1) == (2001.5, 2007.5)
    line = shapes_named(fig, "hat-line-DE-REGULAR")
    assert len(line) == 1 and line[0].x0 == line[0].x1 == 2009 and line[0].line.dash == "dot"
    assert annotation_text(fig, "hat-label-DE-REGULAR") == "HAT regular: Germany 2009"
    assert annotation_text(fig, "hat-label-DE-MODELLPROJEKT") == "HAT trial: Germany 2002–2007"
    colour = series(fig)["Germany"].line.color
    red, green, blue = (int(colour.lstrip("#")[i: i + 2], 16) for i in (0, 2, 4))
    assert line[0].line.color == colour and band[0].fillcolor.startswith(f"rgba({red},{green},{blue},0.")
    assert shapes_named(fig, "hat-band-CH") == []  # only programmes of the countries shown


def test_trend_programmes_outside_the_years_are_listed_not_drawn(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["NOR", "DEU"], 1995, 2000), indicator_label="a",
                                    unit="x", programmes=programmes, **FRAME)
    assert shapes_named(fig, "hat-") == []
    assert sorted(fig.layout.meta["programmes_outside_years"]) == ["DE-MODELLPROJEKT", "DE-REGULAR", "NO-HAB-PILOT"]
    assert "Norway: Heroinassistert behandling" in annotation_text(fig, "dpa-footnote")
    assert "(since 2022)" in annotation_text(fig, "dpa-footnote")


def test_trend_regular_treatment_begun_before_the_range_is_marked_at_its_start(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["CHE"], 2005, 2017), indicator_label="a", unit="x",
                                    programmes=programmes, **FRAME)
    line = shapes_named(fig, "hat-line-CH-HEGEBE")
    assert len(line) == 1 and line[0].x0 == 2005
    assert annotation_text(fig, "hat-label-CH-HEGEBE") == "HAT regular: Switzerland since 1999"


def test_trend_does_not_draw_the_british_system_as_hat(connection, programmes):
    """Take-home prescribing since 1926 is not supervised heroin-assisted treatment (data review 2026-12)."""
    fig = figures.make_trend_figure(trend_query(connection, ["GBR"], 1995, 2017), indicator_label="a", unit="x",
                                    programmes=programmes, **FRAME)
    assert shapes_named(fig, "hat-line-UK-BRITISH-SYSTEM") == []
    assert "UK-BRITISH-SYSTEM" in fig.layout.meta["programmes_not_drawn"]
    assert len(shapes_named(fig, "hat-band-UK-RIOTT")) == 1


def test_trend_ongoing_pilot_runs_to_the_last_year(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["NOR"], 2015, 2023), indicator_label="a", unit="x",
                                    programmes=programmes, **FRAME)
    band = shapes_named(fig, "hat-band-NO-HAB-PILOT")
    assert len(band) == 1 and (band[0].x0, band[0].x1) == (2021.5, 2023.5)
    assert annotation_text(fig, "hat-label-NO-HAB-PILOT") == "HAT pilot: Norway since 2022"


def test_trend_programme_without_start_year_in_footnote(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["ESP"]), indicator_label="a", unit="x",
                                    programmes=programmes, **FRAME)
    assert fig.layout.meta["programmes_unknown_start"] == ["ES-CATALONIA"]
    assert "start year not established, not drawn: Spain: " in annotation_text(fig, "dpa-footnote")
    assert len(shapes_named(fig, "hat-band-ES-PEPSA")) == 1


def test_trend_dutch_regular_treatment_starts_in_2009(connection, programmes):
    fig = figures.make_trend_figure(trend_query(connection, ["NLD"]), indicator_label="a", unit="x",
                                    programmes=programmes, **FRAME)
    line = shapes_named(fig, "hat-line-NL-REGULAR")
    assert len(line) == 1 and line[0].x0 == 2009
    assert len(shapes_named(fig, "hat-band-NL-CCBH-TRIAL")) == 1


def test_trend_programme_labels_sit_above_the_plot_in_rows(connection, programmes, all_countries):
    fig = figures.make_trend_figure(trend_query(connection, all_countries), indicator_label="a", unit="x",
                                    programmes=programmes, **FRAME)
    labels = [a for a in fig.layout.annotations if a.name and a.name.startswith("hat-label")]
    assert len(labels) == len(fig.layout.meta["programmes_drawn"]) > 5
    assert all(label.yref == "paper" and label.y == 1 and label.yanchor == "bottom" for label in labels)
    rows = {label.yshift for label in labels}
    assert len(rows) > 1  # crowded: labels spread over several rows
    assert len({(label.yshift, label.x) for label in labels}) == len(labels)
    assert fig.layout.margin.t > fig.layout.meta["label_strip_px"] >= max(rows)


def test_projector_map_has_bigger_type_and_markers(rate_map, geojson, programmes, rate_map_figure):
    big = figures.make_map_figure(rate_map, geojson, indicator_label=RATE_LABEL, unit="x", year=2016,
                                  programmes=programmes, projector=True, **FRAME)
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
    with_start = programmes[programmes["start_year"].notna()]
    assert sorted(drawn) == sorted(with_start["programme_id"])
    for row in with_start.to_dict("records"):
        end = figures.CURRENT_YEAR if pd.isna(row["end_year"]) else row["end_year"]
        assert drawn[row["programme_id"]] == pytest.approx((row["start_year"], max(end, row["start_year"] + 0.4)))
    ongoing = trace_named(fig, f"Ongoing (drawn to {figures.CURRENT_YEAR})")
    assert set(ongoing.customdata) == set(fig.layout.meta["ongoing"]) and "DE-REGULAR" in ongoing.customdata


def test_timeline_marks_unknown_starts_and_conflicts(programmes):
    fig = figures.make_timeline_figure(programmes, **FRAME)
    markers = [t for t in fig.data if t.type == "scatter" and t.customdata and t.name != trace_named(
        fig, f"Ongoing (drawn to {figures.CURRENT_YEAR})").name]
    hovers = {pid: text for t in markers for pid, text in zip(t.customdata, t.hovertext, strict=True)}
    assert sorted(hovers) == ["AU-ACT-TRIAL", "ES-CATALONIA"]
    assert all("start year not established" in text for text in hovers.values())
    positions = {pid: x for t in markers for pid, x in zip(t.customdata, t.x, strict=True)}
    assert positions == {"AU-ACT-TRIAL": 1997, "ES-CATALONIA": 2019}  # its end year; its status as of
    labels = {pid: label for t in fig.data if t.type == "bar" for pid, label in zip(t.customdata, t.y, strict=True)}
    conflicted = set(programmes.loc[programmes["conflict_flag"].fillna("").str.strip() != "", "programme_id"])
    assert {pid for pid, label in labels.items() if label.endswith("⚠")} == conflicted & set(labels)
    bar_hovers = {pid: h for t in fig.data if t.type == "bar" for pid, h in zip(t.customdata, t.hovertext, strict=True)}
    assert "Sources disagree" in bar_hovers["CH-PROVE"] and "1,035 entrants" in bar_hovers["CH-PROVE"]


def test_timeline_early_start_is_clipped_and_labelled(programmes):
    fig = figures.make_timeline_figure(programmes, **FRAME)
    assert fig.layout.meta["clipped"] == ["UK-BRITISH-SYSTEM"]
    assert "◀ from 1926" in annotation_text(fig, "hat-label-clipped-UK-BRITISH-SYSTEM")
    assert fig.layout.xaxis.range[0] < figures.TIMELINE_FIRST_YEAR


# ---------------------------------------------------------------------------------------------------------------
# Validity: the builders skip Plotly's validation for speed, so it is done here


def _validated_equal(fig: go.Figure) -> None:
    """Plotly's own validation accepts every property and changes nothing (a typo'd key would raise here)."""
    validated = go.Figure(fig.to_dict())
    assert json.loads(validated.to_json()) == json.loads(fig.to_json())  # key order aside


@pytest.mark.parametrize("projector", [False, True])
def test_every_builder_output_passes_plotly_validation(connection, all_countries, geojson, programmes, projector):
    rate_map = map_query(connection, all_countries)
    _validated_equal(figures.make_map_figure(rate_map, geojson, indicator_label=RATE_LABEL, unit="x", year=2016,
                                             programmes=programmes, projector=projector, **FRAME))
    one = map_query(connection, ["NOR"])
    _validated_equal(figures.make_map_figure(one, geojson, indicator_label=RATE_LABEL, unit="x", year=2016,
                                             projector=projector, **FRAME))
    trend = trend_query(connection, all_countries)
    for log_y, base in ((False, None), (True, None), (False, 2000)):
        trend = trend_query(connection, all_countries, index_base=base, log_scale=log_y)
        _validated_equal(figures.make_trend_figure(trend, indicator_label=RATE_LABEL, unit="x", programmes=programmes,
                                                   log_y=log_y, index_base_year=base, projector=projector, **FRAME))
    _validated_equal(figures.make_trend_figure(trend.iloc[0:0], indicator_label=RATE_LABEL, unit="x",
                                               projector=projector, **FRAME))
    _validated_equal(figures.make_timeline_figure(programmes, projector=projector, **FRAME))
    _validated_equal(figures.make_timeline_figure(programmes.iloc[0:0], projector=projector, **FRAME))


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
    frame = trend_query(connection, ["NOR", "DEU", "BEL"], index_base=1995)
    fig = figures.make_trend_figure(frame, indicator_label=RATE_LABEL, unit="x", index_base_year=1995, **FRAME)
    caveat = annotation_text(fig, "dpa-footnote")
    fig = figures.apply_frame(fig, title="T", subtitle="Norway, Germany, Belgium · all ages", source_line="S")
    assert annotation_text(fig, "dpa-footnote") == caveat and "Norway" in caveat
    fig = figures.apply_frame(fig, title="T", subtitle="s", source_line="S", footnote="")
    assert [a for a in fig.layout.annotations if a.name == "dpa-footnote"] == []


def test_builders_frame_their_figures_with_the_texts_given(rate_map, geojson, trend_bel_deu_nor, programmes):
    words = {"title": "Deaths & rates", "subtitle": "Sex: total", "source_line": "Source: EMCDDA."}
    for fig in (figures.make_map_figure(rate_map, geojson, indicator_label=RATE_LABEL, unit="x", year=2016, **words),
                figures.make_trend_figure(trend_bel_deu_nor, indicator_label=RATE_LABEL, unit="x", **words),
                figures.make_timeline_figure(programmes, **words)):
        assert fig.layout.title.text == "<b>Deaths &amp; rates</b>"
        assert annotation_text(fig, "dpa-subtitle") == "Sex: total"
        assert annotation_text(fig, "dpa-source") == "Source: EMCDDA."


# ---------------------------------------------------------------------------------------------------------------
# Summaries


def test_summarise_map_names_highest_lowest_and_missing(rate_map):
    text = summaries.summarise_map(rate_map, RATE_LABEL, "deaths per million aged 15-64", 2016)
    reported = rate_map.dropna(subset=["value"])
    top, bottom = reported.loc[reported["value"].idxmax()], reported.loc[reported["value"].idxmin()]
    assert text.startswith(f"Map of {RATE_LABEL} in 2016 for {len(reported)} countries")
    assert f"highest: {top['country']} ({top['value']:.1f} " in text
    assert f"lowest: {bottom['country']} ({bottom['value']:.1f} " in text
    missing = rate_map.loc[rate_map["value"].isna(), "country"]
    assert f"no data for {len(missing)} countries" in text and all(name in text for name in missing)


def test_summarise_trend_first_last_and_extremes(trend_bel_deu_nor):
    text = summaries.summarise_trend(trend_bel_deu_nor, RATE_LABEL, "deaths per million aged 15-64")
    reported = trend_bel_deu_nor.dropna(subset=["value"])
    top, bottom = reported.loc[reported["value"].idxmax()], reported.loc[reported["value"].idxmin()]
    assert "1995–2017" in text
    assert f"Highest: {top['value']:.1f} ({top['country']} in {top['year']})" in text
    assert f"Lowest: {bottom['value']:.1f} ({bottom['country']} in {bottom['year']})" in text
    assert "Belgium: 17.2 in 1995 to 8.2 in 2014" in text  # last reported year, not the last year asked for


def test_summarise_programmes_counts_and_earliest(programmes):
    text = summaries.summarise_programmes(programmes)
    assert text.startswith(f"{len(programmes)} heroin-assisted treatment programmes in "
                           f"{programmes['country'].nunique()} countries")
    phases = pd.Series([figures.programme_phase(row) for row in figures.records(programmes)])
    for phase, count in phases.value_counts().items():
        assert f"{count} {phase}" in text
    assert "Earliest start: 1926" in text and "United Kingdom 4" in text
    assert ", 19 of which treated patients, in 10 countries." in text  # not Australia's vetoed trial
    assert "Not known to have treated anyone (vetoed, planned or not verified): " in text
    assert "Start year not established for 2: " in text and "AU-ACT-TRIAL" not in text


# ---------------------------------------------------------------------------------------------------------------
# Rendering offline


@pytest.mark.slow
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
