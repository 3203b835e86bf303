"""The AI Predictor API: FastAPI app, startup (settings, model) and error mapping."""

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from app.api.deps import settings_for
from app.api.routes import debug, files, health, jobs, predict
from app.core.limits import BodyLimitMiddleware
from app.services.model import Model
from app.services.s3 import Storage, StorageError

log = logging.getLogger("app")

DESCRIPTION = """Predicts breast-cancer diagnosis (malignant/benign) from 30 tabular features.

* `POST /predict`: one record or a batch, answered inline.
* `POST /files` then `POST /jobs`: batch prediction over a CSV, results written to S3.
"""


def _startup(app: FastAPI) -> None:
    settings = settings_for(app)  # raises ConfigError naming a missing variable
    app.state.settings = settings
    app.state.model = model = Model.load(settings.model_path)
    app.state.storage = Storage(settings)
    app.state.storage.warm()  # boto3 import + client in the background; requests never wait for it unless they need S3
    if settings.debug_routes and not getattr(app.state, "debug_mounted", False):
        app.include_router(debug.router)
        app.state.debug_mounted = True
    log.info(
        "ready: version=%s env=%s model=%s %s %s",
        settings.app_version,
        settings.app_env,
        model.name,
        model.version,
        model.checksum,
    )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    _startup(app)
    yield


class AsciiJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped. An error may echo the client's input, and JSON
    can carry lone surrogates ("\\ud800") that UTF-8 cannot encode: the default response then fails (500)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


async def _storage_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, StorageError):  # registered for StorageError only
        raise exc
    log.warning("%s %s: %s", request.method, request.url.path, exc.message)
    return AsciiJSONResponse({"detail": exc.message}, status_code=exc.status_code)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, HTTPException):  # registered for HTTPException only
        raise exc
    return AsciiJSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 shape without `input` and `ctx`: the client's own (possibly hostile) data is not echoed."""
    if not isinstance(exc, RequestValidationError):  # registered for RequestValidationError only
        raise exc
    errors = [{"loc": e.get("loc", ()), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()]
    return AsciiJSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


def create_app() -> FastAPI:
    app = FastAPI(
        title="AI Predictor",
        description=DESCRIPTION,
        version="1.0.0",
        lifespan=lifespan,
        default_response_class=AsciiJSONResponse,
        exception_handlers={StorageError: _storage_error, HTTPException: _http_error, RequestValidationError: _validation_error},
    )
    app.add_middleware(BodyLimitMiddleware)
    for r in (health.router, predict.router, files.router, jobs.router):
        app.include_router(r)
    return app


app = create_app()
