"""Plans and packs are data platform admins edit (issue: billing): every change is audited, shows in the public
price list, and the trial's grant follows the trial plan's terms."""

from __future__ import annotations

from fastapi import FastAPI

from tests.admin.helpers import audit_rows, make_admin
from tests.helpers import Browser, assert_problem, make_browser, signup


async def test_admin_edits_plans_and_the_price_list_follows(app: FastAPI, browser: Browser) -> None:
    await make_admin(app, browser)
    plans = {plan["code"]: plan for plan in (await browser.get("/admin/plans")).json()["items"]}
    assert (plans["trial"]["trial_credits"], plans["trial"]["trial_days"], plans["trial"]["purchasable"]) == (
        10,
        30,
        False,
    )
    assert (plans["pro"]["product_slots"], plans["pro"]["monthly_credits"]) == (500, 500)

    changed = await browser.patch(
        "/admin/plans/starter", json={"monthly_price_cents": 2900, "yearly_price_cents": None}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["monthly_price_cents"], changed.json()["yearly_price_cents"]) == (2900, None)
    public = {plan["code"]: plan for plan in (await browser.get("/billing/plans")).json()["items"]}
    assert public["starter"]["prices"] == [{"interval": "month", "amount": 2900, "currency": "usd"}]
    assert public["trial"]["trial"] == {"credits": 10, "days": 30}
    assert public["pro"]["trial"] is None

    [audit] = await audit_rows(app, "plan.updated")
    assert audit.target_id == "starter"
    assert audit.before is not None
    assert audit.after is not None
    assert (audit.before["monthly_price_cents"], audit.after["monthly_price_cents"]) == (
        plans["starter"]["monthly_price_cents"],
        2900,
    )
    assert audit.after["yearly_price_cents"] is None

    created = await browser.post(
        "/admin/plans",
        json={
            "code": "agency",
            "name": "Agency",
            "product_slots": 10000,
            "monthly_credits": 10000,
            "monthly_price_cents": 99900,
            "seats": None,
            "concurrent_jobs": 8,
            "api_access": True,
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["seats"] is None
    assert "agency" in {plan["code"] for plan in (await browser.get("/billing/plans")).json()["items"]}
    assert_problem(
        await browser.post("/admin/plans", json={**created.json(), "code": "agency"}), 409, "catalog_code_taken"
    )
    assert_problem(await browser.patch("/admin/plans/nope", json={"name": "X"}), 404, "plan_not_found")
    assert_problem(await browser.patch("/admin/plans/pro", json={"product_slots": -1}), 422)
    assert_problem(
        await browser.post(
            "/admin/plans",
            json={"code": "Bad Code", "name": "x", "product_slots": 1, "monthly_credits": 1, "monthly_price_cents": 1},
        ),
        422,
    )
    assert [row.action for row in await audit_rows(app, "plan.created")] == ["plan.created"]


async def test_admin_edits_packs_and_takes_them_off_sale(app: FastAPI, browser: Browser) -> None:
    await make_admin(app, browser)
    created = await browser.post(
        "/admin/packs", json={"code": "pack_2500", "name": "2,500 credits", "credits": 2500, "price_cents": 39900}
    )
    assert created.status_code == 201, created.text
    on_sale = {pack["code"]: pack for pack in (await browser.get("/billing/packs")).json()["items"]}
    assert on_sale["pack_2500"]["price"] == {"amount": 39900, "currency": "usd"}

    off = await browser.patch("/admin/packs/pack_2500", json={"purchasable": False})
    assert off.json()["purchasable"] is False
    assert "pack_2500" not in {pack["code"] for pack in (await browser.get("/billing/packs")).json()["items"]}
    assert "pack_2500" in {pack["code"] for pack in (await browser.get("/admin/packs")).json()["items"]}
    [audit] = await audit_rows(app, "pack.updated")
    assert audit.before is not None
    assert audit.after is not None
    assert (audit.before["purchasable"], audit.after["purchasable"]) == (True, False)
    assert_problem(await browser.patch("/admin/packs/nope", json={"credits": 5}), 404, "pack_not_found")
    assert_problem(await browser.patch("/admin/packs/pack_2500", json={"credits": 0}), 422)
    assert_problem(await browser.patch("/admin/packs/pack_2500", json={"price_cents": 0}), 422)


async def test_the_trial_grant_follows_the_trial_plan(app: FastAPI, browser: Browser) -> None:
    await make_admin(app, browser)
    assert (await browser.patch("/admin/plans/trial", json={"trial_credits": 15, "trial_days": 14})).status_code == 200
    async with make_browser(app) as merchant:
        await signup(merchant)
        [lot] = (await merchant.get("/credits/balance")).json()["lots"]
        assert (lot["source"], lot["amount"]) == ("trial", 15)
    no_days = await browser.patch("/admin/plans/starter", json={"trial_credits": 5})
    assert_problem(no_days, 422)["errors"]
    assert (await browser.patch("/admin/plans/trial", json={"trial_credits": 0})).status_code == 200
    async with make_browser(app) as merchant:
        await signup(merchant)
        assert (await merchant.get("/credits/balance")).json()["lots"] == []
