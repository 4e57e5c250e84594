"""Offline HTML: a view or a whole deck as one self-contained page, plotly.js and base maps inlined."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go
import plotly.io as pio
from babel.numbers import get_decimal_symbol, get_minus_sign_symbol
from plotly.offline import get_plotlyjs

from dashboard import i18n, views
from dashboard.charts import ChartView
from dashboard.export.renderer import _geo_assets_script
from dashboard.export.stamp import APP_NAME, bare_figure, credit_line, export_stamp, file_name, now, view_url
from dashboard.export.tables import flat_table, sheet_headers
from dashboard.i18n import N_, ntr, tr
from dashboard.slides import Slide, table_html

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
table.dpa-slide-table { font-size: 1.05rem; width: 100%; } table.dpa-slide-table .num { text-align: right; }
p.body { font-size: 1.3rem; white-space: pre-wrap; line-height: 1.4; }
section.cover { text-align: center; padding: 3rem 0; } section.cover h2 { font-size: 2.2rem; }
body.presenting header, body.presenting section.slide:not(.current) { display: none; }
body.presenting main { max-width: none; padding: 1rem 2rem; }
body.presenting section.slide.current { height: calc(100vh - 2rem); overflow: hidden; margin: 0; }
body.presenting div.note, body.presenting details { display: none; }
body.presenting h2 { font-size: 2rem; } body.presenting section.cover h2 { font-size: 3rem; }
#black { position: fixed; inset: 0; background: #000; z-index: 10; cursor: none; }
"""


def _chart_div(figure: go.Figure, div_id: str, name: str) -> str:
    config = {**HTML_CONFIG, "toImageButtonOptions": {"format": "png", "filename": name}}
    return pio.to_html(figure, include_plotlyjs=False, full_html=False, div_id=div_id, config=config,
                       default_width="100%", validate=False)


def _shortest(value: float) -> str:
    """A number in its shortest round-trip form (as the CSV writes it, every digit), with the language's decimal
    mark and minus sign: '620.0' / '620,0'."""
    text = repr(float(value))
    if i18n.current() == i18n.ENGLISH or not any(ch.isdigit() for ch in text):  # nan, inf
        return text
    locale = i18n.LOCALES[i18n.current()]
    return text.replace(".", get_decimal_symbol(locale)).replace("-", get_minus_sign_symbol(locale))


def _data_table(view: ChartView) -> str:
    """The rows behind the chart, every digit, in the view's language (headers, decimal mark)."""
    with i18n.language(views.view_language(view)):
        frame = flat_table(view.data)
        return frame.rename(columns=sheet_headers(frame)).to_html(index=False, na_rep="", border=0, escape=True,
                                                                   float_format=_shortest)


REOPEN = N_("Reopen this view")


def _section(view: ChartView, figure: go.Figure, number: int, url: str, stamp: str, note: str, heading: str) -> str:
    # Numbers as in the CSV export (shortest round-trip form), not rounded for display.
    table = _data_table(view)
    note_html = f'<div class="note">{html.escape(note)}</div>' if note.strip() else ""
    stem = file_name(view, "png")[:-4]
    rows = ntr("Data ({n} row)", "Data ({n} rows)", len(view.data))
    return (f'<section class="slide" id="slide-{number}">'
            f"<{heading}>{html.escape(view.title)}</{heading}>"
            f'<p class="subtitle">{html.escape(view.subtitle)}</p>'
            f"{_chart_div(figure, f'chart-{number}', stem)}"
            f'<p class="source">{html.escape(view.source_line)}</p>'
            + "".join(f'<p class="source">{html.escape(credit_line(credit))}</p>' for credit in view.credits)
            + f'{note_html}'
            f'<p class="stamp">{html.escape(stamp)} · <a href="{html.escape(url)}">{html.escape(tr(REOPEN))}</a></p>'
            f"<details><summary>{html.escape(rows)}</summary>{table}</details></section>")


def _page(title: str, body: str, figures_: Sequence[go.Figure]) -> bytes:
    """A self-contained page in the current language: base maps first, then plotly.js once, then the body."""
    page = (f'<!DOCTYPE html>\n<html lang="{i18n.current()}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style>"
            f"{_geo_assets_script(figures_)}"
            f'<script type="text/javascript">{get_plotlyjs()}</script></head>'
            f"<body><main>{body}</main></body></html>\n")
    return page.encode("utf-8")


