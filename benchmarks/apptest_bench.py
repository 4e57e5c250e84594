"""Page rerun time after a filter change, every page, with AppTest; the same for the FLOOR app, side by side.

Run in its own process per data folder (settings.DATA_DIR and Streamlit's caches are per process):

    DPA_DATA_DIR=benchmarks/scaled/100m python -m benchmarks.apptest_bench --reps 20 --json out.json

For each page: one fresh AppTest of the real app and one of benchmarks/floor_app.py, both warmed, then
--reps reruns each, interleaved (app, floor, app, floor, ...), alternating between two filter states A and B
(after the warm-up both states are in the app's chart cache, as after a user's first two clicks). Then
--fresh-reps reruns of the app with a filter state it has not seen yet (a cache miss: the queries run).
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.common import PAGES, REPO, emit, summarise

APP = str(REPO / "app.py")
FLOOR = str(REPO / "benchmarks" / "floor_app.py")


def _page_states(catalog) -> dict[str, dict[str, object]]:
    """The two filter states per page, as the app computes them after the widget change."""
    from dashboard import state as view_state

    def fix(state):
        return view_state.normalise(state, catalog)

    states = {}
    for page in PAGES:
        base = view_state.default_state(catalog, page=page)
        if page == "map":
            other = fix(replace(base, year=base.year - 1 if base.year > base.year_from else base.year + 1))
        elif page == "trends":
            other = fix(replace(base, year_from=min(base.year_from + 5, base.year_to)))
        elif page == "data":
            year_to = max(base.year_to - 5, base.year_from)
            other = fix(replace(base, year_to=year_to, year=min(base.year, year_to)))
        else:
            other = replace(base, countries=catalog.preset("hat"))
        states[page] = {"A": base, "B": other}
    return states


def _actions(page: str, states: dict) -> dict[str, object]:
    """How the user moves the app to state A or B: one widget change each."""
    a, b = states["A"], states["B"]
    if page == "map":
        return {"A": lambda app: app.slider(key="w_year").set_value(a.year),
                "B": lambda app: app.slider(key="w_year").set_value(b.year)}
    if page in ("trends", "data"):
        return {"A": lambda app: app.sidebar.slider(key="w_years").set_range(a.year_from, a.year_to),
                "B": lambda app: app.sidebar.slider(key="w_years").set_range(b.year_from, b.year_to)}
    return {"A": lambda app: app.sidebar.selectbox(key="w_preset").set_value("emcdda"),
            "B": lambda app: app.sidebar.selectbox(key="w_preset").set_value("hat")}


def _fresh_actions(page: str, states: dict, catalog, count: int) -> list:
    """count widget changes to states the app has not drawn yet (so its chart cache misses)."""
    base = states["A"]
    if page == "map":
        used = {states["A"].year, states["B"].year}
        years = [y for y in range(base.year_to, base.year_from - 1, -1) if y not in used]
        return [lambda app, y=y: app.slider(key="w_year").set_value(y) for y in years[:count]]
    if page in ("trends", "data"):
        used = {(states["A"].year_from, states["A"].year_to), (states["B"].year_from, states["B"].year_to)}
        pairs = sorted(((base.year_from + lo, base.year_to - hi) for lo in range(0, 25) for hi in range(0, 25)
                        if base.year_from + lo < base.year_to - hi), key=lambda p: (p[0] - p[1], p))
        pairs = [p for p in pairs if p not in used]
        if page == "data":
            pairs = [(lo, hi) for lo, hi in pairs[::-1]]
        return [lambda app, p=p: app.sidebar.slider(key="w_years").set_range(*p) for p in pairs[:count]]
    countries = list(base.countries)
    subsets = [[c for c in countries if c != drop] for drop in countries]
    return [lambda app, s=s: app.sidebar.multiselect(key="w_countries").set_value(s) for s in subsets[:count]]


def floor_content(connection, catalog, states: dict) -> dict:
    """Everything the real pages show for each state, computed once by the app's own dashboard/content.py."""
    from dashboard import basemap, content

    # The map shapes by URL, as the app sends them to the browser: the floor lays out the same on-screen figures.
    reader = content.DirectReader(connection, catalog, geometry_url=basemap.published_url(connection))
    return {page: {choice: content.PAGE_CONTENT[page](reader, states[page][choice]) for choice in ("A", "B")}
            for page in PAGES}


