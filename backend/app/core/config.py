"""Settings read from the environment.

Exactly the variables the infrastructure's `backend_environment_variables`
output provides (AWS_REGION, S3_FILES_BUCKET, S3_DATA_BUCKET, APP_ENV), plus
APP_VERSION (set by the rollout), AWS_ENDPOINT_URL (emulator) and PORT.
A plain dataclass, not pydantic's BaseSettings, so the same code runs on
Pydantic 1 and 2.
"""

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from app.services.model import DEFAULT_MODEL_PATH


class ConfigError(Exception):
    """A required variable is missing or a value is invalid; the message names the variable."""


REQUIRED = ("AWS_REGION", "S3_FILES_BUCKET", "S3_DATA_BUCKET")
# The environments are infra/envs/<name>.tfvars, which Terraform checks before it sets
# APP_ENV; the backend checks only the shape, so a new environment needs no edit here.
APP_ENV_RE = re.compile(r"[a-z][a-z0-9-]{0,15}")


@dataclass(frozen=True)
class Settings:
    aws_region: str
    s3_files_bucket: str
    s3_data_bucket: str
    app_env: str = "dev"
    app_version: str = "dev"
    aws_endpoint_url: str | None = None
    port: int = 8000
    model_path: str = DEFAULT_MODEL_PATH
    # Limits (documented in README.md).
    max_upload_bytes: int = 5 * 1024 * 1024
    max_body_bytes: int = 1024 * 1024
    max_batch: int = 1000
    max_file_rows: int = 50000
    graceful_timeout: float = 25.0
    # Only for tests and the benchmark: mounts /_debug/* (constant, sleep).
    debug_routes: bool = False
    # One line per request; the environment's tfvars decide (access_log, as ACCESS_LOG).
    access_log: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        missing = [k for k in REQUIRED if not env.get(k, "").strip()]
        if missing:
            raise ConfigError(
                "missing required environment variable{}: {}".format("s" if len(missing) > 1 else "", ", ".join(missing))
            )
        app_env = env.get("APP_ENV", "").strip() or "dev"
        if not APP_ENV_RE.fullmatch(app_env):
            raise ConfigError(
                "APP_ENV must be an environment name (1-16 lowercase letters, digits or hyphens, "
                f"as infra/envs/<name>.tfvars), got {app_env!r}"
            )
        return cls(
            aws_region=env["AWS_REGION"].strip(),
            s3_files_bucket=env["S3_FILES_BUCKET"].strip(),
            s3_data_bucket=env["S3_DATA_BUCKET"].strip(),
            app_env=app_env,
            app_version=env.get("APP_VERSION", "").strip() or "dev",
            aws_endpoint_url=env.get("AWS_ENDPOINT_URL", "").strip() or None,
            port=_int(env, "PORT", 8000, 1, 65535),
            model_path=env.get("MODEL_PATH", "").strip() or DEFAULT_MODEL_PATH,
            max_upload_bytes=_int(env, "MAX_UPLOAD_BYTES", 5 * 1024 * 1024, 1024, 1 << 30),
            max_body_bytes=_int(env, "MAX_BODY_BYTES", 1024 * 1024, 1024, 1 << 30),
            max_batch=_int(env, "PREDICT_MAX_BATCH", 1000, 1, 100000),
            max_file_rows=_int(env, "MAX_FILE_ROWS", 50000, 1, 10000000),
            graceful_timeout=float(_int(env, "GRACEFUL_TIMEOUT", 25, 0, 3600)),
            debug_routes=env.get("APP_DEBUG_ROUTES", "").strip() == "1",
            access_log=_bool(env, "ACCESS_LOG", True),
        )


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if raw not in ("true", "false"):
        raise ConfigError(f"{name} must be true or false, got {raw!r}")
    return raw == "true"


def _int(env: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        v = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if not lo <= v <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}, got {v}")
    return v


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once; tests override this dependency."""
    return Settings.from_env()
