"""The benchmark suite still runs end to end (python -m benchmarks.run --smoke) and reports every section."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import settings

pytestmark = pytest.mark.process

SECTIONS = ["meta", "generation", "queries", "pandas", "rerun", "browser", "memory", "load", "targets"]


def test_smoke_suite_reports_every_section(tmp_path: Path):
    out = tmp_path / "smoke.json"
    # The benchmarks measure the shipped extracts and synthetic ones made from them, never the tests' fixture.
    env = {**os.environ, "DPA_DATA_DIR": str(settings.SHIPPED_DATA_DIR)}
    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--smoke", "--out", str(out)],
                          cwd=settings.REPO_ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert [s for s in SECTIONS if s not in results] == []
    assert results["meta"]["smoke"] is True
    # Every query file was timed on every scale, and the synthetic folder was made by the generator.
    queries = sorted(p.stem for p in (settings.REPO_ROOT / "queries").glob("*.sql"))
    for scale in results["meta"]["scales"]:
        assert "error" not in results["queries"][scale], results["queries"][scale]
        assert sorted(results["queries"][scale]["queries"]) == queries
    assert results["generation"]["10x"]["synthetic"] is True and results["generation"]["10x"]["facts_rows"] > 0
    # DuckDB and pandas gave the same answers, and both memory probes ran.
    compare = results["pandas"]["compare"]["queries"]
    assert sorted(compare) == queries and all(q["results_agree"] for q in compare.values())
    assert results["pandas"]["memory"]["duckdb"]["peak_rss_mb"] > 0
    assert results["pandas"]["memory"]["pandas"]["peak_rss_mb"] > 0
    # Every page was rerun in the app and in the floor app.
    pages = results["rerun"]["shipped"]["pages"]
    assert sorted(pages) == ["data", "map", "programmes", "trends"]
    assert all(page["app"]["n"] > 0 and page["floor"]["n"] > 0 and page["fresh"]["n"] > 0 for page in pages.values())
    # Chromium parts ran, or say plainly why not.
    assert "first_map_painted_s" in results["browser"] or "skipped" in results["browser"], results["browser"]
    if "first_map_painted_s" in results["browser"]:
        browser = results["browser"]
        assert 10 < browser["ws_kb_map_page"] < 200 and browser["ws_kb_filter_change_new"] > 0
        assert browser["repaint"]["n"] > 0 and browser["repaint_map_year"]["n"] > 0
        # plotly.js drew each new map year at least once, after the key press that asked for it
        assert browser["map_year_draws_per_change"] >= 1 and browser["map_year_drawn"]["median_ms"] > 0
    assert results["memory"], "the app memory walk reported nothing"
    for walk in results["memory"].values():
        assert "peak_rss_mb" in walk or "skipped" in walk, walk
    assert {t["target"] for t in results["targets"]} and "Targets" in done.stdout


def test_the_usual_streamlit_way_draws_the_view_the_browser_benchmark_drives():
    """benchmarks/usual_app.py (pandas in memory, Plotly Express) answers the same widget keys and texts."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(settings.REPO_ROOT / "benchmarks" / "usual_app.py"), default_timeout=60).run()
    assert not app.exception
    assert app.selectbox(key="w_preset").value.startswith("EMCDDA reporting countries")
    app.selectbox(key="w_preset").select("Nordic countries").run()
    assert any(caption.value.startswith("Nordic countries (") for caption in app.caption)
    app.slider(key="w_year").set_value(2010).run()
    assert any(header.value.endswith(", 2010") for header in app.subheader)
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert figure["data"][0]["type"] == "choropleth" and isinstance(figure["data"][0]["geojson"], dict)


def test_an_earlier_commit_is_checked_out_beside_the_repository_and_removed():
    from benchmarks import run

    folder = run._worktree("HEAD")
    try:
        assert (folder / "app.py").is_file() and (folder / "dashboard" / "ui" / "pages.py").is_file()
    finally:
        run._drop_worktree(folder)
    assert not folder.exists()
