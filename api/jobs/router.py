from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth.dependencies import MemberAccess, ViewerAccess
from api.auth.exceptions import InsufficientRole
from api.core.errors import NotAuthenticated, error_responses
from api.core.pagination import PageQuery
from api.core.routing import TransactionalRoute, get_session
from api.jobs.exceptions import JobNotCancelable, JobNotFound
from api.jobs.repository import JobRepository
from api.jobs.schemas import JobOut, JobPage
from api.jobs.service import JobService
from api.models import Job, JobKind, JobStatus

router = APIRouter(prefix="/jobs", tags=["jobs"], route_class=TransactionalRoute)
TENANT = error_responses(NotAuthenticated, InsufficientRole)
JOB = {**TENANT, **error_responses(JobNotFound)}

# How often the events stream re-reads the row, and how long a quiet stream waits before a keep-alive comment.
POLL_SECONDS = 0.5
KEEPALIVE_SECONDS = 15.0


def get_job_service(session: Annotated[AsyncSession, Depends(get_session)]) -> JobService:
    return JobService(session)


Jobs = Annotated[JobService, Depends(get_job_service)]


@router.get("", response_model=JobPage, responses=TENANT)
async def list_jobs(
    ctx: ViewerAccess,
    jobs: Jobs,
    page: PageQuery,
    kind: Annotated[JobKind | None, Query(description="Only jobs of this kind.")] = None,
    status: Annotated[JobStatus | None, Query(description="Only jobs in this status.")] = None,
) -> JobPage:
    """The workspace's jobs, newest first."""
    rows, cursor = await jobs.list(ctx.organization_id, page, kind=kind, status=status)
    return JobPage(items=[JobOut.of(job) for job in rows], next_cursor=cursor)


@router.get("/{job_id}", response_model=JobOut, responses=JOB)
async def get_job(job_id: uuid.UUID, ctx: ViewerAccess, jobs: Jobs) -> JobOut:
    """One job with its progress, result and error."""
    return JobOut.of(await jobs.get(ctx.organization_id, job_id))


@router.post("/{job_id}/cancel", response_model=JobOut, responses={**JOB, **error_responses(JobNotCancelable)})
async def cancel_job(job_id: uuid.UUID, ctx: MemberAccess, jobs: Jobs) -> JobOut:
    """Cancel a queued or running job; a running one stops at its next step."""
    return JobOut.of(await jobs.cancel(ctx.organization_id, job_id))


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, default=str, separators=(',', ':'))}\n\n"


async def job_events(
    sessionmaker: async_sessionmaker[AsyncSession], organization_id: uuid.UUID, job_id: uuid.UUID, request: Request
) -> AsyncIterator[str]:
    """Re-read the row in a fresh short session per poll (the request's own transaction is already over)."""
    last_progress: tuple[Any, ...] | None = None
    last_seq = 0
    quiet = 0.0
    while True:
        async with sessionmaker() as session:
            job: Job | None = await JobRepository(session, organization_id).get(job_id)
        if job is None:  # deleted with its workspace
            return
        out = JobOut.of(job)
        for item in job.recent_items:
            if int(item.get("seq", 0)) > last_seq:
                last_seq = int(item["seq"])
                yield _event("item", item)
        state = (job.status, job.progress_done, job.progress_failed, job.progress_total)
        if state != last_progress:
            last_progress = state
            quiet = 0.0
            yield _event("progress", {"status": job.status.value, **out.progress.model_dump()})
        if job.status.terminal:
            yield _event("finished", out.model_dump(mode="json"))
            return
        if quiet >= KEEPALIVE_SECONDS:
            quiet = 0.0
            yield ": keep-alive\n\n"
        if await request.is_disconnected():
            return
        await asyncio.sleep(POLL_SECONDS)
        quiet += POLL_SECONDS


@router.get(
    "/{job_id}/events",
    responses={**JOB, 200: {"content": {"text/event-stream": {}}, "description": "progress, item, finished"}},
)
async def stream_job_events(job_id: uuid.UUID, ctx: ViewerAccess, jobs: Jobs, request: Request) -> StreamingResponse:
    """Server-sent events for one job (`progress`, `item`, `finished`); the stream ends when the job does."""
    await jobs.get(ctx.organization_id, job_id)  # 404 before the stream starts
    return StreamingResponse(
        job_events(request.app.state.sessionmaker, ctx.organization_id, job_id, request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
