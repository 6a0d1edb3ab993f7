"""Shopify's side: the OAuth and webhook HMACs, and a small Admin GraphQL client pinned to one API version.

Every document the app sends lives in this module (`DOCUMENTS`), and a test validates each one against
Shopify's published schema for `API_VERSION`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import certifi
import httpx

from api.core.config import Settings
from api.stores.platform import (
    Checkpoint,
    MediaRejected,
    MediaState,
    MediaUpload,
    ProductPage,
    RemoteImage,
    RemoteMedia,
    RemoteProduct,
    RemoteProductNotFound,
    StoreApiError,
    StoreUnauthorized,
    plain_text,
    price_minor_units,
    with_retries,
)

API_VERSION = "2026-10"
SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
WEBHOOK_TOPICS = ("PRODUCTS_UPDATE", "PRODUCTS_DELETE", "APP_UNINSTALLED")

PRODUCT_FIELDS = """
fragment EpoxProductFields on Product {
  id
  legacyResourceId
  title
  handle
  descriptionHtml
  status
  onlineStoreUrl
  updatedAt
  variants(first: 1) { nodes { sku price } }
  media(first: 20) {
    nodes {
      id
      mediaContentType
      ... on MediaImage { image { url width height altText } }
    }
  }
  collections(first: 20) { nodes { id handle title } }
}
"""

PRODUCTS_QUERY = (
    """
query EpoxProducts($first: Int!, $after: String, $query: String) {
  shop { currencyCode }
  products(first: $first, after: $after, query: $query, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes { ...EpoxProductFields }
  }
}
"""
    + PRODUCT_FIELDS
)

PRODUCT_QUERY = (
    """
query EpoxProduct($id: ID!) {
  shop { currencyCode }
  product(id: $id) { ...EpoxProductFields }
}
"""
    + PRODUCT_FIELDS
)

PRODUCTS_COUNT_QUERY = """
query EpoxProductsCount($query: String) {
  productsCount(query: $query) { count }
}
"""

WEBHOOK_CREATE = """
mutation EpoxWebhookCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic }
    userErrors { field message }
  }
}
"""

WEBHOOK_DELETE = """
mutation EpoxWebhookDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) {
    deletedWebhookSubscriptionId
    userErrors { field message }
  }
}
"""

# --- publishing: staged upload → productUpdate(media:) → poll until READY/FAILED; fileDelete to remove -----------
# Images go up with a PUT to the staged target; videos (resource VIDEO, with their size) with a multipart POST
# of the target's parameters and then the file, and are processed longer before Shopify reports them READY.

MEDIA_FIELDS = """
fragment EpoxMediaFields on Media {
  id
  alt
  status
  mediaContentType
  mediaErrors { code details message }
  ... on MediaImage { image { url } originalSource { url } }
  ... on Video { sources { url mimeType } videoSource: originalSource { url } }
}
"""

PRODUCT_MEDIA_QUERY = (
    """
query EpoxProductMedia($id: ID!) {
  product(id: $id) {
    id
    media(first: 250) { nodes { ...EpoxMediaFields } }
  }
}
"""
    + MEDIA_FIELDS
)

MEDIA_STATUS_QUERY = (
    """
query EpoxMediaStatus($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Media { ...EpoxMediaFields } }
}
"""
    + MEDIA_FIELDS
)

STAGED_UPLOADS_CREATE = """
mutation EpoxStagedUploadsCreate($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) {
    stagedTargets { url resourceUrl parameters { name value } }
    userErrors { field message }
  }
}
"""

PRODUCT_MEDIA_ATTACH = (
    """
