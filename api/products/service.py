"""The catalog's rules: products within the plan's slots, their images, and categories with one primary."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings
from api.core.errors import InvalidInput
from api.core.fetch import FetchPolicy, fetch_url
from api.core.ids import uuid7
from api.core.pagination import PageParams
from api.core.storage import Storage, product_image_key
from api.core.time import utc_now
from api.media.images import CONTENT_TYPES, ProcessedImage, process_image
from api.models import Category, ImageSyncState, Product, ProductCategory, ProductImage, ProductSource
from api.products.entitlements import product_slot_limit
from api.products.exceptions import (
    CategoryCycle,
    CategoryNotFound,
    CategorySlugTaken,
    PlanLimitReached,
    ProductImageNotFound,
    ProductNotFound,
    TooManyImages,
)
from api.products.repository import (
    CategoryRepository,
    ProductCategoryRepository,
    ProductFilters,
    ProductImageRepository,
    ProductRepository,
)

if TYPE_CHECKING:
    from api.products.schemas import (
        CreateCategoryRequest,
        CreateProductRequest,
        UpdateCategoryRequest,
        UpdateProductImageRequest,
        UpdateProductRequest,
    )

logger = logging.getLogger("epox.products")

MAX_IMAGES_PER_PRODUCT = 50


@dataclass(frozen=True)
class Slots:
    limit: int
    used: int

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


@dataclass
class ProductView:
    product: Product
    images: list[ProductImage] = field(default_factory=list)
    categories: list[tuple[ProductCategory, Category]] = field(default_factory=list)


@dataclass(frozen=True)
class CategoryView:
    category: Category
    product_count: int


class ProductService:
    def __init__(
        self,
        session: AsyncSession,
        organization_id: uuid.UUID,
        *,
        storage: Storage,
        settings: Settings,
        fetch_policy: FetchPolicy | None = None,
    ) -> None:
        self.session = session
        self.organization_id = organization_id
        self.storage = storage
        self.settings = settings
        self.fetch_policy = fetch_policy or FetchPolicy.from_settings(settings)
        self.products = ProductRepository(session, organization_id)
        self.images = ProductImageRepository(session, organization_id)
        self.links = ProductCategoryRepository(session, organization_id)
        self.categories = CategoryRepository(session, organization_id)

    # Slots.

    async def slots(self) -> Slots:
        return Slots(
            limit=await product_slot_limit(self.session, self.organization_id),
            used=await self.products.count_active(),
        )

    async def _claim_slot(self) -> None:
        """Call before a product starts using a slot; holds the organization's slot lock until commit."""
        await self.products.lock_slots()
        slots = await self.slots()
        if slots.remaining < 1:
            raise PlanLimitReached(limit=slots.limit, used=slots.used)

    # Products.

    async def list_page(self, filters: ProductFilters, params: PageParams) -> tuple[list[ProductView], str | None]:
        rows, cursor = await self.products.list_page(filters, params)
        return await self._views(rows), cursor

    async def ensure_exists(self, product_id: uuid.UUID) -> None:
        await self._product(product_id)

    async def get(self, product_id: uuid.UUID) -> ProductView:
        return (await self._views([await self._product(product_id)]))[0]

    async def create(self, data: CreateProductRequest) -> ProductView:
        """A new uploaded product; imports set their own source and store link later, through the stores module."""
        self._check_price(data.price_minor, data.currency)
        category_ids, primary_id = await self._checked_categories(data.category_ids or [], data.primary_category_id)
        await self._claim_slot()
        product = await self.products.add(
            Product(
                organization_id=self.organization_id,
                name=data.name,
                description=data.description or "",
                sku=data.sku,
                price_minor=data.price_minor,
                currency=data.currency,
                source=ProductSource.uploaded,
                scene_types=data.scene_types or [],
                generation_settings=data.generation_settings or {},
            )
        )
        if category_ids:
            await self.links.replace(product.id, category_ids, primary_id)
        return await self.get(product.id)

    async def update(self, product_id: uuid.UUID, data: UpdateProductRequest) -> ProductView:
        product = await self._product(product_id, for_update=True)
        sent = data.model_fields_set
        values = {
            name: getattr(data, name)
            for name in ("name", "description", "sku", "price_minor", "currency", "scene_types", "generation_settings")
            if name in sent
        }
        self._check_price(values.get("price_minor", product.price_minor), values.get("currency", product.currency))
        if "category_ids" in sent or "primary_category_id" in sent:
            current = (await self.links.for_products([product.id])).get(product.id, [])
            current_ids = [link.category_id for link, _ in current]
            current_primary = next((link.category_id for link, _ in current if link.is_primary), None)
            wanted = data.category_ids if "category_ids" in sent and data.category_ids is not None else current_ids
            if "primary_category_id" in sent:
                primary = data.primary_category_id
            else:
                primary = current_primary if current_primary in wanted else None
            category_ids, primary_id = await self._checked_categories(wanted, primary)
            await self.links.replace(product.id, category_ids, primary_id)
        if values:
            await self.products.update(product, **values)
        return await self.get(product.id)

    async def archive(self, product_id: uuid.UUID) -> ProductView:
        product = await self._product(product_id, for_update=True)
        if product.archived_at is None:
            await self.products.update(product, archived_at=utc_now())
        return await self.get(product.id)

    async def restore(self, product_id: uuid.UUID) -> ProductView:
        product = await self._product(product_id, for_update=True)
        if product.archived_at is not None:
            await self._claim_slot()
            await self.products.update(product, archived_at=None)
        return await self.get(product.id)

    # Images.

    async def add_image(self, product_id: uuid.UUID, data: bytes, *, source_url: str | None = None) -> ProductImage:
        """Validate, clean and store one image; the product's first image becomes its primary one."""
        await self._product(product_id)  # 404 before any work on the bytes
        processed = await asyncio.to_thread(
            process_image,
            data,
            max_bytes=self.settings.image_max_bytes,
            max_pixels=self.settings.image_max_pixels,
            preview_side=self.settings.image_preview_max_side,
        )
        # The product row lock serializes image changes on one product (positions, the primary flag).
        await self._product(product_id, for_update=True)
        existing = await self.images.for_product(product_id)
        if len(existing) >= MAX_IMAGES_PER_PRODUCT:
            raise TooManyImages(f"A product can have at most {MAX_IMAGES_PER_PRODUCT} images. Delete some first.")
        return await self._store_image(
            product_id, processed, position=len(existing), primary=not existing, source_url=source_url
        )

    async def import_image(self, product_id: uuid.UUID, url: str) -> ProductImage:
        """Download an image through the SSRF-safe fetcher, then add it like an upload."""
        await self._product(product_id)
        fetched = await fetch_url(
            url,
            self.fetch_policy,
            max_bytes=self.settings.image_max_bytes,
            accept=(*CONTENT_TYPES.values(), "image/", "application/octet-stream", "binary/octet-stream"),
        )
        return await self.add_image(product_id, fetched.body, source_url=url)

    async def _store_image(
        self,
        product_id: uuid.UUID,
        processed: ProcessedImage,
        *,
        position: int,
        primary: bool,
        source_url: str | None,
        external_id: str | None = None,
        sync_state: ImageSyncState = ImageSyncState.local,
    ) -> ProductImage:
        image_id = uuid7()
        original_key = product_image_key(self.organization_id, product_id, image_id, "original", processed.extension)
        preview_key = product_image_key(self.organization_id, product_id, image_id, "preview", "webp")
        image = await self.images.add(
            ProductImage(
                id=image_id,
                organization_id=self.organization_id,
                product_id=product_id,
                position=position,
                is_primary=primary,
                original_key=original_key,
                preview_key=preview_key,
                content_type=processed.content_type,
                width=processed.width,
                height=processed.height,
                size_bytes=len(processed.original),
                sha256=hashlib.sha256(processed.original).hexdigest(),
                source_url=source_url,
                external_id=external_id,
                sync_state=sync_state,
            )
        )
        # The row is flushed first, so a database refusal costs no files; a storage failure raises and the
        # request's transaction rolls the row back.
        try:
            await self.storage.put(original_key, processed.original, content_type=processed.content_type)
            await self.storage.put(preview_key, processed.preview, content_type="image/webp")
        except BaseException:
            await self._delete_files([original_key, preview_key])
            raise
        return image

    async def attach_store_image(
        self, product_id: uuid.UUID, processed: ProcessedImage, *, external_id: str, source_url: str, position: int
    ) -> ProductImage:
        """An image imported from the store (already downloaded and processed outside the transaction); the
        product's first image becomes primary. The (product, external id) constraint refuses a second copy."""
        await self._product(product_id, for_update=True)
        existing = await self.images.for_product(product_id)
        return await self._store_image(
            product_id,
            processed,
            position=position,
            primary=not existing,
            source_url=source_url,
            external_id=external_id,
            sync_state=ImageSyncState.synced,
        )

    async def update_image(
        self, product_id: uuid.UUID, image_id: uuid.UUID, data: UpdateProductImageRequest
    ) -> ProductImage:
        await self._product(product_id, for_update=True)
        images = await self.images.for_product(product_id)
        image = next((i for i in images if i.id == image_id), None)
        if image is None:
            raise ProductImageNotFound()
        if data.position is not None:
            ordered = [i for i in images if i.id != image_id]
            ordered.insert(min(data.position, len(ordered)), image)
            for position, item in enumerate(ordered):
                item.position = position
            await self.session.flush()
        if data.is_primary is True and not image.is_primary:
            for other in images:
                other.is_primary = False
            await self.session.flush()  # the old primary is cleared before the new one is set (unique index)
            image.is_primary = True
            await self.session.flush()
        elif data.is_primary is False and image.is_primary:
            raise InvalidInput("is_primary", "Make another image the primary one instead.")
        return image

    async def delete_image(self, product_id: uuid.UUID, image_id: uuid.UUID) -> None:
        await self._product(product_id, for_update=True)
        images = await self.images.for_product(product_id)
        image = next((i for i in images if i.id == image_id), None)
        if image is None:
            raise ProductImageNotFound()
        await self.images.delete(image)
        remaining = [i for i in images if i.id != image_id]
        for position, item in enumerate(remaining):
            item.position = position
        if image.is_primary and remaining:
            remaining[0].is_primary = True
        await self.session.flush()
        # Files go last: once the row is gone nothing links to them. If the commit were to fail after this,
        # the row would come back without its files, which the UI shows as a broken thumbnail to delete again;
        # the other order would leave files nobody can reach.
        await self._delete_files([image.original_key, image.preview_key])

    async def _delete_files(self, keys: list[str]) -> None:
        for key in keys:
            try:
                await self.storage.delete(key)
            except Exception:
                logger.exception("could not delete a stored file", extra={"key": key})

    # Internals.

    async def _product(self, product_id: uuid.UUID, *, for_update: bool = False) -> Product:
        product = await self.products.get(product_id, for_update=for_update)
        if product is None:
            raise ProductNotFound()
        return product

    async def _views(self, products: list[Product]) -> list[ProductView]:
        ids = [p.id for p in products]
        images = await self.images.for_products(ids)
        links = await self.links.for_products(ids)
        return [ProductView(p, images.get(p.id, []), links.get(p.id, [])) for p in products]

    @staticmethod
    def _check_price(price_minor: int | None, currency: str | None) -> None:
        if price_minor is not None and currency is None:
            raise InvalidInput("currency", "Give a currency with the price.")

    async def _checked_categories(
        self, category_ids: list[uuid.UUID], primary_id: uuid.UUID | None
    ) -> tuple[list[uuid.UUID], uuid.UUID | None]:
        """Every id must be a category of this workspace; the primary is one of them (the first by default)."""
        ids = list(dict.fromkeys(category_ids))
        if primary_id is not None and primary_id not in ids:
            ids.append(primary_id)
        found = {c.id for c in await self.categories.get_many(ids)}
        if len(found) != len(ids):
            field = "primary_category_id" if primary_id is not None and primary_id not in found else "category_ids"
            raise InvalidInput(field, "That category does not exist in this workspace.")
        return ids, (primary_id or (ids[0] if ids else None))


