from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from api.core.pagination import PageParams, paginate
from api.core.repository import Repository, TenantRepository
from api.models import Job, JobKind, JobStatus


class JobRepository(TenantRepository[Job]):
    model = Job

    async def page(
        self, params: PageParams, *, kind: JobKind | None, status: JobStatus | None
    ) -> tuple[list[Job], str | None]:
        statement = self.base_statement()
        if kind is not None:
            statement = statement.where(Job.kind == kind)
        if status is not None:
            statement = statement.where(Job.status == status)
        return await paginate(self.session, statement, params, order_by=(Job.id,))

    async def by_idempotency_key(self, kind: JobKind, key: str) -> Job | None:
        statement = self.base_statement().where(Job.kind == kind, Job.idempotency_key == key)
        result: Job | None = await self.session.scalar(statement)
        return result


class JobStateRepository(Repository[Job]):
    """Workers and the reconciler address a job by id alone: the id came from a row the tenant created."""

    model = Job

    async def locked(self, job_id: uuid.UUID) -> Job | None:
        return await self.get(job_id, for_update=True)

    async def stale_queued_ids(self, enqueued_before: datetime, limit: int) -> list[uuid.UUID]:
        statement = (
            select(Job.id)
            .where(Job.status == JobStatus.queued, Job.enqueued_at < enqueued_before)
            .order_by(Job.enqueued_at)
            .limit(limit)
        )
        return list((await self.session.scalars(statement)).all())

    async def overdue_running_ids(self, now: datetime, limit: int) -> list[uuid.UUID]:
        statement = (
            select(Job.id)
            .where(Job.status == JobStatus.running, Job.deadline_at < now)
            .order_by(Job.deadline_at)
            .limit(limit)
        )
        return list((await self.session.scalars(statement)).all())
