"""Subscriptions: one allotment per paid period whatever order or how often Stripe's events arrive, upgrades add
only the difference, downgrades wait for the period end and archive (never delete) what no longer fits, and the
local mirror ends up equal to Stripe's subscription."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI

from api.models import LotSource
from sandbox.stripe import StripeSandbox
from tests.billing.helpers import (
    checkout,
    deliver,
    deliver_all,
    lots,
    organization,
    process,
    subscribe,
    subscription_row,
)
from tests.helpers import assert_problem, put_on_plan


def org_id(client: Any) -> str:
    return str(client.created["organization"]["id"])


def at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def period_end(sandbox: StripeSandbox, subscription_id: str) -> int:
    return int(sandbox.get(subscription_id)["items"]["data"][0]["current_period_end"])


async def test_subscribing_grants_each_paid_period_once_expiring_at_its_end(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox
) -> None:
    subscription = await subscribe(owner, billing_app, sandbox, "pro")
    [first] = await lots(billing_app, org_id(owner), LotSource.allotment)
    assert (first.amount, first.category) == (500, "paid")
    assert first.expires_at == at(period_end(sandbox, subscription))
    assert (await organization(billing_app, org_id(owner))).plan_code == "pro"
    state = (await owner.get("/billing/subscription")).json()
    assert (state["status"], state["plan"]["code"], state["interval"]) == ("active", "pro", "month")
    assert state["usage"]["credits_available"] == 510

    seen = len(sandbox.events)
    ends = []
    for _ in range(3):
        sandbox.advance(subscription)
        ends.append(period_end(sandbox, subscription))
        seen = await deliver_all(owner, billing_app, sandbox, seen)
    allotments = await lots(billing_app, org_id(owner), LotSource.allotment)
    assert [lot.amount for lot in allotments] == [500] * 4
    assert [lot.expires_at for lot in allotments[1:]] == [at(end) for end in ends]

    # A declined renewal: nothing granted, the subscription shows past_due, the merchant is told.
    sandbox.advance(subscription, fail=True)
    await deliver_all(owner, billing_app, sandbox, seen)
    assert len(await lots(billing_app, org_id(owner), LotSource.allotment)) == 4
    state = (await owner.get("/billing/subscription")).json()
    assert (state["status"], state["plan"]["code"]) == ("past_due", "pro")  # kept while Stripe retries
    notices = (await owner.get("/notifications")).json()["items"]
    assert any(n["kind"] == "payment_failed" for n in notices)
    invoices = (await owner.get("/billing/invoices")).json()["items"]
    assert [i["status"] for i in invoices] == ["open", "paid", "paid", "paid", "paid"]
    assert invoices[1]["amount_paid"] == 14900


async def test_checkout_completed_and_invoice_paid_in_either_order_grant_once(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox
) -> None:
    for order in ("completed_first", "invoice_first"):
        await put_on_plan(billing_app, org_id(owner), "trial")
        if order == "invoice_first":
            # The first subscription ends before the second checkout (one live subscription per workspace).
            live = await subscription_row(billing_app, org_id(owner))
            assert live is not None
            sandbox.objects[live.stripe_subscription_id]["status"] = "canceled"
            await _delete_subscription_row(billing_app, org_id(owner))
        start = len(sandbox.events)
        cs = await checkout(owner, plan_code="starter", interval="month")
        sandbox.pay(cs)
        events = {e["type"]: e for e in sandbox.events[start:]}
        pair = [events["checkout.session.completed"], events["invoice.paid"], events["invoice.payment_succeeded"]]
        if order == "invoice_first":
            pair.reverse()
        for event in pair + pair:  # and each twice
            assert (await deliver(owner, sandbox, event)).status_code == 200
            await process(billing_app, event["id"])
        subscription = sandbox.get(cs)["subscription"]
        granted = [
            lot
            for lot in await lots(billing_app, org_id(owner), LotSource.allotment)
            if subscription in (lot.external_reference or "")
        ]
        assert [lot.amount for lot in granted] == [100], order


async def _delete_subscription_row(app: FastAPI, organization_id: str) -> None:
    import uuid

    from sqlalchemy import delete

    from api.models import Subscription

    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(delete(Subscription).where(Subscription.organization_id == uuid.UUID(organization_id)))


async def test_subscription_events_out_of_order_leave_stripes_state(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox, stripe_client: Any
) -> None:
    subscription = await subscribe(owner, billing_app, sandbox, "business")
    seen = len(sandbox.events)
    stripe_client.v1.subscriptions.update(subscription, params={"cancel_at_period_end": True})
    stripe_client.v1.subscriptions.update(subscription, params={"cancel_at_period_end": False})
    sandbox.advance(subscription)
    stripe_client.v1.subscriptions.update(subscription, params={"cancel_at_period_end": True})
    updates = [e for e in sandbox.events[seen:] if e["type"].startswith("customer.subscription.")]
    assert len(updates) >= 4
    random.Random(7).shuffle(updates)
    for event in reversed(updates):  # newest first, shuffled: whatever order, the end state is Stripe's
        assert (await deliver(owner, sandbox, event)).status_code == 200
        await process(billing_app, event["id"])
    row = await subscription_row(billing_app, org_id(owner))
    stripe_state = sandbox.get(subscription)
    item = stripe_state["items"]["data"][0]
    assert row is not None
    assert (row.status, row.cancel_at_period_end, row.plan_code) == (stripe_state["status"], True, "business")
    assert (row.current_period_start, row.current_period_end) == (
        at(item["current_period_start"]),
        at(item["current_period_end"]),
    )


async def test_an_upgrade_grants_the_difference_once_and_down_up_mints_nothing(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox
) -> None:
    subscription = await subscribe(owner, billing_app, sandbox, "starter")
    preview = (
        await owner.post(
            "/billing/subscription/change", json={"plan_code": "pro", "interval": "month", "preview": True}
        )
    ).json()
    assert (preview["applied"], preview["applies_at"], preview["price_difference"]) == (False, "now", 10000)
    assert (preview["monthly_credits_difference"], preview["product_slots_difference"]) == (400, 400)
    assert len(await lots(billing_app, org_id(owner), LotSource.allotment)) == 1  # a preview changes nothing

    seen = len(sandbox.events)
    changed = await owner.post("/billing/subscription/change", json={"plan_code": "pro", "interval": "month"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["applied"] is True
    seen = await deliver_all(owner, billing_app, sandbox, seen)
    allotments = await lots(billing_app, org_id(owner), LotSource.allotment)
    assert [lot.amount for lot in allotments] == [100, 400]
    assert allotments[1].expires_at == allotments[0].expires_at == at(period_end(sandbox, subscription))
    assert (await organization(billing_app, org_id(owner))).plan_code == "pro"
    upgrade_invoice = sandbox.of_type("invoice")[-1]
    assert upgrade_invoice["billing_reason"] == "subscription_update"
    assert upgrade_invoice["amount_due"] > 0  # prorated and invoiced at once

    # Down (waits for the period end) and up again (cancels the waiting downgrade): no credits either way.
    down = await owner.post("/billing/subscription/change", json={"plan_code": "starter", "interval": "month"})
    assert (down.json()["applies_at"], down.json()["applied"]) == ("period_end", True)
    assert (await owner.get("/billing/subscription")).json()["scheduled_change"]["plan_code"] == "starter"
    up = await owner.post("/billing/subscription/change", json={"plan_code": "pro", "interval": "month"})
    assert up.status_code == 200, up.text
    await deliver_all(owner, billing_app, sandbox, seen)
    assert [lot.amount for lot in await lots(billing_app, org_id(owner), LotSource.allotment)] == [100, 400]
    state = (await owner.get("/billing/subscription")).json()
    assert (state["plan"]["code"], state["scheduled_change"]) == ("pro", None)
    assert sandbox.get(subscription)["items"]["data"][0]["price"]["unit_amount"] == 14900


async def test_a_downgrade_at_period_end_archives_unchosen_products_and_deletes_none(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox
) -> None:
    subscription = await subscribe(owner, billing_app, sandbox, "pro")
    product_ids = []
    for number in range(103):
        response = await owner.post("/products", json={"name": f"Chair {number}"})
        assert response.status_code == 201, response.text
        product_ids.append(response.json()["id"])

    preview = await owner.post(
        "/billing/subscription/change", json={"plan_code": "starter", "interval": "month", "preview": True}
    )
    assert (preview.json()["applies_at"], preview.json()["products_over_limit"]) == ("period_end", 3)
    seen = len(sandbox.events)
    down = await owner.post("/billing/subscription/change", json={"plan_code": "starter", "interval": "month"})
    assert down.status_code == 200, down.text
    keep = product_ids[-100:]  # the merchant keeps the newest hundred
    kept = await owner.post("/billing/subscription/keep-products", json={"product_ids": keep})
    assert kept.status_code == 200, kept.text
    too_many = await owner.post("/billing/subscription/keep-products", json={"product_ids": product_ids})
    assert_problem(too_many, 422)
    seen = await deliver_all(owner, billing_app, sandbox, seen)
    assert (await owner.get("/billing/subscription")).json()["plan"]["code"] == "pro"  # until the period ends

    sandbox.advance(subscription)  # the renewal, billed at Starter's price
    await deliver_all(owner, billing_app, sandbox, seen)
    assert sandbox.of_type("invoice")[-1]["amount_paid"] == 4900
    state = (await owner.get("/billing/subscription")).json()
    assert (state["plan"]["code"], state["scheduled_change"]) == ("starter", None)
    assert state["usage"]["product_slots_used"] == 100
    archived = (await owner.get("/products", params={"archived": True, "limit": 200})).json()["items"]
    assert sorted(p["id"] for p in archived) == sorted(product_ids[:3])
    for product_id in product_ids:  # archived, never deleted
        assert (await owner.get(f"/products/{product_id}")).status_code == 200
    allotments = await lots(billing_app, org_id(owner), LotSource.allotment)
    assert [lot.amount for lot in allotments] == [500, 100]  # the new period is granted at the new plan


async def test_cancel_resume_and_the_end_of_a_subscription(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox
) -> None:
    subscription = await subscribe(owner, billing_app, sandbox, "pro")
    seen = len(sandbox.events)
    assert (await owner.post("/billing/subscription/cancel")).json()["cancel_at_period_end"] is True
    assert (await owner.post("/billing/subscription/resume")).json()["cancel_at_period_end"] is False
    assert (await owner.post("/billing/subscription/cancel")).status_code == 200
    seen = await deliver_all(owner, billing_app, sandbox, seen)
    assert (await owner.get("/billing/subscription")).json()["plan"]["code"] == "pro"
    sandbox.advance(subscription)  # the period ends: the subscription with it
    await deliver_all(owner, billing_app, sandbox, seen)
    state = (await owner.get("/billing/subscription")).json()
    assert (state["status"], state["plan"]["code"]) == ("canceled", "trial")
    assert len(await lots(billing_app, org_id(owner), LotSource.allotment)) == 1
    # Subscribing again is allowed once the old one ended.
    again = await owner.post("/billing/checkout", json={"plan_code": "starter", "interval": "year"})
    assert again.status_code == 200, again.text


async def test_conflicts_a_second_plan_checkout_and_a_portal_without_customer(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox
) -> None:
    assert_problem(await owner.post("/billing/portal"), 409, "no_billing_account")
    assert_problem(
        await owner.post("/billing/subscription/change", json={"plan_code": "pro", "interval": "month"}),
        409,
        "no_subscription",
    )
    await subscribe(owner, billing_app, sandbox, "starter")
    assert_problem(
        await owner.post("/billing/checkout", json={"plan_code": "pro", "interval": "month"}),
        409,
        "subscription_active",
    )
    portal = await owner.post("/billing/portal")
    assert portal.status_code == 200
    assert portal.json()["url"].startswith(sandbox.base_url)
    # Every POST the app made to Stripe carried an idempotency key.
    assert all(call.idempotency_key for call in sandbox.calls if call.method == "post")
