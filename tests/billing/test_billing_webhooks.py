"""The Stripe webhook endpoint: a delivery must carry a valid signature over the exact bytes, recently; anything
else is refused with 400 before a single row is written. Events the app cannot place are stored and ignored."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from api.billing.exceptions import StripeRequestFailed
from api.models import StripeEvent
from sandbox.stripe import StripeSandbox
from tests.billing.helpers import WEBHOOK, checkout, deliver, deliver_all, process, reserialized, row_counts
from tests.helpers import assert_problem


async def _an_event(owner: Any, sandbox: StripeSandbox) -> dict[str, Any]:
    cs = await checkout(owner, pack_code="pack_50")
    sandbox.pay(cs)
    return next(e for e in sandbox.events if e["type"] == "checkout.session.completed")


async def test_forged_reserialized_and_stale_deliveries_are_refused_without_writes(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox
) -> None:
    event = await _an_event(owner, sandbox)
    before = await row_counts(billing_app)
    body, headers = sandbox.signed(event)

    forged_body, forged = sandbox.signed(event, secret="whsec_someone_else")
    stale_body, stale = sandbox.signed(event, timestamp=int(time.time()) - 301)
    attempts = [
        (forged_body, forged),  # signed with another secret
        (reserialized(body), headers),  # same JSON, other bytes
        (stale_body, stale),  # older than the tolerance: a replay
        (body, {"Content-Type": "application/json"}),  # no signature at all
        (body, {**headers, "Stripe-Signature": "t=1,v1=00"}),
    ]
    for content, sent_headers in attempts:
        assert_problem(
            await owner.post(WEBHOOK, content=content, headers=sent_headers), 400, "invalid_stripe_signature"
        )
    assert await row_counts(billing_app) == before
    queued = await billing_app.state.arq.queued_jobs(queue_name="epox:default")
    assert [job for job in queued if job.function == "handle_stripe_event"] == []

    accepted = await owner.post(WEBHOOK, content=body, headers=headers)
    assert accepted.json() == {"status": "accepted"}


async def test_events_for_unknown_customers_and_unknown_types_are_stored_and_ignored(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox, stripe_client: Any
) -> None:
    # A subscription bought outside Epox (another integration on the same Stripe account).
    session = stripe_client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "customer_email": "stranger@example.com",
            "success_url": "https://elsewhere.example/done",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 999,
                        "recurring": {"interval": "month"},
                        "product_data": {"name": "Something else"},
                    },
                }
            ],
        }
    )
    sandbox.pay(session.id)
    strange = {
        "id": "evt_unknown_type",
        "object": "event",
        "type": "radar.early_fraud_warning.created",
        "created": int(time.time()),
        "data": {"object": {"id": "issfr_1", "object": "radar.early_fraud_warning"}},
    }
    assert (await deliver(owner, sandbox, strange)).status_code == 200
    await process(billing_app, strange["id"])
    await deliver_all(owner, billing_app, sandbox)

    async with billing_app.state.sessionmaker() as db:
        events = list((await db.scalars(select(StripeEvent))).all())
    assert events
    assert all(e.processed_at is not None for e in events)
    outcomes = {e.type: e.outcome for e in events}
    assert outcomes["invoice.paid"] == "ignored: unknown customer"
    assert outcomes["customer.subscription.created"] == "ignored: unknown customer"
    assert outcomes["radar.early_fraud_warning.created"] == "ignored: event type not handled"
    assert (await owner.get("/billing/subscription")).json()["status"] == "none"


async def test_a_failed_attempt_is_recorded_and_retried_by_the_reconciler(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox
) -> None:
    from datetime import timedelta

    from tests.billing.helpers import worker_ctx
    from workers.billing import requeue_stripe_events

    cs = await checkout(owner, plan_code="pro", interval="month")
    sandbox.pay(cs)
    paid = next(e for e in sandbox.events if e["type"] == "invoice.paid")
    assert (await deliver(owner, sandbox, paid)).status_code == 200
    real_key = sandbox.api_key
    sandbox.api_key = "sk_test_rotated"  # Stripe refuses us for a while: the re-read of the subscription fails
    try:
        with pytest.raises(StripeRequestFailed):
            await process(billing_app, paid["id"])
    finally:
        sandbox.api_key = real_key
    async with billing_app.state.sessionmaker() as db, db.begin():
        event = await db.get(StripeEvent, paid["id"])
        assert event is not None
        assert (event.processed_at, event.attempts) == (None, 1)
        assert event.last_error
        event.received_at -= timedelta(minutes=5)  # past the grace period
    await billing_app.state.arq.flushdb()
    assert await requeue_stripe_events(worker_ctx(billing_app)) == 1
    [job] = await billing_app.state.arq.queued_jobs(queue_name="epox:default")
    assert (job.function, job.args) == ("handle_stripe_event", (paid["id"],))
    assert await process(billing_app, paid["id"]) == "granted 500 credits"
