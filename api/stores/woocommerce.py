"""WooCommerce's side: the site URL rules, the webhook signature, and a small REST API v3 client.

A WooCommerce site is a server the merchant names, so every call goes through the SSRF-safe fetcher
(api/core/fetch.py): a site URL that resolves to a private address is refused like any other URL. Outside the
local sandbox (whose exact URL prefix is allowlisted, never in production) the site must be HTTPS, since the
consumer key and secret travel in every request's Basic authorization.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from api.core.config import Settings
from api.core.fetch import FETCH_ERRORS, FetchFailed, FetchPolicy, FetchTimedOut, request_url
from api.stores.platform import (
    Checkpoint,
    MediaRejected,
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

API_PREFIX = "/wp-json/wc/v3"
WEBHOOK_TOPICS = ("product.updated", "product.deleted")
MAX_RESPONSE_BYTES = 20 * 1_048_576


class WooCommerceError(StoreApiError):
    code: str | None = None  # WordPress's error code (`woocommerce_rest_product_invalid_id`, ...), when it sent one


class InvalidSiteUrl(ValueError):
    pass


def normalize_site_url(settings: Settings, raw: str) -> str:
    """`https://shop.example.com/sub` without a trailing slash; raises `InvalidSiteUrl` with the reason."""
    text = raw.strip()
    if "://" not in text:
        text = f"https://{text}"
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise InvalidSiteUrl("This is not a valid web address.") from exc
    if not url.host or url.userinfo or url.query or url.fragment:
        raise InvalidSiteUrl("Use the site's address only, e.g. https://shop.example.com.")
    site = str(url.copy_with(path=url.path.rstrip("/") or "")).rstrip("/")
    if url.scheme == "https":
        return site
    if url.scheme == "http" and any(site.startswith(prefix.rstrip("/")) for prefix in settings.fetch_allowlist):
        return site  # the local sandbox
    raise InvalidSiteUrl("The store must be served over HTTPS: its API keys travel with every request.")


def webhook_signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify_webhook_signature(secret: str, body: bytes, header: str | None) -> bool:
    """`X-WC-Webhook-Signature` is the base64 HMAC-SHA256 of the raw body with the webhook's secret."""
    return bool(header) and hmac.compare_digest(webhook_signature(secret, body), header or "")


def product_from_json(data: Mapping[str, Any], currency: str | None) -> RemoteProduct:
    price = price_minor_units(data.get("price"))
    return RemoteProduct(
        external_id=str(data["id"]),
        title=(str(data.get("name") or "") or "Untitled")[:200],
        description=plain_text(data.get("description") or data.get("short_description")),
        sku=(data.get("sku") or None),
        price_minor=price,
        currency=currency if price is not None else None,
        url=data.get("permalink") or None,
        images=[
            RemoteImage(str(image["id"]), str(image["src"])) for image in data.get("images") or [] if image.get("src")
        ],
        collections=[
            (str(c["id"]), str(c.get("slug") or ""), str(c.get("name") or "")) for c in data.get("categories") or []
        ],
    )


