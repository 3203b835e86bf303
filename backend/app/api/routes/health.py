from typing import Any

from fastapi import APIRouter

from app.api.deps import ModelDep, SettingsDep
from app.schemas import HealthResponse, ModelDetails

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse, summary="Liveness, deployed version and model identity")
async def health(settings: SettingsDep, model: ModelDep) -> dict[str, Any]:
    # Liveness only: S3 trouble is reported per request (502/503), it must not
    # make ECS replace healthy tasks.
    return {"status": "ok", "version": settings.app_version, "model": model.info()}


@router.get("/model", response_model=ModelDetails, summary="The served model: features, classes, held-out metrics")
async def model_details(settings: SettingsDep, model: ModelDep) -> dict[str, Any]:
    return dict(model.info(), features=model.features, classes=model.classes, metrics=model.metrics, max_batch=settings.max_batch)
