"""The map: a choropleth of one indicator in one year, with the HAT programmes of that year as markers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n, vocabulary
from dashboard.figures.formatting import (
    esc,
    format_change,
    format_value,
    is_missing,
    join_names,
    records,
)
from dashboard.figures.programmes import MAP_GROUPS, PHASE_STYLES, geojson_ids, marker_positions, programme_hover
from dashboard.figures.theme import (
    BORDER_COLOUR,
    CONTEXT_COLOUR,
    NO_DATA_COLOUR,
    SEQUENTIAL_REVERSED,
    SEQUENTIAL_SCALE,
    SIZES,
    TEXT_COLOUR,
    Spec,
    frame_animation,
    frame_spec,
    merge_spec,
    new_spec,
    set_meta,
    to_figure,
)
from dashboard.figures.value_notes import flag_footnote, hover_template, source_hover, value_detail_lines
from dashboard.i18n import N_, ntr, tr

# The map shows Europe in a fixed frame, so it does not jump when the year or the country selection changes. The
# GeoJSON is clipped to lon -25..45, lat 34..72; the frame is a little larger so Cyprus and Iceland stay whole.
MAP_LON_RANGE = (-25.0, 46.0)
MAP_LAT_RANGE = (33.0, 72.0)
# Miller: a rectangle, so the map fills the width of a phone (natural earth's curved sides left 17% empty there)
MAP_PROJECTION = "miller"
# The key's entries: short enough for half a phone's width (two entries a row).
MAP_LEGEND_LABELS = {"trial": N_("HAT trial"), "pilot": N_("HAT pilot"), "regular": N_("Regular HAT"),
                     "unsupervised prescribing": N_("Prescribed, not HAT"), "ended": N_("HAT ended by {year}")}
# Selected countries are outlined in a grey of 4.5:1 against the white page, so the pale end of the scale and the
# no-data grey still show their shape (WCAG 1.4.11); unselected neighbours keep white borders.
SELECTED_BORDER = "#767676"
# The animated map: a frame per year, played by the browser (the server is idle while it plays).
FRAME_MS = 700
_ANIMATION_STRIP_PX = {False: 118, True: 150}  # the buttons and the year slider under the map


class SharedGeometry(dict):
    """A GeoJSON FeatureCollection that figures share instead of copying: read-only by contract.

    Plotly deep-copies a figure's dict when it makes the figure, and Streamlit deep-copies it again on every
    display; the map's 15,000 coordinate pairs made those copies most of the cost of a map rerun under load.
    """

    def __deepcopy__(self, memo: dict) -> SharedGeometry:
        return self


def _subset_geojson(geojson: Mapping[str, Any], ids: Iterable[str]) -> SharedGeometry:
    """Only the features a trace draws, so the figure does not carry the whole GeoJSON once per trace."""
    wanted = set(ids)
    return SharedGeometry(type="FeatureCollection",
                          features=[f for f in geojson.get("features", []) if str(f.get("id")) in wanted])


def _flat_choropleth(geojson: Mapping[str, Any], ids: list[str], colour: str, border: str = BORDER_COLOUR,
                     **kwargs: Any) -> dict[str, Any]:
    return {"type": "choropleth", "geojson": _subset_geojson(geojson, ids), "featureidkey": "id", "locations": ids,
            "z": [0] * len(ids), "colorscale": [[0, colour], [1, colour]], "zmin": 0, "zmax": 1, "showscale": False,
            "customdata": ids, "marker": {"line": {"color": border, "width": 0.8}}, **kwargs}


def rate_ranks(rows: list[dict], unit: str) -> dict[str, Any]:
    """iso3 -> ranks.RankedRate for a map of rates whose every value has its deaths and population (else {}:
    a rank range over only some of the countries shown would mislead)."""
    per = 1_000_000 if "per million" in (unit or "") else 100_000 if "per 100,000" in (unit or "") else None
    if per is None or not rows or any(is_missing(r.get("numerator")) or is_missing(r.get("denominator"))
                                      for r in rows):
        return {}
    from dashboard import ranks

    return {r.iso3: r for r in ranks.rank_rates(
        [(row["iso3"], row["value"], row["numerator"], row["denominator"]) for row in rows], per=per)}


def value_hover(row: Mapping[str, Any], unit: str, year: int, ranked: Any = None, with_source: bool = True) -> str:
    """What hovering a country says: its value (with its 95% interval for a rate of counted deaths), the rate's
    deaths and population, flags, rank (and the ranks the intervals allow), change, source (unless the trace's
    template says it for all: value_notes.hover_template)."""
    name = f"<b>{esc(row['country'])}</b>"
    if is_missing(row.get("value")):
        return f"{name}<br>" + tr("No data reported for {year}", year=year)
    value_line = f"{year}: {format_value(row['value'], unit)} {esc(vocabulary.unit(unit))}"
    if ranked is not None:
        value_line += tr(" (95% interval {low}–{high})", low=format_value(ranked.lower, unit),
                         high=format_value(ranked.upper, unit))
    lines = [name, value_line, *value_detail_lines(row, unit)]
    if not is_missing(row.get("rank")):
        could_be = ""
        if ranked is not None:
            could_be = tr(" (certain)") if ranked.distinguishable else tr(" (could be {ranks})",
                                                                           ranks=ranked.rank_range)
        lines.append(tr("Rank {rank} of {count} shown{could_be}", rank=int(row["rank"]),
                        count=int(row["ranked_countries"]), could_be=could_be))
    if is_missing(row.get("previous_value")):
        lines.append(tr("no value for {year}", year=year - 1))
    else:
        lines.append(tr("{change} vs {year}", change=format_change(row.get("change"), row.get("change_pct"), unit),
                        year=year - 1))
    if with_source:
        lines.append(source_hover(row.get("source")))
    return "<br>".join(lines)



def colour_range(rows: list[dict], fixed: bool) -> tuple[float, float]:
    """The colour scale's ends: the range over the selected years and countries (the query's range_min and
    range_max) so colours compare across years, or this year's values alone (per-year contrast)."""
    values = [float(row["value"]) for row in rows]
    low, high = min(values), max(values)
    if fixed and not is_missing(rows[0].get("range_min")) and not is_missing(rows[0].get("range_max")):
        low, high = min(low, float(rows[0]["range_min"])), max(high, float(rows[0]["range_max"]))
    return low, high


