"""Serve the dashboard: one Streamlit process per core behind nginx, each browser kept on one process.

    python -m dashboard serve                        # a worker per core on http://localhost:8501
    python -m dashboard serve --workers 1            # one Streamlit process, no proxy
    python -m dashboard serve --server.port 8600 --server.address 127.0.0.1   # other streamlit options pass through

Why: Streamlit runs every session's script in one Python process, so one server uses one core however many the
machine has. With 30 people changing filters at once a single process queued their reruns for seconds
(benchmarks/load_test.py); N processes share the load. A browser session lives in the process it first reached
(its websocket, and files for its download buttons), so nginx keeps each browser on one worker with a cookie
(`dpa_worker`, a random id hashed onto the workers). The workers listen on loopback only and share one
XSRF/cookie secret, made afresh at each start. Without nginx (or with --workers 1) one Streamlit process serves
on the public port, and the reason is printed.

serve keeps them running: a worker (or nginx) that dies is started again while the others serve on, at once the
first time and later if it keeps dying, and serve gives up (exit 1) past a few restarts in five minutes. Its
children die with it, even when serve itself is killed (Linux), and a start first stops what a killed run left
behind, so a restart loop or systemd unit (docs/deployment.md) can always start it again.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psutil

from dashboard import settings
from dashboard.supervise import (  # noqa: F401  (is_healthy and stop_processes: for callers of serve)
    Child,
    Supervisor,
    is_healthy,
    new_run_folder,
    remove_dead_runs,
    stop_processes,
)

DEFAULT_PORT = 8501
MAX_WORKERS = 16
COOKIE = "dpa_worker"
WORKER_MODULE = "dashboard.worker"  # Streamlit's command line, hardened before the first connection


def is_worker(command_line: list[str]) -> bool:
    """Whether a process (by its command line) is one of serve's Streamlit workers."""
    return WORKER_MODULE in command_line


@dataclass(frozen=True)
class Plan:
    address: str
    port: int
    worker_ports: tuple[int, ...]
    streamlit_args: tuple[str, ...]


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="python -m dashboard serve", description=__doc__.split("\n")[0],
                                     epilog="Any other option (e.g. --theme.base dark) is passed to every worker.")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help=f"Streamlit processes (default: one per core, here {os.cpu_count()}; at most "
                             f"{MAX_WORKERS})")
    parser.add_argument("--server.port", dest="port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--server.address", dest="address", default="0.0.0.0")
    args, rest = parser.parse_known_args(argv)
    if not 1 <= args.workers <= MAX_WORKERS:
        parser.error(f"--workers must be between 1 and {MAX_WORKERS}")
    if not 1 <= args.port <= 65535 - MAX_WORKERS:
        parser.error("--server.port out of range")
    return args, rest


def make_plan(args: argparse.Namespace, streamlit_args: list[str]) -> Plan:
    """Workers on the ports just above the public one (8502, 8503, ... for 8501)."""
    return Plan(address=args.address, port=args.port,
                worker_ports=tuple(args.port + 1 + number for number in range(args.workers)),
                streamlit_args=tuple(streamlit_args))


# nginx's header buffers: a deck link (dashboard.deck.MAX_TOKEN_LENGTH characters) plus the rest of the request.
DECK_LINK_BUFFER = "64k"


def nginx_config(plan: Plan, prefix: Path) -> str:
    """The proxy: websockets passed through, each browser pinned to a worker by a validated cookie."""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in plan.worker_ports)
    listen = f"[{plan.address}]:{plan.port}" if ":" in plan.address else f"{plan.address}:{plan.port}"
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    proxied = f"""            proxy_pass http://streamlit_workers;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_buffering off;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            add_header Set-Cookie "{COOKIE}=$dpa_worker; Path=/; HttpOnly; SameSite=Lax" always;
            add_header Content-Security-Policy $content_policy always;
            add_header X-Frame-Options $frame_options always;
            add_header X-Content-Type-Options nosniff always;
            add_header Referrer-Policy same-origin always;"""
    return f"""# Written by `python -m dashboard serve`; remade at every start.
worker_processes 1;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'error.log'} warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    server_tokens off;
{temp}
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    # A browser keeps the worker it first reached: the cookie is a random id, used only if it looks like one.
    map $cookie_{COOKIE} $dpa_worker {{ "~^[0-9a-f]{{32}}$" $cookie_{COOKIE}; default $request_id; }}
    # A websocket from another site's page (its Origin names another host) is refused here: offline, Streamlit
    # looks up its external IP for every such handshake and blocks its worker about 2 s each time. No Origin
    # (not a browser) or our own host passes.
    map "$http_origin|$http_host" $foreign_origin {{ default 1; "~^\\|" 0; "~^https?://([^/|]+)\\|\\1$" 0; }}
    # Other sites may frame the chart-only page (/embed, or a page with Streamlit's ?embed=true), nothing else
    # (clickjacking); images come from the app alone, so a note or message that slipped through as Markdown
    # still cannot fetch a tracking pixel.
    # (No frame-ancestors at all for an embed: '*' leaves out parents that are local files or data pages.)
    map "$uri|$arg_embed" $embedded {{ default 0; "~^/embed" 1; "~\\|true$" 1; }}
    map $embedded $content_policy {{ 0 "frame-ancestors 'self'; img-src 'self' data: blob:";
                                    1 "img-src 'self' data: blob:"; }}
    map $embedded $frame_options {{ 0 SAMEORIGIN; 1 ""; }}
    # Uploads (the meeting page's deck file) a few a minute per client; see the upload location below.
    limit_req_zone $binary_remote_addr zone=uploads:1m rate=12r/m;
    limit_req_status 429;
    upstream streamlit_workers {{
        hash $dpa_worker consistent;
{servers}
    }}
    server {{
        listen {listen};
        client_max_body_size 1m;
        # Deck links carry the whole deck (dashboard/deck.py: up to 60,000 characters): the request line must fit,
        # or a reload or a shared link of a long deck gets 414 and the deck is lost.
        large_client_header_buffers 4 {DECK_LINK_BUFFER};
        # The map shapes, named by their content (dashboard/basemap.py): a browser keeps its copy for good.
        location {settings.APP_STATIC_URL}{settings.PUBLISHED_SHAPES_DIR.name}/ {{
            proxy_pass http://streamlit_workers;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            add_header Cache-Control "public, max-age=31536000, immutable" always;
        }}
        # A deck file is at most 400 kB (dashboard/deck.py); every PUT here is held in a worker's memory.
        location /_stcore/upload_file/ {{
            limit_req zone=uploads burst=6 nodelay;
            client_max_body_size 450k;
{proxied}
        }}
        # Streamlit's metrics (sessions, cache names and sizes) are not for the public.
        location = /_stcore/metrics {{ return 404; }}
        location /_stcore/stream {{
            if ($foreign_origin) {{ return 403; }}
{proxied}
        }}
        location / {{
{proxied}
        }}
    }}
}}
"""


