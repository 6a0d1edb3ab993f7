"""The WooCommerce sandbox speaks the contracts the app relies on: the wc-auth key handshake, REST API v3 paging,
filters and errors, webhooks with signed deliveries, and objects shaped exactly like WooCommerce's REST API docs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.catalog import COLLECTIONS, IMAGES_PER_PRODUCT, PRODUCT_COUNT, PRODUCTS, product_image
from sandbox.server import free_port, serve
from sandbox.woocommerce import API_PREFIX, WooSandbox, product_id
from tests.stores.conftest import CONTRACTS_DIR

SITE = "sandbox-store"
DOCS = CONTRACTS_DIR / "woocommerce" / "examples_json"
KEY = re.compile(r"ck_[0-9a-f]{40}")
SECRET = re.compile(r"cs_[0-9a-f]{40}")
WP_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")  # wc_rest_prepare_date_response: no zone, no fraction
JSON_TYPES: dict[str, type] = {"integer": int, "string": str, "boolean": bool, "array": list, "object": dict}


@dataclass
class Receiver:
    """The app's side of a callback or a delivery: records every POST and answers `status`."""

    status: int = 200
    base_url: str = ""
    received: list[tuple[str, bytes, httpx.Headers]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.app = Starlette(routes=[Route("/{path:path}", self.receive, methods=["POST"])])

    async def receive(self, request: Request) -> Response:
        self.received.append((request.url.path, await request.body(), httpx.Headers(request.headers.raw)))
        return Response(status_code=self.status)


@pytest.fixture(scope="module")
def receiver_server() -> Iterator[Receiver]:
    with serve(Receiver()) as receiver:
        yield receiver


@pytest.fixture
def receiver(receiver_server: Receiver) -> Iterator[Receiver]:
    yield receiver_server
    receiver_server.received.clear()
    receiver_server.status = 200


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as http:
        yield http


def keys(woo: WooSandbox, scope: str = "read_write") -> tuple[str, str]:
    body = woo.grant_keys(SITE, "merchant-1", scope)
    return body["consumer_key"], body["consumer_secret"]


def api(woo: WooSandbox, path: str) -> str:
    return f"{woo.site_url(SITE)}{API_PREFIX}/{path}"


def auth_params(woo: WooSandbox, receiver: Receiver, **override: str) -> dict[str, str]:
    return {
        "app_name": "Epox",
        "scope": "read_write",
        "user_id": "nonce.1700000000.signature",
        "return_url": "http://127.0.0.1:9/api/v1/stores/woocommerce/return?from=woo",
        "callback_url": f"{receiver.base_url}/api/v1/stores/woocommerce/callback",
        **override,
    }


def buttons(page: str) -> dict[str, str]:
    """The grant-access page's links by their label (Approve, Deny)."""
    return {label: unescape(href) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>(\w+)</a>', page)}


# --- wc-auth ------------------------------------------------------------------------------------------------


async def test_approve_posts_the_keys_to_the_callback_and_returns_with_success(
    woo: WooSandbox, receiver: Receiver, client: httpx.AsyncClient
) -> None:
    params = auth_params(woo, receiver)
    page = await client.get(f"{woo.site_url(SITE)}/wc-auth/v1/authorize", params=params)
    assert page.status_code == 200
    assert "<strong>Epox</strong> would like to connect" in page.text
    assert "<strong>Read/Write</strong>" in page.text
    links = buttons(page.text)
    assert set(links) == {"Approve", "Deny"}

    approved = await client.get(links["Approve"])
    assert approved.status_code == 302
    back = httpx.URL(approved.headers["location"])
    assert back.path == "/api/v1/stores/woocommerce/return"
    assert dict(back.params) == {"from": "woo", "success": "1", "user_id": "nonce.1700000000.signature"}

    [(path, raw, headers)] = receiver.received
    assert path == "/api/v1/stores/woocommerce/callback"
    assert headers["content-type"] == "application/json;charset=UTF-8"
    body = json.loads(raw)
    assert list(body) == ["key_id", "user_id", "consumer_key", "consumer_secret", "key_permissions"]
    assert body["key_id"] == 1
    assert body["user_id"] == "nonce.1700000000.signature"  # the app's value, echoed back as the string it sent
    assert KEY.fullmatch(body["consumer_key"])
    assert SECRET.fullmatch(body["consumer_secret"])
    assert body["key_permissions"] == "read_write"

    listed = await client.get(api(woo, "products"), auth=(body["consumer_key"], body["consumer_secret"]))
    assert listed.status_code == 200
    assert (SITE, "GET /wc-auth/v1/authorize") in woo.calls
    assert (SITE, f"GET {API_PREFIX}/products") in woo.calls


async def test_deny_goes_back_to_the_app_with_success_0_and_no_keys(
    woo: WooSandbox, receiver: Receiver, client: httpx.AsyncClient
) -> None:
    page = await client.get(f"{woo.site_url(SITE)}/wc-auth/v1/authorize", params=auth_params(woo, receiver))
    back = httpx.URL(buttons(page.text)["Deny"])
    assert str(back).startswith("http://127.0.0.1:9/api/v1/stores/woocommerce/return?")
    assert dict(back.params) == {"from": "woo", "success": "0", "user_id": "nonce.1700000000.signature"}
    assert receiver.received == []
    assert woo.site(SITE).keys == {}


@pytest.mark.parametrize("status", [500, 204])
async def test_a_callback_that_does_not_answer_200_loses_the_keys(
    woo: WooSandbox, receiver: Receiver, client: httpx.AsyncClient, status: int
) -> None:
    receiver.status = status  # even 204: WooCommerce accepts exactly 200
    page = await client.get(f"{woo.site_url(SITE)}/wc-auth/v1/authorize", params=auth_params(woo, receiver))
    answer = await client.get(buttons(page.text)["Approve"])
    # WooCommerce shows an error page and never sends the merchant back to the app.
    assert answer.status_code == 401
    assert "location" not in answer.headers
    assert (
        "Error: An error occurred in the request and at the time were unable to send the consumer data." in answer.text
    )
    [(_, raw, _)] = receiver.received
    posted = json.loads(raw)
    assert woo.site(SITE).keys == {}
    refused = await client.get(api(woo, "products"), auth=(posted["consumer_key"], posted["consumer_secret"]))
    assert refused.status_code == 401
    assert refused.json()["code"] == "woocommerce_rest_cannot_view"


async def test_an_unreachable_callback_loses_the_keys(woo: WooSandbox, client: httpx.AsyncClient) -> None:
    params = {**auth_params(woo, Receiver()), "callback_url": f"http://127.0.0.1:{free_port()}/callback"}
    page = await client.get(f"{woo.site_url(SITE)}/wc-auth/v1/authorize", params=params)
    answer = await client.get(buttons(page.text)["Approve"])
    assert answer.status_code == 401
    assert "Access denied" in answer.text
    assert woo.site(SITE).keys == {}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"scope": ""}, "Error: Missing parameter scope."),
        ({"user_id": ""}, "Error: Missing parameter user_id."),
        ({"scope": "admin"}, "Error: Invalid scope admin."),
        ({"callback_url": "http://shop.example.com/callback"}, "Error: The callback_url needs to be over SSL."),
    ],
)
async def test_authorize_refuses_bad_parameters_like_woocommerce(
    woo: WooSandbox, client: httpx.AsyncClient, override: dict[str, str], message: str
) -> None:
    params = {k: v for k, v in auth_params(woo, Receiver(base_url="https://app.example.com"), **override).items() if v}
    page = await client.get(f"{woo.site_url(SITE)}/wc-auth/v1/authorize", params=params)
    assert page.status_code == 401
    assert "<title>Access denied</title>" in page.text
    assert message in page.text
    with pytest.raises(ValueError, match=message.removeprefix("Error: ").rstrip(".")):
        woo.approve(str(page.request.url))


