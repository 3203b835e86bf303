"""Test and benchmark helpers, mounted only when APP_DEBUG_ROUTES=1 (never in a deployment)."""

import asyncio

from fastapi import APIRouter, Request

router = APIRouter(prefix="/_debug", include_in_schema=False)


@router.get("/constant")
async def constant() -> dict[str, str]:
    """Benchmark baseline: same app and stack, no body, no work."""
    return {"status": "ok"}


@router.get("/sleep")
async def sleep(request: Request, seconds: float = 1.0) -> dict[str, float]:
    """A slow in-flight request for the SIGTERM test; /_debug/inflight counts them."""
    state = request.app.state
    state.debug_inflight = getattr(state, "debug_inflight", 0) + 1
    try:
        await asyncio.sleep(min(seconds, 120.0))
    finally:
        state.debug_inflight -= 1
    return {"slept": seconds}


@router.get("/inflight")
async def inflight(request: Request) -> dict[str, int]:
    return {"inflight": getattr(request.app.state, "debug_inflight", 0)}


@router.post("/constant")
async def constant_post(request: Request) -> dict[str, str]:
    """Baseline for POST /predict: receives the same body, returns a constant."""
    await request.body()
    return {"status": "ok"}
