"""FastAPI dependencies shared by the routes."""
from fastapi import Request

from app.core.config import Settings, get_settings
from app.services.model import Model
from app.services.s3 import Storage


def settings_for(app) -> Settings:
    """The settings the app runs with, honouring a test's dependency override."""
    return app.dependency_overrides.get(get_settings, get_settings)()


# Dependencies are async on purpose: FastAPI runs sync dependencies in the
# thread pool, which costs more than a small prediction.
async def app_settings(request: Request) -> Settings:
    """The settings resolved at startup (get_settings() or its test override)."""
    return request.app.state.settings


async def get_model(request: Request) -> Model:
    return request.app.state.model


async def get_storage(request: Request) -> Storage:
    return request.app.state.storage


def error_detail(loc, msg: str, typ: str) -> list:
    """One item in FastAPI's 422 shape: {"loc": [...], "msg": ..., "type": ...}."""
    return [{"loc": list(loc), "msg": msg, "type": typ}]
