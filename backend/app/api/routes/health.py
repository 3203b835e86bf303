from fastapi import APIRouter, Depends

from app.api.deps import app_settings, get_model
from app.core.config import Settings
from app.schemas import HealthResponse, ModelDetails
from app.services.model import Model

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse, summary="Liveness, deployed version and model identity")
async def health(settings: Settings = Depends(app_settings), model: Model = Depends(get_model)):
    # Liveness only: S3 trouble is reported per request (502/503), it must not
    # make ECS replace healthy tasks.
    return {"status": "ok", "version": settings.app_version, "model": model.info()}


@router.get("/model", response_model=ModelDetails, summary="The served model: features, classes, held-out metrics")
async def model_details(settings: Settings = Depends(app_settings), model: Model = Depends(get_model)):
    return dict(model.info(), features=model.features, classes=model.classes, metrics=model.metrics,
                max_batch=settings.max_batch)
