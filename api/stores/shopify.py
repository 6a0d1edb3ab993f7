"""Shopify's side: the OAuth and webhook HMACs, and a small Admin GraphQL client pinned to one API version.

Every document the app sends lives in this module (`DOCUMENTS`), and a test validates each one against
Shopify's published schema for `API_VERSION`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from api.core.config import Settings

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

DOCUMENTS = {
    "EpoxProducts": PRODUCTS_QUERY,
    "EpoxProduct": PRODUCT_QUERY,
    "EpoxProductsCount": PRODUCTS_COUNT_QUERY,
    "EpoxWebhookCreate": WEBHOOK_CREATE,
    "EpoxWebhookDelete": WEBHOOK_DELETE,
}


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


class ShopifyError(Exception):
    """Shopify refused or failed; `transient` says whether trying again later may help."""

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None, status: int = 0):
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after
        self.status = status


class ShopifyUnauthorized(ShopifyError):
    def __init__(self, message: str = "The shop refused the access token.") -> None:
        super().__init__(message, transient=False, status=401)


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

    @property
    def base_url(self) -> str:
        return shop_base_url(self.settings, self.shop)

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.timeout, follow_redirects=False)

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
        self, document: str, variables: dict[str, Any], *, attempts: int = 4, max_wait: float = 30.0
    ) -> dict[str, Any]:
        """`graphql`, waiting out throttling (at least Retry-After) and transient failures a few times."""
        for attempt in range(1, attempts + 1):
            try:
                return await self.graphql(document, variables)
            except ShopifyError as exc:
                if not exc.transient or attempt == attempts:
                    raise
                wait = exc.retry_after if exc.retry_after is not None else 0.5 * 2 ** (attempt - 1)
                if wait > max_wait:  # too long to sleep in a task: let the job retry later instead
                    raise
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")


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
