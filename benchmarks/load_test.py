"""Load test: many concurrent Streamlit sessions, each changing filters, against the dashboard on loopback.

    .venv/bin/python benchmarks/load_test.py                         # start the app, 30 sessions for 60 s
    .venv/bin/python benchmarks/load_test.py --sessions 5 --seconds 8 --out /tmp/load.json
    .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:8501 [--pid 1234]   # attach to a running app
    .venv/bin/python benchmarks/load_test.py --attack --seconds 600   # users beside an attacker (attacker.py)

Every session is a real Streamlit client speaking the browser's protocol: it takes the XSRF cookie from
/_stcore/health, opens ws://127.0.0.1:<port>/_stcore/stream with the subprotocols the frontend sends
("streamlit", <xsrf token>), and sends BackMsg.rerun_script with a ClientState (query_string, page_script_hash or
page_name, context_info) exactly as the browser does when the URL changes. The view state lives in the URL, so
a filter change is a rerun with a new query string. A session walks like a user: mostly one filter changed at a
time (indicator, countries, years, map year, sex/age, scale, index), sometimes another page or a shared link,
with a think time between reruns. Each rerun is timed from sending the BackMsg to the ForwardMsg script_finished.

Errors: an Exception element in any delta, an st.error alert, a script that did not finish successfully, a
page_not_found, a rerun without script_finished within --rerun-timeout, or a failed/closed connection. The app
process's RSS (with its child processes, psutil) is sampled every second, in total and per Streamlit worker;
memory is called flat after warm-up when the mean of the last third of the run is within --flat-percent of the
mean of the middle third, for the total and for every worker.

Bounded: at most 200 sessions, 3,900 s (a 60-minute soak) and --max-reruns reruns; only loopback hosts
(127.0.0.1, localhost, ::1) are accepted, and proxies are bypassed. Results: a table on stdout and JSON in
benchmarks/results/load.json.
Exit status 1 when there were errors, 0 otherwise (the latency and memory targets are reported, not enforced).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psutil
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.attacker import Attacker  # noqa: E402
from dashboard import db, serve  # noqa: E402
from dashboard import state as view_state  # noqa: E402
from dashboard.catalog import PRESET_LABELS, Catalog, load_catalog  # noqa: E402

PAGES = ("map", "trends", "programmes", "data")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_SESSIONS, MAX_SECONDS = 200, 3900  # a 60-minute soak, with its warm-up
RESULTS = REPO / "benchmarks" / "results" / "load.json"
TARGET_P95_MS = 1000
TARGET_WORKER_MB = 500
ERROR_EXAMPLES = 20


# --- what a user does --------------------------------------------------------------------------------------------


class Walker:
    """A user's walk through the filters: each step is a page and a valid query string."""

    def __init__(self, catalog: Catalog, rng: random.Random):
        self.catalog, self.rng = catalog, rng
        self.state = view_state.default_state(catalog)
        self.page = rng.choice(PAGES)

    def step(self) -> tuple[str, str]:
        roll = self.rng.random()
        if roll < 0.15:
            self.page = self.rng.choice([p for p in PAGES if p != self.page])
        elif roll < 0.22:  # someone opens a shared link: a preset view
            self.state = view_state.default_state(self.catalog)
            self.state = replace(self.state, countries=self.catalog.preset(self.rng.choice(list(PRESET_LABELS))))
        else:
            self.state = self._change_one_filter(self.state)
        state = replace(self.state, page=self.page)
        params = view_state.to_params(state, self.catalog)
        params.pop("page")
        return self.page, urlencode(params, safe=",")

    def _change_one_filter(self, state: view_state.ViewState) -> view_state.ViewState:
        rng, catalog = self.rng, self.catalog
        indicator = catalog.indicators.get(state.indicator)
        kind = rng.choice(["indicator", "countries", "countries", "years", "year", "breakdown", "scale", "index"]
                          if indicator else ["countries"])  # statistics unavailable: countries only
        if kind == "indicator":
            return view_state.normalise(replace(state, indicator=rng.choice(list(catalog.indicators))), catalog)
        if kind == "countries":
            codes = list(state.countries)
            if len(codes) > 1 and rng.random() < 0.4:
                codes.remove(rng.choice(codes))
            elif rng.random() < 0.5:
                codes = rng.sample(list(catalog.countries), rng.randint(1, 6))
            else:
                codes.append(rng.choice([c for c in catalog.countries if c not in codes] or codes))
            return replace(state, countries=tuple(dict.fromkeys(codes)))
        low, high = indicator.year_min, indicator.year_max
        if kind == "years":
            start, end = sorted(rng.sample(range(low, high + 1), 2)) if high > low else (low, high)
            return replace(state, year_from=start, year_to=end, year=end,
                           index_base=state.index_base if state.index_base and start <= state.index_base <= end
                           else None)
        if kind == "year":
            return replace(state, year=rng.randint(state.year_from, state.year_to))
        if kind == "breakdown":
            pairs = sorted(indicator.breakdowns)
            sex, age = rng.choice(pairs).split("/", 1)
            return replace(state, sex=sex, age_group=age)
        if kind == "scale":
            return replace(state, scale="log" if state.scale == "linear" else "linear")
        return replace(state, index_base=None if state.index_base else rng.randint(state.year_from, state.year_to))