async def test_access_granted_needs_the_nonce_of_an_authorize_page(
    woo: WooSandbox, receiver: Receiver, client: httpx.AsyncClient
) -> None:
    params = auth_params(woo, receiver)
    forged = await client.get(f"{woo.site_url(SITE)}/wc-auth/v1/access_granted", params=params)
    assert forged.status_code == 401
    assert "Invalid nonce verification" in forged.text
    assert receiver.received == []
    assert woo.site(SITE).keys == {}


async def test_approve_helper_grants_keys_for_an_in_process_app(woo: WooSandbox, client: httpx.AsyncClient) -> None:
    params = auth_params(woo, Receiver(base_url="https://app.example.com"), scope="read")
    url = str(httpx.URL(f"{woo.site_url(SITE)}/wc-auth/v1/authorize", params=params))
    callback, body = woo.approve(url)
    assert callback == "https://app.example.com/api/v1/stores/woocommerce/callback"
    assert body["key_permissions"] == "read"
    assert body["user_id"] == "nonce.1700000000.signature"
    _, second = woo.approve(url)
    assert (body["key_id"], second["key_id"]) == (1, 2)
    ok = await client.get(api(woo, "products"), auth=(body["consumer_key"], body["consumer_secret"]))
    assert ok.status_code == 200
    with pytest.raises(ValueError, match="not a wc-auth authorize URL"):
        woo.approve(f"{woo.site_url(SITE)}/wp-admin/?app_name=Epox")


