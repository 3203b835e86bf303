"""S3 access for the files and data buckets, with failures mapped to 502/503.

The client is created on first use (never at import time) and shared by the
worker threads (boto3 clients are thread-safe). boto3 itself is imported then
too: it is a third of the import time, and /health must answer fast after a
cold start; Storage.warm() does it in the background right after startup.
Every write is a single PutObject, which S3 applies atomically: readers see
the whole object or none.

Messages name the bucket by its role ("files bucket", "data bucket"), never by
name: bucket names carry the account ID, and messages reach clients. The log
line of a failure has the name.
"""

import json
import logging
import threading
from typing import TYPE_CHECKING, Any

from app.core.config import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

log = logging.getLogger("app.s3")

_UNAVAILABLE_CODES = {"SlowDown", "ServiceUnavailable", "RequestTimeout", "InternalError", "RequestTimeTooSkewed"}
_NOT_FOUND_CODES = {"NoSuchKey", "404", "NotFound"}


class StorageError(Exception):
    """S3 failed; status_code is 503 when retrying later may help, 502 otherwise (409: object changed)."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def _boto_errors() -> tuple[tuple[type[Exception], ...], Any]:
    """(every boto error class we handle, the exceptions module), imported on first use."""
    from botocore import exceptions as x

    return (x.BotoCoreError, x.ClientError), x


def _code(e: Exception) -> str:
    response = getattr(e, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _map(op: str, where: str, e: Exception) -> StorageError:
    _, x = _boto_errors()
    if isinstance(e, x.EndpointConnectionError | x.ConnectTimeoutError | x.ReadTimeoutError | x.ConnectionClosedError):
        return StorageError(503, f"storage unavailable: {op} {where}: {type(e).__name__}")
    if isinstance(e, x.NoCredentialsError):
        return StorageError(502, f"storage error: {op} {where}: no AWS credentials")
    if isinstance(e, x.ClientError):
        code = _code(e) or "Unknown"
        status = int(e.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if code in _UNAVAILABLE_CODES or status >= 500:
            return StorageError(503, f"storage unavailable: {op} {where}: {code}")
        return StorageError(502, f"storage error: {op} {where}: {code}")
    return StorageError(502, f"storage error: {op} {where}: {type(e).__name__}")


def _not_found(e: Exception) -> bool:
    response = getattr(e, "response", None)
    if not response:
        return False
    code = _code(e)
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    # A missing bucket is a configuration fault (502), not a missing object.
    return code in _NOT_FOUND_CODES or (status == 404 and code != "NoSuchBucket")


class Storage:
    def __init__(self, settings: Settings):
        self._settings = settings
        self._client: S3Client | None = None
        self._lock = threading.Lock()
        self._roles = {settings.s3_files_bucket: "files bucket", settings.s3_data_bucket: "data bucket"}

    def where(self, bucket: str, key: str) -> str:
        """An object as clients may see it: the bucket's role and the key, not the bucket's name."""
        return f"{self._roles.get(bucket, 'bucket')} {key}"

    def _fail(self, op: str, bucket: str, key: str, e: Exception) -> StorageError:
        err = _map(op, self.where(bucket, key), e)
        log.warning("%s s3://%s/%s: %s", op, bucket, key, e)
        return err

    @property
    def client(self) -> "S3Client":
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import boto3
                    from botocore.config import Config

                    s = self._settings
                    cfg = Config(
                        region_name=s.aws_region,
                        connect_timeout=3,
                        read_timeout=20,
                        retries={"max_attempts": 3, "mode": "standard"},
                        s3={"addressing_style": "path"} if s.aws_endpoint_url else {},
                    )
                    self._client = boto3.session.Session().client("s3", endpoint_url=s.aws_endpoint_url, config=cfg)
        return self._client

    def warm(self) -> None:
        """Create the client in a background thread, so the first S3 request does not pay for it."""

        def run() -> None:
            try:
                self.client  # noqa: B018 - the property creates the client
            except Exception as e:  # noqa: BLE001 - the first real request reports it
                log.warning("S3 client warm-up failed: %s", e)

        threading.Thread(target=run, name="s3-warm", daemon=True).start()

    def put(self, bucket: str, key: str, body: bytes, content_type: str, metadata: dict[str, str] | None = None) -> str:
        """Write one object atomically; return its ETag (without quotes)."""
        try:
            r = self.client.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type, Metadata=metadata or {})
        except _boto_errors()[0] as e:
            raise self._fail("PutObject", bucket, key, e) from e
        return str(r.get("ETag", "")).strip('"')

    def head(self, bucket: str, key: str) -> dict[str, Any] | None:
        """Object metadata ({etag, size, metadata}) or None when the object does not exist."""
        try:
            r = self.client.head_object(Bucket=bucket, Key=key)
        except _boto_errors()[0] as e:
            if _not_found(e):
                return None
            raise self._fail("HeadObject", bucket, key, e) from e
        return {
            "etag": str(r.get("ETag", "")).strip('"'),
            "size": int(r.get("ContentLength", 0)),
            "metadata": r.get("Metadata", {}),
        }

    def get(self, bucket: str, key: str, if_match: str | None = None) -> bytes | None:
        """Object body or None when the object does not exist.

        With if_match, the object must still have that ETag (else 409: it changed under us).
        """
        try:
            if if_match:
                r = self.client.get_object(Bucket=bucket, Key=key, IfMatch=f'"{if_match}"')
            else:
                r = self.client.get_object(Bucket=bucket, Key=key)
            return r["Body"].read()
        except _boto_errors()[0] as e:
            if _not_found(e):
                return None
            if _code(e) == "PreconditionFailed":
                raise StorageError(409, f"{self.where(bucket, key)} changed while the job was starting; retry") from e
            raise self._fail("GetObject", bucket, key, e) from e

    def get_json(self, bucket: str, key: str) -> dict[str, Any] | None:
        raw = self.get(bucket, key)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError) as e:
            raise StorageError(502, f"storage error: {self.where(bucket, key)} is not valid JSON") from e
        if not isinstance(value, dict):
            raise StorageError(502, f"storage error: {self.where(bucket, key)} is not a JSON object")
        return value
