"""FastAPI dependencies shared by the routes."""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request

from app.core.config import Settings, get_settings
from app.services.model import Model
from app.services.s3 import Storage

Loc = list[str | int]


def settings_for(app: FastAPI) -> Settings:
    """The settings the app runs with, honouring a test's dependency override."""
    factory = app.dependency_overrides.get(get_settings, get_settings)
    settings: Settings = factory()
    return settings


# Dependencies are async on purpose: FastAPI runs sync dependencies in the
# thread pool, which costs more than a small prediction.
async def app_settings(request: Request) -> Settings:
    """The settings resolved at startup (get_settings() or its test override)."""
    settings: Settings = request.app.state.settings
    return settings


async def get_model(request: Request) -> Model:
    model: Model = request.app.state.model
    return model


async def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


SettingsDep = Annotated[Settings, Depends(app_settings)]
ModelDep = Annotated[Model, Depends(get_model)]
StorageDep = Annotated[Storage, Depends(get_storage)]


def error_detail(loc: Loc, msg: str, typ: str) -> list[dict[str, Any]]:
    """One item in FastAPI's 422 shape: {"loc": [...], "msg": ..., "type": ...}."""
    return [{"loc": list(loc), "msg": msg, "type": typ}]
