"""The reconciler: a periodic sweep that repairs what a lost job or a crashed worker left behind.

It never trusts arq hooks: each step reads the database (the source of truth), fixes what is overdue, and is
idempotent, so several workers may run it at once. Later domains add their steps to `RECONCILE_STEPS`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from api.assets.repository import TrashRepository
from api.assets.schemas import TRASH_RETENTION
from api.core.ids import uuid7
from api.core.queue import DEFAULT_QUEUE, enqueue_after_commit
from api.core.storage import Storage
from api.core.time import utc_now
from api.mail.repository import EmailRepository
from api.mail.service import MAX_ATTEMPTS
from workers.billing import requeue_stripe_events
from workers.credits import CREDIT_RECONCILE_STEPS
from workers.digest import send_weekly_digests
from workers.jobs import reconcile_jobs
from workers.publish import settle_orphaned_syncs
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


PURGE_BATCH = 200
# A restore is refused from `TRASH_RETENTION` on; the sweep waits a little longer so that a restore racing the
# cutoff on another clock never loses its files.
PURGE_GRACE = timedelta(hours=1)


async def purge_trashed_assets(ctx: dict[str, Any], *, now: datetime | None = None) -> int:
    """Assets in the trash for longer than the restore window: their files are deleted from storage, then their
    rows. Files first, so a crash in between leaves a row whose (idempotent) file deletes the next sweep repeats,
    never a file nobody points at; no restore can intervene, as restores past the window are refused."""
    cutoff = (now or utc_now()) - TRASH_RETENTION - PURGE_GRACE
    async with task_session(ctx) as session:
        due = await TrashRepository(session).due(cutoff, PURGE_BATCH)
    if not due:
        return 0
    storage: Storage = ctx["storage"]
    purged: list[uuid.UUID] = []
    for trashed in due:
        try:
            for key in trashed.keys:
                await storage.delete(key)
        except Exception:
            logger.exception("purging an asset's files failed", extra={"asset_id": str(trashed.id)})
            continue
        purged.append(trashed.id)
    async with task_session(ctx) as session:
        return await TrashRepository(session).remove(purged, cutoff)


RECONCILE_STEPS: list[ReconcileStep] = [
    requeue_stuck_emails,
    *CREDIT_RECONCILE_STEPS,
    reconcile_jobs,
    requeue_store_webhooks,
    requeue_stripe_events,
    settle_orphaned_syncs,
    purge_trashed_assets,
    send_weekly_digests,
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
