"""Acceptance 4: an admin retry of a job with 2 failed items of 6 re-queues those 2 only, through the normal
hold -> capture path: the merchant pays for what is delivered, once, and the ledger verifies clean."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from api.generation.providers.base import ProviderRejected
from api.generation.providers.local import LocalImageProvider
from tests.admin.helpers import make_admin
from tests.generation.test_generation_jobs import _balance, _generate, _product, _verify, failing_on
from tests.helpers import Browser, assert_problem, make_browser, signup, worker_ctx
from workers.generation import generate_images


async def test_retry_of_two_failed_items_of_six_charges_only_what_is_delivered(
    app: FastAPI, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    await signup(browser)
    products = [await _product(browser, f"Bottle {i}") for i in range(3)]
    monkeypatch.setattr(app.state.settings, "generation_concurrency", 1)
    with monkeypatch.context() as failing:
        failing.setattr(
            LocalImageProvider, "generate", failing_on({1, 4}, lambda: ProviderRejected("The scene was refused."))
        )
        started = await _generate(browser, products, variants=2)
        await generate_images(worker_ctx(app), started["job"]["id"])
    job_id = started["job"]["id"]
    assert await _balance(browser) == 10 - 4

    async with make_browser(app) as admin:
        await make_admin(app, admin)
        failed = (await admin.get("/admin/jobs")).json()["items"]
        assert [(j["id"], len(j["failed_items"])) for j in failed] == [(job_id, 2)]
        assert failed[0]["failed_items"][0]["prompt"]
        assert failed[0]["failed_items"][0]["error_code"] == "content_rejected"

        retried = await admin.post(f"/admin/jobs/{job_id}/retry", json={"reason": "Provider refused by mistake"})
        assert retried.status_code == 202, retried.text
        assert (retried.json()["retried_items"], retried.json()["credits_held"]) == (2, 2)
        assert await _balance(browser) == 10 - 4 - 2, "the retry holds the failed items' credits"
        twice = await admin.post(f"/admin/jobs/{job_id}/retry", json={"reason": "double click"})
        assert_problem(twice, 409, "job_already_retried")

        new_job = retried.json()["job"]["id"]
        await generate_images(worker_ctx(app), new_job)
        await generate_images(worker_ctx(app), new_job)  # a duplicate delivery changes nothing

    done = (await browser.get(f"/generations/{new_job}")).json()
    assert done["job"]["status"] == "succeeded"
    assert [item["status"] for item in done["items"]] == ["succeeded", "succeeded"]
    assert await _balance(browser) == 10 - 6, "six images delivered, six credits, each captured once"
    costs = (await browser.get(f"/usage/jobs/{new_job}")).json()
    assert (costs["quoted"], costs["captured"], costs["released"]) == (2, 2, 0)
    original = (await browser.get(f"/usage/jobs/{job_id}")).json()
    assert (original["quoted"], original["captured"], original["released"]) == (6, 4, 2)
    assert [(i["captured"], i["released"]) for i in original["items"]] == [
        (1, 0),
        (0, 1),
        (1, 0),
        (1, 0),
        (0, 1),
        (1, 0),
    ]
    assert original["breakdown"] == [
        {"operation": "image", "parameter": "quality", "variant": "1k", "unit_credits": 1, "quantity": 6, "credits": 6}
    ]
    usage = (await browser.get("/usage/summary", params={"group_by": "operation"})).json()
    assert usage["totals"]["net"] == 6
    assert usage["totals"]["delivered_images"] == 6
    assert usage["totals"]["failed"] == 2
    await _verify(app)
