"""Stripe events: processed one at a time from the stored row (api/billing/webhooks.py), retried by the reconciler.

A failed attempt (Stripe unreachable while re-reading a subscription, say) rolls back, is counted on the event
with its error, and the reconciler sends the event again after a grace period, up to MAX_ATTEMPTS."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from api.billing.repository import StripeEventRepository
from api.billing.webhooks import EVENT_TASK, StripeWebhookService, event_job_id
from api.core.ids import uuid7
from api.core.queue import DEFAULT_QUEUE, enqueue_after_commit
from api.core.time import utc_now
from workers.session import task_session

logger = logging.getLogger("epox.billing")

# A stored event still unprocessed after this long lost its job, or failed: the reconciler sends it again.
EVENT_GRACE = timedelta(minutes=2)
MAX_ATTEMPTS = 10


async def handle_stripe_event(ctx: dict[str, Any], event_id: str) -> str | None:
    """arq task: apply one stored Stripe event (already processed: nothing happens); its outcome."""
    try:
        async with task_session(ctx) as session:
            return await StripeWebhookService(session, ctx["settings"]).process(event_id)
    except Exception as exc:
        logger.exception("stripe event failed", extra={"event_id": event_id})
        async with task_session(ctx) as session:
            await StripeWebhookService(session, ctx["settings"]).record_failure(
                event_id, f"{type(exc).__name__}: {exc}"
            )
        raise


async def requeue_stripe_events(ctx: dict[str, Any]) -> int:
    async with task_session(ctx) as session:
        ids = await StripeEventRepository(session).unprocessed_ids(utc_now() - EVENT_GRACE, MAX_ATTEMPTS, 500)
        for event_id in ids:
            # A fresh id per sweep: arq refuses an id whose previous result it still remembers.
            enqueue_after_commit(
                session, EVENT_TASK, event_id, queue=DEFAULT_QUEUE, job_id=f"{event_job_id(event_id)}:{uuid7()}"
            )
    return len(ids)