def to_html(view: ChartView, *, exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """One offline HTML file: the interactive chart (plotly.js and base maps inlined), its words and its data, in
    the view's language."""
    exported_on = exported_on or now()
    figure = bare_figure(view)
    with i18n.language(views.view_language(view)):
        section = _section(view, figure, 1, view_url(view, base_url), export_stamp(exported_on), "", "h1")
        return _page(f"{view.title} – {APP_NAME}", section, [figure])


def _words_section(slide: Slide, number: int, heading: str) -> str:
    note_html = f'<div class="note">{html.escape(slide.note)}</div>' if slide.note.strip() else ""
    kind = "cover" if slide.kind == "title" else "words"
    return (f'<section class="slide {kind}" id="slide-{number}"><{heading}>{html.escape(slide.title)}</{heading}>'
            f'<p class="body">{html.escape(slide.text)}</p>{note_html}</section>')


def _table_section(slide: Slide, number: int, url: str, stamp: str, heading: str) -> str:
    view = slide.view
    note_html = f'<div class="note">{html.escape(slide.note)}</div>' if slide.note.strip() else ""
    return (f'<section class="slide" id="slide-{number}"><{heading}>{html.escape(slide.title)}</{heading}>'
            f'<p class="subtitle">{html.escape(view.subtitle)}</p>{table_html(slide.table)}'
            f'<p class="source">{html.escape(view.source_line)}</p>{note_html}'
            f'<p class="stamp">{html.escape(stamp)} · <a href="{html.escape(url)}">{html.escape(tr(REOPEN))}</a></p>'
            "</section>")


def deck_to_html(slides: Sequence[Slide], *, title: str = "Meeting deck", exported_on: date | None = None,
                 base_url: str | None = None, editions: tuple[str, ...] = ()) -> bytes:
    """The deck as one offline page: every chart interactive, plotly.js and each base map inlined once; 'Present'
    (or P) shows one slide at a time with the app's keys, the speaker notes hidden. Its own words in the current
    language (export_deck enters the deck's)."""
    exported_on = exported_on or now()
    stamp = export_stamp(exported_on)
    charts = {number: bare_figure(slide.view) for number, slide in enumerate(slides, start=1)
              if slide.kind == "chart" and slide.view is not None}
    contents = "".join(f'<li><a href="#slide-{number}">{html.escape(slide.title)}</a>'
                       + (f" <small>({html.escape(slide.subtitle)})</small>" if slide.subtitle else "") + "</li>"
                       for number, slide in enumerate(slides, start=1))
    record = "".join(f"<li>{html.escape(line)}</li>" for line in editions)
    count = ntr("{n} slide", "{n} slides", len(slides))
    present = tr("Present (P)")
    header = (f"<header><h1>{html.escape(title)}</h1><p class=\"stamp\">{html.escape(stamp)} · "
              f"{html.escape(count)}</p>"
              + (f"<ul class=\"stamp\">{record}</ul>" if record else "")
              + f'<p><button type="button" id="present">{html.escape(present)}</button> '
                f"<small>{html.escape(tr(PRESENT_KEYS))}</small></p><ol>{contents}</ol></header>")
    sections = []
    for number, slide in enumerate(slides, start=1):
        if slide.kind in ("title", "text"):
            sections.append(_words_section(slide, number, "h2"))
        elif slide.kind == "table" and slide.table is not None:
            sections.append(_table_section(slide, number, view_url(slide.view, base_url), stamp, "h2"))
        else:
            sections.append(_section(slide.view, charts[number], number, view_url(slide.view, base_url), stamp,
                                     slide.note, "h2"))
    return _page(f"{title} – {APP_NAME}", header + "".join(sections) + _PRESENT_SCRIPT, list(charts.values()))


PRESENT_KEYS = N_("Presenting: → or Space next, ← or Shift+Space back (PageDown and PageUp too), Home and End, "
                   "F full screen, B black screen, Esc back to the page.")
# The offline deck presents itself: one slide at a time filling the window, the same keys as the app.
_PRESENT_SCRIPT = """<div id="black" hidden></div><script>
(function () {
  const slides = Array.from(document.querySelectorAll("section.slide"));
  let current = 0, presenting = false;
  function show(index) {
    current = Math.min(Math.max(index, 0), slides.length - 1);
    slides.forEach((slide, i) => slide.classList.toggle("current", i === current));
    history.replaceState(null, "", "#slide-" + (current + 1) + (presenting ? "-present" : ""));
    const plot = slides[current].querySelector(".js-plotly-plot");
    if (plot && window.Plotly) window.Plotly.Plots.resize(plot);
  }
  function present(on) {
    presenting = on;
    document.body.classList.toggle("presenting", on);
    document.getElementById("black").hidden = true;
    show(current);
  }
  document.getElementById("present").addEventListener("click", () => present(true));
  const match = /^#slide-(\\d+)(-present)?$/.exec(location.hash);
  if (match) { current = Number(match[1]) - 1; if (match[2]) present(true); else show(current); }
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const black = document.getElementById("black");
    let handled = true;
    if (!presenting) {
      if (event.key === "p" || event.key === "P") present(true); else handled = false;
    } else if (["ArrowRight", "ArrowDown", "PageDown", "n"].includes(event.key) ||
               (event.key === " " && !event.shiftKey)) { black.hidden = true; show(current + 1); }
    else if (["ArrowLeft", "ArrowUp", "PageUp", "p", "Backspace"].includes(event.key) ||
             (event.key === " " && event.shiftKey)) { black.hidden = true; show(current - 1); }
    else if (event.key === "Home") show(0);
    else if (event.key === "End") show(slides.length - 1);
    else if (event.key === "b" || event.key === "B" || event.key === ".") black.hidden = !black.hidden;
    else if (event.key === "f" || event.key === "F") {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(() => {});
    } else if (event.key === "Escape") { if (!black.hidden) black.hidden = true; else present(false); }
    else handled = false;
    if (handled) event.preventDefault();
  });
})();
</script>"""
