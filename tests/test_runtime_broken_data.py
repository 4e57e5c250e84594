"""Broken extracts at run time: the pages that need a damaged file say so clearly, the others keep working.

A copy of data/extracts goes to tmp_path, one file is broken (missing, empty, truncated, garbage inside, a column
dropped, renamed or retyped; the map shapes missing or corrupt), the app is pointed at the copy
(dashboard.settings.DATA_DIR) with Streamlit's caches cleared, and every page is opened with AppTest:

* a page that needs the file shows one st.error naming the file and the rebuild command `python -m dashboard build`
  (never the generic "something went wrong" message, never a traceback: app.exception stays empty);
* every other page shows its title and its chart or tables, and no st.error.

Which page needs which file is derived from the queries each page runs (PAGE_QUERIES, from the page and chart
registries dashboard/site.py and dashboard/charts.py) and dashboard.db.query_views, so a new query in a SQL file moves
the expectations with it. The same is checked for files broken while the server is already running (connection,
catalog and charts cached), and that a repaired file is picked up again without a restart.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import charts, db, settings, site
from tests.apptest_support import EXPLORER_PAGES, new_app, open_page

pytestmark = pytest.mark.corpus  # full run only: every way to break a file, through the app or the build

PAGES = EXPLORER_PAGES
CATALOG_QUERIES = {"country_catalog", "indicator_catalog"}


def page_queries(page: str) -> set[str]:
    """The queries a page cannot do without, from the registries (dashboard/site.py, dashboard/charts.py).

    A chart's layers (programme markers and bands, the map credit) are optional: the chart draws and says what is
    missing. A page whose chart needs no statistics also works without the indicator catalog."""
    declared = site.BY_NAME[page]
    chart = charts.CHARTS[site.chart_of(page)]
    catalog = CATALOG_QUERIES if chart.needs_statistics else CATALOG_QUERIES - {"indicator_catalog"}
    return {*catalog, chart.query_name, *declared.queries}


PAGE_QUERIES = {page: page_queries(page) for page in PAGES}
# Pages that draw the map figure (the data page shows the map's table without drawing it).
NEEDS_SHAPES = {page for page in PAGES if charts.CHARTS[site.chart_of(page)].base_map}
SHAPES = "europe.geojson"
REBUILD = "python -m dashboard build"


def files_needed(page: str) -> set[str]:
    files = {db.EXTRACTS[view].file for query in PAGE_QUERIES[page] for view in db.query_views(query)}
    return files | ({SHAPES} if page in NEEDS_SHAPES else set())


# --- ways to break a file --------------------------------------------------------------------------------------


def _rewrite(path: Path, select: str) -> None:
    """Rewrite a Parquet file through DuckDB (a plain connection, not the app's locked one)."""
    staged = path.with_suffix(".staged")
    with duckdb.connect() as duck:
        duck.execute(f"COPY (SELECT {select} FROM read_parquet('{path}')) TO '{staged}' (FORMAT parquet)")
    staged.replace(path)


def _first_column(path: Path) -> tuple[str, str]:
    return next(iter(db.EXTRACTS[path.stem].columns.items()))


def missing(path: Path) -> None:
    path.unlink()


def empty(path: Path) -> None:
    path.write_bytes(b"")


def truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:200])


