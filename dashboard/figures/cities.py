"""HAT cities compared: one bar per city, its newest figure per 100,000 inhabitants, the cities asked for (Oslo
and Bergen by default) in colour and the others grey, each bar labelled with the count and its year."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.formatting import esc, records
from dashboard.figures.theme import SIZES, add_empty_message, frame_spec, merge_spec, new_spec, set_meta, to_figure
from dashboard.i18n import number, tr

HIGHLIGHT_COLOUR, OTHER_COLOUR = "#0072B2", "#B8B8B8"
POPULATION_GAP_YEARS = 3  # a figure read over a population further apart in time than this is marked


def _when(row: dict) -> str:
    """The figure's year, 'c. 2023' where the source implies it."""
    return row["as_of"] if str(row["as_of"]).startswith("c. ") else str(row["as_of_year"])


def apart_note(rows: list[dict]) -> str:
    """The footnote of the bars marked *: the cities read over a population of another time."""
    apart = [row["city"] for row in rows if far_apart(row)]
    return tr("* Over the population of a year more than {gap} years from the figure's (the nearest we hold): "
              "{cities}.", gap=POPULATION_GAP_YEARS, cities=", ".join(apart)) if apart else ""


def far_apart(row: dict) -> bool:
    """Whether a city's figure and the population it is read over are more than POPULATION_GAP_YEARS apart."""
    return abs(int(row["as_of_year"]) - int(row["population_year"])) > POPULATION_GAP_YEARS


def make_cities_figure(rows: pd.DataFrame, *, highlight: tuple[str, ...], title: str, subtitle: str,
                       source_line: str, footnote: str, projector: bool = False) -> go.Figure:
    """rows: one per city (queries/hat_cities.sql, the newest figure of one measure), drawn highest first."""
    size = SIZES[projector]
    drawn = sorted(records(rows), key=lambda row: (-float(row["per_100k"]), row["city"]))
    spec = new_spec()
    spec["data"].append({
        "type": "bar", "orientation": "h", "x": [float(row["per_100k"]) for row in drawn],
        # The city and, under it, its count and year: the bar's own label stays short enough for a phone.
        "y": [f"{esc(row['city'])}<br><span style='font-size:0.8em'>{number(int(row['value']))} · {_when(row)}</span>"
              for row in drawn], "showlegend": False, "meta": {"role": "cities"},
        "marker": {"color": [HIGHLIGHT_COLOUR if row["city"] in highlight else OTHER_COLOUR for row in drawn],
                   "line": {"color": "#333333", "width": 0.5}},
        "text": [number(float(row['per_100k']), 1) + ("*" if far_apart(row) else "") for row in drawn],
        "textposition": "outside", "cliponaxis": False, "textfont": {"size": size["label"]},
        "customdata": [[int(row["value"]), esc(row["as_of"]), int(row["population"]), row["population_year"],
                        esc(row["counts_what"]), esc(row["note"] or "")] for row in drawn],
        "hovertemplate": tr("%{x:,.1f} per 100,000 inhabitants<br>%{customdata[0]:,} (%{customdata[4]}, "
                            "%{customdata[1]})<br>of %{customdata[2]:,} inhabitants (%{customdata[3]})")
                         + "<br><i>%{customdata[5]}</i><extra></extra>"})
    if not drawn:
        add_empty_message(spec, tr("No city has a figure of this kind in the register."), size)
    longest = max((max(len(row["city"]), len(f"{number(int(row['value']))} · {_when(row)}") * 0.8) for row in drawn),
                  default=8)
    merge_spec(spec["layout"], {
        "height": max(360, (54 if projector else 42) * len(drawn) + 260),
        "margin": {"l": math.ceil(min(longest, 20) * size["base"] * 0.55) + 16, "r": 60},  # r: '123.4*'
        # no axis title: the title says 'per 100,000 inhabitants', and at 320 px an axis title ran out of the frame
        "bargap": 0.25, "xaxis": {"rangemode": "tozero", "tickformat": ",.0f"},
        "yaxis": {"autorange": "reversed", "automargin": True, "showgrid": False, "ticks": ""},
    })
    # The rows: two lines of label a bar, so a shorter frame (an embed, a slide) keeps them apart
    # (theme.rows_height).
    set_meta(spec, row_labels=2 * len(drawn), row_label_px=size["label"])
    frame_spec(spec, title=title, subtitle=subtitle, source_line=source_line, footnote=footnote,
               projector=projector)
    set_meta(spec, cities=[row["city"] for row in drawn])  # the bars' cities, top first (y holds their labels)
    return to_figure(spec)
