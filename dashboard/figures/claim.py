"""A checked claim beside the data: the series the number was checked against, over the years, and the number
itself where the claim puts it, so a slide shows at a glance how far off it is and which figure it really is."""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go

from dashboard.figures.colours import COUNTRY_COLOURS
from dashboard.figures.formatting import esc, wrap_html
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
from dashboard.i18n import N_, tr

VERDICT_LABELS = {"matches": N_("Matches"), "close": N_("Close (within 5%)"),
                  "contradicts": N_("Contradicts the data"), "not_comparable": N_("Not comparable"),
                  "no_data": N_("No data")}  # verdict_label() in the reader's language
# The y axis: the claim's unit without 'deaths' (the title says it), short enough for a phone.
AXIS_TITLES = {"deaths": N_("deaths"), "per_million_15_64": N_("per million aged 15-64"),
               "per_million": N_("per million inhabitants"), "per_100k": N_("per 100,000 inhabitants")}
# Each at least 4.5:1 on white: green, ochre, vermillion-red, purple, grey.
VERDICT_COLOURS = {"matches": "#117733", "close": "#7A5200", "contradicts": "#B3261E", "not_comparable": "#6A3D9A",
                   "no_data": "#595959"}
CLAIM_COLOUR = "#D55E00"  # the claimed number: vermillion, 3.9:1 on white
SERIES_SHOWN = 3  # the series as claimed, the one the number fits, and one more of the claim's unit


def verdict_label(verdict: str) -> str:
    """'Matches', 'Close (within 5%)'... in the reader's language."""
    return tr(VERDICT_LABELS[verdict])


def series_drawn(check: Any) -> list[str]:
    """The series to draw, most telling first: the one the number fits (or is nearest), then those of the
    claim's own unit (a count and a rate never share an axis unless the number itself is one of them)."""
    order: list[str] = []
    if check.matched is not None:
        order.append(check.matched.series)
    for candidate in check.history:
        if candidate.relation == "same" and candidate.value is not None and candidate.series not in order:
            order.append(candidate.series)
    return order[:SERIES_SHOWN]


def make_claim_figure(check: Any, *, projector: bool = False, title: str, subtitle: str,
                      source_line: str) -> go.Figure:
    """check: a dashboard.claim_check.Check (its history holds every year of every candidate series). Values are
    drawn in the claim's unit (a rate per 100,000 claimed: the rates per 100,000), and the claim as a diamond at
    its year and number. fig.layout.meta: verdict, series_drawn."""
    size = SIZES[projector]
    claim = check.claim
    drawn = series_drawn(check)
    spec = new_spec()
    years: list[int] = [claim.year]
    for number, series in enumerate(drawn):
        points = sorted((c for c in check.history if c.series == series and c.iso3 == (
            check.matched.iso3 if check.matched is not None and check.matched.series == series else claim.iso3)),
            key=lambda c: c.year)
        if not points:
            continue
        years += [c.year for c in points]
        label = points[0].label + ("" if points[0].iso3 == claim.iso3 else f" ({points[0].place})")
        spec["data"].append({
            "type": "scatter", "mode": "lines+markers", "connectgaps": False,
            "x": [c.year for c in points],
            "y": [c.value_in_claim_unit for c in points],
            "name": label, "meta": {"role": "series", "series": series},
            "line": {"color": COUNTRY_COLOURS[(number * 2) % len(COUNTRY_COLOURS)],
                     "dash": ("solid", "dash", "dot")[number]},
            "hovertext": [f"<b>{esc(label)}</b><br>{c.year}: {esc(c.shown())}" for c in points],
            "hovertemplate": "%{hovertext}<extra></extra>"})
    quoted = tr("Claimed: {value}", value=claim.value_shown)
    first, last = min(years), max(years)
    # The label on the side with room: near the right edge of the axis it would be cut off (a phone).
    label_side = "top left" if claim.year > (first + last) / 2 else "top right"
    spec["data"].append({
        "type": "scatter", "mode": "markers+text", "x": [claim.year], "y": [float(claim.value)],
        "name": tr("The claim: {value} {unit}", value=claim.value_shown, unit=claim.unit_label),
        "meta": {"role": "claim"},
        "text": [quoted], "textposition": label_side,
        "textfont": {"size": size["label"], "color": TEXT_COLOUR},
        "marker": {"symbol": "diamond", "size": size["marker"] * 2.2, "color": CLAIM_COLOUR,
                   "line": {"color": "#ffffff", "width": 1.5}},
        "hovertext": [wrap_html(tr("{claim}. Verdict: {verdict}.", claim=claim.describe(),
                                   verdict=verdict_label(check.verdict)), 60)],
        "hovertemplate": "%{hovertext}<extra></extra>"})
    merge_spec(spec["layout"], {
        "xaxis": {"range": [first - 0.5, last + 0.5], "tickformat": "d", "showgrid": False,
                  "dtick": 1 if last - first <= 10 else 2 if last - first <= 20 else 5},
        "yaxis": {"title": {"text": esc(tr(AXIS_TITLES[claim.unit]))}, "rangemode": "tozero"},
        # The slide export's layout height, so the legend under the plot stays where the frame put it.
        "height": 720, "hovermode": "closest", "margin": {"l": 96 if projector else 80, "r": 20},
        # Over the plot, one entry a row (the series' names are long), in the strip the frame keeps free between
        # the subtitle and the plot: placed on the plot's top edge, it stays there at any height a slide or an
        # export draws the figure (a key under the plot is placed by the figure's own height, and slides are
        # drawn lower, which put it over the footnote).
        "legend": {"title": {"text": ""}, "traceorder": "normal", "entrywidthmode": "fraction", "entrywidth": 1,
                   "orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yref": "paper", "yanchor": "bottom"},
    })
    set_meta(spec, label_strip_px=math.ceil(len(spec["data"]) * size["base"] * 1.6 + 8))
    spec["layout"].setdefault("annotations", []).append({
        "name": "dpa-verdict", "text": f"<b>{esc(verdict_label(check.verdict))}</b>", "xref": "paper",
        "yref": "paper", "x": 0.01, "y": 0.99, "xanchor": "left", "yanchor": "top", "showarrow": False,
        "font": {"size": size["title"], "color": VERDICT_COLOURS[check.verdict]},
        "bgcolor": "rgba(255,255,255,0.85)"})
    if not drawn:
        add_empty_message(spec, tr("We hold no series in {unit} for {country}.", unit=claim.unit_label,
                                   country=claim.country), size)
    frame_spec(spec, title=title, subtitle=subtitle, source_line=source_line, footnote=check.summary or None,
               projector=projector)
    set_meta(spec, verdict=check.verdict, series_drawn=drawn)
    return to_figure(spec)
