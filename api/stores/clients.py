"""The one place that picks a connection's platform client."""

from __future__ import annotations

from api.core.config import Settings
from api.models import StoreConnection, StoreKind
from api.stores.platform import StoreClient
from api.stores.shopify import ShopifyClient
from api.stores.woocommerce import WooCommerceClient


def store_client(
    settings: Settings, connection: StoreConnection, credentials: dict[str, str], *, max_wait: float = 30.0
) -> StoreClient:
    """The connection's API client; `max_wait` is the longest throttle wait slept in place (a browse request
    waits less than a job, which can retry later instead)."""
    if connection.kind == StoreKind.shopify:
        return ShopifyClient(settings, connection.shop_domain, credentials["access_token"], max_wait=max_wait)
    return WooCommerceClient(
        settings, connection.shop_domain, credentials["consumer_key"], credentials["consumer_secret"], max_wait=max_wait
    )
