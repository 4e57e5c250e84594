"""Two series of one country on one chart, each on its own axis and in its own unit (a country profile's deaths
beside its methadone clients): the left axis for the first, the right for the second, a gap wherever a year is
not reported."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.figures.formatting import esc, is_missing, records
from dashboard.figures.theme import apply_frame

LEFT_COLOUR, RIGHT_COLOUR = "#0072B2", "#D55E00"  # the palette's first two: apart for every colour vision


def make_two_axis_figure(left, right, *, left_label: str, right_label: str, left_unit: str, right_unit: str,
                         title: str, subtitle: str, source_line: str, footnote: str = "",
                         projector: bool = False) -> go.Figure:
    """left, right: (year, value) tables of queries/indicator_trend.sql for one country; the labels name the lines
    in the key, the units the axes (short enough for a phone's height)."""
    figure = go.Figure()
    for table, label, unit, colour, axis, dash in ((left, left_label, left_unit, LEFT_COLOUR, "y", "solid"),
                                                   (right, right_label, right_unit, RIGHT_COLOUR, "y2", "dash")):
        rows = records(table)
        figure.add_trace(go.Scatter(
            x=[int(row["year"]) for row in rows], y=[None if is_missing(r["value"]) else r["value"] for r in rows],
            name=label, yaxis=axis, mode="lines+markers", connectgaps=False, line={"color": colour, "dash": dash},
            meta={"role": "series"},
            hovertemplate=f"<b>{esc(label)}</b><br>%{{x}}: %{{y:,.1f}} {esc(unit)}<extra></extra>"))
    figure.update_layout(
        yaxis={"title": {"text": left_unit, "font": {"color": LEFT_COLOUR}}, "rangemode": "tozero",
               "tickfont": {"color": LEFT_COLOUR}},
        # Its own ticks (not lined up with the left axis's grid, which gave it ticks such as 93.4)
        yaxis2={"title": {"text": right_unit, "font": {"color": RIGHT_COLOUR, "size": 16}}, "overlaying": "y",
                "side": "right", "rangemode": "tozero", "showgrid": False, "tickmode": "auto", "nticks": 6,
                "tickformat": ",.0f", "tickfont": {"color": RIGHT_COLOUR, "size": 16}, "zeroline": False},
        xaxis={"tickformat": "d"}, height=460, hovermode="x unified", margin={"l": 80, "r": 90},
        legend={"orientation": "h", "entrywidthmode": "fraction", "entrywidth": 1})
    figure.update_layout(meta={"legend_below_px": 2 * 16 * 1.6 + 8})
    return apply_frame(figure, title=title, subtitle=subtitle, source_line=source_line, footnote=footnote,
                       projector=projector)
