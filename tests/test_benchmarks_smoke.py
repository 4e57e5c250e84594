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

SECTIONS = ["meta", "generation", "queries", "pandas", "rerun", "browser", "memory", "targets"]


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
    assert results["memory"], "the app memory walk reported nothing"
    for walk in results["memory"].values():
        assert "peak_rss_mb" in walk or "skipped" in walk, walk
    assert {t["target"] for t in results["targets"]} and "Targets" in done.stdout
