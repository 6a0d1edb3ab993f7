from __future__ import annotations

import asyncio
from typing import Literal

from arq.connections import ArqRedis
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from api.core.db import ping

Check = Literal["ok", "unavailable"]
TIMEOUT_S = 3


class HealthStatus(BaseModel):
    status: Check
    database: Check | None = None
    redis: Check | None = None


async def readiness(engine: AsyncEngine, redis: ArqRedis) -> HealthStatus:
    """Both dependencies checked at once, each within a few seconds."""
    results = await asyncio.gather(
        asyncio.wait_for(ping(engine), TIMEOUT_S), asyncio.wait_for(redis.ping(), TIMEOUT_S), return_exceptions=True
    )
    database_ok = not isinstance(results[0], BaseException)
    redis_ok = results[1] is True
    return HealthStatus(
        status="ok" if database_ok and redis_ok else "unavailable",
        database="ok" if database_ok else "unavailable",
        redis="ok" if redis_ok else "unavailable",
    )
