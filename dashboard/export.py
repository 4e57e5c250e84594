"""Exports: a ChartView as PNG, SVG, PDF, offline HTML, CSV or XLSX, and a meeting deck as PPTX, PDF or HTML.

Static images are drawn by Kaleido in a headless Chromium kept warm between calls; HTML, CSV and XLSX need no
browser. Every exported chart carries its title, active filters, source, export date and the link that reopens it.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import html
import io
import json
import os
import re
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import kaleido
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from kaleido.errors import KaleidoError
from plotly.offline import get_plotlyjs

from dashboard import figures, settings
from dashboard.views import ChartView

APP_NAME = "Drug Policy Atlas"
PUBLIC_URL_ENV = "DPA_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://localhost:8501/"
CHROMIUM_HINT = ("Static images (PNG, SVG, PDF, PPTX) need Chromium; install it with `apt-get install chromium` "
                 "(or set BROWSER_PATH to a Chrome/Chromium binary). HTML, CSV and XLSX exports still work.")
RENDER_TIMEOUT_SECONDS = 60  # one image; a hung browser is replaced after this
START_TIMEOUT_SECONDS = 60
TABS = 1  # browser tabs drawing at once; more start slower and gained nothing measurable on a 2-core machine


@dataclass(frozen=True)
class ImageSize:
    """Layout size in CSS pixels and the scale Kaleido multiplies it by for the output pixels."""

    width: int
    height: int
    scale: float

    @property
    def pixels(self) -> tuple[int, int]:
        return round(self.width * self.scale), round(self.height * self.scale)


# 'slide': 1600x900 px, 16:9 for slides and screens. 'print': 3300x2550 px = US letter landscape at 300 dpi.
IMAGE_SIZES = {"slide": ImageSize(1280, 720, 1.25), "print": ImageSize(1100, 850, 3.0)}
MEDIA_TYPES = {
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "html": "text/html",
    "csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
VIEW_FORMATS = ("png", "svg", "pdf", "html", "csv", "xlsx", "pptx")
DECK_FORMATS = ("pptx", "pdf", "html")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class ExportUnavailable(RuntimeError):
    """This export needs something the machine lacks (Chromium, a base-map file); the message says what."""


# --- names, links and the stamp -------------------------------------------------------------------------------


def file_name(view: ChartView, ext: str) -> str:
    """'<chart>_<indicator>_<countries>_<years>.<ext>', reduced to letters, digits, '.', '_' and '-'."""
    stem = _UNSAFE_NAME.sub("-", view.file_stem or view.kind or "chart").strip("-.") or "chart"
    return f"{stem[:150]}.{_UNSAFE_NAME.sub('', ext).lower()}"


def deck_file_name(title: str, ext: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._]+", "-", title).strip("-.").lower() or "deck"
    return f"{stem[:80]}.{_UNSAFE_NAME.sub('', ext).lower()}"


def public_url(base_url: str | None = None) -> str:
    """Where the app is published: the argument, else $DPA_PUBLIC_URL, else the local Streamlit default."""
    return base_url or os.environ.get(PUBLIC_URL_ENV) or DEFAULT_PUBLIC_URL


def view_url(view: ChartView, base_url: str | None = None) -> str:
    """The link that reopens the view in the app: the page in the path, the filters in the query string."""
    base = public_url(base_url).split("?", 1)[0].rstrip("/")
    params = parse_qsl(view.query_string, keep_blank_values=True)
    page = next((value for key, value in params if key == "page"), "")
    page = "" if page == "map" else page  # Streamlit serves the default page at the root only
    rest = urlencode([(key, value) for key, value in params if key != "page"], safe=",")
    return f"{base}/{page}?{rest}" if rest else f"{base}/{page}"


def export_stamp(exported_on: date) -> str:
    return f"Exported {exported_on.isoformat()} from {APP_NAME}"


def stamp_lines(exported_on: date, url: str) -> str:
    """The two footnote lines every exported image carries (the link on its own line, so it is not broken)."""
    return f"{export_stamp(exported_on)}.\nReopen this view: {url}"


def _frame(figure: go.Figure) -> dict:
    """The texts and size apply_frame last put on the figure (kept in layout.meta['frame'])."""
    meta = figure.layout.meta if isinstance(figure.layout.meta, dict) else {}
    frame = meta.get("frame")
    return frame if isinstance(frame, dict) else {}


def stamp_figure(view: ChartView, *, exported_on: date, view_url: str, note: str = "") -> go.Figure:
    """A copy of the view's figure framed for export: title, filters, source, export date and reopen link.

    Footnotes already on the figure (data caveats) stay, then the note if given, then the stamp. Laptop or
    projector sizing is kept as the view was built.
    """
    frame = _frame(view.figure)
    note_line = f"Note: {note.strip()}" if note.strip() else ""
    credit_lines = "\n".join(f"Credit: {credit}" for credit in view.credits)
    footnote = "\n".join(part for part in (frame.get("footnote"), note_line, credit_lines,
                                            stamp_lines(exported_on, view_url)) if part)
    return figures.apply_frame(view.figure, title=view.title, subtitle=view.subtitle, source_line=view.source_line,
                               footnote=footnote, projector=bool(frame.get("projector", False)))


def _stamped(view: ChartView, exported_on: date | None, base_url: str | None) -> go.Figure:
    return stamp_figure(view, exported_on=exported_on or date.today(), view_url=view_url(view, base_url))


# --- the browser behind the static images ---------------------------------------------------------------------

def browser_path() -> str | None:
    """The Chromium/Chrome Kaleido would use: $BROWSER_PATH, Debian's /usr/bin/chromium, PATH, or Kaleido's own."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.access(candidate, os.X_OK):
            return candidate
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    try:
        from choreographer.browsers.chromium import Chromium
        return Chromium.find_browser(skip_local=False)
    except Exception:  # discovery is best effort: no browser is the answer
        return None


