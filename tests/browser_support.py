"""Helpers for the end-to-end browser tests: the app server, the offline network guard and page helpers.

The tests drive Debian's /usr/bin/chromium through Playwright (never a downloaded browser) against the real app
started with `python -m dashboard serve`. Every request the browser makes is routed: only the app's own host and
port are let through, anything else is aborted and recorded, so a test walk proves the dashboard works with no
other host.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dashboard import serve, settings

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1400, "height": 1000}
TOPOJSON_PATH = "/app/static/topojson/"

# Streamlit's frontend first tries the page path as the server base path (GET /<page>/_stcore/health and
# /_stcore/host-config), gets a 404, and falls back to "/". Chromium logs each 404 as a console error.
_BASE_PATH_PROBE = re.compile(r"^/[^/]+/_stcore/(health|host-config)$")

# JavaScript run in the page. The main chart is the first Plotly chart in the main area (not the sidebar).
MAIN_PLOT = '[data-testid="stMain"] [data-testid="stPlotlyChart"] .js-plotly-plot'
JS_IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.dataset.testConnectionState === 'CONNECTED' && app.dataset.testScriptState === 'notRunning';
}"""
JS_TRACES = """(plot) => (plot.data || []).map(t => ({
  name: t.name === undefined ? null : t.name,
  role: (t.meta && t.meta.role) || null,
  type: t.type || null,
  y: t.y ? Array.from(t.y, v => (v === null || v === undefined || Number.isNaN(v)) ? null : v) : null,
}))"""
JS_LEGEND = "(plot) => Array.from(plot.querySelectorAll('.legendtext'), e => e.textContent)"
JS_CHOROPLETH_PATHS = """() => Array.from(document.querySelectorAll('path.choroplethlocation'))
  .filter(p => (p.getAttribute('d') || '').length > 20).length"""
JS_HAS_TRACE = """([selector, name]) => {
  const plot = document.querySelector(selector);
  return !!plot && (plot.data || []).some(t => t.name === name)
    && Array.from(plot.querySelectorAll('.legendtext')).some(e => e.textContent === name);
}"""
JS_TRACE_NAMES_ARE = """([selector, names]) => {
  const plot = document.querySelector(selector);
  // the open markers over flagged values are drawn as their own traces; the lines are what a reader counts
  const shown = plot ? (plot.data || []).filter(t => !(t.meta && t.meta.role === 'flagged')).map(t => t.name) : [];
  return JSON.stringify(shown) === JSON.stringify(names);
}"""


class AppServer:
    """The app as the README runs it, `python -m dashboard serve` (two Streamlit workers behind nginx), on free
    local ports, as a subprocess of the test session: the browser tests go through the proxy users go through.

    It serves the shipped extracts (data/extracts), not the fixture: what a browser shows and what the screenshots
    record is the real map and the real series; the assertions are about behaviour, not this edition's values."""

    WORKERS = 2

    def __init__(self, log_path: Path) -> None:
        self.port = serve.free_port_block(self.WORKERS)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120.0) -> None:
        python = REPO / ".venv" / "bin" / "python"
        command = [str(python if python.exists() else sys.executable), "-m", "dashboard", "serve",
                   "--workers", str(self.WORKERS), "--server.port", str(self.port), "--server.address", "127.0.0.1"]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                            env={**os.environ, "DPA_DATA_DIR": str(settings.SHIPPED_DATA_DIR)})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.process.returncode}:\n{self.log_tail()}")
            if self._healthy():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout:.0f} s:\n{self.log_tail()}")

    def _healthy(self) -> bool:
        return serve.is_healthy(self.base_url)

    def stop(self) -> None:
        if self.process is not None:
            serve.stop_processes([self.process])

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


