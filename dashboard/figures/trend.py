"""The trend: one line per country over the years, with HAT programmes as bands and lines."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n, vocabulary
from dashboard.figures import strip_labels
from dashboard.figures.colours import country_styles
from dashboard.figures.formatting import (
    esc,
    format_value,
    is_missing,
    is_rate_unit,
    join_names,
    records,
    year_of,
)
from dashboard.figures.programmes import is_regular, programme_phase, programme_years_text, project_label, short_name
from dashboard.figures.theme import (
    SIZES,
    TEXT_COLOUR,
    Spec,
    add_empty_message,
    frame_spec,
    merge_spec,
    new_spec,
    set_meta,
    to_figure,
)
from dashboard.figures.value_notes import (
    flag_footnote,
    hover_template,
    source_hover,
    value_detail_lines,
    warning_labels,
)
from dashboard.i18n import ntr, tr


def _rgba(colour: str, alpha: float) -> str:
    colour = colour.lstrip("#")
    red, green, blue = (int(colour[i: i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def _trend_hover(row: Mapping[str, Any], unit: str, index_base_year: int | None, *, with_source: bool) -> str:
    name = f"<b>{esc(row['country'])}</b>"
    if is_missing(row.get("value")):
        return f"{name}<br>" + tr("{year}: no value reported", year=int(row["year"]))
    lines = [name, f"{int(row['year'])}: {format_value(row['value'], unit)} {esc(vocabulary.unit(unit))}"]
    if index_base_year is not None and not is_missing(row.get("plotted")):
        base = row.get("base_year") if index_base_year == 0 else index_base_year
        index = i18n.number(float(row["plotted"]), 1)
        lines.append(tr("Index {index} ({year} = 100)", index=index, year=int(base)) if not is_missing(base)
                     else tr("Index {index}", index=index))
    lines.extend(value_detail_lines(row, unit))
    if with_source:
        lines.append(source_hover(row.get("source")))
    return "<br>".join(lines)


def _series_hover(rows: list[dict[str, Any]], unit: str, index_base_year: int | None) -> dict[str, Any]:
    """Each point's hover text and the trace's template (the source once when every drawn value shares it)."""
    template, each_own = hover_template(row.get("source") for row in rows if not is_missing(row["plotted"]))
    return {"hovertext": [_trend_hover(row, unit, index_base_year, with_source=each_own) for row in rows],
            "hovertemplate": template}


def _tick_text(tick: float) -> str:
    """A log axis tick as the reader writes it: '1,000' / '1 000', '0.5' / '0,5'."""
    decimals = max(0, -math.floor(math.log10(tick))) if tick > 0 else 0
    return i18n.number(tick, decimals)


def _log_ticks(values: pd.Series) -> list[float]:
    """1-2-5 ticks covering the values, for a log axis that reads '20, 50, 100' rather than bare digits."""
    positive = values[values > 0]
    if positive.empty:
        return []
    low, high = float(positive.min()), float(positive.max())
    ticks = [m * 10.0 ** e for e in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1)
             for m in (1, 2, 5)]
    below = [t for t in ticks if t <= low]
    above = [t for t in ticks if t >= high]
    start, stop = (below[-1] if below else ticks[0]), (above[0] if above else ticks[-1])
    return [round(t, 10) for t in ticks if start <= t <= stop]


def make_trend_figure(trend_df: pd.DataFrame, *, indicator_label: str, unit: str,
                      programmes: pd.DataFrame | None = None, log_y: bool = False, index_base_year: int | None = None,
                      projector: bool = False, title: str, subtitle: str, source_line: str) -> go.Figure:
    """One line per country over the years of queries/indicator_trend.sql; unreported years are gaps.

    index_base_year: the query's `plotted` is each country's value / its base-year value x 100; countries without
    a base value are left out and named. log_y: logarithmic y axis; the query leaves values of zero or below
    undrawn (NULL `plotted`) and the footnote names them. HAT programmes of the countries shown are drawn
    as shaded bands (trials and pilots, start to end or to the last year) and dotted lines (regular treatment from
    its start year); programmes outside the years shown are not drawn and are named in the footnote.
    fig.layout.meta: country_styles, no_values (ISO-3 without a value in the years), dropped_no_base,
    dropped_non_positive ('Country year'), programmes_drawn, programmes_outside_years, programmes_unknown_start,
    programmes_not_drawn (never implemented), label_strip_px, frame.
    """
    size = SIZES[projector]
    # The numbers drawn come from the query (queries/indicator_trend.sql: `plotted`, `base_value`), so the hover,
    # the summary and the CSV describe the same numbers; here they are only laid out and explained.
    frame = trend_df.copy()
    frame["plotted"] = frame["plotted"].astype("float64")
    notes: list[str] = []
    dropped_no_base: list[str] = []
    dropped_non_positive: list[str] = []
    years = sorted(int(y) for y in frame["year"].unique())
    first, last = (years[0], years[-1]) if years else (index_base_year or 0, index_base_year or 0)

    if index_base_year is not None:
        has_base = frame.groupby("iso3", sort=False)["base_value"].agg(lambda v: bool(((v.notna()) & (v != 0)).any()))
        missing = frame.loc[frame["iso3"].isin(has_base[~has_base].index), ["iso3", "country"]].drop_duplicates()
        dropped_no_base = list(missing["iso3"])
        if dropped_no_base:
            names = join_names(missing["country"])
            notes.append(tr("No value to index on, not shown: {countries}.", countries=names) if index_base_year == 0
                         else tr("No {year} value to index on, not shown: {countries}.", year=index_base_year,
                                 countries=names))
        frame = frame[~frame["iso3"].isin(dropped_no_base)].copy()
    if log_y:
        bad = frame["value"].notna() & frame["plotted"].isna()
        dropped_non_positive = [f"{c} {int(y)}" for c, y in zip(frame.loc[bad, "country"], frame.loc[bad, "year"],
                                                                 strict=True)]
        if dropped_non_positive:
            notes.append(ntr("Log scale: {n} value(s) of zero or below not shown ({values}).",
                             "Log scale: {n} value(s) of zero or below not shown ({values}).",
                             len(dropped_non_positive), values=join_names(dropped_non_positive, limit=6)))

    reported = trend_df.groupby("iso3", sort=False)["value"].count()
    silent = trend_df.loc[trend_df["iso3"].isin(reported[reported == 0].index), "country"].drop_duplicates()
    no_values = list(trend_df.loc[trend_df["iso3"].isin(reported[reported == 0].index), "iso3"].drop_duplicates())
    if no_values:
        notes.append(tr("No values reported in {years}: {countries}.", years=i18n.year_range(first, last),
                        countries=join_names(sorted(silent))))

    styles = country_styles(trend_df["iso3"])  # from all countries asked for, so dropping one keeps the others
    spec = new_spec()
    countries = frame[["iso3", "country"]].drop_duplicates().sort_values("country")
    rows_by_country: dict[str, list[dict[str, Any]]] = {}
    for row in records(frame.sort_values("year", kind="stable")):
        rows_by_country.setdefault(row["iso3"], []).append(row)
    for iso3, country in zip(countries["iso3"], countries["country"], strict=True):
        rows = rows_by_country[iso3]
        style = styles[iso3]
        spec["data"].append({
            "type": "scatter", "x": [int(row["year"]) for row in rows],
            "y": [None if is_missing(row["plotted"]) else float(row["plotted"]) for row in rows],
            "mode": "lines+markers", "connectgaps": False, "name": country, "legendgroup": iso3,
            "customdata": [iso3] * len(rows), "meta": {"role": "series", "iso3": iso3},
            "line": {"color": style["colour"], "dash": style["dash"]},
            "marker": {"color": style["colour"]},
            **_series_hover(rows, unit, index_base_year)})
        flagged_rows = [row for row in rows if warning_labels(row) and not is_missing(row["plotted"])]
        if flagged_rows:  # open markers over the flagged points; the series underneath keeps the hover
            spec["data"].append({
                "type": "scatter", "x": [int(row["year"]) for row in flagged_rows],
                "y": [float(row["plotted"]) for row in flagged_rows], "mode": "markers", "showlegend": False,
                "legendgroup": iso3, "hoverinfo": "skip", "name": tr("{country} (flagged)", country=country),
                "meta": {"role": "flagged", "iso3": iso3},
                "marker": {"color": "#ffffff", "line": {"color": style["colour"], "width": 2}}})

    flagged = flag_footnote([row for rows in rows_by_country.values() for row in rows], open_markers=True)
    if flagged:
        notes.append(flagged)
    programme_meta = _add_programme_periods(spec, programmes, countries, styles, first, last, size)
    notes.extend(programme_meta.pop("notes"))
    set_meta(spec, label_strip_px=programme_meta["label_strip_px"])  # the frame keeps this strip free

    span = max(last - first, 1)
    y_title = (tr("Index (each country's first year = 100)") if index_base_year == 0
               else tr("Index ({year} = 100)", year=index_base_year) if index_base_year is not None
               else vocabulary.unit(unit))
    tick_unit = "index" if index_base_year is not None else unit
    yaxis = {"title": {"text": esc(y_title)}, "type": "log" if log_y else "linear",
             "rangemode": "tozero" if not log_y else "normal",
             "tickformat": "" if (is_rate_unit(tick_unit) or log_y) else ","}
    if log_y:
        ticks = _log_ticks(frame["plotted"].dropna())
        yaxis.update(tickvals=ticks, ticktext=[_tick_text(t) for t in ticks])
    per_row = 2 if len(countries) <= 8 else 4
    legend_px = math.ceil(-(-len(countries) // per_row) * size["base"] * 1.6 + 8) if len(countries) else 0
    merge_spec(spec["layout"], {
        "xaxis": {"range": [first - 0.5, last + 0.5], "tickformat": "d",
                  "dtick": 1 if span <= 10 else 2 if span <= 20 else 5, "showgrid": False},
        "yaxis": yaxis,
        "height": (740 if projector else 660) + programme_meta["label_strip_px"] + legend_px,
        "hovermode": "closest",
        "margin": {"l": 96 if projector else 80, "r": 20},
        # Under the plot in fixed columns (two a row for a few countries, four for many), so the plot keeps the
        # width of a phone and the rows the frame keeps free are known whatever the width.
        "legend": {"title": {"text": ""}, "traceorder": "normal", "entrywidthmode": "fraction",
                   "entrywidth": 1 / per_row},
    })
    set_meta(spec, legend_below_px=legend_px)
    if not years or countries.empty:
        add_empty_message(spec, tr("No values to show for the countries and years selected."), size)
    frame_spec(spec, title=title, subtitle=subtitle, source_line=source_line, footnote="\n".join(notes) or None,
                projector=projector)
    set_meta(spec, country_styles=styles, no_values=no_values, dropped_no_base=dropped_no_base,
              dropped_non_positive=dropped_non_positive, **programme_meta)
    return to_figure(spec)


def _add_programme_periods(spec: Spec, programmes: pd.DataFrame | None, countries: pd.DataFrame,
                           styles: Mapping[str, Mapping[str, str]], first: int, last: int,
                           size: Mapping[str, float]) -> dict[str, Any]:
    """Bands for trials and pilots, dotted lines for regular treatment; returns meta lists and footnote lines."""
    result: dict[str, Any] = {"programmes_drawn": [], "programmes_outside_years": [], "programmes_unknown_start": [],
                              "programmes_not_drawn": [], "label_strip_px": 0, "notes": []}
    if programmes is None or programmes.empty or countries.empty:
        return result
    names = dict(zip(countries["iso3"], countries["country"], strict=True))
    shapes: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    outside_text: list[str] = []
    unknown_text: list[str] = []
    for row in records(programmes):
        pid, iso3 = row["programme_id"], row["iso3"]
        if iso3 not in names:
            continue
        phase = programme_phase(row)
        start, end = year_of(row.get("start_year")), year_of(row.get("end_year"))
        colour = styles[iso3]["colour"]
        if phase in ("planned/never implemented", "unsupervised prescribing"):  # no HAT to mark on a trend
            result["programmes_not_drawn"].append(pid)
            continue
        described = f"{names[iso3]}: {short_name(row.get('programme_name'))}"
        if start is None:
            result["programmes_unknown_start"].append(pid)
            unknown_text.append(described)
            continue
        if start > last or (end is not None and end < first):
            result["programmes_outside_years"].append(pid)
            outside_text.append(f"{described} ({programme_years_text(start, end)})")
            continue
        if is_regular(row):
            # Regular treatment that began before the range is in effect throughout: mark it at the left edge.
            x = max(start, first)
            since = f"{start}" if start >= first else tr("since {year}", year=start)
            shapes.append({"type": "line", "name": f"hat-line-{pid}", "xref": "x", "yref": "paper", "x0": x, "x1": x,
                           "y0": 0, "y1": 1, "layer": "above",
                           "line": {"color": colour, "dash": "dot", "width": size["shape"]}})
            labels.append({"x": x, "text": tr("HAT regular:") + f"\n{names[iso3]} {since}", "colour": colour,
                           "pid": pid})
        else:
            stop = end if end is not None else last
            x0, x1 = max(start - 0.5, first - 0.5), min(stop + 0.5, last + 0.5)
            shapes.append({"type": "rect", "name": f"hat-band-{pid}", "xref": "x", "yref": "paper", "x0": x0,
                           "x1": x1, "y0": 0, "y1": 1, "layer": "below", "line": {"width": 0},
                           "fillcolor": _rgba(colour, 0.14)})
            labels.append({"x": x0, "text": f"{project_label(row)}:\n{names[iso3]} "
                                            f"{programme_years_text(start, end)}", "colour": colour, "pid": pid})
        result["programmes_drawn"].append(pid)
    if shapes:
        spec["layout"].setdefault("shapes", []).extend(shapes)
    # kept for an export that knows its width (strip_labels.place_again), before place() adds its placing
    set_meta(spec, **{strip_labels.META_KEY: {"labels": [dict(label) for label in labels], "first": first,
                                              "last": last, "label_px": size["label"]}})
    rows = strip_labels.place(labels, first, last, size["label"])
    spec["layout"].setdefault("annotations", []).extend(
        strip_labels.annotation(label, size["label"], TEXT_COLOUR) for label in labels)
    result["label_strip_px"] = strip_labels.strip_height(rows, size["label"])
    if result["programmes_unknown_start"]:
        result["notes"].append(tr("HAT programme start year not established, not drawn: {programmes}.",
                                  programmes=join_names(unknown_text)))
    if outside_text:
        result["notes"].append(tr("HAT programmes outside {years}, not drawn: {programmes}.",
                                  years=i18n.year_range(first, last), programmes=join_names(outside_text)))
    return result


