"""SIGTERM (Fargate Spot interruption): stop accepting, finish in-flight requests, exit 0."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from tests.conftest import BACKEND, free_port


def get(port, path, timeout=60):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, json.loads(r.read())
    finally:
        c.close()


def in_flight(port, path):
    """Start a request in a thread; wait until the server counts it in flight."""
    result = {}

    def run():
        try:
            result["status"], result["body"] = get(port, path)
        except Exception as e:  # noqa: BLE001 - reported by the assertion
            result["error"] = e

    t = threading.Thread(target=run)
    t.start()
    deadline = time.monotonic() + 10
    while get(port, "/_debug/inflight")[1]["inflight"] < 1:
        assert time.monotonic() < deadline, "slow request never started"
        time.sleep(0.02)
    return t, result


def refuses(port, within=5.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except ConnectionRefusedError:
            return True
        time.sleep(0.05)
    return False


def test_sigterm_finishes_in_flight_request_and_exits_0(server):
    # A graceful timeout far above the request's 2 s: an exit well before it shows the
    # server stopped once the request finished, with room for a loaded machine.
    proc, port = server(GRACEFUL_TIMEOUT="120")
    t, result = in_flight(port, "/_debug/sleep?seconds=2")
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert refuses(port), "server still accepts connections after SIGTERM"
    t.join(30)
    assert result.get("status") == 200, result
    assert result["body"] == {"slept": 2.0}
    assert proc.wait(90) == 0
    assert time.monotonic() - sent < 60
    out = proc.output()
    assert "Shutting down" in out and "Finished server process" in out


def test_sigterm_with_idle_server_exits_0_quickly(server):
    # Idle, the server must not wait out its graceful timeout (120 s here) at all.
    proc, port = server(GRACEFUL_TIMEOUT="120")
    get(port, "/health")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 0


def test_shutdown_deadline_bounds_the_wait(server):
    """A request longer than GRACEFUL_TIMEOUT is cut at the deadline; the process still exits 0 in time."""
    proc, port = server(GRACEFUL_TIMEOUT="1")
    t, result = in_flight(port, "/_debug/sleep?seconds=60")
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    # Well under the request's 60 s: cut at the deadline, with room for a loaded machine.
    assert proc.wait(50) == 0
    assert time.monotonic() - start < 40
    t.join(10)
    assert "status" not in result  # the connection was closed, not answered


def test_healthcheck_command(server):
    _, port = server()
    env = dict(os.environ, PORT=str(port), PYTHONDONTWRITEBYTECODE="1")
    ok = subprocess.run([sys.executable, "-m", "app.healthcheck"], cwd=BACKEND, env=env, capture_output=True, timeout=30)
    assert ok.returncode == 0, ok.stderr
    env["PORT"] = str(free_port())
    down = subprocess.run(
        [sys.executable, "-m", "app.healthcheck"], cwd=BACKEND, env=env, capture_output=True, text=True, timeout=30
    )
    assert down.returncode == 1 and "unhealthy" in down.stderr


def test_startup_log_names_version_and_model(server):
    proc, _ = server(APP_VERSION="v-log")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0
    out = proc.output()
    assert "app: ready: version=v-log" in out and "breast-cancer-logreg" in out


def test_stop_signal_during_startup_is_not_lost(tmp_path):
    """A SIGTERM that lands while the app is importing is acted on once the server is up."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "APP_"))}
    env.update(
        {
            "AWS_REGION": "us-east-1",
            "S3_FILES_BUCKET": "f",
            "S3_DATA_BUCKET": "d",
            "PORT": str(port),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    code = (
        "import os, signal, sys\n"
        "import app.__main__ as m\n"
        "os.kill(os.getpid(), signal.SIGTERM)  # caught by the early handler, not fatal\n"
        "sys.exit(m.main())\n"
    )
    # A lost signal leaves the server running until the timeout below fails the test.
    p = subprocess.run([sys.executable, "-c", code], cwd=BACKEND, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "stop signal received during startup" in p.stderr and "Finished server process" in p.stderr
    assert "Application shutdown complete" in p.stderr and "Traceback" not in p.stderr
