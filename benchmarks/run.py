"""The benchmark suite in one command: prints the tables and writes benchmarks/results/results.json.

    .venv/bin/python -m benchmarks.run                              # everything: shipped, 10x, 100x, 10m, 100m
    .venv/bin/python -m benchmarks.run --scales shipped,10m         # a subset
    .venv/bin/python -m benchmarks.run --smoke                      # < 60 s, few repetitions, no targets asserted

Sections (each runs in its own subprocess, so every data folder gets a fresh server-like process):
  generation  synthetic extracts (dashboard/scale.py) per scale; generated when missing or with --regenerate
  queries     latency of every queries/*.sql per scale (median, p95, first call)
  pandas      the same questions the pandas way at ~10 M rows, side by side, and each engine's peak RSS alone
  rerun       AppTest page reruns after a filter change, every page, against the FLOOR app (benchmarks/floor_app.py)
  browser     Chromium on the shipped data: cold start to the first map, repaint after a sidebar filter change and
              after a new map year, websocket bytes per page and per change; side by side in one run (full run)
              with an earlier commit of the app (--against, a git worktree, default HEAD~1) and with the usual
              Streamlit way (benchmarks/usual_app.py: pandas in memory, Plotly Express), and the cold start at
              the largest scale
  memory      peak RSS of the app while Chromium walks every page (shipped data and the largest scale)
  load        benchmarks/load_test.py through `python -m dashboard serve`: 100 sessions for 60 s (full run), and
              with --soak-minutes N a soak of 30 sessions for N minutes (memory per worker, flat or not)
  targets     each target with the measured value and met / missed
The machine has 2 cores shared with other work: compare ratios measured in the same run, not absolute times
across runs. Load averages at the start and end are recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import CHROMIUM, PAGES, QUERY_NAMES, REPO, load_average

RESULTS = REPO / "benchmarks" / "results" / "results.json"
SMOKE_RESULTS = REPO / "benchmarks" / "results" / "smoke.json"
ALL_SCALES = ["shipped", "10x", "100x", "10m", "100m"]
SECTIONS = ["meta", "generation", "queries", "pandas", "rerun", "browser", "memory", "load", "targets"]
TARGETS = {
    "rerun_vs_floor": 1.3, "rerun_100m_ms": 250, "query_100m_ms": 100, "pandas_speedup": 10,
    "pandas_memory_ratio": 5, "app_rss_100m_mb": 500, "repaint_ms": 150, "map_page_kb": 80,
    "filter_change_kb": 40, "cold_start_s": 2.5, "cold_start_100m_s": 3.0, "catalog_100m_ms": 50,
}
USUAL_APP = "benchmarks/usual_app.py"


def _data_dir(scale: str) -> Path:
    from dashboard import scale as scale_module

    return scale_module.SHIPPED_DIR if scale == "shipped" else scale_module.scale_dir(scale)


def _facts_rows(folder: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(folder / "facts.parquet").metadata.num_rows


def _worker(module: str, args: list[str], data_dir: Path | None = None, timeout: float = 3600) -> dict:
    """Run python -m benchmarks.<module> in a fresh process; returns its JSON (or the error)."""
    env = dict(os.environ)
    env.pop("DPA_FLOOR_DATA", None)
    if data_dir is not None:
        env["DPA_DATA_DIR"] = str(data_dir)
    with tempfile.NamedTemporaryFile(prefix="dpa-bench-", suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, "-m", f"benchmarks.{module}", *args, "--json", str(out)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
            return {"error": f"{module} exited {done.returncode}: {tail}"}
        result = json.loads(out.read_text(encoding="utf-8"))
        result["wall_s"] = round(time.perf_counter() - started, 1)
        return result
    except subprocess.TimeoutExpired:
        return {"error": f"{module} timed out after {timeout:.0f} s"}
    finally:
        out.unlink(missing_ok=True)


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _worktree(revision: str) -> Path:
    """A detached checkout of an earlier commit beside the repository's own, for side-by-side runs."""
    folder = Path(tempfile.mkdtemp(prefix="dpa-against-"))
    subprocess.run(["git", "worktree", "add", "--detach", "--force", str(folder), revision], cwd=REPO,
                   check=True, capture_output=True, timeout=120)
    return folder


