"""Exports: every file is opened again and checked for what it must say and hold (on the fixture extracts)."""

from __future__ import annotations

import html
import io
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from dashboard import catalog as catalog_module
from dashboard import charts, db, export, settings
from dashboard.export.tables import flat_table
from dashboard.slides import Slide, view_slide
from dashboard.state import from_query_string
from tests.csv_support import read_exported_csv

EXPORTED_ON = date(2024, 5, 6)
BASE_URL = "https://atlas.example.org/"
STAMP = "Exported 2024-05-06 from Drug Policy Atlas"
QUERIES = {
    "map": "page=map",
    "trend": "page=trends&preset=nordic",
    "timeline": "page=programmes&preset=hat",
    "trend_log": "page=trends&countries=NOR,SWE,DNK&from=2011&to=2015&scale=log",
    "map_2010": "page=map&preset=eu27&year=2010",
    "map_all": "page=map&preset=all",
}
needs_browser = pytest.mark.skipif(not export.browser_available(), reason="Chromium is not installed")
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def catalog(connection):
    return catalog_module.load_catalog(connection)


@pytest.fixture(scope="module")
def chart_views(connection, catalog) -> dict[str, charts.ChartView]:
    built = {}
    for name, query in QUERIES.items():
        state, notices = from_query_string(query, catalog)
        assert notices == [], (name, notices)
        built[name] = charts.chart_for_state(connection, catalog, state)
    return built


@pytest.fixture(scope="module")
def warm_exporter():
    """One browser for the whole module: the first image pays the start-up, the others ~0.3 s."""
    export.ensure_exporter()
    yield


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n" and content[12:16] == b"IHDR"
    return struct.unpack(">II", content[16:24])


def squashed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def plain_rows(frame: pd.DataFrame) -> list[tuple]:
    """Cell values compared by meaning: missing -> None, numbers -> float, flags -> bool, the rest as text."""
    def cell(value):
        if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
            return None
        if isinstance(value, bool) or str(value) in ("True", "False"):
            return str(value) == "True"
        try:
            return float(value)
        except (TypeError, ValueError):
            return str(value)
    return [tuple(cell(v) for v in row) for row in frame.itertuples(index=False)]


def assert_same_table(found: pd.DataFrame, expected: pd.DataFrame, rel_tol: float = 0.0) -> None:
    assert list(found.columns) == list(expected.columns)
    assert len(found) == len(expected)
    if not rel_tol:
        assert plain_rows(found) == plain_rows(expected)
        return
    for got, want in zip(plain_rows(found), plain_rows(expected), strict=True):
        assert len(got) == len(want)
        for a, b in zip(got, want, strict=True):
            assert (math.isclose(a, b, rel_tol=rel_tol) if isinstance(b, float) and isinstance(a, float)
                    else a == b), (got, want)


# --- names, links and the stamp -------------------------------------------------------------------------------


@pytest.mark.parametrize("name, kind, countries, years", [
    ("map", "map", "DNK-FIN-NOR-SWE", "2015"),
    ("trend", "trend", "DNK-FIN-NOR-SWE", "2010-2015"),
    ("trend_log", "trend", "NOR-SWE-DNK", "2011-2015"),
    ("map_2010", "map", "DNK-FIN-SWE", "2010"),
    ("map_all", "map", "6-countries", "2015"),
])
def test_file_names_say_chart_indicator_countries_years(chart_views, name, kind, countries, years):
    result = export.file_name(chart_views[name], "png")
    assert result == f"{kind}_drd_deaths_per_million_15_64_{countries}_{years}.png"


def test_file_names_are_sanitised(chart_views):
    odd = replace(chart_views["map"], file_stem="../map é/<x>?*: y")
    name = export.file_name(odd, "p/ng")
    assert re.fullmatch(r"[A-Za-z0-9._-]+", name) and not name.startswith(".") and name.endswith(".png")


