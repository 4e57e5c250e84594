"""Offline HTML: a view or a whole deck as one self-contained page, plotly.js and base maps inlined."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from dashboard.charts import ChartView
from dashboard.export.renderer import _geo_assets_script
from dashboard.export.stamp import APP_NAME, bare_figure, export_stamp, file_name, view_url
from dashboard.export.tables import flat_table

HTML_CONFIG = {"displaylogo": False, "responsive": True, "topojsonURL": "topojson/"}
_STYLE = """
body { font-family: Arial, "Liberation Sans", "DejaVu Sans", sans-serif; margin: 0; color: #1a1a1a; }
main { max-width: 1280px; margin: 0 auto; padding: 1.5rem; }
header { border-bottom: 1px solid #d0d7de; margin-bottom: 1.5rem; }
section.slide { margin-bottom: 3rem; break-after: page; }
h1 { font-size: 1.7rem; margin: 0 0 0.3rem; } h2 { font-size: 1.4rem; margin: 0 0 0.3rem; }
p.subtitle { margin: 0 0 0.5rem; color: #404040; font-size: 1.05rem; }
p.source, p.stamp { font-size: 0.9rem; color: #404040; margin: 0.3rem 0; }
div.note { border-left: 4px solid #0072B2; background: #f4f8fb; padding: 0.5rem 0.8rem; margin: 0.8rem 0;
           white-space: pre-wrap; }
details { margin-top: 0.6rem; } table { border-collapse: collapse; font-size: 0.8rem; }
th, td { border: 1px solid #d0d7de; padding: 0.15rem 0.4rem; text-align: left; }
"""


def _chart_div(figure: go.Figure, div_id: str, name: str) -> str:
    config = {**HTML_CONFIG, "toImageButtonOptions": {"format": "png", "filename": name}}
    return pio.to_html(figure, include_plotlyjs=False, full_html=False, div_id=div_id, config=config,
                       default_width="100%", validate=False)


def _section(view: ChartView, figure: go.Figure, number: int, url: str, stamp: str, note: str, heading: str) -> str:
    # Numbers as in the CSV export (shortest round-trip form), not rounded for display.
    table = flat_table(view.data).to_html(index=False, na_rep="", border=0, escape=True,
                                          float_format=lambda v: repr(float(v)))
    note_html = f'<div class="note">{html.escape(note)}</div>' if note.strip() else ""
    stem = file_name(view, "png")[:-4]
    return (f'<section class="slide" id="slide-{number}">'
            f"<{heading}>{html.escape(view.title)}</{heading}>"
            f'<p class="subtitle">{html.escape(view.subtitle)}</p>'
            f"{_chart_div(figure, f'chart-{number}', stem)}"
            f'<p class="source">{html.escape(view.source_line)}</p>'
            + "".join(f'<p class="source">Credit: {html.escape(credit)}</p>' for credit in view.credits)
            + f'{note_html}'
            f'<p class="stamp">{html.escape(stamp)} · <a href="{html.escape(url)}">Reopen this view</a></p>'
            f"<details><summary>Data ({len(view.data)} rows)</summary>{table}</details></section>")


def _page(title: str, body: str, figures_: Sequence[go.Figure]) -> bytes:
    """A self-contained page: base maps first, then plotly.js once, then the body."""
    page = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style>"
            f"{_geo_assets_script(figures_)}"
            f'<script type="text/javascript">{get_plotlyjs()}</script></head>'
            f"<body><main>{body}</main></body></html>\n")
    return page.encode("utf-8")


def to_html(view: ChartView, *, exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """One offline HTML file: the interactive chart (plotly.js and base maps inlined), its words and its data."""
    exported_on = exported_on or date.today()
    figure = bare_figure(view)
    section = _section(view, figure, 1, view_url(view, base_url), export_stamp(exported_on), "", "h1")
    return _page(f"{view.title} – {APP_NAME}", section, [figure])


def deck_to_html(slides: Sequence[tuple[ChartView, str]], *, title: str = "Meeting deck",
                 exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """The deck as one offline page: every chart interactive, plotly.js and each base map inlined once."""
    exported_on = exported_on or date.today()
    stamp = export_stamp(exported_on)
    charts = [bare_figure(view) for view, _ in slides]
    contents = "".join(f'<li><a href="#slide-{number}">{html.escape(view.title)}</a> '
                       f"<small>({html.escape(view.subtitle)})</small></li>"
                       for number, (view, _) in enumerate(slides, start=1))
    header = (f"<header><h1>{html.escape(title)}</h1><p class=\"stamp\">{html.escape(stamp)} · "
              f"{len(slides)} slide{'s' if len(slides) != 1 else ''}</p><ol>{contents}</ol></header>")
    sections = [_section(view, chart, number, view_url(view, base_url), stamp, note, "h2")
                for number, ((view, note), chart) in enumerate(zip(slides, charts, strict=True), start=1)]
    return _page(f"{title} – {APP_NAME}", header + "".join(sections), charts)


