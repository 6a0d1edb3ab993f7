from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import func, select, text, update

from api.core.config import Settings
from api.main import create_app
from api.models import Job, JobStatus, Product, ProductImage
from sandbox.catalog import IMAGES_PER_PRODUCT, PRODUCTS
from sandbox.server import serve
from sandbox.shopify import ShopifySandbox
from sandbox.woocommerce import WooSandbox
from tests.helpers import Browser, new_browser, signup, worker_ctx
from workers.jobs import reconcile_jobs
from workers.store_sync import handle_store_webhook, import_store_products

# The shared third-party contracts (design: read them where they are, never copy them in).
CONTRACTS_DIR = Path(os.environ.get("EPOX_CONTRACTS_DIR", Path(__file__).resolve().parents[3] / "shared" / "data"))


@pytest.fixture(scope="session")
def shopify_server() -> Iterator[ShopifySandbox]:
    with serve(ShopifySandbox()) as sandbox:
        yield sandbox


@pytest.fixture
def shopify(shopify_server: ShopifySandbox) -> Iterator[ShopifySandbox]:
    """The sandbox with clean per-test state (the server itself runs for the whole session)."""
    yield shopify_server
    shopify_server.shops.clear()
    shopify_server.codes.clear()
    shopify_server.calls.clear()
    shopify_server.throttle_next = shopify_server.rate_limit_next = shopify_server.fail_next = 0
    shopify_server.retry_after = 1


@pytest.fixture(scope="session")
def woo_server() -> Iterator[WooSandbox]:
    with serve(WooSandbox()) as sandbox:
        yield sandbox


@pytest.fixture
def woo(woo_server: WooSandbox) -> Iterator[WooSandbox]:
    """The WooCommerce sandbox with clean per-test state."""
    yield woo_server
    woo_server.reset()


@pytest.fixture(scope="module")
def store_settings(migrated: Settings, shopify_server: ShopifySandbox, woo_server: WooSandbox) -> Settings:
    """The app configured for the sandbox stores: Shopify's app credentials and URLs, and the exact sandbox
    prefixes the SSRF-safe fetcher may reach on loopback (Shopify's images; the WooCommerce sites and images)."""
    return migrated.model_copy(
        update={
            "shopify_client_id": shopify_server.client_id,
            "shopify_client_secret": SecretStr(shopify_server.client_secret),
            "shopify_api_base_url": shopify_server.base_url,
            "fetch_allowed_prefixes": [f"{shopify_server.base_url}/cdn/", f"{woo_server.base_url}/"],
            "store_import_page_size": 10,
        }
    )


@pytest.fixture(scope="module")
async def store_app(store_settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(store_settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def merchant(store_app: FastAPI) -> AsyncIterator[Browser]:
    async with new_browser(store_app) as client:
        await signup(client)
        yield client


async def connect_shop(client: Browser, shopify: ShopifySandbox, shop: str = "sandbox-shop.myshopify.com") -> str:
    """The whole install as the browser sees it: install → Shopify approves → callback → the SPA; the store id."""
    response = await client.post("/stores/shopify/install", json={"shop": shop})
    assert response.status_code == 200, response.text
    async with httpx.AsyncClient() as outside:
        approved = await outside.get(response.json()["authorize_url"])
    assert approved.status_code == 302
    callback = httpx.URL(approved.headers["location"])
    assert callback.path == "/api/v1/stores/shopify/callback"
    back = await client.get("/stores/shopify/callback", params=dict(callback.params))
    assert back.status_code == 303, back.text
    assert back.headers["location"].endswith(f"/store?connected={shop}"), back.headers["location"]
    stores = (await client.get("/stores")).json()["items"]
    return str(next(s["id"] for s in stores if s["shop_domain"] == shop))


async def connect_woo(client: Browser, woo: WooSandbox, site: str = "sandbox-store") -> str:
    """The whole key flow: authorize → the merchant approves → WooCommerce posts the key to our callback; the store
    id. (The app runs in-process, so the test posts the callback body the sandbox would have sent.)"""
    response = await client.post("/stores/woocommerce/authorize", json={"site_url": woo.site_url(site)})
    assert response.status_code == 200, response.text
    callback_url, keys = woo.approve(response.json()["authorize_url"])
    assert httpx.URL(callback_url).path == "/api/v1/stores/woocommerce/callback"
    answer = await client.post("/stores/woocommerce/callback", json=keys)
    assert answer.status_code == 200, answer.text
    stores = (await client.get("/stores")).json()["items"]
    return str(next(s["id"] for s in stores if s["shop_domain"] == woo.site_url(site)))


async def run_queued_webhooks(app: FastAPI) -> int:
    """Run the webhook jobs the requests queued, the way the sync worker would; how many ran."""

    jobs = await app.state.arq.queued_jobs(queue_name="epox:sync")
    ran = 0
    for job in jobs:
        if job.function == "handle_store_webhook":
            await handle_store_webhook(worker_ctx(app), *job.args)
            ran += 1
    await app.state.arq.flushdb()
    return ran


async def import_killed_and_resumed(app: FastAPI, merchant: Browser, store_id: str) -> None:
    """Import all 60 sandbox products with a worker killed part-way (wherever it happens to be: mid-download,
    mid-transaction); its lease runs out, the reconciler hands the job to a restarted worker, which resumes from
    the checkpoint and ends with exactly the 60 products and their 180 images."""

    async def count(model: type) -> int:
        async with app.state.sessionmaker() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    async def job() -> Job:
        async with app.state.sessionmaker() as session:
            found = await session.get(Job, uuid.UUID(job_id))
            assert found is not None
            return found

    response = await merchant.post(f"/stores/{store_id}/imports", json={"all": True})
    assert response.status_code == 202, response.text
    job_id, ctx = str(response.json()["id"]), worker_ctx(app)
    attempt = asyncio.create_task(import_store_products(ctx, job_id))
    while await count(Product) < 17:  # noqa: ASYNC110 - polling the database, not an in-process event
        await asyncio.sleep(0.05)
    attempt.cancel()
    with pytest.raises(asyncio.CancelledError):
        await attempt
    assert (await job()).status == JobStatus.running
    assert 17 <= await count(Product) < len(PRODUCTS)

    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            update(Job).where(Job.id == uuid.UUID(job_id)).values(deadline_at=func.now() - text("interval '1 second'"))
        )
    assert await reconcile_jobs(ctx) == 1
    await import_store_products(ctx, job_id)

    finished = await job()
    assert finished.status == JobStatus.succeeded, (finished.error_code, finished.error_message)
    assert finished.attempts == 2
    assert finished.result is not None
    assert finished.result["created"] + finished.result["updated"] == len(PRODUCTS)
    assert await count(Product) == len(PRODUCTS) == 60
    assert await count(ProductImage) == 60 * IMAGES_PER_PRODUCT
    names = [p["name"] for p in (await merchant.get("/products", params={"limit": 100})).json()["items"]]
    assert sorted(names) == sorted(p.title for p in PRODUCTS)