mutation EpoxProductMediaAttach($product: ProductUpdateInput!, $media: [CreateMediaInput!]) {
  productUpdate(product: $product, media: $media) {
    product { id media(last: 20) { nodes { ...EpoxMediaFields } } }
    userErrors { field message }
  }
}
"""
    + MEDIA_FIELDS
)

PRODUCT_REORDER_MEDIA = """
mutation EpoxProductReorderMedia($id: ID!, $moves: [MoveInput!]!) {
  productReorderMedia(id: $id, moves: $moves) {
    job { id }
    mediaUserErrors { code field message }
  }
}
"""

FILE_DELETE = """
mutation EpoxFileDelete($fileIds: [ID!]!) {
  fileDelete(fileIds: $fileIds) {
    deletedFileIds
    userErrors { field message code }
  }
}
"""

DOCUMENTS = {
    "EpoxProducts": PRODUCTS_QUERY,
    "EpoxProduct": PRODUCT_QUERY,
    "EpoxProductsCount": PRODUCTS_COUNT_QUERY,
    "EpoxWebhookCreate": WEBHOOK_CREATE,
    "EpoxWebhookDelete": WEBHOOK_DELETE,
    "EpoxProductMedia": PRODUCT_MEDIA_QUERY,
    "EpoxMediaStatus": MEDIA_STATUS_QUERY,
    "EpoxStagedUploadsCreate": STAGED_UPLOADS_CREATE,
    "EpoxProductMediaAttach": PRODUCT_MEDIA_ATTACH,
    "EpoxProductReorderMedia": PRODUCT_REORDER_MEDIA,
    "EpoxFileDelete": FILE_DELETE,
}
# A staged PUT target's parameters are headers; these two have their own HTTP names.
_STAGED_HEADERS = {"content_type": "Content-Type", "acl": "x-goog-acl"}


# --- verification ---------------------------------------------------------------------------------------------


def _escape(value: str, *, key: bool) -> str:
    value = value.replace("%", "%25").replace("&", "%26")
    return value.replace("=", "%3D") if key else value


def oauth_message(params: Mapping[str, str]) -> str:
    """The string Shopify signs: every parameter but `hmac` (and legacy `signature`), sorted, `k=v` joined by
    `&`, with `&`/`%` escaped in values and `&`/`=`/`%` in keys (as Shopify's own libraries do)."""
    pairs = sorted(
        (_escape(k, key=True), _escape(v, key=False)) for k, v in params.items() if k not in {"hmac", "signature"}
    )
    return "&".join(f"{k}={v}" for k, v in pairs)


def oauth_hmac(secret: str, params: Mapping[str, str]) -> str:
    return hmac.new(secret.encode(), oauth_message(params).encode(), hashlib.sha256).hexdigest()


def verify_oauth_hmac(secret: str, params: Mapping[str, str]) -> bool:
    given = params.get("hmac", "")
    return bool(given) and hmac.compare_digest(oauth_hmac(secret, params), given.lower())


def webhook_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify_webhook_hmac(secret: str, body: bytes, header: str | None) -> bool:
    """The header is the base64 digest of the raw body; anything else (hex included) is refused."""
    return bool(header) and hmac.compare_digest(webhook_hmac(secret, body), header or "")


# --- the Admin API --------------------------------------------------------------------------------------------


class ShopifyError(StoreApiError):
    pass


class ShopifyUnauthorized(StoreUnauthorized, ShopifyError):
    def __init__(self) -> None:
        super().__init__("The shop refused the access token.")


def shop_base_url(settings: Settings, shop: str) -> str:
    """`https://<shop>` for real shops; `<sandbox>/<shop>` when the loopback sandbox stands in for Shopify."""
    if settings.shopify_api_base_url:
        return f"{settings.shopify_api_base_url.rstrip('/')}/{shop}"
    return f"https://{shop}"


@dataclass
class ShopifyClient:
    settings: Settings
    shop: str
    access_token: str | None = None
    timeout: float = 20.0
    max_wait: float = 30.0  # the longest throttle wait slept in place (a browse request waits less than a job)

    @property
    def base_url(self) -> str:
        return shop_base_url(self.settings, self.shop)

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, verify=_tls_context())

    async def exchange_code(self, code: str) -> tuple[str, str]:
        """The authorization code for an offline access token; (token, granted scopes)."""
        secret = self.settings.shopify_client_secret
        body = {
            "client_id": self.settings.shopify_client_id or "",
            "client_secret": secret.get_secret_value() if secret else "",
            "code": code,
        }
        try:
            async with self._client() as client:
                response = await client.post(f"{self.base_url}/admin/oauth/access_token", json=body)
        except httpx.HTTPError as exc:
            raise ShopifyError("The shop could not be reached.", transient=True) from exc
        if response.status_code != 200:
            raise ShopifyError(f"The token exchange failed ({response.status_code}).", transient=False)
        data = response.json()
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise ShopifyError("The token exchange returned no token.", transient=False)
        return token, str(data.get("scope", ""))

    async def graphql(self, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        """One Admin GraphQL call; throttling (429 or THROTTLED) raises a transient error with how long to wait."""
        assert self.access_token, "no access token"
        headers = {"X-Shopify-Access-Token": self.access_token, "Content-Type": "application/json"}
        url = f"{self.base_url}/admin/api/{API_VERSION}/graphql.json"
        try:
            async with self._client() as client:
                response = await client.post(url, json={"query": document, "variables": variables}, headers=headers)
        except httpx.HTTPError as exc:
            raise ShopifyError("The shop could not be reached.", transient=True) from exc
        if response.status_code == 401 or response.status_code == 403:
            raise ShopifyUnauthorized()
        if response.status_code == 429:
            retry_after = _float(response.headers.get("Retry-After")) or 2.0
            raise ShopifyError("Shopify rate limit", transient=True, retry_after=retry_after, status=429)
        if response.status_code >= 500:
            raise ShopifyError(f"Shopify error {response.status_code}", transient=True, status=response.status_code)
        if response.status_code != 200:
            raise ShopifyError(f"Shopify answered {response.status_code}", transient=False)
        payload: dict[str, Any] = response.json()
        errors = payload.get("errors") or []
        if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
            raise ShopifyError("Shopify throttled the query", transient=True, retry_after=_throttle_wait(payload))
        if errors:
            raise ShopifyError("Shopify rejected the query", transient=False)
        data: dict[str, Any] = payload.get("data") or {}
        return data

    async def graphql_with_retries(
        self, document: str, variables: dict[str, Any], *, attempts: int = 4, max_wait: float | None = None
    ) -> dict[str, Any]:
        """`graphql`, waiting out throttling (at least Retry-After) and transient failures a few times."""
        return await with_retries(
            lambda: self.graphql(document, variables),
            attempts=attempts,
            max_wait=self.max_wait if max_wait is None else max_wait,
        )

    # --- the StoreClient side (api/stores/platform.py) -------------------------------------------------------

    async def count_products(self, external_ids: Sequence[str] | None) -> int:
        data = await self.graphql_with_retries(PRODUCTS_COUNT_QUERY, {"query": _id_query(external_ids)})
        return int(data["productsCount"]["count"])

    async def product_page(
        self, *, limit: int, cursor: str | None, external_ids: Sequence[str] | None = None
    ) -> ProductPage:
        variables = {"first": limit, "after": cursor, "query": _id_query(external_ids)}
        data = await self.graphql_with_retries(PRODUCTS_QUERY, variables)
        currency = (data.get("shop") or {}).get("currencyCode")
        page = data["products"]
        return ProductPage(
            products=[product_from_node(node, currency) for node in page["nodes"]],
            next_cursor=page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None,
        )

    async def register_webhooks(self, uri: str) -> dict[str, str]:
        ids: dict[str, str] = {}
        for topic in WEBHOOK_TOPICS:
            variables = {"topic": topic, "webhookSubscription": {"uri": uri, "format": "JSON"}}
            result = (await self.graphql_with_retries(WEBHOOK_CREATE, variables))["webhookSubscriptionCreate"]
            if result["userErrors"] or not result["webhookSubscription"]:
                raise ShopifyError(f"webhook {topic} refused: {result['userErrors']}", transient=False)
            ids[topic] = result["webhookSubscription"]["id"]
        return ids

    async def remove_webhooks(self, webhook_ids: Mapping[str, Any]) -> None:
        for subscription_id in webhook_ids.values():
            # One already removed in the Shopify admin answers with a user error: as good as removed.
            await self.graphql_with_retries(WEBHOOK_DELETE, {"id": subscription_id})

    # --- publishing (one call per method: the sync worker owns retries, backoff and the checkpoints) ---------

    async def product_media(self, external_product_id: str) -> list[RemoteMedia]:
        data = await self.graphql(PRODUCT_MEDIA_QUERY, {"id": external_product_id})
        product = data.get("product")
        if product is None:
            raise RemoteProductNotFound()
        return [media_from_node(node) for node in product["media"]["nodes"] if node]

    async def media_status(self, media_ids: Sequence[str]) -> list[RemoteMedia]:
        data = await self.graphql(MEDIA_STATUS_QUERY, {"ids": list(media_ids)})
        return [media_from_node(node) for node in data.get("nodes") or [] if node]

    async def add_media(
        self, external_product_id: str, upload: MediaUpload, state: dict[str, Any], checkpoint: Checkpoint
    ) -> str | None:
        """Staged upload (saved as `resource_url` once the bytes are there), then attach with productUpdate. The
        media is still processing afterwards: `media_status` tells when Shopify has it READY or FAILED."""
        resource_url = state.get("resource_url")
        if not resource_url:
            resource_url = await self._stage(upload)
            await checkpoint({"resource_url": resource_url})
        # The marker goes in the alt text too: it is the one field Shopify shows before the media is processed.
        alt = f"{upload.alt} ({upload.marker})" if upload.alt else upload.marker
        media = {"originalSource": resource_url, "alt": alt, "mediaContentType": _media_type(upload)}
        data = await self.graphql(PRODUCT_MEDIA_ATTACH, {"product": {"id": external_product_id}, "media": [media]})
        result = data["productUpdate"]
        if result["userErrors"] or result["product"] is None:
            messages = "; ".join(str(e.get("message")) for e in result["userErrors"])
            if result["product"] is None and (not messages or "not exist" in messages or "not found" in messages):
                raise RemoteProductNotFound()
            raise ShopifyError(f"Shopify refused the media: {messages}", transient=False, status=422)
        ours = [
            media_from_node(node)
            for node in result["product"]["media"]["nodes"]
            if node and media_from_node(node).carries(upload.marker)
        ]
        media_id = ours[-1].external_id if ours else None
        if media_id is not None and upload.position is not None:
            await self.graphql(
                PRODUCT_REORDER_MEDIA,
                {"id": external_product_id, "moves": [{"id": media_id, "newPosition": str(upload.position - 1)}]},
            )
        return media_id

    async def _stage(self, upload: MediaUpload) -> str:
        video = _media_type(upload) == "VIDEO"
        variables = {
            "input": [
                {
                    "resource": "VIDEO" if video else "IMAGE",
                    "filename": upload.filename,
                    "mimeType": upload.content_type,
                    "httpMethod": "POST" if video else "PUT",
                    "fileSize": str(upload.size),
                }
            ]
        }
        result = (await self.graphql(STAGED_UPLOADS_CREATE, variables))["stagedUploadsCreate"]
        targets = result.get("stagedTargets") or []
        if result["userErrors"] or not targets or not targets[0].get("url") or not targets[0].get("resourceUrl"):
            raise ShopifyError(f"Shopify refused the upload: {result['userErrors']}", transient=False, status=422)
        target = targets[0]
        body = await upload.load()
        try:
            async with self._client() as client:
                if video:
                    # A form POST: every parameter as a field, in order, and the file last.
                    fields = {p["name"]: p["value"] for p in target["parameters"]}
                    files = {"file": (upload.filename, body, upload.content_type)}
                    response = await client.post(str(target["url"]), data=fields, files=files)
                else:
                    headers = {_STAGED_HEADERS.get(p["name"], p["name"]): p["value"] for p in target["parameters"]}
                    headers.setdefault("Content-Type", upload.content_type)
                    response = await client.put(str(target["url"]), content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ShopifyError("The upload did not reach Shopify.", transient=True) from exc
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = _float(response.headers.get("Retry-After"))
            raise ShopifyError(
                f"Upload answered {response.status_code}",
                transient=True,
                retry_after=retry_after,
                status=response.status_code,
            )
        if response.status_code >= 300:
            raise MediaRejected(f"The upload was refused ({response.status_code}).")
        return str(target["resourceUrl"])

    async def remove_media(self, external_product_id: str, media_id: str) -> bool:
        result = (await self.graphql(FILE_DELETE, {"fileIds": [media_id]}))["fileDelete"]
        if media_id in (result.get("deletedFileIds") or []):
            return True
        errors = result.get("userErrors") or []
        if any(e.get("code") == "FILE_DOES_NOT_EXIST" or "not exist" in str(e.get("message")) for e in errors):
            return False
        raise ShopifyError(f"Shopify did not delete the media: {errors}", transient=False, status=422)


def _id_query(external_ids: Sequence[str] | None) -> str | None:
    """Shopify's search syntax for "these products": `id:1 OR id:2` with the numeric part of each gid."""
    if not external_ids:
        return None
    return " OR ".join(f"id:{gid.rsplit('/', 1)[-1]}" for gid in external_ids)


def product_from_node(node: dict[str, Any], currency: str | None) -> RemoteProduct:
    variant = (node.get("variants", {}).get("nodes") or [{}])[0]
    return RemoteProduct(
        external_id=node["id"],
        title=(node.get("title") or "Untitled")[:200],
        description=plain_text(node.get("descriptionHtml")),
        sku=(variant.get("sku") or None),
        price_minor=price_minor_units(variant.get("price")),
        currency=currency if variant.get("price") is not None else None,
        url=node.get("onlineStoreUrl"),
        images=[
            RemoteImage(m["id"], m["image"]["url"])
            for m in node.get("media", {}).get("nodes", [])
            if m.get("mediaContentType") == "IMAGE" and m.get("image")
        ],
        collections=[(c["id"], c["handle"], c["title"]) for c in node.get("collections", {}).get("nodes", [])],
    )


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Built once: loading the CA bundle costs ~100 ms, which a client per call would pay every time."""
    return ssl.create_default_context(cafile=certifi.where())


_MEDIA_STATES = {"READY": MediaState.ready, "FAILED": MediaState.failed}


def _media_type(upload: MediaUpload) -> str:
    return "VIDEO" if upload.content_type.startswith("video/") else "IMAGE"


def media_from_node(node: dict[str, Any]) -> RemoteMedia:
    image = node.get("image") or {}
    if not image and node.get("sources"):  # a video: its first rendition once processed
        image = node["sources"][0] or {}
    source = node.get("originalSource") or node.get("videoSource") or {}
    errors = node.get("mediaErrors") or []
    return RemoteMedia(
        external_id=str(node["id"]),
        alt=node.get("alt"),
        url=image.get("url") or source.get("url"),
        state=_MEDIA_STATES.get(str(node.get("status")), MediaState.processing),
        error="; ".join(str(e.get("details") or e.get("message")) for e in errors) or None,
    )


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _throttle_wait(payload: dict[str, Any]) -> float:
    """Seconds until the bucket holds enough points for the query again (Shopify's leaky bucket)."""
    cost = (payload.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    requested = float(cost.get("requestedQueryCost") or 0)
    available = float(status.get("currentlyAvailable") or 0)
    restore = float(status.get("restoreRate") or 50) or 50.0
    return max(1.0, (requested - available) / restore)
