"""Shared fixtures: moto in server mode (real HTTP), per-test buckets, the app under TestClient."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import boto3
import pytest
from fastapi.testclient import TestClient

BACKEND = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Never touch real AWS or the developer's profile.
for _k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
    os.environ.pop(_k, None)
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
)


def versions_under_test():
    from importlib.metadata import version

    pkgs = ("fastapi", "pydantic", "pydantic-core", "starlette", "uvicorn", "boto3", "python-multipart")
    return "backend versions: python %s, %s (%s)" % (
        sys.version.split()[0],
        ", ".join("%s %s" % (p, version(p)) for p in pkgs),
        sys.executable,
    )


def pytest_sessionstart(session):
    """The versions under test, first thing in the run (also with -q): they must be the production lock's."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(versions_under_test())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, proc=None) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status < 500:
                    return
        except Exception as e:  # noqa: BLE001 - keep polling
            last = e
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s: {last}")


@pytest.fixture(scope="session")
def moto_url(tmp_path_factory):
    """moto_server on a free loopback port for the whole session, stopped by PID at the end."""
    # The dev lock's moto, beside this interpreter in backend/.venv; MOTO_SERVER overrides it.
    exe = os.environ.get("MOTO_SERVER") or shutil.which("moto_server", path=os.path.dirname(sys.executable))
    if not exe:
        pytest.fail(
            f"moto_server not found beside {sys.executable}: run make -C backend deps (or set MOTO_SERVER=/path/to/moto_server)",
            pytrace=False,
        )
    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto_server.log", "wb")
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = "http://127.0.0.1:%d" % port
    try:
        wait_http(url + "/moto-api/", 30, proc)
    except RuntimeError as e:
        proc.kill()
        proc.wait()
        pytest.fail(f"moto_server did not start: {e} (log: {log.name})", pytrace=False)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@pytest.fixture()
def s3(moto_url):
    return boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")


@pytest.fixture()
def buckets(s3):
    """A fresh (files, data) bucket pair for one test."""
    suffix = uuid.uuid4().hex[:12]
    files, data = "files-" + suffix, "data-" + suffix
    s3.create_bucket(Bucket=files)
    s3.create_bucket(Bucket=data)
    return files, data


@pytest.fixture()
def settings(moto_url, buckets):
    from app.core.config import Settings

    return Settings(
        aws_region="us-east-1",
        s3_files_bucket=buckets[0],
        s3_data_bucket=buckets[1],
        app_env="test",
        app_version="1.2.3-test",
        aws_endpoint_url=moto_url,
    )


def make_client(settings):
    from app.core.config import get_settings
    from app.main import create_app

    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    return TestClient(app)


@pytest.fixture()
def client(settings):
    with make_client(settings) as c:
        yield c


@pytest.fixture(scope="session")
def model():
    from app.services.model import Model

    return Model.load()


@pytest.fixture(scope="session")
def heldout():
    """(features, X_test, y_test) from the training script's fixed split."""
    sys.path.insert(0, BACKEND)
    import train

    features, _, _, X_test, _, y_test = train.load_split()
    return features, X_test, y_test


@pytest.fixture(scope="session")
def records(heldout):
    features, X_test, _ = heldout
    return [dict(zip(features, (float(v) for v in row))) for row in X_test]


def csv_bytes(features, records, ids=True) -> bytes:
    cols = (["id"] if ids else []) + list(features)
    lines = [",".join(cols)]
    for i, r in enumerate(records):
        lines.append(",".join(([("r%d" % i)] if ids else []) + [repr(r[f]) for f in features]))
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture()
def server(tmp_path):
    """Start `python3 -m app` on a free port (debug routes on); every server is killed at test end.

    Output goes to a file (a pipe nobody reads could fill and stall the server); proc.output() reads it.
    """
    procs = []

    def start(**env):
        port = free_port()
        full = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "APP_"))}
        full.update(
            {
                "AWS_REGION": "us-east-1",
                "S3_FILES_BUCKET": "f",
                "S3_DATA_BUCKET": "d",
                "APP_ENV": "test",
                "APP_DEBUG_ROUTES": "1",
                "PORT": str(port),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        full.update(env)
        log = tmp_path / ("server-%d.log" % port)
        with open(log, "wb") as out:
            p = subprocess.Popen([sys.executable, "-m", "app"], cwd=BACKEND, env=full, stdout=out, stderr=subprocess.STDOUT)
        p.output = log.read_text
        procs.append(p)
        wait_http("http://127.0.0.1:%d/health" % port, 20, p)
        return p, port

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait()