def _check(app, what: str) -> None:
    """A page that failed must not be timed as a fast page: exceptions and the pages' error boxes both count."""
    if app.exception:
        raise RuntimeError(f"{what}: {[e.value for e in app.exception]}")
    if app.error:
        raise RuntimeError(f"{what}: the page shows an error: {[e.value[:300] for e in app.error]}")


def _timed_run(app, timeout: float) -> float:
    started = time.perf_counter()
    app.run(timeout=timeout)
    return time.perf_counter() - started


def _compile_once_as_a_server_does() -> None:
    """AppTest gives every run a new ScriptCache, so app.py and the page file are parsed, given Streamlit's
    "magic" and compiled at each rerun (~2.5 ms for the app's two files); a server keeps one cache and compiles
    each script once. Share one cache across runs, for the app and the floor alike."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test

    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared


def measure(reps: int, fresh_reps: int, pages: list[str], timeout: float, floor: bool = True) -> dict:
    from streamlit.testing.v1 import AppTest

    from dashboard import catalog as catalog_module
    from dashboard import db, settings

    _compile_once_as_a_server_does()
    result: dict = {"data_dir": str(settings.DATA_DIR), "pages": {}}
    started = time.perf_counter()
    first = AppTest.from_file(APP, default_timeout=timeout)
    first.run()
    _check(first, "first run")
    result["first_run_s"] = round(time.perf_counter() - started, 3)  # includes the catalog query on a cold process

    connection = db.connect()
    catalog = catalog_module.load_catalog(connection)
    states = {page: s for page, s in _page_states(catalog).items()}
    floor_file = None
    if floor:
        content = floor_content(connection, catalog, states)
        handle = tempfile.NamedTemporaryFile(prefix="dpa-floor-", suffix=".pkl", delete=False)
        with handle:
            pickle.dump(content, handle)
        floor_file = handle.name
        os.environ["DPA_FLOOR_DATA"] = floor_file
    try:
        for page in pages:
            result["pages"][page] = _measure_page(AppTest, page, states[page], catalog, reps, fresh_reps, timeout,
                                                  floor)
    finally:
        if floor_file:
            os.unlink(floor_file)
    return result


def _measure_page(AppTest, page, states, catalog, reps, fresh_reps, timeout, floor) -> dict:  # noqa: N803
    app = AppTest.from_file(APP, default_timeout=timeout)
    app.run()
    app.switch_page(PAGES[page])
    first_visit = _timed_run(app, timeout)
    _check(app, f"{page}: first visit")
    floor_app = None
    if floor:
        floor_app = AppTest.from_file(FLOOR, default_timeout=timeout)
        floor_app.query_params["page"] = page
        floor_app.run()
        _check(floor_app, f"{page}: floor")
    actions = _actions(page, states)
    for choice in ("B", "A"):  # warm both states: module imports, caches, AppTest internals
        actions[choice](app)
        _timed_run(app, timeout)
        _check(app, f"{page}: warm {choice}")
        if floor_app:
            floor_app.sidebar.radio(key="floor_state").set_value(choice)
            _timed_run(floor_app, timeout)
    app_times, floor_times = [], []
    for i in range(reps):
        choice = "B" if i % 2 == 0 else "A"
        actions[choice](app)
        app_times.append(_timed_run(app, timeout))
        _check(app, f"{page}: rerun {choice}")
        if floor_app:
            floor_app.sidebar.radio(key="floor_state").set_value(choice)
            floor_times.append(_timed_run(floor_app, timeout))
    charts = len(app.get("plotly_chart"))
    fresh_times = []
    fresh = _fresh_actions(page, states, catalog, fresh_reps + 1)
    for i, action in enumerate(fresh):
        action(app)
        seconds = _timed_run(app, timeout)
        _check(app, f"{page}: fresh state {i}")
        if i > 0:  # the first one warms the new widget path
            fresh_times.append(seconds)
    entry = {"first_visit_ms": round(first_visit * 1000, 1), "app": summarise(app_times),
             "fresh": summarise(fresh_times), "charts_drawn": charts, "url_after": dict(app.query_params)}
    if floor_app:
        entry["floor"] = summarise(floor_times)
        entry["floor_charts_drawn"] = len(floor_app.get("plotly_chart"))
        entry["ratio_median"] = round(entry["app"]["median_ms"] / entry["floor"]["median_ms"], 2)
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--fresh-reps", type=int, default=20)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--json", type=Path, help="write the result here (default: stdout)")
    args = parser.parse_args(argv)
    os.chdir(REPO)
    result = measure(args.reps, args.fresh_reps, args.pages.split(","), args.timeout, floor=not args.no_floor)
    emit(result, args.json, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
