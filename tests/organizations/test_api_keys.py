"""API keys: shown once, stored hashed, work as Bearer on tenant endpoints, refused after revoke."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select

from api.core.security import hash_secret
from api.models import ApiKey
from tests.helpers import Browser, assert_problem, new_browser, on_plan, signup


async def test_api_key_lifecycle(app: FastAPI, browser: Browser) -> None:
    created_org = await signup(browser, organization_name="Key Holders")
    await on_plan(browser)  # seats and API access are not what this test is about
    created = await browser.post("/organization/api-keys", json={"name": "Shop sync", "role": "admin"})
    assert created.status_code == 201
    key = created.json()
    secret = key["secret"]
    assert secret.startswith(key["prefix"] + "_")

    listed = (await browser.get("/organization/api-keys")).json()["items"]
    assert [k["name"] for k in listed] == ["Shop sync"]
    assert "secret" not in listed[0]
    assert listed[0]["last_used_at"] is None

    async with app.state.sessionmaker() as session:
        row = await session.scalar(select(ApiKey).where(ApiKey.id == key["id"]))
        assert row is not None
        assert row.secret_hash == hash_secret(secret)

    async with new_browser(app) as integration:
        headers = {"Authorization": f"Bearer {secret}"}
        organization = await integration.get("/organization", headers=headers)
        assert organization.status_code == 200
        assert organization.json()["id"] == created_org["organization"]["id"]
        # Writes with a key need no CSRF token: cookies play no part.
        renamed = await integration.patch("/organization", json={"name": "Via API"}, headers=headers)
        assert renamed.status_code == 200
        # A key is not a person: account endpoints refuse it.
        assert_problem(await integration.get("/me", headers=headers), 403, "session_required")

        assert (await browser.get("/organization/api-keys")).json()["items"][0]["last_used_at"] is not None
        assert (await browser.delete(f"/organization/api-keys/{key['id']}")).status_code == 204
        assert_problem(await integration.get("/organization", headers=headers), 401, "not_authenticated")
        assert_problem(await integration.get("/organization", headers={"Authorization": "Bearer nope"}), 401)
    assert (await browser.get("/organization/api-keys")).json()["items"] == []


async def test_api_key_role_is_enforced(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    await on_plan(browser)  # seats and API access are not what this test is about
    key = (await browser.post("/organization/api-keys", json={"name": "Reader", "role": "viewer"})).json()
    assert_problem(await browser.post("/organization/api-keys", json={"name": "Root", "role": "owner"}), 403)
    async with new_browser(app) as integration:
        headers = {"Authorization": f"Bearer {key['secret']}"}
        assert (await integration.get("/organization/members", headers=headers)).status_code == 200
        assert_problem(await integration.patch("/organization", json={"name": "x"}, headers=headers), 403)


async def test_cookie_write_without_csrf_is_forbidden(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    browser.csrf = False
    response = await browser.patch("/organization", json={"name": "Forged"})
    assert_problem(response, 403, "csrf_failed")
    wrong = await browser.patch("/organization", json={"name": "Forged"}, headers={"X-CSRF-Token": "guess"})
    assert_problem(wrong, 403, "csrf_failed")
    assert_problem(await browser.post("/organization/api-keys", json={"name": "x"}), 403, "csrf_failed")
    browser.csrf = True
    assert (await browser.get("/organization")).json()["name"] == "Mara Merchant's workspace"