# --- REST API -----------------------------------------------------------------------------------------------


async def test_products_page_with_wordpress_headers(woo: WooSandbox, client: httpx.AsyncClient) -> None:
    auth = keys(woo)
    seen: list[int] = []
    for page in (1, 2, 3):
        params = {"per_page": 25, "page": page, "orderby": "id", "order": "asc"}
        response = await client.get(api(woo, "products"), params=params, auth=auth)
        assert response.status_code == 200
        assert response.headers["x-wp-total"] == str(PRODUCT_COUNT)
        assert response.headers["x-wp-totalpages"] == "3"
        assert len(response.json()) == [25, 25, 10][page - 1]
        assert ('rel="next"' in response.headers.get("link", "")) == (page < 3)
        assert ('rel="prev"' in response.headers.get("link", "")) == (page > 1)
        seen += [product["id"] for product in response.json()]
    assert seen == sorted(seen)
    assert seen == [product_id(p.number) for p in PRODUCTS]
    assert len(set(seen)) == PRODUCT_COUNT

    past = await client.get(api(woo, "products"), params={"per_page": 25, "page": 4}, auth=auth)
    assert past.status_code == 200
    assert past.json() == []
    assert past.headers["x-wp-total"] == str(PRODUCT_COUNT)

    default = await client.get(api(woo, "products"), auth=auth)  # 10 a page, newest first
    assert [p["id"] for p in default.json()] == [product_id(n) for n in range(59, 49, -1)]
    assert default.headers["x-wp-totalpages"] == "6"

    for bad, message in [
        ({"per_page": 101}, "per_page must be between 1 (inclusive) and 100 (inclusive)"),
        ({"page": 0}, "page must be greater than or equal to 1"),
        ({"order": "up"}, "order is not one of asc and desc."),
    ]:
        refused = await client.get(api(woo, "products"), params=bad, auth=auth)
        assert refused.status_code == 400
        error = refused.json()
        assert error["code"] == "rest_invalid_param"
        assert error["data"]["status"] == 400
        assert error["data"]["params"] == {next(iter(bad)): message}


