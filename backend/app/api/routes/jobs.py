from typing import Any

from fastapi import APIRouter, HTTPException, Response

from app.api.deps import ModelDep, SettingsDep, StorageDep, error_detail
from app.schemas import ErrorResponse, JobRecord, JobRequest
from app.services import jobs

router = APIRouter(tags=["jobs"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse},
    409: {"model": ErrorResponse},
    502: {"model": ErrorResponse},
    503: {"model": ErrorResponse},
}


@router.post(
    "/jobs",
    status_code=201,
    response_model=JobRecord,
    summary="Run batch prediction over an uploaded file",
    responses={**_ERRORS, 200: {"model": JobRecord, "description": "The same file was already processed with this model"}},
)
def create_job(
    req: JobRequest, response: Response, settings: SettingsDep, model: ModelDep, storage: StorageDep
) -> dict[str, Any]:
    """Runs synchronously and returns the finished job (201), or the existing one (200)
    when this file (same key and ETag) was already processed by this model.
    `file_key` is a key POST /files returned; results go to results/<id>.csv in the data bucket.
    """
    try:
        record, created = jobs.run(storage, settings, model, req.file_key)
    except jobs.JobInputError as e:
        if e.status_code == 422:
            raise HTTPException(422, error_detail(["body", "file_key"], e.message, "value_error.file")) from None
        raise HTTPException(e.status_code, e.message) from None
    if not created:
        response.status_code = 200
    return record


@router.get("/jobs/{job_id}", response_model=JobRecord, summary="A finished job", responses=_ERRORS)
def get_job(job_id: str, settings: SettingsDep, storage: StorageDep) -> dict[str, Any]:
    record = jobs.get(storage, settings, job_id)
    if record is None:
        raise HTTPException(404, f"job not found: {job_id[:64]}")
    return record
