"""Labels in the strip above a plot (a trend's HAT programmes): each in a row where it overlaps no other, for the
width the plot is drawn at. Built for a phone's width; an export that knows its width places them again, so a
wide slide does not stack five rows of labels over a plot they leave 140 px tall."""

from __future__ import annotations

import math
from typing import Any

from dashboard.figures.formatting import esc

PHONE_PLOT_PX = 300.0  # the narrowest plot a label row must fit: an extra row rather than an overlap
META_KEY = "strip_labels"  # layout.meta: what placing them again needs


def row_px(label_px: float) -> float:
    return label_px * 3.1  # two lines a label


def place(labels: list[dict[str, Any]], first: int, last: int, label_px: float,
          plot_px: float = PHONE_PLOT_PX) -> int:
    """Give each label (x in years, text with '\\n' between its lines) an anchor and a row so that labels in one
    row do not overlap (greedy by x); widths are estimated from the characters. A label that would run past the
    right edge ends at its line instead (or, when that would run past the left edge, at the right edge).
    Returns the number of rows."""
    years_per_px = (last - first + 1) / max(plot_px, 1.0)
    left_edge, right_edge = first - 0.5, last + 0.5
    for label in labels:
        longest = max(len(line) for line in label["text"].split("\n"))
        width = (longest * label_px * 0.55 + 14) * years_per_px
        x = label["x"]
        if x + width <= right_edge:
            label.update(anchor="left", left=x, right=x + width, drawn_x=x)
        elif x - width >= left_edge:
            label.update(anchor="right", left=x - width, right=x, drawn_x=x)
        else:
            label.update(anchor="right", left=right_edge - width, right=right_edge, drawn_x=right_edge)
    row_ends: list[float] = []
    for label in sorted(labels, key=lambda item: item["left"]):
        row = next((i for i, end in enumerate(row_ends) if end <= label["left"]), len(row_ends))
        if row == len(row_ends):
            row_ends.append(label["right"])
        row_ends[row] = label["right"]
        label["row"] = row
    return len(row_ends)


def annotation(label: dict[str, Any], label_px: float, text_colour: str) -> dict[str, Any]:
    """A placed label as an annotation above the plot, row 0 nearest to it: labels never cover the data."""
    return {"name": f"hat-label-{label['pid']}", "text": "<br>".join(esc(line) for line in label["text"].split("\n")),
            "x": label["drawn_x"], "xref": "x", "xanchor": label["anchor"], "y": 1, "yref": "paper",
            "yanchor": "bottom", "yshift": 4 + label["row"] * row_px(label_px), "showarrow": False,
            "font": {"size": label_px, "color": text_colour}, "bgcolor": "#ffffff", "bordercolor": label["colour"],
            "borderwidth": 2, "borderpad": 2}


def strip_height(rows: int, label_px: float) -> int:
    return math.ceil(rows * row_px(label_px) + 6) if rows else 0


def place_again(spec: dict, plot_px: float) -> None:
    """Place the spec's strip labels again for a plot drawn plot_px wide: their anchors, rows and the strip's
    height (meta label_strip_px, which the frame keeps free). A figure without strip labels is left alone."""
    layout = spec["layout"]
    meta = layout.get("meta") if isinstance(layout.get("meta"), dict) else {}
    saved = meta.get(META_KEY)
    if not saved or not saved.get("labels"):
        return
    labels = [dict(label) for label in saved["labels"]]
    rows = place(labels, saved["first"], saved["last"], saved["label_px"], plot_px)
    placed = {f"hat-label-{label['pid']}": label for label in labels}
    for shown in layout.get("annotations", []):
        label = placed.get(shown.get("name"))
        if label is not None:
            shown.update(x=label["drawn_x"], xanchor=label["anchor"],
                         yshift=4 + label["row"] * row_px(saved["label_px"]))
    meta["label_strip_px"] = strip_height(rows, saved["label_px"])
