"""Store webhooks: verified on the raw body, stored once per delivery id, acknowledged at once.

Shopify signs with the app's secret and names the shop; WooCommerce signs with the secret we gave the site when we
created its webhooks, and posts to the connection's own URL. Shopify's `app/uninstalled` revokes the shop's
connections inside the request (no API call may follow it, not even one already queued); everything else is
handled by a worker from the stored event, so the store gets its answer fast.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings
from api.core.crypto import CredentialCipher
from api.core.errors import BadRequest, NotAuthenticated, NotFound
from api.core.queue import SYNC_QUEUE, enqueue_after_commit
from api.core.time import utc_now
from api.models import AssetSyncState, Product, StoreConnection, StoreKind, StoreStatus, StoreWebhookEvent
from api.products.repository import ProductRepository
from api.stores.credentials import open_credentials, revoke_credentials
from api.stores.platform import plain_text, price_minor_units
from api.stores.publish_repository import SyncScanRepository
from api.stores.repository import StoreConnectionScanRepository, StoreWebhookEventRepository
from api.stores.shopify import SHOP_DOMAIN, verify_webhook_hmac
from api.stores.woocommerce import verify_webhook_signature

logger = logging.getLogger("epox.stores")

WEBHOOK_TASK = "handle_store_webhook"
_PING = re.compile(rb"webhook_id=\d{1,20}")
PRIVACY_TOPICS = frozenset({"customers/data_request", "customers/redact", "shop/redact"})


class InvalidWebhookSignature(NotAuthenticated):
    code, title = "invalid_webhook_signature", "Invalid webhook signature"


class InvalidWebhook(BadRequest):
    code, title = "invalid_webhook", "Invalid webhook"


class UnknownWebhookTarget(NotFound):
    code, title = "unknown_webhook_target", "No such store connection"


def _timestamp(value: Any) -> datetime | None:
    """An ISO 8601 time with its offset (naive ones are taken as UTC); None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise InvalidWebhook("The body is not JSON.") from exc
    if not isinstance(payload, dict):
        raise InvalidWebhook("The body is not a JSON object.")
    return payload


