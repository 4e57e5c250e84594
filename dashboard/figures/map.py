"""The map: a choropleth of one indicator in one year, with HAT programmes as markers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.formatting import (
    esc,
    format_change,
    format_value,
    is_missing,
    join_names,
    records,
    wrap_html,
    wrap_lines,
)
from dashboard.figures.programmes import (
    PHASE_STYLES,
    PHASES,
    geojson_ids,
    offset_positions,
    programme_hover,
    programme_phase,
    programmes_outside_map,
)
from dashboard.figures.theme import (
    BORDER_COLOUR,
    CONTEXT_COLOUR,
    NO_DATA_COLOUR,
    SEQUENTIAL_REVERSED,
    SEQUENTIAL_SCALE,
    TEXT_COLOUR,
    Spec,
    frame_spec,
    merge_spec,
    new_spec,
    set_meta,
    to_figure,
)
from dashboard.figures.value_notes import flag_footnote, value_detail_lines

# The map shows Europe in a fixed frame, so it does not jump when the year or the country selection changes. The
# GeoJSON is clipped to lon -25..45, lat 34..72; the frame is a little larger so Cyprus and Iceland stay whole.
MAP_LON_RANGE = (-25.0, 46.0)
MAP_LAT_RANGE = (33.0, 72.0)
MAP_PROJECTION = "natural earth"



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


def _flat_choropleth(geojson: Mapping[str, Any], ids: list[str], colour: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": "choropleth", "geojson": _subset_geojson(geojson, ids), "featureidkey": "id", "locations": ids,
            "z": [0] * len(ids), "colorscale": [[0, colour], [1, colour]], "zmin": 0, "zmax": 1, "showscale": False,
            "customdata": ids, "marker": {"line": {"color": BORDER_COLOUR, "width": 0.8}}, **kwargs}


def _map_hover(row: Mapping[str, Any], unit: str, year: int) -> str:
    name = f"<b>{esc(row['country'])}</b>"
    if is_missing(row.get("value")):
        return f"{name}<br>No data reported for {year}"
    lines = [name, f"{year}: {format_value(row['value'], unit)} {esc(unit)}", *value_detail_lines(row, unit)]
    if not is_missing(row.get("rank")):
        lines.append(f"Rank {int(row['rank'])} of {int(row['ranked_countries'])} shown")
    if is_missing(row.get("previous_value")):
        lines.append(f"no value for {year - 1}")
    else:
        lines.append(f"{format_change(row.get('change'), row.get('change_pct'), unit)} vs {year - 1}")
    lines.append(f"Source: {wrap_html(row.get('source'), 60)}")
    return "<br>".join(lines)


def make_map_figure(map_df: pd.DataFrame, geojson: Mapping[str, Any], *, indicator_label: str, unit: str,
                    year: int, programmes: pd.DataFrame | None = None, projector: bool = False,
                    title: str, subtitle: str, source_line: str) -> go.Figure:
    """Choropleth of one indicator in one year (queries/indicator_map.sql) with HAT programmes as markers.

    Traces, in order: unselected neighbours (very light; hover invites a click), selected countries with no
    value ('No data reported', grey, in the legend), selected countries with a value (Viridis reversed), then per
    programme group a white halo and the markers. Every choropleth point carries its ISO-3 as customdata.
    fig.layout.meta: no_data (ISO-3 without a value), not_on_map (selected ISO-3 outside the GeoJSON),
    programmes_outside_map (programme_ids not drawn), programmes_outside_map_count, frame.
    """
    feature_ids = geojson_ids(geojson)
    ids_on_map = set(feature_ids)
    map_rows = records(map_df)
    selected = {row["iso3"] for row in map_rows}
    not_on_map = [row for row in map_rows if row["iso3"] not in ids_on_map]
    with_data = [row for row in map_rows if row["iso3"] in ids_on_map and not is_missing(row["value"])]
    no_data = [row for row in map_rows if row["iso3"] in ids_on_map and is_missing(row["value"])]
    context_ids = [fid for fid in feature_ids if fid not in selected]

    spec = new_spec()
    if context_ids:
        # Hoverable so that a click on it reaches the app, which adds the country to the selection.
        names = {str(f.get("id")): (f.get("properties") or {}).get("name", f.get("id"))
                 for f in geojson.get("features", [])}
        spec["data"].append(_flat_choropleth(
            geojson, context_ids, CONTEXT_COLOUR, name="Not selected", showlegend=False,
            hovertext=[f"<b>{esc(names[fid])}</b><br>Not in the selection (click to add)" for fid in context_ids],
            hovertemplate="%{hovertext}<extra></extra>"))
    if no_data:
        spec["data"].append(_flat_choropleth(
            geojson, [row["iso3"] for row in no_data], NO_DATA_COLOUR, name="No data reported", showlegend=True,
            legendrank=1, hovertext=[_map_hover(row, unit, year) for row in no_data],
            hovertemplate="%{hovertext}<extra></extra>"))
    if with_data:
        ids = [row["iso3"] for row in with_data]
        values = [float(row["value"]) for row in with_data]
        low, high = min(values), max(values)
        spec["data"].append({
            "type": "choropleth", "geojson": _subset_geojson(geojson, ids), "featureidkey": "id", "locations": ids,
            "z": values, "customdata": ids, "zmin": low, "zmax": high if high > low else low + 1,
            "colorscale": SEQUENTIAL_SCALE, "reversescale": SEQUENTIAL_REVERSED, "name": indicator_label,
            "showlegend": False, "marker": {"line": {"color": BORDER_COLOUR, "width": 0.8}},
            "hovertext": [_map_hover(row, unit, year) for row in with_data],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "colorbar": {"title": {"text": "<br>".join(esc(line) for line in wrap_lines(unit, 16)), "side": "top"},
                         "tickformat": ",.1f" if high - low < 10 else ",.0f", "thickness": 18, "len": 0.75,
                         "outlinewidth": 0, "x": 1.0, "xanchor": "left",
                         # One value has no range: show just that value rather than invented ticks around it.
                         **({"tickvals": [low], "ticktext": [format_value(low, unit)]} if high == low else {})}})

    outside = pd.DataFrame()
    if programmes is not None and not programmes.empty:
        outside = programmes_outside_map(programmes, geojson)
        placed = programmes.drop(index=outside.index)
        _add_programme_markers(spec, placed)

    footnotes = []
    off_map_with_data = [row for row in not_on_map if not is_missing(row["value"])]
    if off_map_with_data:
        footnotes.append("Outside the map area: " + join_names(
            f"{row['country']} ({format_value(row['value'], unit)})" for row in off_map_with_data))
    flagged = flag_footnote(with_data, open_markers=False)
    if flagged:
        footnotes.append(flagged)
    if not outside.empty:
        footnotes.append(f"{len(outside)} HAT programme{'s' if len(outside) != 1 else ''} outside the map area not "
                         f"shown ({join_names(sorted(set(outside['country'])))}).")
    merge_spec(spec["layout"], {
        "geo": {"visible": False, "showframe": False, "showcoastlines": False, "showcountries": False,
                "showland": False, "showocean": False, "showlakes": False, "showrivers": False,
                "bgcolor": "rgba(0,0,0,0)", "resolution": 110, "projection": {"type": MAP_PROJECTION},
                "lonaxis": {"range": list(MAP_LON_RANGE)}, "lataxis": {"range": list(MAP_LAT_RANGE)}},
        "height": 800 if projector else 720, "margin": {"l": 12, "r": 12},
        "legend": {"x": 0.01, "xanchor": "left", "y": 0.02, "yanchor": "bottom", "bordercolor": "#cccccc",
                   "borderwidth": 1, "title": {"text": ""}},
    })
    frame_spec(spec, title=title, subtitle=subtitle, source_line=source_line, footnote="\n".join(footnotes) or None,
                projector=projector)
    set_meta(spec, no_data=[row["iso3"] for row in no_data], not_on_map=[row["iso3"] for row in not_on_map],
              programmes_outside_map=list(outside["programme_id"]) if not outside.empty else [],
              programmes_outside_map_count=len(outside))
    return to_figure(spec)


def _add_programme_markers(spec: Spec, programmes: pd.DataFrame) -> None:
    """One white halo trace (visible on dark and pale fills) and one marker trace per programme group."""
    if programmes.empty:
        return
    programmes = programmes.reset_index(drop=True)
    positions = offset_positions(programmes)
    programme_rows = records(programmes)
    phases = [programme_phase(row) for row in programme_rows]
    spec["data"].append({
        "type": "scattergeo", "lat": [p[0] for p in positions], "lon": [p[1] for p in positions],
        "mode": "markers", "hoverinfo": "skip", "showlegend": False, "name": "halo",
        "meta": {"role": "programme-halo"},
        "marker": {"color": "#ffffff", "symbol": [PHASE_STYLES[p]["symbol"] for p in phases], "opacity": 0.95}})
    for phase in PHASES:
        rows = [i for i, p in enumerate(phases) if p == phase]
        if not rows:
            continue
        style = PHASE_STYLES[phase]
        spec["data"].append({
            "type": "scattergeo", "lat": [positions[i][0] for i in rows], "lon": [positions[i][1] for i in rows],
            "mode": "markers", "name": f"HAT: {style['label'][:1].lower()}{style['label'][1:]}", "legendgroup": phase,
            "meta": {"role": "programme", "phase": phase},
            "customdata": [programme_rows[i]["programme_id"] for i in rows],
            "hovertext": [programme_hover(programme_rows[i], phase) for i in rows],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "marker": {"color": style["colour"], "symbol": style["symbol"], "line": {"color": TEXT_COLOUR}}})


