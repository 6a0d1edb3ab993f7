"""Shopify webhooks: signature on the raw body, once per delivery id, product changes applied by the worker,
uninstall revoking the connection at once, and the privacy topics."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, update

from api.core.time import utc_now
from api.models import Job, JobStatus, Product, StoreConnection, StoreWebhookEvent
from sandbox.catalog import PRODUCTS
from sandbox.shopify import ShopifySandbox
from tests.helpers import Browser, assert_problem, make_browser, worker_ctx
from tests.stores.conftest import CONTRACTS_DIR, connect_shop, run_queued_webhooks
from workers.cron import reconcile
from workers.store_sync import handle_store_webhook, import_store_products

SHOP = "sandbox-shop.myshopify.com"
URL = "/webhooks/shopify"


async def _post(
    client: Browser, shopify: ShopifySandbox, topic: str, payload: dict[str, object], **kw: str
) -> httpx.Response:
    body, headers = shopify.webhook(SHOP, topic, payload, **kw)
    return await client.post(URL, content=body, headers=headers)


async def _imported(app: FastAPI, merchant: Browser, shopify: ShopifySandbox) -> tuple[str, str]:
    store_id = await connect_shop(merchant, shopify)
    response = await merchant.post(f"/stores/{store_id}/imports", json={"external_ids": [PRODUCTS[0].gid]})
    await import_store_products(worker_ctx(app), response.json()["id"])
    [product] = (await merchant.get("/products")).json()["items"]
    return store_id, str(product["id"])


async def _count(app: FastAPI, model: type) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)  # type: ignore[arg-type]


async def test_a_forged_or_hex_signed_webhook_is_refused(store_app: FastAPI, shopify: ShopifySandbox) -> None:
    async with make_browser(store_app) as anonymous:
        assert_problem(
            await _post(anonymous, shopify, "products/update", {"id": 1}, secret="not-the-app-secret"),
            401,
            "invalid_webhook_signature",
        )
        body, headers = shopify.webhook(SHOP, "products/update", {"id": 1})
        tampered = await anonymous.post(URL, content=body + b" ", headers=headers)
        assert_problem(tampered, 401, "invalid_webhook_signature")
        digest = base64.b64decode(headers["X-Shopify-Hmac-Sha256"]).hex()
        as_hex = await anonymous.post(URL, content=body, headers={**headers, "X-Shopify-Hmac-Sha256": digest})
        assert_problem(as_hex, 401, "invalid_webhook_signature")
    assert await _count(store_app, StoreWebhookEvent) == 0


async def test_product_update_applied_once_for_three_deliveries_of_one_id(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    _, product_id = await _imported(store_app, merchant, shopify)
    payload = shopify.product_payload(SHOP, 0, title="Renamed in Shopify")
    delivery = str(uuid.uuid4())
    statuses = []
    async with make_browser(store_app) as anonymous:
        for _ in range(3):
            response = await _post(anonymous, shopify, "products/update", payload, webhook_id=delivery)
            assert response.status_code == 200, response.text
            statuses.append(response.json()["status"])
    assert statuses == ["accepted", "duplicate", "duplicate"]
    assert await run_queued_webhooks(store_app) == 1
    assert await _count(store_app, StoreWebhookEvent) == 1
    product = (await merchant.get(f"/products/{product_id}")).json()
    assert product["name"] == "Renamed in Shopify"
    # The job delivered again (at least once) changes nothing more.
    async with store_app.state.sessionmaker() as session:
        event_id = await session.scalar(select(StoreWebhookEvent.id))
    await handle_store_webhook(worker_ctx(store_app), str(event_id))


async def test_product_delete_archives_the_local_product(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    _, product_id = await _imported(store_app, merchant, shopify)
    async with make_browser(store_app) as anonymous:
        response = await _post(anonymous, shopify, "products/delete", {"id": PRODUCTS[0].legacy_id})
    assert response.status_code == 200
    await run_queued_webhooks(store_app)
    product = (await merchant.get(f"/products/{product_id}")).json()
    assert product["archived_at"] is not None


async def test_app_uninstalled_revokes_at_once_and_no_further_call_reaches_the_shop(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    store_id = await connect_shop(merchant, shopify)
    # An import queued before the uninstall, whose worker only gets to it afterwards.
    queued = (await merchant.post(f"/stores/{store_id}/imports", json={"all": True})).json()["id"]
    example = json.loads(
        (CONTRACTS_DIR / "shopify/webhook_payloads/2026-07/app__uninstalled.metadata.json").read_text()
    )
    async with make_browser(store_app) as anonymous:
        response = await _post(anonymous, shopify, "app/uninstalled", example["response"])
    assert response.json()["status"] == "revoked"
    shopify.uninstall(SHOP)
    shopify.calls.clear()

    [store] = (await merchant.get("/stores")).json()["items"]
    assert store["status"] == "disconnected"
    async with store_app.state.sessionmaker() as session:
        connection = await session.get(StoreConnection, uuid.UUID(store_id))
        assert connection is not None
        assert connection.credentials_ciphertext is None

    await import_store_products(worker_ctx(store_app), queued)
    async with store_app.state.sessionmaker() as session:
        job = await session.get(Job, uuid.UUID(queued))
        assert job is not None
        assert job.status == JobStatus.failed
        assert job.error_code == "store_not_active"
    assert_problem(await merchant.get(f"/stores/{store_id}/remote-products"), 409, "store_not_active")
    assert_problem(await merchant.post(f"/stores/{store_id}/imports", json={"all": True}), 409, "store_not_active")
    assert shopify.calls == []
    # Reinstalling reuses the connection.
    assert await connect_shop(merchant, shopify) == store_id


async def test_privacy_topics_are_acknowledged_and_shop_redact_deletes_the_shops_store_data(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    await _imported(store_app, merchant, shopify)
    topics = ("customers/data_request", "customers/redact", "shop/redact")
    async with make_browser(store_app) as anonymous:
        for topic in topics:
            name = topic.replace("/", "__")
            example = json.loads((CONTRACTS_DIR / f"shopify/webhook_payloads/2026-07/{name}.metadata.json").read_text())
            response = await _post(anonymous, shopify, topic, example["response"])
            assert response.status_code == 200, response.text
    assert await run_queued_webhooks(store_app) == 1
    assert await _count(store_app, StoreConnection) == 0
    # The merchant's catalog keeps the imported product, unlinked.
    [product] = (await merchant.get("/products")).json()["items"]
    async with store_app.state.sessionmaker() as session:
        row = await session.get(Product, uuid.UUID(product["id"]))
        assert row is not None
        assert row.store_connection_id is None


async def test_a_stored_webhook_whose_job_was_lost_is_requeued_by_the_reconciler(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    _, product_id = await _imported(store_app, merchant, shopify)
    async with make_browser(store_app) as anonymous:
        payload = shopify.product_payload(SHOP, 0, title="Renamed while Redis was down")
        assert (await _post(anonymous, shopify, "products/update", payload)).status_code == 200
    await store_app.state.arq.flushdb()  # the job is lost
    async with store_app.state.sessionmaker() as session:
        await session.execute(update(StoreWebhookEvent).values(created_at=utc_now() - timedelta(minutes=5)))
        await session.commit()
    results = await reconcile(worker_ctx(store_app))
    assert results["requeue_store_webhooks"] == 1
    assert await run_queued_webhooks(store_app) == 1
    assert (await merchant.get(f"/products/{product_id}")).json()["name"] == "Renamed while Redis was down"
    assert (await reconcile(worker_ctx(store_app)))["requeue_store_webhooks"] == 0
