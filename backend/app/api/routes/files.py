import hashlib
import re
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, UploadFile

from app.api.deps import ModelDep, SettingsDep, StorageDep, error_detail
from app.schemas import ErrorResponse, FileResponse
from app.services import csvfile, jobs

router = APIRouter(tags=["files"])

CSV_TYPES = {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream", ""}


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:100]


@router.post(
    "/files",
    status_code=201,
    response_model=FileResponse,
    summary="Upload an input CSV to the files bucket",
    responses={
        413: {"model": ErrorResponse},
        415: {"model": ErrorResponse},
        502: {"model": ErrorResponse},
        503: {"model": ErrorResponse},
    },
)
def upload_file(
    file: Annotated[UploadFile, File(description="CSV: header with every model feature (see GET /model), optional id column")],
    settings: SettingsDep,
    model: ModelDep,
    storage: StorageDep,
) -> dict[str, Any]:
    """Checks the content (UTF-8 CSV, every feature column, numeric finite cells, at most
    MAX_FILE_ROWS rows, at most MAX_UPLOAD_BYTES bytes) and stores it under a
    content-addressed key, so uploading the same file twice gives the same key.
    """
    loc: list[str | int] = ["body", "file"]
    name = file.filename or ""
    if not name.lower().endswith(".csv"):
        raise HTTPException(422, error_detail(loc, f"file name must end in .csv, got {name[:100]!r}", "value_error.file_name"))
    ctype = (file.content_type or "").split(";")[0].strip().lower()
    if ctype not in CSV_TYPES:
        raise HTTPException(415, f"file content type must be text/csv, got {ctype[:100]!r}")
    data = file.file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise HTTPException(413, f"file is larger than the limit of {settings.max_upload_bytes} bytes")
    try:
        _, rows = csvfile.parse(data, model.features, settings.max_file_rows)
    except csvfile.CsvError as e:
        raise HTTPException(422, error_detail(loc, str(e), "value_error.csv")) from None
    digest = hashlib.sha256(data).hexdigest()
    key = jobs.upload_key(digest)
    # The sha256 metadata marks the object as one this API stored: POST /jobs reads no other.
    etag = storage.put(
        settings.s3_files_bucket,
        key,
        data,
        "text/csv",
        {"original-name": _safe_name(name), "rows": str(len(rows)), "sha256": digest},
    )
    return {"key": key, "etag": etag, "size": len(data), "rows": len(rows), "sha256": digest}
