"""Connected stores (Shopify, WooCommerce) and the webhooks they send (design/domain.md, Entities).

Credentials are stored only as AES-GCM ciphertext bound to the row (api/core/crypto.py); the key id travels
with the ciphertext so key rotation can re-encrypt row by row while old keys still decrypt.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Enum, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, CreatedAtMixin, IdMixin, TenantMixin, TimestampsMixin


def _values(enum_class: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in enum_class]


class StoreKind(enum.StrEnum):
    shopify = "shopify"
    woocommerce = "woocommerce"


class StoreStatus(enum.StrEnum):
    active = "active"
    disconnected = "disconnected"
    error = "error"


class StoreConnection(IdMixin, TimestampsMixin, TenantMixin, Base):
    __tablename__ = "store_connections"
    # One connection per store per workspace; connecting the same shop again is a conflict, not a second row.
    __table_args__ = (UniqueConstraint("organization_id", "kind", "shop_domain"),)

    kind: Mapped[StoreKind] = mapped_column(Enum(StoreKind, name="store_kind", values_callable=_values))
    # `name.myshopify.com` for Shopify, the site URL for WooCommerce.
    shop_domain: Mapped[str] = mapped_column(String(255), index=True)
    status: Mapped[StoreStatus] = mapped_column(
        Enum(StoreStatus, name="store_status", values_callable=_values), default=StoreStatus.active
    )
    # `v1:<key id>:<nonce + ciphertext>`; None once revoked (uninstalled, disconnected, redacted).
    credentials_ciphertext: Mapped[str | None] = mapped_column(Text)
    credentials_key_id: Mapped[str | None] = mapped_column(String(50))
    scopes: Mapped[str] = mapped_column(String(500), default="", server_default="")
    auto_sync: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Topic → the store's id for our subscription, so they can be removed on disconnect.
    webhook_ids: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    last_synced_at: Mapped[datetime | None]
    last_webhook_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
    disconnected_at: Mapped[datetime | None]
    connected_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class StoreWebhookEvent(IdMixin, CreatedAtMixin, Base):
    """Each webhook delivery stored once by the store's delivery id, then handled by a worker and marked."""

    __tablename__ = "store_webhook_events"
    __table_args__ = (UniqueConstraint("kind", "webhook_id"),)

    kind: Mapped[StoreKind] = mapped_column(Enum(StoreKind, name="store_kind", values_callable=_values))
    # Shopify's X-Shopify-Webhook-Id; for WooCommerce `<connection id>:<X-WC-Webhook-Delivery-ID>`, since a
    # site numbers its deliveries on its own.
    webhook_id: Mapped[str] = mapped_column(String(255))
    topic: Mapped[str] = mapped_column(String(100))
    shop_domain: Mapped[str] = mapped_column(String(255), index=True)
    # Not a tenant row: a webhook can arrive for a shop no workspace (or several) has connected.
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # WooCommerce webhooks come to a connection's own URL; Shopify's name a shop (any workspace may hold it).
    store_connection_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("store_connections.id", ondelete="CASCADE"), index=True
    )
    processed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(200))
