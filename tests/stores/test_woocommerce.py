"""WooCommerce end to end against the sandbox: the wc-auth key flow and its forged or replayed callbacks, importing
the whole catalog (and again, without duplicates), signed webhooks applied once, and disconnect removing our
webhooks from the site."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from api.models import Category, Job, JobStatus, Product, ProductImage, StoreConnection, StoreWebhookEvent
from sandbox.catalog import COLLECTIONS, IMAGES_PER_PRODUCT, PRODUCT_COUNT
from sandbox.woocommerce import WooSandbox, product_id
from tests.helpers import Browser, assert_problem, make_browser, put_on_plan, worker_ctx
from tests.stores.conftest import connect_woo, import_killed_and_resumed, run_queued_webhooks
from workers.store_sync import import_store_products

SITE = "sandbox-store"


async def _count(app: FastAPI, model: type, *where: object) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


async def _import(app: FastAPI, client: Browser, store_id: str, **body: Any) -> Job:
    response = await client.post(f"/stores/{store_id}/imports", json=body)
    assert response.status_code == 202, response.text
    await import_store_products(worker_ctx(app), response.json()["id"])
    async with app.state.sessionmaker() as session:
        job = await session.get(Job, uuid.UUID(response.json()["id"]))
        assert job is not None
        return job


async def _authorize(client: Browser, woo: WooSandbox) -> str:
    response = await client.post("/stores/woocommerce/authorize", json={"site_url": woo.site_url(SITE)})
    assert response.status_code == 200, response.text
    return str(response.json()["authorize_url"])


def _path(url: str) -> str:
    return httpx.URL(url).path.removeprefix("/api/v1")


async def test_connect_stores_the_key_encrypted_and_creates_signed_webhooks(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox
) -> None:
    authorize_url = await _authorize(merchant, woo)
    params = httpx.URL(authorize_url).params
    assert authorize_url.startswith(f"{woo.site_url(SITE)}/wc-auth/v1/authorize?")
    assert params["scope"] == "read_write"
    assert params["callback_url"].endswith("/api/v1/stores/woocommerce/callback")
    assert params["return_url"].endswith("/api/v1/stores/woocommerce/return")

    _, keys = woo.approve(authorize_url)
    answer = await merchant.post("/stores/woocommerce/callback", json=keys)
    assert answer.status_code == 200, answer.text

    [store] = (await merchant.get("/stores")).json()["items"]
    assert store["kind"] == "woocommerce"
    assert store["shop_domain"] == woo.site_url(SITE)
    assert store["status"] == "active"
    assert store["webhook_topics"] == ["product.deleted", "product.updated"]
    hooks = woo.site(SITE).webhooks.values()
    assert sorted(hook["topic"] for hook in hooks) == ["product.deleted", "product.updated"]
    public_url = store_app.state.settings.public_url.rstrip("/")
    assert {hook["delivery_url"] for hook in hooks} == {f"{public_url}/api/v1/webhooks/woocommerce/{store['id']}"}
    # The key and the webhook secret are stored only sealed, and no response carries them.
    async with store_app.state.sessionmaker() as session:
        row = await session.get(StoreConnection, uuid.UUID(store["id"]))
        assert row is not None
        assert row.credentials_ciphertext is not None
        sealed = row.credentials_ciphertext
    for secret in (keys["consumer_key"], keys["consumer_secret"], *(h["secret"] for h in hooks)):
        assert secret not in sealed
        assert secret not in (await merchant.get("/stores")).text

    back = await merchant.get("/stores/woocommerce/return", params={"success": "1", "user_id": params["user_id"]})
    assert back.status_code == 303
    assert back.headers["location"].endswith("/store?woocommerce=connected")
    denied = await merchant.get("/stores/woocommerce/return", params={"success": "0"})
    assert denied.headers["location"].endswith("/store?woocommerce=denied")


async def test_a_callback_with_an_unknown_forged_reused_or_expired_nonce_stores_no_key(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with make_browser(store_app) as woocommerce:  # the site posts server to server, without cookies
        _, keys = woo.approve(await _authorize(merchant, woo))
        nonce, issued, signature = keys["user_id"].split(".")
        forged = {**keys, "user_id": f"{nonce}.{issued}.{'0' * len(signature)}"}
        assert_problem(await woocommerce.post("/stores/woocommerce/callback", json=forged), 400, "store_connect_failed")
        unknown = {**keys, "user_id": "made-up-nonce"}
        assert_problem(await woocommerce.post("/stores/woocommerce/callback", json=unknown), 400)

        assert (await woocommerce.post("/stores/woocommerce/callback", json=keys)).status_code == 200
        assert await _count(store_app, StoreConnection) == 1
        await merchant.delete(f"/stores/{(await merchant.get('/stores')).json()['items'][0]['id']}")
        reused = await woocommerce.post("/stores/woocommerce/callback", json=keys)
        assert_problem(reused, 400, "store_connect_failed")
        assert reused.json()["detail"] == "invalid_nonce"

        _, late = woo.approve(await _authorize(merchant, woo))
        real_time = time.time
        monkeypatch.setattr(time, "time", lambda: real_time() + store_app.state.settings.oauth_state_ttl_seconds + 5)
        expired = await woocommerce.post("/stores/woocommerce/callback", json=late)
        monkeypatch.undo()
        assert_problem(expired, 400, "store_connect_failed")
        assert expired.json()["detail"] == "expired"
    assert await _count(store_app, StoreConnection) == 0


async def test_site_urls_must_be_https_and_a_connected_site_is_a_conflict(merchant: Browser, woo: WooSandbox) -> None:
    for bad in ("http://shop.example.com", "https://user:pw@shop.example.com", "https://shop.example.com/?a=1", ""):
        response = await merchant.post("/stores/woocommerce/authorize", json={"site_url": bad})
        assert_problem(response, 422)
    ok = await merchant.post("/stores/woocommerce/authorize", json={"site_url": "shop.example.com/"})
    assert httpx.URL(ok.json()["authorize_url"]).host == "shop.example.com"
    assert ok.json()["authorize_url"].startswith("https://shop.example.com/wc-auth/v1/authorize?")

    await connect_woo(merchant, woo, SITE)
    again = await merchant.post("/stores/woocommerce/authorize", json={"site_url": woo.site_url(SITE)})
    assert_problem(again, 409, "store_already_connected")


async def test_a_key_for_a_private_address_is_refused_without_storing_anything(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox
) -> None:
    """The site URL is the merchant's to choose: one pointing inside our network never gets a request."""
    response = await merchant.post("/stores/woocommerce/authorize", json={"site_url": "https://10.0.0.7"})
    _, keys = woo.approve(response.json()["authorize_url"].replace("https://10.0.0.7", woo.site_url(SITE)))
    answer = await merchant.post("/stores/woocommerce/callback", json=keys)
    assert_problem(answer, 400, "store_connect_failed")
    assert answer.json()["detail"] == "key_check_failed"
    assert await _count(store_app, StoreConnection) == 0


