"""The catalog: products, their images, and categories (design/domain.md, Entities).

Products come from an upload or from a connected store. Store links (`store_connection_id`, `external_id`,
`external_url`) point at `store_connections`; the unique constraints on (connection, external id) mean an import
can never create the same product, image or category twice. Removing a connection keeps its products, unlinked.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, CreatedAtMixin, IdMixin, TenantMixin, TimestampsMixin


def _values(enum_class: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in enum_class]


class ProductSource(enum.StrEnum):
    uploaded = "uploaded"
    imported = "imported"


class ImageSyncState(enum.StrEnum):
    """`local`: only here; `synced`: the same as the store's; `modified`: changed here since the last sync."""

    local = "local"
    synced = "synced"
    modified = "modified"


class Product(IdMixin, TimestampsMixin, TenantMixin, Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("store_connection_id", "external_id"),
        Index("ix_products_organization_id_created_at", "organization_id", "created_at"),
    )

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    sku: Mapped[str | None] = mapped_column(String(100))
    price_minor: Mapped[int | None] = mapped_column(BigInteger)  # money: integer minor units + currency
    currency: Mapped[str | None] = mapped_column(String(3))
    source: Mapped[ProductSource] = mapped_column(
        Enum(ProductSource, name="product_source", values_callable=_values), default=ProductSource.uploaded
    )
    # The store this product was imported from.
    store_connection_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("store_connections.id", ondelete="SET NULL"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(255))
    external_url: Mapped[str | None] = mapped_column(String(2048))
    scene_types: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default=text("'[]'::jsonb"))
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # the AI's reading of the product, later
    generation_settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    # Archived products keep their images and assets but do not use a product slot.
    archived_at: Mapped[datetime | None]


class ProductImage(IdMixin, CreatedAtMixin, TenantMixin, Base):
    __tablename__ = "product_images"
    __table_args__ = (
        UniqueConstraint("product_id", "external_id"),
        # At most one primary image per product, whatever two requests do at once.
        Index(
            "uq_product_images_primary",
            "product_id",
            unique=True,
            postgresql_where=text("is_primary"),
        ),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    # Server-built storage keys (api/core/storage.py), never anything a client sent.
    original_key: Mapped[str] = mapped_column(String(512))
    preview_key: Mapped[str] = mapped_column(String(512))
    content_type: Mapped[str] = mapped_column(String(50))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))  # of the stored original, to spot re-imports of one image
    source_url: Mapped[str | None] = mapped_column(String(2048))
    sync_state: Mapped[ImageSyncState] = mapped_column(
        Enum(ImageSyncState, name="image_sync_state", values_callable=_values), default=ImageSyncState.local
    )
    external_id: Mapped[str | None] = mapped_column(String(255))


class Category(IdMixin, TimestampsMixin, TenantMixin, Base):
    __tablename__ = "categories"
    __table_args__ = (
        UniqueConstraint("organization_id", "slug"),
        UniqueConstraint("store_connection_id", "external_id"),
    )

    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Deleting a parent keeps its children, at the top level.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    generation_settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    # A store collection this category mirrors.
    store_connection_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("store_connections.id", ondelete="SET NULL"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(255))


class ProductCategory(TenantMixin, Base):
    __tablename__ = "product_categories"
    __table_args__ = (
        Index(
            "uq_product_categories_primary",
            "product_id",
            unique=True,
            postgresql_where=text("is_primary"),
        ),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    category_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
