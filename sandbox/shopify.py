"""A loopback stand-in for Shopify: OAuth install, token exchange, the Admin GraphQL documents Epox sends
(api/stores/shopify.py), webhook subscriptions, signed webhook deliveries, and the product images.

Shops live under `/<shop>/...` (`Settings.shopify_api_base_url` points the app here). Responses follow Shopify's
shapes (`data`, `errors[].extensions.code`, `extensions.cost.throttleStatus`). Tests flip `throttle_next` /
`rate_limit_next` to get THROTTLED or 429 answers, and read `calls` to see which shop was asked what.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox.catalog import COLLECTIONS, IMAGES_PER_PRODUCT, PRODUCTS, SampleProduct, product_image
from sandbox.server import free_port as free_port  # re-exported: callers import serve from here
from sandbox.server import serve as serve

API_VERSION = "2026-10"
BUCKET = 2000.0
RESTORE_RATE = 100.0
_OPERATION = re.compile(r"\b(query|mutation)\s+(\w+)")
_BAD_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"  # noqa: S105
_TOO_FAST = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."


def sign_query(secret: str, params: dict[str, str]) -> str:
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in {"hmac", "signature"})
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def sign_body(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class ShopState:
    tokens: set[str] = field(default_factory=set)
    # subscription gid -> (topic, uri)
    webhooks: dict[str, tuple[str, str]] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    titles: dict[int, str] = field(default_factory=dict)  # products edited in the shop


class ShopifySandbox:
    def __init__(self, client_id: str = "sandbox-client-id", client_secret: str | None = None) -> None:
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_hex(16)
        self.base_url = ""  # set once served
        self.shops: dict[str, ShopState] = {}
        self.codes: dict[str, str] = {}  # code -> shop
        self.calls: list[tuple[str, str]] = []  # (shop, operation or endpoint)
        self.throttle_next = 0
        self.rate_limit_next = 0
        self.retry_after = 1
        self.fail_next = 0  # answer 502 to this many GraphQL calls
        self.app = Starlette(
            routes=[
                Route("/{shop}/admin/oauth/authorize", self.authorize, methods=["GET"]),
                Route("/{shop}/admin/oauth/access_token", self.access_token, methods=["POST"]),
                Route(f"/{{shop}}/admin/api/{API_VERSION}/graphql.json", self.graphql, methods=["POST"]),
                Route("/cdn/products/{number:int}/{position:int}.png", self.image, methods=["GET"]),
            ]
        )

    def shop(self, shop: str) -> ShopState:
        return self.shops.setdefault(shop, ShopState())

    # --- OAuth ----------------------------------------------------------------------------------------------

    async def authorize(self, request: Request) -> Response:
        """Shopify's install screen, approved at once: back to the app with a code and a signed query."""
        shop = request.path_params["shop"]
        query = request.query_params
        if query.get("client_id") != self.client_id or not query.get("redirect_uri"):
            return JSONResponse({"errors": "invalid client or redirect"}, status_code=400)
        code = secrets.token_hex(16)
        self.codes[code] = shop
        params = {"code": code, "shop": shop, "state": query.get("state", ""), "timestamp": str(int(time.time()))}
        params["hmac"] = sign_query(self.client_secret, params)
        return RedirectResponse(f"{query['redirect_uri']}?{urlencode(params)}", status_code=302)

    def authorize_redirect(self, shop: str, state: str, **override: str) -> dict[str, str]:
        """The query the app's callback would get after the merchant approves (for tests that skip the browser)."""
        code = secrets.token_hex(16)
        self.codes[code] = shop
        params = {"code": code, "shop": shop, "state": state, "timestamp": str(int(time.time())), **override}
        params["hmac"] = sign_query(self.client_secret, params)
        return params

    async def access_token(self, request: Request) -> Response:
        shop = request.path_params["shop"]
        self.calls.append((shop, "access_token"))
        body = await request.json()
        if body.get("client_id") != self.client_id or body.get("client_secret") != self.client_secret:
            return JSONResponse({"error": "invalid_client"}, status_code=400)
        if self.codes.pop(str(body.get("code")), None) != shop:
            return JSONResponse({"error": "invalid_request", "error_description": "code is invalid"}, 400)
        token = f"shpat_{secrets.token_hex(16)}"
        self.shop(shop).tokens.add(token)
        return JSONResponse({"access_token": token, "scope": "read_products,write_products"})

    def uninstall(self, shop: str) -> None:
        """The merchant removed the app: every token of the shop stops working."""
        self.shop(shop).tokens.clear()

    # --- Admin GraphQL --------------------------------------------------------------------------------------

    def _cost(self, requested: int, available: float | None = None) -> dict[str, Any]:
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": requested if available is None else None,
            "throttleStatus": {
                "maximumAvailable": BUCKET,
                "currentlyAvailable": BUCKET - requested if available is None else available,
                "restoreRate": RESTORE_RATE,
            },
        }

    async def graphql(self, request: Request) -> Response:
        shop = request.path_params["shop"]
        token = request.headers.get("X-Shopify-Access-Token", "")
        body = await request.json()
        match = _OPERATION.search(str(body.get("query", "")))
        operation = match.group(2) if match else "anonymous"
        self.calls.append((shop, operation))
        if token not in self.shop(shop).tokens:
            return JSONResponse(
                {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}, 401
            )
        if self.rate_limit_next > 0:
            self.rate_limit_next -= 1
            return JSONResponse(
                {"errors": _TOO_FAST},
                status_code=429,
                headers={"Retry-After": str(self.retry_after)},
            )
        if self.fail_next > 0:
            self.fail_next -= 1
            return JSONResponse({"errors": "Bad Gateway"}, status_code=502)
        variables: dict[str, Any] = body.get("variables") or {}
        if self.throttle_next > 0:
            self.throttle_next -= 1
            requested = 52 * int(variables.get("first", 1))
            available = requested - RESTORE_RATE * self.retry_after
            return JSONResponse(
                {
                    "errors": [
                        {
                            "message": "Throttled",
                            "extensions": {
                                "code": "THROTTLED",
                                "documentation": "https://shopify.dev/api/usage/rate-limits",
                            },
                        }
                    ],
                    "extensions": {"cost": self._cost(requested, available=available)},
                }
            )
        handler = {
            "EpoxProducts": self._products,
            "EpoxProduct": self._product,
            "EpoxProductsCount": self._count,
            "EpoxWebhookCreate": self._webhook_create,
            "EpoxWebhookDelete": self._webhook_delete,
        }.get(operation)
        if handler is None:
            return JSONResponse({"errors": [{"message": f"Unknown operation {operation}"}]})
        data, cost = handler(shop, variables)
        return JSONResponse({"data": data, "extensions": {"cost": self._cost(cost)}})

    def _visible(self, shop: str) -> list[SampleProduct]:
        deleted = self.shop(shop).deleted
        return [p for p in PRODUCTS if p.legacy_id not in deleted]

    def product_node(self, shop: str, product: SampleProduct) -> dict[str, Any]:
        title = self.shop(shop).titles.get(product.legacy_id, product.title)
        return {
            "id": product.gid,
            "legacyResourceId": str(product.legacy_id),
            "title": title,
            "handle": product.handle,
            "descriptionHtml": product.description_html,
            "status": "ACTIVE",
            "onlineStoreUrl": f"https://{shop}/products/{product.handle}",
            "updatedAt": "2026-11-20T10:00:00Z",
            "variants": {"nodes": [{"sku": product.sku, "price": product.price}]},
            "media": {
                "nodes": [
                    {
                        "id": product.media_gid(position),
                        "mediaContentType": "IMAGE",
                        "image": {
                            "url": f"{self.base_url}/cdn/products/{product.number}/{position}.png",
                            "width": 320,
                            "height": 320,
                            "altText": f"{title} {position + 1}",
                        },
                    }
                    for position in range(IMAGES_PER_PRODUCT)
                ]
            },
            "collections": {
                "nodes": [
                    {"id": c.gid, "handle": c.handle, "title": c.title}
                    for c in COLLECTIONS
                    if c.handle in product.collection_handles
                ]
            },
        }

    def _products(self, shop: str, variables: dict[str, Any]) -> tuple[dict[str, Any], int]:
        first = min(int(variables.get("first", 50)), 250)
        products = self._matching(shop, variables.get("query") or "")
        after = variables.get("after")
        if after:
            last = int(base64.b64decode(after).decode().split(":")[1])
            products = [p for p in products if p.legacy_id > last]
        page = products[:first]
        has_next = len(products) > first
        end = base64.b64encode(f"cursor:{page[-1].legacy_id}".encode()).decode() if page else None
        data = {
            "shop": {"currencyCode": "USD"},
            "products": {
                "pageInfo": {"hasNextPage": has_next, "endCursor": end},
                "nodes": [self.product_node(shop, p) for p in page],
            },
        }
        return data, 2 + first * 52

    def _matching(self, shop: str, query: str) -> list[SampleProduct]:
        products = self._visible(shop)
        if query:
            wanted = {int(m) for m in re.findall(r"id:(\d+)", query)}
            products = [p for p in products if p.legacy_id in wanted]
        return products

    def _count(self, shop: str, variables: dict[str, Any]) -> tuple[dict[str, Any], int]:
        count = len(self._matching(shop, variables.get("query") or ""))
        return {"productsCount": {"count": count, "precision": "EXACT"}}, 1

    def _product(self, shop: str, variables: dict[str, Any]) -> tuple[dict[str, Any], int]:
        found = next((p for p in self._visible(shop) if p.gid == variables.get("id")), None)
        node = self.product_node(shop, found) if found else None
        return {"shop": {"currencyCode": "USD"}, "product": node}, 52

    def _webhook_create(self, shop: str, variables: dict[str, Any]) -> tuple[dict[str, Any], int]:
        topic = str(variables.get("topic"))
        uri = str((variables.get("webhookSubscription") or {}).get("uri", ""))
        gid = f"gid://shopify/WebhookSubscription/{uuid.uuid4().int % 10**12}"
        self.shop(shop).webhooks[gid] = (topic, uri)
        payload = {"webhookSubscription": {"id": gid, "topic": topic}, "userErrors": []}
        return {"webhookSubscriptionCreate": payload}, 10

    def _webhook_delete(self, shop: str, variables: dict[str, Any]) -> tuple[dict[str, Any], int]:
        gid = str(variables.get("id"))
        existed = self.shop(shop).webhooks.pop(gid, None) is not None
        payload: dict[str, Any] = {"deletedWebhookSubscriptionId": gid if existed else None, "userErrors": []}
        return {"webhookSubscriptionDelete": payload}, 10

    async def image(self, request: Request) -> Response:
        number, position = request.path_params["number"], request.path_params["position"]
        if not (0 <= number < len(PRODUCTS) and 0 <= position < IMAGES_PER_PRODUCT):
            return Response(status_code=404)
        return Response(product_image(number, position), media_type="image/png")

    # --- webhooks -------------------------------------------------------------------------------------------

    def webhook(
        self,
        shop: str,
        topic: str,
        payload: dict[str, Any],
        *,
        webhook_id: str | None = None,
        secret: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """A delivery as Shopify sends it: the raw JSON body and its signed headers."""
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Hmac-Sha256": sign_body(secret or self.client_secret, body),
            "X-Shopify-API-Version": API_VERSION,
            "X-Shopify-Triggered-At": "2026-11-27T00:00:00Z",
        }
        return body, headers

    async def send_webhook(
        self, client: httpx.AsyncClient, url: str, shop: str, topic: str, payload: dict[str, Any], **kwargs: Any
    ) -> httpx.Response:
        body, headers = self.webhook(shop, topic, payload, **kwargs)
        return await client.post(url, content=body, headers=headers)

    def product_payload(self, shop: str, number: int, *, title: str | None = None) -> dict[str, Any]:
        """A products/update body (REST shape, as in Shopify's example payload)."""
        product = PRODUCTS[number]
        if title is not None:
            self.shop(shop).titles[product.legacy_id] = title
        return {
            "admin_graphql_api_id": product.gid,
            "id": product.legacy_id,
            "title": self.shop(shop).titles.get(product.legacy_id, product.title),
            "body_html": product.description_html,
            "handle": product.handle,
            "status": "active",
            "variants": [{"sku": product.sku, "price": product.price, "position": 1}],
            "images": [],
            "image": None,
            "media": [],
            "updated_at": "2026-11-27T00:00:00Z",
        }
