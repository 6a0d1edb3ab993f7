"""What the plan allows beyond product slots: seats (members plus pending invitations), API keys, and the
generation engine's concurrency, all read from the plan the workspace is on."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI

from api.products.entitlements import concurrent_job_limit
from tests.helpers import assert_problem, put_on_plan, unique_email


def org_id(client: Any) -> str:
    return str(client.created["organization"]["id"])


async def test_invitations_stop_at_the_plans_seats(owner: Any, billing_app: FastAPI) -> None:
    # The trial has one seat: its owner.
    refused = assert_problem(
        await owner.post("/organization/invitations", json={"email": unique_email(), "role": "member"}),
        403,
        "seat_limit_reached",
    )
    assert (refused["limit"], refused["used"]) == (1, 1)
    await put_on_plan(billing_app, org_id(owner), "pro")  # three seats
    for _ in range(2):
        invited = await owner.post("/organization/invitations", json={"email": unique_email(), "role": "member"})
        assert invited.status_code == 201, invited.text
    assert_problem(
        await owner.post("/organization/invitations", json={"email": unique_email(), "role": "member"}),
        403,
        "seat_limit_reached",
    )
    usage = (await owner.get("/billing/subscription")).json()["usage"]
    assert (usage["seats_used"], usage["seats_limit"]) == (3, 3)
    await put_on_plan(billing_app, org_id(owner), "scale")  # unlimited
    assert (await owner.post("/organization/invitations", json={"email": unique_email()})).status_code == 201


async def test_api_keys_need_a_plan_with_api_access(owner: Any, billing_app: FastAPI) -> None:
    assert_problem(await owner.post("/organization/api-keys", json={"name": "sync"}), 403, "api_access_not_included")
    await put_on_plan(billing_app, org_id(owner), "starter")
    assert_problem(await owner.post("/organization/api-keys", json={"name": "sync"}), 403, "api_access_not_included")
    await put_on_plan(billing_app, org_id(owner), "pro")
    assert (await owner.post("/organization/api-keys", json={"name": "sync"})).status_code == 201


async def test_concurrent_job_limit_follows_the_plan(owner: Any, billing_app: FastAPI) -> None:
    async with billing_app.state.sessionmaker() as session:
        assert await concurrent_job_limit(session, uuid.UUID(org_id(owner))) == 1
    await put_on_plan(billing_app, org_id(owner), "business")
    async with billing_app.state.sessionmaker() as session:
        assert await concurrent_job_limit(session, uuid.UUID(org_id(owner))) == 10


async def test_billing_needs_stripe_configured_but_the_price_list_does_not(anonymous: Any, browser: Any) -> None:
    from tests.helpers import signup

    await signup(browser)  # the plain test app: no Stripe key
    assert_problem(
        await browser.post("/billing/checkout", json={"pack_code": "pack_50"}), 503, "billing_not_configured"
    )
    assert (await anonymous.get("/billing/plans")).status_code == 200
    assert (await anonymous.get("/billing/packs")).status_code == 200
    state = (await browser.get("/billing/subscription")).json()
    assert (state["status"], state["plan"]["code"], state["usage"]["credits_available"]) == ("none", "trial", 10)
