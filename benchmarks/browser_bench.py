"""The real app in headless Chromium: cold start, filter change to repaint, and the app's peak RSS over a walk.

    python -m benchmarks.browser_bench [--data-dir DIR] [--repaints 10] [--json out.json]

cold start: from starting `streamlit run app.py` (Chromium already open) to the first map painted
            (choropleth paths in the DOM).
repaint:    on the map page, the sidebar's country group switched between two presets (a click on the option);
            timed from the click to the new subtitle drawn above the chart, then one animation frame.
walk:       map, a filter change, trends, programmes, data & sources, map again, by the sidebar links in one
            browser session; the RSS of the app process and its children is sampled every 20 ms throughout.
websocket: the bytes Chromium receives over the app's websocket to draw the map page, per filter change to
            a state never shown before (the largest of the first three) and to one shown before (median), and
            per page of the walk (ws_kb).
map year:   the map's own year slider moved a year back and forth with the keyboard (the page's fragment
            reruns, the sidebar does not): repaint time and bytes, as above; and the time from the key press
            to plotly.js's last draw of the new map, with how many times it drew it (plotly_afterplot events).
Only 127.0.0.1 is contacted: the app serves everything itself.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import CHROMIUM, CHROMIUM_ARGS, REPO, RssSampler, emit, free_port, summarise
from dashboard import serve, site

MAIN_PLOT = '[data-testid="stMain"] [data-testid="stPlotlyChart"] .js-plotly-plot'
JS_MAP_PAINTED = """() => Array.from(document.querySelectorAll('path.choroplethlocation'))
  .filter(p => (p.getAttribute('d') || '').length > 20).length > 0"""
JS_IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.dataset.testConnectionState === 'CONNECTED' && app.dataset.testScriptState === 'notRunning';
}"""
# The chart's subtitle (its filters) is page text above the chart, sent in the same script run as the chart.
JS_SUBTITLE_HAS = """(needle) => Array.from(document.querySelectorAll(
  '[data-testid="stMain"] [data-testid="stCaptionContainer"]')).some(e => (e.textContent || '').includes(needle))
  && document.querySelectorAll('MAIN_PLOT').length > 0""".replace("MAIN_PLOT", MAIN_PLOT)
JS_COUNT_ABOVE_ZERO = "(selector) => document.querySelectorAll(selector).length > 0"
JS_TITLE_IS = """(title) => Array.from(document.querySelectorAll('[data-testid="stMain"] h1'))
  .some(e => (e.textContent || '').includes(title))"""
# The walk after the first map: (step, sidebar link text, page title, element that shows the page is drawn).
WALK = [("trends", "Trends", site.BY_NAME["trends"].heading, MAIN_PLOT),
        ("programmes", "Programmes", site.BY_NAME["programmes"].heading, MAIN_PLOT),
        ("data", "Data & sources", site.BY_NAME["data"].heading, '[data-testid="stMain"] [data-testid="stDataFrame"]'),
        ("map", "Map", site.BY_NAME["map"].heading, MAIN_PLOT)]
PRESETS = [("nordic", "Nordic countries"), ("eu27", "EU-27")]
NEW_PRESET = "Countries with a HAT programme"  # the map opens on another group: all three are new states


