"""The timeline: one bar per heroin-assisted treatment programme."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.formatting import is_missing, join_names, records, year_of
from dashboard.figures.programmes import (
    PHASE_STYLES,
    PHASES,
    phase_label,
    programme_hover,
    programme_phase,
    programme_years_text,
    short_name,
)
from dashboard.figures.theme import (
    SIZES,
    TEXT_COLOUR,
    add_empty_message,
    frame_spec,
    merge_spec,
    new_spec,
    set_meta,
    to_figure,
)
from dashboard.i18n import tr

# "Ongoing" timeline bars run to this year; fixed (not today's date) so the same data gives the same figure.
CURRENT_YEAR = 2026
# The timeline's axis starts here; earlier starts (the 1926 'British system') are drawn clipped and labelled.
TIMELINE_FIRST_YEAR = 1990



def _timeline_labels(programmes: pd.DataFrame) -> list[str]:
    """'Germany<br>German heroin model project' (+ ' ⚠' when sources conflict); unique per row. Two short
    lines, so the labels leave a phone's plot some width."""
    labels: list[str] = []
    for row in records(programmes):
        label = f"{row['country']}<br>{short_name(row.get('programme_name'), 20)}"
        if label in labels:  # two programmes of one short name: their years tell them apart
            label += f" ({programme_years_text(row.get('start_year'), row.get('end_year'))})"
        if not is_missing(row.get("conflict_flag")) and str(row["conflict_flag"]).strip():
            label += " ⚠"
        labels.append(label)
    return labels


def _key_colour(trace: dict) -> str:
    return str(trace["marker"].get("color") if trace.get("type") == "bar" or trace["marker"].get("color") != "#ffffff"
               else TEXT_COLOUR)


def _key_symbol(trace: dict) -> str:
    if trace.get("type") == "bar":
        return "■"
    return {"triangle-right": "▶", "diamond": "◆"}.get(trace["marker"].get("symbol"), "●") if trace["marker"].get(
        "color") != "#ffffff" else "◇"


