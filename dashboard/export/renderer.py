"""The Chromium behind the static images: one warm Kaleido browser, replaced when it breaks."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import json
import os
import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import kaleido
import plotly.graph_objects as go
import plotly.io as pio
from kaleido.errors import KaleidoError

from dashboard import figures, settings

CHROMIUM_HINT = ("Static images (PNG, SVG, PDF, PPTX) need Chromium; install it with `apt-get install chromium` "
                 "(or set BROWSER_PATH to a Chrome/Chromium binary). HTML, CSV and XLSX exports still work.")
RENDER_TIMEOUT_SECONDS = 60  # one image; a hung browser is replaced after this
BATCH_TIMEOUT_SECONDS = 180  # all the images of one export (a deck), however many
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


class ExportUnavailable(RuntimeError):
    """This export needs something the machine lacks (Chromium, a base-map file); the message says what."""


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


def render_images(jobs: Sequence[tuple[go.Figure, str, ImageSize]],
                  time_limit: float = BATCH_TIMEOUT_SECONDS) -> list[bytes]:
    """PNG, SVG or PDF bytes for (figure, format, layout size) jobs, via the warm browser, in order.

    The images go to the browser a tab's worth at a time, so another user's chart export waits behind one of a
    deck's images, not all fifty (issue 18, finding 16: a 50-slide PDF held the only tab for 18 s); past
    time_limit the export stops with a message instead of holding the browser longer."""
    specs = []
    for figure, fmt, size in jobs:
        figure = figures.still_figure(figure)  # an animated map is drawn as its shown year
        _check_topojson(figure)
        specs.append((figure.to_plotly_json(),
                      {"format": fmt, "width": size.width, "height": size.height, "scale": size.scale}))
    renderer = _warm_renderer()
    started, images = time.monotonic(), []
    try:
        for first in range(0, len(specs), TABS):
            if time.monotonic() - started > time_limit:
                raise ExportUnavailable(f"The export took longer than {time_limit:.0f} s and was stopped after "
                                        f"{len(images)} of {len(specs)} images; export fewer slides at a time.")
            images += renderer.render(specs[first:first + TABS])
        return images
    except ExportUnavailable:  # over time: the browser is fine
        raise
    except KaleidoError as error:  # the figure, not the browser: keep the browser
        raise ExportUnavailable(f"Chromium could not draw the chart: {_first_line(error)}") from None
    except Exception as error:  # a crashed, hung or closed browser
        _drop_renderer(renderer)
        raise ExportUnavailable(f"The export browser failed ({_first_line(error)}); try again.") from None


def render_image(figure: go.Figure, fmt: str, size: ImageSize) -> bytes:
    """PNG, SVG or PDF bytes of one figure at a layout size."""
    return render_images([(figure, fmt, size)])[0]



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

