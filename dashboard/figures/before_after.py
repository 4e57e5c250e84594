"""The before-and-after chart: one line per country over the years around its HAT start (0), the mean of the
countries without HAT over the same calendar years dashed in the country's colour, the start marked."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from dashboard.figures.colours import country_style
from dashboard.figures.formatting import esc, is_missing, records
from dashboard.figures.theme import apply_frame
from dashboard.i18n import N_, tr

KEY_HALF_ROW_CHARACTERS = 12
# The key entry of the dotted lines (short: a 320 px embed fits ~21 characters); tr() where shown.
COMPARISON = N_("Without HAT, mean")
COMPARISON_GROUP = "without_hat"  # their legend group (a key, in no language)


def make_before_after_figure(aligned, compared, names: dict[str, str], starts: dict[str, int], *, y_title: str,
                             title: str, subtitle: str, source_line: str, footnote: str,
                             projector: bool = False) -> go.Figure:
    """aligned and compared: dashboard.before_after.align and .comparison tables; gaps stay gaps."""
    figure = go.Figure()
    # Plotly's own placeholders: the templates are translated whole, with no field filled (dashboard/i18n.py).
    own_hover = tr("%{customdata[0]} (%{x:+d} years)<br>%{y:,.1f}")
    mean_hover = tr("%{customdata[0]}: mean %{y:,.1f} of %{customdata[1]} countries")
    for iso3, start in starts.items():
        style = country_style(iso3)
        own = [row for row in records(aligned) if row["iso3"] == iso3]
        figure.add_trace(go.Scatter(
            x=[row["relative_year"] for row in own], y=_plotted(own),
            mode="lines+markers", name=f"{names[iso3]} {start}", connectgaps=False,
            line={"color": style["colour"], "dash": style["dash"]}, meta={"role": "series", "iso3": iso3},
            customdata=[[row["year"]] for row in own],
            hovertemplate=f"<b>{esc(names[iso3])}</b><br>{own_hover}<extra></extra>"))
        if compared is not None and not compared.empty:
            mean = [row for row in records(compared) if row["iso3"] == iso3]
            figure.add_trace(go.Scatter(
                x=[row["relative_year"] for row in mean], y=_plotted(mean),
                mode="lines", name=tr("Countries without HAT, same years as {country}", country=names[iso3]),
                connectgaps=False,
                line={"color": style["colour"], "dash": "dot", "width": 1.5}, opacity=0.8,
                meta={"role": "comparison", "iso3": iso3}, legendgroup=COMPARISON_GROUP, showlegend=False,
                customdata=[[row["year"], row["countries"]] for row in mean],
                hovertemplate=tr("<b>Countries without HAT</b>, beside {country}", country=esc(names[iso3]))
                + f"<br>{mean_hover}<extra></extra>"))
    if compared is not None and not compared.empty:
        # One key entry for every comparison line (each dotted in its country's colour): a key entry per country
        # ran past a phone's width, twice as many rows as countries.
        figure.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=tr(COMPARISON), legendgroup=COMPARISON_GROUP,
                                    line={"color": "#555555", "dash": "dot", "width": 1.5}, hoverinfo="skip",
                                    meta={"role": "key"}))
    figure.add_vline(x=0, line={"color": "#333333", "dash": "dash", "width": 1})
    # The x axis counts years from the start ('-5', 'start', '+5'; the subtitle says years, and which start): an
    # axis title, a label at the start line or '-5 years' ticks need room a 320 px embed does not have.
    ticks = list(range(-10, 11, 5))
    # Two key entries a row where every name fits half a phone's plot (about 12 characters), else one.
    keyed = [trace.name for trace in figure.data if trace.showlegend is not False]
    columns = 2 if max((len(name) for name in keyed), default=0) <= KEY_HALF_ROW_CHARACTERS else 1
    figure.update_layout(
        xaxis={"range": [-10.5, 10.5], "tickvals": ticks, "zeroline": False, "minor": {"dtick": 1, "ticks": "outside"},
               "ticktext": [f"{t:+d}".replace("-", "−") if t else tr("start") for t in ticks]},
        yaxis={"title": {"text": y_title}, "rangemode": "tozero"}, hovermode="closest", height=620,
        legend={"orientation": "h", "entrywidthmode": "fraction", "entrywidth": 1 / columns, "traceorder": "normal"},
        margin={"l": 80, "r": 40})  # r: room for the '+10' label at the right end
    rows = -(-len(keyed) // columns)  # under the plot (the frame keeps the room)
    figure.update_layout(meta={"legend_below_px": math.ceil(rows * 16 * 1.6 + 8)})
    return apply_frame(figure, title=title, subtitle=subtitle, source_line=source_line, footnote=footnote,
                       projector=projector)


def _plotted(rows: list[dict]) -> list[float | None]:
    return [None if is_missing(row["plotted"]) else row["plotted"] for row in rows]
