"""What the figure tests read off a built figure: traces, shapes and annotations by name, and the frame texts."""

from __future__ import annotations

import plotly.graph_objects as go

# The frame texts the chart registry passes in (dashboard/charts.py); the builders have no defaults.
FRAME = {"title": "T", "subtitle": "s", "source_line": "Source: S."}


def trace_named(fig: go.Figure, name: str):
    matches = [trace for trace in fig.data if trace.name == name]
    assert len(matches) == 1, f"expected one trace named {name!r}, found {[t.name for t in fig.data]}"
    return matches[0]


def series(fig: go.Figure) -> dict[str, go.Scatter]:
    return {trace.name: trace for trace in fig.data
            if isinstance(trace.meta, dict) and trace.meta.get("role") == "series"}


def shown_hovers(trace) -> list[str]:
    """Each point's hover label as Plotly shows it: the trace's template with the point's hover text put in
    (a trend's template carries the source line when all its points share it)."""
    get = trace.get if isinstance(trace, dict) else lambda name: getattr(trace, name)  # as sent, or a go trace
    template = (get("hovertemplate") or "%{hovertext}").replace("<extra></extra>", "")
    return [template.replace("%{hovertext}", str(text)) for text in (get("hovertext") or ())]


def hover_for(trace, location: str) -> str:
    """The hover label a reader sees over one location of a choropleth (its template applied)."""
    return shown_hovers(trace)[list(trace.locations).index(location)]


def shapes_named(fig: go.Figure, prefix: str) -> list:
    return [shape for shape in fig.layout.shapes if shape.name and shape.name.startswith(prefix)]


def annotation_text(fig: go.Figure, name: str) -> str:
    found = [a.text for a in fig.layout.annotations if a.name == name]
    assert len(found) == 1, f"expected one annotation {name!r}, found {len(found)}"
    return found[0]