class StoreWebhookService:
    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.events = StoreWebhookEventRepository(session)
        self.connections = StoreConnectionScanRepository(session)

    async def receive_woocommerce(self, connection_id: uuid.UUID, headers: Mapping[str, str], body: bytes) -> str:
        """Verify and store one WooCommerce delivery (`accepted`, `duplicate`, `ping`)."""
        if _PING.fullmatch(body) and "x-wc-webhook-signature" not in headers:
            # WooCommerce pings a new webhook's URL, unsigned, while we are still creating it (before the
            # connection row exists) and refuses to create it unless the ping gets a 2xx. It writes nothing.
            return "ping"
        connection = await self.connections.get(connection_id)
        if connection is None or connection.kind != StoreKind.woocommerce:
            raise UnknownWebhookTarget()
        credentials = open_credentials(CredentialCipher.from_settings(self.settings), connection)
        signature = headers.get("x-wc-webhook-signature")
        if credentials is None or not verify_webhook_signature(credentials["webhook_secret"], body, signature):
            raise InvalidWebhookSignature("The webhook signature does not match its body.")
        topic = headers.get("x-wc-webhook-topic", "")
        delivery_id = headers.get("x-wc-webhook-delivery-id", "")
        if not topic or not delivery_id:
            raise InvalidWebhook("Topic and delivery id headers are required.")
        payload = _json_object(body)
        event_id = await self.events.insert_once(
            StoreKind.woocommerce,
            f"{connection.id}:{delivery_id}",
            topic,
            connection.shop_domain,
            payload,
            connection.id,
        )
        if event_id is None:
            return "duplicate"
        await self._seen(connection)
        enqueue_after_commit(self.session, WEBHOOK_TASK, str(event_id), queue=SYNC_QUEUE, job_id=f"webhook:{event_id}")
        return "accepted"

    async def _seen(self, *connections: StoreConnection) -> None:
        """Webhook health on the Store page: when each connection last heard from its store."""
        now = utc_now()
        for connection in connections:
            connection.last_webhook_at = now
        await self.session.flush()

    async def receive_shopify(self, headers: Mapping[str, str], body: bytes) -> str:
        """Verify and store one delivery; returns what happened (`accepted`, `duplicate`, `revoked`)."""
        secret = self.settings.shopify_client_secret
        if not secret or not verify_webhook_hmac(secret.get_secret_value(), body, headers.get("x-shopify-hmac-sha256")):
            raise InvalidWebhookSignature("The webhook signature does not match its body.")
        topic = headers.get("x-shopify-topic", "")
        shop = headers.get("x-shopify-shop-domain", "")
        webhook_id = headers.get("x-shopify-webhook-id") or headers.get("x-shopify-event-id") or ""
        if not topic or not webhook_id or not SHOP_DOMAIN.fullmatch(shop):
            raise InvalidWebhook("Topic, shop domain and webhook id headers are required.")
        payload = _json_object(body)
        event_id = await self.events.insert_once(StoreKind.shopify, webhook_id, topic, shop, payload)
        if event_id is None:
            return "duplicate"
        await self._seen(*await self.connections.by_shop(StoreKind.shopify, shop, active_only=True))
        if topic == "app/uninstalled":
            revoked = await self.revoke_shop(shop)
            await self._mark(event_id, f"revoked {revoked} connection(s)")
            return "revoked"
        if topic in {"customers/data_request", "customers/redact"}:
            # Epox keeps no customer data from stores: nothing to export or erase.
            await self._mark(event_id, "no customer data held")
            return "accepted"
        enqueue_after_commit(self.session, WEBHOOK_TASK, str(event_id), queue=SYNC_QUEUE, job_id=f"webhook:{event_id}")
        return "accepted"

    async def revoke_shop(self, shop: str) -> int:
        connections = await self.connections.by_shop(StoreKind.shopify, shop, for_update=True)
        now = utc_now()
        for connection in connections:
            revoke_credentials(connection)
            if connection.status == StoreStatus.active:
                connection.status = StoreStatus.disconnected
                connection.disconnected_at = now
        await self.session.flush()
        return len(connections)

    async def _mark(self, event_id: uuid.UUID, outcome: str) -> None:
        event = await self.events.get(event_id, for_update=True)
        if event is not None:
            event.processed_at = utc_now()
            event.outcome = outcome[:200]
            await self.session.flush()

    # --- the worker's side --------------------------------------------------------------------------------

    async def handle(self, event_id: uuid.UUID) -> bool:
        """Apply a stored event once (the row lock and `processed_at` make a second delivery a no-op)."""
        event = await self.events.get(event_id, for_update=True)
        if event is None or event.processed_at is not None:
            return False
        if event.topic in {"products/update", "products/create", "product.updated", "product.created"}:
            outcome = await self._product_updated(event)
        elif event.topic in {"products/delete", "product.deleted"}:
            outcome = await self._product_deleted(event)
        elif event.topic == "shop/redact":
            outcome = await self._redact_shop(event.shop_domain, event.id)
        else:
            outcome = "ignored"
        await self._mark(event_id, outcome)
        return True

    async def _linked_products(self, event: StoreWebhookEvent) -> list[Product]:
        """The local products the event's store product was imported as (one per workspace holding the store)."""
        payload = event.payload
        if event.kind == StoreKind.shopify:
            external_id = str(payload.get("admin_graphql_api_id") or f"gid://shopify/Product/{payload.get('id')}")
            connections = await self.connections.by_shop(StoreKind.shopify, event.shop_domain, active_only=True)
        else:
            external_id = str(payload.get("id"))
            connection = await self.connections.get(event.store_connection_id) if event.store_connection_id else None
            connections = [connection] if connection is not None and connection.status == StoreStatus.active else []
        found: list[Product] = []
        for connection in connections:
            repository = ProductRepository(self.session, connection.organization_id)
            product = await self.session.scalar(
                repository.base_statement()
                .where(Product.store_connection_id == connection.id, Product.external_id == external_id)
                .with_for_update()
            )
            if product is not None:
                found.append(product)
        return found

    async def _product_updated(self, event: StoreWebhookEvent) -> str:
        products = await self._linked_products(event)
        payload = event.payload
        if event.kind == StoreKind.shopify:  # the REST product shape: title, body_html, variants
            variant = (payload.get("variants") or [{}])[0]
            title, html, has_html = payload.get("title"), payload.get("body_html"), "body_html" in payload
        else:  # WooCommerce: name, description, sku and price on the product itself
            variant = payload
            title, html, has_html = payload.get("name"), payload.get("description"), "description" in payload
        for product in products:
            if title:
                product.name = str(title)[:200]
            if has_html:
                product.description = plain_text(html)
            if "sku" in variant:
                product.sku = variant.get("sku") or None
            if variant.get("price") not in (None, ""):
                product.price_minor = price_minor_units(variant["price"])
        await self.session.flush()
        removed = await self._media_removed(event)
        outcome = f"updated {len(products)} product(s)"
        return f"{outcome}, {removed} published image(s) removed in the store" if removed else outcome

    async def _media_removed(self, event: StoreWebhookEvent) -> int:
        """Assets published to this store product whose image the store no longer lists (the merchant removed it
        outside Epox) go back to `not_synced`. A payload older than our image (a late delivery of an earlier
        change) proves nothing and is ignored; so is one that does not list the product's media at all."""
        payload = event.payload
        if event.kind == StoreKind.shopify:
            media = payload.get("media")
            if not isinstance(media, list):
                return 0
            external_id = str(payload.get("admin_graphql_api_id") or f"gid://shopify/Product/{payload.get('id')}")
            present = {
                str(m.get("admin_graphql_api_id") or f"gid://shopify/MediaImage/{m.get('id')}")
                for m in media
                if isinstance(m, dict)
            }
            changed_at = _timestamp(payload.get("updated_at"))
            connections = await self.connections.by_shop(StoreKind.shopify, event.shop_domain, active_only=True)
        else:
            images = payload.get("images")
            if not isinstance(images, list):
                return 0
            external_id = str(payload.get("id"))
            present = {str(i.get("id")) for i in images if isinstance(i, dict)}
            gmt = payload.get("date_modified_gmt")
            changed_at = _timestamp(f"{gmt}+00:00") if isinstance(gmt, str) and gmt else None
            connection = await self.connections.get(event.store_connection_id) if event.store_connection_id else None
            connections = [connection] if connection is not None and connection.status == StoreStatus.active else []
        rows = await SyncScanRepository(self.session).synced_on_product([c.id for c in connections], external_id)
        removed = 0
        for record, asset in rows:
            if record.external_media_id in present:
                continue
            attached = _timestamp(record.state.get("attached_at")) or record.finished_at
            if changed_at is not None and attached is not None and changed_at < attached.replace(microsecond=0):
                continue
            asset.sync_state = AssetSyncState.not_synced
            asset.external_id = None
            asset.sync_error = "removed_in_store: The image was removed from the product in the store."
            removed += 1
        await self.session.flush()
        return removed

    async def _product_deleted(self, event: StoreWebhookEvent) -> str:
        products = await self._linked_products(event)
        now = utc_now()
        for product in products:
            # Archived, not deleted: its images and generated assets stay, and it frees its slot.
            product.archived_at = product.archived_at or now
        await self.session.flush()
        return f"archived {len(products)} product(s)"

    async def _redact_shop(self, shop: str, event_id: uuid.UUID) -> str:
        """48 hours after an uninstall Shopify asks us to erase the shop's data: its connections (with their
        tokens and webhook ids) and stored deliveries go; imported products stay, unlinked, in the merchant's
        own catalog."""
        connections = await self.connections.by_shop(StoreKind.shopify, shop, for_update=True)
        for connection in connections:
            await self.connections.delete(connection)
        await self.events.delete_for_shop(StoreKind.shopify, shop, keep=event_id)
        return f"deleted {len(connections)} connection(s)"