def test_view_url_uses_argument_then_environment_then_default(chart_views, monkeypatch):
    view = chart_views["trend"]
    monkeypatch.delenv(export.PUBLIC_URL_ENV, raising=False)
    filters = view.query_string.replace("page=trends&", "")
    assert export.view_url(view) == f"http://localhost:8501/trends?{filters}"
    monkeypatch.setenv(export.PUBLIC_URL_ENV, "https://dpa.example.net/app")
    assert export.view_url(view) == f"https://dpa.example.net/app/trends?{filters}"
    assert export.view_url(view, BASE_URL) == f"{BASE_URL}trends?{filters}"
    assert export.view_url(chart_views["map"], BASE_URL).startswith(f"{BASE_URL}map?")  # /map, like every page


def test_stamp_figure_carries_frame_stamp_and_link_without_touching_the_view(chart_views):
    view = chart_views["trend"]
    before = view.figure.to_json()
    url = export.view_url(view, BASE_URL)
    figure = export.stamp_figure(view, exported_on=EXPORTED_ON, view_url=url)
    texts = squashed(" ".join([figure.layout.title.text or ""] + [a.text or "" for a in figure.layout.annotations]))
    for expected in (view.title, view.subtitle, STAMP, url):
        assert squashed(expected.replace("&", "&amp;")) in texts or squashed(expected) in texts, expected
    assert "Source:" in texts
    assert view.figure.to_json() == before


# --- data -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(QUERIES))
def test_csv_is_the_query_result(connection, chart_views, name):
    view = chart_views[name]
    found = read_exported_csv(export.to_csv(view))
    assert_same_table(found, flat_table(db.run_query(connection, view.query_name, **view.params)))


@pytest.mark.parametrize("name", ["map", "trend_log", "timeline"])
def test_xlsx_holds_the_query_result_and_where_it_came_from(connection, chart_views, name):
    view = chart_views[name]
    content = export.to_xlsx(view, exported_on=EXPORTED_ON, base_url=BASE_URL)
    sheets = pd.read_excel(io.BytesIO(content), sheet_name=None, header=None)
    assert list(sheets) == ["data", "about"]
    found = pd.read_excel(io.BytesIO(content), sheet_name="data")
    # Excel keeps 15-16 significant digits of a double (the CSV keeps them all).
    assert_same_table(found, flat_table(db.run_query(connection, view.query_name, **view.params)), rel_tol=1e-15)
    about = dict(zip(sheets["about"][0], sheets["about"][1], strict=True))
    assert about["Title"] == view.title and about["Filters"] == view.subtitle
    assert about["Source"] == view.source_line
    assert about["Exported"] == f"{EXPORTED_ON.isoformat()} from Drug Policy Atlas"
    assert about["View link"] == export.view_url(view, BASE_URL)
    assert about["Query file"] == f"queries/{view.query_name}.sql"
    assert (REPO / about["Query file"]).is_file()
    assert json.loads(about["Query parameters"]) == view.params


# --- HTML -------------------------------------------------------------------------------------------------------


def fetched_urls(page: str) -> list[str]:
    """External addresses the page would load: script/img/iframe src, link href, url(), fetch/import calls."""
    outside = page.replace(get_plotlyjs(), "")  # the bundle's own string constants are never requested here
    patterns = [r"""<(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//""",
                r"""<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?//""", r"""url\(\s*["']?\s*(?:https?:)?//""",
                r"""(?:fetch|import)\(\s*["'](?:https?:)?//""", r"@import\s+[\"']?(?:https?:)?//"]
    found = [match.group(0) for pattern in patterns for match in re.finditer(pattern, outside, re.IGNORECASE)]
    if "cdn.plot.ly" in outside or "cdn.jsdelivr" in outside:
        found.append("CDN reference")
    return found


def test_html_is_self_contained_and_holds_the_data(chart_views):
    view = chart_views["map"]
    page = export.to_html(view, exported_on=EXPORTED_ON, base_url=BASE_URL).decode("utf-8")
    assert fetched_urls(page) == []
    assert page.count(get_plotlyjs()) == 1
    assert "window.PlotlyGeoAssets" in page and '"world_110m":' in page
    assert page.index("window.PlotlyGeoAssets") < page.index(get_plotlyjs()[:200])
    for row in view.data.dropna(subset=["value"]).head(5).itertuples():
        assert f"<td>{row.country}</td>" in page and f"<td>{row.value!r}</td>" in page
    assert view.title in page and STAMP in page
    assert f'href="{html.escape(export.view_url(view, BASE_URL))}"' in page