async def test_import_all_60_products_with_images_and_categories_and_again_without_duplicates(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox
) -> None:
    await put_on_plan(store_app, (await merchant.get("/organization")).json()["id"], "starter")
    store_id = await connect_woo(merchant, woo)

    job = await _import(store_app, merchant, store_id, all=True)
    assert job.status == JobStatus.succeeded, (job.error_code, job.error_message)
    assert job.result == {
        "created": PRODUCT_COUNT,
        "updated": 0,
        "failed": 0,
        "images": PRODUCT_COUNT * IMAGES_PER_PRODUCT,
        "image_failures": 0,
        "stopped": None,
    }
    assert await _count(store_app, Product) == 60
    assert await _count(store_app, ProductImage) == 60 * IMAGES_PER_PRODUCT
    assert await _count(store_app, Category) == len(COLLECTIONS)
    products = (await merchant.get("/products", params={"limit": 100})).json()["items"]
    first = next(p for p in products if p["external_id"] == str(product_id(0)))
    assert first["images"][0]["is_primary"]
    assert len(first["images"]) == IMAGES_PER_PRODUCT
    assert first["categories"], "the product's WooCommerce categories became its categories"
    assert first["currency"] == "USD"
    assert first["price_minor"] is not None

    again = await _import(store_app, merchant, store_id, all=True)
    assert again.result is not None
    assert (again.result["created"], again.result["updated"]) == (0, 60)
    assert again.result["images"] == 0, "no image is downloaded twice"
    assert await _count(store_app, Product) == 60
    assert await _count(store_app, ProductImage) == 60 * IMAGES_PER_PRODUCT

    browse = (await merchant.get(f"/stores/{store_id}/remote-products", params={"limit": 25})).json()
    assert len(browse["items"]) == 25
    assert browse["next_cursor"] == "2"
    assert all(item["imported_product_id"] for item in browse["items"])


