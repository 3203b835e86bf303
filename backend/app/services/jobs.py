"""Batch prediction over an uploaded file, idempotent and safe to re-run.

The job id is derived from the input (bucket, key, ETag) and the model checksum,
so a retry of the same file with the same model is the same job. Output goes to
the data bucket in two single-object writes: results/<id>.csv first, then the
job record jobs/<id>.json, which is the commit point. GET /jobs/<id> reads only
the record, so a reader sees a finished job or none; a job interrupted between
the writes (SIGTERM, S3 failure) is simply run again by the next POST and
rewrites the same deterministic result.

A job reads only files this API stored: the key must be one POST /files makes
(uploads/<sha256>.csv), the object must carry the sha256 metadata POST /files
writes, and the content must hash to the key. Anything else in the files bucket
is "not found".
"""

import hashlib
import json
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from app.core.config import Settings
from app.services import csvfile
from app.services.model import Model, ScoreError
from app.services.s3 import Storage

JOB_ID_RE = re.compile(r"^[0-9a-f]{32}$")
UPLOAD_KEY_PATTERN = r"^uploads/[0-9a-f]{64}\.csv$"
_UPLOAD_KEY_RE = re.compile(UPLOAD_KEY_PATTERN)


class JobInputError(Exception):
    """The job cannot run on this input; status_code is 404 (no such file) or 422."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def upload_key(digest: str) -> str:
    """The key POST /files stores a file under: its content's sha256."""
    return f"uploads/{digest}.csv"


def job_id(bucket: str, key: str, etag: str, model_checksum: str) -> str:
    blob = "\n".join(["predictor-job-v1", bucket, key, etag, model_checksum]).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:32]


def record_key(jid: str) -> str:
    return f"jobs/{jid}.json"


def result_key(jid: str) -> str:
    return f"results/{jid}.csv"


def get(storage: Storage, settings: Settings, jid: str) -> dict[str, Any] | None:
    if not JOB_ID_RE.match(jid):
        return None
    return storage.get_json(settings.s3_data_bucket, record_key(jid))


def run(storage: Storage, settings: Settings, model: Model, file_key: str) -> tuple[dict[str, Any], bool]:
    """Run (or find) the job for file_key; returns (record, created)."""
    if not _UPLOAD_KEY_RE.match(file_key):
        raise JobInputError(422, "file_key must be a key returned by POST /files: uploads/<sha256>.csv")
    digest = file_key[len("uploads/") : -len(".csv")]
    not_found = JobInputError(404, f"file not found: {file_key}")
    head = storage.head(settings.s3_files_bucket, file_key)
    if head is None or head["metadata"].get("sha256") != digest:
        raise not_found  # absent, or not written by POST /files
    jid = job_id(settings.s3_files_bucket, file_key, head["etag"], model.checksum)
    done = storage.get_json(settings.s3_data_bucket, record_key(jid))
    if done is not None and done.get("status") == "succeeded":
        return done, False
    if head["size"] > settings.max_upload_bytes:
        raise JobInputError(422, f"file is {head['size']} bytes, the limit is {settings.max_upload_bytes}")
    data = storage.get(settings.s3_files_bucket, file_key, if_match=head["etag"])
    if data is None:
        raise not_found
    if hashlib.sha256(data).hexdigest() != digest:
        raise JobInputError(422, f"file {file_key} does not hash to its key: it was not stored by POST /files")
    try:
        ids, rows = csvfile.parse(data, model.features, settings.max_file_rows)
    except csvfile.CsvError as e:
        raise JobInputError(422, f"file is not a valid input CSV: {e}") from None
    try:
        predictions = model.predict_rows(rows)
    except ScoreError as e:
        raise JobInputError(
            422, f"file is not a valid input CSV: data row {e.index + 1}: values are too large to score"
        ) from None
    out = csvfile.results(ids, predictions, model.classes)
    meta = {"job-id": jid, "model-checksum": model.checksum, "source-etag": head["etag"]}
    storage.put(settings.s3_data_bucket, result_key(jid), out, "text/csv", meta)
    record = {
        "id": jid,
        "status": "succeeded",
        "file_key": file_key,
        "file_etag": head["etag"],
        "model": model.info(),
        "rows": len(rows),
        "counts": dict(Counter(p["label"] for p in predictions)),
        "result_key": result_key(jid),
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    storage.put(
        settings.s3_data_bucket,
        record_key(jid),
        json.dumps(record, sort_keys=True).encode("utf-8"),
        "application/json",
        {"job-id": jid},
    )
    return record, True
