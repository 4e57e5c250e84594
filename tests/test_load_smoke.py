"""The load script's short form: a few real websocket sessions for a few seconds, no errors, a complete report.

No timing is asserted here (the machine is shared); benchmarks/load_test.py reports latency and memory targets.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dashboard import settings

SCRIPT = settings.REPO_ROOT / "benchmarks" / "load_test.py"


def run_script(*args: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=settings.REPO_ROOT, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.process
def test_short_load_run_beside_an_attacker_has_no_errors_and_reports_latency_and_memory(tmp_path):
    """Issue 18's soak in its short form: users beside an attacker (uploads, clear_cache, a huge deck link,
    foreign-Origin and session-takeover handshakes) see no error."""
    out = tmp_path / "load.json"
    result = run_script("--sessions", "5", "--seconds", "12", "--attack", "--out", str(out), timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["errors_total"] == 0 and report["errors"] == {}, report["error_examples"]
    assert report["sessions"] == 5 and report["started_app"]
    assert report["reruns"] >= 5 and report["latency"]["all"]["n"] == report["reruns"]
    assert {"p50_ms", "p95_ms", "p99_ms"} <= set(report["latency"]["all"])
    assert set(report["warmup_first_run_ms"]) == {"map", "trends", "programmes", "data"}
    samples = report["memory"]["samples"]
    assert len(samples) >= 5 and all(mb > 0 for _, mb in samples)
    assert {"start_mb", "after_warmup_mb", "end_mb", "flat_after_warmup"} <= set(report["memory"])
    assert report["server_log"]["tracebacks"] == 0, report["server_log"]["examples"]
    assert "p95" in result.stdout and "memory" in result.stdout
    attacks = report["attacks"]
    tried = {outcome.split(":")[0] for outcome in attacks}
    assert tried == {"upload", "clear_cache", "huge_deck", "foreign_origin", "hijack"}, attacks
    assert not any("TOOK THE SESSION" in outcome or "accepted" in outcome for outcome in attacks), attacks


@pytest.mark.parametrize("url", ["http://10.0.0.1:8501", "http://example.com:8501", "http://127.0.0.1.nip.io:8501",
                                 "https://127.0.0.1:8501", "http://user@127.0.0.1:8501", "ws://127.0.0.1:8501"])
def test_only_loopback_urls_are_accepted(url, tmp_path):
    result = run_script("--url", url, "--seconds", "1", "--out", str(tmp_path / "x.json"), timeout=120)
    assert result.returncode == 2 and "refusing" in result.stderr, result.stderr
    assert not (tmp_path / "x.json").exists()
