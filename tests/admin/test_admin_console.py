"""The admin console: organizations found by name, member email or store domain, filtered and sorted; the
detail; provider costs beside captured credits; read-only, time-limited, visible support access."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import update

from api.core.time import utc_now
from api.models import ProviderCall, StoreConnection, StoreKind, StoreStatus, SupportAccessGrant
from tests.admin.helpers import make_admin
from tests.helpers import Browser, assert_problem, make_browser, put_on_plan, signup


async def test_organizations_search_filter_sort_and_detail(app: FastAPI, browser: Browser) -> None:
    await make_admin(app, browser, organization_name="Epox Support")
    async with make_browser(app) as first, make_browser(app) as second:
        alpha = await signup(first, email="alpha-owner@example.com", organization_name="Alpha Candles")
        beta = await signup(second, organization_name="Beta Soap")
    await put_on_plan(app, beta["organization"]["id"], "scale")
    async with app.state.sessionmaker() as session, session.begin():
        session.add(
            StoreConnection(
                organization_id=uuid.UUID(beta["organization"]["id"]),
                kind=StoreKind.shopify,
                shop_domain="beta-soap.myshopify.com",
                status=StoreStatus.active,
                webhook_ids={},
            )
        )
    grant = await browser.post(
        f"/admin/organizations/{beta['organization']['id']}/credit-grants", json={"amount": 50, "reason": "Launch"}
    )
    assert grant.status_code == 201, grant.text

    def names(response: object) -> list[str]:
        return [o["name"] for o in response.json()["items"]]  # type: ignore[attr-defined]

    assert names(await browser.get("/admin/organizations", params={"q": "alpha-owner@"})) == ["Alpha Candles"]
    assert names(await browser.get("/admin/organizations", params={"q": "beta-soap.myshop"})) == ["Beta Soap"]
    assert names(await browser.get("/admin/organizations", params={"plan": "scale"})) == ["Beta Soap"]
    by_balance = await browser.get("/admin/organizations", params={"sort": "balance", "order": "desc"})
    assert names(by_balance)[0] == "Beta Soap"
    assert by_balance.json()["items"][0]["available"] == 60
    paged = await browser.get("/admin/organizations", params={"sort": "name", "order": "asc", "limit": 2})
    assert names(paged) == ["Alpha Candles", "Beta Soap"]
    rest = await browser.get(
        "/admin/organizations",
        params={"sort": "name", "order": "asc", "limit": 2, "cursor": paged.json()["next_cursor"]},
    )
    assert names(rest) == ["Epox Support"]
    assert rest.json()["next_cursor"] is None

    detail = await browser.get(f"/admin/organizations/{beta['organization']['id']}")
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert body["organization"]["plan_code"] == "scale"
    assert body["balance"]["available"] == 60
    assert [e["type"] for e in body["ledger"]] == ["grant", "grant"]
    assert [s["shop_domain"] for s in body["stores"]] == ["beta-soap.myshopify.com"]
    assert [m["role"] for m in body["members"]] == ["owner"]
    assert len(body["usage"]["series"]) == 30
    assert alpha["organization"]["id"] != beta["organization"]["id"]


async def test_provider_costs_beside_captured_credits(app: FastAPI, browser: Browser) -> None:
    await make_admin(app, browser)
    async with app.state.sessionmaker() as session, session.begin():
        org = uuid.UUID((await signup(make_browser(app)))["organization"]["id"])
        session.add_all(
            [
                ProviderCall(
                    organization_id=org,
                    provider="gemini",
                    model="imagen",
                    operation="image.generate",
                    units=1,
                    cost_micros=40_000,
                    duration_ms=1200,
                    success=True,
                ),
                ProviderCall(
                    organization_id=org,
                    provider="gemini",
                    model="imagen",
                    operation="image.generate",
                    units=0,
                    cost_micros=0,
                    duration_ms=0,
                    success=False,
                    error_code="provider_timeout",
                ),
            ]
        )
    costs = await browser.get("/admin/costs", params={"credit_value_micros": 100_000})
    assert costs.status_code == 200, costs.text
    [row] = costs.json()["rows"]
    assert (row["provider"], row["calls"], row["failed_calls"], row["cost_micros"]) == ("gemini", 2, 1, 40_000)
    assert costs.json()["total_cost_micros"] == 40_000


async def test_support_access_is_read_only_limited_and_shown_to_the_merchant(app: FastAPI, browser: Browser) -> None:
    await make_admin(app, browser)
    async with make_browser(app) as merchant:
        shop = await signup(merchant, organization_name="Read Only Shop")
        org = shop["organization"]["id"]
        created = (await merchant.post("/products", json={"name": "Candle"})).json()
        own = (await browser.get("/me")).json()
        assert own["support_access"] is None
        opened = await browser.post(f"/admin/organizations/{org}/support-access", json={"reason": "Ticket 7"})
        assert opened.status_code == 201, opened.text
        assert opened.json()["active"] is True
        # /me says whose workspace the admin now sees, read-only (a viewer's role, so the SPA offers no writes).
        me = (await browser.get("/me")).json()
        current = me["support_access"]
        assert (current["id"], current["organization_id"], current["reason"]) == (opened.json()["id"], org, "Ticket 7")
        assert (me["organization"]["id"], me["role"]) == (org, "viewer")
        assert [m["organization"]["id"] for m in me["memberships"]] == [
            m["organization"]["id"] for m in own["memberships"]
        ]
        assert (await merchant.get("/me")).json()["support_access"] is None

        listed = (await browser.get("/products")).json()["items"]
        assert [p["id"] for p in listed] == [created["id"]], "the admin sees the merchant's workspace"
        assert (await browser.get("/credits/balance")).json()["available"] == 10
        assert_problem(await browser.post("/products", json={"name": "Sneaky"}), 403, "support_access_read_only")
        assert_problem(await browser.delete(f"/products/{created['id']}"), 403, "support_access_read_only")
        assert_problem(await browser.put("/usage/settings", json={"time_zone": "UTC"}), 403)
        assert len((await merchant.get("/products")).json()["items"]) == 1

        shown = (await merchant.get("/organization/support-access")).json()
        assert [(g["reason"], g["active"]) for g in shown] == [("Ticket 7", True)]

        # Past its time the grant no longer opens anything: the admin is back in their own workspace.
        async with app.state.sessionmaker() as session, session.begin():
            await session.execute(
                update(SupportAccessGrant).values(
                    created_at=utc_now() - timedelta(hours=2), expires_at=utc_now() - timedelta(minutes=1)
                )
            )
        assert (await browser.get("/products")).json()["items"] == []
        back = (await browser.get("/me")).json()
        assert (back["support_access"], back["organization"]["id"]) == (None, own["organization"]["id"])
        assert [g["active"] for g in (await merchant.get("/organization/support-access")).json()] == [False]
    assert_problem(await browser.post(f"/admin/organizations/{uuid.uuid4()}/support-access", json={"reason": "x"}), 404)
    assert_problem(await browser.post(f"/admin/organizations/{org}/support-access", json={"reason": ""}), 422)


async def test_audit_log_names_the_actor_and_workspace_and_filters_by_email(app: FastAPI, browser: Browser) -> None:
    await make_admin(app, browser, email="Support.Lead@example.com")
    async with make_browser(app) as merchant:
        shop = await signup(merchant, email="owner@named-shop.example", organization_name="Named Shop")
    org = shop["organization"]["id"]
    granted = await browser.post(f"/admin/organizations/{org}/credit-grants", json={"amount": 3, "reason": "Hi"})
    assert granted.status_code == 201, granted.text

    by_admin = (await browser.get("/admin/audit-log", params={"actor_email": "support.lead@EXAMPLE.com"})).json()
    [entry] = [e for e in by_admin["items"] if e["action"] == "credits.grant"]
    assert entry["actor_email"] == "support.lead@example.com"
    assert (entry["organization_id"], entry["organization_name"]) == (org, "Named Shop")
    assert entry["before"] is not None
    assert entry["after"] is not None
    others = await browser.get("/admin/audit-log", params={"actor_email": "owner@named-shop.example"})
    assert [e["action"] for e in others.json()["items"] if e["action"] == "credits.grant"] == []
