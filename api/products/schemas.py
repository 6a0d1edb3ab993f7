from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, Field, field_validator, model_validator

from api.core.schemas import RequestModel
from api.generation.settings import InvalidSettings, normalize
from api.models import ImageSyncState, ProductImage, ProductSource

if TYPE_CHECKING:
    from api.products.service import CategoryView, ProductView

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_SETTINGS_BYTES = 20_000
SceneType = Annotated[str, Field(min_length=1, max_length=60)]


def _settings_object(value: dict[str, Any], *, by_scene_type: bool = False) -> dict[str, Any]:
    """A settings document as the generation cascade reads it (api/generation/settings.py), cleaned."""
    if len(json.dumps(value)) > MAX_SETTINGS_BYTES:
        raise ValueError(f"Generation settings must be under {MAX_SETTINGS_BYTES // 1000} kB of JSON.")
    try:
        return normalize(value, allow_scene_types=by_scene_type)
    except InvalidSettings as exc:
        raise ValueError(f"generation_settings.{exc.path} {exc.message}") from exc


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:120].strip("-") or "category"


# Products.


class ProductImageOut(BaseModel):
    id: uuid.UUID
    position: int = Field(description="0-based order; the first image is shown first.")
    is_primary: bool
    width: int
    height: int
    content_type: str = Field(description="Of the stored original (image/jpeg, image/png or image/webp).")
    size_bytes: int
    sync_state: ImageSyncState
    external_id: str | None
    source_url: str | None = Field(description="The URL the image was imported from, if any.")
    preview_url: str = Field(description="Signed, time-limited URL of a WebP preview (at most 1024 px).")
    original_url: str = Field(description="Signed, time-limited URL of the cleaned original.")
    created_at: datetime

    @classmethod
    def of(cls, image: ProductImage, sign: Callable[[str], str]) -> ProductImageOut:
        return cls(
            id=image.id,
            position=image.position,
            is_primary=image.is_primary,
            width=image.width,
            height=image.height,
            content_type=image.content_type,
            size_bytes=image.size_bytes,
            sync_state=image.sync_state,
            external_id=image.external_id,
            source_url=image.source_url,
            preview_url=sign(image.preview_key),
            original_url=sign(image.original_key),
            created_at=image.created_at,
        )


class ProductCategoryOut(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    is_primary: bool


class ProductOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    sku: str | None
    price_minor: int | None = Field(description="Price in minor units (cents) of `currency`.")
    currency: str | None
    source: ProductSource
    store_id: uuid.UUID | None = Field(description="The store connection an imported product came from.")
    external_id: str | None
    external_url: str | None
    scene_types: list[str]
    generation_settings: dict[str, Any]
    archived: bool
    archived_at: datetime | None
    categories: list[ProductCategoryOut]
    primary_category_id: uuid.UUID | None
    images: list[ProductImageOut]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: ProductView, sign: Callable[[str], str]) -> ProductOut:
        product = view.product
        categories = [
            ProductCategoryOut(id=c.id, name=c.name, slug=c.slug, is_primary=link.is_primary)
            for link, c in view.categories
        ]
        return cls(
            id=product.id,
            name=product.name,
            description=product.description,
            sku=product.sku,
            price_minor=product.price_minor,
            currency=product.currency,
            source=product.source,
            store_id=product.store_connection_id,
            external_id=product.external_id,
            external_url=product.external_url,
            scene_types=list(product.scene_types),
            generation_settings=dict(product.generation_settings),
            archived=product.archived_at is not None,
            archived_at=product.archived_at,
            categories=categories,
            primary_category_id=next((c.id for c in categories if c.is_primary), None),
            images=[ProductImageOut.of(image, sign) for image in view.images],
            created_at=product.created_at,
            updated_at=product.updated_at,
        )


class _ProductFields(RequestModel):
    description: str | None = Field(default=None, max_length=10_000)
    sku: str | None = Field(default=None, max_length=100)
    price_minor: int | None = Field(default=None, ge=0, le=10**12, description="Price in minor units (cents).")
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. USD.")
    scene_types: list[SceneType] | None = Field(default=None, max_length=20)
    generation_settings: dict[str, Any] | None = Field(
        default=None, description="Default generation settings for this product (a JSON object)."
    )
    category_ids: list[uuid.UUID] | None = Field(default=None, max_length=50)
    primary_category_id: uuid.UUID | None = Field(
        default=None, description="One of `category_ids` (added to them if missing); defaults to the first."
    )

    @field_validator("generation_settings")
    @classmethod
    def _settings_size(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else _settings_object(value)

    @field_validator("category_ids")
    @classmethod
    def _distinct(cls, value: list[uuid.UUID] | None) -> list[uuid.UUID] | None:
        return None if value is None else list(dict.fromkeys(value))

    @field_validator("sku")
    @classmethod
    def _blank_sku_is_none(cls, value: str | None) -> str | None:
        return value or None


class CreateProductRequest(_ProductFields):
    name: str = Field(min_length=1, max_length=200)


class UpdateProductRequest(_ProductFields):
    """Only the fields sent change; `null` clears `sku`, `price_minor`, `currency` and `primary_category_id`."""

    name: str | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _not_null(self) -> UpdateProductRequest:
        for name in ("name", "description", "scene_types", "generation_settings", "category_ids"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null.")
        return self


class SlotsOut(BaseModel):
    limit: int = Field(description="Product slots the plan includes.")
    used: int = Field(description="Products that are not archived.")
    remaining: int


class ImportImageRequest(RequestModel):
    url: str = Field(min_length=1, max_length=2048, description="An http(s) URL of a JPEG, PNG, WebP, GIF or AVIF.")


class UpdateProductImageRequest(RequestModel):
    position: int | None = Field(default=None, ge=0, description="Move the image to this 0-based position.")
    is_primary: bool | None = Field(default=None, description="`true` makes this the product's primary image.")


# Categories.


class CategoryOut(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    description: str
    parent_id: uuid.UUID | None
    generation_settings: dict[str, Any]
    product_count: int = Field(description="Products (not archived) in this category.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: CategoryView) -> CategoryOut:
        category = view.category
        return cls(
            id=category.id,
            name=category.name,
            slug=category.slug,
            description=category.description,
            parent_id=category.parent_id,
            generation_settings=dict(category.generation_settings),
            product_count=view.product_count,
            created_at=category.created_at,
            updated_at=category.updated_at,
        )


class CreateCategoryRequest(RequestModel):
    name: str = Field(min_length=1, max_length=120)
    slug: str | None = Field(
        default=None, max_length=120, pattern=SLUG_PATTERN, description="Unique in the workspace; made from the name."
    )
    description: str = Field(default="", max_length=5000)
    parent_id: uuid.UUID | None = None
    generation_settings: dict[str, Any] = Field(
        default_factory=dict, description="Generation settings for products in this category (a JSON object)."
    )

    @field_validator("generation_settings")
    @classmethod
    def _settings_size(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _settings_object(value, by_scene_type=True)


class UpdateCategoryRequest(RequestModel):
    """Only the fields sent change; `parent_id: null` moves the category to the top level."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    slug: str | None = Field(default=None, max_length=120, pattern=SLUG_PATTERN)
    description: str | None = Field(default=None, max_length=5000)
    parent_id: uuid.UUID | None = None
    generation_settings: dict[str, Any] | None = None

    @field_validator("generation_settings")
    @classmethod
    def _settings_size(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else _settings_object(value, by_scene_type=True)

    @model_validator(mode="after")
    def _not_null(self) -> UpdateCategoryRequest:
        for name in ("name", "slug", "description", "generation_settings"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null.")
        return self