# --- measurements ------------------------------------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {page: [] for page in PAGES})
    errors: dict[str, int] = field(default_factory=dict)
    error_examples: list[dict] = field(default_factory=list)
    notices: int = 0
    reruns: int = 0
    bytes_received: int = 0
    connections: int = 0
    session_ids: list[str] = field(default_factory=list)  # what an attacker (--attack) tries to take over

    def error(self, kind: str, page: str, detail: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.error_examples) < ERROR_EXAMPLES:
            self.error_examples.append({"kind": kind, "page": page, "detail": detail[:300]})


def percentiles(seconds: list[float]) -> dict:
    if not seconds:
        return {"n": 0}
    ordered = sorted(seconds)

    def rank(p: float) -> float:  # nearest rank
        return round(ordered[max(math.ceil(p * len(ordered)) - 1, 0)] * 1000, 1)

    return {"n": len(ordered), "p50_ms": rank(0.50), "p95_ms": rank(0.95), "p99_ms": rank(0.99),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1), "max_ms": round(ordered[-1] * 1000, 1)}


class MemorySampler(threading.Thread):
    """RSS of the app process and its children, once a second: [(seconds since start, MB), ...], and of each
    Streamlit worker under it (`serve` runs several): {pid: [(seconds, MB), ...]}."""

    def __init__(self, pid: int | None, started: float):
        super().__init__(daemon=True)
        self.pid, self.started, self.samples = pid, started, []
        self.per_worker: dict[int, list[tuple[float, float]]] = {}
        self.stopped = threading.Event()

    def worker_rss_mb(self) -> dict[int, float]:
        try:
            process = psutil.Process(self.pid)
            found = {}
            for child in [process, *process.children(recursive=True)]:
                try:
                    if serve.is_worker(child.cmdline()):
                        found[child.pid] = child.memory_info().rss / 2**20
                except psutil.Error:
                    pass
            return found
        except psutil.Error:
            return {}

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the app process and its live children (the workers behind serve) so far."""
        try:
            process = psutil.Process(self.pid)
            total = sum(process.cpu_times()[:2])
            for child in process.children(recursive=True):
                try:
                    total += sum(child.cpu_times()[:2])
                except psutil.Error:
                    pass
            return total
        except psutil.Error:
            return None

    def rss_mb(self) -> float | None:
        try:
            process = psutil.Process(self.pid)
            total = process.memory_info().rss
            for child in process.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            return total / 2**20
        except psutil.Error:
            return None

    def run(self) -> None:
        while self.pid and not self.stopped.wait(1.0):
            rss, at = self.rss_mb(), round(time.monotonic() - self.started, 2)
            if rss is not None:
                self.samples.append((at, round(rss, 1)))
            for pid, mb in self.worker_rss_mb().items():
                self.per_worker.setdefault(pid, []).append((at, round(mb, 1)))


def memory_report(samples: list[tuple[float, float]], flat_percent: float) -> dict:
    if len(samples) < 6:
        return {"samples": samples, "note": "too few samples"}
    values = [mb for _, mb in samples]
    third = len(values) // 3
    middle, last = statistics.fmean(values[third:2 * third]), statistics.fmean(values[2 * third:])
    growth = (last - middle) / middle * 100
    after = samples[third:]
    slope = _slope([t for t, _ in after], [mb for _, mb in after]) * 60
    return {"start_mb": values[0], "after_warmup_mb": values[third], "end_mb": values[-1], "peak_mb": max(values),
            "middle_third_mean_mb": round(middle, 1), "last_third_mean_mb": round(last, 1),
            "growth_last_vs_middle_percent": round(growth, 2), "slope_after_warmup_mb_per_min": round(slope, 2),
            "flat_after_warmup": abs(growth) <= flat_percent, "samples": samples}


def _slope(xs: list[float], ys: list[float]) -> float:
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0


# --- the Streamlit client ----------------------------------------------------------------------------------------


def http_get(url: str, timeout: float = 5.0) -> tuple[int, str, dict[str, str]]:
    """GET on loopback without any proxy: (status, body, the cookies set, by name).

    A browser sends them all back: the XSRF cookie, and behind `python -m dashboard serve` the cookie that keeps
    it on one worker."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as response:
        pairs = (header.split(";", 1)[0].split("=", 1) for header in response.headers.get_all("set-cookie") or [])
        cookies = {pair[0]: pair[1] for pair in pairs if len(pair) == 2}
        return response.status, response.read().decode("utf-8", "replace"), cookies


