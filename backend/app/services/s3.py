"""S3 access for the files and data buckets, with failures mapped to 502/503.

The client is created on first use (never at import time) and shared by the
worker threads (boto3 clients are thread-safe). boto3 itself is imported then
too: it is a third of the import time, and /health must answer fast after a
cold start; Storage.warm() does it in the background right after startup.
Every write is a single PutObject, which S3 applies atomically: readers see
the whole object or none.
"""
import json
import logging
import threading
from typing import Dict, Optional

from app.core.config import Settings

log = logging.getLogger("app.s3")

_UNAVAILABLE_CODES = {"SlowDown", "ServiceUnavailable", "RequestTimeout", "InternalError", "RequestTimeTooSkewed"}
_NOT_FOUND_CODES = {"NoSuchKey", "404", "NotFound"}


class StorageError(Exception):
    """S3 failed; status_code is 503 when retrying later may help, 502 otherwise (409: object changed)."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def _boto_errors():
    """(every boto error class we handle, the exceptions module), imported on first use."""
    from botocore import exceptions as x

    return (x.BotoCoreError, x.ClientError), x


def _map(op: str, bucket: str, key: str, e: Exception) -> StorageError:
    _, x = _boto_errors()
    where = "s3://%s/%s" % (bucket, key) if key else "s3://%s" % bucket
    if isinstance(e, (x.EndpointConnectionError, x.ConnectTimeoutError, x.ReadTimeoutError, x.ConnectionClosedError)):
        return StorageError(503, "storage unavailable: %s %s: %s" % (op, where, type(e).__name__))
    if isinstance(e, x.NoCredentialsError):
        return StorageError(502, "storage error: %s %s: no AWS credentials" % (op, where))
    if isinstance(e, x.ClientError):
        err = e.response.get("Error", {})
        code = str(err.get("Code", "Unknown"))
        status = int(e.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if code in _UNAVAILABLE_CODES or status >= 500:
            return StorageError(503, "storage unavailable: %s %s: %s" % (op, where, code))
        return StorageError(502, "storage error: %s %s: %s" % (op, where, code))
    return StorageError(502, "storage error: %s %s: %s" % (op, where, type(e).__name__))


def _not_found(e: Exception) -> bool:
    if not hasattr(e, "response"):
        return False
    code = str(e.response.get("Error", {}).get("Code", ""))
    status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    # A missing bucket is a configuration fault (502), not a missing object.
    return code in _NOT_FOUND_CODES or (status == 404 and code != "NoSuchBucket")


class Storage:
    def __init__(self, settings: Settings):
        self._settings = settings
        self._client = None
        self._lock = threading.Lock()

    @property
    def client(self):
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
        def run():
            try:
                self.client
            except Exception as e:  # noqa: BLE001 - the first real request reports it
                log.warning("S3 client warm-up failed: %s", e)

        threading.Thread(target=run, name="s3-warm", daemon=True).start()

    def put(self, bucket: str, key: str, body: bytes, content_type: str, metadata: Optional[Dict[str, str]] = None) -> str:
        """Write one object atomically; return its ETag (without quotes)."""
        try:
            r = self.client.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type, Metadata=metadata or {})
        except _boto_errors()[0] as e:
            raise _map("PutObject", bucket, key, e) from e
        return str(r.get("ETag", "")).strip('"')

    def head(self, bucket: str, key: str) -> Optional[Dict]:
        """Object metadata ({etag, size, metadata}) or None when the object does not exist."""
        try:
            r = self.client.head_object(Bucket=bucket, Key=key)
        except _boto_errors()[0] as e:
            if _not_found(e):
                return None
            raise _map("HeadObject", bucket, key, e) from e
        return {"etag": str(r.get("ETag", "")).strip('"'), "size": int(r.get("ContentLength", 0)), "metadata": r.get("Metadata", {})}

    def get(self, bucket: str, key: str, if_match: Optional[str] = None) -> Optional[bytes]:
        """Object body or None when the object does not exist.

        With if_match, the object must still have that ETag (else 409: it changed under us).
        """
        kw = {"IfMatch": '"%s"' % if_match} if if_match else {}
        try:
            r = self.client.get_object(Bucket=bucket, Key=key, **kw)
            return r["Body"].read()
        except _boto_errors()[0] as e:
            if _not_found(e):
                return None
            if hasattr(e, "response") and e.response.get("Error", {}).get("Code") == "PreconditionFailed":
                raise StorageError(409, "s3://%s/%s changed while the job was starting; retry" % (bucket, key)) from e
            raise _map("GetObject", bucket, key, e) from e

    def get_json(self, bucket: str, key: str) -> Optional[Dict]:
        raw = self.get(bucket, key)
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError as e:
            raise StorageError(502, "storage error: s3://%s/%s is not valid JSON" % (bucket, key)) from e
