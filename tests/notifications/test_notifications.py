"""In-app notifications: each member's own, read one or all, email preferences per kind."""

from __future__ import annotations

import uuid

from fastapi import FastAPI

from tests.helpers import Browser, assert_problem, make_browser, on_plan, signup, unique_email


async def test_a_new_workspace_has_its_welcome_notice_to_read(browser: Browser) -> None:
    await signup(browser)
    listed = (await browser.get("/notifications")).json()
    [welcome] = listed["items"]
    assert listed["unread_count"] == 1
    assert (welcome["kind"], welcome["title"], welcome["read_at"]) == (
        "credits_granted",
        "Welcome: 10 free credits",
        None,
    )
    assert (await browser.get("/notifications", params={"unread": True})).json()["items"] == [welcome]

    read = await browser.post(f"/notifications/{welcome['id']}/read")
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    again = (await browser.get("/notifications")).json()
    assert again["unread_count"] == 0
    assert (await browser.get("/notifications", params={"unread": True})).json()["items"] == []
    assert (await browser.post("/notifications/read-all")).json() == {"marked_read": 0}
    assert_problem(await browser.post(f"/notifications/{uuid.uuid4()}/read"), 404, "notification_not_found")


async def test_each_member_reads_only_their_own(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    email = unique_email("teammate")
    await browser.post("/organization/invitations", json={"email": email, "role": "member"})
    teammate = make_browser(app)
    try:
        await signup(teammate, email)
        mine = (await browser.get("/notifications")).json()["items"][0]
        assert_problem(await teammate.post(f"/notifications/{mine['id']}/read"), 404)
        assert (await teammate.post("/notifications/read-all")).json() == {"marked_read": 1}  # their own welcome
        assert (await browser.get("/notifications")).json()["unread_count"] == 1
    finally:
        await teammate.aclose()


async def test_api_keys_have_no_notifications(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    await on_plan(browser)  # seats and API access are not what this test is about
    key = (await browser.post("/organization/api-keys", json={"name": "n", "role": "admin"})).json()["secret"]
    async with make_browser(app) as integration:
        integration.headers["Authorization"] = f"Bearer {key}"
        listed = (await integration.get("/notifications")).json()
        assert (listed["items"], listed["unread_count"]) == ([], 0)
        assert_problem(await integration.get("/notifications/preferences"), 403, "session_required")


async def test_email_preferences_per_kind(browser: Browser) -> None:
    await signup(browser)
    defaults = (await browser.get("/notifications/preferences")).json()["items"]
    assert {p["kind"]: p["email"] for p in defaults} == {
        "credits_expiring": True,
        "credits_granted": True,
        "low_balance": True,
        "payment_failed": True,
        "store_connection_error": True,
        "weekly_digest": True,
    }
    updated = await browser.put("/notifications/preferences", json={"email": {"low_balance": False}})
    assert {p["kind"]: p["email"] for p in updated.json()["items"]}["low_balance"] is False
    again = await browser.put(
        "/notifications/preferences", json={"email": {"low_balance": True, "credits_granted": False}}
    )
    assert {p["kind"]: p["email"] for p in again.json()["items"]} == {
        "credits_expiring": True,
        "credits_granted": False,
        "low_balance": True,
        "payment_failed": True,
        "store_connection_error": True,
        "weekly_digest": True,
    }
    assert_problem(await browser.put("/notifications/preferences", json={"email": {"spam": True}}), 422)