def browser_available() -> bool:
    return browser_path() is not None


class _Renderer:
    """One warm Kaleido browser on its own event-loop thread.

    Used instead of kaleido.start_sync_server(): that server hands replies back in queue order (so two threads can
    swap images) and blocks forever once its browser has crashed. Here every call waits on its own future with a
    time limit, TABS tabs render in parallel, and a broken browser is dropped and replaced on the next call.
    """

    def __init__(self, path: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.closed = False
        self.thread = threading.Thread(target=self._run, name="dpa-export-browser", daemon=True)
        self.thread.start()
        try:
            self.browser = self._wait(self._open(path), START_TIMEOUT_SECONDS)
        except BaseException:
            self.closed = True
            self.loop.call_soon_threadsafe(self.loop.stop)
            raise

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()
        # Stopped: finish what the browser library left running, so nothing is destroyed while pending.
        pending = asyncio.all_tasks(self.loop)
        for task in pending:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()

    async def _open(self, path: str) -> kaleido.Kaleido:
        # MathJax would come from a CDN; we never typeset LaTeX and must not reach the network.
        browser = kaleido.Kaleido(n=TABS, path=path, mathjax=False, timeout=RENDER_TIMEOUT_SECONDS)
        await browser.open()
        return browser

    def _wait(self, coroutine, timeout: float):
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"no answer from Chromium within {timeout:.0f} s") from None

    def alive(self) -> bool:
        return not self.closed and self.thread.is_alive() and self.loop.is_running()

    def render(self, jobs: Sequence[tuple[dict, dict]]) -> list[bytes]:
        """Images for (figure dict, Kaleido opts) pairs, drawn concurrently in the warm tabs."""
        async def draw_all():
            return await asyncio.gather(*(self.browser.calc_fig(spec, opts=opts, topojson=topojson_uri())
                                          for spec, opts in jobs))
        timeout = RENDER_TIMEOUT_SECONDS * max(1, -(-len(jobs) // TABS)) + 5
        return self._wait(draw_all(), timeout)

    def close(self) -> None:
        """Close the browser and stop the loop; safe to call twice (atexit calls it again)."""
        if not self.alive():
            return
        self.closed = True
        try:
            self._wait(self.browser.close(), 10)
        except Exception:  # closing a broken browser is best effort
            pass
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)


_renderer: _Renderer | None = None
_renderer_lock = threading.Lock()


def _warm_renderer() -> _Renderer:
    global _renderer
    pio.defaults.topojson = topojson_uri()  # also for any plain plotly.io.to_image elsewhere
    with _renderer_lock:
        if _renderer is not None and _renderer.alive():
            return _renderer
        path = browser_path()
        if path is None:
            raise ExportUnavailable(CHROMIUM_HINT)
        try:
            _renderer = _Renderer(path)
        except Exception as error:  # many ways for a browser not to start
            raise ExportUnavailable(f"Chromium at {path} did not start ({_first_line(error)}). "
                                    f"HTML, CSV and XLSX exports still work.") from None
        atexit.register(_renderer.close)
        return _renderer


def ensure_exporter() -> None:
    """Start the warm browser once (idempotent, thread-safe) and point base maps at the local topojson.

    Raises ExportUnavailable when there is no Chromium, or it does not start.
    """
    _warm_renderer()


def stop_exporter() -> None:
    """Close the warm browser (benchmarks and tests; the app leaves it to the end of the process)."""
    global _renderer
    with _renderer_lock:
        renderer, _renderer = _renderer, None
    if renderer is not None:
        renderer.close()


def _drop_renderer(broken: _Renderer) -> None:
    """Forget a browser that failed, so the next export starts a fresh one; close it without waiting."""
    global _renderer
    with _renderer_lock:
        if _renderer is broken:
            _renderer = None
    threading.Thread(target=broken.close, name="dpa-export-browser-close", daemon=True).start()


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def topojson_uri() -> str:
    return settings.TOPOJSON_DIR.as_uri() + "/"


def render_images(jobs: Sequence[tuple[go.Figure, str, ImageSize]]) -> list[bytes]:
    """PNG, SVG or PDF bytes for (figure, format, layout size) jobs, via the warm browser, in order."""
    specs = []
    for figure, fmt, size in jobs:
        _check_topojson(figure)
        specs.append((figure.to_plotly_json(),
                      {"format": fmt, "width": size.width, "height": size.height, "scale": size.scale}))
    renderer = _warm_renderer()
    try:
        return renderer.render(specs)
    except KaleidoError as error:  # the figure, not the browser: keep the browser
        raise ExportUnavailable(f"Chromium could not draw the chart: {_first_line(error)}") from None
    except Exception as error:  # a crashed, hung or closed browser
        _drop_renderer(renderer)
        raise ExportUnavailable(f"The export browser failed ({_first_line(error)}); try again.") from None


def render_image(figure: go.Figure, fmt: str, size: ImageSize) -> bytes:
    """PNG, SVG or PDF bytes of one figure at a layout size."""
    return render_images([(figure, fmt, size)])[0]


def to_png(view: ChartView, scale: str = "slide", *, exported_on: date | None = None,
           base_url: str | None = None) -> bytes:
    """PNG at a named size: 'slide' 1600x900 px or 'print' 3300x2550 px (letter landscape, 300 dpi)."""
    if scale not in IMAGE_SIZES:
        raise ValueError(f"Unknown image size {scale!r}; choose {' or '.join(IMAGE_SIZES)}.")
    return render_image(_stamped(view, exported_on, base_url), "png", IMAGE_SIZES[scale])


def to_svg(view: ChartView, scale: str = "slide", *, exported_on: date | None = None,
           base_url: str | None = None) -> bytes:
    """SVG drawn at the named size's layout (1280x720 for 'slide'); text stays text."""
    if scale not in IMAGE_SIZES:
        raise ValueError(f"Unknown image size {scale!r}; choose {' or '.join(IMAGE_SIZES)}.")
    size = IMAGE_SIZES[scale]
    return render_image(_stamped(view, exported_on, base_url), "svg", ImageSize(size.width, size.height, 1))


def to_pdf(view: ChartView, scale: str = "print", *, exported_on: date | None = None,
           base_url: str | None = None) -> bytes:
    """A one-page vector PDF: 'print' is a US-letter landscape page, 'slide' a 16:9 page."""
    if scale not in IMAGE_SIZES:
        raise ValueError(f"Unknown image size {scale!r}; choose {' or '.join(IMAGE_SIZES)}.")
    size = IMAGE_SIZES[scale]
    return render_image(_stamped(view, exported_on, base_url), "pdf", ImageSize(size.width, size.height, 1))


# --- base maps --------------------------------------------------------------------------------------------------


def topojson_names(figure: go.Figure) -> list[str]:
    """The plotly.js base-map files a figure's geo subplots load, e.g. ['europe_50m'] (none without geo traces)."""
    subplots = sorted({trace.geo or "geo" for trace in figure.data if "geo" in trace})
    layout = figure.layout
    template_geo = layout.template.layout.geo if layout.template and layout.template.layout else None
    names = []
    for subplot in subplots:
        geo = layout[subplot] if subplot in layout else None
        scope = (geo and geo.scope) or (template_geo and template_geo.scope) or "world"
        resolution = (geo and geo.resolution) or (template_geo and template_geo.resolution) or 110
        name = f"{scope.replace(' ', '-')}_{int(resolution)}m"
        if name not in names:
            names.append(name)
    return names


def _check_topojson(figure: go.Figure) -> list[Path]:
    paths = []
    for name in topojson_names(figure):
        path = settings.TOPOJSON_DIR / f"{name}.json"
        if not path.is_file():
            shipped = ", ".join(sorted(p.stem for p in settings.TOPOJSON_DIR.glob("*.json"))) or "none"
            raise ExportUnavailable(f"The base map {name!r} is not in {settings.TOPOJSON_DIR} (shipped: {shipped}); "
                                    f"draw the map at a shipped scope and resolution.")
        paths.append(path)
    return paths


@cache
def _read_topojson(path: Path, modified: float) -> str:
    text = path.read_text(encoding="utf-8")
    json.loads(text)  # refuse to embed a broken file
    return text


def _geo_assets_script(figures_: Sequence[go.Figure]) -> str:
    """A <script> giving plotly.js every base map it needs, so it never fetches one (must precede plotly.js)."""
    paths = {path.stem: path for figure in figures_ for path in _check_topojson(figure)}
    if not paths:
        return ""
    entries = ",".join(f"{json.dumps(name)}:{_read_topojson(path, path.stat().st_mtime)}"
                       for name, path in sorted(paths.items()))
    return f"<script>window.PlotlyGeoAssets={{topojson:{{{_safe_script(entries)}}}}};</script>"


def _safe_script(text: str) -> str:
    """Script content that cannot close its <script> element early."""
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


# --- the chart without its frame, for layouts that set the words as text -----------------------------------------


def bare_figure(view: ChartView) -> go.Figure:
    """The view's chart without title, subtitle and source line (slides and web pages set those as text).

    Data caveats in the figure's footnote stay with the chart.
    """
    frame = _frame(view.figure)
    figure = figures.apply_frame(view.figure, title="", subtitle="", source_line="", footnote=frame.get("footnote"),
                                 projector=bool(frame.get("projector", False)))
    meta = figure.layout.meta if isinstance(figure.layout.meta, dict) else {}
    figure.update_layout(title_text="", margin_t=int(20 + float(meta.get("label_strip_px", 0))))
    return figure


# --- HTML -------------------------------------------------------------------------------------------------------

# Plotly's config: no Chart Studio link, and a base-map location that is not on the network: every base map a
# chart needs is embedded in the page, so a missing one fails visibly instead of being fetched from a CDN.
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
    table = view.data.to_html(index=False, na_rep="", border=0, escape=True, float_format=lambda v: repr(float(v)))
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


# --- data -------------------------------------------------------------------------------------------------------


def csv_stamp_lines(view: ChartView, exported_on: date, url: str) -> list[str]:
    """The lines above the data in a CSV: what it is, its filters, sources, date and link (each starts '#')."""
    rows = [("Title", view.title), ("Filters", view.subtitle), ("Source", view.source_line.removeprefix("Source: ")),
            *(("Credit", credit) for credit in view.credits),
            ("Exported", f"{exported_on.isoformat()} from {APP_NAME}"), ("View link", url),
            ("Query", f"queries/{view.query_name}.sql")]
    lines = [f"# {label}: {' '.join(str(value).split())}" for label, value in rows]
    return [f"# {APP_NAME} export. The {len(lines) + 1} lines starting with '#' describe the data below them "
            f"(pandas: read_csv(path, skiprows={len(lines) + 1}))", *lines]


def to_csv(view: ChartView, *, exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """The query result exactly as the chart used it (same rows, same columns, no index; UTF-8), under its stamp."""
    exported_on = exported_on or date.today()
    stamp = "".join(f"{line}\n" for line in csv_stamp_lines(view, exported_on, view_url(view, base_url)))
    return (stamp + view.data.to_csv(index=False, lineterminator="\n")).encode("utf-8")


def about_rows(view: ChartView, exported_on: date, url: str) -> list[tuple[str, str]]:
    """What the XLSX 'about' sheet says: where the numbers come from and how to get them again."""
    params = json.dumps(view.params, ensure_ascii=False, default=str)
    return [("Title", view.title), ("Filters", view.subtitle), ("Source", view.source_line),
            *(("Credit", credit) for credit in view.credits),
            ("Exported", f"{exported_on.isoformat()} from {APP_NAME}"), ("View link", url),
            ("Query file", f"queries/{view.query_name}.sql"), ("Query parameters", params),
            ("Rows", str(len(view.data))), ("Summary", view.summary)]


def to_xlsx(view: ChartView, *, exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """A workbook: sheet 'data' is the query result; sheet 'about' says what it is and how to get it again.

    Numbers keep 16 significant digits (Excel itself shows 15); the CSV export carries every digit.
    """
    exported_on = exported_on or date.today()
    url = view_url(view, base_url)
    buffer = io.BytesIO()
    # Text is written as text: never turned into a formula, a number or a hyperlink, whatever it looks like.
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        view.data.to_excel(writer, sheet_name="data", index=False)
        sheet = writer.sheets["data"]
        sheet.freeze_panes(1, 0)
        for column, name in enumerate(view.data.columns):
            sheet.set_column(column, column, min(max(len(str(name)) + 2, 10), 40))
        about = writer.book.add_worksheet("about")
        bold = writer.book.add_format({"bold": True, "valign": "top"})
        wrap = writer.book.add_format({"text_wrap": True, "valign": "top"})
        about.set_column(0, 0, 18)
        about.set_column(1, 1, 100)
        for row, (label, value) in enumerate(about_rows(view, exported_on, url)):
            about.write_string(row, 0, label, bold)
            if label == "View link" and len(value) <= 2000:  # Excel's limit for a hyperlink
                about.write_url(row, 1, value, string=value)
            else:
                about.write_string(row, 1, value, wrap)
    return buffer.getvalue()


# --- decks: PowerPoint and PDF -----------------------------------------------------------------------------------

SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN = 13.333, 7.5  # 16:9
SLIDE_MARGIN_IN = 0.45
# The chart picture fills the band between the subtitle and the source line, drawn at this layout size.
SLIDE_CHART = ImageSize(1280, 550, 1.5)
_SLIDE_CHART_TOP_IN, _SLIDE_CHART_HEIGHT_IN = 1.5, 5.2
_TITLE_ONLY_LAYOUT = 5  # in python-pptx's default template
PDF_MIN_PLOT_HEIGHT = 380  # px left for the plot on a deck PDF page, however long the note


def deck_to_pptx(slides: Sequence[tuple[ChartView, str]], *, title: str = "Meeting deck",
                 exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """A 16:9 PowerPoint deck, one slide per view: native title, chart picture, filters, source, speaker note."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    exported_on = exported_on or date.today()
    pictures = render_images([(bare_figure(view), "png", SLIDE_CHART) for view, _ in slides])
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Inches(SLIDE_WIDTH_IN), Inches(SLIDE_HEIGHT_IN)
    presentation.core_properties.title = title
    presentation.core_properties.author = APP_NAME
    width = SLIDE_WIDTH_IN - 2 * SLIDE_MARGIN_IN
    muted = RGBColor(0x40, 0x40, 0x40)

    def text_box(slide, top: float, height: float, lines: list[tuple[str, float, bool]], url: str | None = None):
        box = slide.shapes.add_textbox(Inches(SLIDE_MARGIN_IN), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        for index, (text, size, is_link) in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = text
            run.font.size = Pt(size)
            run.font.color.rgb = muted
            if is_link and url:
                run.hyperlink.address = url
        return box

    for (view, note), picture in zip(slides, pictures, strict=True):
        url = view_url(view, base_url)
        slide = presentation.slides.add_slide(presentation.slide_layouts[_TITLE_ONLY_LAYOUT])
        heading = slide.shapes.title
        heading.left, heading.top = Inches(SLIDE_MARGIN_IN), Inches(0.3)
        heading.width, heading.height = Inches(width), Inches(0.75)
        heading.text = view.title
        heading.text_frame.word_wrap = True
        for paragraph in heading.text_frame.paragraphs:
            paragraph.alignment = 1  # left
            for run in paragraph.runs:
                run.font.size, run.font.bold = Pt(28), True
        text_box(slide, 1.02, 0.45, [(view.subtitle, 15, False)])
        chart_width = min(width, _SLIDE_CHART_HEIGHT_IN * SLIDE_CHART.width / SLIDE_CHART.height)
        shape = slide.shapes.add_picture(io.BytesIO(picture), Inches((SLIDE_WIDTH_IN - chart_width) / 2),
                                         Inches(_SLIDE_CHART_TOP_IN), width=Inches(chart_width))
        shape.name = f"Chart: {view.title}"
        shape._element.nvPicPr.cNvPr.set("descr", view.summary or view.title)  # alt text for screen readers
        text_box(slide, 6.72, 0.65, [(view.source_line, 10, False),
                                     *((f"Credit: {credit}", 8, False) for credit in view.credits),
                                     (f"{export_stamp(exported_on)} · Reopen this view: {url}", 10, True)], url)
        slide.notes_slide.notes_text_frame.text = note
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _pdf_page_figure(view: ChartView, note: str, exported_on: date, url: str) -> tuple[go.Figure, ImageSize]:
    """The stamped chart with the speaker note, on a 16:9 page that grows when the words need room."""
    figure = stamp_figure(view, exported_on=exported_on, view_url=url, note=note)
    size = IMAGE_SIZES["slide"]
    margins = (figure.layout.margin.t or 0) + (figure.layout.margin.b or 0)
    return figure, ImageSize(size.width, max(size.height, int(margins) + PDF_MIN_PLOT_HEIGHT), 1)


def deck_to_pdf(slides: Sequence[tuple[ChartView, str]], *, title: str = "Meeting deck",
                exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """One vector PDF page per view (title, filters, chart, caveats, note, source, link), with bookmarks."""
    from pypdf import PdfReader, PdfWriter

    exported_on = exported_on or date.today()
    pages = [_pdf_page_figure(view, note, exported_on, view_url(view, base_url)) for view, note in slides]
    documents = render_images([(figure, "pdf", size) for figure, size in pages])
    writer = PdfWriter()
    for (view, _), document in zip(slides, documents, strict=True):
        page_number = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(document)))
        writer.add_outline_item(view.title, page_number)
    writer.add_metadata({"/Title": title, "/Creator": APP_NAME, "/Subject": export_stamp(exported_on)})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- one entry point for the command line and the pages ---------------------------------------------------------


def export_view(view: ChartView, fmt: str, *, scale: str = "slide", exported_on: date | None = None,
                base_url: str | None = None, note: str = "") -> bytes:
    """The view in one of VIEW_FORMATS; 'pptx' is a one-slide deck carrying the note."""
    if fmt == "png":
        return to_png(view, scale, exported_on=exported_on, base_url=base_url)
    if fmt == "svg":
        return to_svg(view, scale, exported_on=exported_on, base_url=base_url)
    if fmt == "pdf":
        return to_pdf(view, scale, exported_on=exported_on, base_url=base_url)
    if fmt == "html":
        return to_html(view, exported_on=exported_on, base_url=base_url)
    if fmt == "csv":
        return to_csv(view, exported_on=exported_on, base_url=base_url)
    if fmt == "xlsx":
        return to_xlsx(view, exported_on=exported_on, base_url=base_url)
    if fmt == "pptx":
        return deck_to_pptx([(view, note)], title=view.title, exported_on=exported_on, base_url=base_url)
    raise ValueError(f"Unknown export format {fmt!r}; choose one of {', '.join(VIEW_FORMATS)}.")


def export_deck(slides: Sequence[tuple[ChartView, str]], fmt: str, *, title: str = "Meeting deck",
                exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """A whole deck in one of DECK_FORMATS."""
    makers = {"pptx": deck_to_pptx, "pdf": deck_to_pdf, "html": deck_to_html}
    if fmt not in makers:
        raise ValueError(f"Unknown deck format {fmt!r}; choose one of {', '.join(DECK_FORMATS)}.")
    return makers[fmt](slides, title=title, exported_on=exported_on, base_url=base_url)
