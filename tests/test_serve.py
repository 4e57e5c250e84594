"""`python -m dashboard serve`: Streamlit workers behind nginx, each browser kept on one worker.

The browser tests (tests/test_browser.py) run the whole walk, downloads included, through this deployment; here
are its own promises: the proxy's configuration, the cookie that pins a browser, and that stopping it (or losing
a worker) leaves no process behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from dashboard import serve, settings, supervise
from dashboard.db import SPILL_PREFIX

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (scripts/setup.sh installs it as root)")


def plan(workers: int = 3, port: int = 8501, address: str = "0.0.0.0") -> serve.Plan:
    args, rest = serve.parse_args(["--workers", str(workers), "--server.port", str(port), "--server.address", address,
                                   "--theme.base", "dark"])
    return serve.make_plan(args, rest)


def test_workers_sit_on_the_ports_above_the_public_one_and_other_options_pass_through():
    made = plan(workers=3, port=8600)
    assert made.port == 8600 and made.worker_ports == (8601, 8602, 8603)
    assert made.streamlit_args == ("--theme.base", "dark")


def test_test_ports_are_free_and_below_the_ephemeral_range():
    # A poll of a not-yet-listening ephemeral port can connect a socket to itself (seen once under load).
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(20):
        port = serve.free_port_block(3)
        assert 20000 <= port and port + 3 < low


def test_the_default_is_one_worker_per_core():
    args, _ = serve.parse_args([])
    assert args.workers == (os.cpu_count() or 1) and args.port == 8501


@pytest.mark.parametrize("argv", [["--workers", "0"], ["--workers", "17"], ["--workers", "two"],
                                  ["--server.port", "70000"]])
def test_impossible_settings_are_refused(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        serve.parse_args(argv)
    assert stopped.value.code == 2 and "error" in capsys.readouterr().err


def test_the_proxy_pins_a_browser_by_a_validated_cookie_and_passes_websockets(tmp_path):
    config = serve.nginx_config(plan(workers=2, port=8600), tmp_path)
    assert "server 127.0.0.1:8601" in config and "server 127.0.0.1:8602" in config
    assert "listen 0.0.0.0:8600;" in config
    assert "hash $dpa_worker consistent;" in config
    # Only a 32-hex-digit cookie is used as the key; anything else gets a fresh random id.
    assert '"~^[0-9a-f]{32}$" $cookie_dpa_worker; default $request_id;' in config
    assert "proxy_set_header Upgrade $http_upgrade;" in config and "proxy_read_timeout 1d;" in config
    assert "client_max_body_size 1m;" in config and "server_tokens off;" in config
    assert "large_client_header_buffers 4 64k;" in config  # deck links up to 60,000 characters
    stream = config.split("location /_stcore/stream {", 1)[1].split("location / {", 1)[0]
    assert "if ($foreign_origin) { return 403; }" in stream and "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "location = /_stcore/metrics { return 404; }" in config
    uploads = config.split("location /_stcore/upload_file/ {", 1)[1].split("}", 1)[0]
    assert "limit_req zone=uploads" in uploads and "client_max_body_size 450k;" in uploads
    assert str(tmp_path) in config and "/var/" not in config  # pid, logs and temp files stay in its own folder
    shapes = config.split("location /app/static/shapes/ {", 1)[1].split("}", 1)[0]
    assert 'add_header Cache-Control "public, max-age=31536000, immutable" always;' in shapes


@needs_nginx
def test_nginx_accepts_the_configuration(tmp_path):
    (tmp_path / "nginx.conf").write_text(serve.nginx_config(plan(workers=2, port=8600, address="127.0.0.1"), tmp_path))
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                              "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


# --- the running deployment ------------------------------------------------------------------------------------


def get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=5) as response:
        cookies = dict(header.split(";", 1)[0].split("=", 1) for header in response.headers.get_all("set-cookie"))
        return response.status, cookies


class Deployment:
    """`python -m dashboard serve` in its own session (as run.sh in a terminal), so a test can hang it up."""

    def __init__(self, tmp_path: Path, workers: int = 2):
        self.port = serve.free_port_block(workers)
        self.log_path = tmp_path / "serve.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "serve", "--workers", str(workers), "--server.port", str(self.port),
             "--server.address", "127.0.0.1"], cwd=settings.REPO_ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not serve.is_healthy(self.base):
            assert self.process.poll() is None, f"serve exited while starting: {self.log_text()}"
            assert time.monotonic() < deadline, "not ready in time"
            time.sleep(0.3)

    def children(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def worker(self, port: int) -> psutil.Process:
        return next(child for child in psutil.Process(self.process.pid).children()
                    if serve.is_worker(child.cmdline()) and str(port) in child.cmdline())

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def __enter__(self) -> Deployment:
        self.wait_ready()
        return self

    def __exit__(self, *exc_info) -> None:
        left = self.children() if self.process.poll() is None else []
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        for child in left:  # whatever the test did, nothing outlives it
            with contextlib.suppress(psutil.Error):
                child.kill()


def none_left(processes: list[psutil.Process], within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = [process for process in processes if process.is_running() and process.status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.process
@needs_nginx
def test_serve_runs_workers_behind_nginx_and_a_hang_up_stops_them_all(tmp_path):
    """Issue 18, finding 7: closing the terminal (SIGHUP to serve's process group) killed serve and the workers
    with no cleanup, and nginx (for which HUP means "reload") stayed behind answering 502 on the port."""
    with Deployment(tmp_path) as deployment:
        children = deployment.children()
        commands = [" ".join(child.cmdline()) for child in children]
        assert sum(serve.is_worker(child.cmdline()) for child in children) == 2
        assert any("nginx" in command for command in commands)
        # Workers listen on loopback only, on the two ports above the proxy.
        listening = {(conn.laddr.ip, conn.laddr.port) for child in children
                     for conn in child.net_connections(kind="tcp") if conn.status == psutil.CONN_LISTEN}
        assert {("127.0.0.1", deployment.port + 1), ("127.0.0.1", deployment.port + 2)} <= listening

        status, cookies = get(f"{deployment.base}/_stcore/health")
        assert status == 200 and re.fullmatch(r"[0-9a-f]{32}", cookies["dpa_worker"])
        kept = cookies["dpa_worker"]
        assert get(f"{deployment.base}/_stcore/health", f"dpa_worker={kept}")[1]["dpa_worker"] == kept
        for hostile in ("../../etc", "x" * 5000, "1' or '1'='1", kept.upper()):
            fresh = get(f"{deployment.base}/_stcore/health", f"dpa_worker={hostile}")[1]["dpa_worker"]
            assert fresh != hostile and re.fullmatch(r"[0-9a-f]{32}", fresh)

        folders = [folder for folder in Path(tempfile.gettempdir()).glob(f"{supervise.RUN_PREFIX}*")
                   if (supervise._read_pid_line(folder / "serve.pid") or (0,))[0] == deployment.process.pid]
        assert len(folders) == 1
        os.killpg(deployment.process.pid, signal.SIGHUP)
        assert deployment.process.wait(timeout=30) == 0
        assert none_left(children)
        assert serve.busy_ports(serve.Plan("127.0.0.1", deployment.port, (), ()), proxied=False) == []
        assert not folders[0].exists()  # its folder (nginx's configuration, logs, pid records) removed


async def _sessions_under_load(base: str, count: int, seconds: float, during) -> list:
    """`count` real Streamlit sessions (benchmarks/load_test.py's client) rerunning for `seconds`; `during` runs
    in a thread a few seconds in. Returns each session's Results."""
    import argparse
    import asyncio
    import random

    from benchmarks import load_test
    from dashboard import db
    from dashboard.catalog import load_catalog

    args = argparse.Namespace(rerun_timeout=30.0, think_min=0.3, think_max=0.8, sessions=count, seconds=seconds)
    catalog = load_catalog(db.connect())
    results = [load_test.Results() for _ in range(count)]
    sessions = [load_test.Session(base, number, load_test.Walker(catalog, random.Random(number)), results[number],
                                  args) for number in range(count)]
    for session in sessions:
        await session.open()
    deadline = time.monotonic() + seconds
    runs = [asyncio.create_task(session.run(deadline, [10_000])) for session in sessions]
    await asyncio.sleep(3)
    await asyncio.to_thread(during)
    await asyncio.gather(*runs)
    return results


@pytest.mark.process
@needs_nginx
def test_a_dead_worker_is_restarted_while_the_other_serves_on_and_a_killed_serve_leaves_nothing(tmp_path):
    """Issue 18, findings 6 and 7: a killed worker stopped the whole deployment (every user lost their session);
    a SIGKILLed serve left both workers and nginx running as orphans, and the next start's health check was
    answered by them."""
    import asyncio

    with Deployment(tmp_path) as deployment:
        victim_port = deployment.port + 1
        victim = deployment.worker(victim_port)
        killed: dict[str, float] = {}

        def kill_and_time_the_restart() -> None:
            # Each session's websocket is one upstream connection: count those on the worker to be killed.
            killed["sessions_there"] = sum(conn.status == psutil.CONN_ESTABLISHED and conn.laddr.port == victim_port
                                           for conn in victim.net_connections(kind="tcp"))
            victim.kill()
            started = time.monotonic()
            while not serve.is_healthy(f"http://127.0.0.1:{victim_port}"):
                assert time.monotonic() - started < 30, deployment.log_text()
                time.sleep(0.1)
            killed["back_after"] = time.monotonic() - started

        results = asyncio.run(_sessions_under_load(deployment.base, 20, 16, kill_and_time_the_restart))
        assert deployment.process.poll() is None, deployment.log_text()
        assert killed["back_after"] < 10, killed
        assert deployment.worker(victim_port).pid != victim.pid
        assert "restarting it in 0 s" in deployment.log_text()
        hit = [result for result in results if result.errors]
        # Every session on the other worker carried on without an error; those on the dead one lost their
        # connection once and went on (elsewhere, then on the restarted worker).
        assert 0 < killed["sessions_there"] < 20, killed
        assert len(hit) <= killed["sessions_there"], [result.error_examples for result in hit]
        assert all(set(result.errors) == {"connection"} for result in hit), [result.error_examples for result in hit]
        assert all(result.reruns >= 3 for result in results if not result.errors)
        assert all(result.reruns >= 2 for result in hit)  # it went on after losing its worker

        children = deployment.children()
        assert len(children) >= 3
        deployment.process.kill()
        deployment.process.wait(timeout=10)
        assert none_left(children), [child.cmdline() for child in children if child.is_running()]

    # The next start finds every port free (test_a_port_held_by_a_stranger... shows it would say otherwise).
    made = serve.make_plan(*serve.parse_args(["--workers", "2", "--server.port", str(deployment.port),
                                               "--server.address", "127.0.0.1"]))
    assert serve.busy_ports(made, proxied=True) == []


def test_a_process_that_keeps_dying_is_restarted_with_backoff_then_given_up(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(supervise, "RESTART_DELAYS", (0.0, 0.05, 0.1))
    monkeypatch.setattr(supervise, "CRASH_BUDGET", 3)
    dying = supervise.Child("the worker on port 1", [sys.executable, "-c", "raise SystemExit(3)"], 1, dict(os.environ))
    supervisor = supervise.Supervisor([dying], tmp_path)
    supervisor.start(dying)
    started = time.monotonic()
    assert supervisor.keep_running() == 1
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err
    assert err.count("stopped (exit 3); restarting it in") == 3
    assert "restarting it in 0 s" in err and "keeps stopping (3 restarts in 5 minutes)" in err
    assert len((tmp_path / "children.pid").read_text().splitlines()) == 4  # the first start and three restarts


def test_a_stop_request_ends_supervision_without_restarting(tmp_path):
    sleeper = supervise.Child("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], 1, dict(os.environ))
    supervisor = supervise.Supervisor([sleeper], tmp_path)
    supervisor.start(sleeper)
    supervisor.request_stop(signal.SIGHUP, None)
    assert supervisor.keep_running() == 0
    supervisor.stop()
    assert sleeper.process.poll() is not None


def test_children_die_with_serve_even_when_it_is_killed(tmp_path):
    """PR_SET_PDEATHSIG: a stand-in for serve starts a child the way serve does, then is SIGKILLed."""
    script = (f"import sys, time; sys.path.insert(0, {str(settings.REPO_ROOT)!r}); from dashboard import supervise; "
              "child = supervise.Child('sleeper', [sys.executable, '-c', 'import time; time.sleep(120)'], 1, {}); "
              "child.start(); print(child.process.pid, flush=True); time.sleep(120)")
    stand_in = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = psutil.Process(int(stand_in.stdout.readline()))
    assert child.is_running()
    stand_in.kill()
    stand_in.wait(timeout=10)
    assert none_left([child], within=5)


def test_a_start_stops_what_a_killed_run_left_and_keeps_live_runs(tmp_path):
    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        dead = tmp_path / f"{supervise.RUN_PREFIX}dead"
        dead.mkdir()
        (dead / "serve.pid").write_text("999999999 1.00\n")  # a serve that is gone
        (dead / "children.pid").write_text(supervise._pid_line(orphan.pid) + "4 1.00\nnot a line\n")
        live = tmp_path / f"{supervise.RUN_PREFIX}live"
        live.mkdir()
        (live / "serve.pid").write_text(supervise._pid_line(os.getpid()))
        (live / "children.pid").write_text(supervise._pid_line(os.getpid()))  # never stopped: its serve is alive
        reused = tmp_path / f"{supervise.RUN_PREFIX}reused"
        reused.mkdir()
        (reused / "serve.pid").write_text(f"{os.getpid()} 12.00\n")  # our pid, another start time: dead
        spill_dead = tmp_path / f"{SPILL_PREFIX}999999999-abc"
        spill_live = tmp_path / f"{SPILL_PREFIX}{os.getpid()}-abc"
        spill_dead.mkdir()
        spill_live.mkdir()

        assert supervise.remove_dead_runs(tmp_path) == [orphan.pid]
        assert orphan.poll() is not None  # stopped and waited for (by remove_dead_runs, hence no exit status here)
        assert not dead.exists() and not reused.exists() and live.exists()
        assert not spill_dead.exists() and spill_live.exists()
    finally:
        orphan.kill()


def test_a_port_held_by_a_stranger_is_refused_before_anything_starts(tmp_path, capsys):
    """Finding 7: an earlier run's orphan on the port answered the new start's health checks."""
    port = serve.free_port_block(2)
    with socket.socket() as stranger:
        stranger.bind(("127.0.0.1", port + 2))
        stranger.listen()
        made = serve.make_plan(*serve.parse_args(["--workers", "2", "--server.port", str(port),
                                                   "--server.address", "127.0.0.1"]))
        assert serve.run(made, NGINX or "/usr/sbin/nginx") == 1
    err = capsys.readouterr().err
    assert f"port {port + 2} (pid {os.getpid()}" in err and "already in use" in err


def handshake(port: int, origin: str | None) -> tuple[int, float]:
    """A websocket upgrade of /_stcore/stream through the proxy, with this Origin: (status, seconds)."""
    import base64
    import os
    import socket

    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        lines = ["GET /_stcore/stream HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Version: 13",
                 f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
                 "Sec-WebSocket-Protocol: streamlit", *([f"Origin: {origin}"] if origin else [])]
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status = int(connection.recv(200).split(b" ", 2)[1])
    return status, time.monotonic() - started


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """One deployment for the tests that only send it requests (each start costs ~10 s of CI)."""
    with Deployment(tmp_path_factory.mktemp("proxied"), workers=2) as deployment:  # one worker has no proxy
        yield deployment


@pytest.mark.process
@needs_nginx
def test_long_deck_links_and_foreign_websockets_through_the_proxy(proxied):
    """Issue 18, findings 4 and 5: a deck link up to the app's own limit reaches the app (nginx answered 414 past
    ~8 KB), and a websocket opened from another site's page is refused by the proxy at once (Streamlit, offline,
    spent ~2 s of its worker on each, looking up its external IP)."""
    from dashboard import deck as meeting_deck

    deployment = proxied
    token = "A" * meeting_deck.MAX_TOKEN_LENGTH  # as long as a deck link can be (a damaged one: the page says so)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{deployment.base}/meeting?deck={token}", timeout=10) as response:
        assert response.status == 200
    own, _ = handshake(deployment.port, f"http://127.0.0.1:{deployment.port}")
    assert own == 101
    assert handshake(deployment.port, None)[0] == 101  # no Origin: not a browser page
    for foreign in ("https://evil.example", "null", f"http://127.0.0.1:{deployment.port}.evil.example"):
        refused, seconds = handshake(deployment.port, foreign)
        assert (refused, seconds < 0.5) == (403, True), foreign


@pytest.mark.process
@needs_nginx
def test_the_proxy_keeps_metrics_private_and_pages_unframeable_except_embeds(proxied):
    """Issue 18, findings 8 and 12: /_stcore/metrics (sessions, cache names) was public; pages could be framed by
    any site; a Markdown image that slipped into a page could fetch a pixel from elsewhere."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deployment = proxied
    with pytest.raises(urllib.error.HTTPError) as hidden:
        opener.open(f"{deployment.base}/_stcore/metrics", timeout=10)
    assert hidden.value.code == 404
    with opener.open(f"{deployment.base}/map", timeout=10) as page:
        assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert page.headers["Content-Security-Policy"] == "frame-ancestors 'self'; img-src 'self' data: blob:"
        assert page.headers["X-Content-Type-Options"] == "nosniff"
    # Uploads: a body past a deck file's size is refused, and a flood of PUTs is cut to a few a minute.
    def put(size: int) -> int:
        request = urllib.request.Request(f"{deployment.base}/_stcore/upload_file/{'0' * 32}/{'1' * 32}",
                                         data=b"x" * size, method="PUT")
        try:
            with opener.open(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
    assert put(600_000) == 413
    assert 429 in [put(10) for _ in range(12)]
    for framed in ("/embed?page=map&countries=NOR", "/trends?embed=true"):
        with opener.open(f"{deployment.base}{framed}", timeout=10) as page:
            assert page.headers["X-Frame-Options"] is None, framed
            assert page.headers["Content-Security-Policy"] == "img-src 'self' data: blob:", framed


def _session_id(base: str, cookies: dict[str, str], existing: str | None = None) -> str:
    """Open the app's websocket as the browser does (with these cookies, naming `existing` to take it back),
    run the map page and return the session id the server gives."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    protocols = ["streamlit", cookies["_streamlit_xsrf"], *([existing] if existing else [])]
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    with connect(f"ws{base.removeprefix('http')}/_stcore/stream", subprotocols=protocols, origin=base,
                 additional_headers={"Cookie": header}, proxy=None, open_timeout=30) as socket_:
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_name = "map"
        socket_.send(message.SerializeToString())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            forward = ForwardMsg()
            forward.ParseFromString(socket_.recv(timeout=60))
            if forward.WhichOneof("type") == "new_session":
                return forward.new_session.initialize.session_id
    raise AssertionError("no new_session message")


@pytest.mark.process
@needs_nginx
def test_a_session_goes_back_only_to_the_browser_that_opened_it(proxied):
    """Issue 18, finding 13: a second client, with its own cookies and the first one's worker, named the first
    one's session id when it connected and was given that session (its deck included)."""
    owner = get(f"{proxied.base}/_stcore/health")[1]
    first = _session_id(proxied.base, owner)  # the app has run once here, so its hardening is in place
    opened = _session_id(proxied.base, owner)
    assert _session_id(proxied.base, owner, existing=opened) == opened  # a reconnect gets its session back
    stranger = get(f"{proxied.base}/_stcore/health", f"dpa_worker={owner['dpa_worker']}")[1]  # same worker
    assert stranger["_streamlit_xsrf"] != owner["_streamlit_xsrf"]
    taken = _session_id(proxied.base, stranger, existing=opened)
    assert taken not in (opened, first)