def _drop_worktree(folder: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=REPO, capture_output=True, timeout=120)


def _browser_side_by_side(against: str, repaints: int, rounds: int) -> dict:
    """This app, the app at `against` and the usual Streamlit way, measured in turn by the same harness on the
    same machine, `rounds` times each (cold starts vary by a second or more from run to run here)."""
    variants: dict[str, list[str]] = {"this": [], against: [], "usual Streamlit way": ["--script", USUAL_APP]}
    folder = None
    try:
        folder = _worktree(against)
        variants[against] = ["--app-dir", str(folder)]
    except (OSError, subprocess.SubprocessError) as error:
        variants.pop(against)
        _log(f"no worktree of {against}: {error}")
    runs: dict[str, list[dict]] = {name: [] for name in variants}
    try:
        for _ in range(rounds):
            for name, extra in variants.items():
                _log(f"Chromium side by side: {name} ...")
                runs[name].append(_worker("browser_bench", ["cold", "--repaints", str(repaints), *extra]))
    finally:
        if folder is not None:
            _drop_worktree(folder)
    return {"against": against, "rounds": rounds, "runs": runs,
            "medians": {name: _browser_medians(found) for name, found in runs.items()}}


BROWSER_MEASURES = {"first_map_painted_s": ("first_map_painted_s",), "repaint_ms": ("repaint", "median_ms"),
                    "repaint_map_year_ms": ("repaint_map_year", "median_ms"), "ws_kb_map_page": ("ws_kb_map_page",),
                    "ws_kb_filter_change_new": ("ws_kb_filter_change_new",),
                    "ws_kb_map_year_new": ("ws_kb_map_year_new",),
                    "map_year_drawn_ms": ("map_year_drawn", "median_ms")}


def _browser_medians(found: list[dict]) -> dict:
    import statistics

    medians = {}
    for name, keys in BROWSER_MEASURES.items():
        values = [_get(result, *keys) for result in found]
        values = [value for value in values if isinstance(value, int | float)]
        medians[name] = round(statistics.median(values), 1) if values else None
    return medians


def _load(sessions: int, seconds: int) -> dict:
    """benchmarks/load_test.py in its own process; its JSON without the per-second memory samples."""
    with tempfile.NamedTemporaryFile(prefix="dpa-load-", suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, "benchmarks/load_test.py", "--sessions", str(sessions), "--seconds", str(seconds),
               "--out", str(out)]
    try:
        subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=seconds + 900)
        found = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError, subprocess.SubprocessError) as error:
        return {"error": f"load test: {error}"}
    finally:
        out.unlink(missing_ok=True)
        out.with_suffix(".server.log").unlink(missing_ok=True)
    memory = found.get("memory", {})
    memory.pop("samples", None)
    for worker in memory.get("per_worker", {}).values():
        worker.pop("samples", None)
    return found