class CategoryService:
    def __init__(self, session: AsyncSession, organization_id: uuid.UUID) -> None:
        self.session = session
        self.organization_id = organization_id
        self.categories = CategoryRepository(session, organization_id)
        self.links = ProductCategoryRepository(session, organization_id)

    async def list_page(self, params: PageParams) -> tuple[list[CategoryView], str | None]:
        rows, cursor = await self.categories.list_page(params)
        counts = await self.categories.active_product_counts([c.id for c in rows])
        return [CategoryView(c, counts.get(c.id, 0)) for c in rows], cursor

    async def get(self, category_id: uuid.UUID) -> CategoryView:
        category = await self._category(category_id)
        counts = await self.categories.active_product_counts([category.id])
        return CategoryView(category, counts.get(category.id, 0))

    async def create(self, data: CreateCategoryRequest) -> CategoryView:
        from api.products.schemas import slugify  # schemas import this module's views

        await self.categories.lock_tree()
        if data.parent_id is not None:
            await self._parent(data.parent_id)
        if data.slug is not None:
            slug = data.slug
            if await self.categories.get_by_slug(slug) is not None:
                raise CategorySlugTaken(slug)
        else:
            slug = await self._free_slug(slugify(data.name))
        category = Category(
            organization_id=self.organization_id,
            name=data.name,
            slug=slug,
            description=data.description,
            parent_id=data.parent_id,
            generation_settings=data.generation_settings,
        )
        await self._flush_unique(category, slug)
        return CategoryView(category, 0)

    async def update(self, category_id: uuid.UUID, data: UpdateCategoryRequest) -> CategoryView:
        await self.categories.lock_tree()
        category = await self._category(category_id, for_update=True)
        sent = data.model_fields_set
        if "parent_id" in sent and data.parent_id is not None:
            await self._parent(data.parent_id)
            if category.id in await self.categories.ancestor_ids(data.parent_id):
                raise CategoryCycle()
        new_slug = data.slug if "slug" in sent and data.slug != category.slug else None
        if new_slug is not None and await self.categories.get_by_slug(new_slug) is not None:
            raise CategorySlugTaken(new_slug)
        for name in ("name", "slug", "description", "parent_id", "generation_settings"):
            if name in sent:
                setattr(category, name, getattr(data, name))
        await self._flush_unique(category, category.slug)
        return await self.get(category.id)

    async def delete(self, category_id: uuid.UUID) -> None:
        """Subcategories move to the top level; products keep their other categories (one becomes primary)."""
        await self.categories.lock_tree()
        category = await self._category(category_id, for_update=True)
        orphaned = await self.links.products_with_primary(category.id)
        await self.categories.delete(category)
        for product_id in orphaned:
            await self.links.promote_first(product_id)

    async def _category(self, category_id: uuid.UUID, *, for_update: bool = False) -> Category:
        category = await self.categories.get(category_id, for_update=for_update)
        if category is None:
            raise CategoryNotFound()
        return category

    async def _parent(self, parent_id: uuid.UUID) -> Category:
        parent = await self.categories.get(parent_id)
        if parent is None:
            raise InvalidInput("parent_id", "That parent category does not exist in this workspace.")
        return parent

    async def _free_slug(self, base: str) -> str:
        slug, n = base, 1
        while await self.categories.get_by_slug(slug) is not None:
            n += 1
            suffix = f"-{n}"
            slug = base[: 120 - len(suffix)] + suffix
        return slug

    async def _flush_unique(self, category: Category, slug: str) -> None:
        self.session.add(category)
        try:
            await self.session.flush()
        except IntegrityError as exc:  # a concurrent create took the slug after our check
            raise CategorySlugTaken(slug) from exc