async def test_include_filter_single_product_and_store_side_edits(woo: WooSandbox, client: httpx.AsyncClient) -> None:
    auth = keys(woo, "read")
    wanted = [product_id(7), product_id(3), product_id(42)]
    params = {"include": ",".join(map(str, wanted)), "orderby": "include"}
    response = await client.get(api(woo, "products"), params=params, auth=auth)
    assert [p["id"] for p in response.json()] == wanted
    assert response.headers["x-wp-total"] == "3"
    listed = await client.get(f"{api(woo, 'products')}?include[]={wanted[0]}&include[]={wanted[2]}", auth=auth)
    assert sorted(p["id"] for p in listed.json()) == sorted([wanted[0], wanted[2]])

    one = (await client.get(api(woo, f"products/{product_id(7)}"), auth=auth)).json()
    product = PRODUCTS[7]
    assert (one["name"], one["sku"], one["price"], one["slug"]) == (
        product.title,
        product.sku,
        product.price,
        product.handle,
    )
    assert one["permalink"] == f"{woo.site_url(SITE)}/product/{product.handle}/"
    assert [c["slug"] for c in one["categories"]] == list(product.collection_handles)
    assert len(one["images"]) == IMAGES_PER_PRODUCT
    assert len({image["id"] for image in one["images"]}) == IMAGES_PER_PRODUCT

    woo.delete_product(SITE, 3)
    woo.rename_product(SITE, 7, "Oak Sofa, renamed")
    response = await client.get(api(woo, "products"), params=params, auth=auth)
    assert [p["id"] for p in response.json()] == [product_id(7), product_id(42)]
    assert response.json()[0]["name"] == "Oak Sofa, renamed"
    assert response.json()[0]["date_modified_gmt"] > one["date_modified_gmt"]
    total = await client.get(api(woo, "products"), params={"per_page": 1}, auth=auth)
    assert total.headers["x-wp-total"] == str(PRODUCT_COUNT - 1)
    gone = await client.get(api(woo, f"products/{product_id(3)}"), auth=auth)
    assert gone.status_code == 404
    assert gone.json() == {
        "code": "woocommerce_rest_product_invalid_id",
        "message": "Invalid ID.",
        "data": {"status": 404},
    }
    unknown = await client.get(api(woo, "products/99999"), auth=auth)
    assert unknown.status_code == 404


async def test_categories_are_the_catalog_collections(woo: WooSandbox, client: httpx.AsyncClient) -> None:
    auth = keys(woo)
    response = await client.get(api(woo, "products/categories"), params={"per_page": 2}, auth=auth)
    assert response.headers["x-wp-total"] == str(len(COLLECTIONS))
    assert response.headers["x-wp-totalpages"] == "3"
    everything = (await client.get(api(woo, "products/categories"), params={"per_page": 100}, auth=auth)).json()
    assert [c["name"] for c in everything] == sorted(c.title for c in COLLECTIONS)  # by name, like WooCommerce
    counts = {c["slug"]: c["count"] for c in everything}
    assert counts == {c.handle: sum(c.handle in p.collection_handles for p in PRODUCTS) for c in COLLECTIONS}
    assert [c["name"] for c in response.json()] == [c["name"] for c in everything[:2]]


async def test_currency_setting_and_images(woo: WooSandbox, client: httpx.AsyncClient) -> None:
    auth = keys(woo, "read")
    currency = await client.get(api(woo, "settings/general/woocommerce_currency"), auth=auth)
    assert currency.json()["id"] == "woocommerce_currency"
    assert currency.json()["value"] == "USD"
    woo.site(SITE).currency = "EUR"
    currency = await client.get(api(woo, "settings/general/woocommerce_currency"), auth=auth)
    assert currency.json()["value"] == "EUR"

    product = (await client.get(api(woo, f"products/{product_id(5)}"), auth=auth)).json()
    assert "&euro;" in product["price_html"]
    image = await client.get(product["images"][2]["src"])
    assert image.headers["content-type"] == "image/png"
    assert image.content == product_image(5, 2)
    missing = await client.get(f"{woo.base_url}/cdn/woo/{PRODUCT_COUNT}/0.png")
    assert missing.status_code == 404


