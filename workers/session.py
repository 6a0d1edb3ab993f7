"""The per-task transaction scope: the worker's twin of `TransactionalRoute`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.core.queue import discard_pending_jobs, flush_pending_jobs


@asynccontextmanager
async def task_session(ctx: dict[str, Any]) -> AsyncIterator[AsyncSession]:
    """One short transaction: committed when the block ends, rolled back on error; jobs it recorded are sent
    after the commit. Tasks open several in a row rather than hold one across a slow call."""
    async with ctx["sessionmaker"]() as session:
        try:
            yield session
        except BaseException:
            discard_pending_jobs(session)
            await session.rollback()
            raise
        await session.commit()
        await flush_pending_jobs(session, ctx.get("redis"))