class Session:
    """One browser tab: a websocket, the pages' script hashes once known, and the reruns it drives."""

    def __init__(self, base: str, number: int, walker: Walker, results: Results, args: argparse.Namespace):
        self.base, self.number, self.walker, self.results, self.args = base, number, walker, results, args
        self.page_hashes: dict[str, str] = {}
        self.ws = None

    async def open(self) -> None:
        _, _, cookies = await asyncio.to_thread(http_get, f"{self.base}/_stcore/health")
        token = cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")
        header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        parts = urlsplit(self.base)
        self.ws = await connect(f"ws://{parts.netloc}/_stcore/stream", subprotocols=["streamlit", token],
                                origin=self.base, additional_headers={"Cookie": header} if header else None,
                                proxy=None, max_size=None, compression=None, open_timeout=self.args.rerun_timeout)
        self.results.connections += 1

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def rerun(self, page: str, query: str) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query
        if page in self.page_hashes:
            state.page_script_hash = self.page_hashes[page]
        else:
            state.page_name = page  # every page has its own path ("/" only hands over to /map)
        state.context_info.timezone = "Europe/Oslo"
        state.context_info.locale = "en-GB"
        state.context_info.url = f"{self.base}/{page}?{query}"
        started = time.perf_counter()
        async with asyncio.timeout(self.args.rerun_timeout):  # the whole rerun, not each message
            await self._send_and_wait(message, page, query, started)

    async def _send_and_wait(self, message: BackMsg, page: str, query: str, started: float) -> None:
        await self.ws.send(message.SerializeToString())
        while True:
            data = await self.ws.recv()
            self.results.bytes_received += len(data)
            forward = ForwardMsg()
            forward.ParseFromString(data)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                self._check_element(forward.delta.new_element, page, query)
            elif kind == "navigation":
                self.page_hashes = {p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages
                                    if p.url_pathname}
            elif kind == "new_session" and forward.new_session.initialize.session_id not in self.results.session_ids:
                self.results.session_ids.append(forward.new_session.initialize.session_id)
            elif kind == "page_not_found":
                self.results.error("page_not_found", page, query)
            elif kind == "script_finished":
                elapsed = time.perf_counter() - started
                if forward.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    self.results.error("script_not_finished", page, f"status {forward.script_finished}: {query}")
                else:
                    self.results.latencies[page].append(elapsed)
                self.results.reruns += 1
                return

    def _check_element(self, element, page: str, query: str) -> None:
        which = element.WhichOneof("type")
        if which == "exception":
            self.results.error("exception", page, f"{element.exception.type}: {element.exception.message} "
                                                  f"({query})")
        elif which == "alert" and element.alert.format == Alert.ERROR:
            self.results.error("error_message", page, f"{element.alert.body} ({query})")
        elif which == "alert" and element.alert.format == Alert.WARNING:
            self.results.notices += 1  # valid filters should not need a notice; counted, not an error

    async def run(self, deadline: float, budget: list[int]) -> None:
        rng = self.walker.rng
        await asyncio.sleep(rng.uniform(0, arrival_spread(self.args)))  # users do not arrive in lockstep
        while time.monotonic() < deadline and budget[0] > 0:
            budget[0] -= 1
            page, query = self.walker.step()
            try:
                if self.ws is None:
                    await self.open()
                await self.rerun(page, query)
            except TimeoutError:
                self.results.error("timeout", page, f"no script_finished within {self.args.rerun_timeout} s: {query}")
                await self._reset()
            except Exception as error:  # a refused, closed or broken connection
                self.results.error("connection", page, f"{type(error).__name__}: {error}")
                await self._reset()
                await asyncio.sleep(1.0)
            await asyncio.sleep(rng.uniform(self.args.think_min, self.args.think_max))
        await self._reset()

    async def _reset(self) -> None:
        try:
            await self.close()
        except Exception:  # closing a broken socket
            self.ws = None


