"""The AI Predictor API: FastAPI app, startup (settings, model) and error mapping.

Works on FastAPI 0.92 + Pydantic 1.10 (Debian, used by the tests) and on the
current FastAPI + Pydantic 2 pinned in requirements.txt.
"""
import inspect
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

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
    app.state.model = Model.load(settings.model_path)
    app.state.storage = Storage(settings)
    app.state.storage.warm()  # boto3 import + client in the background; requests never wait for it unless they need S3
    if settings.debug_routes and not getattr(app.state, "debug_mounted", False):
        app.include_router(debug.router)
        app.state.debug_mounted = True
    log.info("ready: version=%s env=%s model=%s %s %s", settings.app_version, settings.app_env,
             app.state.model.name, app.state.model.version, app.state.model.checksum)


@asynccontextmanager
async def lifespan(app: FastAPI):
    _startup(app)
    yield


async def _storage_error(request: Request, exc: StorageError):
    log.warning("%s %s: %s", request.method, request.url.path, exc.message)
    return JSONResponse({"detail": exc.message}, status_code=exc.status_code)


def create_app() -> FastAPI:
    kwargs = dict(title="AI Predictor", description=DESCRIPTION, version="1.0.0",
                  exception_handlers={StorageError: _storage_error})
    if "lifespan" in inspect.signature(FastAPI.__init__).parameters:
        app = FastAPI(lifespan=lifespan, **kwargs)
    else:  # FastAPI < 0.93: the router takes the same context manager
        app = FastAPI(**kwargs)
        app.router.lifespan_context = lifespan

    app.add_middleware(BodyLimitMiddleware)
    for r in (health.router, predict.router, files.router, jobs.router):
        app.include_router(r)
    return app


app = create_app()
