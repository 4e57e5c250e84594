"""End-to-end tests in headless Chromium against the real app (`streamlit run app.py`), fully offline.

One Streamlit server per session and one browser per module. Most tests walk one tab from address to address (a
new tab costs seconds more); the copied-link test opens a new, empty browser context. Every request is routed through
a guard that lets only the app's own host and port through; each test checks its page raised no error, and the last
test checks the whole walk made no request to any other host. Screenshots go to artifacts/screenshots/, timings to
artifacts/browser_timings.json.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from dashboard import db
from dashboard.catalog import load_catalog
from tests.browser_support import (
    ARTIFACTS,
    CHROMIUM,
    JS_IDLE,
    MAIN_PLOT,
    SCREENSHOTS,
    TOPOJSON_PATH,
    VIEWPORT,
    choropleth_paths,
    legend,
    median,
    open_app,
    page_problems,
    screenshot,
    selected_countries,
    trace_names,
    traces,
    type_country,
    wait_for_map,
    wait_for_trace,
    wait_for_trace_names,
    wait_idle,
)
from tests.csv_support import read_exported_csv

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")

# Every page has its own path; "/" opens /map (app_pages/root.py).
MAP_PATH = "/map"
PAGES = {"map": MAP_PATH, "trends": "/trends", "programmes": "/programmes", "data": "/data"}
READY = {"map": MAIN_PLOT, "trends": MAIN_PLOT, "programmes": MAIN_PLOT, "data": '[data-testid="stDataFrame"]'}
TITLES = {"map": "Where are drug-induced deaths highest?", "trends": "How have the numbers moved?",
          "programmes": "Where and when has heroin-assisted treatment run?", "data": "Data and sources"}
# Few: the timings here are a record of the run, not a measurement (benchmarks/browser_bench.py measures repaint
# and cold start with medians); each load or change still has to paint what it should.
MAP_LOADS = 2
FILTER_CHANGES = ["Denmark", "Finland", "Germany"]
TIMINGS: dict[str, object] = {}


@pytest.fixture(scope="module")
def connection(shipped_connection):
    """The server here reads the shipped extracts (tests/browser_support.py, AppServer); so do the checks."""
    return shipped_connection


@pytest.fixture(scope="module")
def new_page(chromium, net):
    """Factory: a page in a new, empty browser context whose every request goes through the guard."""
    contexts = []

    def make():
        context = chromium.new_context(viewport=VIEWPORT, service_workers="block")
        net.attach(context)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def walker(new_page):
    """The tab most tests walk with, one address after another: a load in a tab that already ran the app takes
    about 2-4 s here, in a new tab 5-8 s (the 4.7 MB Plotly bundle is compiled again): this keeps the module quick.
    """
    return new_page()


@pytest.fixture
def url(app_server):
    return lambda path: app_server.base_url + path


def query(page_url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page_url).query)


def test_the_root_address_opens_the_map_at_its_own_path_with_the_links_filters(walker, url, net):
    page = walker
    open_app(page, url("/?countries=NOR,SWE&year=2010"))
    wait_for_map(page)
    assert urlsplit(page.url).path == "/map"
    assert query(page.url)["countries"] == ["NOR,SWE"] and query(page.url)["year"] == ["2010"]
    assert TITLES["map"] in page.locator("h1").all_inner_texts()
    assert page.get_by_text("Page not found").count() == 0
    assert page_problems(page) == []


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_without_an_error(name, walker, url, net):
    mark = net.checkpoint()
    page = walker
    started = time.perf_counter()
    open_app(page, url(PAGES[name]), ready=READY[name])
    if name == "map":
        wait_for_map(page)
        TIMINGS["first_map_open_to_painted_seconds_new_tab_cold_server"] = round(time.perf_counter() - started, 3)
    assert page_problems(page) == []
    assert TITLES[name] in page.locator("h1").all_inner_texts()
    assert urlsplit(page.url).path == PAGES[name], "the app kept the page's address"
    if name == "data":
        assert page.locator('[data-testid="stDataFrame"]').count() >= 3, "a table behind every chart"
    else:
        assert any(trace["y"] or trace["type"] == "choropleth" for trace in traces(page)), "the chart has data"
    screenshot(page, name)
    assert page_problems(page) == []
    net.assert_no_errors(since=mark)


def test_map_paints_country_shapes_from_the_apps_own_topojson(walker, url, net):
    mark = net.checkpoint()
    page = walker
    open_app(page, url(MAP_PATH))
    wait_for_map(page)
    assert choropleth_paths(page) >= 25
    kinds = {trace["type"] for trace in traces(page)}
    assert "choropleth" in kinds
    assert any(path.startswith(TOPOJSON_PATH) and path.endswith(".json") for path in net.own_paths()), \
        "the base map's topojson came from the app's static folder"
    assert not [request for request in net.foreign + net.own if "cdn.plot.ly" in request]
    net.assert_no_errors(since=mark)


def test_the_map_fetches_its_shapes_once_and_its_messages_carry_only_values(new_page, url, net):
    """The country shapes come from the app's static folder by URL (fetched once per page); the websocket
    carries values, codes and styling. With the shapes inline the map page cost 342 KB, a new filter state 338."""
    mark = net.checkpoint()
    page = new_page()
    received = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda payload: received.append(
        len(payload.encode() if isinstance(payload, str) else payload))))
    shape_requests_before = sum(path.startswith("/app/static/shapes/") for path in net.own_paths())
    open_app(page, url(MAP_PATH + "?countries=NOR,SWE,DNK,FIN,ISL"))
    wait_for_map(page, minimum=5)
    geometry = page.locator(MAIN_PLOT).first.evaluate(
        "(plot) => plot.data.filter(t => t.type === 'choropleth').map(t => t.geojson)")
    assert geometry and all(isinstance(g, str) and g.startswith("/app/static/shapes/europe-") for g in geometry)
    assert len(set(geometry)) == 1
    page_bytes = sum(received)
    assert 10_000 < page_bytes < 100_000, f"the map page took {page_bytes} bytes over the websocket"
    received.clear()
    page.locator('[data-testid="stSidebar"] .st-key-w_preset input[aria-label="Country group"]').click()
    page.get_by_role("option", name="EU-27", exact=True).click()
    page.wait_for_function("""() => Array.from(document.querySelectorAll('[data-testid="stCaptionContainer"]'))
      .some(e => (e.textContent || '').includes('EU-27 ('))""", timeout=30_000)
    wait_idle(page)
    wait_for_map(page, minimum=27)
    assert sum(received) < 80_000, f"a filter change took {sum(received)} bytes"
    shape_requests = sum(path.startswith("/app/static/shapes/") for path in net.own_paths())
    assert shape_requests - shape_requests_before == 1, "one fetch of the shapes for the page and its rerun"
    net.assert_no_errors(since=mark)


JS_COUNTRY_CENTRE = """(code) => {
  const path = Array.from(document.querySelectorAll('path.choroplethlocation'))
    .find(p => p.__data__ && p.__data__.loc === code);
  if (!path) return null;
  const box = path.getBoundingClientRect();
  return {x: box.x + box.width / 2, y: box.y + box.height / 2};
}"""


def sidebar_deltas(frames: list[bytes]) -> int:
    """How many of Streamlit's messages drew something into the sidebar (delta path root 1; the main area is 0)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    count = 0
    for frame in frames:
        message = ForwardMsg.FromString(frame)
        if message.WhichOneof("type") == "delta" and list(message.metadata.delta_path)[:1] == [1]:
            count += 1
    return count