def run(scales: list[str], smoke: bool, regenerate: bool, skip: set[str], against: str = "HEAD~1",
        soak_minutes: int = 0) -> dict:
    from dashboard import scale as scale_module

    reps = {"query": 3 if smoke else 30, "rerun": 2 if smoke else 20, "fresh": 1 if smoke else 20,
            "compare": 1 if smoke else 5, "repaint": 1 if smoke else 10, "memory_sets": 1 if smoke else 3}
    results: dict = {section: {} for section in SECTIONS}
    results["meta"] = {
        "command": " ".join(["python -m benchmarks.run", *sys.argv[1:]]), "smoke": smoke, "scales": scales,
        "started": datetime.now(UTC).isoformat(timespec="seconds"), "python": platform.python_version(),
        "machine": platform.machine(), "cpus": os.cpu_count(), "load_average_start": load_average(),
        "repetitions": reps, "git_commit": _git_commit(),
    }
    suite_started = time.perf_counter()

    folders: dict[str, Path] = {}
    for scale in scales:
        folder = _data_dir(scale)
        if scale != "shipped" and (regenerate or not scale_module.is_current(folder, scale)):
            _log(f"generating {scale} ...")
            manifest = scale_module.generate(scale, folder, quiet=True)
            manifest["generated_in_this_run"] = True
        elif scale != "shipped":
            manifest = json.loads((folder / "SYNTHETIC.json").read_text(encoding="utf-8"))
            manifest["generated_in_this_run"] = False
        else:
            manifest = {"synthetic": False}
        manifest["facts_rows"] = _facts_rows(folder)
        manifest["data_dir"] = str(folder.relative_to(REPO)) if folder.is_relative_to(REPO) else str(folder)
        results["generation"][scale] = manifest
        folders[scale] = folder

    if "queries" not in skip:
        for scale in scales:
            _log(f"query latency on {scale} ...")
            budget = "20" if not smoke else "5"
            results["queries"][scale] = _worker("query_bench", ["latency", "--data-dir", str(folders[scale]),
                                                                "--reps", str(reps["query"]), "--budget", budget])

    if "pandas" not in skip:
        target_rows = 10_000_000
        candidates = [s for s in scales if results["generation"][s]["facts_rows"] <= 1.5 * target_rows]
        chosen = min(candidates, key=lambda s: abs(results["generation"][s]["facts_rows"] - target_rows))
        _log(f"DuckDB vs pandas on {chosen} ...")
        folder = folders[chosen]
        compare = _worker("query_bench", ["compare", "--data-dir", str(folder), "--reps", str(reps["compare"]),
                                          "--budget", "60"])
        with tempfile.NamedTemporaryFile(prefix="dpa-params-", suffix=".json", delete=False) as handle:
            params_file = Path(handle.name)
        try:
            from benchmarks import query_bench

            query_bench.write_params(folder, reps["memory_sets"], params_file)
            memory = {engine: _worker("query_bench", ["memory", "--engine", engine, "--data-dir", str(folder),
                                                      "--params", str(params_file)])
                      for engine in ("duckdb", "pandas")}
        finally:
            params_file.unlink(missing_ok=True)
        results["pandas"] = {"scale": chosen, "facts_rows": results["generation"][chosen]["facts_rows"],
                             "compare": compare, "memory": memory}
        if "error" not in memory["duckdb"] and "error" not in memory["pandas"]:
            d, p = memory["duckdb"], memory["pandas"]
            results["pandas"]["memory_ratio_peak"] = round(p["peak_rss_mb"] / d["peak_rss_mb"], 1)
            results["pandas"]["memory_ratio_over_baseline"] = round(
                p["peak_over_baseline_mb"] / max(d["peak_over_baseline_mb"], 1.0), 1)

    if "rerun" not in skip:
        rerun_scales = ["shipped"] if smoke else scales
        for scale in rerun_scales:
            _log(f"AppTest reruns on {scale} ...")
            results["rerun"][scale] = _worker("apptest_bench", ["--reps", str(reps["rerun"]),
                                                                "--fresh-reps", str(reps["fresh"])],
                                              data_dir=folders[scale])

    browser_ok = Path(CHROMIUM).exists()
    if "browser" not in skip:
        if browser_ok:
            _log("Chromium: cold start and repaint on shipped data ...")
            results["browser"] = _worker("browser_bench", ["cold", "--repaints", str(reps["repaint"])],
                                         data_dir=folders["shipped"] if "shipped" in folders else None)
            if not smoke:
                results["browser"]["side_by_side"] = _browser_side_by_side(against, reps["repaint"], rounds=2)
                largest = scales[-1]
                if largest != "shipped":
                    _log(f"Chromium: cold start on {largest} ...")
                    results["browser"]["at_scale"] = {"scale": largest, **_worker(
                        "browser_bench", ["cold", "--repaints", "2"], data_dir=folders[largest])}
        else:
            results["browser"] = {"skipped": f"{CHROMIUM} not found"}

    if "memory" not in skip:
        walk_scales = ["shipped"] + ([scales[-1]] if scales[-1] != "shipped" and not smoke else [])
        for scale in walk_scales:
            if not browser_ok:
                results["memory"][scale] = {"skipped": f"{CHROMIUM} not found"}
                continue
            _log(f"Chromium walk, app RSS on {scale} ...")
            folder = folders.get(scale, _data_dir(scale))
            results["memory"][scale] = _worker("browser_bench", ["walk", "--timeout", "600"], data_dir=folder)
            results["memory"][scale]["facts_rows"] = results["generation"].get(scale, {}).get("facts_rows")

    if "load" not in skip and not smoke:
        _log("load test: 100 sessions for 60 s ...")
        results["load"]["100 sessions"] = _load(100, 60)
        if soak_minutes:
            _log(f"soak: 30 sessions for {soak_minutes} min ...")
            results["load"]["soak"] = _load(30, soak_minutes * 60)

    results["targets"] = targets(results)
    results["meta"]["load_average_end"] = load_average()
    results["meta"]["suite_seconds"] = round(time.perf_counter() - suite_started, 1)
    return results


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _get(data: dict, *keys, default=None):
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return default
        data = data[key]
    return data


