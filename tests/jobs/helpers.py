"""Creating job rows directly (the store import is the first domain that creates them through the API)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI

from api.core.queue import SYNC_QUEUE, flush_pending_jobs
from api.jobs.service import Creator, JobService
from api.models import Job, JobKind


def worker_ctx(app: FastAPI) -> dict[str, Any]:
    return {"sessionmaker": app.state.sessionmaker, "redis": app.state.arq, "settings": app.state.settings}


async def create_job(
    app: FastAPI, organization_id: str, *, kind: JobKind = JobKind.sync, max_attempts: int = 3, **params: Any
) -> uuid.UUID:
    async with app.state.sessionmaker() as session:
        job = await JobService(session).create(
            uuid.UUID(organization_id),
            kind=kind,
            task="test_task",
            queue=SYNC_QUEUE,
            params=params,
            created_by=Creator(),
            max_attempts=max_attempts,
        )
        await session.commit()
        await flush_pending_jobs(session, app.state.arq)
        return job.id


async def load_job(app: FastAPI, job_id: uuid.UUID) -> Job:
    async with app.state.sessionmaker() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        return job