def test_a_new_map_year_reruns_the_map_alone_and_a_click_on_the_map_the_whole_page(new_page, url, net):
    """The map's own controls, chart and text are a fragment: a new year redraws them and nothing in the sidebar.
    A click on a country the sidebar must then list reruns the whole page."""
    mark = net.checkpoint()
    page = new_page()
    frames: list[bytes] = []
    page.on("websocket", lambda socket: socket.on(
        "framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode())))
    open_app(page, url(MAP_PATH + "?countries=NOR,SWE,DNK&year=2016"))
    wait_for_map(page, minimum=3)
    assert sidebar_deltas(frames) > 5, "the first run draws the sidebar"
    frames.clear()
    page.locator('.st-key-w_year input').focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("""() => Array.from(document.querySelectorAll('[data-testid="stMain"] h3'))
      .some(e => (e.textContent || '').endsWith(', 2015'))""", timeout=30_000)
    wait_idle(page)
    assert query(page.url)["year"] == ["2015"]
    assert frames and sidebar_deltas(frames) == 0, "a new map year redraws nothing in the sidebar"
    assert selected_countries(page) == ["Norway (Norge)", "Sweden (Sverige)", "Denmark (Danmark)"]

    frames.clear()
    centre = page.evaluate(JS_COUNTRY_CENTRE, "FIN")
    assert centre, "Finland is drawn as an unselected neighbour"
    page.mouse.click(centre["x"], centre["y"])
    page.wait_for_function("() => new URLSearchParams(location.search).get('countries') === 'NOR,SWE,DNK,FIN'",
                           timeout=30_000)
    wait_idle(page)
    deadline = time.monotonic() + 30
    while "Finland" not in selected_countries(page) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert selected_countries(page) == ["Norway (Norge)", "Sweden (Sverige)", "Denmark (Danmark)", "Finland"], (
        "the sidebar lists the click")
    assert sidebar_deltas(frames) > 0, "the click reran the whole page"
    assert query(page.url)["year"] == ["2015"], "the year chosen in the fragment is kept"
    net.assert_no_errors(since=mark)


@dataclass
class CountryChange:
    page: object
    url_before: str
    traces_before: list[dict]
    url_after: str
    traces_after: list[dict]
    legend_after: list[str]


@pytest.fixture(scope="module")
def country_change(walker, app_server) -> CountryChange:
    """/trends?countries=NOR, then Sweden added with the keyboard in the sidebar's Countries multiselect.
    The back-button test goes back from here on the same tab, so it must follow before others navigate it."""
    page = walker
    open_app(page, app_server.base_url + "/trends?countries=NOR")
    before = (page.url, traces(page))
    type_country(page, "Sweden")
    page.keyboard.press("Enter")
    wait_for_trace(page, "Sweden")
    page.keyboard.press("Escape")
    wait_idle(page)
    return CountryChange(page, *before, page.url, traces(page), legend(page))


def test_country_filter_changes_the_url_and_the_chart(country_change):
    assert [trace["name"] for trace in country_change.traces_before] == ["Norway"]
    assert query(country_change.url_after)["countries"] == ["NOR,SWE"]
    assert urlsplit(country_change.url_after).path == "/trends"
    series = [trace for trace in country_change.traces_after if trace["role"] == "series"]
    assert [trace["name"] for trace in series] == ["Norway", "Sweden"]
    # Sweden 2012-2014: the source's age bands add up to more than male + female; open markers say so
    assert [trace["name"] for trace in country_change.traces_after if trace["role"] == "flagged"] == [
        "Sweden (flagged)"]
    assert country_change.legend_after == ["Norway", "Sweden"]
    assert country_change.traces_after[0] == country_change.traces_before[0], "Norway's line is unchanged"
    assert selected_countries(country_change.page) == ["Norway (Norge)", "Sweden (Sverige)"]


def test_a_countrys_norwegian_name_finds_it_in_the_sidebar(new_page, url, net):
    """'Sveits' finds Switzerland, 'Tyskland' Germany (issue 13 item 4): the picker searches what it shows."""
    page = new_page()
    open_app(page, url("/trends?countries=NOR"))
    for typed, shown in (("Sveits", "Switzerland (Sveits)"), ("Tyskland", "Germany (Tyskland)"),
                         ("Nederland", "Netherlands (Nederland)")):
        assert type_country(page, typed).inner_text() == shown
        page.keyboard.press("Escape")
    net.assert_no_errors()


def test_copied_url_reopens_the_same_view(country_change, new_page, net):
    mark = net.checkpoint()
    page = new_page()  # a new browser context: no session, no history, only the address
    open_app(page, country_change.url_after)
    assert traces(page) == country_change.traces_after
    assert legend(page) == ["Norway", "Sweden"]
    assert selected_countries(page) == ["Norway (Norge)", "Sweden (Sverige)"]
    assert query(page.url) == query(country_change.url_after)
    assert page_problems(page) == []
    net.assert_no_errors(since=mark)


def test_back_button_restores_the_previous_view(country_change, net):
    mark = net.checkpoint()
    page = country_change.page
    page.go_back()
    wait_for_trace_names(page, ["Norway"])
    wait_idle(page)
    assert query(page.url)["countries"] == ["NOR"]
    assert urlsplit(page.url).path == "/trends"
    assert traces(page) == country_change.traces_before
    assert selected_countries(page) == ["Norway (Norge)"], "the sidebar follows the URL"
    page.go_forward()
    wait_for_trace_names(page, ["Norway", "Sweden"])
    assert query(page.url)["countries"] == ["NOR,SWE"]
    net.assert_no_errors(since=mark)


def test_invalid_link_shows_a_notice_and_still_a_chart(walker, url, net):
    mark = net.checkpoint()
    page = walker
    open_app(page, url("/trends?countries=XXX&from=abc"))
    warnings = " ".join(page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts())
    assert "Unknown country" in warnings
    assert "must be a year" in warnings
    assert any(trace["y"] for trace in traces(page)), "the default countries are drawn instead"
    assert page_problems(page) == []
    net.assert_no_errors(since=mark)


def test_a_download_in_chromium_delivers_the_filtered_data(walker, url, net, connection):
    """Click 'Data (CSV)' under the trend chart: the browser receives the file, and it is the query result."""
    open_app(walker, url("/trends?countries=NOR,SWE&indicator=drd_deaths"))
    walker.get_by_text("Export this chart or add it to a meeting").first.click()
    with walker.expect_download(timeout=60_000) as download_info:
        walker.get_by_role("button", name="Data (CSV)").first.click()
    download = download_info.value
    deaths = load_catalog(connection).indicators["drd_deaths"]
    years = (deaths.year_min, deaths.year_max)
    assert download.suggested_filename == f"trend_drd_deaths_NOR-SWE_{years[0]}-{years[1]}.csv"
    received = read_exported_csv(download.path())
    expected = db.run_query(connection, "indicator_trend", indicator="drd_deaths", countries=["NOR", "SWE"],
                            year_from=years[0], year_to=years[1], sex="total", age_group="total")
    assert list(received.columns) == list(expected.columns)
    assert len(received) == len(expected) == 2 * (years[1] - years[0] + 1)
    pd.testing.assert_series_equal(received["value"], expected["value"], check_dtype=False)


def test_every_browser_keeps_its_worker_so_its_downloads_arrive(new_page, url, net, app_server, connection):
    """Behind serve, a download button's file lives in the worker that drew the page; nginx must send the file
    request there too. Four fresh browsers (each a new random worker cookie) each download the data: with two
    workers and no affinity, each download would fail half the time."""
    assert app_server.WORKERS == 2
    for countries in ("NOR", "SWE", "DNK", "FIN"):
        page = new_page()
        open_app(page, url(f"/trends?countries={countries}&indicator=drd_deaths"))
        assert re.fullmatch(r"[0-9a-f]{32}", next(c["value"] for c in page.context.cookies()
                                                  if c["name"] == "dpa_worker"))
        page.get_by_text("Export this chart or add it to a meeting").first.click()
        with page.expect_download(timeout=60_000) as download_info:
            page.get_by_role("button", name="Data (CSV)").first.click()
        received = read_exported_csv(download_info.value.path())
        deaths = load_catalog(connection).indicators["drd_deaths"]
        assert set(received["iso3"]) == {countries} and len(received) == deaths.year_max - deaths.year_min + 1
        page.close()


JS_ANIMATION = """() => {
  const plot = document.querySelector('[data-testid="stMain"] [data-testid="stPlotlyChart"] .js-plotly-plot');
  const values = (plot.data || []).find(t => t.meta && t.meta.role === 'values');
  const grip = plot.querySelector('.slider-grip-rect');
  return {frames: (plot._transitionData && plot._transitionData._frames || []).length,
          active: plot._fullLayout.sliders[0].active, grip: grip ? grip.getBoundingClientRect().x : null,
          zmin: values.zmin, zmax: values.zmax,
          notes: Array.from(plot.querySelectorAll('.annotation-text')).map(a => a.textContent).join(' ')};
}"""


def test_play_years_runs_in_the_browser_with_one_scale_a_moving_slider_and_pause(new_page, url, net):
    """Playing sends nothing to the server (Plotly frames in the browser), the slider follows the frames, the
    colour scale stays one for the whole range, Pause holds the year and Stop goes back to the first year."""
    page = new_page()
    sent: list[str] = []
    page.on("websocket", lambda socket: socket.on("framesent", lambda payload: sent.append("x")))
    open_app(page, url("/map?preset=nordic&from=2005&to=2015&year=2006&animate=1"))
    wait_for_map(page, minimum=5)
    page.wait_for_function("() => !!document.querySelector('.slider-grip-rect')")
    before = page.evaluate(JS_ANIMATION)
    assert before["frames"] == 11 and before["active"] == 1
    assert page.get_by_text("2005–2015, year by year").count() == 1  # the heading names the range
    screenshot(page, "map-animated-laptop")
    messages_before = len(sent)
    page.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout.sliders[0].active >= 4",
                           timeout=15_000)
    playing = page.evaluate(JS_ANIMATION)
    assert playing["grip"] > before["grip"] and (playing["zmin"], playing["zmax"]) == (before["zmin"], before["zmax"])
    assert f"running in {2005 + playing['active']} or ended" in playing["notes"]  # the frame's own caveats
    page.locator(".updatemenu-button", has_text="Pause").click()
    paused = page.evaluate(JS_ANIMATION)
    page.wait_for_timeout(2_000)
    assert page.evaluate(JS_ANIMATION)["active"] == paused["active"] < 10
    assert len(sent) == messages_before, "the years played without a message to the server"
    page.locator(".updatemenu-button", has_text="Stop").click()
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout.sliders[0].active === 0")
    assert "running in 2005 or ended" in page.evaluate(JS_ANIMATION)["notes"]
    # plotly.js rejects the promise of an animation that Pause or Stop interrupts, and its buttons re-throw it:
    # an "Uncaught (in promise) undefined" per interruption, nothing a user sees. Anything else fails the test.
    interrupted = [error for error in net.page_errors if error.endswith(": undefined")]
    assert len(interrupted) <= 2
    net.page_errors[:] = [error for error in net.page_errors if error not in interrupted]
    net.assert_no_errors()


JS_CLIPPED_TEXT = """() => {
  const found = [];
  for (const plot of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
    const box = plot.getBoundingClientRect();
    for (const text of plot.querySelectorAll('svg text')) {
      const r = text.getBoundingClientRect();
      if (!text.textContent.trim() || r.width === 0) continue;
      if (r.right > box.right + 1 || r.left < box.left - 1) found.push(text.textContent.slice(0, 60));
    }
  }
  return found;
}"""
JS_MAP_WIDTH = """() => {
  const paths = Array.from(document.querySelectorAll('path.choroplethlocation'));
  const left = Math.min(...paths.map(p => p.getBoundingClientRect().left));
  const right = Math.max(...paths.map(p => p.getBoundingClientRect().right));
  const plot = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
  return {drawn: right - left, page: document.documentElement.clientWidth,
          plot: plot.getBoundingClientRect().width};
}"""
JS_SIDEBAR_HIDDEN = """() => Array.from(document.querySelectorAll('[data-testid="stSidebar"]'))
  .every(e => getComputedStyle(e).display === 'none')"""
JS_OVERFLOW = """() => document.querySelector('[data-testid="stMain"]').scrollWidth
  - document.documentElement.clientWidth"""


@pytest.mark.parametrize(("size", "path"), [
    ((390, 844), "/map?year=2012"), ((390, 844), "/trends?preset=nordic"), ((390, 844), "/programmes"),
    ((720, 450), "/map?preset=hat&year=2016"), ((720, 450), "/trends?countries=NOR,SWE,DNK,DEU,NLD,CHE"),
])
def test_phone_and_200_percent_zoom_layouts_clip_no_chart_text(chromium, net, url, size, path):
    """At 390x844 (a phone) and 720x450 (a 1440x900 laptop at 200% zoom): titles, filters, notes and sources are
    page text that wraps; nothing inside a chart (legend, axis, labels) runs past its edge, the page does not
    scroll sideways, and the map is drawn across at least 90% of a phone's width."""
    width, height = size
    context = chromium.new_context(viewport={"width": width, "height": height}, service_workers="block")
    net.attach(context)
    page = context.new_page()
    try:
        open_app(page, url(path))
        page.wait_for_timeout(1_500)  # plotly.js lays the legend out after the first paint
        assert page.evaluate(JS_CLIPPED_TEXT) == []
        assert page.evaluate(JS_OVERFLOW) <= 1
        if path.startswith("/map"):
            wait_for_map(page)
            widths = page.evaluate(JS_MAP_WIDTH)
            if width < 500:
                assert widths["drawn"] >= 0.9 * widths["plot"] and widths["plot"] >= 0.9 * (widths["page"] - 32)
        screenshot(page, f"layout-{width}x{height}-{path.strip('/').split('?')[0]}")
    finally:
        context.close()
    net.assert_no_errors()


@pytest.mark.parametrize(("name", "link"), [
    ("map", "page=map&preset=hat&year=2016"),
    ("before-after", "page=before-after&countries=DNK,DEU,NLD&event=regular"),  # views of their own (issue 15)
    ("country", "page=country&country=NOR"),
])
def test_an_embed_in_a_720x700_iframe_shows_its_source_and_fits_320_px(chromium, net, url, name, link):
    context = chromium.new_context(viewport={"width": 800, "height": 800}, service_workers="block")
    net.attach(context)
    page = context.new_page()
    try:
        for width, height in ((720, 700), (320, 700), (1200, 700)):
            page.set_content(f'<iframe id="embed" width="{width}" height="{height}" style="border:0" '
                             f'src="{url("/embed?" + link)}"></iframe>')
            frame = page.frame_locator("#embed")
            frame.locator('[data-testid="stMain"] .js-plotly-plot').wait_for(timeout=60_000)
            frame.locator('text=Open in Drug Policy Atlas').wait_for(timeout=30_000)
            inner = next(f for f in page.frames if f.url.startswith(url("/embed")))
            inner.wait_for_function(JS_IDLE)
            inner.wait_for_timeout(1_000)
            source = inner.evaluate("""() => { const c = Array.from(document.querySelectorAll(
                '[data-testid="stCaptionContainer"]')).find(e => e.innerText.startsWith('Source:'));
                return c ? c.getBoundingClientRect().bottom : null; }""")
            assert source is not None and (width < 700 or source <= height), (width, source)
            assert inner.evaluate(JS_SIDEBAR_HIDDEN)
            assert inner.evaluate(JS_CLIPPED_TEXT) == [] and inner.evaluate(JS_OVERFLOW) <= 1
            page.screenshot(path=str(SCREENSHOTS / f"embed-{name}-{width}x{height}.png"))
    finally:
        context.close()
    net.assert_no_errors()


def test_timings(walker, url, net):
    """Measured, not asserted: page open to map painted (warm server, same tab) and a filter change to the chart
    redrawn (a country picked in the sidebar; each one a new, uncached chart)."""
    mark = net.checkpoint()
    page = walker
    map_runs = []
    for _ in range(MAP_LOADS):
        started = time.perf_counter()
        page.goto(url(MAP_PATH))
        wait_for_map(page)
        map_runs.append(round(time.perf_counter() - started, 3))
        wait_idle(page)

    open_app(page, url("/trends?countries=NOR"))
    change_runs = []
    for country in FILTER_CHANGES:
        option = type_country(page, country)
        started = time.perf_counter()
        option.click()
        wait_for_trace(page, country)
        change_runs.append(round(time.perf_counter() - started, 3))
        page.keyboard.press("Escape")
        wait_idle(page)
    assert sorted(trace_names(page)) == sorted(["Norway", *FILTER_CHANGES])

    TIMINGS.update({
        "machine": {"cpus": os.cpu_count(), "load_average_1m_after": round(os.getloadavg()[0], 2)},
        "map_open_to_painted_seconds": {"median": median(map_runs), "runs": map_runs,
                                        "how": "page.goto('/') to >= 25 choropleth paths, same tab, warm server; "
                                               "request routing turns Chromium's HTTP cache off, so every load "
                                               "fetches all scripts again"},
        "filter_change_to_repainted_seconds": {"median": median(change_runs), "runs": change_runs,
                                               "how": "click a country in the sidebar multiselect to its trace "
                                                      "in the chart's data and legend (uncached chart)"},
    })
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "browser_timings.json").write_text(json.dumps(TIMINGS, indent=2) + "\n")
    print("\nbrowser timings:", json.dumps(TIMINGS))
    net.assert_no_errors(since=mark)


def test_the_walk_used_no_host_but_the_apps_own(net):
    """Runs last: everything above went through the guard; nothing left for any other host."""
    if not net.own:
        pytest.skip("no other browser test ran in this session")
    assert net.websockets and all(ws.endswith("/_stcore/stream") for ws in net.websockets)
    net.assert_no_errors()
    foreign = sorted(set(net.foreign))
    assert foreign == [], f"{len(net.foreign)} requests to other hosts were blocked: {foreign}"