async def test_authentication_failures(woo: WooSandbox, client: httpx.AsyncClient) -> None:
    key, secret = keys(woo)
    anonymous = await client.get(api(woo, "products"))
    assert anonymous.status_code == 401
    assert anonymous.json() == {
        "code": "woocommerce_rest_cannot_view",
        "message": "Sorry, you cannot list resources.",
        "data": {"status": 401},
    }
    unknown = await client.get(api(woo, "products"), auth=(f"ck_{'0' * 40}", secret))
    assert unknown.json()["code"] == "woocommerce_rest_cannot_view"
    wrong = await client.get(api(woo, "products"), auth=(key, f"cs_{'0' * 40}"))
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "woocommerce_rest_authentication_error"
    assert wrong.json()["message"] == "Consumer secret is invalid."
    by_query = await client.get(api(woo, "products"), params={"consumer_key": key, "consumer_secret": secret})
    assert by_query.status_code == 200
    other_site = await client.get(f"{woo.site_url('another-store')}{API_PREFIX}/products", auth=(key, secret))
    assert other_site.status_code == 401  # keys belong to one site

    read_key = keys(woo, "read")
    hook = {"topic": "product.updated", "delivery_url": "https://app.example.com/hooks"}
    refused = await client.post(api(woo, "webhooks"), json=hook, auth=read_key)
    assert refused.status_code == 401
    assert refused.json()["message"] == "The API key provided does not have write permissions."
    write_key = keys(woo, "write")
    blind = await client.get(api(woo, "products"), auth=write_key)
    assert blind.status_code == 401
    assert blind.json()["message"] == "The API key provided does not have read permissions."
    anonymous_write = await client.post(api(woo, "webhooks"), json=hook)
    assert anonymous_write.json()["code"] == "woocommerce_rest_cannot_create"

    woo.revoke_keys(SITE)
    revoked = await client.get(api(woo, "products"), auth=(key, secret))
    assert revoked.status_code == 401
    assert revoked.json()["code"] == "woocommerce_rest_cannot_view"

    no_route = await client.get(api(woo, "orders"), auth=(key, secret))
    assert no_route.status_code == 404
    assert no_route.json()["code"] == "rest_no_route"


# --- webhooks -----------------------------------------------------------------------------------------------


async def test_webhook_create_list_delete(woo: WooSandbox, client: httpx.AsyncClient) -> None:
    auth = keys(woo)
    body = {"name": "Epox product.updated", "topic": "product.updated", "delivery_url": "https://app.example.com/h"}
    created = await client.post(api(woo, "webhooks"), json={**body, "secret": "s3cret"}, auth=auth)
    assert created.status_code == 201
    hook = created.json()
    assert created.headers["location"] == api(woo, f"webhooks/{hook['id']}")
    assert {k: hook[k] for k in ("name", "status", "topic", "resource", "event", "delivery_url")} == {
        **body,
        "status": "active",
        "resource": "product",
        "event": "updated",
    }
    assert "woocommerce_update_product" in hook["hooks"]
    assert "secret" not in hook  # the API never shows it back
    deleted_hook = await client.post(
        api(woo, "webhooks"), json={"topic": "product.deleted", "delivery_url": "https://app.example.com/h"}, auth=auth
    )
    assert deleted_hook.json()["hooks"] == ["wp_trash_post"]
    assert deleted_hook.json()["name"].startswith("Webhook created on ")

    listed = await client.get(api(woo, "webhooks"), auth=auth)
    assert [h["id"] for h in listed.json()] == [deleted_hook.json()["id"], hook["id"]]  # newest first
    assert listed.headers["x-wp-total"] == "2"

    for bad, code in [
        (
            {"topic": "product.exploded", "delivery_url": "https://a.example"},
            "woocommerce_rest_shop_webhook_invalid_topic",
        ),
        (
            {"topic": "product.updated", "delivery_url": "ftp://a.example"},
            "woocommerce_rest_shop_webhook_invalid_delivery_url",
        ),
        ({"topic": "product.updated"}, "rest_missing_callback_param"),
    ]:
        refused = await client.post(api(woo, "webhooks"), json=bad, auth=auth)
        assert refused.status_code == 400
        assert refused.json()["code"] == code

    trash = await client.delete(api(woo, f"webhooks/{hook['id']}"), auth=auth)
    assert trash.status_code == 501
    assert trash.json()["code"] == "woocommerce_rest_trash_not_supported"
    gone = await client.delete(api(woo, f"webhooks/{hook['id']}"), params={"force": "true"}, auth=auth)
    assert gone.status_code == 200
    assert gone.json()["id"] == hook["id"]
    assert gone.json()["topic"] == "product.updated"
    again = await client.delete(api(woo, f"webhooks/{hook['id']}"), params={"force": "true"}, auth=auth)
    assert again.status_code == 404
    assert again.json()["code"] == "woocommerce_rest_shop_webhook_invalid_id"
    assert list(woo.site(SITE).webhooks) == [deleted_hook.json()["id"]]
    assert (SITE, f"DELETE {API_PREFIX}/webhooks/{hook['id']}") in woo.calls


