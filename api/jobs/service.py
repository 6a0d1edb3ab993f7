"""Job state: created with its arq message recorded for after the commit, then moved queued → running →
succeeded | failed | canceled under a row lock.

arq delivers at least once and a worker can die anywhere, so every transition checks the row first: `start`
refuses a finished job or one another worker is running, and a worker whose attempt was superseded (the
reconciler retried it, or someone canceled it) finds its `progress`/`finish` calls refused and stops.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.pagination import PageParams
from api.core.queue import enqueue_after_commit
from api.core.time import utc_now
from api.credits.exceptions import HoldNotOpen
from api.credits.service import CreditLedgerService
from api.jobs.exceptions import JobNotCancelable, JobNotFound
from api.jobs.repository import JobRepository, JobStateRepository
from api.models import Job, JobKind, JobStatus

if TYPE_CHECKING:
    from api.auth.dependencies import AuthContext

# Per-item events kept on the row for the events stream; older ones are only counted.
RECENT_ITEMS = 50


def arq_job_id(job: Job) -> str:
    """Deterministic per row, attempt and dispatch: arq drops a second copy of the same message, while a
    deliberate re-send (a retry, or the reconciler after Redis lost the queue) gets a fresh id."""
    return f"job:{job.id}:{job.attempts}:{job.dispatches}"


def dispatch(session: AsyncSession, job: Job, now: datetime) -> None:
    """Hand the (queued) row to arq once the transaction commits."""
    job.dispatches += 1
    job.enqueued_at = now
    enqueue_after_commit(session, job.task, str(job.id), queue=job.queue, job_id=arq_job_id(job))


@dataclass(frozen=True)
class Creator:
    user_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None

    @classmethod
    def of(cls, ctx: AuthContext) -> Creator:
        """Who asked: the signed-in user, or the API key an integration called with."""
        return cls(ctx.actor_user_id, ctx.actor_api_key_id)


@dataclass(frozen=True)
class JobRun:
    """One attempt at a job, as its task sees it."""

    id: uuid.UUID
    organization_id: uuid.UUID
    kind: JobKind
    attempt: int
    params: dict[str, Any]
    checkpoint: dict[str, Any] = field(default_factory=dict)
    progress_total: int = 0
    progress_done: int = 0
    progress_failed: int = 0


class JobService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.state = JobStateRepository(session)

    # --- the tenant's side -------------------------------------------------------------------------------

    async def create(
        self,
        organization_id: uuid.UUID,
        *,
        kind: JobKind,
        task: str,
        queue: str,
        params: dict[str, Any],
        created_by: Creator,
        idempotency_key: str | None = None,
        max_attempts: int = 3,
        timeout_seconds: int = 300,
        total: int = 0,
    ) -> Job:
        """A queued job, sent to arq after the commit (nothing is sent if the transaction rolls back)."""
        repository = JobRepository(self.session, organization_id)
        if idempotency_key is not None:
            existing = await repository.by_idempotency_key(kind, idempotency_key)
            if existing is not None:
                return existing
        job = Job(
            organization_id=organization_id,
            kind=kind,
            status=JobStatus.queued,
            task=task,
            queue=queue,
            params=params,
            progress_total=total,
            progress_done=0,
            progress_failed=0,
            recent_items=[],
            item_seq=0,
            checkpoint={},
            attempts=0,
            max_attempts=max_attempts,
            dispatches=0,
            timeout_seconds=timeout_seconds,
            created_by_user_id=created_by.user_id,
            created_by_api_key_id=created_by.api_key_id,
            idempotency_key=idempotency_key,
        )
        try:
            async with self.session.begin_nested():
                await repository.add(job)
        except IntegrityError:  # the same key raced us; its job is the answer
            assert idempotency_key is not None
            found = await repository.by_idempotency_key(kind, idempotency_key)
            if found is None:
                raise
            return found
        dispatch(self.session, job, utc_now())
        return job

    async def get(self, organization_id: uuid.UUID, job_id: uuid.UUID) -> Job:
        job = await JobRepository(self.session, organization_id).get(job_id)
        if job is None:
            raise JobNotFound()
        return job

    async def list(
        self,
        organization_id: uuid.UUID,
        params: PageParams,
        *,
        kind: JobKind | None = None,
        status: JobStatus | None = None,
    ) -> tuple[list[Job], str | None]:
        return await JobRepository(self.session, organization_id).page(params, kind=kind, status=status)

    async def cancel(self, organization_id: uuid.UUID, job_id: uuid.UUID) -> Job:
        """queued/running → canceled; a running task sees it at its next progress report and stops."""
        job = await JobRepository(self.session, organization_id).get(job_id, for_update=True)
        if job is None:
            raise JobNotFound()
        if job.status.terminal:
            raise JobNotCancelable(f"The job is already {job.status.value}.")
        job.status = JobStatus.canceled
        job.finished_at = utc_now()
        job.error_code, job.error_message = "canceled", "Canceled on request."
        await self._release_credits(job, "Job canceled")
        await self.session.flush()
        return job

    # --- the worker's side (each call is one short transaction in `task_session`) ------------------------

    async def start(self, job_id: uuid.UUID, *, now: datetime | None = None) -> JobRun | None:
        """queued → running for a new attempt; None when there is nothing to do (finished, canceled, or running
        under another worker's live lease): a duplicate delivery is then a no-op."""
        now = now or utc_now()
        job = await self.state.locked(job_id)
        if job is None or job.status.terminal:
            return None
        if job.status == JobStatus.running and job.deadline_at is not None and job.deadline_at > now:
            return None
        if job.attempts >= job.max_attempts:
            await self._fail(job, "attempts_exhausted", f"Gave up after {job.attempts} attempts.", now)
            await self.session.flush()
            return None
        job.status = JobStatus.running
        job.attempts += 1
        job.started_at = job.started_at or now
        job.deadline_at = now + timedelta(seconds=job.timeout_seconds)
        await self.session.flush()
        return JobRun(
            id=job.id,
            organization_id=job.organization_id,
            kind=job.kind,
            attempt=job.attempts,
            params=dict(job.params),
            checkpoint=dict(job.checkpoint),
            progress_total=job.progress_total,
            progress_done=job.progress_done,
            progress_failed=job.progress_failed,
        )

    async def _current(self, run: JobRun) -> Job | None:
        """The row, locked, if `run` is still the live attempt."""
        job = await self.state.locked(run.id)
        if job is None or job.status != JobStatus.running or job.attempts != run.attempt:
            return None
        return job

    async def progress(
        self,
        run: JobRun,
        *,
        done: int | None = None,
        failed: int | None = None,
        total: int | None = None,
        item: dict[str, Any] | None = None,
        checkpoint: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Record progress and renew the lease; False means stop (canceled, or this attempt was superseded)."""
        now = now or utc_now()
        job = await self._current(run)
        if job is None:
            return False
        if done is not None:
            job.progress_done = done
        if failed is not None:
            job.progress_failed = failed
        if total is not None:
            job.progress_total = total
        if checkpoint is not None:
            job.checkpoint = checkpoint
        if item is not None:
            job.item_seq += 1
            job.recent_items = [*job.recent_items, {"seq": job.item_seq, **item}][-RECENT_ITEMS:]
        job.deadline_at = now + timedelta(seconds=job.timeout_seconds)
        await self.session.flush()
        return True

    async def finish(self, run: JobRun, result: dict[str, Any], *, now: datetime | None = None) -> bool:
        job = await self._current(run)
        if job is None:
            return False
        job.status = JobStatus.succeeded
        job.result = result
        job.finished_at = now or utc_now()
        job.deadline_at = None
        await self._release_credits(job, "Job finished")
        await self.session.flush()
        return True

    async def fail(
        self,
        run: JobRun,
        code: str,
        message: str,
        *,
        retryable: bool,
        result: dict[str, Any] | None = None,
        retry_in: float = 0,
        now: datetime | None = None,
    ) -> JobStatus | None:
        """A failed attempt: back to queued when `retryable` and attempts remain (the caller schedules the
        retry), else failed for good. None when the attempt was no longer live."""
        now = now or utc_now()
        job = await self._current(run)
        if job is None:
            return None
        job.error_code, job.error_message = code, message[:1000]
        if result is not None:
            job.result = result
        if retryable and job.attempts < job.max_attempts:
            job.status = JobStatus.queued
            job.deadline_at = None
            # The retry is already scheduled in arq; the reconciler's grace counts from when it is due.
            job.enqueued_at = now + timedelta(seconds=retry_in)
        else:
            await self._fail(job, code, message, now)
        await self.session.flush()
        return job.status

    async def _fail(self, job: Job, code: str, message: str, now: datetime) -> None:
        job.status = JobStatus.failed
        job.error_code, job.error_message = code, message[:1000]
        job.finished_at = now
        job.deadline_at = None
        await self._release_credits(job, "Job failed")

    async def _release_credits(self, job: Job, reason: str) -> None:
        """However a job ends, the credits it still reserves go back (delivered outputs were captured already)."""
        if job.hold_id is None:
            return
        with contextlib.suppress(HoldNotOpen):  # every output was captured or released already
            await CreditLedgerService(self.session).release(job.organization_id, job.hold_id, reason=reason)

    # --- the reconciler ----------------------------------------------------------------------------------

    async def redispatch_if_stale(self, job_id: uuid.UUID, enqueued_before: datetime, now: datetime) -> bool:
        """A queued job whose arq message was lost (Redis restarted, enqueue failed) is sent again."""
        job = await self.state.locked(job_id)
        if job is None or job.status != JobStatus.queued or job.enqueued_at is None:
            return False
        if job.enqueued_at >= enqueued_before:  # another reconciler already re-sent it
            return False
        dispatch(self.session, job, now)
        await self.session.flush()
        return True

    async def recover_overdue(self, job_id: uuid.UUID, now: datetime) -> JobStatus | None:
        """A running job past its lease (its worker died or hung): retried while attempts remain, else failed."""
        job = await self.state.locked(job_id)
        if job is None or job.status != JobStatus.running or job.deadline_at is None or job.deadline_at >= now:
            return None
        if job.attempts < job.max_attempts:
            # Leaving `running` supersedes the dead attempt: should it wake up, its writes are refused.
            job.status = JobStatus.queued
            job.deadline_at = None
            job.error_code, job.error_message = "timed_out", "The attempt did not finish in time; retrying."
            dispatch(self.session, job, now)
        else:
            await self._fail(job, "timed_out", f"The job did not finish in time after {job.attempts} attempts.", now)
        await self.session.flush()
        return job.status
