"""Chart styling, titles, source lines and the figure builders: pure functions from query results to go.Figure.

Every figure is framed the same way (bold title, subtitle, footnote, source line; `apply_frame` re-frames a
finished one) and styled from the tables below, so that the map, the trend and the timeline look alike on a
laptop and on a projector. The builders read nothing but their arguments, assemble a plain figure dict, and
record what they had to leave out in `fig.layout.meta`.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import pandas as pd
import plotly.colors
import plotly.graph_objects as go
import pyarrow as pa

# Okabe & Ito (2008), colour-blind safe; their yellow (#F0E442) is left out because it is too pale on white.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
# With more countries than colours, the dash pattern tells the repeated colours apart.
LINE_DASHES = ("solid", "dash", "dot", "dashdot")
# Sequential, colour-blind safe, perceptually uniform and without grey anywhere (unlike Cividis, whose middle is
# grey and could be mistaken for "no data"); reversed so that low is pale yellow and high is dark purple.
SEQUENTIAL_SCALE = plotly.colors.get_colorscale("Viridis")  # as [[position, colour], ...], the form in the figure
SEQUENTIAL_REVERSED = True
NO_DATA_COLOUR = "#c4c4c4"  # selected country without a value: mid grey, never part of the colour scale
CONTEXT_COLOUR = "#f0f0f0"  # neighbouring country that is not selected: barely there, only shows the coast
BORDER_COLOUR = "#ffffff"
TEXT_COLOUR = "#1a1a1a"
MUTED_TEXT_COLOUR = "#404040"  # source lines and footnotes: still about 10:1 on white
GRID_COLOUR = "#e3e3e3"
FONT_FAMILY = "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"

# The map shows Europe in a fixed frame, so it does not jump when the year or the country selection changes. The
# GeoJSON is clipped to lon -25..45, lat 34..72; the frame is a little larger so Cyprus and Iceland stay whole.
MAP_LON_RANGE = (-25.0, 46.0)
MAP_LAT_RANGE = (33.0, 72.0)
MAP_PROJECTION = "natural earth"
# Programmes in the same country are spread on a small circle round the country's centroid (degrees of latitude).
PROGRAMME_OFFSET_DEG = 1.2

# "Ongoing" timeline bars run to this year; fixed (not today's date) so the same data gives the same figure.
CURRENT_YEAR = 2026
# The timeline's axis starts here; earlier starts (the 1926 'British system') are drawn clipped and labelled.
TIMELINE_FIRST_YEAR = 1990

PHASES = ("trial", "pilot", "regular", "ended", "unsupervised prescribing", "planned/never implemented")
PHASE_STYLES: dict[str, dict[str, str]] = {
    "trial": {"label": "Trial", "colour": "#56B4E9", "symbol": "circle"},
    "pilot": {"label": "Pilot", "colour": "#CC79A7", "symbol": "diamond"},
    "regular": {"label": "Regular treatment", "colour": "#009E73", "symbol": "square"},
    "ended": {"label": "Ended", "colour": "#E69F00", "symbol": "triangle-down"},
    # The UK's 'British system' (since 1926): take-home prescribing by licensed doctors, not supervised HAT.
    "unsupervised prescribing": {"label": "Unsupervised prescribing (not HAT)", "colour": "#D55E00",
                                 "symbol": "star"},
    "planned/never implemented": {"label": "Planned, never implemented", "colour": "#999999", "symbol": "x"},
}

# Sizes for the laptop (False) and the projector (True).
SIZES: dict[bool, dict[str, float]] = {
    False: {"base": 16, "title": 24, "subtitle": 17, "note": 14, "hover": 15, "label": 14, "line": 2.5,
            "marker": 7, "programme": 13, "shape": 2, "outline": 1.2, "wrap": 120, "title_wrap": 70, "row": 34},
    True: {"base": 21, "title": 30, "subtitle": 22, "note": 18, "hover": 19, "label": 18, "line": 4.5,
           "marker": 10, "programme": 18, "shape": 3.5, "outline": 1.8, "wrap": 95, "title_wrap": 55, "row": 46},
}
_FRAME_NAMES = ("dpa-subtitle", "dpa-footnote", "dpa-source")
_CARTESIAN_TYPES = {"scatter", "bar", "scattergl", "histogram", "box"}


# ---------------------------------------------------------------------------------------------------------------
# Numbers and text: one formatting helper for hover text, labels and the text summaries.


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as plain dicts of Python values, missing values as None.

    Through Arrow: five times faster than DataFrame.to_dict('records') on the query results' Arrow-backed columns,
    which mattered on every chart built under load.
    """
    return pa.Table.from_pandas(frame, preserve_index=False).to_pylist()


def is_missing(value: Any) -> bool:
    """True for None, NaN and pd.NA (and anything else pandas treats as missing)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values, not missing
        return False


def is_rate_unit(unit: str | None) -> bool:
    """Rates, ages and indices get one decimal; everything else is a count with thousands separators."""
    return bool(re.search(r"\bper\b|\byears\b|%|\bindex\b", (unit or "").lower()))


def format_value(value: Any, unit: str | None) -> str:
    """'3,256' for counts, '81.8' for rates; 'no value' when missing."""
    if is_missing(value):
        return "no value"
    number = float(value)
    return f"{number:,.1f}" if is_rate_unit(unit) else f"{round(number):,}"


def format_change(change: Any, change_pct: Any, unit: str | None) -> str:
    """'+12 (+5.3%)' or '-2.7 (-3.2%)'; the percentage is left out when there is none (previous value 0)."""
    if is_missing(change):
        return "no change available"
    number = float(change)
    text = f"{number:+,.1f}" if is_rate_unit(unit) else f"{round(number):+,}"
    if not is_missing(change_pct):
        text += f" ({float(change_pct):+.1f}%)"
    return text


def join_names(names: Iterable[str], limit: int = 12) -> str:
    """'A', 'A and B', 'A, B and C'; long lists end '... and 7 more'."""
    items = [str(name) for name in names]
    if len(items) > limit:
        rest = len(items) - limit + 1
        items = items[: limit - 1] + [f"{rest} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _esc(text: Any) -> str:
    """Escape free text for Plotly's HTML-like labels."""
    return html.escape("" if is_missing(text) else str(text), quote=False)