def scale_note(rows: list[dict], fixed: bool, year: int) -> str:
    if fixed and rows and not is_missing(rows[0].get("range_from")):
        first, last = int(rows[0]["range_from"]), int(rows[0]["range_to"])
        return tr("scale: {years}", years=i18n.year_range(first, last) if last > first else year)
    return tr("scale: {year} only", year=year)


def make_map_figure(map_df: pd.DataFrame, geojson: Mapping[str, Any], *, indicator_label: str, unit: str,
                    year: int, markers: pd.DataFrame | None = None, fixed_scale: bool = True,
                    projector: bool = False, title: str, subtitle: str, source_line: str,
                    country_names: Mapping[str, str] | None = None) -> go.Figure:
    """Choropleth of one indicator in one year (queries/indicator_map.sql) with HAT programmes as markers
    (queries/programme_markers.sql: the programmes running in that year or ended by then, at their sites).

    Traces, always the same ones in this order so that the years can be frames of one animation: unselected
    neighbours (very light; hover invites a click), selected countries with no value ('No data reported', grey),
    selected countries with a value (Viridis reversed), a white halo under the markers, then one marker trace per
    map group (MAP_GROUPS), empty when the year has none. Every choropleth point carries its ISO-3 as customdata.
    fixed_scale: colours span the whole selected year range (compare across years), else this year only.
    The key sits under the map, so it never covers a country.
    fig.layout.meta: no_data (ISO-3 without a value), not_on_map (selected ISO-3 outside the GeoJSON),
    programmes_outside_map (programme_ids not drawn because their country is off the map),
    programmes_outside_map_count, programmes_not_drawn ({programme_id: reason}), colour_range, year, frame.
    country_names: ISO-3 -> the name the reader reads, for the neighbours not selected (else the shapes' own).
    """
    size = SIZES[projector]
    feature_ids = geojson_ids(geojson)
    ids_on_map = set(feature_ids)
    map_rows = records(map_df)
    selected = {row["iso3"] for row in map_rows}
    not_on_map = [row for row in map_rows if row["iso3"] not in ids_on_map]
    with_data = [row for row in map_rows if row["iso3"] in ids_on_map and not is_missing(row["value"])]
    # Each rate's 95% interval and the ranks the intervals allow, for the hover: over every value ranked (the
    # query ranks the countries off the map too).
    ranked = rate_ranks([row for row in map_rows if not is_missing(row["value"])], unit)
    no_data = [row for row in map_rows if row["iso3"] in ids_on_map and is_missing(row["value"])]
    context_ids = [fid for fid in feature_ids if fid not in selected]

    spec = new_spec()
    # Hoverable so that a click on it reaches the app, which adds the country to the selection.
    names = {str(f.get("id")): (f.get("properties") or {}).get("name", f.get("id"))
             for f in geojson.get("features", [])} | dict(country_names or {})
    spec["data"].append(_flat_choropleth(
        geojson, context_ids, CONTEXT_COLOUR, name=tr("Not selected"), showlegend=False,
        hovertext=[f"<b>{esc(names[fid])}</b><br>" + tr("Not in the selection (click to add)")
                   for fid in context_ids],
        hovertemplate="%{hovertext}<extra></extra>", meta={"role": "context"}))
    spec["data"].append(_flat_choropleth(
        geojson, [row["iso3"] for row in no_data], NO_DATA_COLOUR, border=SELECTED_BORDER, name=tr("No data reported"),
        showlegend=bool(no_data), legendrank=1, hovertext=[value_hover(row, unit, year) for row in no_data],
        hovertemplate="%{hovertext}<extra></extra>", meta={"role": "no-data"}))
    ids = [row["iso3"] for row in with_data]
    values = [float(row["value"]) for row in with_data]
    low, high = colour_range(with_data, fixed_scale) if with_data else (0.0, 1.0)
    template, each_own = hover_template(row.get("source") for row in with_data)
    spec["data"].append({
        "type": "choropleth", "geojson": _subset_geojson(geojson, ids), "featureidkey": "id", "locations": ids,
        "z": values, "customdata": ids, "zmin": low, "zmax": high if high > low else low + 1,
        "colorscale": SEQUENTIAL_SCALE, "reversescale": SEQUENTIAL_REVERSED, "name": indicator_label,
        "showlegend": False, "showscale": bool(with_data), "meta": {"role": "values"},
        "marker": {"line": {"color": SELECTED_BORDER, "width": 0.8}},
        "hovertext": [value_hover(row, unit, year, ranked.get(row["iso3"]), with_source=each_own) for row in with_data],
        "hovertemplate": template,
        # Under the map (the frame places it), so the map keeps the full width of a phone.
        "colorbar": {"title": {"text": f"{esc(vocabulary.unit(unit))}<br>"
                                       f"{esc(scale_note(with_data, fixed_scale, year))}",
                               "font": {"size": size["note"]}},
                     "tickformat": ",.1f" if high - low < 10 else ",.0f", "outlinewidth": 0,
                     # One value has no range: show just that value rather than invented ticks around it.
                     **({"tickvals": [low], "ticktext": [format_value(low, unit)]} if high == low else {})}})

    drawn, outside, not_drawn = _split_markers(markers, ids_on_map)
    _add_programme_markers(spec, drawn, year)

    footnotes = []
    off_map_with_data = [row for row in not_on_map if not is_missing(row["value"])]
    if off_map_with_data:
        footnotes.append(tr("Outside the map area: {countries}", countries=join_names(
            f"{row['country']} ({format_value(row['value'], unit)})" for row in off_map_with_data)))
    flagged = flag_footnote(with_data, open_markers=False)
    if flagged:
        footnotes.append(flagged)
    outside_ids = sorted({row["programme_id"] for row in outside})
    if outside_ids:
        footnotes.append(ntr("{n} HAT programme outside the map area not shown ({countries}).",
                             "{n} HAT programmes outside the map area not shown ({countries}).", len(outside_ids),
                             countries=join_names(sorted({row["country"] for row in outside}))))
    if not_drawn:
        footnotes.append(_not_drawn_note(not_drawn, year))
    merge_spec(spec["layout"], {
        "geo": {"visible": False, "showframe": False, "showcoastlines": False, "showcountries": False,
                "showland": False, "showocean": False, "showlakes": False, "showrivers": False,
                "bgcolor": "rgba(0,0,0,0)", "resolution": 110, "projection": {"type": MAP_PROJECTION},
                "lonaxis": {"range": list(MAP_LON_RANGE)}, "lataxis": {"range": list(MAP_LAT_RANGE)}},
        # autoexpand off: the frame places the colour bar and key under the map; plotly.js growing the margins
        # for them squeezed a short map (an embed) to nothing
        "height": 880 if projector else 800, "margin": {"l": 0, "r": 0, "autoexpand": False},
        # Two entries a row, whatever the width (a phone too): at most three rows for the six entries.
        "legend": {"title": {"text": ""}, "entrywidthmode": "fraction", "entrywidth": 0.5,
                   "font": {"size": size["note"]}},
    })
    # The colour bar and the key go under the map, in rows the frame keeps free.
    set_meta(spec, colorbar_below_px=math.ceil(14 + size["base"] * 1.5 + size["note"] * 1.3 * 2 + 40),
             legend_below_px=math.ceil(size["base"] * 1.6 * 3 + 8))
    frame_spec(spec, title=title, subtitle=subtitle, source_line=source_line, footnote="\n".join(footnotes) or None,
                projector=projector)
    set_meta(spec, no_data=[row["iso3"] for row in no_data], not_on_map=[row["iso3"] for row in not_on_map],
              programmes_outside_map=outside_ids, programmes_outside_map_count=len(outside_ids),
              programmes_not_drawn={row["programme_id"]: row["not_drawn"] for row in not_drawn},
              colour_range=[low, high], year=year)
    return to_figure(spec)


