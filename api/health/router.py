from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.health.service import HealthStatus, readiness

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthStatus)
async def health() -> HealthStatus:
    """Public: the process is up."""
    return HealthStatus(status="ok")


@router.get("/ready", response_model=HealthStatus, responses={503: {"model": HealthStatus}})
async def ready(request: Request) -> JSONResponse:
    """Public: the database and Redis answer (503 otherwise)."""
    status = await readiness(request.app.state.engine, request.app.state.arq)
    return JSONResponse(status.model_dump(), status_code=200 if status.status == "ok" else 503)