@dataclass
class NetworkGuard:
    """Routes every request of the contexts it is attached to: the app's own origin passes, the rest is aborted."""

    port: int
    own: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    ignored_console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob"):
            return True
        return (parts.scheme in ("http", "https", "ws", "wss") and parts.hostname == "127.0.0.1"
                and parts.port == self.port)

    def attach(self, context) -> None:
        context.route("**/*", self._route)
        context.route_web_socket(re.compile(".*"), self._route_web_socket)
        context.on("page", self.watch)
        for page in context.pages:
            self.watch(page)

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))

    def _route(self, route) -> None:
        url = route.request.url
        if self.allowed(url):
            self.own.append(url)
            route.continue_()
        else:
            self.foreign.append(f"{route.request.method} {url}")
            route.abort("blockedbyclient")

    def _route_web_socket(self, ws) -> None:
        if self.allowed(ws.url):
            self.websockets.append(ws.url)
            ws.connect_to_server()
        else:
            self.foreign.append(f"WEBSOCKET {ws.url}")
            ws.close()

    def _console(self, message) -> None:
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        entry = f"{message.text} ({source})"
        if "404" in message.text and self.allowed(source) and _BASE_PATH_PROBE.match(urlsplit(source).path):
            self.ignored_console_errors.append(entry)  # Streamlit's base-path probe, see _BASE_PATH_PROBE
        elif "ERR_BLOCKED_BY_CLIENT" in message.text and source and not self.allowed(source):
            self.ignored_console_errors.append(entry)  # a request this guard aborted: it is in `foreign`
        else:
            self.console_errors.append(entry)

    def own_paths(self) -> list[str]:
        return [urlsplit(url).path for url in self.own]

    def checkpoint(self) -> tuple[int, int]:
        return len(self.console_errors), len(self.page_errors)

    def assert_no_errors(self, since: tuple[int, int] = (0, 0)) -> None:
        """No uncaught page error and no console error (other than the known ones) since the checkpoint."""
        console, page = since
        assert not self.page_errors[page:], f"uncaught errors in the page: {self.page_errors[page:]}"
        assert not self.console_errors[console:], f"console errors: {self.console_errors[console:]}"


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the app is connected and no script run is in progress."""
    page.wait_for_function(JS_IDLE, timeout=timeout)


def open_app(page, url: str, ready: str | None = MAIN_PLOT, timeout: float = 60_000) -> None:
    """Open a page of the app and wait until the script ran and `ready` (a selector) is there."""
    page.goto(url, timeout=timeout)
    wait_idle(page, timeout)
    if ready:
        page.wait_for_selector(ready, timeout=timeout)
    wait_idle(page, timeout)


def traces(page) -> list[dict]:
    """Name, type and y values of the main chart's traces, read from the Plotly element in the browser."""
    return page.locator(MAIN_PLOT).first.evaluate(JS_TRACES)


def legend(page) -> list[str]:
    return page.locator(MAIN_PLOT).first.evaluate(JS_LEGEND)


def trace_names(page) -> list[str | None]:
    """The names of the drawn series (the open markers over flagged values are left out)."""
    return [trace["name"] for trace in traces(page) if trace["role"] != "flagged"]


def wait_for_trace(page, name: str, timeout: float = 30_000) -> None:
    """Wait until the main chart has a trace called `name` and its legend shows it (the chart was redrawn)."""
    page.wait_for_function(JS_HAS_TRACE, arg=[MAIN_PLOT, name], timeout=timeout)


def wait_for_trace_names(page, names: list[str], timeout: float = 30_000) -> None:
    page.wait_for_function(JS_TRACE_NAMES_ARE, arg=[MAIN_PLOT, names], timeout=timeout)


def choropleth_paths(page) -> int:
    return page.evaluate(JS_CHOROPLETH_PATHS)


def wait_for_map(page, minimum: int = 25, timeout: float = 60_000) -> None:
    page.wait_for_function(f"() => ({JS_CHOROPLETH_PATHS})() >= {minimum}", timeout=timeout, polling="raf")


def countries_input(page):
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"] input[aria-label="Countries"]')


def type_country(page, name: str):
    """Focus the sidebar's Countries multiselect, type a country's name (in English or Norwegian) and return the
    option it finds in the open list, 'Sweden (Sverige)' (pressing Enter or clicking it is left to the caller)."""
    box = countries_input(page)
    box.click()
    box.fill(name)
    option = page.get_by_role("option", name=re.compile(rf"(^|\(){re.escape(name)}( \(.*\))?\)?$"))
    option.wait_for(timeout=10_000)
    return option


def selected_countries(page) -> list[str]:
    tags = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"] .react-aria-ComboBox [data-tag]')
    return [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())]


def page_problems(page) -> list[str]:
    """Visible signs that a page failed: exceptions, error boxes, tracebacks, Streamlit's 'Page not found'."""
    problems = []
    for selector in ('[data-testid="stException"]', '[data-testid="stAlertContentError"]'):
        problems += [f"{selector}: {text}" for text in page.locator(selector).all_inner_texts()]
    body = page.locator("body").inner_text()
    if "Traceback" in body:
        problems.append("'Traceback' in the page text")
    problems += [f"dialog: {text}" for text in page.locator('[data-testid="stDialog"]').all_inner_texts()
                 if "not found" in text.lower()]
    return problems


def screenshot(page, name: str) -> Path:
    """The whole page at the page's own width: Streamlit scrolls inside its main container, so the viewport is
    grown to fit it first (and set back after)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    before = page.viewport_size or VIEWPORT
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": before["width"], "height": min(max(int(height), before["height"]), 8000)})
    page.wait_for_timeout(400)  # Plotly's responsive charts redraw on resize
    wait_idle(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(before)
    return path


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)
