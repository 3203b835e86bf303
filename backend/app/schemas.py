"""Request and response bodies (plain fields only: identical on Pydantic 1 and 2)."""
from typing import Dict, List, Optional

from pydantic import BaseModel


class ModelInfo(BaseModel):
    name: str
    version: str
    checksum: str


class HealthResponse(BaseModel):
    status: str
    version: str
    model: ModelInfo


class ModelDetails(ModelInfo):
    features: List[str]
    classes: List[str]
    metrics: Dict[str, float]
    max_batch: int


class PredictRequest(BaseModel):
    """Exactly one of `record` (one record) or `records` (a batch of up to PREDICT_MAX_BATCH, default 1000).

    A record maps every feature name listed by GET /model to a finite number.
    """

    record: Optional[Dict[str, float]] = None
    records: Optional[List[Dict[str, float]]] = None


class Prediction(BaseModel):
    label: str
    probabilities: Dict[str, float]


class PredictResponse(BaseModel):
    model: ModelInfo
    predictions: List[Prediction]


class FileResponse(BaseModel):
    bucket: str
    key: str
    etag: str
    size: int
    rows: int
    sha256: str


class JobRequest(BaseModel):
    file_key: str


class JobRecord(BaseModel):
    id: str
    status: str
    file_bucket: str
    file_key: str
    file_etag: str
    model: ModelInfo
    rows: int
    counts: Dict[str, int]
    result_bucket: str
    result_key: str
    created_at: str


class ErrorResponse(BaseModel):
    detail: str


def schema_of(model) -> dict:
    """JSON schema of a model, inline (no $ref), on Pydantic 1 and 2."""
    if hasattr(model, "model_json_schema"):
        return model.model_json_schema()
    return model.schema()