async def test_webhook_deliveries_are_signed_like_woocommerce(
    woo: WooSandbox, receiver: Receiver, client: httpx.AsyncClient
) -> None:
    auth = keys(woo)
    url = f"{receiver.base_url}/api/v1/webhooks/woocommerce/1"
    for topic in ("product.updated", "product.deleted"):
        answer = await client.post(
            api(woo, "webhooks"), json={"topic": topic, "delivery_url": url, "secret": f"secret-{topic}"}, auth=auth
        )
        assert answer.status_code == 201
    woo.rename_product(SITE, 4, "Rattan Sofa, now in blue/green")

    delivery_url, body, headers = woo.webhook(SITE, "product.updated", 4, delivery_id="d-1")
    assert delivery_url == url
    expected = base64.b64encode(hmac.new(b"secret-product.updated", body, hashlib.sha256).digest()).decode()
    assert headers["X-WC-Webhook-Signature"] == expected
    assert headers["X-WC-Webhook-Source"] == f"{woo.site_url(SITE)}/"
    assert (headers["X-WC-Webhook-Topic"], headers["X-WC-Webhook-Resource"], headers["X-WC-Webhook-Event"]) == (
        "product.updated",
        "product",
        "updated",
    )
    assert headers["X-WC-Webhook-ID"] == "1"
    assert headers["X-WC-Webhook-Delivery-ID"] == "d-1"
    assert headers["Content-Type"] == "application/json"
    payload = json.loads(body)
    assert payload["id"] == product_id(4)
    assert payload["name"] == "Rattan Sofa, now in blue/green"
    assert b"blue\\/green" in body  # WordPress escapes slashes: the signature covers these bytes, not a re-encoding
    again = json.dumps(payload).encode()
    assert base64.b64encode(hmac.new(b"secret-product.updated", again, hashlib.sha256).digest()).decode() != expected

    _, deleted, deleted_headers = woo.webhook(SITE, "product.deleted", 9)
    assert json.loads(deleted) == {"id": product_id(9)}
    assert deleted_headers["X-WC-Webhook-ID"] == "2"
    assert deleted_headers["X-WC-Webhook-Delivery-ID"] != headers["X-WC-Webhook-Delivery-ID"]

    assert await woo.send_webhook(SITE, "product.updated", 4) == 200
    receiver.status = 410
    assert await woo.send_webhook(SITE, "product.deleted", 9) == 410
    [(path, raw, sent), (_, raw_deleted, _)] = receiver.received
    assert path == "/api/v1/webhooks/woocommerce/1"
    signature = base64.b64encode(hmac.new(b"secret-product.updated", raw, hashlib.sha256).digest()).decode()
    assert sent["x-wc-webhook-signature"] == signature
    assert json.loads(raw_deleted) == {"id": product_id(9)}

    ping_url, ping_body, ping_headers = woo.ping(SITE, 1)
    assert (ping_url, ping_body) == (url, b"webhook_id=1")
    assert not any(name.startswith("X-WC-") for name in ping_headers)

    with pytest.raises(LookupError):
        woo.webhook(SITE, "product.created", 4)


# --- the docs' shapes ---------------------------------------------------------------------------------------


def docs(resource: str) -> tuple[dict[str, list[dict[str, Any]]], list[Any]]:
    """(the properties tables, every JSON response example) of a docs page."""
    tables = json.loads((DOCS / f"{resource}.properties.json").read_text())["tables"]
    examples = json.loads((DOCS / f"{resource}.examples.json").read_text())["sections"]
    return tables, [example["json"] for section in examples for example in section["examples"] if "json" in example]


def nulls_in(value: Any) -> set[str]:
    """Field names the docs' examples show as null (the only fields allowed to be null)."""
    if isinstance(value, dict):
        return {k for k, v in value.items() if v is None} | {n for v in value.values() for n in nulls_in(v)}
    if isinstance(value, list):
        return {n for v in value for n in nulls_in(v)}
    return set()


