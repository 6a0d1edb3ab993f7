"""What every task gets: settings, the database, and the Redis pool (for enqueuing follow-up jobs)."""

from __future__ import annotations

from typing import Any, TypedDict

from arq.connections import ArqRedis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.core.config import Settings, get_settings
from api.core.db import create_engine, create_sessionmaker
from api.core.storage import Storage, create_storage


class WorkerContext(TypedDict):
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    redis: ArqRedis
    storage: Storage


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx.setdefault("settings", get_settings())
    assert settings.database_url, "DATABASE_URL must be set for the worker"
    ctx["engine"] = create_engine(settings.database_url, pool_size=5, max_overflow=5)
    ctx["sessionmaker"] = create_sessionmaker(ctx["engine"])
    ctx["storage"] = create_storage(settings)
    # arq puts its own pool in ctx["redis"]; tasks enqueue follow-ups through it.


async def shutdown(ctx: dict[str, Any]) -> None:
    storage: Storage | None = ctx.get("storage")
    if storage is not None:
        await storage.aclose()
    engine: AsyncEngine | None = ctx.get("engine")
    if engine is not None:
        await engine.dispose()
