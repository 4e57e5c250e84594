"""Keeping serve's processes running: start them, restart one that dies (backoff, a crash budget), stop them
all, and clean up after a run that was killed. dashboard/serve.py decides what runs (workers, nginx); this module
keeps it running.

Children die with serve however it ends (Linux's parent-death signal), each in its own session so a terminal's
Ctrl-C or hang-up reaches serve alone; every run records its own and its children's pid and start time in its
folder, so the next start can tell a dead run's orphans from a live run's processes.
"""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from dashboard import settings
from dashboard.db import SPILL_PREFIX

HEALTH_TIMEOUT_SECONDS = 90.0


def is_healthy(base_url: str) -> bool:
    """True when the Streamlit (or nginx) at base_url answers /_stcore/health with 200; never raises."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (OSError, http.client.HTTPException):  # not listening yet, or answering something else
        return False


RUN_PREFIX = "dpa-serve-"
RESTART_DELAYS = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0)  # seconds before the 1st, 2nd, ... restart in a row
CRASH_BUDGET = 5  # restarts of one process within CRASH_WINDOW before serve gives up on it
CRASH_WINDOW = 300.0
_PR_SET_PDEATHSIG = 1


def _die_with_serve(serve_pid: int):
    """A child's first act: ask the kernel for SIGTERM when serve dies, however it dies (even SIGKILL), so no
    worker or nginx is left holding the ports. Linux only; elsewhere a killed serve can still leave orphans
    (the next start stops them, see remove_dead_runs)."""
    # Looked up here, in serve: between fork and exec the child should only make the call (a dlopen there could
    # wait forever on a lock another thread held at the fork).
    prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None

    def arrange() -> None:
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != serve_pid:  # serve died before the request was in place
            os._exit(1)
    return arrange


@dataclass
class Child:
    """One process serve keeps running: a Streamlit worker (health on its own port) or nginx."""
    name: str
    command: list[str]
    port: int
    env: dict[str, str]
    host: str = "127.0.0.1"  # where its health is asked
    process: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)  # when it was restarted (monotonic)
    restart_at: float | None = None

    def start(self) -> None:
        # Its own session: the terminal's Ctrl-C or hang-up reaches serve alone, which stops everything in order
        # (nginx takes SIGHUP as "reload" and would otherwise outlive serve, answering 502).
        self.process = subprocess.Popen(self.command, cwd=settings.REPO_ROOT, env=self.env, start_new_session=True,
                                        preexec_fn=_die_with_serve(os.getpid()))
        self.restart_at = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def answers_health(self) -> bool:
        """Healthy, and it is this child that listens on the port, not a stranger (an orphan of an earlier run)."""
        return self.running() and _listens(self.process.pid, self.port) and is_healthy(f"http://{self.host}:{self.port}")


def _listens(pid: int, port: int) -> bool:
    try:
        return any(conn.status == psutil.CONN_LISTEN and conn.laddr.port == port
                   for conn in psutil.Process(pid).net_connections(kind="tcp"))
    except psutil.Error:
        return False


def stop_processes(processes: list[subprocess.Popen], timeout: float = 15) -> None:
    """SIGTERM each process still running, wait for them together, then SIGKILL whatever is left."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def remove_dead_runs(temp_root: Path | None = None) -> list[int]:
    """Stop what an earlier serve left behind (it was killed where no death signal reached its children) and remove
    its folder; a run whose serve is alive is left alone. Returns the pids stopped."""
    stopped = []
    for folder in Path(temp_root or tempfile.gettempdir()).glob(f"{RUN_PREFIX}*"):
        serve_record = _read_pid_line(folder / "serve.pid")
        if _alive(serve_record) or (serve_record is None and _younger_than(folder, 30)):  # alive, or just made
            continue
        for line in _read_lines(folder / "children.pid"):
            record = _parse_pid_line(line)
            if _alive(record):
                with contextlib.suppress(psutil.Error):
                    psutil.Process(record[0]).terminate()
                    stopped.append(record[0])
        shutil.rmtree(folder, ignore_errors=True)
    # A killed worker's DuckDB spill folder (dashboard/db.py names it by the worker's pid).
    for folder in Path(temp_root or tempfile.gettempdir()).glob(f"{SPILL_PREFIX}*-*"):
        pid = folder.name[len(SPILL_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not psutil.pid_exists(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    with contextlib.suppress(psutil.Error):
        psutil.wait_procs([psutil.Process(pid) for pid in stopped if psutil.pid_exists(pid)], timeout=10)
    return stopped


def new_run_folder() -> Path:
    """A run's own folder (nginx's configuration, logs and temp files; the pid records), marked as this
    process's run."""
    folder = Path(tempfile.mkdtemp(prefix=RUN_PREFIX))
    folder.chmod(0o755)  # nginx's worker (an unprivileged user when started as root) reads below it
    (folder / "serve.pid").write_text(_pid_line(os.getpid()), encoding="utf-8")
    return folder


def _younger_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime < seconds
    except OSError:
        return False


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _read_pid_line(path: Path) -> tuple[int, float] | None:
    lines = _read_lines(path)
    return _parse_pid_line(lines[0]) if lines else None


def _parse_pid_line(line: str) -> tuple[int, float] | None:
    """'<pid> <start time>': the start time tells a live process from a later one given the same pid."""
    try:
        pid, created = line.split()
        return int(pid), float(created)
    except ValueError:
        return None


def _pid_line(pid: int) -> str:
    return f"{pid} {psutil.Process(pid).create_time():.2f}\n"


def _alive(record: tuple[int, float] | None) -> bool:
    if record is None:
        return False
    try:
        process = psutil.Process(record[0])
        return abs(process.create_time() - record[1]) < 0.05 and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


class Supervisor:
    """Starts the children, restarts one that dies (with backoff and a crash budget) while the others serve on,
    and stops them all on SIGTERM, SIGINT or SIGHUP."""

    def __init__(self, children: list[Child], folder: Path):
        self.children = children
        self.folder = folder
        self.stopping = False

    def request_stop(self, _signum: int, _frame: object) -> None:
        self.stopping = True

    def start(self, child: Child) -> None:
        child.start()
        with (self.folder / "children.pid").open("a", encoding="utf-8") as record:
            record.write(_pid_line(child.process.pid))

    def wait_healthy(self, children: list[Child], timeout: float = HEALTH_TIMEOUT_SECONDS) -> bool:
        deadline = time.monotonic() + timeout
        waiting = list(children)
        while waiting and not self.stopping:
            if any(not child.running() for child in waiting):
                print("serve: a worker exited while starting; see its log above.", file=sys.stderr)
                return False
            if time.monotonic() > deadline:
                print(f"serve: workers on ports {[child.port for child in waiting]} not healthy after "
                      f"{timeout:.0f} s.", file=sys.stderr)
                return False
            waiting = [child for child in waiting if not child.answers_health()]
            time.sleep(0.3)
        return not self.stopping

    def keep_running(self) -> int:
        """Until asked to stop: a child that dies is started again, sooner the first time, later if it keeps
        dying; past CRASH_BUDGET restarts in CRASH_WINDOW serve stops everything (something is wrong that a
        restart will not mend) and returns 1."""
        while not self.stopping:
            now = time.monotonic()
            for child in self.children:
                if child.running() or self.stopping:
                    continue
                if child.restart_at is None:
                    child.restarts = [when for when in child.restarts if now - when < CRASH_WINDOW]
                    if len(child.restarts) >= CRASH_BUDGET:
                        print(f"serve: {child.name} keeps stopping ({len(child.restarts)} restarts in "
                              f"{CRASH_WINDOW / 60:.0f} minutes); stopping the deployment. See its log above.",
                              file=sys.stderr)
                        return 1
                    delay = RESTART_DELAYS[min(len(child.restarts), len(RESTART_DELAYS) - 1)]
                    child.restart_at = now + delay
                    print(f"serve: {child.name} stopped (exit {child.process.returncode}); restarting it in "
                          f"{delay:.0f} s. Its browsers' sessions (unsaved decks too) start afresh.",
                          file=sys.stderr, flush=True)
                if now >= child.restart_at:
                    child.restarts.append(now)
                    self.start(child)
            time.sleep(0.2)
        return 0

    def stop(self) -> None:
        stop_processes([child.process for child in reversed(self.children) if child.process is not None])