def _split_markers(markers: pd.DataFrame | None, ids_on_map: set[str]) -> tuple[list[dict], list[dict], list[dict]]:
    """The marker rows drawn, those of programmes in the year whose country is off the map, and one row per
    programme the year's map leaves out (not started yet, never implemented, no start year)."""
    if markers is None or markers.empty:
        return [], [], []
    rows = records(markers)
    in_year = [row for row in rows if not is_missing(row.get("map_group"))]
    drawn = [row for row in in_year if row["iso3"] in ids_on_map and not is_missing(row.get("lat"))]
    outside = [row for row in in_year if row["iso3"] not in ids_on_map or is_missing(row.get("lat"))]
    return drawn, outside, [row for row in rows if is_missing(row.get("map_group"))]


def _not_drawn_note(not_drawn: list[dict], year: int) -> str:
    counts: dict[str, int] = {}
    for row in not_drawn:
        counts[row["not_drawn"]] = counts.get(row["not_drawn"], 0) + 1
    words = {"starts later": N_("{count} starting after {year}"), "never implemented": N_("{count} never implemented"),
             "start year not established": N_("{count} with no established start year")}
    parts = [tr(words[reason], count=i18n.number(count), year=year) if reason in words
             else f"{i18n.number(count)} {reason}" for reason, count in sorted(counts.items())]
    return tr("HAT markers: programmes running in {year} or ended by then. Not shown: {parts}.", year=year,
              parts=join_names(parts))


