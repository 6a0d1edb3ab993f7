"""The route class every router uses: one session per request, committed once before the response is sent."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.queue import discard_pending_jobs, flush_pending_jobs


class TransactionalRoute(APIRoute):
    """Opens the request's `AsyncSession`, commits it after the endpoint returns (rolls back on any error),
    then sends the jobs the request recorded. Committing here, not after a `yield` dependency, guarantees the
    client never sees a success whose writes are not durable."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
            async with sessionmaker() as session:
                request.state.session = session
                try:
                    response = await handler(request)
                except BaseException:
                    discard_pending_jobs(session)
                    await session.rollback()
                    raise
                await session.commit()
                await flush_pending_jobs(session, request.app.state.arq)
                return response

        return handle


def get_session(request: Request) -> AsyncSession:
    """The request's session (opened by `TransactionalRoute`)."""
    session: AsyncSession = request.state.session
    return session
