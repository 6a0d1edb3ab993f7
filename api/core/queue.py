"""Jobs are recorded on the session during a request or task and sent to arq only after the commit.

A rolled-back transaction therefore never leaves a job behind, and a job never runs before the rows it reads
exist. If Redis is down at flush time the rows are still committed; the reconciler re-enqueues them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from arq.connections import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger("epox.queue")

DEFAULT_QUEUE = "epox:default"
IMAGE_QUEUE = "epox:image"
VIDEO_QUEUE = "epox:video"
SYNC_QUEUE = "epox:sync"
ALL_QUEUES = (DEFAULT_QUEUE, IMAGE_QUEUE, VIDEO_QUEUE, SYNC_QUEUE)

_PENDING = "epox_pending_jobs"


@dataclass(frozen=True)
class PendingJob:
    function: str
    args: tuple[Any, ...]
    queue: str
    job_id: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


def enqueue_after_commit(
    session: AsyncSession, function: str, *args: Any, queue: str = DEFAULT_QUEUE, job_id: str | None = None
) -> None:
    """Record a job (arguments are ids only) to be sent once `session` commits."""
    session.info.setdefault(_PENDING, []).append(PendingJob(function, args, queue, job_id))


def discard_pending_jobs(session: AsyncSession) -> None:
    session.info.pop(_PENDING, None)


async def flush_pending_jobs(session: AsyncSession, redis: ArqRedis | None) -> int:
    """Send the jobs recorded on `session`; call right after a successful commit."""
    jobs: list[PendingJob] = session.info.pop(_PENDING, [])
    if not jobs:
        return 0
    if redis is None:
        logger.warning("no queue connection; %d job(s) left to the reconciler", len(jobs))
        return 0
    sent = 0
    for job in jobs:
        try:
            await redis.enqueue_job(job.function, *job.args, _queue_name=job.queue, _job_id=job.job_id)
            sent += 1
        except Exception:  # the committed rows are the source of truth; the reconciler retries
            logger.exception("enqueue failed", extra={"function": job.function, "queue": job.queue})
    return sent