def free_port_block(workers: int) -> int:
    """A free loopback port whose `workers` ports above are free too: where serve can put the proxy and workers.

    Chosen below the kernel's ephemeral range: polling a port there before its server listens can make a
    client socket connect to itself (TCP simultaneous open), which answers the request with the request.
    """
    try:
        ephemeral_low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    low, high = 20000, max(ephemeral_low, 20000 + 2 * MAX_WORKERS) - workers - 1
    for _ in range(200):
        port = random.randint(low, high)
        if all(_port_free(candidate) for candidate in range(port, port + workers + 1)):
            return port
    raise OSError(f"no {workers + 1} consecutive free loopback ports between {low} and {high + workers}")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def streamlit_command(port: int, address: str, extra: tuple[str, ...] | list[str]) -> list[str]:
    return [sys.executable, "-m", WORKER_MODULE, "run", str(settings.REPO_ROOT / "app.py"),
            "--server.port", str(port), "--server.address", address, *extra]


def busy_ports(plan: Plan, proxied: bool) -> list[str]:
    """The ports serve needs that something else already holds, each with who holds it where that can be told."""
    wanted = [(plan.address, plan.port)] + ([("127.0.0.1", port) for port in plan.worker_ports] if proxied else [])
    busy = []
    for address, port in wanted:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((address, port))
                continue
            except OSError:
                pass
        busy.append(f"{port}{_holder(port)}")
    return busy


def _holder(port: int) -> str:
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
                return f" (pid {conn.pid}: {' '.join(psutil.Process(conn.pid).cmdline())[:80]})"
    except (psutil.Error, OSError):
        pass
    return ""


def run(plan: Plan, nginx: str | None) -> int:
    """Start the workers, wait until each is healthy, start nginx in front (none with one worker or no nginx);
    keep them all running until asked to stop."""
    remove_dead_runs()
    busy = busy_ports(plan, proxied=nginx is not None)
    if busy:
        print(f"serve: port {', '.join(busy)} already in use; stop what holds it or choose --server.port.",
              file=sys.stderr)
        return 1
    folder = new_run_folder()
    # One cookie secret for all workers: the XSRF cookie a browser got from one is good at the others and at a
    # restarted one.
    env = dict(os.environ, STREAMLIT_SERVER_COOKIE_SECRET=secrets.token_hex(32))
    if nginx is None:
        host = "127.0.0.1" if plan.address in ("0.0.0.0", "::", "") else plan.address.strip("[]")
        workers = [Child("the Streamlit server", streamlit_command(plan.port, plan.address, plan.streamlit_args),
                         plan.port, env, host=f"[{host}]" if ":" in host else host)]
    else:
        workers = [Child(f"the worker on port {port}", streamlit_command(port, "127.0.0.1", plan.streamlit_args),
                         port, env) for port in plan.worker_ports]
    supervisor = Supervisor(list(workers), folder)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, supervisor.request_stop)
    try:
        for worker in workers:
            supervisor.start(worker)
        if not supervisor.wait_healthy(workers):
            return 0 if supervisor.stopping else 1
        shown = "localhost" if plan.address in ("0.0.0.0", "::") else plan.address
        if nginx is not None:
            (folder / "nginx.conf").write_text(nginx_config(plan, folder), encoding="utf-8")
            base = [nginx, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(folder / "nginx.conf")]
            config_test = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True)
            if config_test.returncode != 0:
                print(f"serve: nginx rejected its configuration: {config_test.stderr.strip()}", file=sys.stderr)
                return 1
            proxy = Child("nginx", [*base, "-g", "daemon off;"], plan.port, env)
            supervisor.children.append(proxy)
            supervisor.start(proxy)
            print(f"\n  Drug Policy Atlas: http://{shown}:{plan.port}  ({len(workers)} Streamlit workers "
                  f"behind nginx; the worker addresses above are internal)\n", flush=True)
        return supervisor.keep_running()
    finally:
        supervisor.stop()
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    args, streamlit_args = parse_args(argv)
    plan = make_plan(args, streamlit_args)
    nginx = shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None)
    if args.workers > 1 and nginx is None:
        print("serve: nginx is not installed (apt-get install nginx-light), so one Streamlit process serves "
              "everyone; with many users at once, reruns will queue.", file=sys.stderr)
    return run(plan, nginx if args.workers > 1 else None)
