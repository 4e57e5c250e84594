"""How every chart looks and is framed: colours, sizes, layout, title/subtitle/footnote/source frame."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import plotly.colors
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.figures import strip_labels
from dashboard.figures.colours import COUNTRY_COLOURS
from dashboard.figures.formatting import esc, wrap_lines

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
# Sizes for the laptop (False) and the projector (True).
SIZES: dict[bool, dict[str, float]] = {
    False: {"base": 16, "title": 24, "subtitle": 17, "note": 14, "hover": 15, "label": 14, "line": 2.5,
            "marker": 7, "programme": 13, "shape": 2, "outline": 1.2, "wrap": 120, "title_wrap": 70, "row": 34},
    True: {"base": 21, "title": 30, "subtitle": 22, "note": 18, "hover": 19, "label": 18, "line": 4.5,
           "marker": 10, "programme": 18, "shape": 3.5, "outline": 1.8, "wrap": 95, "title_wrap": 55, "row": 46},
}
_FRAME_NAMES = ("dpa-subtitle", "dpa-footnote", "dpa-source")
_CARTESIAN_TYPES = {"scatter", "bar", "scattergl", "histogram", "box"}


# The builders assemble a plain figure dict ({"data": [...], "layout": {...}}) and make the go.Figure once at the
# end: every add_trace/update_layout on a go.Figure re-validates, which made building a chart several times
# slower than validating the finished dict once (benchmarks/figure_bench.py).

Spec = dict[str, Any]


def merge_spec(target: dict[str, Any], updates: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge `updates` into `target` the way update_layout does: nested dicts merge, other values replace."""
    for key, value in updates.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            merge_spec(target[key], value)
        else:
            target[key] = merge_spec({}, value) if isinstance(value, Mapping) else value
    return target


def new_spec() -> Spec:
    return {"data": [], "layout": {}}


def to_figure(spec: Spec) -> go.Figure:
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
        "colorway": list(COUNTRY_COLOURS),
        # Plotly's ticks and hover numbers ('%{y:,.1f}') in the language's decimal mark and group separator
        # (its own Norwegian locale has none); English keeps Plotly's default, so its figures are unchanged.
        **({"separators": i18n.plotly_separators()} if i18n.current() != i18n.ENGLISH else {}),
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
            merge_spec(trace, styles[role])
    layout = spec["layout"]
    for shape in layout.get("shapes", []):
        if str(shape.get("name") or "").startswith("hat-line"):
            merge_spec(shape, {"line": {"width": size["shape"]}})
    for annotation in layout.get("annotations", []):
        if str(annotation.get("name") or "").startswith("hat-label"):
            merge_spec(annotation, {"font": {"size": size["label"]}})


def apply_frame(figure: go.Figure, *, title: str, subtitle: str, source_line: str, footnote: str | None = None,
                projector: bool = False) -> go.Figure:
    """A copy of the figure with a bold title, the subtitle (the active filters) under it, footnote and source line.

    Framing again replaces the frame (exports re-frame a view's figure with their stamp). footnote=None keeps the
    footnote the figure already has (the builder's data caveats); pass "" to remove it. The texts are kept in
    fig.layout.meta['frame'] so they can be reused. projector=True: larger type, thicker lines. The figure passed
    in is not changed (cached charts are shared).
    """
    spec = figure.to_dict()
    before = (spec["layout"].get("meta") or {}).get("frame") or {}
    frame_spec(spec, title=title, subtitle=subtitle, source_line=source_line, footnote=footnote,
                projector=projector)
    if spec.get("frames"):
        frame_animation(spec, base_title=before.get("title", ""), base_footnote=before.get("footnote") or "")
    return to_figure(spec)