def make_timeline_figure(programmes_df: pd.DataFrame, *, projector: bool = False, current_year: int = CURRENT_YEAR,
                         first_year: int = TIMELINE_FIRST_YEAR, title: str, subtitle: str,
                         source_line: str) -> go.Figure:
    """Gantt-like timeline of HAT programmes (queries/programmes.sql): one row per programme, coloured by group.

    A bar runs from start to end year; an ongoing programme runs to current_year and ends in an arrow. With no
    start year, a diamond marks the one year known (end year, else the year of the status) and the hover says
    'start year not established'. Rows whose sources conflict end in '⚠' and give the conflict in the hover.
    fig.layout.meta: bars (programme_ids drawn as bars), ongoing, start_unknown_markers, not_drawn (no year at all),
    clipped (started before first_year), frame.
    """
    size = SIZES[projector]
    frame = programmes_df.copy()
    frame["_start"] = pd.array([year_of(v) for v in frame["start_year"]], dtype="Int64")
    frame = frame.sort_values(["country", "_start", "programme_id"], na_position="last", kind="stable")
    frame = frame.reset_index(drop=True)
    frame["_label"] = _timeline_labels(frame)
    frame["_phase"] = [programme_phase(row) for row in records(frame)]

    bars: dict[str, list[dict[str, Any]]] = {phase: [] for phase in PHASES}
    ongoing: list[dict[str, Any]] = []
    markers: list[dict[str, Any]] = []
    not_drawn: list[str] = []
    clipped: list[dict[str, Any]] = []
    for row in records(frame):
        start, end = year_of(row["_start"]), year_of(row.get("end_year"))
        phase = row["_phase"]
        hover = programme_hover(row, phase)
        if start is not None and (end is not None or phase not in ("ended", "planned/never implemented")):
            is_ongoing = end is None
            stop = current_year if is_ongoing else end
            bars[phase].append({**row, "_x0": start, "_width": max(stop - start, 0.4),
                                "_hover": hover + ("<br>" + tr("Ongoing: bar drawn to {year}", year=current_year)
                                                   if is_ongoing else "")})
            if is_ongoing:
                ongoing.append(row)
            if start < first_year:
                clipped.append({**row, "_start": start})
            continue
        known = start if start is not None else end if end is not None else year_of(row.get("status_as_of"))
        if known is None:
            not_drawn.append(row["programme_id"])
            continue
        why = (tr("start year not established; marker at {year}", year=known) if start is None
               else tr("end year not established; marker at {year}", year=known))
        markers.append({**row, "_x": known, "_hover": f"{hover}<br><i>{why}</i>"})

    spec = new_spec()
    traces = spec["data"]
    for phase in PHASES:
        phase_markers = [m for m in markers if m["_phase"] == phase]
        style = PHASE_STYLES[phase]
        if bars[phase]:
            traces.append({
                "type": "bar", "orientation": "h", "y": [b["_label"] for b in bars[phase]],
                "x": [b["_width"] for b in bars[phase]], "base": [b["_x0"] for b in bars[phase]],
                "name": phase_label(phase), "legendgroup": phase, "width": 0.6,
                "marker": {"color": style["colour"], "line": {"color": TEXT_COLOUR, "width": 1}},
                "customdata": [b["programme_id"] for b in bars[phase]],
                "meta": {"role": "timeline-bar", "phase": phase},
                "hovertext": [b["_hover"] for b in bars[phase]], "hovertemplate": "%{hovertext}<extra></extra>"})
        if phase_markers:  # a group with markers only gets its legend entry here
            traces.append({
                "type": "scatter", "x": [m["_x"] for m in phase_markers], "y": [m["_label"] for m in phase_markers],
                "mode": "markers", "name": phase_label(phase), "legendgroup": phase,
                "showlegend": not bars[phase],
                "meta": {"role": "timeline-marker", "phase": phase},
                "marker": {"symbol": "diamond", "color": style["colour"], "line": {"color": TEXT_COLOUR}},
                "customdata": [m["programme_id"] for m in phase_markers],
                "hovertext": [m["_hover"] for m in phase_markers], "hovertemplate": "%{hovertext}<extra></extra>"})
    if ongoing:
        traces.append({
            "type": "scatter", "x": [current_year] * len(ongoing), "y": [r["_label"] for r in ongoing],
            "mode": "markers", "name": tr("Ongoing (to {year})", year=current_year),
            "meta": {"role": "timeline-marker"},
            "marker": {"symbol": "triangle-right", "color": TEXT_COLOUR, "line": {"color": "#ffffff"}},
            "customdata": [r["programme_id"] for r in ongoing], "hoverinfo": "skip"})
    if markers:  # legend entry only: the diamonds themselves are drawn in their group's colour above
        traces.append({
            "type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": tr("Start year unknown"),
            "hoverinfo": "skip", "meta": {"role": "timeline-marker"},
            "marker": {"symbol": "diamond", "color": "#ffffff", "line": {"color": TEXT_COLOUR}}})
    spec["layout"]["annotations"] = [
        {"name": f"hat-label-clipped-{row['programme_id']}",
         "text": "<b>" + tr("◀ from {year}", year=row["_start"]) + "</b>",
         "x": first_year - 0.5, "xref": "x", "xanchor": "left", "y": row["_label"], "yref": "y", "showarrow": False,
         # black: 5.4:1 on the ended orange (white was 3.9:1)
         "xshift": 4, "font": {"size": size["label"], "color": "#000000"}} for row in clipped]

    order = list(frame["_label"])
    if frame.empty:
        add_empty_message(spec, tr("No heroin-assisted treatment programmes recorded for the selected countries."),
                          size)
    footnotes = []
    if not_drawn:
        footnotes.append(tr("No year established, not drawn: {programmes}.", programmes=join_names(not_drawn)))
    if clipped:
        footnotes.append(tr("Axis starts in {year}; earlier starts are marked '◀ from <year>'.", year=first_year))
    if any(label.endswith("⚠") for label in order):
        footnotes.append(tr("⚠ sources disagree about this programme (details in the hover)."))
    longest = max((len(line) for label in order for line in label.split("<br>")), default=10)
    label_px = longest * size["base"] * 0.56 + 16
    merge_spec(spec["layout"], {
        # plotly.js picks the tick step for the width (every 10 years on a laptop, fewer on a phone)
        "xaxis": {"range": [first_year - 0.5, current_year + 1], "tickformat": "d", "nticks": 4, "tickangle": 0,
                  "showgrid": True},
        "yaxis": {"categoryorder": "array", "categoryarray": order, "autorange": "reversed", "showgrid": False,
                  "ticks": "", "automargin": True},
        "margin": {"l": math.ceil(label_px), "r": 20},
        "barmode": "overlay", "hovermode": "closest", "bargap": 0.35,
        # In a strip above the bars (reserved via label_strip_px), two entries a row whatever the width, so the
        # years keep the full width and a phone's legend still fits the strip.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom",
                   "title": {"text": ""}},
    })
    set_meta(spec, label_strip_px=size["base"] * 4.2,
             # The app sets the key as page text above the chart (it wraps on a phone; a legend beside the
             # programme names had no room there); exports keep the legend in the figure.
             screen_key=[{"label": trace["name"], "colour": _key_colour(trace), "symbol": _key_symbol(trace)}
                         for trace in traces if trace.get("showlegend", True)])
    frame_spec(spec, title=title, subtitle=subtitle, source_line=source_line, footnote="\n".join(footnotes),
                projector=projector)
    margin = spec["layout"]["margin"]
    spec["layout"]["height"] = int(margin["t"] + margin["b"] + 40 + size["row"] * 1.4 * max(len(frame), 3))
    set_meta(spec, row_labels=len(order), row_label_px=size["base"],
             bars=[b["programme_id"] for phase in PHASES for b in bars[phase]],
              ongoing=[r["programme_id"] for r in ongoing], start_unknown_markers=[m["programme_id"] for m in markers],
              not_drawn=not_drawn, clipped=[r["programme_id"] for r in clipped])
    return to_figure(spec)
