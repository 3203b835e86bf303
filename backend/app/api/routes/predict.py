"""POST /predict: validated by hand, not by a Pydantic body model.

Pydantic + FastAPI's body pipeline cost several times the model itself; the checks
below give the same 422 shape, and the OpenAPI schema still comes from
PredictRequest via openapi_extra.
"""

import json
import math
from collections.abc import Sequence
from typing import Any, NoReturn

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from app.api.deps import Loc, error_detail
from app.schemas import PredictRequest, PredictResponse
from app.services.model import ScoreError

router = APIRouter(tags=["predict"])

_NUMBER = frozenset((int, float))


def _fail(loc: Loc, msg: str, typ: str) -> NoReturn:
    raise HTTPException(422, error_detail(loc, msg, typ))


def _finite(v: object) -> bool:
    """A JSON number that is a finite float (an integer too large for a float is not)."""
    if type(v) not in _NUMBER:
        return False
    try:
        return math.isfinite(v)  # type: ignore[arg-type]  # int or float, checked above
    except OverflowError:
        return False


def _all_finite(row: list[Any]) -> bool:
    """Fast path: all int/float (bool, an int subclass, is refused) and a finite sum
    (NaN and inf propagate into it; an int too large for a float raises)."""
    try:
        return set(map(type, row)) <= _NUMBER and math.isfinite(sum(row))
    except OverflowError:
        return False


def _rows(data: Any, features: Sequence[str], feature_set: frozenset[str], max_batch: int) -> list[list[float]]:
    """Return rows in feature order, or raise a 422 naming the offending field."""
    if not isinstance(data, dict):
        _fail(["body"], "body must be a JSON object", "type_error.dict")
    unknown = [k for k in data if k not in ("record", "records")]
    if unknown:
        _fail(["body", unknown[0]], "unknown field (send 'record' or 'records')", "value_error.extra")
    record, records = data.get("record"), data.get("records")
    if (record is None) == (records is None):
        _fail(["body"], "provide exactly one of 'record' or 'records'", "value_error.missing")
    if record is not None:
        items, single = [record], True
    else:
        if not isinstance(records, list):
            _fail(["body", "records"], "value is not a valid list", "type_error.list")
        if not records:
            _fail(["body", "records"], "records must not be empty", "value_error.list.min_items")
        if len(records) > max_batch:
            _fail(
                ["body", "records"], f"at most {max_batch} records per request, got {len(records)}", "value_error.list.max_items"
            )
        items, single = records, False
    rows = []
    for i, rec in enumerate(items):
        where: Loc = ["body", "record"] if single else ["body", "records", i]
        if not isinstance(rec, dict):
            _fail(where, "value is not a valid dict", "type_error.dict")
        if len(rec) != len(features) or rec.keys() != feature_set:
            missing = [f for f in features if f not in rec]
            if missing:
                _fail([*where, missing[0]], "field required", "value_error.missing")
            _fail([*where, sorted(k for k in rec if k not in feature_set)[0]], "unknown feature", "value_error.extra")
        row = [rec[f] for f in features]
        if not _all_finite(row):
            for f, v in zip(features, row, strict=True):
                if not _finite(v):
                    _fail([*where, f], "value must be a finite number", "type_error.float")
            _fail(where, "values too large", "value_error.number.too_large")
        rows.append(row)
    return rows


@router.post(
    "/predict",
    response_model=PredictResponse,
    summary="Predict one record or a batch",
    responses={
        413: {"description": "Body larger than MAX_BODY_BYTES"},
        422: {"description": "Invalid input; `loc` names the field"},
    },
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": PredictRequest.model_json_schema()}}}
    },
)
async def predict(request: Request) -> Response:
    """Send `{"record": {...}}` or `{"records": [{...}, ...]}` (at most PREDICT_MAX_BATCH records, default 1000).

    Each record maps every feature of GET /model to a finite number; the answer
    holds, per record and in order, the label and the probability of each class.
    """
    state = request.app.state
    model = state.model
    raw = await request.body()
    try:
        data = json.loads(raw)
    except ValueError as e:
        _fail(["body", getattr(e, "pos", 0)], "body is not valid JSON: {}".format(getattr(e, "msg", e)), "value_error.jsondecode")
    except RecursionError:
        _fail(["body"], "body is nested too deeply", "value_error.jsondecode")
    rows = _rows(data, model.features, model.feature_set, state.settings.max_batch)
    try:
        # Serialised by the model in one pass (identical to JSONResponse's bytes, tested).
        body = model.predict_json(rows)
    except ScoreError as e:
        where: Loc = ["body", "record"] if "record" in data else ["body", "records", e.index]
        _fail(where, "values are too large to score (the model's score is not a number)", "value_error.number.too_large")
    return Response(body, media_type="application/json")
