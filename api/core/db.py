"""Engine and session factory. Sessions are opened per request by `TransactionalRoute` and per task by
`workers.session.task_session`; nothing else opens one."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def create_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        connect_args={"server_settings": {"application_name": "epox", "timezone": "UTC"}},
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Objects stay readable after commit: the route commits before the response model is serialized.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def sync_url(url: str) -> str:
    """The same database for tools that speak libpq URLs (asyncpg.connect, psql)."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def ping(engine: AsyncEngine) -> None:
    """Raise unless the database answers a trivial query."""
    async with engine.connect() as connection:
        await connection.execute(text("select 1"))