@dataclass
class WooCommerceClient:
    settings: Settings
    site_url: str
    consumer_key: str
    consumer_secret: str = field(repr=False)
    max_wait: float = 30.0
    _currency: str | None = field(default=None, init=False)

    async def request(
        self, method: str, path: str, params: Mapping[str, Any] | None = None, body: Any = None
    ) -> tuple[Any, httpx.Headers]:
        """One REST call: (decoded JSON, headers). Maps failures to `WooCommerceError` (transient or not)."""
        url = httpx.URL(f"{self.site_url}{API_PREFIX}/{path.lstrip('/')}", params=dict(params or {}))
        token = base64.b64encode(f"{self.consumer_key}:{self.consumer_secret}".encode()).decode()
        headers = {"Authorization": f"Basic {token}", "Accept": "application/json"}
        content = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            content = json.dumps(body).encode()
        try:
            response = await request_url(
                method,
                str(url),
                FetchPolicy.from_settings(self.settings),
                max_bytes=MAX_RESPONSE_BYTES,
                headers=headers,
                content=content,
            )
        except (FetchFailed, FetchTimedOut) as exc:
            raise WooCommerceError(f"The store could not be reached: {exc.detail}", transient=True) from exc
        except FETCH_ERRORS as exc:
            raise WooCommerceError(f"The store's address is not allowed: {exc.detail}", transient=False) from exc
        status = response.status
        if status in {401, 403}:
            raise StoreUnauthorized("The store refused our API key.")
        if status == 429:
            raise WooCommerceError("WooCommerce rate limit", transient=True, retry_after=_seconds(response), status=429)
        if status >= 500:
            raise WooCommerceError(f"The store answered {status}", transient=True, status=status)
        try:
            data = json.loads(response.body) if response.body else None
        except ValueError as exc:
            raise WooCommerceError("The store answered with something that is not JSON.", transient=False) from exc
        if status >= 300:
            message = data.get("message") if isinstance(data, dict) else None
            error = WooCommerceError(
                f"The store answered {status}: {message or 'error'}", transient=False, status=status
            )
            error.code = str(data.get("code")) if isinstance(data, dict) and data.get("code") else None
            raise error
        return data, response.headers

    async def call(
        self, method: str, path: str, params: Mapping[str, Any] | None = None, body: Any = None
    ) -> tuple[Any, httpx.Headers]:
        return await with_retries(lambda: self.request(method, path, params, body), max_wait=self.max_wait)

    async def currency(self) -> str | None:
        """The store's currency (one per WooCommerce site); None when the key may not read settings."""
        if self._currency is None:
            try:
                data, _ = await self.call("GET", "settings/general/woocommerce_currency")
            except StoreUnauthorized:
                return None
            except WooCommerceError as exc:
                if exc.transient:
                    raise
                return None
            value = data.get("value") if isinstance(data, dict) else None
            self._currency = str(value) if value else None
        return self._currency

    # --- the StoreClient side (api/stores/platform.py) -----------------------------------------------------------

    async def count_products(self, external_ids: Sequence[str] | None) -> int:
        params: dict[str, Any] = {"per_page": 1}
        if external_ids:
            params["include"] = ",".join(external_ids)
        _, headers = await self.call("GET", "products", params)
        return int(headers.get("x-wp-total") or 0)

    async def product_page(
        self, *, limit: int, cursor: str | None, external_ids: Sequence[str] | None = None
    ) -> ProductPage:
        """WooCommerce pages by number; the cursor is the next page's number, in id order so pages never shift."""
        page = int(cursor or 1)
        params: dict[str, Any] = {"per_page": min(limit, 100), "page": page, "orderby": "id", "order": "asc"}
        if external_ids:
            params["include"] = ",".join(external_ids)
        data, headers = await self.call("GET", "products", params)
        if not isinstance(data, list):
            raise WooCommerceError("The store's product list is not a list.", transient=False)
        currency = await self.currency()
        total_pages = int(headers.get("x-wp-totalpages") or page)
        return ProductPage(
            products=[product_from_json(item, currency) for item in data],
            next_cursor=str(page + 1) if page < total_pages else None,
        )

    async def register_webhooks(self, delivery_url: str, secret: str) -> dict[str, str]:
        ids: dict[str, str] = {}
        for topic in WEBHOOK_TOPICS:
            body = {"name": f"Epox {topic}", "topic": topic, "delivery_url": delivery_url, "secret": secret}
            data, _ = await self.call("POST", "webhooks", body=body)
            ids[topic] = str(data["id"])
        return ids

    async def remove_webhooks(self, webhook_ids: Mapping[str, Any]) -> None:
        for webhook_id in webhook_ids.values():
            try:
                await self.call("DELETE", f"webhooks/{webhook_id}", {"force": "true"})
            except WooCommerceError as exc:
                if exc.status != 404:  # already deleted in the WooCommerce admin: as good as removed
                    raise

    # --- publishing (one request per step: the sync worker owns retries and backoff) ------------------------------

    async def _product(self, external_product_id: str) -> dict[str, Any]:
        try:
            data, _ = await self.request("GET", f"products/{int(external_product_id)}")
        except WooCommerceError as exc:
            if _product_gone(exc):
                raise RemoteProductNotFound() from exc
            raise
        if not isinstance(data, dict):
            raise WooCommerceError("The store's product is not an object.", transient=False)
        return data

    async def _put_images(self, external_product_id: str, images: list[dict[str, Any]]) -> dict[str, Any]:
        """Replace the product's image list: WooCommerce keeps the images named by `id` (and their ids), adds
        those given by `src` (it downloads them), and drops the rest from the product."""
        try:
            data, _ = await self.request("PUT", f"products/{int(external_product_id)}", body={"images": images})
        except WooCommerceError as exc:
            if _product_gone(exc):
                raise RemoteProductNotFound() from exc
            if exc.status == 400 and "image" in (exc.code or ""):
                raise MediaRejected(str(exc)) from exc
            raise
        if not isinstance(data, dict):
            raise WooCommerceError("The store's product is not an object.", transient=False)
        return data

    async def product_media(self, external_product_id: str) -> list[RemoteMedia]:
        return [_media(image) for image in (await self._product(external_product_id)).get("images") or []]

    async def media_status(self, media_ids: Sequence[str]) -> list[RemoteMedia]:
        return [RemoteMedia(media_id, None, None) for media_id in media_ids]

    async def add_media(
        self, external_product_id: str, upload: MediaUpload, state: dict[str, Any], checkpoint: Checkpoint
    ) -> str | None:
        """One read-modify-write of the image list (the caller holds the product's lock): every existing image is
        sent back by id, and ours is added by URL, named with its marker."""
        current = [{"id": image["id"]} for image in (await self._product(external_product_id)).get("images") or []]
        new = {"src": upload.source_url(), "name": upload.marker, "alt": upload.alt}
        at = len(current) if upload.position is None else max(0, min(upload.position - 1, len(current)))
        updated = await self._put_images(external_product_id, [*current[:at], new, *current[at:]])
        ours = [_media(image) for image in updated.get("images") or [] if _media(image).carries(upload.marker)]
        return ours[-1].external_id if ours else None

    async def remove_media(self, external_product_id: str, media_id: str) -> bool:
        images = (await self._product(external_product_id)).get("images") or []
        kept = [{"id": image["id"]} for image in images if str(image["id"]) != media_id]
        if len(kept) == len(images):
            return False
        await self._put_images(external_product_id, kept)
        return True


def _product_gone(exc: WooCommerceError) -> bool:
    """GET answers a missing product 404; PUT answers it 400 `woocommerce_rest_product_invalid_id`."""
    return exc.status == 404 or (exc.status == 400 and (exc.code or "").endswith("product_invalid_id"))


def _media(image: Mapping[str, Any]) -> RemoteMedia:
    return RemoteMedia(
        external_id=str(image["id"]),
        alt=image.get("alt"),
        url=image.get("src"),
        name=image.get("name"),
    )


def _seconds(response: Any) -> float:
    try:
        return float(response.headers.get("retry-after") or 2.0)
    except ValueError:
        return 2.0
