"""The figure as the app shows it on screen (exports, slides and the command line use the full figure)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io

from dashboard.figures.theme import frame_animation, frame_spec, set_meta

# Plotly's default template (7 KB of a 36 KB map) styles nothing the figure does not set itself, and the app
# draws charts with Streamlit's template: it is not sent to the browser.
EMPTY_TEMPLATE = {"data": {}, "layout": {}}


class ScreenFigure(go.Figure):
    """A figure made for the screen and read-only from then on (charts are cached and shared: dashboard/ui/data.py).

    st.plotly_chart asks a figure for its dict at every rerun, and Plotly's to_dict deep-copies the figure and
    encodes every array again each time (6 ms for a trend of ten countries). This one is encoded once, as JSON,
    straight from the dict it was made from (screen_figure's, already in to_dict's form, so no third copy of the
    figure is made), and each ask gets a fresh dict parsed from it (a quarter of that); Streamlit then sends the
    same figure as Plotly's own path would (tests/test_figures.py). Changing the figure after it is made is not
    supported."""

    def __init__(self, spec: dict | None = None, **kwargs) -> None:
        # Unvalidated, as figures.theme.to_figure: the builders' output is validated in the tests.
        super().__init__(spec, _validate=False, **kwargs)
        # Plotly copies what it keeps, so the dict is still the figure as given: encoded now, then let go.
        self._encoded = plotly.io.to_json(spec if isinstance(spec, dict) and not kwargs else super().to_dict(),
                                          validate=False)

    def to_dict(self) -> dict:
        return json.loads(self._encoded)

    def __reduce__(self):  # Plotly's adds its grid fields to the dict, which would then be encoded as the figure's
        return self.__class__, (self.to_dict(),)


def screen_figure(figure: go.Figure, geometry_url: str | None = None) -> go.Figure:
    """The figure as the app shows it: no title, subtitle, footnote or source line inside the chart, because the
    page sets those as text that wraps on any screen (SVG text does not: on a phone it was cut at the right
    edge). Exports keep them in the figure. An animated map keeps each year's caveats in its frames.
    geometry_url: where the browser fetches a map's shapes (dashboard/basemap.py); its choropleths then refer to
    them instead of carrying them (each draws only the features its `locations` name)."""
    spec = figure.to_dict()
    spec["layout"]["template"] = EMPTY_TEMPLATE
    if geometry_url:
        for trace in spec["data"]:
            if trace.get("type") == "choropleth" and isinstance(trace.get("geojson"), dict):
                trace["geojson"] = geometry_url
    meta = spec["layout"].get("meta") or {}
    animation = meta.get("animation")
    if isinstance(animation, dict):
        set_meta(spec, animation={**animation, "titles": {}})
    frame = meta.get("frame") or {}
    if meta.get("screen_key"):  # the page shows this key as text above the chart
        spec["layout"]["showlegend"] = False
        set_meta(spec, label_strip_px=0)
    frame_spec(spec, title="", subtitle="", source_line="", footnote="", projector=bool(frame.get("projector")))
    set_meta(spec, frame={**frame, "on_screen": "text beside the chart"})
    if spec.get("frames"):
        frame_animation(spec, base_title=frame.get("title", ""), base_footnote="")
    return ScreenFigure(spec)
