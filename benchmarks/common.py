"""Helpers shared by the benchmark modules: timing statistics, realistic parameters, RSS sampling, ports."""

from __future__ import annotations

import json
import math
import os
import random
import resource
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from dashboard import site  # noqa: E402 (after the repository is on the path)

PAGES = {name: site.BY_NAME[name].script for name in site.EXPLORER_PAGES}
QUERY_NAMES = sorted(p.stem for p in (REPO / "queries").glob("*.sql"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def summarise(seconds: list[float]) -> dict:
    """Median, p95 (nearest rank), min and max in milliseconds, and the count."""
    if not seconds:
        return {"n": 0}
    ordered = sorted(seconds)
    p95 = ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]
    return {"n": len(ordered), "median_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(p95 * 1000, 2), "min_ms": round(ordered[0] * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2)}


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def repeat(action: Callable[[int], object], reps: int, budget_s: float | None = None, min_reps: int = 3) -> list[float]:
    """Time action(i) up to reps times; stop early (after min_reps) once budget_s is spent."""
    times: list[float] = []
    started = time.perf_counter()
    for i in range(reps):
        seconds, _ = timed(lambda i=i: action(i))
        times.append(seconds)
        if budget_s is not None and len(times) >= min_reps and time.perf_counter() - started > budget_s:
            break
    return times


def realistic_params(catalog, i: int) -> dict[str, dict]:
    """Parameters like a user's i-th filter change: default or a broken-down indicator, a preset, a year range."""
    from dashboard.state import DEFAULT_INDICATOR

    rng = random.Random(i)
    indicators = catalog.indicators
    default = indicators.get(DEFAULT_INDICATOR) or next(iter(indicators.values()))
    broken_down = max(indicators.values(), key=lambda ind: (len(ind.breakdowns), ind.indicator_id))
    indicator = default if i % 2 == 0 else broken_down
    breakdown = "total/total" if i % 4 != 3 else sorted(indicator.breakdowns)[i % len(indicator.breakdowns)]
    sex, age_group = breakdown.split("/")
    preset = ["emcdda", "eu27", "nordic", "hat", "emcdda"][i % 5]
    countries = list(catalog.preset(preset))
    if i % 3 == 2 and len(countries) > 6:
        countries = sorted(rng.sample(countries, k=max(3, len(countries) // 2)))
    span = indicator.year_max - indicator.year_min
    year_from = indicator.year_min + rng.randint(0, max(span // 3, 0))
    year_to = indicator.year_max - rng.randint(0, max(span // 4, 0))
    year_to = max(year_to, year_from)
    year = rng.randint(year_from, year_to)
    return {
        "indicator_map": {"indicator": indicator.indicator_id, "countries": countries, "year": year, "sex": sex,
                          "age_group": age_group, "year_from": year_from, "year_to": year_to},
        "indicator_trend": {"indicator": indicator.indicator_id, "countries": countries, "year_from": year_from,
                            "year_to": year_to, "sex": sex, "age_group": age_group,
                            "index_base": year if i % 5 == 4 else None, "log_scale": i % 7 == 6},
        "programmes": {"countries": countries},
        "programme_markers": {"countries": countries, "year": year},
        "programme_claims": {"countries": countries},
        "programme_sources": {"countries": countries},
        "indicator_catalog": {},
        "country_catalog": {},
        "source_list": {},
        "source_credits": {"source_ids": ["NATURAL-EARTH"]},
        "data_editions": {},
        "quality_flag_list": {},
        "quality_flag_labels": {},
        "claim_candidates": {"country": countries[i % len(countries)] if countries else "NOR",
                             "indicators": _claim_indicators()},
        "claim_register": {"countries": None if i % 2 == 0 else countries, "verdicts": None, "claim_ids": None},
        "country_profile": {"iso3": countries[i % len(countries)] if countries else "NOR", "peers": countries},
        "hat_cities": {"measures": ["patients", "places", "participants", "entrants"][:1 + i % 4]},
    }


def _claim_indicators() -> list[str]:
    from dashboard import claim_check

    return [series.indicator_id for series in claim_check.SERIES]


def rss_tree_bytes(process) -> int:
    """RSS of a process plus all its children (0 for processes that are gone)."""
    import psutil

    total = 0
    try:
        processes = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for proc in processes:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


class RssSampler:
    """Samples the RSS of a process tree in a thread; .peak_mb after stop()."""

    def __init__(self, pid: int, interval_s: float = 0.02):
        import psutil

        self.process = psutil.Process(pid)
        self.interval_s = interval_s
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_tree_bytes(self.process))
            self.samples += 1
            self._stop.wait(self.interval_s)

    def start(self) -> RssSampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.peak = max(self.peak, rss_tree_bytes(self.process))

    @property
    def peak_mb(self) -> float:
        return round(self.peak / 1e6, 1)

    @property
    def current_mb(self) -> float:
        return round(rss_tree_bytes(self.process) / 1e6, 1)


def max_rss_mb() -> float:
    """Peak RSS of this process so far (Linux ru_maxrss is in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6, 1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def emit(result: dict, path: Path | None, default=None) -> None:
    """Write a section's result as JSON to path (for benchmarks.run), or print it."""
    text = json.dumps(result, indent=2, default=default)
    if path:
        path.write_text(text, encoding="utf-8")
    else:
        print(text)
