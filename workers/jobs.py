"""Running a `Job` row from an arq task: start (a no-op on a duplicate delivery), the work in short
transactions, then finish, retry with backoff, or fail. The final state is always written here or by the
reconciler, never by arq hooks, so a job that crashes on every try still ends `failed`."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from arq import Retry

from api.core.errors import EpoxError
from api.core.time import utc_now
from api.jobs.repository import JobStateRepository
from api.jobs.service import JobRun, JobService
from api.models import JobStatus
from workers.session import task_session

logger = logging.getLogger("epox.jobs")


class JobStopped(Exception):
    """The job was canceled or this attempt superseded; the task returns without writing more."""


class TransientJobError(Exception):
    """Worth another attempt later (a timeout, a 5xx, a throttle); `retry_after` overrides the backoff."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentJobError(Exception):
    """Retrying cannot help: the job fails now with this code."""

    def __init__(self, code: str, message: str, *, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.result = result


class JobContext:
    """What the work function gets: the attempt, and progress reporting in its own short transaction."""

    def __init__(self, ctx: dict[str, Any], run: JobRun) -> None:
        self.ctx = ctx
        self.run = run

    async def progress(self, **values: Any) -> None:
        """Commit progress (and the checkpoint); raises `JobStopped` when the job should stop."""
        async with task_session(self.ctx) as session:
            alive = await JobService(session).progress(self.run, **values)
        if not alive:
            raise JobStopped()


Work = Callable[[JobContext], Awaitable[dict[str, Any]]]


def backoff_seconds(attempt: int) -> float:
    return float(min(300, 5 * 2 ** (attempt - 1)))


async def run_job(ctx: dict[str, Any], job_id: str, work: Work) -> JobStatus | None:
    """Run one delivery of a job; returns the status it left the row in (None: nothing was done)."""
    async with task_session(ctx) as session:
        run = await JobService(session).start(uuid.UUID(job_id))
    if run is None:
        logger.info("job skipped", extra={"job_id": job_id})
        return None
    try:
        result = await work(JobContext(ctx, run))
    except JobStopped:
        return None
    except PermanentJobError as exc:
        async with task_session(ctx) as session:
            return await JobService(session).fail(run, exc.code, str(exc), retryable=False, result=exc.result)
    except Exception as exc:
        logger.exception("job attempt failed", extra={"job_id": job_id, "attempt": run.attempt})
        transient = isinstance(exc, TransientJobError)
        code = "transient_error" if transient else "internal_error"
        # Raw exception text stays in the log; the row (which clients read) gets a stable message.
        message = str(exc) if isinstance(exc, TransientJobError | EpoxError) else "The job failed unexpectedly."
        delay = exc.retry_after if isinstance(exc, TransientJobError) and exc.retry_after else None
        delay = delay if delay is not None else backoff_seconds(run.attempt)
        async with task_session(ctx) as session:
            status = await JobService(session).fail(run, code, message, retryable=True, retry_in=delay)
        if status == JobStatus.queued:
            raise Retry(defer=delay) from exc
        return status
    async with task_session(ctx) as session:
        finished = await JobService(session).finish(run, result)
    return JobStatus.succeeded if finished else None


# A queued job older than this (counted from when it was due) has presumably lost its arq message.
QUEUED_GRACE = timedelta(minutes=2)
RECONCILE_BATCH = 500


async def reconcile_jobs(ctx: dict[str, Any]) -> int:
    """Re-send queued jobs whose message was lost; retry or fail running jobs past their lease. One short
    transaction per job under its row lock, so two reconcilers at once do each repair once."""
    now = utc_now()
    async with task_session(ctx) as session:
        repository = JobStateRepository(session)
        stale = await repository.stale_queued_ids(now - QUEUED_GRACE, RECONCILE_BATCH)
        overdue = await repository.overdue_running_ids(now, RECONCILE_BATCH)
    repaired = 0
    for job_id in stale:
        async with task_session(ctx) as session:
            repaired += await JobService(session).redispatch_if_stale(job_id, now - QUEUED_GRACE, now)
    for job_id in overdue:
        async with task_session(ctx) as session:
            repaired += await JobService(session).recover_overdue(job_id, now) is not None
    return repaired
