from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

router = APIRouter(tags=["health"])


class HealthStatus(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"] | None = None
    redis: Literal["ok", "unavailable"] | None = None


@router.get("/health", response_model=HealthStatus)
async def health() -> HealthStatus:
    """Public: the process is up."""
    return HealthStatus(status="ok")


@router.get("/ready", response_model=HealthStatus, responses={503: {"model": HealthStatus}})
async def ready(request: Request) -> JSONResponse:
    """Public: the database and Redis answer (503 otherwise)."""

    async def database() -> bool:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("select 1"))
        return True

    async def redis() -> bool:
        return bool(await request.app.state.arq.ping())

    results = await asyncio.gather(
        asyncio.wait_for(database(), 3), asyncio.wait_for(redis(), 3), return_exceptions=True
    )
    db_ok, redis_ok = (r is True for r in results)
    body = HealthStatus(
        status="ok" if db_ok and redis_ok else "unavailable",
        database="ok" if db_ok else "unavailable",
        redis="ok" if redis_ok else "unavailable",
    )
    return JSONResponse(body.model_dump(), status_code=200 if body.status == "ok" else 503)