class Server:
    """`streamlit run app.py` on a free loopback port, optionally on another extracts folder, another checkout of
    the app (app_dir: a worktree of an earlier commit, measured with this harness) or another script
    (benchmarks/usual_app.py)."""

    def __init__(self, data_dir: Path | None = None, log: Path | None = None, app_dir: Path | None = None,
                 script: str = "app.py"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log = log or Path(os.devnull)
        self.app_dir = app_dir or REPO
        self.script = script
        self.process: subprocess.Popen | None = None

    def start(self) -> float:
        env = dict(os.environ)
        if self.data_dir:
            env["DPA_DATA_DIR"] = str(self.data_dir)
        command = [sys.executable, "-m", "streamlit", "run", self.script, "--server.port", str(self.port),
                   "--server.headless", "true", "--server.address", "127.0.0.1",
                   "--browser.gatherUsageStats", "false"]
        started = time.perf_counter()
        with open(self.log, "wb") as log:
            if self.app_dir != REPO:  # another checkout: its own package first on the path
                env["PYTHONPATH"] = str(self.app_dir)
            self.process = subprocess.Popen(command, cwd=self.app_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
        return started

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not serve.is_healthy(self.url):
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("streamlit did not become healthy")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process:
            serve.stop_processes([self.process])


def _browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


class WebsocketBytes:
    """Bytes the browser receives over the app's websocket (Streamlit's deltas: what a filter change costs on a
    phone or a meeting-room hotspot), counted from the frames Chromium reports."""

    def __init__(self, page):
        self.total = 0
        page.on("websocket", self._watch)

    def _watch(self, socket) -> None:
        socket.on("framereceived", self._count)

    def _count(self, payload) -> None:
        self.total += len(payload.encode("utf-8") if isinstance(payload, str) else payload)


def _new_page(browser, server: Server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    # Nothing but the app itself: any other request is refused (the app must work offline).
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url)
                  else route.abort())
    return context.new_page()


def _wait_idle(page, timeout_ms: float) -> None:
    page.wait_for_function(JS_IDLE, timeout=timeout_ms, polling=20)


def _choose_preset(page, label: str) -> None:
    """Open the sidebar's 'Country group' select and click an option (the click is what gets timed)."""
    page.locator('[data-testid="stSidebar"] .st-key-w_preset input[aria-label="Country group"]').click()
    option = page.get_by_role("option", name=label, exact=True)
    option.wait_for(timeout=10_000)
    return option


def cold_start_and_repaint(data_dir: Path | None, repaints: int, timeout_s: float, app_dir: Path | None = None,
                           script: str = "app.py") -> dict:
    from playwright.sync_api import sync_playwright

    server = Server(data_dir, app_dir=app_dir, script=script)
    result: dict = {}
    with sync_playwright() as playwright:
        browser = _browser(playwright)  # already open, like a user's browser
        try:
            started = server.start()
            server.wait_healthy(timeout_s)
            result["server_ready_s"] = round(time.perf_counter() - started, 3)
            page = _new_page(browser, server)
            received = WebsocketBytes(page)
            page.goto(server.url + "/map", wait_until="commit", timeout=timeout_s * 1000)
            page.wait_for_function(JS_MAP_PAINTED, timeout=timeout_s * 1000, polling="raf")
            result["first_map_painted_s"] = round(time.perf_counter() - started, 3)
            _wait_idle(page, timeout_s * 1000)
            result["ws_kb_map_page"] = round(received.total / 1000, 1)
            # First a state never seen (the server builds its chart, the browser has no copy of its message),
            # then two seen states in turn (Streamlit's message cache: the browser is sent a reference).
            times, first, new_bytes, seen_bytes = [], [], [], []
            for i, label in enumerate([NEW_PRESET] + [label for _ in range(repaints + 1) for _, label in PRESETS]):
                option = _choose_preset(page, label)
                before = received.total
                t0 = time.perf_counter()
                option.click()
                page.wait_for_function(JS_SUBTITLE_HAS, arg=f"{label} (", timeout=timeout_s * 1000, polling="raf")
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
                seconds = time.perf_counter() - t0
                (first if i < 3 else times).append(seconds)
                _wait_idle(page, timeout_s * 1000)
                (new_bytes if i < 3 else seen_bytes).append(received.total - before)
            result["repaint"] = summarise(times)
            result["repaint_first_three_ms"] = [round(s * 1000, 1) for s in first]  # charts not yet cached
            result["ws_kb_filter_change_new"] = round(max(new_bytes) / 1000, 1)
            result["ws_kb_filter_change_seen"] = round(sorted(seen_bytes)[len(seen_bytes) // 2] / 1000, 1)
            result.update(_map_year_repaints(page, received, repaints, timeout_s))
            result["how"] = "sidebar 'Country group' option click -> chart subtitle above the chart + 1 animation frame"
        finally:
            browser.close()
            server.stop()
    return result


JS_HEADING_ENDS = """(suffix) => Array.from(document.querySelectorAll('[data-testid="stMain"] h3'))
  .some(e => (e.textContent || '').endsWith(suffix))"""


# Every time plotly.js finishes drawing the main chart (its `plotly_afterplot` event), in page time, and the time of
# the last key press. Streamlit makes a new chart element for each new figure, so each new plot div is hooked.
JS_COUNT_DRAWS = """() => {
  window.__dpaDraws = [];
  const hook = () => document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot').forEach(plot => {
    if (!plot.__dpaHooked && plot.on) {
      plot.__dpaHooked = true;
      plot.on('plotly_afterplot', () => window.__dpaDraws.push(performance.now()));
    }
  });
  new MutationObserver(hook).observe(document.body, {subtree: true, childList: true});
  hook();
  document.addEventListener('keydown', () => { window.__dpaKey = performance.now(); window.__dpaDraws = []; }, true);
}"""
JS_DRAWS_SINCE_KEY = "() => window.__dpaDraws.map(t => t - window.__dpaKey)"


def _map_year_repaints(page, received: WebsocketBytes, repaints: int, timeout_s: float) -> dict:
    """The map's own year slider moved with the keyboard, a year back then forward in turn: the map page's
    fragment reruns (its controls, chart and text), not the sidebar. Timed from the key press to the chart
    heading naming the new year, then one animation frame; and, in page time, from the key press to the last
    time plotly.js finished drawing the map (the map as the reader sees it), with the number of draws."""
    slider = page.locator('.st-key-w_year input')
    year = int(slider.get_attribute("aria-valuenow") or slider.input_value())
    page.evaluate(JS_COUNT_DRAWS)
    times, new_bytes, seen_bytes, drawn, draws = [], [], [], [], []
    for i in range(repaints + 1):
        key, year = ("ArrowLeft", year - 1) if i % 2 == 0 else ("ArrowRight", year + 1)
        slider.focus()
        before = received.total
        t0 = time.perf_counter()
        page.keyboard.press(key)
        page.wait_for_function(JS_HEADING_ENDS, arg=f", {year}", timeout=timeout_s * 1000, polling="raf")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        seconds = time.perf_counter() - t0
        _wait_idle(page, timeout_s * 1000)
        page.wait_for_timeout(400)  # a draw that follows the end of the run (Streamlit sizes a new chart after it)
        if i == 0:
            new_bytes.append(received.total - before)  # a year not shown before: its chart is built
        else:
            times.append(seconds)
            seen_bytes.append(received.total - before)
            since_key = page.evaluate(JS_DRAWS_SINCE_KEY)
            draws.append(len(since_key))
            if since_key:
                drawn.append(max(since_key) / 1000)
    return {"repaint_map_year": summarise(times), "ws_kb_map_year_new": round(new_bytes[0] / 1000, 1),
            "ws_kb_map_year_seen": round(sorted(seen_bytes)[len(seen_bytes) // 2] / 1000, 1),
            "map_year_drawn": summarise(drawn), "map_year_draws_per_change": sorted(draws)[len(draws) // 2]}


def walk_rss(data_dir: Path | None, timeout_s: float) -> dict:
    """Peak RSS of the app (process + children) while Chromium visits every page in one session."""
    from playwright.sync_api import sync_playwright

    server = Server(data_dir)
    steps: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            started = server.start()
            sampler = RssSampler(server.process.pid).start()
            server.wait_healthy(timeout_s)
            idle_rss = sampler.current_mb
            page = _new_page(browser, server)
            received, kilobytes = WebsocketBytes(page), {}
            t0 = time.perf_counter()
            page.goto(server.url + "/map", wait_until="commit", timeout=timeout_s * 1000)
            page.wait_for_function(JS_MAP_PAINTED, timeout=timeout_s * 1000, polling=50)
            _wait_idle(page, timeout_s * 1000)
            steps["map_first_s"] = time.perf_counter() - t0
            kilobytes["map_first"] = received.total
            steps["cold_start_to_map_s"] = time.perf_counter() - started
            t0 = time.perf_counter()
            _choose_preset(page, PRESETS[0][1]).click()
            page.wait_for_function(JS_SUBTITLE_HAS, arg=f"{PRESETS[0][1]} (", timeout=timeout_s * 1000, polling=50)
            _wait_idle(page, timeout_s * 1000)
            steps["filter_change_s"] = time.perf_counter() - t0
            kilobytes["filter_change"] = received.total - sum(kilobytes.values())
            for name, link, title, selector in WALK:
                before = received.total
                t0 = time.perf_counter()
                page.locator('[data-testid="stSidebarNav"] a').filter(has_text=link).first.click()
                page.wait_for_function(JS_TITLE_IS, arg=title, timeout=timeout_s * 1000, polling=50)
                page.wait_for_function(JS_COUNT_ABOVE_ZERO, arg=selector, timeout=timeout_s * 1000, polling=50)
                _wait_idle(page, timeout_s * 1000)
                steps[f"{name}_s"] = time.perf_counter() - t0
                kilobytes[name] = received.total - before
            time.sleep(0.5)
            sampler.stop()
            result = {"peak_rss_mb": sampler.peak_mb, "idle_rss_mb": idle_rss, "end_rss_mb": sampler.current_mb,
                      "samples": sampler.samples, "steps_s": {k: round(v, 3) for k, v in steps.items()},
                      "ws_kb": {k: round(v / 1000, 1) for k, v in kilobytes.items()}}
        finally:
            browser.close()
            server.stop()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["cold", "walk"])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--repaints", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--app-dir", type=Path, help="another checkout of the app (e.g. a worktree of a commit)")
    parser.add_argument("--script", default="app.py", help="the script to run (benchmarks/usual_app.py)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    data_dir = args.data_dir.resolve() if args.data_dir else None
    if args.mode == "cold":
        result = cold_start_and_repaint(data_dir, args.repaints, args.timeout,
                                        args.app_dir.resolve() if args.app_dir else None, args.script)
    else:
        result = walk_rss(data_dir, args.timeout)
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
