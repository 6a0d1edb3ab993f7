"""A loopback stand-in for Shopify: OAuth install, token exchange, the Admin GraphQL documents Epox sends
(api/stores/shopify.py), webhook subscriptions, signed webhook deliveries, and the product images.

Shops live under `/<shop>/...` (`Settings.shopify_api_base_url` points the app here). Responses follow Shopify's
shapes (`data`, `errors[].extensions.code`, `extensions.cost.throttleStatus`). Tests flip `throttle_next` /
`rate_limit_next` to get THROTTLED or 429 answers, and read `calls` to see which shop was asked what.

Videos go the way Shopify takes them: a staged upload of resource VIDEO (its `fileSize` required) answers a form
target (`GoogleAccessId`, `key`, `policy`, `signature`) that takes a multipart POST with the file last and refuses
one whose size differs from the declared one; the media is a `Video` (gid `gid://shopify/Video/<n>`), processed
over a few more reads than an image, and READY with its `sources` (or FAILED when the file is not an MP4).
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
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
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


MEDIA_LIMIT = 250  # Shopify's media per product
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF", b"GIF8")
_VIDEO_FORM_FIELDS = ("GoogleAccessId", "key", "policy", "signature")


def _is_mp4(body: bytes) -> bool:
    return len(body) >= 12 and body[4:8] == b"ftyp"


@dataclass
class SandboxMedia:
    """One product media: UPLOADED when attached, then PROCESSING, then READY (or FAILED) as it is polled."""

    number: int  # the media's numeric id
    product_id: int  # the product's legacy id
    alt: str
    source: str  # the originalSource it was created from
    filename: str
    body: bytes | None  # the bytes (None for the catalog's own images, served from the catalog)
    status: str = "UPLOADED"
    polls_left: int = 1
    error: tuple[str, str] | None = None  # (MediaErrorCode, details) once FAILED
    catalog: tuple[int, int] | None = None  # (product number, position) for the catalog's images
    kind: str = "IMAGE"  # or VIDEO

    @property
    def gid(self) -> str:
        return f"gid://shopify/{'Video' if self.kind == 'VIDEO' else 'MediaImage'}/{self.number}"

    @property
    def content_type(self) -> str:
        return "video/mp4" if self.kind == "VIDEO" else "image/png"


@dataclass
class ShopState:
    tokens: set[str] = field(default_factory=set)
    # subscription gid -> (topic, uri)
    webhooks: dict[str, tuple[str, str]] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    titles: dict[int, str] = field(default_factory=dict)  # products edited in the shop
    # product legacy id -> its media in order (seeded from the catalog on first use)
    media: dict[int, list[SandboxMedia]] = field(default_factory=dict)
    staged: dict[str, bytes | None] = field(default_factory=dict)  # staged upload token -> the bytes put there
    # video targets: token -> (the form fields it expects, the declared file size)
    video_targets: dict[str, tuple[dict[str, str], int]] = field(default_factory=dict)
    media_created: int = 0  # media attached through productUpdate, ever


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
        self.reject_next = 0  # this many attached media end FAILED (as Shopify does with an image it cannot use)
        self.processing_polls = 1  # reads of a new media before it is READY (UPLOADED → PROCESSING → READY)
        self.next_media = 5_100_000_000
        self.app = Starlette(
            routes=[
                Route("/{shop}/admin/oauth/authorize", self.authorize, methods=["GET"]),
                Route("/{shop}/admin/oauth/access_token", self.access_token, methods=["POST"]),
                Route(f"/{{shop}}/admin/api/{API_VERSION}/graphql.json", self.graphql, methods=["POST"]),
                Route("/cdn/products/{number:int}/{position:int}.png", self.image, methods=["GET"]),
                Route("/staged/{shop}/{token}/{filename}", self.staged_put, methods=["PUT"]),
                Route("/staged-video/{shop}/{token}", self.staged_form_post, methods=["POST"]),
                Route("/cdn/media/{shop}/{number:int}/{filename}", self.media_file, methods=["GET"]),
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
            "EpoxProductMedia": self._product_media,
            "EpoxMediaStatus": self._media_status,
            "EpoxStagedUploadsCreate": self._staged_uploads_create,
            "EpoxProductMediaAttach": self._product_update_media,
            "EpoxProductReorderMedia": self._reorder_media,
            "EpoxFileDelete": self._file_delete,
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
                        "id": media.gid,
                        "mediaContentType": media.kind,
                        "image": {
                            "url": self._media_url(shop, media),
                            "width": 320,
                            "height": 320,
                            "altText": media.alt,
                        },
                    }
                    for media in self.product_media(shop, product.legacy_id)
                    if media.status == "READY" and media.kind == "IMAGE"
                ][:20]
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

    # --- product media: staged uploads, productUpdate(media:), processing, fileDelete -------------------------

    def product_media(self, shop: str, legacy_id: int) -> list[SandboxMedia]:
        """The product's media in order (the catalog's three images until the shop changes them)."""
        state = self.shop(shop)
        if legacy_id not in state.media:
            product = next((p for p in PRODUCTS if p.legacy_id == legacy_id), None)
            state.media[legacy_id] = (
                [
                    SandboxMedia(
                        number=int(product.media_gid(position).rsplit("/", 1)[1]),
                        product_id=legacy_id,
                        alt=f"{product.title} {position + 1}",
                        source="",
                        filename=f"{product.handle}-{position + 1}.png",
                        body=None,
                        status="READY",
                        polls_left=0,
                        catalog=(product.number, position),
                    )
                    for position in range(IMAGES_PER_PRODUCT)
                ]
                if product is not None
                else []
            )
        return state.media[legacy_id]

    def added_media(self, shop: str) -> list[SandboxMedia]:
        """Every media the shop's products hold beyond the catalog's own images."""
        state = self.shop(shop)
        return [m for product in state.media.values() for m in product if m.catalog is None]

    def delete_product(self, shop: str, number: int) -> None:
        """The merchant deleted catalog product `number`: the API no longer finds it."""
        self.shop(shop).deleted.add(PRODUCTS[number].legacy_id)

    def remove_media_outside(self, shop: str, gid: str) -> SandboxMedia | None:
        """The merchant deleted a media in the Shopify admin (not through the API)."""
        for product in self.shop(shop).media.values():
            for media in product:
                if media.gid == gid:
                    product.remove(media)
                    return media
        return None

    def _media_url(self, shop: str, media: SandboxMedia) -> str:
        if media.catalog is not None:
            return f"{self.base_url}/cdn/products/{media.catalog[0]}/{media.catalog[1]}.png"
        return f"{self.base_url}/cdn/media/{shop}/{media.number}/{media.filename}"

    def _find_media(self, shop: str, gid: str) -> tuple[list[SandboxMedia], SandboxMedia] | None:
        """The media with this gid (image or video), and the product list it is in."""
        for product in self.shop(shop).media.values():
            for media in product:
                if media.gid == gid:
                    return product, media
        return None

    def _advance(self, media: SandboxMedia) -> None:
        """A read while the media is being processed moves it along: UPLOADED → PROCESSING → READY or FAILED."""
        if media.status in {"READY", "FAILED"}:
            return
        if media.status == "UPLOADED":
            media.status = "PROCESSING"
        if media.polls_left > 0:
            media.polls_left -= 1
            return
        media.status = "FAILED" if media.error else "READY"

    def media_node(self, shop: str, media: SandboxMedia) -> dict[str, Any]:
        ready = media.status == "READY"
        code, details = media.error or ("UNKNOWN", "")
        errors = [{"code": code, "details": details, "message": details}]
        if media.kind == "VIDEO":  # the Video type's fields (as the document aliases them)
            url = self._media_url(shop, media)
            return {
                "id": media.gid,
                "alt": media.alt,
                "status": media.status,
                "mediaContentType": "VIDEO",
                "mediaErrors": errors if media.status == "FAILED" and media.error else [],
                "sources": [{"url": url, "mimeType": "video/mp4"}] if ready else [],
                "videoSource": {"url": url} if ready else None,
            }
        return {
            "id": media.gid,
            "alt": media.alt,
            "status": media.status,
            "mediaContentType": "IMAGE",
            "mediaErrors": errors if media.status == "FAILED" and media.error else [],
            "image": {"url": self._media_url(shop, media)} if ready else None,
            "originalSource": {"url": media.source or self._media_url(shop, media)},
        }

    def _product_media(self, shop: str, variables: dict[str, Any]) -> tuple[dict[str, Any], int]:
        found = next((p for p in self._visible(shop) if p.gid == variables.get("id")), None)
        if found is None:
            return {"product": None}, 1
        nodes = []
        for media in self.product_media(shop, found.legacy_id)[:MEDIA_LIMIT]:
            self._advance(media)
            nodes.append(self.media_node(shop, media))
        return {"product": {"id": found.gid, "media": {"nodes": nodes}}}, 2 + len(nodes)

    def _media_status(self, shop: str, variables: dict[str, Any]) -> tuple[dict[str, Any], int]:
        nodes: list[dict[str, Any] | None] = []
        for gid in variables.get("ids") or []:
            found = self._find_media(shop, str(gid))
            if found is None:
                nodes.append(None)
                continue
            self._advance(found[1])
            nodes.append(self.media_node(shop, found[1]))
        return {"nodes": nodes}, 1 + len(nodes)

    def _staged_uploads_create(self, shop: str, variables: dict[str, Any]) -> tuple[dict[str, Any], int]:
        targets, errors = [], []
        for index, item in enumerate(variables.get("input") or []):
            filename = str(item.get("filename") or "")
            if item.get("resource") not in {"IMAGE", "PRODUCT_IMAGE", "FILE", "VIDEO"} or not filename:
                errors.append({"field": ["input", str(index)], "message": "Invalid resource or filename"})
                continue
            token = secrets.token_hex(12)
            self.shop(shop).staged[token] = None
            url = f"{self.base_url}/staged/{shop}/{token}/{filename}"
            if item.get("resource") == "VIDEO":
                size = str(item.get("fileSize") or "")
                if not size.isdigit() or int(size) <= 0:
                    errors.append({"field": ["input", str(index), "fileSize"], "message": "fileSize is required"})
                    continue
                fields = {
                    "GoogleAccessId": "video-production@shopify-sandbox.iam.gserviceaccount.com",
                    "key": f"dev/o/v/{token}.mp4",
                    "policy": base64.b64encode(json.dumps({"content-length": int(size)}).encode()).decode(),
                    "signature": secrets.token_hex(16),
                }
                self.shop(shop).video_targets[token] = (fields, int(size))
                parameters = [{"name": name, "value": value} for name, value in fields.items()]
                targets.append(
                    {
                        "url": f"{self.base_url}/staged-video/{shop}/{token}",
                        "resourceUrl": url,
                        "parameters": parameters,
                    }
                )
                continue
            parameters = [
                {"name": "content_type", "value": str(item.get("mimeType") or "")},
                {"name": "acl", "value": "private"},
            ]
            targets.append({"url": f"{url}?X-Goog-Signature={token}", "resourceUrl": url, "parameters": parameters})
        payload = {"stagedTargets": targets if not errors else None, "userErrors": errors}
        return {"stagedUploadsCreate": payload}, 10

    async def staged_put(self, request: Request) -> Response:
        shop, token = request.path_params["shop"], request.path_params["token"]
        self.calls.append((shop, "staged_upload"))
        state = self.shop(shop)
        if token not in state.staged or request.query_params.get("X-Goog-Signature") != token:
            return Response("<Error><Code>AccessDenied</Code></Error>", status_code=403, media_type="application/xml")
        state.staged[token] = await request.body()
        return Response(status_code=200)

    async def staged_form_post(self, request: Request) -> Response:
        """A video's staged upload: the target's fields as sent by Shopify, then the file, at the declared size."""
        shop, token = request.path_params["shop"], request.path_params["token"]
        self.calls.append((shop, "staged_upload"))
        state = self.shop(shop)
        if token not in state.video_targets:
            return Response("<Error><Code>AccessDenied</Code></Error>", status_code=403, media_type="application/xml")
        expected, size = state.video_targets[token]
        async with request.form(max_part_size=64 * 1_048_576) as form:
            names = list(form.keys())
            upload = form.get("file")
            fields_ok = all(form.get(name) == value for name, value in expected.items())
            body = await upload.read() if isinstance(upload, UploadFile) else None
        if not fields_ok or body is None or names[-1:] != ["file"]:
            return Response("<Error><Code>InvalidPolicyDocument</Code></Error>", 400, media_type="application/xml")
        if len(body) != size:
            return Response("<Error><Code>EntityTooLarge</Code></Error>", 400, media_type="application/xml")
        state.staged[token] = body
        return Response(status_code=204)

    async def media_file(self, request: Request) -> Response:
        shop, number = request.path_params["shop"], request.path_params["number"]
        found = self._find_media(shop, f"gid://shopify/MediaImage/{number}") or self._find_media(
            shop, f"gid://shopify/Video/{number}"
        )
        if found is None or found[1].body is None:
            return Response(status_code=404)
        return Response(found[1].body, media_type=found[1].content_type)

    def _staged_body(self, shop: str, source: str) -> tuple[bool, bytes | None]:
        """(whether `source` is one of this shop's staged targets, what was uploaded there)."""
        prefix = f"{self.base_url}/staged/{shop}/"
        if not source.startswith(prefix):
            return False, None
        token = source.removeprefix(prefix).split("/", 1)[0]
        state = self.shop(shop)
        return token in state.staged, state.staged.get(token)

    def _product_update_media(self, shop: str, variables: dict[str, Any]) -> tuple[dict[str, Any], int]:
        product_id = str((variables.get("product") or {}).get("id") or "")
        found = next((p for p in self._visible(shop) if p.gid == product_id), None)
        if found is None:
            errors = [{"field": ["id"], "message": "Product does not exist"}]
            return {"productUpdate": {"product": None, "userErrors": errors}}, 10
        media_list = self.product_media(shop, found.legacy_id)
        inputs = variables.get("media") or []
        if len(media_list) + len(inputs) > MEDIA_LIMIT:
            errors = [{"field": ["media"], "message": f"Products can't have more than {MEDIA_LIMIT} media"}]
            return {"productUpdate": {"product": None, "userErrors": errors}}, 10
        state = self.shop(shop)
        for item in inputs:
            source = str(item.get("originalSource") or "")
            known, body = self._staged_body(shop, source)
            kind = "VIDEO" if item.get("mediaContentType") == "VIDEO" else "IMAGE"
            error: tuple[str, str] | None = None
            if not known or body is None:
                error = ("IMAGE_DOWNLOAD_FAILURE", "Image could not be downloaded from the original source")
            elif kind == "IMAGE" and not body.startswith(_IMAGE_MAGIC):
                error = ("UNSUPPORTED_IMAGE_FILE_TYPE", "Image file type is not supported")
            elif kind == "VIDEO" and not _is_mp4(body):
                error = ("VIDEO_INVALID_FILETYPE_ERROR", "The video file type is not supported")
            elif self.reject_next > 0:
                self.reject_next -= 1
                error = ("IMAGE_PROCESSING_FAILURE", "Image could not be processed")
            self.next_media += 1
            state.media_created += 1
            media_list.append(
                SandboxMedia(
                    number=self.next_media,
                    product_id=found.legacy_id,
                    alt=str(item.get("alt") or ""),
                    source=source,
                    filename=source.rsplit("/", 1)[-1] or "image.png",
                    body=body,
                    # Shopify transcodes a video before it is READY: a couple more reads than an image.
                    polls_left=self.processing_polls + (2 if kind == "VIDEO" else 0),
                    error=error,
                    kind=kind,
                )
            )
        nodes = [self.media_node(shop, m) for m in media_list[-20:]]
        product = {"id": found.gid, "media": {"nodes": nodes}}
        return {"productUpdate": {"product": product, "userErrors": []}}, 10

    def _reorder_media(self, shop: str, variables: dict[str, Any]) -> tuple[dict[str, Any], int]:
        found = next((p for p in self._visible(shop) if p.gid == variables.get("id")), None)
        if found is None:
            errors = [{"code": "PRODUCT_DOES_NOT_EXIST", "field": ["id"], "message": "Product does not exist"}]
            return {"productReorderMedia": {"job": None, "mediaUserErrors": errors}}, 10
        media_list = self.product_media(shop, found.legacy_id)
        for move in variables.get("moves") or []:
            media = next((m for m in media_list if m.gid == move.get("id")), None)
            if media is not None:
                media_list.remove(media)
                media_list.insert(min(int(move.get("newPosition") or 0), len(media_list)), media)
        job = {"id": f"gid://shopify/Job/{uuid.uuid4()}"}
        return {"productReorderMedia": {"job": job, "mediaUserErrors": []}}, 10

    def _file_delete(self, shop: str, variables: dict[str, Any]) -> tuple[dict[str, Any], int]:
        deleted, errors = [], []
        for gid in variables.get("fileIds") or []:
            found = self._find_media(shop, str(gid))
            if found is None:
                message = f"File id {gid} does not exist."
                errors.append({"field": ["fileIds"], "message": message, "code": "FILE_DOES_NOT_EXIST"})
                continue
            found[0].remove(found[1])
            deleted.append(str(gid))
        return {"fileDelete": {"deletedFileIds": deleted if not errors else None, "userErrors": errors}}, 10

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
        ready = [m for m in self.product_media(shop, product.legacy_id) if m.status == "READY"]
        return {
            "admin_graphql_api_id": product.gid,
            "id": product.legacy_id,
            "title": self.shop(shop).titles.get(product.legacy_id, product.title),
            "body_html": product.description_html,
            "handle": product.handle,
            "status": "active",
            "variants": [{"sku": product.sku, "price": product.price, "position": 1}],
            "images": [
                {"id": m.number, "admin_graphql_api_id": f"gid://shopify/ProductImage/{m.number}", "alt": m.alt}
                for m in ready
            ],
            "image": None,
            "media": [
                {
                    "id": m.number,
                    "admin_graphql_api_id": m.gid,
                    "alt": m.alt,
                    "position": position + 1,
                    "media_content_type": m.kind,
                    "status": m.status,
                }
                for position, m in enumerate(ready)
            ],
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