def arrival_spread(args: argparse.Namespace) -> float:
    """Sessions start spread over one think time (at most a quarter of the run), as in a steady state."""
    return min(args.think_max, args.seconds / 4)


# --- the app process ---------------------------------------------------------------------------------------------


def start_app(port: int, log_path: Path, data_dir: str | None, workers: int) -> subprocess.Popen:
    """The app as the README starts it (`python -m dashboard serve`), on loopback."""
    python = REPO / ".venv" / "bin" / "python"
    command = [str(python if python.exists() else sys.executable), "-m", "dashboard", "serve",
               "--workers", str(workers), "--server.port", str(port), "--server.address", "127.0.0.1"]
    env = dict(os.environ) | ({"DPA_DATA_DIR": data_dir} if data_dir else {})
    log = log_path.open("w", encoding="utf-8")
    return subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)


def wait_healthy(base: str, timeout: float, process: subprocess.Popen | None) -> None:
    deadline = time.monotonic() + timeout
    while not serve.is_healthy(base):
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the app exited with status {process.returncode} before it was ready")
        if time.monotonic() > deadline:
            raise SystemExit(f"{base} was not healthy within {timeout} s")
        time.sleep(0.3)


def listening_pid(port: int) -> int | None:
    """The process listening on a loopback port (for attach mode), if this user may see it."""
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
                return conn.pid
    except psutil.Error:
        return None
    return None


def log_problems(log_path: Path) -> dict:
    text = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
    lines = text.splitlines()
    return {"tracebacks": text.count("Traceback"), "error_lines": sum(" ERROR " in line for line in lines),
            "examples": [line[:300] for line in lines if " ERROR " in line or "Traceback" in line][:5]}


