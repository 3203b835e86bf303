"""Request and response bodies. No response names a bucket: bucket names carry the account ID."""

from pydantic import BaseModel, Field

from app.services.jobs import UPLOAD_KEY_PATTERN


class ModelInfo(BaseModel):
    name: str
    version: str
    checksum: str


class HealthResponse(BaseModel):
    status: str
    version: str
    model: ModelInfo


class ModelDetails(ModelInfo):
    features: list[str]
    classes: list[str]
    metrics: dict[str, float]
    max_batch: int


class PredictRequest(BaseModel):
    """Exactly one of `record` (one record) or `records` (a batch of up to PREDICT_MAX_BATCH, default 1000).

    A record maps every feature name listed by GET /model to a finite number.
    """

    record: dict[str, float] | None = None
    records: list[dict[str, float]] | None = None


class Prediction(BaseModel):
    label: str
    probabilities: dict[str, float]


class PredictResponse(BaseModel):
    model: ModelInfo
    predictions: list[Prediction]


class FileResponse(BaseModel):
    key: str = Field(description="Pass it to POST /jobs as file_key")
    etag: str
    size: int
    rows: int
    sha256: str


class JobRequest(BaseModel):
    file_key: str = Field(pattern=UPLOAD_KEY_PATTERN, max_length=80, description="A key returned by POST /files")


class JobRecord(BaseModel):
    id: str
    status: str
    file_key: str
    file_etag: str
    model: ModelInfo
    rows: int
    counts: dict[str, int]
    result_key: str = Field(description="Object key of the results CSV in the data bucket")
    created_at: str


class ErrorResponse(BaseModel):
    detail: str
