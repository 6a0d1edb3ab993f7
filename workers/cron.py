"""The reconciler: a periodic sweep that repairs what a lost job or a crashed worker left behind.

It never trusts arq hooks: each step reads the database (the source of truth), fixes what is overdue, and is
idempotent, so several workers may run it at once. Later domains add their steps to `RECONCILE_STEPS`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from api.core.ids import uuid7
from api.core.queue import DEFAULT_QUEUE, enqueue_after_commit
from api.core.time import utc_now
from api.mail.repository import EmailRepository
from api.mail.service import MAX_ATTEMPTS
from workers.billing import requeue_stripe_events
from workers.credits import CREDIT_RECONCILE_STEPS
from workers.jobs import reconcile_jobs
from workers.session import task_session
from workers.store_sync import requeue_store_webhooks

logger = logging.getLogger("epox.reconciler")

ReconcileStep = Callable[[dict[str, Any]], Awaitable[int]]


async def requeue_stuck_emails(ctx: dict[str, Any]) -> int:
    """Outbox messages still unsent five minutes on (their job was lost, or SMTP failed) go back on the queue."""
    async with task_session(ctx) as session:
        ids = await EmailRepository(session).unsent_ids(
            created_before=utc_now() - timedelta(minutes=5), max_attempts=MAX_ATTEMPTS, limit=500
        )
        for message_id in ids:
            # A fresh job id per sweep: arq refuses an id whose previous result it still remembers.
            enqueue_after_commit(
                session,
                "send_email",
                str(message_id),
                queue=DEFAULT_QUEUE,
                job_id=f"email:{message_id}:{uuid7()}",
            )
    return len(ids)


RECONCILE_STEPS: list[ReconcileStep] = [
    requeue_stuck_emails,
    *CREDIT_RECONCILE_STEPS,
    reconcile_jobs,
    requeue_store_webhooks,
    requeue_stripe_events,
]


async def reconcile(ctx: dict[str, Any]) -> dict[str, int]:
    """Run every step; one failing step does not stop the others."""
    results: dict[str, int] = {}
    for step in RECONCILE_STEPS:
        try:
            results[step.__name__] = await step(ctx)
        except Exception:
            logger.exception("reconcile step failed", extra={"step": step.__name__})
            results[step.__name__] = -1
    return results
