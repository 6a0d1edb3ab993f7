"""The credits a merchant sees (balance, history, costs), the free trial, and support's grants and adjustments."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update

from api.core.time import utc_now
from api.credits.service import DRAW_DOWN_DESCRIPTION, MAX_AMOUNT, CreditLedgerService
from api.models import AuditLog, CreditEntry, CreditLot, User
from api.openapi import build_openapi
from tests.credits.conftest import Ledger
from tests.helpers import Browser, assert_problem, make_browser, signup


async def make_platform_admin(app: FastAPI, email: str) -> None:
    async with app.state.sessionmaker() as session:
        await session.execute(update(User).where(User.email == email).values(is_platform_admin=True))
        await session.commit()


@pytest.fixture
async def admin(app: FastAPI) -> Any:
    client = make_browser(app)
    created = await signup(client, organization_name="Epox Support")
    await make_platform_admin(app, created["user"]["email"])
    yield client
    await client.aclose()


async def entries(app: FastAPI, organization_id: str) -> list[CreditEntry]:
    async with app.state.sessionmaker() as session:
        statement = select(CreditEntry).where(CreditEntry.organization_id == uuid.UUID(organization_id))
        return list((await session.scalars(statement.order_by(CreditEntry.seq))).all())


async def test_signup_grants_ten_trial_credits_for_thirty_days_once(app: FastAPI, browser: Browser) -> None:
    created = await signup(browser)
    balance = (await browser.get("/credits/balance")).json()
    assert (balance["available"], balance["held"], balance["total"], balance["shortfall"]) == (10, 0, 10, 0)
    [lot] = balance["lots"]
    assert (lot["source"], lot["category"], lot["amount"], lot["available"]) == ("trial", "promotional", 10, 10)
    expires_in = datetime.fromisoformat(lot["expires_at"]) - utc_now()
    assert timedelta(days=29, hours=23) < expires_in <= timedelta(days=30)
    assert balance["expiring_soon"]["credits"] == 0

    organization_id = uuid.UUID(created["organization"]["id"])
    async with app.state.sessionmaker() as session:
        again = await CreditLedgerService(session).grant_trial(organization_id)
        await session.commit()
    assert again is not None
    assert not again.created
    assert (await browser.get("/credits/balance")).json()["available"] == 10
    [entry] = (await browser.get("/credits/entries")).json()["items"]
    assert (entry["type"], entry["amount"], entry["reason"], entry["actor"]["type"]) == (
        "grant",
        10,
        "Free trial",
        "system",
    )


async def test_balance_publishes_the_draw_down_order() -> None:
    description = build_openapi()["paths"]["/api/v1/credits/balance"]["get"]["description"]
    assert DRAW_DOWN_DESCRIPTION in description
    assert "the lot that expires soonest first (lots that never expire last), then promotional before paid" in (
        DRAW_DOWN_DESCRIPTION
    )


async def test_history_filters_pages_and_exports_csv(app: FastAPI, browser: Browser, ledger: Ledger) -> None:
    created = await signup(browser)
    org = uuid.UUID(created["organization"]["id"])
    job = uuid.uuid4()
    expires = utc_now() + timedelta(hours=1)
    held = await ledger(lambda service: service.hold(org, 3, expires_at=expires, job_id=job))
    await ledger(lambda service: service.capture(org, held.id, "image-1", 1))
    await ledger(lambda service: service.release(org, held.id))
    await ledger.grant(org, 5)

    everything = (await browser.get("/credits/entries")).json()["items"]
    assert [e["type"] for e in everything] == ["grant", "release", "capture", "hold", "grant"]  # newest first
    for_job = (await browser.get("/credits/entries", params={"job_id": str(job)})).json()["items"]
    assert [e["type"] for e in for_job] == ["release", "capture", "hold"]
    assert {e["hold_id"] for e in for_job} == {str(held.id)}
    captures = (await browser.get("/credits/entries", params=[("type", "capture"), ("type", "hold")])).json()
    assert [e["type"] for e in captures["items"]] == ["capture", "hold"]
    capture = captures["items"][0]
    assert (capture["amount"], capture["held_delta"], capture["item_key"]) == (-1, -1, "image-1")
    assert capture["allocations"][0]["amount"] == -1

    first = (await browser.get("/credits/entries", params={"limit": 2})).json()
    second = (await browser.get("/credits/entries", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    third = (await browser.get("/credits/entries", params={"limit": 2, "cursor": second["next_cursor"]})).json()
    assert [e["id"] for e in first["items"] + second["items"] + third["items"]] == [e["id"] for e in everything]
    assert third["next_cursor"] is None

    future = (utc_now() + timedelta(minutes=5)).isoformat()
    assert (await browser.get("/credits/entries", params={"from": future})).json()["items"] == []
    assert len((await browser.get("/credits/entries", params={"to": future})).json()["items"]) == 5
    assert_problem(await browser.get("/credits/entries", params={"from": "2026-01-01T00:00:00"}), 422)
    assert_problem(await browser.get("/credits/entries", params={"type": "bogus"}), 422)

    exported = await browser.get("/credits/entries", params={"format": "csv", "job_id": str(job)})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["type"], r["amount"], r["held_delta"]) for r in rows] == [
        ("hold", "0", "3"),
        ("capture", "-1", "-1"),
        ("release", "0", "-2"),
    ]
    assert exported.text.splitlines()[0].startswith("created_at,type,amount,held_delta,available_after")


async def test_costs_are_public_and_versioned(anonymous: Browser) -> None:
    response = await anonymous.get("/credits/costs")
    assert response.status_code == 200
    table = response.json()
    assert table["version"] == 1
    rates = {(r["operation"], r["variant"]): r["credits"] for r in table["rates"]}
    assert rates[("image", "1k")] == rates[("image", "2k")] == 1
    assert rates[("image", "4k")] == 2
    assert rates[("ai_edit", None)] == rates[("background_removal", None)] == 1
    assert (rates[("upscale", "2k")], rates[("upscale", "4k")]) == (1, 2)
    assert (rates[("video", "720p")], rates[("video", "1080p")]) == (5, 8)
    assert all(rates[(free, None)] == 0 for free in ("crop", "resize", "approve", "pin", "favorite", "delete", "sync"))


async def test_admin_grants_are_audited_notified_and_visible_to_the_merchant(
    app: FastAPI, browser: Browser, admin: Browser
) -> None:
    created = await signup(browser)
    org = created["organization"]["id"]
    expires = (utc_now() + timedelta(days=14)).isoformat()
    response = await admin.post(
        f"/admin/organizations/{org}/credit-grants",
        json={"amount": 50, "reason": "Sorry about the outage", "expires_at": expires},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["available"] == 60
    assert (body["lot"]["source"], body["lot"]["category"], body["lot"]["amount"]) == ("promo", "promotional", 50)

    [grant, _trial] = (await browser.get("/credits/entries")).json()["items"]
    assert (grant["type"], grant["amount"], grant["reason"]) == ("grant", 50, "Sorry about the outage")
    assert grant["actor"] == {"type": "platform_admin", "user_id": None, "api_key_id": None}
    notices = (await browser.get("/notifications")).json()["items"]
    assert notices[0]["title"] == "Epox support added 50 credits"

    adjusted = await admin.post(f"/admin/organizations/{org}/credit-adjustments", json={"amount": -15, "reason": "Dup"})
    assert adjusted.status_code == 201, adjusted.text
    assert adjusted.json()["available"] == 45
    assert adjusted.json()["entry"]["amount"] == -15
    assert (await browser.get("/credits/balance")).json()["available"] == 45

    async with app.state.sessionmaker() as session:
        audit = (await session.scalars(select(AuditLog).order_by(AuditLog.id))).all()
    actions = [(a.action, a.organization_id, (a.after or {}).get("reason")) for a in audit]
    assert ("credits.grant", uuid.UUID(org), "Sorry about the outage") in actions
    assert ("credits.adjust", uuid.UUID(org), "Dup") in actions


async def test_admin_credit_endpoints_refuse_everyone_else(app: FastAPI, browser: Browser, anonymous: Browser) -> None:
    created = await signup(browser)
    org = created["organization"]["id"]
    for path in ("credit-grants", "credit-adjustments"):
        body = {"amount": 5, "reason": "Please"}
        # Admin routes answer non-admins like a missing path (issue 8; tests/admin walks every admin route).
        assert_problem(await browser.post(f"/admin/organizations/{org}/{path}", json=body), 404, "not_found")
        assert_problem(await anonymous.post(f"/admin/organizations/{org}/{path}", json=body), 404, "not_found")
    assert len(await entries(app, org)) == 1


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("credit-grants", {"amount": 5}, 422, "validation_error"),
        ("credit-grants", {"amount": 5, "reason": "   "}, 422, "validation_error"),
        ("credit-grants", {"amount": 0, "reason": "x"}, 422, "validation_error"),
        ("credit-grants", {"amount": -5, "reason": "x"}, 422, "validation_error"),
        ("credit-grants", {"amount": MAX_AMOUNT + 1, "reason": "x"}, 422, "validation_error"),
        ("credit-grants", {"amount": 5, "reason": "x", "expires_at": "2020-01-01T00:00:00Z"}, 422, "validation_error"),
        ("credit-grants", {"amount": 5, "reason": "x", "organization_id": "nope"}, 422, "validation_error"),
        ("credit-adjustments", {"amount": 0, "reason": "x"}, 422, "validation_error"),
        ("credit-adjustments", {"amount": -(MAX_AMOUNT + 1), "reason": "x"}, 422, "validation_error"),
        ("credit-adjustments", {"amount": -11, "reason": "x"}, 409, "adjustment_exceeds_available"),
        ("credit-adjustments", {"amount": 3}, 422, "validation_error"),
    ],
)
async def test_admin_bad_input_is_a_clear_problem_and_writes_nothing(
    app: FastAPI, browser: Browser, admin: Browser, path: str, body: dict[str, Any], status: int, code: str
) -> None:
    created = await signup(browser)
    org = created["organization"]["id"]
    assert_problem(await admin.post(f"/admin/organizations/{org}/{path}", json=body), status, code)
    assert len(await entries(app, org)) == 1
    async with app.state.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(AuditLog)) == 0
        assert await session.scalar(select(func.count()).select_from(CreditLot)) == 2  # the two trials


async def test_admin_grant_to_an_unknown_organization_is_not_found(admin: Browser) -> None:
    response = await admin.post(f"/admin/organizations/{uuid.uuid4()}/credit-grants", json={"amount": 5, "reason": "x"})
    assert_problem(response, 404, "organization_not_found")


async def test_csv_export_never_hands_a_spreadsheet_a_formula(browser: Browser, ledger: Ledger) -> None:
    created = await signup(browser)
    org = uuid.UUID(created["organization"]["id"])
    await ledger(lambda service: service.adjust(org, 1, reason='=HYPERLINK("https://evil.example","Refund")'))
    exported = await browser.get("/credits/entries", params={"format": "csv", "type": "adjust"})
    [row] = list(csv.DictReader(io.StringIO(exported.text)))
    assert row["reason"] == '\'=HYPERLINK("https://evil.example","Refund")'
    assert row["amount"] == "1"
