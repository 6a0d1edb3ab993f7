"""Credit packs: one lot per paid checkout session whatever Stripe repeats, granted only when Stripe says the
money arrived, clawed back once when the payment is refunded or a dispute is lost."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import FastAPI

from api.models import LotSource
from sandbox.stripe import StripeSandbox
from tests.billing.helpers import checkout, deliver, deliver_all, lots, process
from tests.helpers import assert_problem


def org_id(client: Any) -> str:
    return str(client.created["organization"]["id"])


async def available(client: Any) -> int:
    return int((await client.get("/credits/balance")).json()["available"])


async def test_packs_and_plans_are_listed_publicly(anonymous: Any, billing_app: FastAPI) -> None:
    from tests.helpers import new_browser

    async with new_browser(billing_app) as client:
        packs = (await client.get("/billing/packs")).json()["items"]
        plans = (await client.get("/billing/plans")).json()["items"]
    assert [(p["code"], p["credits"], p["price"]["amount"]) for p in packs] == [
        ("pack_50", 50, 1200),
        ("pack_200", 200, 4000),
        ("pack_1000", 1000, 15000),
    ]
    pro = next(p for p in plans if p["code"] == "pro")
    assert pro["prices"] == [
        {"interval": "month", "amount": 14900, "currency": "usd"},
        {"interval": "year", "amount": 149000, "currency": "usd"},
    ]
    assert pro["limits"] == {"seats": 3, "concurrent_jobs": 5, "api_access": True, "rollover_cap": 0}
    assert (pro["product_slots"], pro["monthly_credits"]) == (500, 500)


async def test_a_paid_pack_grants_one_lot_that_never_expires(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox
) -> None:
    cs = await checkout(owner, pack_code="pack_200")
    # The way back from checkout grants nothing: only Stripe's event does.
    assert await available(owner) == 10
    sandbox.pay(cs)
    completed = next(e for e in sandbox.events if e["type"] == "checkout.session.completed")

    # The same event delivered 10 times at once: stored once, and processing it 10 times at once grants once.
    answers = await asyncio.gather(*(deliver(owner, sandbox, completed) for _ in range(10)))
    assert sorted(a.json()["status"] for a in answers) == ["accepted"] + ["duplicate"] * 9
    outcomes = await asyncio.gather(*(process(billing_app, completed["id"]) for _ in range(10)))
    assert sorted(o for o in outcomes if o) == ["granted 200 pack credits"]
    await deliver_all(owner, billing_app, sandbox)  # everything else Stripe sent changes nothing

    [lot] = await lots(billing_app, org_id(owner), LotSource.pack)
    assert (lot.amount, lot.remaining, lot.expires_at, lot.category) == (200, 200, None, "paid")
    assert lot.external_reference == f"checkout:{cs}"
    assert await available(owner) == 210


async def test_an_async_payment_grants_only_when_it_succeeds(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox
) -> None:
    paid_later, bounced = await checkout(owner, pack_code="pack_50"), await checkout(owner, pack_code="pack_1000")
    sandbox.pay(paid_later, outcome="async")
    sandbox.pay(bounced, outcome="async")
    seen = await deliver_all(owner, billing_app, sandbox)
    assert await lots(billing_app, org_id(owner), LotSource.pack) == []  # completed, but unpaid

    sandbox.settle_async(paid_later)
    sandbox.settle_async(bounced, succeed=False)
    await deliver_all(owner, billing_app, sandbox, seen)
    [lot] = await lots(billing_app, org_id(owner), LotSource.pack)
    assert lot.amount == 50
    assert await available(owner) == 60


async def test_a_refund_claws_back_the_unspent_pack_credits_once(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox, stripe_client: Any
) -> None:
    cs = await checkout(owner, pack_code="pack_200")
    sandbox.pay(cs)
    seen = await deliver_all(owner, billing_app, sandbox)
    assert await available(owner) == 210

    intent = sandbox.get(cs)["payment_intent"]
    stripe_client.v1.refunds.create(params={"payment_intent": intent, "amount": 1000})  # a partial refund
    stripe_client.v1.refunds.create(params={"payment_intent": intent})  # and the rest
    await deliver_all(owner, billing_app, sandbox, seen)
    assert await available(owner) == 10  # the trial's credits stay
    [lot] = await lots(billing_app, org_id(owner), LotSource.pack)
    assert lot.remaining == 0
    balance = (await owner.get("/credits/entries", params={"type": "clawback"})).json()["items"]
    assert [entry["amount"] for entry in balance] == [-200]


async def test_a_lost_dispute_claws_back_and_a_won_one_does_not(
    owner: Any, billing_app: FastAPI, sandbox: StripeSandbox
) -> None:
    cs = await checkout(owner, pack_code="pack_50")
    sandbox.pay(cs)
    await deliver_all(owner, billing_app, sandbox)
    session = sandbox.get(cs)
    charge = sandbox.get(sandbox.get(session["payment_intent"])["latest_charge"])

    def dispute(status: str, number: int) -> dict[str, Any]:
        # The sandbox does not emit disputes: the event is built as Stripe sends it, and signed by the sandbox.
        return {
            "id": f"evt_dispute_{number}",
            "object": "event",
            "type": "charge.dispute.closed",
            "created": charge["created"],
            "data": {
                "object": {
                    "id": f"dp_{number}",
                    "object": "dispute",
                    "charge": charge["id"],
                    "payment_intent": session["payment_intent"],
                    "status": status,
                    "amount": charge["amount"],
                }
            },
        }

    for number, status in enumerate(("won", "lost", "lost")):
        event = dispute(status, number)
        assert (await deliver(owner, sandbox, event)).status_code == 200
        await process(billing_app, event["id"])
    assert await available(owner) == 10
    entries = (await owner.get("/credits/entries", params={"type": "clawback"})).json()["items"]
    assert [entry["amount"] for entry in entries] == [-50]


async def test_unknown_pack_and_plan_codes_are_refused(owner: Any, sandbox: StripeSandbox) -> None:
    assert_problem(await owner.post("/billing/checkout", json={"pack_code": "pack_7"}), 422, "unknown_pack")
    assert_problem(
        await owner.post("/billing/checkout", json={"plan_code": "platinum", "interval": "month"}), 422, "unknown_plan"
    )
    # The trial is not sold, and both kinds at once is not a checkout.
    assert_problem(
        await owner.post("/billing/checkout", json={"plan_code": "trial", "interval": "month"}), 422, "unknown_plan"
    )
    assert_problem(
        await owner.post("/billing/checkout", json={"plan_code": "pro", "interval": "month", "pack_code": "pack_50"}),
        422,
    )
    assert sandbox.calls == []  # nothing reached Stripe