def assert_documented(obj: dict[str, Any], tables: dict[str, Any], table: str, nullable: set[str], where: str) -> None:
    """Every field is in the docs' table (or is `_links`, present in every docs example) with the documented type;
    nested objects are checked against their own table ("Product - Images properties", ...)."""
    types = {row["attribute"]: row["type"] for row in tables[table]}
    undocumented = set(obj) - set(types) - {"_links"}
    assert not undocumented, f"{where}: undocumented fields {undocumented}"
    prefix = table.split(" - ")[0].removesuffix(" properties")
    for name, value in obj.items():
        if name == "_links":
            assert set(value) >= {"self", "collection"}, where
            continue
        kind = types[name]
        if value is None:
            assert name in nullable, f"{where}.{name} is null, which the docs never show"
            continue
        if kind == "date-time":
            assert isinstance(value, str), f"{where}.{name}"
            assert WP_DATE.fullmatch(value), f"{where}.{name} = {value!r}"
        else:
            assert type(value) is JSON_TYPES[kind], f"{where}.{name} is {type(value).__name__}, documented {kind}"
        nested = f"{prefix} - {name.replace('_', ' ').capitalize()} properties"
        if nested in tables:
            for item in value if isinstance(value, list) else [value]:
                assert_documented(item, tables, nested, nullable, f"{where}.{name}")


def retrieve_example(examples: list[Any], first_key: str = "id") -> dict[str, Any]:
    return next(e for e in examples if isinstance(e, dict) and first_key in e)


async def test_every_object_has_the_documented_fields_and_types(woo: WooSandbox, client: httpx.AsyncClient) -> None:
    auth = keys(woo)
    for topic in ("product.updated", "product.deleted"):
        await client.post(api(woo, "webhooks"), json={"topic": topic, "delivery_url": "https://a.example/h"}, auth=auth)
    woo.rename_product(SITE, 0, "Renamed")
    served = {
        "products": (await client.get(api(woo, "products"), params={"per_page": 100}, auth=auth)).json(),
        "product-categories": (await client.get(api(woo, "products/categories"), auth=auth)).json(),
        "webhooks": (await client.get(api(woo, "webhooks"), auth=auth)).json(),
    }
    served["products"].append(json.loads(woo.webhook(SITE, "product.updated", 1)[1]))  # deliveries too
    tables_of = {"products": "Product properties", "product-categories": "Product category properties"}
    assert [len(objects) for objects in served.values()] == [PRODUCT_COUNT + 1, len(COLLECTIONS), 2]
    for resource, objects in served.items():
        tables, examples = docs(resource)
        nullable = nulls_in(examples)
        example = retrieve_example(examples)
        for obj in objects:
            where = f"{resource}/{obj['id']}"
            assert_documented(obj, tables, tables_of.get(resource, "Webhook properties"), nullable, where)
            # Field for field what the docs' example answer has, in its order.
            assert list(obj) == list(example), where
    images = [image["id"] for product in served["products"][:PRODUCT_COUNT] for image in product["images"]]
    assert len(set(images)) == PRODUCT_COUNT * IMAGES_PER_PRODUCT  # image ids are unique across the catalog
    assert all(isinstance(hook, str) for webhook in served["webhooks"] for hook in webhook["hooks"])


# --- failure knobs ------------------------------------------------------------------------------------------


async def test_rate_limit_and_failures_on_request(woo: WooSandbox, client: httpx.AsyncClient) -> None:
    auth = keys(woo)
    woo.rate_limit_next, woo.retry_after = 1, 7
    limited = await client.get(api(woo, "products"), auth=auth)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "7"

    woo.fail_next = 1
    crashed = await client.get(api(woo, "products"), auth=auth)
    assert crashed.status_code == 500
    assert crashed.json()["code"] == "internal_server_error"

    woo.fail_next, woo.fail_status = 1, 502
    gateway = await client.get(api(woo, "products"), auth=auth)
    assert gateway.status_code == 502
    assert "502 Bad Gateway" in gateway.text

    fine = await client.get(api(woo, "products"), auth=auth)
    assert fine.status_code == 200
    assert [call for site, call in woo.calls if site == SITE] == [f"GET {API_PREFIX}/products"] * 4