@lru_cache(maxsize=8192)
def _wrap(text: str, width: float) -> tuple[str, ...]:
    """Wrap plain text into lines of at most `width` characters (never splitting words).

    Cached: the same source citation is wrapped for every point of a chart's hover text."""
    return tuple(textwrap.wrap(text, width=int(width), break_long_words=False, break_on_hyphens=False)) or ("",)


def _wrap_html(text: Any, width: float = 60) -> str:
    """Escaped and wrapped with <br> for hover labels."""
    return "<br>".join(_esc(line) for line in _wrap("" if is_missing(text) else str(text), width))


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _year(value: Any) -> int | None:
    """A year as int, or None when missing or not a number ('~2022' -> 2022)."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        match = re.search(r"\d{4}", value)
        return int(match.group()) if match else None
    return int(value)


def source_line_for(sources: Iterable[Any], extra: Sequence[str] = ()) -> str:
    """'Source: A; B. extra' from the distinct, non-empty source attributions in order of first appearance."""
    seen: list[str] = []
    for source in sources:
        if not is_missing(source) and str(source).strip() and str(source).strip() not in seen:
            seen.append(str(source).strip())
    text = ("Source: " + "; ".join(s.rstrip(".") for s in seen) + ".") if seen else "Source: not recorded."
    return " ".join([text, *extra])


# ---------------------------------------------------------------------------------------------------------------
# Layout and frame
#
# The builders assemble a plain figure dict ({"data": [...], "layout": {...}}) and make the go.Figure once at the
# end: every add_trace/update_layout on a go.Figure re-validates, which made building a chart several times
# slower than validating the finished dict once (benchmarks/figure_bench.py).

Spec = dict[str, Any]


def _merge(target: dict[str, Any], updates: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge `updates` into `target` the way update_layout does: nested dicts merge, other values replace."""
    for key, value in updates.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = _merge({}, value) if isinstance(value, Mapping) else value
    return target


def _new_spec() -> Spec:
    return {"data": [], "layout": {}}


def _to_figure(spec: Spec) -> go.Figure:
    """The one place a builder's dict becomes a go.Figure.

    Without Plotly's per-property validation, which cost as much as building the dict: the builders' output is
    validated in the tests instead (tests/test_figures.py builds each one again with validation and compares).
    """
    return go.Figure(spec, _validate=False)


def base_layout(projector: bool = False) -> dict[str, Any]:
    """White background, dark text, large type: readable on a laptop and from the back of a room."""
    size = SIZES[projector]
    return {
        "font": {"family": FONT_FAMILY, "size": size["base"], "color": TEXT_COLOUR},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": size["hover"], "color": TEXT_COLOUR},
                       "bgcolor": "#ffffff", "bordercolor": "#333333", "align": "left"},
        "legend": {"font": {"size": size["base"] - 1}, "bgcolor": "rgba(255,255,255,0.9)",
                   "bordercolor": "#cccccc", "borderwidth": 0},
        "colorway": list(OKABE_ITO),
    }


def _axis_style(projector: bool) -> dict[str, Any]:
    size = SIZES[projector]
    return {"showline": True, "linecolor": "#333333", "linewidth": 1, "ticks": "outside", "tickcolor": "#333333",
            "gridcolor": GRID_COLOUR, "zeroline": False, "tickfont": {"size": size["base"]},
            "title": {"font": {"size": size["base"]}}}


def _has_cartesian_axes(spec: Spec) -> bool:
    return any(trace.get("type", "scatter") in _CARTESIAN_TYPES for trace in spec["data"])


def _style_traces(spec: Spec, projector: bool) -> None:
    """Line widths and marker sizes by the role a builder gave each trace (idempotent: absolute values)."""
    size = SIZES[projector]
    styles = {
        "series": {"line": {"width": size["line"]}, "marker": {"size": size["marker"]}},
        "programme": {"marker": {"size": size["programme"], "line": {"width": size["outline"]}}},
        "programme-halo": {"marker": {"size": size["programme"] + 6}},
        "flagged": {"marker": {"size": size["marker"] + 1}},
        "timeline-marker": {"marker": {"size": size["programme"], "line": {"width": size["outline"]}}},
    }
    for trace in spec["data"]:
        meta = trace.get("meta")
        role = meta.get("role") if isinstance(meta, Mapping) else None
        if role in styles:
            _merge(trace, styles[role])
    layout = spec["layout"]
    for shape in layout.get("shapes", []):
        if str(shape.get("name") or "").startswith("hat-line"):
            _merge(shape, {"line": {"width": size["shape"]}})
    for annotation in layout.get("annotations", []):
        if str(annotation.get("name") or "").startswith("hat-label"):
            _merge(annotation, {"font": {"size": size["label"]}})


def apply_frame(figure: go.Figure, *, title: str, subtitle: str, source_line: str, footnote: str | None = None,
                projector: bool = False) -> go.Figure:
    """A copy of the figure with a bold title, the subtitle (the active filters) under it, footnote and source line.

    Framing again replaces the frame (exports re-frame a view's figure with their stamp). footnote=None keeps the
    footnote the figure already has (the builder's data caveats); pass "" to remove it. The texts are kept in
    fig.layout.meta['frame'] so they can be reused. projector=True: larger type, thicker lines. The figure passed
    in is not changed (cached charts are shared).
    """
    spec = figure.to_dict()
    _frame_spec(spec, title=title, subtitle=subtitle, source_line=source_line, footnote=footnote,
                projector=projector)
    return _to_figure(spec)


