"""Driving billing end to end: a merchant checks out, the sandbox takes the payment, the test delivers the signed
events to the in-process app (it has no port) and runs the worker's processing of them."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from api.models import CreditLot, LotSource, Organization, PackPurchase, StripeEvent, Subscription
from sandbox.stripe import StripeSandbox
from tests.helpers import Browser

WEBHOOK = "/webhooks/stripe"


def worker_ctx(app: FastAPI) -> dict[str, Any]:
    return {"sessionmaker": app.state.sessionmaker, "redis": app.state.arq, "settings": app.state.settings}


async def deliver(client: httpx.AsyncClient, sandbox: StripeSandbox, event: dict[str, Any]) -> httpx.Response:
    body, headers = sandbox.signed(event)
    return await client.post(WEBHOOK, content=body, headers=headers)


async def process(app: FastAPI, event_id: str) -> str | None:
    from workers.billing import handle_stripe_event

    return await handle_stripe_event(worker_ctx(app), event_id)


async def deliver_all(
    client: httpx.AsyncClient, app: FastAPI, sandbox: StripeSandbox, since: int = 0, *, only: tuple[str, ...] = ()
) -> int:
    """Deliver the sandbox's events from index `since` in order, each processed before the next (as a worker
    keeping up would); the index to continue from."""
    events = sandbox.events[since:]
    for event in events:
        if only and event["type"] not in only:
            continue
        response = await deliver(client, sandbox, event)
        assert response.status_code == 200, response.text
        await process(app, event["id"])
    return since + len(events)


def session_id(checkout_url: str) -> str:
    return checkout_url.rsplit("/", 1)[-1]


async def checkout(client: Browser, **body: Any) -> str:
    response = await client.post("/billing/checkout", json=body)
    assert response.status_code == 200, response.text
    return session_id(response.json()["checkout_url"])


async def subscribe(
    client: Browser, app: FastAPI, sandbox: StripeSandbox, plan: str = "pro", interval: str = "month"
) -> str:
    """Check out a plan, pay, deliver everything; the Stripe subscription id."""
    cs = await checkout(client, plan_code=plan, interval=interval)
    sandbox.pay(cs)
    await deliver_all(client, app, sandbox)
    subscription = sandbox.get(cs)["subscription"]
    assert isinstance(subscription, str)
    return subscription


async def lots(app: FastAPI, organization_id: str, source: LotSource | None = None) -> list[CreditLot]:
    async with app.state.sessionmaker() as session:
        statement = select(CreditLot).where(CreditLot.organization_id == uuid.UUID(organization_id))
        if source is not None:
            statement = statement.where(CreditLot.source == source)
        return list((await session.scalars(statement.order_by(CreditLot.created_at))).all())


async def row_counts(app: FastAPI) -> dict[str, int]:
    """Rows billing writes, to prove a refused webhook wrote nothing."""
    async with app.state.sessionmaker() as session:
        counts = {}
        for model in (StripeEvent, Subscription, PackPurchase, CreditLot):
            counts[model.__tablename__] = len((await session.scalars(select(model))).all())
        return counts


async def organization(app: FastAPI, organization_id: str) -> Organization:
    async with app.state.sessionmaker() as session:
        found = await session.get(Organization, uuid.UUID(organization_id))
        assert found is not None
        return found


async def subscription_row(app: FastAPI, organization_id: str) -> Subscription | None:
    async with app.state.sessionmaker() as session:
        found: Subscription | None = await session.scalar(
            select(Subscription).where(Subscription.organization_id == uuid.UUID(organization_id))
        )
        return found


async def gather(*calls: Any) -> list[Any]:
    return list(await asyncio.gather(*calls))


def reserialized(body: bytes) -> bytes:
    return json.dumps(json.loads(body), separators=(",", ":")).encode()
