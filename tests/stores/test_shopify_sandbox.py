"""The Shopify sandbox speaks the contracts the app relies on, and every document the app sends is valid
against Shopify's published Admin GraphQL schema for the pinned version."""

from __future__ import annotations

import gzip
import json
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from graphql import GraphQLSchema, build_client_schema, parse, validate
from pydantic import SecretStr

from api.core.config import Settings
from api.stores.shopify import (
    API_VERSION,
    DOCUMENTS,
    PRODUCTS_QUERY,
    ShopifyClient,
    ShopifyError,
    oauth_message,
    verify_oauth_hmac,
    verify_webhook_hmac,
)
from sandbox.catalog import PRODUCT_COUNT
from sandbox.shopify import ShopifySandbox
from tests.stores.conftest import CONTRACTS_DIR

SHOP = "sandbox-shop.myshopify.com"


@pytest.fixture(scope="module")
def admin_schema() -> GraphQLSchema:
    path = CONTRACTS_DIR / "shopify" / "admin_graphql_schema" / f"admin_{API_VERSION}.introspection.json.gz"
    with gzip.open(path) as handle:
        schema = build_client_schema(json.load(handle)["data"])
    schema._validation_errors = []  # Shopify's schema trips graphql-core's deprecated-interface-field rule
    return schema


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_graphql_document_validates_against_the_real_schema(admin_schema: GraphQLSchema, name: str) -> None:
    errors = validate(admin_schema, parse(DOCUMENTS[name]))
    assert errors == [], [e.message for e in errors]


def test_oauth_hmac_matches_shopifys_vectors() -> None:
    vectors = json.loads((CONTRACTS_DIR / "shopify" / "hmac_test_vectors.json").read_text())
    for vector in vectors["oauth_query_hmac"]:
        assert oauth_message(vector["params"]) == vector["message"]
        assert verify_oauth_hmac(vector["secret"], {**vector["params"], "hmac": vector["expected_hmac_hex"]})
        assert not verify_oauth_hmac(vector["secret"], {**vector["params"], "hmac": "0" * 64})
    [webhook] = vectors["webhook_hmac"]
    body = webhook["body"].encode()
    assert verify_webhook_hmac(webhook["secret"], body, webhook["expected_header_X-Shopify-Hmac-Sha256"])
    assert not verify_webhook_hmac(webhook["secret"], body, webhook["expected_hex_same_digest"])
    assert not verify_webhook_hmac(webhook["secret"], body + b" ", webhook["expected_header_X-Shopify-Hmac-Sha256"])


def _settings(settings: Settings, shopify: ShopifySandbox) -> Settings:
    return settings.model_copy(
        update={
            "shopify_client_id": shopify.client_id,
            "shopify_client_secret": SecretStr(shopify.client_secret),
            "shopify_api_base_url": shopify.base_url,
        }
    )


async def test_sandbox_oauth_install_token_exchange_and_product_paging(
    shopify: ShopifySandbox, settings: Settings
) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(
            f"{shopify.base_url}/{SHOP}/admin/oauth/authorize",
            params={"client_id": shopify.client_id, "redirect_uri": "http://app/callback", "state": "s1"},
        )
    assert response.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlparse(response.headers["location"]).query).items()}
    assert {"code", "hmac", "shop", "state", "timestamp"} <= query.keys()
    assert verify_oauth_hmac(shopify.client_secret, query)

    app_settings = _settings(settings, shopify)
    token, scope = await ShopifyClient(app_settings, SHOP).exchange_code(query["code"])
    assert token.startswith("shpat_")
    assert "read_products" in scope
    with pytest.raises(ShopifyError):  # a code works once
        await ShopifyClient(app_settings, SHOP).exchange_code(query["code"])

    client_ = ShopifyClient(app_settings, SHOP, token)
    seen, after, images = [], None, 0
    while True:
        data = await client_.graphql(PRODUCTS_QUERY, {"first": 25, "after": after})
        page = data["products"]
        for node in page["nodes"]:
            seen.append(node["id"])
            images += len(node["media"]["nodes"])
            assert node["collections"]["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(set(seen)) == PRODUCT_COUNT
    assert images == 3 * PRODUCT_COUNT
    async with httpx.AsyncClient() as client:
        image = await client.get(data["products"]["nodes"][0]["media"]["nodes"][0]["image"]["url"])
    assert image.headers["content-type"] == "image/png"


async def test_sandbox_throttles_and_rate_limits_on_request(shopify: ShopifySandbox, settings: Settings) -> None:
    params = shopify.authorize_redirect(SHOP, "s")
    app_settings = _settings(settings, shopify)
    token, _ = await ShopifyClient(app_settings, SHOP).exchange_code(params["code"])
    client = ShopifyClient(app_settings, SHOP, token)

    shopify.throttle_next = 1
    with pytest.raises(ShopifyError) as throttled:
        await client.graphql(PRODUCTS_QUERY, {"first": 10})
    assert throttled.value.transient
    assert throttled.value.retry_after is not None
    assert throttled.value.retry_after >= 1

    shopify.rate_limit_next, shopify.retry_after = 1, 2
    with pytest.raises(ShopifyError) as limited:
        await client.graphql(PRODUCTS_QUERY, {"first": 10})
    assert limited.value.status == 429
    assert limited.value.retry_after == 2

    shopify.uninstall(SHOP)
    with pytest.raises(ShopifyError) as refused:
        await client.graphql(PRODUCTS_QUERY, {"first": 10})
    assert refused.value.status == 401
