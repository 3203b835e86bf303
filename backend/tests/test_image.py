"""What the image promises, checked without a container engine: pins, user, layout, slim serving path."""

import os
import re
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
    # The image's Python minor version is the one the tests run on.
    minor = "%d.%d" % sys.version_info[:2]
    assert re.fullmatch(rf"python:{re.escape(minor)}-slim-\w+@sha256:[0-9a-f]{{64}}", base), (base, minor)
    assert all(f == "${PYTHON_IMAGE}" for f, _ in froms)
    final = d[d.rindex("\nFROM ") :]
    assert "USER 10001:10001" in final and "--uid 10001" in final
    assert "PYTHONDONTWRITEBYTECODE=1" in final and "PYTHONUNBUFFERED=1" in final
    assert "EXPOSE 8000" in final and 'CMD ["python", "-m", "app"]' in final
    assert not re.search(r"apt-get|gcc|build-essential|pip install", final), "no build tools in the final stage"
    install = re.search(r"pip install ([^\n]*)", d).group(1)
    assert "--require-hashes" in install and "--only-binary=:all:" in install and "-r /tmp/requirements.txt" in install
    assert "COPY requirements.txt /tmp/requirements.txt" in d


def lock(name):
    """{package: (version, [hashes])} of a hash-locked requirements file."""
    pins = {}
    for entry in re.sub(r"\\\n\s*", " ", read(name)).splitlines():
        entry = " ".join(entry.split("#")[0].split())
        if not entry or entry.startswith("-"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\[\],-]+)==(\S+)((?: --hash=sha256:[0-9a-f]{64})+)", entry)
        assert m, f"{name}: not an exact pin with hashes: {entry!r}"
        pins[m.group(1).split("[")[0].lower()] = (m.group(2), m.group(3).split())
    return pins


def test_production_lock_is_exact_and_hashed():
    pins = lock("requirements.txt")
    assert {"fastapi", "pydantic", "pydantic-core", "starlette", "uvicorn", "boto3", "python-multipart"} <= set(pins)
    assert pins["pydantic"][0].startswith("2."), "production runs Pydantic 2"
    assert not {"scikit-learn", "numpy", "scipy", "pytest", "moto"} & set(pins), "training and test tools stay out of the image"
    train, dev = lock("requirements-train.txt"), lock("requirements-dev.txt")
    assert {"scikit-learn", "numpy"} <= set(train) and {"pytest", "hypothesis", "schemathesis", "ruff", "mypy"} <= set(dev)
    for name, other in (("train", train), ("dev", dev)):
        for pkg in set(pins) & set(other):
            assert other[pkg][0] == pins[pkg][0], f"{name} lock pins {pkg} {other[pkg][0]}, production {pins[pkg][0]}"


def test_tests_run_on_the_production_pins():
    """Every production package is installed here at exactly the version the image installs."""
    from importlib.metadata import version

    for pkg, (want, _) in lock("requirements.txt").items():
        assert version(pkg) == want, f"{pkg} {version(pkg)} installed, lock says {want}: run make -C backend deps"


def test_image_install_command_installs_the_lock(tmp_path):
    """The Dockerfile's install, on this Python: every wheel exists, every hash matches, nothing is missing.

    Run with uv (same flags: hashes required, wheels only, no dependency outside the file, then a
    dependency check) because pip takes half a minute here; the image runs pip with these flags.
    """
    install = re.search(r"pip install ([^\n\\]*)", read("Dockerfile")).group(1).split()
    assert {"--require-hashes", "--only-binary=:all:", "--no-deps"} <= set(install)
    uv = os.path.join(BACKEND, ".tools", "bin", "uv")
    venv = str(tmp_path / "venv")
    run = lambda *a: subprocess.run(
        [uv, *a],
        cwd=BACKEND,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, UV_PYTHON_DOWNLOADS="never"),
    )
    p = run("venv", "-q", "--python", sys.executable, venv)
    assert p.returncode == 0, p.stderr
    p = run(
        "pip",
        "install",
        "-q",
        "--python",
        venv + "/bin/python",
        "--require-hashes",
        "--only-binary",
        ":all:",
        "--no-deps",
        "-r",
        "requirements.txt",
    )
    assert p.returncode == 0, p.stderr[-3000:]
    p = run("pip", "check", "--python", venv + "/bin/python")
    assert p.returncode == 0, p.stdout + p.stderr