def loopback_base(url: str) -> str:
    """'http://127.0.0.1:8501' from a loopback URL; ValueError for any other host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValueError(f"refusing {url!r}: {error}") from None
    if parts.scheme != "http" or parts.hostname not in LOOPBACK or not port or parts.username or parts.password:
        raise ValueError(f"refusing {url!r}: only http://127.0.0.1:<port>, http://localhost:<port> or "
                         f"http://[::1]:<port> are allowed")
    host = "[::1]" if parts.hostname == "::1" else "127.0.0.1"  # never resolve a name: /etc/hosts could lie
    return f"http://{host}:{port}"


# --- main ----------------------------------------------------------------------------------------------------------


async def warm_up(base: str, catalog: Catalog, args: argparse.Namespace) -> dict[str, float]:
    """One session opens every page once (the first run imports the app and opens the extracts); not counted."""
    results = Results()
    patient = argparse.Namespace(**vars(args) | {"rerun_timeout": max(args.rerun_timeout, 120.0)})
    session = Session(base, -1, Walker(catalog, random.Random(0)), results, patient)
    cold = {}
    try:
        await session.open()
        for page in PAGES:
            await session.rerun(page, "")
            cold[page] = round(results.latencies[page][-1] * 1000, 1) if results.latencies[page] else None
    except TimeoutError:
        raise SystemExit(f"the app did not finish its first run within {patient.rerun_timeout} s") from None
    finally:
        await session.close()
    if results.errors:
        raise SystemExit(f"the app failed during warm-up: {results.error_examples}")
    return cold


async def drive(base: str, catalog: Catalog, args: argparse.Namespace, results: Results,
                attacker: Attacker | None = None) -> None:
    rng = random.Random(args.seed)
    sessions = [Session(base, number, Walker(catalog, random.Random(rng.random())), results, args)
                for number in range(args.sessions)]
    deadline = time.monotonic() + args.seconds
    budget = [args.max_reruns]
    hard_stop = args.seconds + args.rerun_timeout + 30
    tasks = [asyncio.create_task(session.run(deadline, budget)) for session in sessions]
    if attacker is not None:
        tasks.append(asyncio.create_task(attacker.run(deadline)))
    done, pending = await asyncio.wait(tasks, timeout=hard_stop)
    for task in pending:
        task.cancel()
        results.error("timeout", "-", "session still running at the hard stop")
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            results.error("client", "-", repr(task.exception()))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="concurrent sessions (default 30, at most 200)")
    parser.add_argument("--seconds", type=float, default=60, help="how long to hold the load (default 60, max 3900)")
    parser.add_argument("--url", help="attach to a running app at this loopback URL instead of starting one")
    parser.add_argument("--pid", type=int, help="the running app's process id (attach mode; found by port if omitted)")
    parser.add_argument("--data-dir", help="DPA_DATA_DIR for the app this script starts")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="Streamlit workers for the app this script starts (`python -m dashboard serve "
                             "--workers`; default one per core, as the README's run command)")
    parser.add_argument("--think-min", type=float, default=1.0, help="seconds a user looks before the next change")
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--rerun-timeout", type=float, default=30.0, help="seconds before a rerun counts as failed")
    parser.add_argument("--max-reruns", type=int, default=50_000, help="total reruns across all sessions")
    parser.add_argument("--flat-percent", type=float, default=5.0, help="memory growth still called flat")
    parser.add_argument("--no-warmup", action="store_true", help="measure the cold first runs too")
    parser.add_argument("--attack", action="store_true",
                        help="an anonymous attacker runs issue 18's probes beside the users (benchmarks/attacker.py)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"JSON results (default {RESULTS})")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be 1-{MAX_SESSIONS}")
    if not 1 <= args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be 1-{MAX_SECONDS}")
    if not 0 <= args.think_min <= args.think_max <= 60:
        parser.error("need 0 <= --think-min <= --think-max <= 60")
    if args.max_reruns < 1 or args.rerun_timeout <= 0:
        parser.error("--max-reruns and --rerun-timeout must be positive")
    if args.url:
        try:
            args.url = loopback_base(args.url)
        except ValueError as error:
            parser.error(str(error))
    return args


def print_table(report: dict) -> None:
    workers = f" ({report['workers']} workers)" if report.get("workers") else ""
    print(f"\n{report['sessions']} sessions for {report['seconds']} s against {report['url']}{workers} "
          f"({report['reruns']} reruns, {report['reruns_per_second']}/s, "
          f"{report['mb_received']} MB received)")
    print(f"{'page':<12}{'reruns':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for page, stats in [*report["latency"].items()]:
        if stats.get("n"):
            print(f"{page:<12}{stats['n']:>8}{stats['p50_ms']:>10}{stats['p95_ms']:>10}{stats['p99_ms']:>10}"
                  f"{stats['max_ms']:>10}")
    print(f"errors: {report['errors_total']} {report['errors'] or ''}  notices shown: {report['notices']}")
    memory = report["memory"]
    if "start_mb" in memory:
        print(f"memory (MB): start {memory['start_mb']}, after warm-up {memory['after_warmup_mb']}, "
              f"end {memory['end_mb']}, peak {memory['peak_mb']}; last third vs middle third "
              f"{memory['growth_last_vs_middle_percent']:+.1f}% -> "
              f"{'flat' if memory['flat_after_warmup'] else 'GROWING'}")
    else:
        print(f"memory: {memory.get('note')}")
    for pid, worker in memory.get("per_worker", {}).items():
        if "start_mb" in worker:
            print(f"  worker {pid} (MB): after warm-up {worker['after_warmup_mb']}, middle third "
                  f"{worker['middle_third_mean_mb']}, last third {worker['last_third_mean_mb']} "
                  f"({worker['growth_last_vs_middle_percent']:+.1f}%, {worker['slope_after_warmup_mb_per_min']:+.2f} "
                  f"MB/min), peak {worker['peak_mb']}")
    if report.get("attacks"):
        print("attacks: " + ", ".join(f"{outcome} x{count}" for outcome, count in report["attacks"].items()))
    targets = report["targets"]
    print("targets: " + ", ".join(f"{name} {'ok' if ok else 'MISSED'}" for name, ok in targets.items()))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    catalog = load_catalog(db.connect(Path(args.data_dir) if args.data_dir else None))
    process, log_path = None, args.out.with_suffix(".server.log")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.url:
        base = args.url
        pid = args.pid or listening_pid(urlsplit(base).port)
    else:
        base = f"http://127.0.0.1:{serve.free_port_block(args.workers)}"
        process = start_app(urlsplit(base).port, log_path, args.data_dir, args.workers)
        pid = process.pid
    results, cold, idle_mb = Results(), {}, None
    sampler = None
    try:
        wait_healthy(base, 90, process)
        idle_mb = MemorySampler(pid, 0).rss_mb() if pid else None
        if not args.no_warmup:
            cold = asyncio.run(warm_up(base, catalog, args))
        load_started = time.monotonic()
        sampler = MemorySampler(pid, load_started)
        sampler.samples.append((0.0, round(sampler.rss_mb() or 0, 1)))
        cpu_before = sampler.cpu_seconds()
        sampler.start()
        attacker = Attacker(base, results.session_ids) if args.attack else None
        asyncio.run(drive(base, catalog, args, results, attacker))
        load_seconds = time.monotonic() - load_started
        cpu_after = sampler.cpu_seconds()
    finally:
        if sampler is not None:
            sampler.stopped.set()
            sampler.join(timeout=5)
        if process is not None:
            serve.stop_processes([process])
    everything = [s for page in PAGES for s in results.latencies[page]]
    latency = {page: percentiles(results.latencies[page]) for page in PAGES} | {"all": percentiles(everything)}
    memory = memory_report(sampler.samples, args.flat_percent)
    memory["per_worker"] = {str(pid): memory_report(samples, args.flat_percent)
                            for pid, samples in sampler.per_worker.items()}
    attacks = dict(sorted(attacker.outcomes.items())) if attacker is not None else None
    if attacks and any("TOOK THE SESSION" in outcome for outcome in attacks):
        results.error("hijacked", "-", "the attacker was given a user's session")
    errors_total = sum(results.errors.values())
    worker_peaks = [worker.get("peak_mb", 0) for worker in memory["per_worker"].values()]
    report = {
        "url": base, "sessions": args.sessions, "seconds": args.seconds, "think_seconds": [args.think_min,
                                                                                              args.think_max],
        "arrival_spread_seconds": arrival_spread(args), "rerun_timeout_seconds": args.rerun_timeout,
        "seed": args.seed, "started_app": process is not None, "app_pid": pid,
        "workers": args.workers if process is not None else None,
        "reruns": results.reruns, "reruns_per_second": round(results.reruns / load_seconds, 2),
        "connections": results.connections, "mb_received": round(results.bytes_received / 2**20, 1),
        "app_cpu_seconds": round(cpu_after - cpu_before, 2) if cpu_before is not None and cpu_after else None,
        "app_cpu_ms_per_rerun": round((cpu_after - cpu_before) * 1000 / max(results.reruns, 1), 1)
        if cpu_before is not None and cpu_after else None,
        "errors_total": errors_total, "errors": results.errors, "error_examples": results.error_examples,
        "notices": results.notices, "latency": latency, "memory": memory, "attacks": attacks,
        "idle_rss_mb_before_warmup": round(idle_mb, 1) if idle_mb else None, "warmup_first_run_ms": cold,
        "server_log": log_problems(log_path) if process is not None else None,
        "targets": {"zero errors": errors_total == 0,
                    f"p95 under {TARGET_P95_MS} ms": latency["all"].get("p95_ms", math.inf) < TARGET_P95_MS,
                    "memory flat after warm-up": bool(memory.get("flat_after_warmup")) and all(
                        worker.get("flat_after_warmup") for worker in memory["per_worker"].values()),
                    f"every worker under {TARGET_WORKER_MB} MB": bool(worker_peaks)
                    and max(worker_peaks) < TARGET_WORKER_MB},
        "cpu_count": os.cpu_count(), "load_average": os.getloadavg(),
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print_table(report)
    print(f"results: {args.out}")
    return 1 if errors_total else 0


if __name__ == "__main__":
    sys.exit(main())