def _frame_spec(spec: Spec, *, title: str, subtitle: str, source_line: str, footnote: str | None,
                projector: bool) -> None:
    size = SIZES[projector]
    layout = spec.setdefault("layout", {})
    meta = layout.get("meta") if isinstance(layout.get("meta"), Mapping) else {}
    if footnote is None:
        footnote = (meta.get("frame") or {}).get("footnote")
    _merge(layout, base_layout(projector))
    cartesian = _has_cartesian_axes(spec)
    if cartesian:
        _merge(layout.setdefault("xaxis", {}), _axis_style(projector))
        _merge(layout.setdefault("yaxis", {}), _axis_style(projector))
    _style_traces(spec, projector)

    line_height = 1.3
    title_lines = _wrap(title, size["title_wrap"]) if title else []
    subtitle_lines = _wrap(subtitle, size["wrap"]) if subtitle else []
    footnote_lines = [line for part in (footnote or "").split("\n") if part.strip()
                      for line in _wrap(part, size["wrap"])]
    source_lines = _wrap(source_line, size["wrap"]) if source_line else []

    top_pad, gap, edge = 14, 8, 12
    # A builder may reserve a strip of this many pixels between the subtitle and the plot (trend labels).
    strip_px = float(meta.get("label_strip_px", 0))
    title_px = len(title_lines) * size["title"] * line_height
    subtitle_px = len(subtitle_lines) * size["subtitle"] * line_height
    margin_top = top_pad + title_px + (gap + subtitle_px if subtitle_lines else 0) + gap + strip_px + 6
    # Title, subtitle and notes start at the figure's left edge, wherever the plot area starts.
    margin_left = (layout.get("margin") or {}).get("l")
    margin_left = 80 if margin_left is None else margin_left
    # Below a cartesian plot the tick labels come first; the map and other subplots have nothing below.
    axis_px = size["base"] * 1.6 + 10 if cartesian else 6
    footnote_px = len(footnote_lines) * size["note"] * line_height
    source_px = len(source_lines) * size["note"] * line_height
    margin_bottom = axis_px + footnote_px + (4 if footnote_lines else 0) + source_px + 12

    _merge(layout, {
        "title": {"text": "<br>".join(f"<b>{_esc(line)}</b>" for line in title_lines),
                  "x": 0, "xref": "container", "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
                  "pad": {"t": top_pad, "l": edge}, "font": {"size": size["title"], "color": TEXT_COLOUR}},
        "margin": {"t": math.ceil(margin_top), "b": math.ceil(margin_bottom), "l": margin_left},
    })
    kept = [a for a in layout.get("annotations", []) if a.get("name") not in _FRAME_NAMES]
    common = {"xref": "paper", "x": 0, "xanchor": "left", "xshift": edge - margin_left, "yref": "paper",
              "align": "left", "showarrow": False}
    if subtitle_lines:
        kept.append({"name": "dpa-subtitle", "text": "<br>".join(_esc(line) for line in subtitle_lines), "y": 1,
                     "yanchor": "bottom", "yshift": gap + strip_px,
                     "font": {"size": size["subtitle"], "color": MUTED_TEXT_COLOUR}, **common})
    if footnote_lines:
        kept.append({"name": "dpa-footnote", "text": "<br>".join(_esc(line) for line in footnote_lines), "y": 0,
                     "yanchor": "top", "yshift": -axis_px,
                     "font": {"size": size["note"], "color": MUTED_TEXT_COLOUR}, **common})
    if source_lines:
        kept.append({"name": "dpa-source", "text": "<br>".join(_esc(line) for line in source_lines), "y": 0,
                     "yanchor": "top", "yshift": -(axis_px + footnote_px + (4 if footnote_lines else 0)),
                     "font": {"size": size["note"], "color": MUTED_TEXT_COLOUR}, **common})
    layout["annotations"] = kept
    _set_meta(spec, frame={"title": title, "subtitle": subtitle, "source_line": source_line,
                           "footnote": footnote, "projector": projector})


def _add_empty_message(spec: Spec, text: str, size: Mapping[str, float]) -> None:
    """Say so in the middle of the plot instead of showing empty axes."""
    spec["layout"].setdefault("annotations", []).append(
        {"name": "dpa-empty", "text": _esc(text), "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
         "showarrow": False, "font": {"size": size["subtitle"], "color": MUTED_TEXT_COLOUR}})


def _set_meta(spec: Spec, **entries: Any) -> None:
    meta = spec["layout"].get("meta")
    spec["layout"]["meta"] = {**(meta if isinstance(meta, Mapping) else {}), **entries}


# ---------------------------------------------------------------------------------------------------------------
# Countries and programmes


