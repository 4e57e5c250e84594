"""The ranked bars beside the map: the map year's values, highest first, coloured on the map's scale."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard import vocabulary
from dashboard.figures.formatting import esc, format_value, is_missing, join_names, records, wrap_lines
from dashboard.figures.map import colour_range, scale_note, value_hover
from dashboard.figures.theme import (
    SEQUENTIAL_REVERSED,
    SEQUENTIAL_SCALE,
    SIZES,
    add_empty_message,
    frame_spec,
    merge_spec,
    new_spec,
    set_meta,
    to_figure,
)
from dashboard.figures.value_notes import flag_footnote, hover_template
from dashboard.i18n import tr


def make_ranking_figure(map_df: pd.DataFrame, *, indicator_label: str, unit: str, year: int,
                        fixed_scale: bool = True, projector: bool = False, title: str, subtitle: str,
                        source_line: str) -> go.Figure:
    """One horizontal bar per country with a value (queries/indicator_map.sql), highest at the top, each labelled
    with its value and coloured as on the map (the same scale, so the bars are also the map's key). Countries
    without a value are named in the footnote, never drawn as zero. fig.layout.meta: ranked (ISO-3, highest
    first), no_data, colour_range, frame."""
    size = SIZES[projector]
    rows = records(map_df)
    with_data = sorted((row for row in rows if not is_missing(row["value"])),
                       key=lambda row: (-float(row["value"]), row["country"]))
    no_data = [row for row in rows if is_missing(row["value"])]
    spec = new_spec()
    low, high = colour_range(with_data, fixed_scale) if with_data else (0.0, 1.0)
    values = [float(row["value"]) for row in with_data]
    template, each_own = hover_template(row.get("source") for row in with_data)
    spec["data"].append({
        "type": "bar", "orientation": "h", "x": values, "y": [row["country"] for row in with_data],
        "customdata": [row["iso3"] for row in with_data], "name": indicator_label, "showlegend": False,
        "text": [format_value(value, unit) for value in values], "textposition": "outside", "cliponaxis": False,
        "textfont": {"size": size["label"]}, "meta": {"role": "ranking"},
        "marker": {"color": values, "colorscale": SEQUENTIAL_SCALE, "reversescale": SEQUENTIAL_REVERSED,
                   "cmin": low, "cmax": high if high > low else low + 1, "line": {"color": "#333333", "width": 0.5}},
        "hovertext": [value_hover(row, unit, year, with_source=each_own) for row in with_data],
        "hovertemplate": template})
    if not with_data:
        add_empty_message(spec, tr("No country reported a value for {year}.", year=year), size)
    footnotes = []
    if no_data:
        footnotes.append(tr("No data reported for {year}: {countries} (not zero: not drawn).", year=year,
                            countries=join_names([row["country"] for row in no_data], limit=12)))
    flagged = flag_footnote(with_data, open_markers=False)
    if flagged:
        footnotes.append(flagged)
    footnotes.append(tr("Bar colours as on the map ({scale}).", scale=scale_note(with_data, fixed_scale, year)))
    bar_px = 30 if not projector else 40
    longest = max((len(row["country"]) for row in with_data), default=8)
    merge_spec(spec["layout"], {
        "height": max(360, bar_px * len(with_data) + 260),
        "margin": {"l": math.ceil(min(longest, 26) * size["base"] * 0.55) + 24, "r": 70},
        "bargap": 0.25,
        "xaxis": {"title": {"text": "<br>".join(esc(line) for line in wrap_lines(vocabulary.unit(unit), 60))},
                  "rangemode": "tozero", "tickformat": ",.1f" if high - low < 10 else ",.0f"},
        "yaxis": {"autorange": "reversed", "automargin": True, "showgrid": False, "ticks": ""},
    })
    frame_spec(spec, title=title, subtitle=subtitle, source_line=source_line, footnote="\n".join(footnotes),
               projector=projector)
    set_meta(spec, ranked=[row["iso3"] for row in with_data], no_data=[row["iso3"] for row in no_data],
             colour_range=[low, high])
    return to_figure(spec)