def resized_figure(figure: go.Figure, height: float, legend_columns: int | None = None,
                   key_beside: bool = False, width: float | None = None) -> go.Figure:
    """The framed figure at another height, framed again (keys placed under the plot move with it).
    legend_columns: a key under the plot laid out in that many columns (1 for frames as narrow as 320 px).
    key_beside: the colour bar and key that go under a map put beside it instead (a wide, short frame: a slide
    on a projector, where under the map they left it a third of the height, and a trend's key its lines).
    width: the width it is drawn at, when known (exports): labels above the plot are placed for it."""
    spec = figure.to_dict()
    spec["layout"]["height"] = height
    meta = spec["layout"].get("meta") or {}
    if key_beside and (meta.get("colorbar_below_px") or meta.get("legend_below_px")):
        _put_key_beside(spec)
        meta = spec["layout"]["meta"]
    if legend_columns and meta.get("legend_below_px"):
        size = SIZES[bool((meta.get("frame") or {}).get("projector"))]
        entries = sum(1 for trace in spec["data"] if trace.get("showlegend", True) and trace.get("name"))
        rows = -(-entries // legend_columns)
        extra = rows * size["base"] * 1.6 + 8 - float(meta["legend_below_px"])
        spec["layout"]["height"] = height + max(extra, 0)
        merge_spec(spec["layout"], {"legend": {"entrywidth": 1 / legend_columns, "entrywidthmode": "fraction"}})
        set_meta(spec, legend_below_px=math.ceil(rows * size["base"] * 1.6 + 8))
    if width:
        margin = spec["layout"].get("margin") or {}
        strip_labels.place_again(spec, width - float(margin.get("l") or 0) - float(margin.get("r") or 0))
    frame = (spec["layout"].get("meta") or {}).get("frame") or {}
    frame_spec(spec, title=frame.get("title", ""), subtitle=frame.get("subtitle", ""),
                source_line=frame.get("source_line", ""), footnote=None, projector=bool(frame.get("projector")))
    if spec.get("frames"):
        frame_animation(spec, base_title=frame.get("title", ""), base_footnote=frame.get("footnote") or "")
    return to_figure(spec)


KEY_BESIDE_PX = 290  # the strip right of a map that holds its colour bar and key on a slide


def _put_key_beside(spec: dict) -> None:
    layout = spec["layout"]
    colour_bar = bool((layout.get("meta") or {}).get("colorbar_below_px"))
    set_meta(spec, colorbar_below_px=0, legend_below_px=0)
    # under the colour bar, if there is one
    legend = {"orientation": "v", "x": 1.02, "xanchor": "left", "xref": "paper", "y": 0.42 if colour_bar else 1,
              "yanchor": "top", "yref": "paper", "entrywidth": None, "entrywidthmode": None}
    if (layout.get("yaxis2") or {}).get("side") == "right":
        # A right-hand axis's ticks and title fill the strip's first 90 px (they hid under the key): the key goes
        # to the strip's far edge.
        legend |= {"x": 0.995, "xanchor": "right", "xref": "container"}
    merge_spec(layout, {"margin": {"r": KEY_BESIDE_PX}, "legend": legend})
    for trace in spec["data"]:
        if isinstance(trace.get("colorbar"), Mapping):
            merge_spec(trace["colorbar"], {"orientation": "v", "x": 1.02, "xanchor": "left", "xref": "paper",
                                           "y": 1, "yanchor": "top", "yref": "paper", "len": 0.5,
                                           "lenmode": "fraction", "thickness": 16, "title": {"side": "top"}})


# A row label's height over its font size: rows closer than this and plotly.js leaves labels out (a 20-programme
# timeline drawn 550 px tall, as the PPTX slide did, showed 10 of its 20 labels).
ROW_LABEL_LINE = 1.3
MIN_ROW_LABEL_PX = 9


def rows_height(figure: go.Figure) -> float | None:
    """The least height at which every row label of a figure with row labels (the timeline) is drawn at its own
    size, each on one line ('Norway · LAR'); None for other figures."""
    meta = figure.layout.meta if isinstance(figure.layout.meta, dict) else {}
    if not meta.get("row_labels"):
        return None
    margin = figure.layout.margin
    return (margin.t or 0) + (margin.b or 0) + meta["row_labels"] * meta["row_label_px"] * ROW_LABEL_LINE + 2


def _fit_row_labels(spec: dict) -> None:
    """Fit the row labels of a figure drawn shorter than its rows need (a timeline on a slide), so every label is
    still drawn and none overlaps the next: two-line labels ('Norway<br>LAR') become one ('Norway · LAR'), then
    the type shrinks, down to MIN_ROW_LABEL_PX."""
    layout = spec["layout"]
    meta = layout.get("meta") or {}
    axis = layout.get("yaxis") or {}
    labels = [str(label) for label in axis.get("categoryarray") or []]
    if not meta.get("row_labels") or not layout.get("height") or not labels:
        return
    margin = layout.get("margin") or {}
    per_row = (layout["height"] - margin.get("t", 0) - margin.get("b", 0)) / meta["row_labels"]
    font = float(meta["row_label_px"])
    lines = max(label.count("<br>") + 1 for label in labels)
    if per_row >= lines * font * ROW_LABEL_LINE:
        return
    if lines > 1:
        joined = {label: label.replace("<br>", " · ") for label in labels}
        axis["categoryarray"] = [joined[label] for label in labels]
        for trace in spec["data"]:
            if isinstance(trace.get("y"), list):
                trace["y"] = [joined.get(value, value) if isinstance(value, str) else value for value in trace["y"]]
        for note in layout.get("annotations") or []:
            if note.get("yref") == "y" and isinstance(note.get("y"), str):
                note["y"] = joined.get(note["y"], note["y"])
        labels = list(joined.values())
    fitted = max(min(font, math.floor(per_row / ROW_LABEL_LINE)), MIN_ROW_LABEL_PX)
    longest = max(len(label) for label in labels)
    merge_spec(layout, {"yaxis": {"tickfont": {"size": fitted}},
                        "margin": {"l": math.ceil(longest * fitted * 0.56 + 16)}})


def frame_animation(spec: Spec, *, base_title: str, base_footnote: str) -> None:
    """Frame each animation frame like the figure (exports add their stamp): a frame shows its own year's title
    and data caveats (layout.meta.animation.titles / footnotes), then whatever the figure's frame adds after the
    caveats of its shown year. The margins fit the longest frame. Animations are maps: no cartesian axes."""
    layout = spec["layout"]
    meta = layout.get("meta") or {}
    frame = meta.get("frame") or {}
    animation = meta.get("animation") or {}
    titles, footnotes = animation.get("titles") or {}, animation.get("footnotes") or {}
    footnote = frame.get("footnote") or ""
    extra = footnote[len(base_footnote):] if base_footnote and footnote.startswith(base_footnote) else (
        "\n" + footnote if footnote and not base_footnote else "")
    for item in spec["frames"]:
        name = str(item.get("name"))
        own_title = titles.get(name, frame.get("title", "")) if frame.get("title") == base_title else frame["title"]
        own_footnote = (footnotes.get(name, base_footnote) + extra).strip("\n")
        scratch = {"data": [], "layout": {"meta": dict(meta), "height": layout.get("height"),
                                          "margin": {"l": (layout.get("margin") or {}).get("l")}}}
        frame_spec(scratch, title=own_title, subtitle=frame.get("subtitle", ""),
                    source_line=frame.get("source_line", ""), footnote=own_footnote,
                    projector=bool(frame.get("projector")))
        item["layout"] = {"title": scratch["layout"]["title"], "annotations": scratch["layout"]["annotations"]}
        for side in ("t", "b"):
            layout["margin"][side] = max(layout["margin"].get(side, 0), scratch["layout"]["margin"][side])


def frame_spec(spec: Spec, *, title: str, subtitle: str, source_line: str, footnote: str | None,
                projector: bool) -> None:
    size = SIZES[projector]
    layout = spec.setdefault("layout", {})
    meta = layout.get("meta") if isinstance(layout.get("meta"), Mapping) else {}
    if footnote is None:
        footnote = (meta.get("frame") or {}).get("footnote")
    merge_spec(layout, base_layout(projector))
    cartesian = _has_cartesian_axes(spec)
    if cartesian:
        merge_spec(layout.setdefault("xaxis", {}), _axis_style(projector))
        merge_spec(layout.setdefault("yaxis", {}), _axis_style(projector))
    _style_traces(spec, projector)

    line_height = 1.3
    title_lines = wrap_lines(title, size["title_wrap"]) if title else []
    subtitle_lines = wrap_lines(subtitle, size["wrap"]) if subtitle else []
    footnote_lines = [line for part in (footnote or "").split("\n") if part.strip()
                      for line in wrap_lines(part, size["wrap"])]
    source_lines = wrap_lines(source_line, size["wrap"]) if source_line else []

    top_pad, gap, edge = 14, 8, 12
    # plotly.js raises a title of two or more lines anchored at its top by about 0.7 of its font size, which cut
    # the first line off (a long title in projector type); measured in Chromium for 2-4 lines at 20 and 30 px.
    title_pad = top_pad + (math.ceil(0.7 * size["title"]) if len(title_lines) > 1 else 0)
    # A builder may reserve a strip of this many pixels between the subtitle and the plot (trend labels).
    strip_px = float(meta.get("label_strip_px", 0))
    title_px = len(title_lines) * size["title"] * line_height
    subtitle_px = len(subtitle_lines) * size["subtitle"] * line_height
    margin_top = title_pad + title_px + (gap + subtitle_px if subtitle_lines else 0) + gap + strip_px + 6
    # Title, subtitle and notes start at the figure's left edge, wherever the plot area starts.
    margin_left = (layout.get("margin") or {}).get("l")
    margin_left = 80 if margin_left is None else margin_left
    # Below a cartesian plot the tick labels come first; the map and other subplots have nothing below. A builder
    # may reserve a strip there too (the animated map's buttons and year slider).
    axis_px = (size["base"] * 1.6 + 10 if cartesian else 6) + float(meta.get("bottom_strip_px", 0))
    # A builder may ask for its colour bar and legend under the plot (the map: a key beside or on the map takes
    # a phone's width or covers countries).
    colorbar_px = float(meta.get("colorbar_below_px", 0))
    colorbar_top_px = axis_px  # from the plot's bottom edge down to the colour bar's top
    axis_px += colorbar_px
    legend_px = float(meta.get("legend_below_px", 0))
    legend_top_px = axis_px  # from the plot's bottom edge down to the legend's top
    axis_px += legend_px
    footnote_px = len(footnote_lines) * size["note"] * line_height
    source_px = len(source_lines) * size["note"] * line_height
    margin_bottom = axis_px + footnote_px + (4 if footnote_lines else 0) + source_px + 12

    merge_spec(layout, {
        "title": {"text": "<br>".join(f"<b>{esc(line)}</b>" for line in title_lines),
                  "x": 0, "xref": "container", "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
                  "pad": {"t": title_pad, "l": edge}, "font": {"size": size["title"], "color": TEXT_COLOUR}},
        "margin": {"t": math.ceil(margin_top), "b": math.ceil(margin_bottom), "l": margin_left},
    })
    height = float(layout.get("height") or 720)
    if colorbar_px:
        for trace in spec["data"]:
            if isinstance(trace.get("colorbar"), Mapping):
                merge_spec(trace["colorbar"], {
                    "orientation": "h", "x": 0, "xanchor": "left", "xref": "container", "xpad": edge,
                    "yref": "container", "y": max(margin_bottom - colorbar_top_px - 4, 0) / height,
                    "yanchor": "top", "lenmode": "pixels", "len": 320, "thickness": 14,
                    "title": {"side": "bottom"}})  # under the ticks: on top plotly.js draws it over the bar
    if legend_px:
        merge_spec(layout, {"legend": {"orientation": "h", "x": 0, "xanchor": "left", "yref": "container",
                                       "y": max(margin_bottom - legend_top_px, 0) / height, "yanchor": "top"}})
    kept = [a for a in layout.get("annotations", []) if a.get("name") not in _FRAME_NAMES]
    common = {"xref": "paper", "x": 0, "xanchor": "left", "xshift": edge - margin_left, "yref": "paper",
              "align": "left", "showarrow": False}
    if subtitle_lines:
        kept.append({"name": "dpa-subtitle", "text": "<br>".join(esc(line) for line in subtitle_lines), "y": 1,
                     "yanchor": "bottom", "yshift": gap + strip_px,
                     "font": {"size": size["subtitle"], "color": MUTED_TEXT_COLOUR}, **common})
    if footnote_lines:
        kept.append({"name": "dpa-footnote", "text": "<br>".join(esc(line) for line in footnote_lines), "y": 0,
                     "yanchor": "top", "yshift": -axis_px,
                     "font": {"size": size["note"], "color": MUTED_TEXT_COLOUR}, **common})
    if source_lines:
        kept.append({"name": "dpa-source", "text": "<br>".join(esc(line) for line in source_lines), "y": 0,
                     "yanchor": "top", "yshift": -(axis_px + footnote_px + (4 if footnote_lines else 0)),
                     "font": {"size": size["note"], "color": MUTED_TEXT_COLOUR}, **common})
    layout["annotations"] = kept
    set_meta(spec, frame={"title": title, "subtitle": subtitle, "source_line": source_line,
                           "footnote": footnote, "projector": projector})
    _fit_row_labels(spec)


def add_empty_message(spec: Spec, text: str, size: Mapping[str, float]) -> None:
    """Say so in the middle of the plot instead of showing empty axes."""
    spec["layout"].setdefault("annotations", []).append(
        {"name": "dpa-empty", "text": esc(text), "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
         "showarrow": False, "font": {"size": size["subtitle"], "color": MUTED_TEXT_COLOUR}})


def set_meta(spec: Spec, **entries: Any) -> None:
    meta = spec["layout"].get("meta")
    spec["layout"]["meta"] = {**(meta if isinstance(meta, Mapping) else {}), **entries}