def garbage_inside(path: Path) -> None:
    """Overwrite the middle of the file (the data pages); the footer with the schema stays intact."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    size = min(len(data) // 3, 20_000)
    data[middle - size // 2: middle + size // 2] = bytes((i * 37 + 11) % 256 for i in range(size))
    path.write_bytes(bytes(data))


def column_dropped(path: Path) -> None:
    _rewrite(path, f"* EXCLUDE ({_first_column(path)[0]})")


def column_renamed(path: Path) -> None:
    column = _first_column(path)[0]
    _rewrite(path, f"* RENAME ({column} AS {column}_renamed)")


def column_retyped(path: Path) -> None:
    column, kind = _first_column(path)
    _rewrite(path, f"* REPLACE (CAST({column} AS {'BLOB' if kind == 'VARCHAR' else 'VARCHAR'}) AS {column})")


BREAKS: dict[str, Callable[[Path], None]] = {
    "missing": missing, "empty": empty, "truncated": truncated, "garbage-inside": garbage_inside,
    "column-dropped": column_dropped, "column-renamed": column_renamed, "column-retyped": column_retyped}
PARQUET = sorted(extract.file for extract in db.EXTRACTS.values())
# Every way of breaking the two central files; the three most distinct ways for the others (time: ~1 s each).
SCENARIOS = [(file_name, way) for file_name in PARQUET for way in BREAKS
             if file_name in ("facts.parquet", "programmes.parquet") or way in ("missing", "truncated",
                                                                                  "column-dropped")]
SHAPE_BREAKS = {
    "missing": missing,
    "empty": empty,
    "truncated": lambda path: path.write_text(path.read_text(encoding="utf-8")[:200], encoding="utf-8"),
    "not-json": lambda path: path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64)),
    "no-features": lambda path: path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8"),
}


# --- fixtures and helpers --------------------------------------------------------------------------------------


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def extracts(tmp_path, monkeypatch) -> Path:
    """A private copy of the shipped extracts that the app reads instead of data/extracts."""
    folder = tmp_path / "extracts"
    shutil.copytree(settings.DATA_DIR, folder)
    monkeypatch.setattr(settings, "DATA_DIR", folder)
    clear_caches()
    yield folder
    clear_caches()


def open_pages(**params) -> dict[str, AppTest]:
    """Every page, opened in one session the way a user clicks through them (map is the default page)."""
    app = new_app()
    app.query_params.update(params)
    opened = {}
    for page, script in PAGES.items():
        if page == "map":
            app.run()
        else:
            app.query_params.update(params)
            app.switch_page(script).run()
        opened[page] = _snapshot(app)
    return opened


def _snapshot(app: AppTest) -> dict:
    return {"exception": [e.value for e in app.exception], "error": [e.value for e in app.error],
            "title": [t.value for t in app.title], "charts": len(app.get("plotly_chart")),
            "tables": len(app.dataframe), "text": str(app)}


def assert_page_works(page: str, seen: dict) -> None:
    assert not seen["exception"], (page, seen["exception"])
    assert not seen["error"], (page, seen["error"])
    assert seen["title"], f"{page}: no title"
    if page == "data":
        assert seen["tables"] >= 4, f"data page shows {seen['tables']} tables"
    else:
        assert seen["charts"], f"{page}: no chart"


def assert_page_explains(page: str, seen: dict, file_name: str) -> None:
    assert not seen["exception"], (page, seen["exception"])
    assert len(seen["error"]) == 1, (page, seen["error"])
    [message] = seen["error"]
    assert file_name in message and REBUILD in message, (page, message)
    # Issue 18, finding 12: every user saw the server's absolute path and DuckDB's own error text.
    assert str(settings.DATA_DIR) not in seen["text"] and "Error:" not in message, (page, message)
    assert "missing or damaged" in message, f"{page}: the generic error instead of the data message: {message}"
    assert "Traceback" not in seen["text"]


def check_all_pages(opened: dict[str, dict], file_name: str) -> None:
    for page, seen in opened.items():
        if file_name in files_needed(page):
            assert_page_explains(page, seen, file_name)
        else:
            assert_page_works(page, seen)


# --- tests -----------------------------------------------------------------------------------------------------


def test_page_dependencies_match_the_code():
    """Every query the UI code runs is declared for some page or chart, and the derived needs are what we expect."""
    code = "".join((settings.REPO_ROOT / "dashboard" / name).read_text(encoding="utf-8")
                   for name in ("charts.py", "citations.py", "catalog.py", "ui/pages.py"))
    used = set(re.findall(r"(?:run_query\(connection|data\.query\()\s*,?\s*\"([a-z_]+)\"", code))
    declared = set().union(*PAGE_QUERIES.values(), *(chart.layer_queries for chart in charts.CHARTS.values()))
    assert used and used <= declared | {"data_editions"}, used - declared  # the edition notice: on every page
    assert PAGE_QUERIES["map"] == {"country_catalog", "indicator_catalog", "indicator_map"}
    assert files_needed("programmes") == {"countries.parquet", "programmes.parquet", "programme_claims.parquet",
                                          "programme_sources.parquet"}
    assert "facts.parquet" in files_needed("trends") and SHAPES not in files_needed("trends")
    assert NEEDS_SHAPES == {"map"}
    assert not any("population.parquet" in files_needed(page) for page in PAGES), "no page reads population"


def test_charts_say_when_programme_markers_are_missing(extracts):
    (extracts / "programmes.parquet").unlink()
    opened = open_pages()
    for page in ("map", "trends"):
        assert opened[page]["charts"] and not opened[page]["error"]
    app = open_page("trends")
    figure = app.get("plotly_chart")[0].proto.spec
    assert "HAT programmes not shown" in figure and "programmes.parquet" in figure


def test_intact_copy_works_on_every_page(extracts):
    for page, seen in open_pages().items():
        assert_page_works(page, seen)


@pytest.mark.parametrize(("file_name", "way"), SCENARIOS, ids=[f"{f.split('.')[0]}-{w}" for f, w in SCENARIOS])
def test_broken_extract_at_start(extracts, file_name, way):
    BREAKS[way](extracts / file_name)
    check_all_pages(open_pages(), file_name)


@pytest.mark.parametrize("way", list(SHAPE_BREAKS))
def test_broken_map_shapes(extracts, way):
    SHAPE_BREAKS[way](extracts / SHAPES)
    opened = open_pages()
    check_all_pages(opened, SHAPES)
    assert opened["trends"]["charts"] and not opened["trends"]["error"]


def test_map_shapes_that_are_json_but_not_an_object(extracts):
    (extracts / SHAPES).write_text("[]", encoding="utf-8")
    check_all_pages(open_pages(), SHAPES)


RUNNING = [("facts.parquet", "missing"), ("facts.parquet", "truncated"), ("facts.parquet", "garbage-inside"),
           ("facts.parquet", "column-dropped"), ("facts.parquet", "column-retyped"), ("programmes.parquet", "missing"),
           ("programmes.parquet", "column-renamed"), ("programme_claims.parquet", "empty"),
           ("sources.parquet", "truncated")]


@pytest.mark.parametrize(("file_name", "way"), RUNNING, ids=[f"{f.split('.')[0]}-{w}" for f, w in RUNNING])
def test_extract_broken_while_the_app_runs(extracts, file_name, way):
    """The connection, catalog and charts are cached from intact data; then the file breaks under the app."""
    for page, seen in open_pages().items():
        assert_page_works(page, seen)
    BREAKS[way](extracts / file_name)
    # a link not opened before, so the charts are not served from the cache
    check_all_pages(open_pages(countries="NOR,SWE,NLD", **{"from": "2001"}), file_name)


def test_map_shapes_deleted_while_the_app_runs(extracts):
    open_pages()
    (extracts / SHAPES).unlink()
    check_all_pages(open_pages(countries="DNK,FIN"), SHAPES)


@pytest.mark.parametrize("name", ["programmes.parquet", "facts.parquet"])
def test_repaired_extract_is_used_again_without_a_restart(extracts, name):
    """After `python -m dashboard build` repairs a file, reloading the page is enough."""
    intact = (extracts / name).read_bytes()
    truncated(extracts / name)
    check_all_pages(open_pages(), name)
    (extracts / name).write_bytes(intact)
    for page, seen in open_pages(countries="NLD,CHE").items():
        assert_page_works(page, seen)
