"""Importing from Shopify: products, images and collections land once however often the import runs, within the
plan's slots, through throttling, and resuming after an interrupted attempt."""

from __future__ import annotations

import time
import uuid

import pytest
from arq import Retry
from fastapi import FastAPI
from sqlalchemy import func, select

from api.models import Category, Job, JobStatus, Product, ProductCategory, ProductImage
from sandbox.catalog import PRODUCTS
from sandbox.shopify import ShopifySandbox
from tests.helpers import TRIAL_PRODUCT_SLOTS, Browser, assert_problem, put_on_plan, worker_ctx
from tests.stores.conftest import connect_shop, import_killed_and_resumed
from workers.store_sync import import_store_products


async def _count(app: FastAPI, model: type, *where: object) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


async def _job(app: FastAPI, job_id: str) -> Job:
    async with app.state.sessionmaker() as session:
        job = await session.get(Job, uuid.UUID(job_id))
        assert job is not None
        return job


async def _start(client: Browser, store_id: str, **body: object) -> str:
    response = await client.post(f"/stores/{store_id}/imports", json=body)
    assert response.status_code == 202, response.text
    assert response.json()["kind"] == "import"
    return str(response.json()["id"])


def _ids(*numbers: int) -> list[str]:
    return [PRODUCTS[n].gid for n in numbers]


async def test_import_selected_products_with_images_and_collections_and_reimport_duplicates_nothing(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    store_id = await connect_shop(merchant, shopify)
    job_id = await _start(merchant, store_id, external_ids=_ids(0, 1, 2, 3))
    queued = [j.job_id for j in await store_app.state.arq.queued_jobs(queue_name="epox:sync")]
    assert queued == [f"job:{job_id}:0:1"]
    await import_store_products(worker_ctx(store_app), job_id)

    job = await _job(store_app, job_id)
    assert job.status == JobStatus.succeeded, (job.error_code, job.error_message)
    assert job.result == {"created": 4, "updated": 0, "failed": 0, "images": 12, "image_failures": 0, "stopped": None}
    assert (job.progress_done, job.progress_total) == (4, 4)

    products = (await merchant.get("/products")).json()["items"]
    assert sorted(p["name"] for p in products) == sorted(PRODUCTS[n].title for n in range(4))
    product = next(p for p in products if p["name"] == PRODUCTS[0].title)
    assert product["source"] == "imported"
    assert product["price_minor"] == 4900
    assert product["currency"] == "USD"
    assert len(product["images"]) == 3
    assert [i["is_primary"] for i in sorted(product["images"], key=lambda i: i["position"])] == [True, False, False]
    assert await _count(store_app, Category) == 2  # living-room and bestsellers
    assert await _count(store_app, ProductCategory, ProductCategory.is_primary.is_(True)) == 4

    # The same import again, and an overlapping one: updates, never a second product, image or category.
    again = await _start(merchant, store_id, external_ids=_ids(0, 1, 2, 3, 4))
    await import_store_products(worker_ctx(store_app), again)
    assert (await _job(store_app, again)).result == {
        "created": 1,
        "updated": 4,
        "failed": 0,
        "images": 3,
        "image_failures": 0,
        "stopped": None,
    }
    assert await _count(store_app, Product) == 5
    assert await _count(store_app, ProductImage) == 15
    assert await _count(store_app, Category) == 2

    # Browsing marks what is imported.
    remote = (await merchant.get(f"/stores/{store_id}/remote-products", params={"limit": 6})).json()
    assert [item["imported_product_id"] is not None for item in remote["items"]] == [True] * 5 + [False]
    assert remote["next_cursor"]


async def test_import_all_stops_at_the_slot_limit_with_the_reason(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    store_id = await connect_shop(merchant, shopify)
    job_id = await _start(merchant, store_id, all=True)
    await import_store_products(worker_ctx(store_app), job_id)
    job = await _job(store_app, job_id)
    assert job.status == JobStatus.succeeded
    assert job.result is not None
    assert job.result["stopped"] == "slot_limit"
    assert job.result["created"] == TRIAL_PRODUCT_SLOTS
    assert job.progress_total == len(PRODUCTS)
    assert await _count(store_app, Product) == TRIAL_PRODUCT_SLOTS


async def test_throttled_and_rate_limited_calls_wait_at_least_retry_after_and_succeed(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    store_id = await connect_shop(merchant, shopify)
    job_id = await _start(merchant, store_id, external_ids=_ids(5))
    shopify.throttle_next, shopify.rate_limit_next, shopify.retry_after = 1, 1, 1
    started = time.monotonic()
    await import_store_products(worker_ctx(store_app), job_id)
    assert time.monotonic() - started >= 2  # one Retry-After for the 429, at least one second for THROTTLED
    job = await _job(store_app, job_id)
    assert job.status == JobStatus.succeeded
    assert job.result is not None
    assert job.result["created"] == 1
    assert (await merchant.get("/credits/balance")).json()["available"] == 10  # imports cost nothing


async def test_an_interrupted_import_resumes_after_the_last_committed_product(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    store_id = await connect_shop(merchant, shopify)
    numbers = list(range(10, 22))  # 12 products: two pages of 10
    job_id = await _start(merchant, store_id, external_ids=_ids(*numbers))
    ctx = worker_ctx(store_app)
    # Once the first page is served, Shopify starts failing: the attempt ends after that page, checkpointed.
    original = shopify._products

    def failing_after_first_page(shop: str, variables: dict[str, object]) -> tuple[dict[str, object], int]:
        if not variables.get("after"):
            shopify.fail_next = 10
        return original(shop, variables)

    shopify._products = failing_after_first_page  # type: ignore[method-assign]
    try:
        with pytest.raises(Retry):
            await import_store_products(ctx, job_id)
    finally:
        shopify._products = original  # type: ignore[method-assign]
        shopify.fail_next = 0
    job = await _job(store_app, job_id)
    assert job.status == JobStatus.queued
    assert job.progress_done == 10
    assert job.checkpoint["after"]

    await import_store_products(ctx, job_id)
    job = await _job(store_app, job_id)
    assert job.status == JobStatus.succeeded
    assert job.result is not None
    assert job.result["created"] == 12
    assert await _count(store_app, Product) == 12
    assert await _count(store_app, ProductImage) == 36


async def test_import_requests_are_validated(store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox) -> None:
    store_id = await connect_shop(merchant, shopify)
    assert_problem(await merchant.post(f"/stores/{store_id}/imports", json={}), 422, "invalid_import_request")
    assert_problem(
        await merchant.post(f"/stores/{store_id}/imports", json={"all": True, "external_ids": ["x"]}),
        422,
        "invalid_import_request",
    )
    assert_problem(await merchant.post(f"/stores/{uuid.uuid4()}/imports", json={"all": True}), 404, "store_not_found")


async def test_a_worker_killed_mid_import_and_restarted_finishes_with_exactly_60_products(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    await put_on_plan(store_app, (await merchant.get("/organization")).json()["id"], "starter")
    await import_killed_and_resumed(store_app, merchant, await connect_shop(merchant, shopify))


async def test_disconnect_removes_our_webhook_subscriptions_from_the_shop(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    store_id = await connect_shop(merchant, shopify)
    assert len(shopify.shop("sandbox-shop.myshopify.com").webhooks) == 3
    assert (await merchant.delete(f"/stores/{store_id}")).status_code == 204
    assert shopify.shop("sandbox-shop.myshopify.com").webhooks == {}