def _add_programme_markers(spec: Spec, rows: list[dict], year: int) -> None:
    """A white halo trace (visible on dark and pale fills) and one marker trace per map group, always all of them
    (empty when the year has none) so that every year's figure has the same traces."""
    positions = marker_positions(rows)
    spec["data"].append({
        "type": "scattergeo", "lat": [p[0] for p in positions], "lon": [p[1] for p in positions],
        "mode": "markers", "hoverinfo": "skip", "showlegend": False, "name": "halo",
        "meta": {"role": "programme-halo"},
        "marker": {"color": "#ffffff", "symbol": [PHASE_STYLES[row["map_group"]]["symbol"] for row in rows],
                   "opacity": 0.95}})
    for group in MAP_GROUPS:
        style = PHASE_STYLES[group]
        members = [i for i, row in enumerate(rows) if row["map_group"] == group]
        spec["data"].append({
            "type": "scattergeo", "lat": [positions[i][0] for i in members],
            "lon": [positions[i][1] for i in members], "mode": "markers",
            "name": tr(MAP_LEGEND_LABELS[group], year=year), "showlegend": bool(members),
            "meta": {"role": "programme", "phase": group},
            "customdata": [rows[i]["programme_id"] for i in members],
            "hovertext": [programme_hover(rows[i], group, site=_site_text(rows[i])) for i in members],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "marker": {"color": style["colour"], "symbol": style["symbol"], "line": {"color": TEXT_COLOUR}}})


def _site_text(row: Mapping[str, Any]) -> str:
    if not is_missing(row.get("site")):
        return tr("Marker: {site}", site=row["site"])
    return tr("Marker: inside {country} (several sites)", country=row["country"])


def _instant(frame_ms: int, redraw: bool = True) -> dict[str, Any]:
    return {"mode": "immediate", "frame": {"duration": frame_ms, "redraw": redraw}, "transition": {"duration": 0}}


