"""`make test` fails (never skips) with a hint when a prerequisite is missing."""
import os
import shutil
import subprocess

from tests.conftest import BACKEND

MAKE = shutil.which("make") or "make"


def run(*args, env=None):
    return subprocess.run([MAKE, "-s", "-C", BACKEND] + list(args), capture_output=True, text=True, timeout=60,
                          env=env or dict(os.environ))


def test_missing_python_packages_fail_with_hint():
    p = run("check-prereqs", "PY=/bin/false")
    assert p.returncode != 0 and "make -C backend deps" in p.stderr


def test_missing_moto_fails_with_hint():
    env = {k: v for k, v in os.environ.items() if k != "MOTO_SERVER"}
    env["PATH"] = "/usr/bin:/bin"
    p = run("check-prereqs", env=env)
    assert p.returncode != 0 and "moto_server not on PATH" in p.stderr
