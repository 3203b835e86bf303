import os
import subprocess
import sys

import pytest

from app.core.config import ConfigError, Settings, get_settings
from tests.conftest import BACKEND

BASE = {"AWS_REGION": "eu-west-1", "S3_FILES_BUCKET": "files", "S3_DATA_BUCKET": "data"}


def test_defaults():
    s = Settings.from_env(BASE)
    assert (s.aws_region, s.s3_files_bucket, s.s3_data_bucket) == ("eu-west-1", "files", "data")
    assert (s.app_env, s.app_version, s.aws_endpoint_url, s.port) == ("dev", "dev", None, 8000)
    assert s.max_batch == 1000 and s.max_upload_bytes == 5 * 1024 * 1024 and not s.debug_routes
    assert s.access_log


def test_all_variables():
    s = Settings.from_env(
        dict(
            BASE,
            APP_ENV="prod",
            APP_VERSION="abc123",
            AWS_ENDPOINT_URL="http://127.0.0.1:5000",
            PORT="9000",
            PREDICT_MAX_BATCH="10",
            MAX_UPLOAD_BYTES="2048",
            APP_DEBUG_ROUTES="1",
            ACCESS_LOG="false",
        )
    )
    assert not s.access_log
    assert (s.app_env, s.app_version, s.aws_endpoint_url, s.port, s.max_batch, s.max_upload_bytes, s.debug_routes) == (
        "prod",
        "abc123",
        "http://127.0.0.1:5000",
        9000,
        10,
        2048,
        True,
    )


@pytest.mark.parametrize("name", ["AWS_REGION", "S3_FILES_BUCKET", "S3_DATA_BUCKET"])
def test_missing_required_variable_is_named(name):
    env = dict(BASE)
    env[name] = "  " if name == "AWS_REGION" else ""
    with pytest.raises(ConfigError, match=f"missing required environment variable: {name}$"):
        Settings.from_env(env)
    del env[name]
    with pytest.raises(ConfigError, match=name):
        Settings.from_env(env)


def test_several_missing_are_all_named():
    with pytest.raises(ConfigError, match="variables: AWS_REGION, S3_FILES_BUCKET, S3_DATA_BUCKET"):
        Settings.from_env({})


@pytest.mark.parametrize(
    "env, msg",
    [
        ({"PORT": "http"}, "PORT must be an integer"),
        ({"PORT": "70000"}, "PORT must be between"),
        ({"APP_ENV": "QA_nope"}, "APP_ENV must be an environment name"),
        ({"APP_ENV": "qa-nope-far-too-long-a-name"}, "APP_ENV must be an environment name"),
    ],
)
def test_invalid_values_are_named(env, msg):
    with pytest.raises(ConfigError, match=msg):
        Settings.from_env(dict(BASE, **env))


def test_get_settings_is_cached(monkeypatch):
    for k, v in BASE.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()
    try:
        assert get_settings() is get_settings()
    finally:
        get_settings.cache_clear()


def _env_without(name):
    env = {k: v for k, v in os.environ.items() if k not in BASE}
    env.update(BASE)
    env.pop(name)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def test_python_m_app_fails_at_start_naming_the_variable():
    p = subprocess.run(
        [sys.executable, "-m", "app"], cwd=BACKEND, env=_env_without("S3_DATA_BUCKET"), capture_output=True, text=True, timeout=30
    )
    assert p.returncode == 2
    assert "missing required environment variable: S3_DATA_BUCKET" in p.stderr


def test_uvicorn_startup_fails_naming_the_variable():
    p = subprocess.run(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", "0"],
        cwd=BACKEND,
        env=_env_without("S3_FILES_BUCKET"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert p.returncode != 0
    assert "missing required environment variable: S3_FILES_BUCKET" in p.stderr


def test_any_environment_name_is_accepted():
    # A new environment is one file under infra/envs: the backend needs no edit.
    assert Settings.from_env(dict(BASE, APP_ENV="staging")).app_env == "staging"


@pytest.mark.parametrize("raw", ["yes", "0", "False"])
def test_access_log_must_be_true_or_false(raw):
    with pytest.raises(ConfigError, match=f"ACCESS_LOG must be true or false, got '{raw}'"):
        Settings.from_env(dict(BASE, ACCESS_LOG=raw))