def targets(results: dict) -> list[dict]:
    """Each target with what was measured; met is None when the section did not run at that scale."""
    found = []

    def add(name, target, measured, met, note=""):
        found.append({"target": name, "goal": target, "measured": measured,
                      "met": None if measured is None else bool(met), "note": note})

    for page in PAGES:
        ratio = _get(results, "rerun", "shipped", "pages", page, "ratio_median")
        add(f"rerun {page} (shipped) vs floor", f"<= {TARGETS['rerun_vs_floor']}x", ratio,
            ratio is not None and ratio <= TARGETS["rerun_vs_floor"], "median of reruns alternating two states")
    for page in PAGES:
        fresh = _get(results, "rerun", "100m", "pages", page, "fresh", "median_ms")
        cached = _get(results, "rerun", "100m", "pages", page, "app", "median_ms")
        add(f"rerun {page} at 100M, new filter state", f"< {TARGETS['rerun_100m_ms']} ms", fresh,
            fresh is not None and fresh < TARGETS["rerun_100m_ms"], f"2 states alternating (cached): {cached} ms")
    for name in ("indicator_map", "indicator_trend"):
        median = _get(results, "queries", "100m", "queries", name, "median_ms")
        add(f"{name} query at 100M", f"< {TARGETS['query_100m_ms']} ms", median,
            median is not None and median < TARGETS["query_100m_ms"])
    compare = _get(results, "pandas", "compare", "queries", default={}) or {}
    for name in ("indicator_map", "indicator_trend", "indicator_catalog"):
        speedup = _get(compare, name, "speedup_median")
        add(f"{name}: DuckDB vs pandas at {_get(results, 'pandas', 'scale')}",
            f">= {TARGETS['pandas_speedup']}x faster", speedup,
            speedup is not None and speedup >= TARGETS["pandas_speedup"])
    ratio = _get(results, "pandas", "memory_ratio_peak")
    add(f"peak RSS pandas / DuckDB at {_get(results, 'pandas', 'scale')}", f">= {TARGETS['pandas_memory_ratio']}x",
        ratio, ratio is not None and ratio >= TARGETS["pandas_memory_ratio"],
        f"over the import baseline: {_get(results, 'pandas', 'memory_ratio_over_baseline')}x")
    rss = _get(results, "memory", "100m", "peak_rss_mb")
    add("app peak RSS, Chromium walk, 100M rows", f"< {TARGETS['app_rss_100m_mb']} MB", rss,
        rss is not None and rss < TARGETS["app_rss_100m_mb"])
    repaint = _get(results, "browser", "repaint", "median_ms")
    add("filter change to repaint in Chromium (shipped)", f"<= {TARGETS['repaint_ms']} ms", repaint,
        repaint is not None and repaint <= TARGETS["repaint_ms"], "sidebar country group; map year: "
        f"{_get(results, 'browser', 'repaint_map_year', 'median_ms')} ms")
    for name, key, goal in (("websocket KB to draw the map page", "ws_kb_map_page", "map_page_kb"),
                            ("websocket KB for a map filter change", "ws_kb_filter_change_new", "filter_change_kb")):
        kb = _get(results, "browser", key)
        add(name, f"<= {TARGETS[goal]} KB", kb, kb is not None and kb <= TARGETS[goal])
    cold = _get(results, "browser", "first_map_painted_s")
    add("cold start to first map painted (shipped)", f"<= {TARGETS['cold_start_s']} s", cold,
        cold is not None and cold <= TARGETS["cold_start_s"])
    cold = _get(results, "browser", "at_scale", "first_map_painted_s")
    add(f"cold start to first map painted ({_get(results, 'browser', 'at_scale', 'scale')})",
        f"<= {TARGETS['cold_start_100m_s']} s", cold, cold is not None and cold <= TARGETS["cold_start_100m_s"])
    load = _get(results, "load", "100 sessions", default={}) or {}
    p95 = _get(load, "latency", "all", "p95_ms")
    add("100 sessions, 60 s, 2 workers: errors and p95", "0 errors, p95 < 1000 ms", p95,
        p95 is not None and load.get("errors_total") == 0 and p95 < 1000, f"errors: {load.get('errors_total')}")
    soak = _get(results, "load", "soak", "memory", default={}) or {}
    growth = [worker.get("growth_last_vs_middle_percent") for worker in soak.get("per_worker", {}).values()]
    add("soak: memory per worker, last third vs middle third", "within 5%", max(growth, default=None, key=abs)
        if growth else None, bool(growth) and all(abs(g) <= 5 for g in growth))
    catalog = _get(results, "queries", "100m", "queries", "indicator_catalog", "median_ms")
    add("first page's catalog query at 100M", f"<= {TARGETS['catalog_100m_ms']} ms", catalog,
        catalog is not None and catalog <= TARGETS["catalog_100m_ms"])
    return found