def country_styles(iso3_codes: Iterable[str]) -> dict[str, dict[str, str]]:
    """Colour and dash per country: the i-th country in sorted ISO-3 order gets palette colour i (then dashes)."""
    styles = {}
    for index, iso3 in enumerate(sorted(set(iso3_codes))):
        styles[iso3] = {"colour": OKABE_ITO[index % len(OKABE_ITO)],
                        "dash": LINE_DASHES[(index // len(OKABE_ITO)) % len(LINE_DASHES)]}
    return styles


def programme_phase(programme: Mapping[str, Any]) -> str:
    """The group a programme is drawn in: the build's `display_group` (dashboard/build.py, _display_group)."""
    group = programme.get("display_group")
    return group if isinstance(group, str) and group in PHASE_STYLES else "pilot"


def _is_regular(programme: Mapping[str, Any]) -> bool:
    return programme.get("phase") == "regular"


def _project_word(programme: Mapping[str, Any]) -> str:
    """'pilot' or 'trial', for band labels of time-limited programmes."""
    return "pilot" if programme.get("phase") == "pilot" else "trial"


def programme_years_text(start_year: Any, end_year: Any) -> str:
    """'2002–2006', 'since 2022', 'year not established' or 'start year not established, until 1997'."""
    start, end = _year(start_year), _year(end_year)
    if start is not None and end is not None:
        return f"{start}–{end}" if end != start else str(start)
    if start is not None:
        return f"since {start}"
    if end is not None:
        return f"start year not established, until {end}"
    return "year not established"


def _short_name(name: Any, length: int = 30) -> str:
    """The part of a programme name before its explanation: 'PROVE', 'German heroin model project'."""
    text = "" if is_missing(name) else str(name)
    text = re.split(r" \(| - | – | / ", text, maxsplit=1)[0].strip()
    return _truncate(text, length)


def _split_sources(source_titles: Any) -> list[str]:
    """Split '; '-separated titles, ignoring separators inside parentheses."""
    text = "" if is_missing(source_titles) else str(source_titles)
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth <= 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [part for part in parts if part]


def _patients_text(row: Mapping[str, Any]) -> str:
    number = row.get("patients_numeric")
    if not is_missing(number):
        details = [str(row[key]) for key in ("patients_numeric_basis", "patients_numeric_year")
                   if not is_missing(row.get(key))]
        return f"{int(number):,}" + (f" ({'; '.join(details)})" if details else "")
    if not is_missing(row.get("patients")):
        return f"as reported: {row['patients']}"
    return "not reported"


def _programme_hover(row: Mapping[str, Any], phase: str) -> str:
    status = _esc(row.get("status"))
    if not is_missing(row.get("status_as_of")):
        status += f" (as of {_esc(row['status_as_of'])})"
    sources = _split_sources(row.get("source_titles"))
    lines = [
        f"<b>{_wrap_html(row.get('programme_name'), 60)}</b>",
        f"{_esc(row.get('country'))}: {_wrap_html(_truncate(str(row.get('city_or_sites') or ''), 140), 60)}",
        f"Years: {_esc(programme_years_text(row.get('start_year'), row.get('end_year')))}",
        f"Status: {_wrap_html(str(status), 70)}",
        f"Group: {PHASE_STYLES[phase]['label']}",
        f"Patients: {_wrap_html(_patients_text(row), 70)}",
        f"Source: {_wrap_html(sources[0], 70) if sources else 'not recorded'}"
        + (f" (+{len(sources) - 1} more)" if len(sources) > 1 else ""),
    ]
    if not is_missing(row.get("conflict_flag")) and str(row["conflict_flag"]).strip():
        lines.append(f"⚠ Sources disagree: {_wrap_html(_truncate(str(row['conflict_flag']), 240), 70)}")
    return "<br>".join(lines)


def _feature_ids(geojson: Mapping[str, Any]) -> list[str]:
    return [str(feature.get("id")) for feature in geojson.get("features", []) if feature.get("id") is not None]


def programmes_outside_map(programmes_df: pd.DataFrame, geojson: Mapping[str, Any]) -> pd.DataFrame:
    """Programmes the map cannot place: no centroid, or a country that is not in the map's GeoJSON."""
    if programmes_df is None or programmes_df.empty:
        return pd.DataFrame(columns=getattr(programmes_df, "columns", []))
    ids = set(_feature_ids(geojson))
    outside = (programmes_df["centroid_lat"].isna() | programmes_df["centroid_lon"].isna()
               | ~programmes_df["iso3"].isin(ids))
    return programmes_df[outside]


def _offset_positions(programmes: pd.DataFrame) -> list[tuple[float, float]]:
    """Centroid per programme; several in one country sit on a small circle so no marker hides another."""
    rows = records(programmes[["programme_id", "iso3", "centroid_lat", "centroid_lon"]])
    siblings: dict[str, list[Any]] = {}
    for row in rows:
        siblings.setdefault(row["iso3"], []).append(row["programme_id"])
    positions = []
    for row in rows:
        same_country = siblings[row["iso3"]]
        count, index = len(same_country), same_country.index(row["programme_id"])
        lat, lon = float(row["centroid_lat"]), float(row["centroid_lon"])
        if count > 1:
            angle = math.pi / 2 + 2 * math.pi * index / count  # first one straight north of the centroid
            lat += PROGRAMME_OFFSET_DEG * math.sin(angle)
            lon += PROGRAMME_OFFSET_DEG * math.cos(angle) / max(math.cos(math.radians(lat)), 0.2)
        positions.append((round(lat, 4), round(lon, 4)))
    return positions


# ---------------------------------------------------------------------------------------------------------------
# Map


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


def _population_words(unit: str) -> str:
    """'people aged 15-64' from 'deaths per million aged 15-64'; 'inhabitants (all ages)' likewise."""
    match = re.search(r"per (?:million|100,000|1,000)\s+(.*)$", unit or "")
    words = match.group(1).strip() if match else "population"
    return f"people {words}" if words.startswith("aged") else words


def _value_detail_lines(row: Mapping[str, Any], unit: str) -> list[str]:
    """What a value was computed from and what is flagged about it: the same lines in every hover."""
    lines = []
    if not is_missing(row.get("numerator")) and not is_missing(row.get("denominator")):
        at_all_ages = "rate_from_all_ages_deaths" in str(row.get("quality_flags") or "")
        deaths = "deaths at all ages" if at_all_ages else (
            "deaths aged 15-64" if "aged 15-64" in (unit or "") else "deaths")
        lines.append(f"from {round(float(row['numerator'])):,} {deaths} and "
                     f"{round(float(row['denominator'])):,} {_esc(_population_words(unit))}")
    codes = [code for code in str(row.get("quality_flags") or "").split(",") if code]
    parts = [] if is_missing(row.get("value_note")) else str(row["value_note"]).split("; ")
    for code, label in zip(codes, parts, strict=False):  # one label per flag code, in order
        lines.append(f"{'⚠ ' if code in WARNING_FLAGS else ''}{_wrap_html(label, 60)}")
    said_of_value = "; ".join(parts[len(codes):])  # after the labels: what is said of this value alone
    if said_of_value:
        lines.append(_wrap_html(_truncate(said_of_value, 240), 60))
    if row.get("country_note") is True:
        lines.append("The EMCDDA has a country-specific note (*)")
    if not is_missing(row.get("flag")):
        lines.append(f"Flag in the source: {_esc(row['flag'])}")
    return lines


# Flags that change how a value may be read (drawn as open markers, listed under the chart). Projections and
# national definitions are said in the hover only: they hold for whole series.
WARNING_FLAGS = ("rate_from_all_ages_deaths", "age_bands_exceed_sex_total", "age_bands_all_zero", "part_of_country",
                 "conflicts_with_programme_sources")


def warning_labels(row: Mapping[str, Any]) -> list[str]:
    """The labels of the row's warning flags (value_note holds one label per code of quality_flags, in order)."""
    codes = [code for code in str(row.get("quality_flags") or "").split(",") if code]
    labels = str(row.get("value_note") or "").split("; ")
    return [label for code, label in zip(codes, labels, strict=False) if code in WARNING_FLAGS]


def _flag_footnote(rows: Sequence[Mapping[str, Any]], open_markers: bool) -> str | None:
    """'Open markers: flagged values (details in the hover): <label>: Germany.' for the values drawn."""
    by_label: dict[str, list[str]] = {}
    for row in rows:
        if is_missing(row.get("value")):
            continue
        for label in warning_labels(row):
            names = by_label.setdefault(label, [])
            if row["country"] not in names:
                names.append(row["country"])
    if not by_label:
        return None
    lead = "Open markers: flagged values" if open_markers else "Flagged values"
    return f"{lead} (details in the hover). " + " ".join(
        f"{label}: {join_names(names, limit=6)}." for label, names in by_label.items())


def _map_hover(row: Mapping[str, Any], unit: str, year: int) -> str:
    name = f"<b>{_esc(row['country'])}</b>"
    if is_missing(row.get("value")):
        return f"{name}<br>No data reported for {year}"
    lines = [name, f"{year}: {format_value(row['value'], unit)} {_esc(unit)}", *_value_detail_lines(row, unit)]
    if not is_missing(row.get("rank")):
        lines.append(f"Rank {int(row['rank'])} of {int(row['ranked_countries'])} shown")
    if is_missing(row.get("previous_value")):
        lines.append(f"no value for {year - 1}")
    else:
        lines.append(f"{format_change(row.get('change'), row.get('change_pct'), unit)} vs {year - 1}")
    lines.append(f"Source: {_wrap_html(row.get('source'), 60)}")
    return "<br>".join(lines)


def make_map_figure(map_df: pd.DataFrame, geojson: Mapping[str, Any], *, indicator_label: str, unit: str,
                    year: int, programmes: pd.DataFrame | None = None, projector: bool = False,
                    title: str | None = None, subtitle: str | None = None,
                    source_line: str | None = None) -> go.Figure:
    """Choropleth of one indicator in one year (queries/indicator_map.sql) with HAT programmes as markers.

    Traces, in order: unselected neighbours (very light; hover invites a click), selected countries with no
    value ('No data reported', grey, in the legend), selected countries with a value (Viridis reversed), then per
    programme group a white halo and the markers. Every choropleth point carries its ISO-3 as customdata.
    fig.layout.meta: no_data (ISO-3 without a value), not_on_map (selected ISO-3 outside the GeoJSON),
    programmes_outside_map (programme_ids not drawn), programmes_outside_map_count, frame.
    """
    feature_ids = _feature_ids(geojson)
    ids_on_map = set(feature_ids)
    map_rows = records(map_df)
    selected = {row["iso3"] for row in map_rows}
    not_on_map = [row for row in map_rows if row["iso3"] not in ids_on_map]
    with_data = [row for row in map_rows if row["iso3"] in ids_on_map and not is_missing(row["value"])]
    no_data = [row for row in map_rows if row["iso3"] in ids_on_map and is_missing(row["value"])]
    context_ids = [fid for fid in feature_ids if fid not in selected]

    spec = _new_spec()
    if context_ids:
        # Hoverable so that a click on it reaches the app, which adds the country to the selection.
        names = {str(f.get("id")): (f.get("properties") or {}).get("name", f.get("id"))
                 for f in geojson.get("features", [])}
        spec["data"].append(_flat_choropleth(
            geojson, context_ids, CONTEXT_COLOUR, name="Not selected", showlegend=False,
            hovertext=[f"<b>{_esc(names[fid])}</b><br>Not in the selection (click to add)" for fid in context_ids],
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
            "colorbar": {"title": {"text": "<br>".join(_esc(line) for line in _wrap(unit, 16)), "side": "top"},
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
    flagged = _flag_footnote(with_data, open_markers=False)
    if flagged:
        footnotes.append(flagged)
    if not outside.empty:
        footnotes.append(f"{len(outside)} HAT programme{'s' if len(outside) != 1 else ''} outside the map area not "
                         f"shown ({join_names(sorted(set(outside['country'])))}).")
    _merge(spec["layout"], {
        "geo": {"visible": False, "showframe": False, "showcoastlines": False, "showcountries": False,
                "showland": False, "showocean": False, "showlakes": False, "showrivers": False,
                "bgcolor": "rgba(0,0,0,0)", "resolution": 110, "projection": {"type": MAP_PROJECTION},
                "lonaxis": {"range": list(MAP_LON_RANGE)}, "lataxis": {"range": list(MAP_LAT_RANGE)}},
        "height": 800 if projector else 720, "margin": {"l": 12, "r": 12},
        "legend": {"x": 0.01, "xanchor": "left", "y": 0.02, "yanchor": "bottom", "bordercolor": "#cccccc",
                   "borderwidth": 1, "title": {"text": ""}},
    })
    extra = ["Boundaries: Natural Earth."]
    if programmes is not None and not programmes.empty:
        extra.append("HAT programmes: Drug Policy Atlas compilation (sources per programme in the hover).")
    _frame_spec(spec, title=title or f"{indicator_label}, {year}",
                subtitle=subtitle if subtitle is not None else f"{unit}; rank among the {len(with_data)} "
                                                               f"countries with a value",
                source_line=source_line or source_line_for(
                    [row["source"] for row in (with_data or map_rows)], extra),
                footnote="\n".join(footnotes) or None,
                projector=projector)
    _set_meta(spec, no_data=[row["iso3"] for row in no_data], not_on_map=[row["iso3"] for row in not_on_map],
              programmes_outside_map=list(outside["programme_id"]) if not outside.empty else [],
              programmes_outside_map_count=len(outside))
    return _to_figure(spec)


def _add_programme_markers(spec: Spec, programmes: pd.DataFrame) -> None:
    """One white halo trace (visible on dark and pale fills) and one marker trace per programme group."""
    if programmes.empty:
        return
    programmes = programmes.reset_index(drop=True)
    positions = _offset_positions(programmes)
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
            "hovertext": [_programme_hover(programme_rows[i], phase) for i in rows],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "marker": {"color": style["colour"], "symbol": style["symbol"], "line": {"color": TEXT_COLOUR}}})


# ---------------------------------------------------------------------------------------------------------------
# Trend


def _rgba(colour: str, alpha: float) -> str:
    colour = colour.lstrip("#")
    red, green, blue = (int(colour[i: i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def _trend_hover(row: Mapping[str, Any], unit: str, index_base_year: int | None) -> str:
    name = f"<b>{_esc(row['country'])}</b>"
    if is_missing(row.get("value")):
        return f"{name}<br>{int(row['year'])}: no value reported"
    lines = [name, f"{int(row['year'])}: {format_value(row['value'], unit)} {_esc(unit)}"]
    if index_base_year is not None and not is_missing(row.get("plotted")):
        lines.append(f"Index {float(row['plotted']):,.1f} ({index_base_year} = 100)")
    lines.extend(_value_detail_lines(row, unit))
    lines.append(f"Source: {_wrap_html(row.get('source'), 60)}")
    return "<br>".join(lines)


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


def _place_labels(labels: list[dict[str, Any]], first: int, last: int, size: Mapping[str, float]) -> int:
    """Give each label a row in the strip above the plot so that labels in one row do not overlap (greedy by x).

    Label widths are estimated for a narrow plot (700 px), so the estimate errs towards an extra row rather than
    an overlap. A label that would run past the right edge is right-aligned to it. Returns the number of rows.
    """
    years_per_px = (last - first + 1) / 700.0
    right_edge = last + 0.5
    for label in labels:
        width = (len(label["text"]) * size["label"] * 0.55 + 14) * years_per_px
        if label["x"] + width > right_edge:
            label.update(anchor="right", left=right_edge - width, right=right_edge, x=right_edge)
        else:
            label.update(anchor="left", left=label["x"], right=label["x"] + width)
    level_ends: list[float] = []
    for label in sorted(labels, key=lambda item: item["left"]):
        level = next((i for i, end in enumerate(level_ends) if end <= label["left"]), len(level_ends))
        if level == len(level_ends):
            level_ends.append(label["right"])
        level_ends[level] = label["right"]
        label["level"] = level
    return len(level_ends)


def make_trend_figure(trend_df: pd.DataFrame, *, indicator_label: str, unit: str,
                      programmes: pd.DataFrame | None = None, log_y: bool = False, index_base_year: int | None = None,
                      projector: bool = False, title: str | None = None, subtitle: str | None = None,
                      source_line: str | None = None) -> go.Figure:
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
            notes.append(f"No {index_base_year} value to index on, not shown: {join_names(missing['country'])}.")
        frame = frame[~frame["iso3"].isin(dropped_no_base)].copy()
    if log_y:
        bad = frame["value"].notna() & frame["plotted"].isna()
        dropped_non_positive = [f"{c} {int(y)}" for c, y in zip(frame.loc[bad, "country"], frame.loc[bad, "year"],
                                                                 strict=True)]
        if dropped_non_positive:
            notes.append(f"Log scale: {len(dropped_non_positive)} value(s) of zero or below not shown "
                         f"({join_names(dropped_non_positive, limit=6)}).")

    reported = trend_df.groupby("iso3", sort=False)["value"].count()
    silent = trend_df.loc[trend_df["iso3"].isin(reported[reported == 0].index), "country"].drop_duplicates()
    no_values = list(trend_df.loc[trend_df["iso3"].isin(reported[reported == 0].index), "iso3"].drop_duplicates())
    if no_values:
        notes.append(f"No values reported in {first}–{last}: {join_names(sorted(silent))}.")

    styles = country_styles(trend_df["iso3"])  # from all countries asked for, so dropping one keeps the others
    spec = _new_spec()
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
            "hovertext": [_trend_hover(row, unit, index_base_year) for row in rows],
            "hovertemplate": "%{hovertext}<extra></extra>"})
        flagged_rows = [row for row in rows if warning_labels(row) and not is_missing(row["plotted"])]
        if flagged_rows:  # open markers over the flagged points; the series underneath keeps the hover
            spec["data"].append({
                "type": "scatter", "x": [int(row["year"]) for row in flagged_rows],
                "y": [float(row["plotted"]) for row in flagged_rows], "mode": "markers", "showlegend": False,
                "legendgroup": iso3, "hoverinfo": "skip", "name": f"{country} (flagged)",
                "meta": {"role": "flagged", "iso3": iso3},
                "marker": {"color": "#ffffff", "line": {"color": style["colour"], "width": 2}}})

    flagged = _flag_footnote([row for rows in rows_by_country.values() for row in rows], open_markers=True)
    if flagged:
        notes.append(flagged)
    programme_meta = _add_programme_periods(spec, programmes, countries, styles, first, last, size)
    notes.extend(programme_meta.pop("notes"))
    _set_meta(spec, label_strip_px=programme_meta["label_strip_px"])  # the frame keeps this strip free

    span = max(last - first, 1)
    y_title = f"Index ({index_base_year} = 100)" if index_base_year is not None else unit
    tick_unit = "index" if index_base_year is not None else unit
    yaxis = {"title": {"text": _esc(y_title)}, "type": "log" if log_y else "linear",
             "rangemode": "tozero" if not log_y else "normal",
             "tickformat": "" if (is_rate_unit(tick_unit) or log_y) else ","}
    if log_y:
        ticks = _log_ticks(frame["plotted"].dropna())
        yaxis.update(tickvals=ticks, ticktext=[f"{t:,.10g}" for t in ticks])
    _merge(spec["layout"], {
        "xaxis": {"range": [first - 0.5, last + 0.5], "tickformat": "d",
                  "dtick": 1 if span <= 10 else 2 if span <= 20 else 5, "showgrid": False},
        "yaxis": yaxis,
        "height": (740 if projector else 660) + programme_meta["label_strip_px"], "hovermode": "closest",
        "margin": {"l": 96 if projector else 80, "r": 20},
        "legend": {"title": {"text": "Country"}, "orientation": "v", "x": 1.02, "xanchor": "left", "y": 1,
                   "yanchor": "top", "traceorder": "normal"},
    })
    default_title = (indicator_label if not years else f"{indicator_label}, {first}–{last}" if first != last
                     else f"{indicator_label}, {first}")
    if not years or countries.empty:
        _add_empty_message(spec, "No values to show for the countries and years selected.", size)
    if index_base_year is not None:
        default_title += f" (index, {index_base_year} = 100)"
    if log_y:
        default_title += ", log scale"
    extra = []
    if programme_meta["programmes_drawn"]:
        extra.append("HAT programmes: Drug Policy Atlas compilation (sources in the programme table).")
    _frame_spec(spec, title=title or default_title, subtitle=subtitle if subtitle is not None else unit,
                source_line=source_line or source_line_for(trend_df.loc[trend_df["value"].notna(), "source"], extra),
                footnote="\n".join(notes) or None, projector=projector)
    _set_meta(spec, country_styles=styles, no_values=no_values, dropped_no_base=dropped_no_base,
              dropped_non_positive=dropped_non_positive, **programme_meta)
    return _to_figure(spec)


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
        start, end = _year(row.get("start_year")), _year(row.get("end_year"))
        colour = styles[iso3]["colour"]
        if phase in ("planned/never implemented", "unsupervised prescribing"):  # no HAT to mark on a trend
            result["programmes_not_drawn"].append(pid)
            continue
        described = f"{names[iso3]}: {_short_name(row.get('programme_name'))}"
        if start is None:
            result["programmes_unknown_start"].append(pid)
            unknown_text.append(described)
            continue
        if start > last or (end is not None and end < first):
            result["programmes_outside_years"].append(pid)
            outside_text.append(f"{described} ({programme_years_text(start, end)})")
            continue
        if _is_regular(row):
            # Regular treatment that began before the range is in effect throughout: mark it at the left edge.
            x = max(start, first)
            since = f"{start}" if start >= first else f"since {start}"
            shapes.append({"type": "line", "name": f"hat-line-{pid}", "xref": "x", "yref": "paper", "x0": x, "x1": x,
                           "y0": 0, "y1": 1, "layer": "above",
                           "line": {"color": colour, "dash": "dot", "width": size["shape"]}})
            labels.append({"x": x, "text": f"HAT regular: {names[iso3]} {since}", "colour": colour, "pid": pid})
        else:
            stop = end if end is not None else last
            x0, x1 = max(start - 0.5, first - 0.5), min(stop + 0.5, last + 0.5)
            shapes.append({"type": "rect", "name": f"hat-band-{pid}", "xref": "x", "yref": "paper", "x0": x0,
                           "x1": x1, "y0": 0, "y1": 1, "layer": "below", "line": {"width": 0},
                           "fillcolor": _rgba(colour, 0.14)})
            labels.append({"x": x0, "text": f"HAT {_project_word(row)}: {names[iso3]} "
                                            f"{programme_years_text(start, end)}", "colour": colour, "pid": pid})
        result["programmes_drawn"].append(pid)
    if shapes:
        spec["layout"].setdefault("shapes", []).extend(shapes)
    rows = _place_labels(labels, first, last, size)
    row_px = size["label"] * 1.9
    annotations = spec["layout"].setdefault("annotations", [])
    for label in labels:  # in the strip above the plot, row 0 nearest to it: labels never cover the data
        annotations.append({
            "name": f"hat-label-{label['pid']}", "text": _esc(label["text"]), "x": label["x"], "xref": "x",
            "xanchor": label["anchor"], "y": 1, "yref": "paper", "yanchor": "bottom",
            "yshift": 4 + label["level"] * row_px, "showarrow": False,
            "font": {"size": size["label"], "color": TEXT_COLOUR}, "bgcolor": "#ffffff",
            "bordercolor": label["colour"], "borderwidth": 2, "borderpad": 2})
    result["label_strip_px"] = math.ceil(rows * row_px + 6) if rows else 0
    if result["programmes_unknown_start"]:
        result["notes"].append("HAT programme start year not established, not drawn: "
                               + join_names(unknown_text) + ".")
    if outside_text:
        result["notes"].append(f"HAT programmes outside {first}–{last}, not drawn: {join_names(outside_text)}.")
    return result


# ---------------------------------------------------------------------------------------------------------------
# Timeline


def _timeline_labels(programmes: pd.DataFrame) -> list[str]:
    """'Germany: German heroin model project' (+ ' ⚠' when sources conflict); unique per row."""
    labels: list[str] = []
    for row in records(programmes):
        label = f"{row['country']}: {_short_name(row.get('programme_name'))}"
        if label in labels:
            label += f" [{row['programme_id']}]"
        if not is_missing(row.get("conflict_flag")) and str(row["conflict_flag"]).strip():
            label += " ⚠"
        labels.append(label)
    return labels


def make_timeline_figure(programmes_df: pd.DataFrame, *, projector: bool = False, current_year: int = CURRENT_YEAR,
                         first_year: int = TIMELINE_FIRST_YEAR, title: str | None = None,
                         subtitle: str | None = None, source_line: str | None = None) -> go.Figure:
    """Gantt-like timeline of HAT programmes (queries/programmes.sql): one row per programme, coloured by group.

    A bar runs from start to end year; an ongoing programme runs to current_year and ends in an arrow. With no
    start year, a diamond marks the one year known (end year, else the year of the status) and the hover says
    'start year not established'. Rows whose sources conflict end in '⚠' and give the conflict in the hover.
    fig.layout.meta: bars (programme_ids drawn as bars), ongoing, start_unknown_markers, not_drawn (no year at all),
    clipped (started before first_year), frame.
    """
    size = SIZES[projector]
    frame = programmes_df.copy()
    frame["_start"] = pd.array([_year(v) for v in frame["start_year"]], dtype="Int64")
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
        start, end = _year(row["_start"]), _year(row.get("end_year"))
        phase = row["_phase"]
        hover = _programme_hover(row, phase)
        if start is not None and (end is not None or phase not in ("ended", "planned/never implemented")):
            is_ongoing = end is None
            stop = current_year if is_ongoing else end
            bars[phase].append({**row, "_x0": start, "_width": max(stop - start, 0.4),
                                "_hover": hover + ("<br>Ongoing: bar drawn to " + str(current_year)
                                                   if is_ongoing else "")})
            if is_ongoing:
                ongoing.append(row)
            if start < first_year:
                clipped.append({**row, "_start": start})
            continue
        known = start if start is not None else end if end is not None else _year(row.get("status_as_of"))
        if known is None:
            not_drawn.append(row["programme_id"])
            continue
        why = ("start year not established" if start is None else "end year not established")
        markers.append({**row, "_x": known, "_hover": f"{hover}<br><i>{why}; marker at {known}</i>"})

    spec = _new_spec()
    traces = spec["data"]
    for phase in PHASES:
        phase_markers = [m for m in markers if m["_phase"] == phase]
        style = PHASE_STYLES[phase]
        if bars[phase]:
            traces.append({
                "type": "bar", "orientation": "h", "y": [b["_label"] for b in bars[phase]],
                "x": [b["_width"] for b in bars[phase]], "base": [b["_x0"] for b in bars[phase]],
                "name": style["label"], "legendgroup": phase, "width": 0.6,
                "marker": {"color": style["colour"], "line": {"color": TEXT_COLOUR, "width": 1}},
                "customdata": [b["programme_id"] for b in bars[phase]],
                "meta": {"role": "timeline-bar", "phase": phase},
                "hovertext": [b["_hover"] for b in bars[phase]], "hovertemplate": "%{hovertext}<extra></extra>"})
        if phase_markers:  # a group with markers only gets its legend entry here
            traces.append({
                "type": "scatter", "x": [m["_x"] for m in phase_markers], "y": [m["_label"] for m in phase_markers],
                "mode": "markers", "name": style["label"], "legendgroup": phase, "showlegend": not bars[phase],
                "meta": {"role": "timeline-marker", "phase": phase},
                "marker": {"symbol": "diamond", "color": style["colour"], "line": {"color": TEXT_COLOUR}},
                "customdata": [m["programme_id"] for m in phase_markers],
                "hovertext": [m["_hover"] for m in phase_markers], "hovertemplate": "%{hovertext}<extra></extra>"})
    if ongoing:
        traces.append({
            "type": "scatter", "x": [current_year] * len(ongoing), "y": [r["_label"] for r in ongoing],
            "mode": "markers", "name": f"Ongoing (drawn to {current_year})", "meta": {"role": "timeline-marker"},
            "marker": {"symbol": "triangle-right", "color": TEXT_COLOUR, "line": {"color": "#ffffff"}},
            "customdata": [r["programme_id"] for r in ongoing], "hoverinfo": "skip"})
    if markers:  # legend entry only: the diamonds themselves are drawn in their group's colour above
        traces.append({
            "type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": "Start year not established",
            "hoverinfo": "skip", "meta": {"role": "timeline-marker"},
            "marker": {"symbol": "diamond", "color": "#ffffff", "line": {"color": TEXT_COLOUR}}})
    spec["layout"]["annotations"] = [
        {"name": f"hat-label-clipped-{row['programme_id']}", "text": f"<b>◀ from {row['_start']}</b>",
         "x": first_year - 0.5, "xref": "x", "xanchor": "left", "y": row["_label"], "yref": "y", "showarrow": False,
         "xshift": 4, "font": {"size": size["label"], "color": "#ffffff"}} for row in clipped]

    order = list(frame["_label"])
    if frame.empty:
        _add_empty_message(spec, "No heroin-assisted treatment programmes recorded for the selected countries.",
                           size)
    footnotes = []
    if not_drawn:
        footnotes.append(f"No year established, not drawn: {join_names(not_drawn)}.")
    if clipped:
        footnotes.append(f"Axis starts in {first_year}; earlier starts are marked '◀ from <year>'.")
    if any(label.endswith("⚠") for label in order):
        footnotes.append("⚠ sources disagree about this programme (details in the hover).")
    label_px = max((len(label) for label in order), default=10) * size["base"] * 0.56 + 16
    _merge(spec["layout"], {
        "xaxis": {"range": [first_year - 0.5, current_year + 1], "tickformat": "d", "dtick": 10, "tickangle": 0,
                  "showgrid": True},
        "yaxis": {"categoryorder": "array", "categoryarray": order, "autorange": "reversed", "showgrid": False,
                  "ticks": "", "automargin": True},
        "margin": {"l": math.ceil(label_px), "r": 20},
        "barmode": "overlay", "hovermode": "closest", "bargap": 0.35,
        # In a strip above the bars (reserved via label_strip_px), so the years keep the full width.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom",
                   "title": {"text": ""}},
    })
    _set_meta(spec, label_strip_px=size["base"] * 4.2)
    countries = frame["country"].nunique()
    _frame_spec(spec, title=title or "Heroin-assisted treatment programmes",
                subtitle=subtitle if subtitle is not None else f"{len(frame)} programmes in {countries} countries",
                source_line=source_line or "Source: Drug Policy Atlas compilation of heroin-assisted treatment "
                                           "programmes (sources per programme in the hover and the programme table).",
                footnote="\n".join(footnotes), projector=projector)
    margin = spec["layout"]["margin"]
    spec["layout"]["height"] = int(margin["t"] + margin["b"] + 40 + size["row"] * max(len(frame), 3))
    _set_meta(spec, bars=[b["programme_id"] for phase in PHASES for b in bars[phase]],
              ongoing=[r["programme_id"] for r in ongoing], start_unknown_markers=[m["programme_id"] for m in markers],
              not_drawn=not_drawn, clipped=[r["programme_id"] for r in clipped])
    return _to_figure(spec)
