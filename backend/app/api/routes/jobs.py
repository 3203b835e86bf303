from fastapi import APIRouter, Depends, HTTPException, Response

from app.api.deps import app_settings, error_detail, get_model, get_storage
from app.core.config import Settings
from app.schemas import ErrorResponse, JobRecord, JobRequest
from app.services import jobs
from app.services.model import Model
from app.services.s3 import Storage

router = APIRouter(tags=["jobs"])

_ERRORS = {404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 502: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}


@router.post("/jobs", status_code=201, response_model=JobRecord, summary="Run batch prediction over an uploaded file",
             responses={**_ERRORS, 200: {"model": JobRecord, "description": "The same file was already processed with this model"}})
def create_job(
    req: JobRequest,
    response: Response,
    settings: Settings = Depends(app_settings),
    model: Model = Depends(get_model),
    storage: Storage = Depends(get_storage),
):
    """Runs synchronously and returns the finished job (201), or the existing one (200)
    when this file (same key and ETag) was already processed by this model.
    Results: s3://S3_DATA_BUCKET/results/<id>.csv, record: jobs/<id>.json.
    """
    key = req.file_key.strip()
    if not key or len(key) > 1024 or key.startswith("/"):
        raise HTTPException(422, error_detail(["body", "file_key"], "file_key must be an object key such as uploads/<sha256>.csv",
                                              "value_error.file_key"))
    try:
        record, created = jobs.run(storage, settings, model, key)
    except jobs.JobInputError as e:
        if e.status_code == 422:
            raise HTTPException(422, error_detail(["body", "file_key"], e.message, "value_error.file")) from None
        raise HTTPException(e.status_code, e.message) from None
    if not created:
        response.status_code = 200
    return record


@router.get("/jobs/{job_id}", response_model=JobRecord, summary="A finished job", responses=_ERRORS)
def get_job(job_id: str, settings: Settings = Depends(app_settings), storage: Storage = Depends(get_storage)):
    record = jobs.get(storage, settings, job_id)
    if record is None:
        raise HTTPException(404, "job not found: %s" % job_id[:64])
    return record
