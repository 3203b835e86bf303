"""POST /predict: validated by hand, not by a Pydantic body model.

Pydantic + FastAPI's body pipeline cost ~10x the model itself (tens of
microseconds per request on Pydantic 1); the checks below are the same ones
with the same 422 shape, and the OpenAPI schema still comes from
PredictRequest via openapi_extra.
"""
import json
import math

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from app.api.deps import error_detail
from app.schemas import PredictRequest, PredictResponse, schema_of

router = APIRouter(tags=["predict"])

_NUMBER = frozenset((int, float))


def _fail(loc, msg, typ):
    raise HTTPException(422, error_detail(loc, msg, typ))


def _rows(data, features, feature_set, max_batch):
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
        items, locs = [record], [["body", "record"]]
    else:
        if not isinstance(records, list):
            _fail(["body", "records"], "value is not a valid list", "type_error.list")
        if not records:
            _fail(["body", "records"], "records must not be empty", "value_error.list.min_items")
        if len(records) > max_batch:
            _fail(["body", "records"], "at most %d records per request, got %d" % (max_batch, len(records)),
                  "value_error.list.max_items")
        items, locs = records, None
    rows = []
    for i, rec in enumerate(items):
        if not isinstance(rec, dict):
            _fail(locs[0] if locs else ["body", "records", i], "value is not a valid dict", "type_error.dict")
        if len(rec) != len(features) or rec.keys() != feature_set:
            where = locs[0] if locs else ["body", "records", i]
            missing = [f for f in features if f not in rec]
            if missing:
                _fail(where + [missing[0]], "field required", "value_error.missing")
            _fail(where + [sorted(k for k in rec if k not in feature_set)[0]], "unknown feature", "value_error.extra")
        row = [rec[f] for f in features]
        # Fast path: all int/float (bool, an int subclass, is refused) and a finite sum
        # (NaN and inf propagate into it); on failure find the field to name.
        if not (set(map(type, row)) <= _NUMBER and math.isfinite(sum(row))):
            for f, v in zip(features, row):
                if type(v) not in _NUMBER or not math.isfinite(v):
                    where = locs[0] if locs else ["body", "records", i]
                    _fail(where + [f], "value must be a finite number", "type_error.float")
            _fail(locs[0] if locs else ["body", "records", i], "values too large", "value_error.number.too_large")
        rows.append(row)
    return rows


@router.post(
    "/predict",
    response_model=PredictResponse,
    summary="Predict one record or a batch",
    responses={413: {"description": "Body larger than MAX_BODY_BYTES"}, 422: {"description": "Invalid input; `loc` names the field"}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": schema_of(PredictRequest)}}}},
)
async def predict(request: Request):
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
        _fail(["body", getattr(e, "pos", 0)], "body is not valid JSON: %s" % getattr(e, "msg", e), "value_error.jsondecode")
    rows = _rows(data, model.features, model.feature_set, state.settings.max_batch)
    # Serialised by the model in one pass (identical to JSONResponse's bytes, tested).
    return Response(model.predict_json(rows), media_type="application/json")
