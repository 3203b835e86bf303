"""`make test` fails (never skips) with a hint when a prerequisite is missing."""

import os
import shutil
import subprocess
import sys

from tests.conftest import BACKEND

MAKE = shutil.which("make") or "make"


def run(*args, env=None):
    return subprocess.run(
        [MAKE, "-s", "-C", BACKEND, *list(args)], capture_output=True, text=True, timeout=60, env=env or dict(os.environ)
    )


def test_missing_venv_fails_with_hint(tmp_path):
    p = run("check-prereqs", "VENV=%s" % (tmp_path / "none"))
    assert p.returncode != 0 and "Run: make -C backend deps" in p.stderr


def test_stale_venv_fails_with_hint(tmp_path):
    """A venv built from other locks (stamp differs) is refused, not used."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    os.symlink(sys.executable, venv / "bin" / "python")
    (venv / ".lock-sha256").write_text("0" * 64 + "-3.11.0\n")
    p = run("check-prereqs", f"VENV={venv}")
    assert p.returncode != 0 and "older than the locks" in p.stderr


def test_missing_python311_fails_with_hint():
    p = run("check-prereqs", "PYTHON=")
    assert p.returncode != 0 and "python3.11 not found" in p.stderr