def test_html_without_maps_embeds_no_base_map(chart_views):
    page = export.to_html(chart_views["trend"], exported_on=EXPORTED_ON).decode("utf-8")
    assert "<script>window.PlotlyGeoAssets" not in page and fetched_urls(page) == []


def test_deck_html_inlines_plotly_and_each_base_map_once(chart_views):
    shown = [view_slide(chart_views[name], f"Say this about {name}.") for name in QUERIES]
    page = export.deck_to_html(shown, title="Board meeting", exported_on=EXPORTED_ON).decode("utf-8")
    assert page.count(get_plotlyjs()) == 1 and page.count('"world_110m":') == 1
    assert fetched_urls(page) == []
    assert page.count('class="js-plotly-plot"') + page.count('class="plotly-graph-div"') >= len(shown)
    for slide in shown:
        assert slide.view.title in page and slide.note in page
    assert "<h1>Board meeting</h1>" in page and 'id="present">Present (P)</button>' in page


def test_deck_html_holds_title_text_and_table_slides(chart_views):
    shown = [Slide(kind="title", title="HAT in Bergen", text="Council, 3 December"),
             view_slide(chart_views["map"], "map note", kind="table"),
             Slide(kind="text", title="What we ask", text="Fund 50 places.\nReview in 2028.")]
    page = export.deck_to_html(shown, title="Bergen", exported_on=EXPORTED_ON,
                               editions=("EMCDDA figures: test edition.",)).decode("utf-8")
    assert '<section class="slide cover" id="slide-1"><h2>HAT in Bergen</h2>' in page
    assert "<table class='dpa-slide-table'>" in page and "<th scope='col'>Country</th>" in page
    assert "Fund 50 places.\nReview in 2028." in page and "EMCDDA figures: test edition." in page
    assert "plotly-graph-div" not in page.split("<main>", 1)[1]  # no chart slide: no chart drawn


