"""`python -m dashboard serve`: Streamlit workers behind nginx, each browser kept on one worker.

The browser tests (tests/test_browser.py) run the whole walk, downloads included, through this deployment; here
are its own promises: the proxy's configuration, the cookie that pins a browser, and that stopping it (or losing
a worker) leaves no process behind.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from dashboard import serve, settings

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
    def __init__(self, tmp_path: Path, workers: int = 2):
        self.port = serve.free_port_block(workers)
        self.log = (tmp_path / "serve.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "serve", "--workers", str(workers), "--server.port", str(self.port),
             "--server.address", "127.0.0.1"], cwd=settings.REPO_ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not serve.is_healthy(self.base):
            assert self.process.poll() is None, "serve exited while starting"
            assert time.monotonic() < deadline, "not ready in time"
            time.sleep(0.3)

    def children(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def __enter__(self) -> Deployment:
        self.wait_ready()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def none_left(processes: list[psutil.Process]) -> bool:
    time.sleep(0.5)
    return not [process for process in processes if process.is_running() and process.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.process
@needs_nginx
def test_serve_runs_workers_behind_nginx_and_stops_them_all(tmp_path):
    with Deployment(tmp_path) as deployment:
        children = deployment.children()
        commands = [" ".join(child.cmdline()) for child in children]
        assert sum("streamlit run" in command for command in commands) == 2
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

        deployment.process.send_signal(signal.SIGTERM)
        assert deployment.process.wait(timeout=30) == 0
        assert none_left(children)


@pytest.mark.process
@needs_nginx
def test_losing_a_worker_stops_the_deployment_instead_of_half_serving(tmp_path):
    with Deployment(tmp_path) as deployment:
        children = deployment.children()
        worker = next(child for child in children if "streamlit" in " ".join(child.cmdline()))
        worker.kill()
        assert deployment.process.wait(timeout=30) == 1
        assert none_left(children)


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


@pytest.mark.process
@needs_nginx
def test_long_deck_links_and_foreign_websockets_through_the_proxy(tmp_path):
    """Issue 18, findings 4 and 5: a deck link up to the app's own limit reaches the app (nginx answered 414 past
    ~8 KB), and a websocket opened from another site's page is refused by the proxy at once (Streamlit, offline,
    spent ~2 s of its worker on each, looking up its external IP)."""
    from dashboard import deck as meeting_deck

    with Deployment(tmp_path, workers=2) as deployment:  # one worker would run without the proxy
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
def test_the_proxy_keeps_metrics_private_and_pages_unframeable_except_embeds(tmp_path):
    """Issue 18, findings 8 and 12: /_stcore/metrics (sessions, cache names) was public; pages could be framed by
    any site; a Markdown image that slipped into a page could fetch a pixel from elsewhere."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with Deployment(tmp_path) as deployment:
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
