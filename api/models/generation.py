"""Generation: one item per requested output of a generation job, the assets they deliver, and every provider call
recorded for cost tracking (design/domain.md, Entities).

A job (api/models/jobs.py) holds the quoted credits; each item is captured when its asset is stored and
released when it fails or is canceled, so a merchant pays for exactly the images delivered.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, CreatedAtMixin, IdMixin, TenantMixin, TimestampsMixin


def _values(enum_class: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in enum_class]


class ItemStatus(enum.StrEnum):
    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    canceled = "canceled"

    @property
    def settled(self) -> bool:
        return self in {ItemStatus.succeeded, ItemStatus.failed, ItemStatus.canceled}


class AssetType(enum.StrEnum):
    image = "image"
    video = "video"


class Approval(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class AssetSyncState(enum.StrEnum):
    not_synced = "not_synced"
    pending = "pending"
    synced = "synced"
    failed = "failed"


class GenerationItem(IdMixin, TimestampsMixin, TenantMixin, Base):
    __tablename__ = "generation_items"
    __table_args__ = (UniqueConstraint("job_id", "position"),)

    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # order within the job; also the credit hold's item key
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    variant: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[ItemStatus] = mapped_column(
        Enum(ItemStatus, name="generation_item_status", values_callable=_values), default=ItemStatus.pending
    )
    credits: Mapped[int] = mapped_column(Integer)  # what delivering this item captures
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Everything the worker needs, fixed at request time: base image, references, prompt, resolved settings.
    request: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # use_alter: assets point back at their item, so one of the two keys is added after both tables exist.
    asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id", ondelete="SET NULL", use_alter=True))
    error_code: Mapped[str | None] = mapped_column(String(100))
    error_message: Mapped[str | None] = mapped_column(String(1000))


class Asset(IdMixin, TimestampsMixin, TenantMixin, Base):
    __tablename__ = "assets"
    __table_args__ = (
        Index("ix_assets_organization_created", "organization_id", "created_at", "id"),
        # One asset per generation item, however often the worker delivers it.
        UniqueConstraint("item_id"),
    )

    type: Mapped[AssetType] = mapped_column(Enum(AssetType, name="asset_type", values_callable=_values))
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"), index=True)
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("generation_items.id", ondelete="SET NULL"))
    parent_asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id", ondelete="SET NULL"))
    original_key: Mapped[str] = mapped_column(String(500))
    preview_key: Mapped[str] = mapped_column(String(500))
    content_type: Mapped[str] = mapped_column(String(50))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    # Videos only (null for images): frames per second, the video codec ("h264"), whether there is a sound track,
    # and the small preview clip. A video's `preview_key` is its poster frame (WebP), like every asset's preview.
    fps: Mapped[float | None] = mapped_column(Float)
    codec: Mapped[str | None] = mapped_column(String(20))
    has_audio: Mapped[bool | None] = mapped_column(Boolean)
    preview_video_key: Mapped[str | None] = mapped_column(String(500))
    prompt: Mapped[str] = mapped_column(Text)
    # The resolved settings with the source of every value (api/generation/settings.py, `to_json`).
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB)
    scene_type: Mapped[str] = mapped_column(String(50))
    aspect_ratio: Mapped[str] = mapped_column(String(10))
    quality: Mapped[str] = mapped_column(String(10))
    provider: Mapped[str] = mapped_column(String(50))
    model: Mapped[str] = mapped_column(String(100))
    seed: Mapped[int] = mapped_column(BigInteger)
    credits_charged: Mapped[int] = mapped_column(Integer, default=0)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    favorite: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    approval: Mapped[Approval] = mapped_column(
        Enum(Approval, name="asset_approval", values_callable=_values), default=Approval.pending
    )
    approved_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]
    sync_state: Mapped[AssetSyncState] = mapped_column(
        Enum(AssetSyncState, name="asset_sync_state", values_callable=_values), default=AssetSyncState.not_synced
    )
    external_id: Mapped[str | None] = mapped_column(String(255))
    sync_error: Mapped[str | None] = mapped_column(String(1000))
    # The store connection an external_id belongs to (the product's store when published).
    store_connection_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("store_connections.id", ondelete="SET NULL")
    )
    # Optimistic concurrency: every change bumps it; a PATCH naming an older one gets 412.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    deleted_at: Mapped[datetime | None]


class ProviderCall(IdMixin, CreatedAtMixin, TenantMixin, Base):
    """One call to an AI provider, successful or not: what it was, what it cost, how long it took."""

    __tablename__ = "provider_calls"
    __table_args__ = (Index("ix_provider_calls_organization_created", "organization_id", "created_at"),)

    job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"), index=True)
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("generation_items.id", ondelete="SET NULL"))
    provider: Mapped[str] = mapped_column(String(50))
    model: Mapped[str] = mapped_column(String(100))
    operation: Mapped[str] = mapped_column(String(50))
    units: Mapped[float] = mapped_column(Float)
    cost_micros: Mapped[int] = mapped_column(BigInteger)
    duration_ms: Mapped[int] = mapped_column(Integer)
    success: Mapped[bool] = mapped_column(Boolean)
    error_code: Mapped[str | None] = mapped_column(String(100))


class Collection(IdMixin, TimestampsMixin, TenantMixin, Base):
    """Many products generated together: shared settings, and per-category "inspiration sections" whose settings
    apply to the products they match (by category and scene type). It has one flow per product."""

    __tablename__ = "collections"

    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A settings document (api/generation/settings.py): the cascade's "collection general" level.
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    # [{name, category_ids: [...], scene_types: [...], settings: document}], in order.
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default=text("'[]'::jsonb"))
    last_job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))


class Flow(IdMixin, TimestampsMixin, TenantMixin, Base):
    """One product's studio session: its scene type, base photo and settings (the cascade's last level)."""

    __tablename__ = "flows"
    __table_args__ = (UniqueConstraint("collection_id", "product_id"),)

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    collection_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    base_image_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("product_images.id", ondelete="SET NULL"))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    last_job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))


class SyncAction(enum.StrEnum):
    publish = "publish"
    unpublish = "unpublish"


class SyncStatus(enum.StrEnum):
    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class SyncRecord(IdMixin, TimestampsMixin, TenantMixin, Base):
    """One push of an asset to a store product, or its removal: what was asked, each attempt, the outcome."""

    __tablename__ = "sync_records"

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    store_connection_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("store_connections.id", ondelete="SET NULL"), index=True
    )
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"), index=True)
    action: Mapped[SyncAction] = mapped_column(Enum(SyncAction, name="sync_action", values_callable=_values))
    status: Mapped[SyncStatus] = mapped_column(
        Enum(SyncStatus, name="sync_status", values_callable=_values), default=SyncStatus.pending
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The store's ids: the product the image went to, and the media / image id it got there.
    external_product_id: Mapped[str | None] = mapped_column(String(255))
    external_media_id: Mapped[str | None] = mapped_column(String(255))
    # Where a resumed attempt picks up (e.g. the staged upload already made), and what the merchant asked for.
    state: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    error_code: Mapped[str | None] = mapped_column(String(100))
    error_message: Mapped[str | None] = mapped_column(String(1000))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
