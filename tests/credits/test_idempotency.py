"""`Idempotency-Key`: replay, 409 on a different body, 409 while in flight, one effect however often it is sent.

The mechanism is exercised on a small credit-moving route registered here (the way a generation endpoint will
use it) and on the admin grant endpoint."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated, Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, Depends, FastAPI, status
from fastapi.routing import APIRoute
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.dependencies import MemberAccess
from api.core.config import Settings
from api.core.idempotency import Guard, IdempotentRoute, _lock_key, idempotent
from api.core.routing import get_session
from api.core.schemas import RequestModel
from api.core.time import utc_now
from api.credits.service import CreditLedgerService
from api.main import API_PREFIX, create_app
from api.models import CreditEntry, CreditHold, CreditLot, EntryType, User
from tests.helpers import Browser, assert_problem, make_browser, signup

CONCURRENT = 20


class HoldRequest(RequestModel):
    amount: int


def member_scope(ctx: MemberAccess) -> uuid.UUID:
    return ctx.organization_id


def credit_moving_router() -> APIRouter:
    """What a credit-consuming endpoint looks like: reserve credits, then do slow work (here: sleep)."""
    router = APIRouter(prefix=f"{API_PREFIX}/test", route_class=IdempotentRoute)

    @router.post("/holds", status_code=status.HTTP_201_CREATED)
    async def create_test_hold(
        body: HoldRequest,
        ctx: MemberAccess,
        session: Annotated[AsyncSession, Depends(get_session)],
        idempotency: Annotated[Guard | None, idempotent(member_scope)],
    ) -> dict[str, Any]:
        """Test only: hold credits."""
        held = await CreditLedgerService(session).hold(
            ctx.organization_id, body.amount, expires_at=utc_now() + timedelta(hours=1)
        )
        await asyncio.sleep(0.2)  # the job's slow part: every concurrent duplicate arrives while this one runs
        return {"hold_id": str(held.id), "available": held.available_after, "nonce": uuid.uuid4().hex}

    return router


@pytest.fixture(scope="module")
async def test_app(migrated: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(migrated)
    application.include_router(credit_moving_router())
    application.router.routes.insert(0, application.router.routes.pop())  # ahead of the SPA's catch-all
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def merchant(test_app: FastAPI) -> AsyncIterator[Browser]:
    client = make_browser(test_app)
    await signup(client)
    yield client
    await client.aclose()


async def count(app: FastAPI, model: type[Any], *where: Any) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_the_same_key_sent_20_times_at_once_makes_one_hold(test_app: FastAPI, merchant: Browser) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    responses = await asyncio.gather(
        *(merchant.post("/test/holds", json={"amount": 2}, headers=key) for _ in range(CONCURRENT))
    )
    # Each duplicate either arrived while the first was running (409) or after it committed (its replay).
    created = [r for r in responses if r.status_code == 201 and "idempotent-replayed" not in r.headers]
    replayed = [r for r in responses if r.status_code == 201 and "idempotent-replayed" in r.headers]
    assert len(created) == 1, [r.status_code for r in responses]
    assert all(r.content == created[0].content for r in replayed)
    for response in responses:
        if response.status_code != 201:
            assert_problem(response, 409, "idempotency_request_in_flight")
    assert await count(test_app, CreditHold) == 1
    assert await count(test_app, CreditEntry, CreditEntry.type == EntryType.hold) == 1
    assert (await merchant.get("/credits/balance")).json()["available"] == 8

    # Once it finished, a retry replays the stored response exactly, and moves nothing.
    replay = await merchant.post("/test/holds", json={"amount": 2}, headers=key)
    assert replay.status_code == 201
    assert replay.content == created[0].content
    assert replay.headers["idempotent-replayed"] == "true"
    # Same request, other JSON formatting: still the same request.
    assert (await merchant.post("/test/holds", content=b'{ "amount" : 2 }', headers=key)).content == replay.content
    assert await count(test_app, CreditHold) == 1

    assert_problem(await merchant.post("/test/holds", json={"amount": 3}, headers=key), 409, "idempotency_key_reused")
    assert await count(test_app, CreditHold) == 1


async def test_a_request_in_flight_answers_409(test_app: FastAPI, merchant: Browser) -> None:
    me = (await merchant.get("/me")).json()
    key = "in-flight-key"
    endpoint = f"POST {API_PREFIX}/test/holds"
    async with test_app.state.engine.connect() as other:  # the first request, still running, holds the lock
        await other.execute(
            text("SELECT pg_advisory_xact_lock(:key)"),
            {"key": _lock_key(uuid.UUID(me["organization"]["id"]), endpoint, key)},
        )
        response = await merchant.post("/test/holds", json={"amount": 1}, headers={"Idempotency-Key": key})
        assert_problem(response, 409, "idempotency_request_in_flight")
        await other.rollback()
    assert (await merchant.post("/test/holds", json={"amount": 1}, headers={"Idempotency-Key": key})).status_code == 201


async def test_keys_belong_to_one_organization_and_failures_are_not_stored(
    test_app: FastAPI, merchant: Browser
) -> None:
    other = make_browser(test_app)
    await signup(other)
    key = {"Idempotency-Key": "shared-key"}
    mine = await merchant.post("/test/holds", json={"amount": 1}, headers=key)
    theirs = await other.post("/test/holds", json={"amount": 1}, headers=key)
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["hold_id"] != theirs.json()["hold_id"]

    # A refused request rolled back, so the same key works once the merchant has credits.
    refused = await other.post("/test/holds", json={"amount": 50}, headers={"Idempotency-Key": "retry-me"})
    assert_problem(refused, 402, "insufficient_credits")
    me = (await other.get("/me")).json()
    async with test_app.state.sessionmaker() as session:
        await CreditLedgerService(session).adjust(uuid.UUID(me["organization"]["id"]), 100, reason="Top-up")
        await session.commit()
    retried = await other.post("/test/holds", json={"amount": 50}, headers={"Idempotency-Key": "retry-me"})
    assert retried.status_code == 201
    await other.aclose()


async def test_malformed_keys_are_refused(merchant: Browser) -> None:
    for bad in ("", "has space", "x" * 256):
        assert_problem(await merchant.post("/test/holds", json={"amount": 1}, headers={"Idempotency-Key": bad}), 422)


async def test_admin_grants_with_a_key_happen_once(test_app: FastAPI, merchant: Browser) -> None:
    admin = make_browser(test_app)
    created = await signup(admin)
    async with test_app.state.sessionmaker() as session:
        await session.execute(update(User).where(User.email == created["user"]["email"]).values(is_platform_admin=True))
        await session.commit()
    org = (await merchant.get("/me")).json()["organization"]["id"]
    url, key = f"/admin/organizations/{org}/credit-grants", {"Idempotency-Key": "grant-1"}
    body = {"amount": 25, "reason": "Goodwill"}
    responses = await asyncio.gather(*(admin.post(url, json=body, headers=key) for _ in range(CONCURRENT)))
    assert {r.status_code for r in responses} <= {201, 409}
    assert await count(test_app, CreditLot, CreditLot.amount == 25) == 1
    replay = await admin.post(url, json=body, headers=key)
    assert replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert_problem(await admin.post(url, json={**body, "amount": 26}, headers=key), 409, "idempotency_key_reused")
    assert (await merchant.get("/credits/balance")).json()["available"] == 35
    await admin.aclose()


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every endpoint, also inside included routers (which this FastAPI keeps nested)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(_api_routes(route.original_router.routes))
    return found


def _header_aliases(dependant: Any) -> set[str]:
    aliases = {p.alias for p in dependant.header_params}
    for sub in dependant.dependencies:
        aliases |= _header_aliases(sub)
    return aliases


def test_every_route_taking_an_idempotency_key_stores_its_responses() -> None:
    """The header alone does nothing: the route class must be IdempotentRoute (the dependency also checks)."""
    app = create_app(Settings(env="test", log_json=False))
    taking_keys = [r for r in _api_routes(app.routes) if "Idempotency-Key" in _header_aliases(r.dependant)]
    assert {r.name for r in taking_keys} >= {"admin_grant_credits", "admin_adjust_credits"}
    for route in taking_keys:
        assert isinstance(route, IdempotentRoute), route.path
        assert route.methods == {"POST"}
