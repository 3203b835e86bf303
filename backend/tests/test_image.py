"""What the image promises, checked without a container engine: pins, user, layout, slim serving path."""
import os
import re
import shutil
import subprocess
import sys

from tests.conftest import BACKEND


def read(name):
    with open(os.path.join(BACKEND, name)) as f:
        return f.read()


def test_dockerfile():
    d = read("Dockerfile")
    froms = re.findall(r"^FROM (\S+)(?: AS (\w+))?", d, re.M)
    assert len(froms) >= 2, "multi-stage"
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)", d, re.M).group(1)
    assert re.fullmatch(r"python:3\.12-slim-bookworm@sha256:[0-9a-f]{64}", base)
    assert all(f == "${PYTHON_IMAGE}" for f, _ in froms)
    final = d[d.rindex("\nFROM "):]
    assert "USER 10001:10001" in final and "--uid 10001" in final
    assert "PYTHONDONTWRITEBYTECODE=1" in final and "PYTHONUNBUFFERED=1" in final
    assert "EXPOSE 8000" in final and 'CMD ["python", "-m", "app"]' in final
    assert not re.search(r"apt-get|gcc|build-essential|pip install", final), "no build tools in the final stage"
    assert "--only-binary=:all:" in d


def test_requirements_are_exact_pins():
    pins = {}
    for line in read("requirements.txt").splitlines():
        line = line.split("#")[0].strip()
        if line:
            m = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\d+(?:\.\d+)+)", line)
            assert m, "not an exact pin: %r" % line
            pins[m.group(1).lower()] = m.group(2)
    assert {"fastapi", "pydantic", "uvicorn", "boto3", "python-multipart"} <= set(pins)
    assert pins["pydantic"].startswith("2."), "production runs Pydantic 2"
    assert "scikit-learn" not in pins and "numpy" not in pins


def test_dockerignore_sends_only_what_the_image_needs():
    lines = [l.strip() for l in read(".dockerignore").splitlines() if l.strip() and not l.startswith("#")]
    assert lines[0] == "*" and {"!app", "!model", "!requirements.txt"} <= set(lines)


def test_serving_copy_runs_without_training_libraries_or_writes(tmp_path):
    """Only what the image copies (app/, model/), started outside the repo: no sklearn/numpy, nothing written."""
    root = tmp_path / "image"
    shutil.copytree(os.path.join(BACKEND, "app"), root / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(os.path.join(BACKEND, "model"), root / "model")
    before = sorted(str(p) for p in root.rglob("*"))
    code = (
        "import sys\n"
        "from fastapi.testclient import TestClient\n"
        "from app.main import app\n"
        "with TestClient(app) as c:\n"
        "    r = c.get('/health'); assert r.status_code == 200, r.text\n"
        "    assert r.json()['version'] == 'img-1', r.text\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'numpy', 'scipy', 'train'))\n"
        "assert not bad, bad\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "APP_"))}
    env.update({"AWS_REGION": "us-east-1", "S3_FILES_BUCKET": "f", "S3_DATA_BUCKET": "d", "APP_VERSION": "img-1",
                "PYTHONDONTWRITEBYTECODE": "1"})
    p = subprocess.run([sys.executable, "-c", code], cwd=str(root), env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert sorted(str(p) for p in root.rglob("*")) == before
