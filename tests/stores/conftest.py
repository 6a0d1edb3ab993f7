from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from pydantic import SecretStr

from api.core.config import Settings
from api.main import create_app
from sandbox.shopify import ShopifySandbox, serve
from tests.helpers import Browser, new_browser, signup

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


@pytest.fixture(scope="module")
def store_settings(migrated: Settings, shopify_server: ShopifySandbox) -> Settings:
    """The app configured for the sandbox shop: its app credentials, its URLs, and its images allowlisted."""
    return migrated.model_copy(
        update={
            "shopify_client_id": shopify_server.client_id,
            "shopify_client_secret": SecretStr(shopify_server.client_secret),
            "shopify_api_base_url": shopify_server.base_url,
            "fetch_allowed_prefixes": [f"{shopify_server.base_url}/cdn/"],
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


def worker_ctx(app: FastAPI) -> dict[str, Any]:
    return {
        "sessionmaker": app.state.sessionmaker,
        "redis": app.state.arq,
        "settings": app.state.settings,
        "storage": app.state.storage,
    }


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