def test_html_escapes_notes(chart_views):
    page = export.deck_to_html([view_slide(chart_views["trend"], "<script>alert(1)</script>")]).decode("utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.fixture(scope="module")
def offline_browser():
    """Headless Chromium via Playwright, shared by the offline-rendering tests."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=export.browser_path(),
                                             args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def render_offline(browser, tmp_path: Path, content: bytes) -> dict:
    """Open the page with every non-file request refused; report what was drawn and what was refused."""
    path = tmp_path / "page.html"
    path.write_bytes(content)
    refused, errors = [], []
    context = browser.new_context()
    try:
        page = context.new_page()

        def route(request_route):
            url = request_route.request.url
            if url.startswith(("file:", "data:", "blob:")):
                request_route.continue_()
            else:
                refused.append(url)
                request_route.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
        page.wait_for_timeout(500)
        drawn = {"countries": page.locator("path.choroplethlocation").count(),
                 "plots": page.locator(".js-plotly-plot").count(),
                 "lines": page.locator("g.trace.scatter").count()}
    finally:
        context.close()
    return {**drawn, "refused": refused, "errors": errors}


@pytest.mark.browser
@needs_browser
def test_offline_html_map_renders_with_network_blocked(offline_browser, chart_views, tmp_path):
    drawn = render_offline(offline_browser, tmp_path, export.to_html(chart_views["map"], exported_on=EXPORTED_ON))
    assert drawn["refused"] == [] and drawn["errors"] == []
    assert drawn["countries"] == 5  # every shape of the fixture's base map, selected or not


@pytest.mark.browser
@needs_browser
def test_offline_deck_html_renders_every_chart(offline_browser, chart_views, tmp_path):
    shown = [view_slide(chart_views[name]) for name in QUERIES]
    drawn = render_offline(offline_browser, tmp_path, export.deck_to_html(shown, exported_on=EXPORTED_ON))
    assert drawn["refused"] == [] and drawn["errors"] == []
    maps = sum(slide.view.kind == "map" for slide in shown)
    assert drawn["plots"] == len(shown) and drawn["countries"] == 5 * maps and drawn["lines"] >= 5


# --- static images ----------------------------------------------------------------------------------------------


@needs_browser
@pytest.mark.browser
@pytest.mark.parametrize("scale, pixels", [("slide", (1600, 900)), ("print", (3300, 2550))])
def test_png_has_the_documented_size(warm_exporter, chart_views, scale, pixels):
    assert png_size(export.to_png(chart_views["trend"], scale, exported_on=EXPORTED_ON)) == pixels
    assert export.IMAGE_SIZES[scale].pixels == pixels


@needs_browser
@pytest.mark.browser
@pytest.mark.parametrize("name", ["map", "timeline", "trend_log"])
def test_svg_text_has_title_source_stamp_and_link(warm_exporter, chart_views, name):
    view = chart_views[name]
    root = ET.fromstring(export.to_svg(view, exported_on=EXPORTED_ON, base_url=BASE_URL))
    text = squashed(" ".join(root.itertext()))
    for expected in (view.title, view.subtitle, view.source_line, STAMP, export.view_url(view, BASE_URL)):
        assert squashed(expected) in text, expected


@needs_browser
@pytest.mark.browser
def test_pdf_text_has_title_source_and_stamp(warm_exporter, chart_views):
    from pypdf import PdfReader

    view = chart_views["map_2010"]
    reader = PdfReader(io.BytesIO(export.to_pdf(view, exported_on=EXPORTED_ON)))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert width > height  # landscape
    text = squashed(reader.pages[0].extract_text())
    for expected in (view.title, view.source_line, STAMP):
        assert squashed(expected) in text, expected


@needs_browser
@pytest.mark.browser
def test_deck_pptx_has_a_slide_per_view_with_title_picture_and_note(warm_exporter, chart_views):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    shown = [view_slide(chart_views[name], f"Point {number}: the {name} chart.") for number, name in enumerate(QUERIES)]
    deck = Presentation(io.BytesIO(export.deck_to_pptx(shown, title="Board", exported_on=EXPORTED_ON,
                                                       base_url=BASE_URL, editions=("EMCDDA figures: test.",))))
    assert len(deck.slides) == 1 + len(shown) + 1  # the title slide, one a view, the record
    assert abs(deck.slide_width / deck.slide_height - 16 / 9) < 0.01
    assert deck.core_properties.title == "Board" and deck.slides[0].shapes.title.text == "Board"
    record = " ".join(shape.text_frame.text for shape in deck.slides[-1].shapes if shape.has_text_frame)
    assert STAMP in record and "EMCDDA figures: test." in record
    assert all(export.view_url(slide.view, BASE_URL) in record for slide in shown)
    for slide, (view, note) in zip(list(deck.slides)[1:-1], [(s.view, s.note) for s in shown], strict=True):
        assert slide.shapes.title.text == view.title
        pictures = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1 and pictures[0].image.content_type == "image/png"
        assert pictures[0].left + pictures[0].width <= deck.slide_width
        assert pictures[0].top + pictures[0].height <= deck.slide_height
        words = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        for expected in (view.subtitle, view.source_line, STAMP, export.view_url(view, BASE_URL)):
            assert expected in words
        assert slide.notes_slide.notes_text_frame.text == note


@needs_browser
@pytest.mark.browser
def test_deck_pdf_has_a_page_per_view_with_title_source_and_note(warm_exporter, chart_views):
    from pypdf import PdfReader

    shown = [view_slide(chart_views["trend"], "Nordic rates rose after 2010."), view_slide(chart_views["map"]),
             view_slide(chart_views["timeline"], "Long note. " * 80)]
    reader = PdfReader(io.BytesIO(export.deck_to_pdf(shown, title="Board", exported_on=EXPORTED_ON)))
    assert len(reader.pages) == len(shown) + 1  # and the record page
    assert reader.metadata.title == "Board"
    assert [item.title for item in reader.outline] == [s.view.title for s in shown] + ["About these slides: Board"]
    for page, slide in zip(reader.pages, shown, strict=False):
        text = squashed(page.extract_text())
        assert squashed(slide.view.title) in text and squashed(slide.view.source_line) in text and STAMP in text
        assert "Nordic rates rose" not in text and "Long note." not in text  # the notes are the presenter's
    handout = PdfReader(io.BytesIO(export.export_deck(shown, "handout", title="Board", exported_on=EXPORTED_ON)))
    assert handout.metadata.title == "Board (handout with notes)"
    assert squashed("Nordic rates rose after 2010.") in squashed(handout.pages[0].extract_text())
    assert squashed("Long note. " * 3) in squashed(handout.pages[2].extract_text())


@needs_browser
@pytest.mark.browser
def test_concurrent_exports_each_get_their_own_image(warm_exporter, chart_views):
    results: dict[str, tuple[int, int]] = {}

    def work(scale: str) -> None:
        results[scale] = png_size(export.to_png(chart_views["timeline"], scale))

    threads = [threading.Thread(target=work, args=(scale,)) for scale in ("print", "slide", "print", "slide")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"slide": (1600, 900), "print": (3300, 2550)}


# --- without a browser, and with a base map we do not ship --------------------------------------------------------


def test_without_chromium_images_fail_clearly_and_the_rest_works(chart_views, monkeypatch):
    monkeypatch.setattr(export.renderer, "browser_path", lambda: None)
    monkeypatch.setattr(export.renderer, "_renderer", None)
    assert not export.browser_available()
    view = chart_views["trend"]
    for make in (export.to_png, export.to_svg, export.to_pdf):
        with pytest.raises(export.ExportUnavailable, match="apt-get install chromium"):
            make(view)
    with pytest.raises(export.ExportUnavailable, match="HTML, CSV and XLSX"):
        export.deck_to_pptx([view_slide(view)])
    assert export.to_html(view).startswith(b"<!DOCTYPE html>")
    assert b"\niso3," in export.to_csv(view) and export.to_csv(view).startswith(b"# ")
    assert export.to_xlsx(view)[:2] == b"PK"


def test_a_base_map_that_is_not_shipped_is_named(chart_views):
    figure = go.Figure(go.Choropleth(locations=["NOR"], z=[1]))
    figure.update_geos(scope="europe", resolution=110)
    assert export.topojson_names(figure) == ["europe_110m"]
    odd = replace(chart_views["map"], figure=figure)
    with pytest.raises(export.ExportUnavailable, match="europe_110m"):
        export.to_html(odd)
    assert export.topojson_names(chart_views["map"].figure) == ["world_110m"]
    assert (settings.TOPOJSON_DIR / "world_110m.json").is_file()


def test_unknown_formats_and_sizes_are_refused(chart_views):
    with pytest.raises(ValueError, match="choose one of"):
        export.export_view(chart_views["trend"], "gif")
    with pytest.raises(ValueError, match="slide or print"):
        export.to_png(chart_views["trend"], "poster")
    with pytest.raises(ValueError, match="choose one of"):
        export.export_deck([], "csv")


# --- command line ---------------------------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "DPA_DATA_DIR": str(settings.DATA_DIR), "DPA_PUBLIC_URL": BASE_URL}
    return subprocess.run([sys.executable, "-m", "dashboard", "export", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.process
def test_cli_exports_a_view_as_offline_html(tmp_path):
    result = run_cli("--view", "page=trends&preset=eu27", "-o", str(tmp_path / "trend.html"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and "wrote" in result.stdout
    page = (tmp_path / "trend.html").read_text(encoding="utf-8")
    assert "EU-27 (3 countries)" in page and f'href="{BASE_URL}trends?' in page
    assert "<td>Sweden</td>" in page and "<td>620.0</td>" in page


@pytest.mark.process
def test_cli_corrects_bad_view_parameters_and_still_exports(connection, catalog, tmp_path):
    result = run_cli("--view", "http://x/?page=map&countries=NOR,SWE,XXX&year=abc", "--format", "csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "notice: Unknown country code 'XXX'" in result.stderr and "'year' must be a year" in result.stderr
    written = list(tmp_path.glob("*.csv"))
    assert [path.name for path in written] == ["map_drd_deaths_per_million_15_64_NOR-SWE_2015.csv"]
    assert set(read_exported_csv(written[0])["iso3"]) == {"NOR", "SWE"}


@pytest.mark.parametrize("args, message", [
    (["--view", "page=map", "--format", "gif"], "unknown format 'gif'"),
    (["--view", "page=map", "--format", "png", "--scale", "poster"], "unknown size 'poster'"),
    (["--view", "page=map", "-o", "out.docx"], "unknown format 'docx'"),
])
@pytest.mark.process
def test_cli_bad_input_fails_with_one_line(tmp_path, args, message):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_indexed_trend_exports_the_indexed_numbers_it_draws(connection):
    """Issue 11: with an index the chart drew one number while the CSV said another; now both say what is drawn."""
    catalog = catalog_module.load_catalog(connection)
    state, _ = from_query_string("page=trends&indicator=drd_deaths&countries=NOR,SWE&index=2011", catalog)
    view = charts.build_chart("trend", connection, catalog, state)
    exported = read_exported_csv(export.to_csv(view)).set_index(["iso3", "year"])
    assert exported.loc[("NOR", 2011), "plotted"] == pytest.approx(100)
    assert exported.loc[("NOR", 2015), "plotted"] == pytest.approx(289 / 262 * 100)
    assert (exported.loc[("NOR", 2015), "value"], exported.loc[("NOR", 2015), "base_value"]) == (289, 262)
    drawn = {trace.name: dict(zip(trace.x, trace.y, strict=True)) for trace in view.figure.data
             if (trace.meta or {}).get("role") == "series"}
    assert drawn["Norway"][2015] == pytest.approx(289 / 262 * 100)
    workbook = pd.read_excel(io.BytesIO(export.to_xlsx(view)), sheet_name="data").set_index(["iso3", "year"])
    assert workbook.loc[("NOR", 2015), "plotted"] == pytest.approx(289 / 262 * 100)


def test_one_registry_says_which_formats_need_chromium():
    assert set(export.VIEW_FORMATS) == {"png", "svg", "pdf", "html", "csv", "xlsx", "pptx"}
    assert {name for name, f in export.FORMATS.items() if f.needs_browser} == {"png", "svg", "pdf", "handout", "pptx"}
    assert all(export.FORMATS[name].for_deck for name in export.DECK_FORMATS)
    assert export.MEDIA_TYPES["csv"] == "text/csv"
    from dashboard.ui import export_panel
    assert {fmt for _, fmt, _ in export_panel.DOWNLOADS} <= set(export.VIEW_FORMATS)


def test_a_programmes_sources_are_a_list_and_files_write_them_as_text(chart_views):
    """source_titles and source_urls are lists in the extract and the query; a file cell holds them ' ; '-joined."""
    view = chart_views["timeline"]
    denmark = view.data.set_index("programme_id").loc["DK-REGULAR"]
    assert list(denmark["source_urls"]) == ["https://example.org/DK-REGULAR/register",
                                            "https://example.org/DK-REGULAR/report"]
    exported = read_exported_csv(export.to_csv(view)).set_index("programme_id")
    assert exported.loc["DK-REGULAR", "source_urls"] == ("https://example.org/DK-REGULAR/register ; "
                                                         "https://example.org/DK-REGULAR/report")
    page = export.to_html(view, exported_on=EXPORTED_ON).decode("utf-8")
    assert "DK-REGULAR register entry ; DK-REGULAR report" in page


def installed_command() -> Path:
    command = Path(sys.executable).parent / "drug-policy-atlas"
    if not command.exists():
        pytest.skip("the package is not installed in this environment (bash scripts/setup.sh installs it)")
    return command


@pytest.mark.process
def test_the_installed_command_works_from_any_folder(tmp_path):
    env = {**os.environ, "DPA_DATA_DIR": str(settings.DATA_DIR)}
    result = subprocess.run([str(installed_command()), "export", "--view", "page=map&countries=NOR,SWE", "-o",
                             "map.csv"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert set(read_exported_csv(tmp_path / "map.csv")["iso3"]) == {"NOR", "SWE"}


@pytest.mark.process
@pytest.mark.parametrize("view", ["page=map&countries=NOR,SWEE", "page=trends&indicator=drd_dead",
                                  "page=map&year=1990"])
def test_strict_refuses_a_view_that_needed_correcting(tmp_path, view):
    """A scheduled briefing must not silently become another chart: --strict exits 3 and writes nothing."""
    result = run_cli("--strict", "--view", view, "-o", str(tmp_path / "out.csv"), cwd=tmp_path)
    assert result.returncode == 3 and "notice: " in result.stderr and "--strict" in result.stderr
    assert list(tmp_path.iterdir()) == []
    relaxed = run_cli("--view", view, "-o", str(tmp_path / "out.csv"), cwd=tmp_path)
    assert relaxed.returncode == 0 and (tmp_path / "out.csv").is_file()


@pytest.mark.process
def test_strict_exports_a_clean_view(tmp_path):
    result = run_cli("--strict", "--view", "page=trends&countries=NOR", "-o", str(tmp_path / "t.csv"), cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""


@pytest.mark.browser
@needs_browser
def test_a_deck_export_lets_another_users_chart_through_and_stops_at_its_time_limit(chart_views):
    """Issue 18, finding 16: a deck's images went to the only browser tab all at once, so every other user's
    PNG waited until the whole deck (18 s for 50 map slides) was drawn."""
    from dashboard.export.renderer import IMAGE_SIZES, render_image, render_images

    size = IMAGE_SIZES["slide"]
    render_image(chart_views["trend"].figure, "png", size)  # a warm browser, as on a running server
    deck_jobs = [(chart_views["map"].figure, "png", size)] * 12
    finished: dict[str, float] = {}

    def export_deck() -> None:
        render_images(deck_jobs)
        finished["deck"] = time.monotonic()

    deck = threading.Thread(target=export_deck)
    deck.start()
    time.sleep(0.5)  # the deck's first images are being drawn
    render_image(chart_views["trend"].figure, "png", size)
    finished["single"] = time.monotonic()
    deck.join(timeout=300)
    assert finished["single"] < finished["deck"], finished

    with pytest.raises(export.ExportUnavailable, match="stopped after 0 of 12 images"):
        render_images(deck_jobs, time_limit=-1)
    assert render_image(chart_views["trend"].figure, "png", size)[:4] == b"\x89PNG"  # the browser is kept


# --- the meeting deck as people open it (issue 12) -------------------------------------------------------------


def _tick_labels(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return [" ".join("".join(group.itertext()).split()) for group in root.iter() if group.get("class") == "ytick"]


@needs_browser
@pytest.mark.browser
def test_the_pptx_timeline_picture_shows_every_programme_it_draws(warm_exporter, shipped_connection):
    """The shipped register's 20 programmes: drawn 550 px tall the picture showed 10 labels (Norway's pilot and
    Denmark's programme among those left out); the picture is now framed to its rows."""
    from dashboard.export.decks import slide_picture

    known = catalog_module.load_catalog(shipped_connection)
    state, _ = from_query_string("page=programmes&preset=hat", known)
    view = charts.chart_for_state(shipped_connection, known, state)
    figure, size = slide_picture(view)
    drawn = [str(label).replace("<br>", " ") for label in figure.layout.yaxis.categoryarray]
    assert len(drawn) == len(view.data) >= 19
    shown = _tick_labels(export.render_image(figure, "svg", size))
    # Every row's label, once (the axis runs top-down, the SVG lists them bottom-up).
    assert sorted(" ".join(label.split()) for label in shown) == sorted(" ".join(label.split()) for label in drawn)
    assert any(label.startswith("Norway") for label in shown) and any(label.startswith("Denmark") for label in shown)
    assert figure.layout.yaxis.tickfont.size >= 12  # readable on the slide, not shrunk to fit


@needs_browser
@pytest.mark.browser
def test_deck_pptx_holds_native_tables_text_slides_and_notes_in_the_notes_pane(warm_exporter, chart_views):
    from pptx import Presentation

    shown = [Slide(kind="title", title="HAT in Bergen", text="Council, 3 December", note="open slowly"),
             view_slide(chart_views["map"], "the table note", kind="table"),
             Slide(kind="text", title="What we ask", text="Fund 50 places.\nReview in 2028.", note="pause")]
    deck = Presentation(io.BytesIO(export.deck_to_pptx(shown, title="Bergen council", exported_on=EXPORTED_ON)))
    pages = list(deck.slides)
    assert len(pages) == 1 + 2 + 1  # the deck's own title slide opens it: no second cover; then the record
    assert pages[0].shapes.title.text == "HAT in Bergen" and pages[-1].shapes.title.text == "About these slides"
    tables = [shape.table for shape in pages[1].shapes if shape.has_table]
    assert len(tables) == 1
    cells = [[tables[0].cell(row, column).text for column in range(len(tables[0].columns))]
             for row in range(len(tables[0].rows))]
    table = shown[1].table
    assert cells == [list(table.columns), *map(list, table.rows)]
    words = " ".join(shape.text_frame.text for shape in pages[2].shapes if shape.has_text_frame)
    assert "Fund 50 places." in words and "Review in 2028." in words
    assert [page.notes_slide.notes_text_frame.text for page in pages[:3]] == ["open slowly", "the table note", "pause"]
    on_slides = " ".join(shape.text_frame.text for page in pages for shape in page.shapes if shape.has_text_frame)
    assert not any(note in on_slides for note in ("open slowly", "the table note", "pause"))


SOFFICE = shutil.which("soffice")


@needs_browser
@pytest.mark.browser
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-impress)")
def test_libreoffice_opens_the_deck_pptx_and_renders_every_slide(warm_exporter, chart_views, tmp_path):
    """The PPTX as a person opens it: LibreOffice renders every slide, with the table's cells and the words."""
    from pypdf import PdfReader

    shown = [view_slide(chart_views["trend"], "say it"), view_slide(chart_views["timeline"]),
             view_slide(chart_views["map"], kind="table"), Slide(kind="text", title="What we ask", text="Fund it.")]
    (tmp_path / "deck.pptx").write_bytes(export.deck_to_pptx(shown, title="Board", exported_on=EXPORTED_ON))
    done = subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "deck.pptx")],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    reader = PdfReader(str(tmp_path / "deck.pdf"))
    assert len(reader.pages) == 1 + len(shown) + 1
    texts = [squashed(page.extract_text()) for page in reader.pages]
    assert "Board" in texts[0] and STAMP in texts[0]
    for page_text, slide in zip(texts[1:-1], shown, strict=True):
        assert squashed(slide.title) in page_text
    assert all(cell in texts[3] for cell in shown[2].table.rows[0])
    assert "say it" not in " ".join(texts)  # a note stays in the notes pane