# --- the printed tables ----------------------------------------------------------------------------------------------

def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:,.2f}" if abs(value) < 1 else f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{unit}"


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def report(results: dict) -> str:
    scales = results["meta"]["scales"]
    out = [f"Benchmarks ({results['meta']['command']}), {results['meta']['started']}, "
           f"{results['meta']['cpus']} CPUs, load average {results['meta']['load_average_start']} -> "
           f"{results['meta'].get('load_average_end')}, suite {results['meta'].get('suite_seconds')} s", ""]
    gen = results["generation"]
    rows = [["facts rows", *[_fmt(gen[s].get("facts_rows")) for s in scales]],
            ["facts.parquet MB", *[_fmt(round(gen[s]["facts_bytes"] / 1e6, 1)) if "facts_bytes" in gen[s]
                                   else _fmt(round((_data_dir(s) / "facts.parquet").stat().st_size / 1e6, 2))
                                   for s in scales]],
            ["generation s", *[_fmt(gen[s].get("seconds")) for s in scales]]]
    out += ["**Data**", "", _table(["", *scales], rows), ""]

    rows = []
    for name in QUERY_NAMES:
        cells = []
        for s in scales:
            q = _get(results, "queries", s, "queries", name)
            cells.append(f"{_fmt(q['median_ms'])} / {_fmt(q['p95_ms'])}" if q and "median_ms" in q else
                         _fmt(None) if not _get(results, "queries", s, "error") else "error")
        rows.append([name, *cells])
    out += ["**Query latency, ms (median / p95)**", "", _table(["query", *scales], rows), ""]

    rerun = results["rerun"]
    rows = []
    for s in rerun:
        for page in PAGES:
            e = _get(rerun, s, "pages", page)
            if not e:
                rows.append([s, page, "error" if "error" in rerun[s] else "–", "", "", "", ""])
                continue
            rows.append([s, page, f"{_fmt(e['app']['median_ms'])} / {_fmt(e['app']['p95_ms'])}",
                         f"{_fmt(_get(e, 'floor', 'median_ms'))} / {_fmt(_get(e, 'floor', 'p95_ms'))}",
                         _fmt(e.get("ratio_median"), "x"),
                         f"{_fmt(e['fresh'].get('median_ms'))} / {_fmt(e['fresh'].get('p95_ms'))}",
                         _fmt(e.get("first_visit_ms"))])
    out += ["**Page rerun after a filter change (AppTest), ms (median / p95)**", "",
            _table(["data", "page", "app, 2 states alternating", "floor, same", "app / floor",
                    "app, new state each time", "first visit"], rows), ""]

    pandas_section = results["pandas"]
    if pandas_section.get("compare", {}).get("queries"):
        rows = []
        for name, q in pandas_section["compare"]["queries"].items():
            rows.append([name, _fmt(q["duckdb"]["median_ms"]), _fmt(q["pandas"]["median_ms"]),
                         _fmt(q["speedup_median"], "x"), "yes" if q["results_agree"] else "NO"])
        mem = pandas_section["memory"]
        rows.append(["peak RSS of a process answering all 7 queries, MB", _fmt(_get(mem, "duckdb", "peak_rss_mb")),
                     _fmt(_get(mem, "pandas", "peak_rss_mb")), _fmt(pandas_section.get("memory_ratio_peak"), "x"),
                     f"over baseline: {_fmt(_get(mem, 'duckdb', 'peak_over_baseline_mb'))} vs "
                     f"{_fmt(_get(mem, 'pandas', 'peak_over_baseline_mb'))} MB"])
        out += [f"**DuckDB vs pandas at {pandas_section['scale']} ({_fmt(pandas_section['facts_rows'])} fact rows), "
                "ms (median)**", "", _table(["query", "DuckDB", "pandas", "pandas / DuckDB", "same answer"], rows),
                ""]

    browser = results["browser"]
    rows = [["cold start: `streamlit run` to first map painted", _fmt(browser.get("first_map_painted_s"), " s")],
            ["  of which server ready (/_stcore/health)", _fmt(browser.get("server_ready_s"), " s")],
            ["filter change to repaint, median / p95 of " + str(_get(browser, "repaint", "n")),
             f"{_fmt(_get(browser, 'repaint', 'median_ms'))} / {_fmt(_get(browser, 'repaint', 'p95_ms'))} ms"],
            ["  first three changes (chart not cached yet)", _fmt(browser.get("repaint_first_three_ms"), " ms")],
            ["map year change to repaint (the page's fragment), median / p95",
             f"{_fmt(_get(browser, 'repaint_map_year', 'median_ms'))} / "
             f"{_fmt(_get(browser, 'repaint_map_year', 'p95_ms'))} ms"],
            ["  key press to the map's last draw by plotly.js, median / p95 (draws per change)",
             f"{_fmt(_get(browser, 'map_year_drawn', 'median_ms'))} / "
             f"{_fmt(_get(browser, 'map_year_drawn', 'p95_ms'))} ms "
             f"({_fmt(browser.get('map_year_draws_per_change'))})"],
            ["websocket: map page / new filter state / seen state / new map year",
             " / ".join(_fmt(browser.get(key)) for key in ("ws_kb_map_page", "ws_kb_filter_change_new",
                                                          "ws_kb_filter_change_seen", "ws_kb_map_year_new")) + " KB"],
            [f"cold start to first map painted, {_get(browser, 'at_scale', 'scale')}",
             _fmt(_get(browser, "at_scale", "first_map_painted_s"), " s")]]
    for s, m in results["memory"].items():
        rows.append([f"app peak RSS over a Chromium walk of every page, {s}",
                     f"{_fmt(m.get('peak_rss_mb'))} MB (idle {_fmt(m.get('idle_rss_mb'))} MB; cold start to map "
                     f"{_fmt(_get(m, 'steps_s', 'cold_start_to_map_s'))} s)" if "peak_rss_mb" in m
                     else m.get("error") or m.get("skipped", "–")])
    out += ["**Browser (Chromium, headless) and app memory**", "", _table(["", "measured"], rows), ""]
    side = browser.get("side_by_side")
    if side:
        names = list(side["medians"])
        rows = [[measure, *[_fmt(side["medians"][name].get(measure)) for name in names]]
                for measure in BROWSER_MEASURES]
        out += [f"**Side by side in one run (median of {side['rounds']} runs each)**", "",
                _table(["", *names], rows), ""]

    rows = []
    for name, found in results.get("load", {}).items():
        if "error" in found:
            rows.append([name, found["error"], "", "", "", ""])
            continue
        workers = found.get("memory", {}).get("per_worker", {}).values()
        rows.append([name, f"{found.get('sessions')} x {found.get('seconds')} s, {found.get('reruns')} reruns",
                     _fmt(_get(found, "latency", "all", "p50_ms")), _fmt(_get(found, "latency", "all", "p95_ms")),
                     _fmt(found.get("errors_total")),
                     ", ".join(f"{_fmt(w.get('middle_third_mean_mb'))} -> {_fmt(w.get('last_third_mean_mb'))} MB "
                               f"({w.get('growth_last_vs_middle_percent')}%)" for w in workers) or "–"])
    if rows:
        out += ["**Many users (benchmarks/load_test.py through `python -m dashboard serve`)**", "",
                _table(["run", "load", "p50 ms", "p95 ms", "errors", "memory per worker, middle -> last third"],
                       rows), ""]

    rows = [[t["target"], t["goal"], _fmt(t["measured"]), {True: "met", False: "MISSED", None: "not run"}[t["met"]],
             t["note"]] for t in results["targets"]]
    out += ["**Targets**", "", _table(["target", "goal", "measured", "", "note"], rows)]
    errors = [f"{section}/{key}: {value['error']}" for section in ("queries", "rerun", "memory")
              for key, value in results[section].items() if isinstance(value, dict) and "error" in value]
    errors += [f"{section}: {results[section]['error']}" for section in ("browser",) if "error" in results[section]]
    if errors:
        out += ["", "**Errors**", "", *[f"- {e}" for e in errors]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="shipped + 10x only, few repetitions (< 60 s)")
    parser.add_argument("--scales", default=None, help=f"comma-separated, from {','.join(ALL_SCALES)}")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the synthetic folders (timed)")
    parser.add_argument("--skip", default="", help="sections to skip: queries,pandas,rerun,browser,memory,load")
    parser.add_argument("--out", type=Path, help="JSON file (default results/results.json, smoke: results/smoke.json)")
    parser.add_argument("--against", default="HEAD~1", help="the commit the browser measures are compared with")
    parser.add_argument("--soak-minutes", type=int, default=0, help="add a soak of 30 sessions (e.g. 60)")
    args = parser.parse_args(argv)
    scales = (args.scales or ("shipped,10x" if args.smoke else ",".join(ALL_SCALES))).split(",")
    unknown = [s for s in scales if s not in ALL_SCALES]
    if unknown:
        parser.error(f"unknown scale(s) {unknown}; choose from {ALL_SCALES}")
    scales = [s for s in ALL_SCALES if s in scales]
    os.chdir(REPO)
    results = run(scales, args.smoke, args.regenerate, set(filter(None, args.skip.split(","))), args.against,
                  args.soak_minutes)
    out = args.out or (SMOKE_RESULTS if args.smoke else RESULTS)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(report(results))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
