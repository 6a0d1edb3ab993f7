"""Product slots: the plan's limit (the free trial's 25 until billing exists), counted over products that are not
archived, enforced on create and restore, also when requests race."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from tests.helpers import TRIAL_PRODUCT_SLOTS, Browser, assert_problem, make_browser, on_plan, signup


async def test_slots_are_reported_and_enforced_with_a_clear_problem(browser: Browser) -> None:
    await signup(browser)
    assert (await browser.get("/products/slots")).json() == {"limit": 25, "used": 0, "remaining": 25}
    ids = []
    for i in range(TRIAL_PRODUCT_SLOTS):
        response = await browser.post("/products", json={"name": f"Stool {i}"})
        assert response.status_code == 201
        ids.append(response.json()["id"])
    assert (await browser.get("/products/slots")).json() == {"limit": 25, "used": 25, "remaining": 0}

    body = assert_problem(await browser.post("/products", json={"name": "One too many"}), 403, "plan_limit_reached")
    assert body["limit"] == 25
    assert body["used"] == 25
    assert body["remaining"] == 0
    assert "25 product slots" in body["detail"]

    # Archiving frees a slot; restoring needs one.
    await browser.delete(f"/products/{ids[0]}")
    assert (await browser.get("/products/slots")).json()["remaining"] == 1
    assert (await browser.post("/products", json={"name": "Fits again"})).status_code == 201
    assert_problem(await browser.post(f"/products/{ids[0]}/restore"), 403, "plan_limit_reached")
    assert (await browser.get(f"/products/{ids[0]}")).json()["archived"] is True


async def test_concurrent_creates_never_exceed_the_limit(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    for i in range(TRIAL_PRODUCT_SLOTS - 3):
        assert (await browser.post("/products", json={"name": f"Lamp {i}"})).status_code == 201
    await on_plan(browser, "pro")  # to create the key; the race below runs on the trial's slots
    key = (await browser.post("/organization/api-keys", json={"name": "bulk", "role": "member"})).json()["secret"]
    await on_plan(browser, "trial")
    clients = [make_browser(app) for _ in range(10)]
    try:
        for client in clients:
            client.headers["Authorization"] = f"Bearer {key}"
        responses = await asyncio.gather(
            *(client.post("/products", json={"name": f"Race {n}"}) for n, client in enumerate(clients))
        )
    finally:
        for client in clients:
            await client.aclose()
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 3 + [403] * 7
    assert (await browser.get("/products/slots")).json() == {"limit": 25, "used": 25, "remaining": 0}
