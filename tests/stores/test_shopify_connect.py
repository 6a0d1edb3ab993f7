"""Connecting a Shopify store: OAuth verified end to end against the sandbox, nothing stored on any failure,
and the token kept only as ciphertext."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from api.models import StoreConnection
from sandbox.shopify import ShopifySandbox
from tests.helpers import Browser, assert_problem, make_browser, signup
from tests.stores.conftest import connect_shop

SHOP = "sandbox-shop.myshopify.com"


async def _connections(app: FastAPI) -> list[StoreConnection]:
    async with app.state.sessionmaker() as session:
        return list((await session.scalars(select(StoreConnection))).all())


async def _approve(client: Browser, shopify: ShopifySandbox, shop: str = SHOP) -> dict[str, str]:
    """Install and let the sandbox approve; the callback query, not yet delivered."""
    response = await client.post("/stores/shopify/install", json={"shop": shop})
    assert response.status_code == 200, response.text
    async with httpx.AsyncClient() as outside:
        approved = await outside.get(response.json()["authorize_url"])
    return dict(httpx.URL(approved.headers["location"]).params)


def _error(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    location = httpx.URL(response.headers["location"])
    assert location.path == "/store"
    return str(location.params.get("error"))


async def test_connect_stores_only_ciphertext_and_registers_webhooks(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    store_id = await connect_shop(merchant, shopify)
    [connection] = await _connections(store_app)
    [token] = shopify.shops[SHOP].tokens
    assert connection.credentials_ciphertext is not None
    assert token not in connection.credentials_ciphertext
    assert connection.status == "active"
    assert sorted(topic for topic, _ in shopify.shops[SHOP].webhooks.values()) == [
        "APP_UNINSTALLED",
        "PRODUCTS_DELETE",
        "PRODUCTS_UPDATE",
    ]
    assert {uri for _, uri in shopify.shops[SHOP].webhooks.values()} == {
        "http://127.0.0.1:8000/api/v1/webhooks/shopify"
    }
    # No endpoint answer carries the token.
    for response in (
        await merchant.get("/stores"),
        await merchant.patch(f"/stores/{store_id}", json={"auto_sync": True}),
        await merchant.get(f"/stores/{store_id}/remote-products", params={"limit": 5}),
        await merchant.post(f"/stores/{store_id}/imports", json={"external_ids": ["gid://shopify/Product/1"]}),
    ):
        assert response.status_code < 300, response.text
        assert token not in response.text
        assert "ciphertext" not in response.text
    assert (await merchant.get("/stores")).json()["items"][0]["auto_sync"] is True


async def test_connecting_the_same_shop_twice_is_a_conflict(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    await connect_shop(merchant, shopify)
    assert_problem(await merchant.post("/stores/shopify/install", json={"shop": SHOP}), 409, "store_already_connected")


@pytest.mark.parametrize("shop", ["evil.com", "shop.myshopify.com.evil.com", "-x.myshopify.com", "a/b.myshopify.com"])
async def test_install_refuses_a_shop_outside_myshopify(merchant: Browser, shop: str) -> None:
    assert_problem(await merchant.post("/stores/shopify/install", json={"shop": shop}), 422, "invalid_shop_domain")


async def test_callback_with_a_bad_hmac_stores_nothing(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    params = await _approve(merchant, shopify)
    params["hmac"] = "0" * 64
    assert _error(await merchant.get("/stores/shopify/callback", params=params)) == "invalid_hmac"
    tampered = {**(await _approve(merchant, shopify)), "code": "other"}
    assert _error(await merchant.get("/stores/shopify/callback", params=tampered)) == "invalid_hmac"
    assert await _connections(store_app) == []


async def test_callback_with_a_reused_state_stores_nothing_the_second_time(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    params = await _approve(merchant, shopify)
    assert (await merchant.get("/stores/shopify/callback", params=params)).status_code == 303
    [connection] = await _connections(store_app)
    ciphertext = connection.credentials_ciphertext
    # Replayed with a fresh code signed by Shopify but the same state: refused before any exchange.
    replay = shopify.authorize_redirect(SHOP, params["state"])
    assert _error(await merchant.get("/stores/shopify/callback", params=replay)) == "invalid_state"
    [after] = await _connections(store_app)
    assert after.credentials_ciphertext == ciphertext


async def test_callback_with_a_state_for_another_shop_or_forged_state_stores_nothing(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    params = await _approve(merchant, shopify)
    other_shop = shopify.authorize_redirect("other-shop.myshopify.com", params["state"])
    assert _error(await merchant.get("/stores/shopify/callback", params=other_shop)) == "invalid_state"
    forged = shopify.authorize_redirect(SHOP, "made-up.state")
    assert _error(await merchant.get("/stores/shopify/callback", params=forged)) == "invalid_state"
    outside = shopify.authorize_redirect("evil.com", params["state"])
    assert _error(await merchant.get("/stores/shopify/callback", params=outside)) == "invalid_shop"
    stale = shopify.authorize_redirect(SHOP, params["state"], timestamp="1337178173")
    assert _error(await merchant.get("/stores/shopify/callback", params=stale)) == "expired"
    assert await _connections(store_app) == []
    # The state was never consumed by those failures' checks before it: the genuine callback still works.
    assert (await merchant.get("/stores/shopify/callback", params=params)).status_code == 303
    assert len(await _connections(store_app)) == 1


async def test_a_failed_code_exchange_stores_nothing(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    params = await _approve(merchant, shopify)
    shopify.codes.clear()  # the code expired at Shopify
    assert _error(await merchant.get("/stores/shopify/callback", params=params)) == "exchange_failed"
    assert await _connections(store_app) == []


async def test_stores_are_tenant_scoped_and_need_the_admin_role(
    store_app: FastAPI, merchant: Browser, shopify: ShopifySandbox
) -> None:
    store_id = await connect_shop(merchant, shopify)
    async with make_browser(store_app) as other:
        await signup(other)
        assert (await other.get("/stores")).json()["items"] == []
        assert_problem(await other.delete(f"/stores/{store_id}"), 404, "store_not_found")
    assert (await merchant.delete(f"/stores/{store_id}")).status_code == 204
    assert await _connections(store_app) == []