def animate_map(by_year: Mapping[int, go.Figure], *, shown_year: int, projector: bool) -> go.Figure:
    """One figure that plays through the years in the browser: the shown year's map with every year as a frame
    (each made by make_map_figure, so a frame is exactly that year's map), a year slider that moves with the
    frames, and Play, Pause and Stop (back to the first year) buttons under the map."""
    years = sorted(by_year)
    size = SIZES[projector]
    specs = {year: by_year[year].to_dict() for year in years}
    base = specs[shown_year]
    texts = {str(year): spec["layout"]["meta"]["frame"] for year, spec in specs.items()}
    # The two choropleths whose countries change from year to year carry the shapes of all of them, so a frame
    # sends values only (plotly.js keeps what a frame leaves out).
    for index, trace in enumerate(base["data"]):
        if trace.get("type") == "choropleth" and (trace.get("meta") or {}).get("role") in ("no-data", "values"):
            shapes = {f["id"]: f for spec in specs.values() for f in spec["data"][index]["geojson"]["features"]}
            trace["geojson"] = SharedGeometry(type="FeatureCollection", features=list(shapes.values()))
    # Frames carry values, not shapes or the colour bar's place (the base figure's frame sets that).
    frame_data = {year: [{key: value for key, value in trace.items() if key not in ("geojson", "colorbar")}
                         for trace in spec["data"]] for year, spec in specs.items()}
    # A trace that is the same in every year (the unselected neighbours) is left out of the frames.
    changing = [index for index in range(len(base["data"]))
                if any(frame_data[year][index] != frame_data[years[0]][index] for year in years)]
    base["frames"] = [{"name": str(year), "traces": changing, "data": [frame_data[year][i] for i in changing]}
                      for year in years]
    base["layout"]["height"] = base["layout"].get("height", 720) + _ANIMATION_STRIP_PX[projector]
    set_meta(base, bottom_strip_px=_ANIMATION_STRIP_PX[projector],
             animation={"years": years, "frame_ms": FRAME_MS, "shown_year": shown_year,
                        "titles": {name: text["title"] for name, text in texts.items()},
                        "footnotes": {name: text["footnote"] or "" for name, text in texts.items()}})
    shown = texts[str(shown_year)]
    frame_spec(base, title=shown["title"], subtitle=shown["subtitle"], source_line=shown["source_line"],
                footnote=shown["footnote"], projector=projector)
    frame_animation(base, base_title=shown["title"], base_footnote=shown["footnote"] or "")
    font = {"size": size["note"], "color": TEXT_COLOUR}
    base["layout"]["updatemenus"] = [{
        "type": "buttons", "direction": "left", "showactive": False, "x": 0, "xanchor": "left", "y": 0,
        "yanchor": "top", "pad": {"t": 10, "l": 0}, "font": font, "bgcolor": "#ffffff", "bordercolor": "#767676",
        "buttons": [
            {"label": "▶ " + tr("Play"), "method": "animate",
             "args": [None, {**_instant(FRAME_MS), "fromcurrent": True}]},
            {"label": "❚❚ " + tr("Pause"), "method": "animate", "args": [[None], _instant(0, redraw=False)]},
            {"label": "■ " + tr("Stop"), "method": "animate", "args": [[str(years[0])], _instant(0)]},
        ]}]
    base["layout"]["sliders"] = [{
        "active": years.index(shown_year), "x": 0, "len": 1, "xanchor": "left", "y": 0, "yanchor": "top",
        "pad": {"t": 64 if projector else 52, "b": 0, "l": 0, "r": 0}, "font": font,
        "currentvalue": {"prefix": tr("Year: "), "xanchor": "left", "font": font},
        "steps": [{"label": str(year), "method": "animate", "args": [[str(year)], _instant(0)]} for year in years]}]
    return to_figure(base)


def still_figure(figure: go.Figure) -> go.Figure:
    """An animated map as a still image shows it: the shown year, without frames, buttons and slider (and the
    room kept for them). Other figures come back unchanged."""
    if not figure.frames and not figure.layout.sliders:
        return figure
    spec = figure.to_dict()
    spec.pop("frames", None)
    layout = spec["layout"]
    layout.pop("sliders", None)
    layout.pop("updatemenus", None)
    meta = layout.get("meta") or {}
    strip = float(meta.get("bottom_strip_px", 0))
    set_meta(spec, bottom_strip_px=0, animation=None)
    layout["margin"]["b"] = 0  # set again by the frame, for the shown year alone
    layout["height"] = layout.get("height", 720) - strip
    frame = meta.get("frame") or {}
    frame_spec(spec, title=frame.get("title", ""), subtitle=frame.get("subtitle", ""),
                source_line=frame.get("source_line", ""), footnote=None, projector=bool(frame.get("projector")))
    return to_figure(spec)