async def test_webhooks_are_verified_applied_once_and_deletes_archive(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox
) -> None:
    store_id = await connect_woo(merchant, woo)
    await _import(store_app, merchant, store_id, external_ids=[str(product_id(0)), str(product_id(1))])
    woo.rename_product(SITE, 0, "Renamed in WooCommerce")
    url, body, headers = woo.webhook(SITE, "product.updated", 0, delivery_id="901")
    async with make_browser(store_app) as site:
        forged = await site.post(_path(url), content=body, headers={**headers, "X-WC-Webhook-Signature": "AAAA"})
        assert_problem(forged, 401, "invalid_webhook_signature")
        tampered = await site.post(_path(url), content=body.replace(b"Renamed", b"Hacked!"), headers=headers)
        assert_problem(tampered, 401, "invalid_webhook_signature")
        statuses = [(await site.post(_path(url), content=body, headers=headers)).json()["status"] for _ in range(3)]
        assert statuses == ["accepted", "duplicate", "duplicate"]

        ping_url, ping_body, ping_headers = woo.ping(SITE, next(iter(woo.site(SITE).webhooks)))
        ping = await site.post(_path(ping_url), content=ping_body, headers=ping_headers)
        assert ping.status_code == 200
        assert ping.json()["status"] == "ping"
        elsewhere = await site.post(f"/webhooks/woocommerce/{uuid.uuid4()}", content=body, headers=headers)
        assert_problem(elsewhere, 404)

        delete_url, delete_body, delete_headers = woo.webhook(SITE, "product.deleted", 1, delivery_id="902")
        assert (await site.post(_path(delete_url), content=delete_body, headers=delete_headers)).status_code == 200
    assert await run_queued_webhooks(store_app) == 2
    assert await _count(store_app, StoreWebhookEvent) == 2

    products = {
        p["external_id"]: p for p in (await merchant.get("/products", params={"archived": "true"})).json()["items"]
    }
    assert str(product_id(1)) in products, "the deleted product is archived, not removed"
    renamed = (await merchant.get("/products")).json()["items"]
    assert [p["name"] for p in renamed] == ["Renamed in WooCommerce"]
    [store] = (await merchant.get("/stores")).json()["items"]
    assert store["last_webhook_at"] is not None


async def test_disconnect_removes_our_webhooks_from_the_site(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox
) -> None:
    store_id = await connect_woo(merchant, woo)
    assert len(woo.site(SITE).webhooks) == 2
    response = await merchant.delete(f"/stores/{store_id}")
    assert response.status_code == 204
    assert woo.site(SITE).webhooks == {}
    assert await _count(store_app, StoreConnection) == 0


async def test_an_unreachable_site_does_not_block_a_disconnect(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox
) -> None:
    store_id = await connect_woo(merchant, woo)
    woo.fail_next = 100
    response = await merchant.delete(f"/stores/{store_id}")
    woo.fail_next = 0
    assert response.status_code == 204
    assert await _count(store_app, StoreConnection) == 0


async def test_the_store_page_is_told_which_sandbox_stores_a_local_run_offers(
    store_app: FastAPI, merchant: Browser
) -> None:
    sandbox = (await merchant.get("/stores/sandbox")).json()
    assert sandbox == {"shopify_shop": "sandbox-shop.myshopify.com", "woocommerce_site_url": None}


async def test_a_worker_killed_mid_import_and_restarted_finishes_with_exactly_60_products(
    store_app: FastAPI, merchant: Browser, woo: WooSandbox
) -> None:
    await put_on_plan(store_app, (await merchant.get("/organization")).json()["id"], "starter")
    await import_killed_and_resumed(store_app, merchant, await connect_woo(merchant, woo))