@pytest.mark.browser
@needs_browser
def test_the_offline_html_deck_presents_with_the_apps_keys(offline_browser, chart_views, tmp_path):
    shown = [Slide(kind="title", title="HAT in Bergen", text="Council"), view_slide(chart_views["trend"], "quiet"),
             view_slide(chart_views["map"], kind="table"), Slide(kind="text", title="What we ask", text="Fund it.")]
    path = tmp_path / "deck.html"
    path.write_bytes(export.deck_to_html(shown, title="Bergen", exported_on=EXPORTED_ON))
    context = offline_browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                   else route.abort())
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")

        def visible() -> list[str]:
            return [h.inner_text() for h in page.locator("section.slide h2").all() if h.is_visible()]

        assert len(visible()) == len(shown)  # reading: every slide on one page
        page.keyboard.press("p")
        assert visible() == ["HAT in Bergen"]
        for key, expected in [("ArrowRight", 1), ("PageDown", 2), ("Space", 3), ("Shift+Space", 2),
                              ("PageUp", 1), ("End", 3), ("Home", 0), ("ArrowLeft", 0)]:
            page.keyboard.press(key)
            assert visible() == [shown[expected].title], key
        page.keyboard.press("End")
        assert page.evaluate("location.hash") == "#slide-4-present"  # a reload presents the same slide
        page.keyboard.press("b")
        assert page.locator("#black").is_visible()
        page.keyboard.press("b")
        assert not page.locator("#black").is_visible()
        page.reload()
        page.wait_for_function("document.body.classList.contains('presenting')")
        assert visible() == ["What we ask"]
        page.keyboard.press("Home")
        page.keyboard.press("ArrowRight")
        assert visible() == [shown[1].title] and not page.get_by_text("quiet", exact=True).is_visible()  # the note
        page.keyboard.press("Escape")
        assert len(visible()) == len(shown)
    finally:
        context.close()
