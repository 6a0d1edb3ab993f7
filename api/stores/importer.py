"""Writing one store product into the catalog: upsert by (connection, external id), images by (product, external
media id), collections as categories by (connection, external id). Re-importing never duplicates anything.

The caller downloads and processes images outside the transaction; these methods only write, in the short
transaction the worker opens per product.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import Settings
from api.core.crypto import CredentialCipher
from api.core.storage import Storage
from api.media.images import ProcessedImage
from api.models import Category, Product, ProductImage, ProductSource, StoreConnection, StoreStatus
from api.products.exceptions import PlanLimitReached
from api.products.repository import CategoryRepository, ProductCategoryRepository, ProductRepository
from api.products.service import ProductService
from api.stores.credentials import open_credentials
from api.stores.exceptions import StoreNotActive, StoreNotFound
from api.stores.platform import RemoteImage, RemoteProduct


class StoreImportService:
    def __init__(
        self, session: AsyncSession, organization_id: uuid.UUID, *, settings: Settings, storage: Storage
    ) -> None:
        self.session = session
        self.organization_id = organization_id
        self.settings = settings
        self.products = ProductService(session, organization_id, storage=storage, settings=settings)
        self.product_rows = ProductRepository(session, organization_id)
        self.categories = CategoryRepository(session, organization_id)
        self.links = ProductCategoryRepository(session, organization_id)

    async def active_connection(self, store_id: uuid.UUID) -> tuple[StoreConnection, dict[str, str]]:
        connection = await self.session.get(StoreConnection, store_id)
        if connection is None or connection.organization_id != self.organization_id:
            raise StoreNotFound()
        credentials = open_credentials(CredentialCipher.from_settings(self.settings), connection)
        if connection.status != StoreStatus.active or credentials is None:
            raise StoreNotActive()
        return connection, credentials

    async def known_images(self, store_id: uuid.UUID, external_id: str) -> set[str]:
        """External media ids already stored for this product (so a re-import downloads nothing twice)."""
        statement = (
            select(ProductImage.external_id)
            .join(Product, Product.id == ProductImage.product_id)
            .where(
                Product.organization_id == self.organization_id,
                Product.store_connection_id == store_id,
                Product.external_id == external_id,
                ProductImage.external_id.is_not(None),
            )
        )
        return {str(value) for value in (await self.session.scalars(statement)).all()}

    async def _find(self, store_id: uuid.UUID, external_id: str) -> Product | None:
        statement = (
            self.product_rows.base_statement()
            .where(Product.store_connection_id == store_id, Product.external_id == external_id)
            .with_for_update()
        )
        result: Product | None = await self.session.scalar(statement)
        return result

    async def upsert(
        self, store_id: uuid.UUID, remote: RemoteProduct, images: list[tuple[RemoteImage, ProcessedImage]]
    ) -> bool:
        """Create or update the product; True when it was created. A new product needs a free slot
        (`PlanLimitReached` otherwise); updating an existing one never does."""
        product = await self._find(store_id, remote.external_id)
        created = product is None
        if product is None:
            await self.product_rows.lock_slots()
            slots = await self.products.slots()
            if slots.remaining < 1:
                raise PlanLimitReached(limit=slots.limit, used=slots.used)
            product = Product(
                id=uuid.uuid4(),
                organization_id=self.organization_id,
                source=ProductSource.imported,
                store_connection_id=store_id,
                external_id=remote.external_id,
                scene_types=[],
                generation_settings={},
            )
            self.session.add(product)
        product.name = remote.title
        product.description = remote.description
        product.sku = remote.sku
        product.price_minor = remote.price_minor
        product.currency = remote.currency
        product.external_url = remote.url
        await self.session.flush()

        existing = await self.products.images.for_product(product.id)
        known = {image.external_id for image in existing}
        position = len(existing)
        for remote_image, processed in images:
            if remote_image.external_id in known:
                continue
            await self.products.attach_store_image(
                product.id,
                processed,
                external_id=remote_image.external_id,
                source_url=remote_image.url,
                position=position,
            )
            known.add(remote_image.external_id)
            position += 1

        category_ids = [await self._category(store_id, *collection) for collection in remote.collections]
        if category_ids:
            await self.links.replace(product.id, category_ids, category_ids[0])
        return created

    async def _category(self, store_id: uuid.UUID, external_id: str, handle: str, title: str) -> uuid.UUID:
        found = await self.session.scalar(
            self.categories.base_statement().where(
                Category.store_connection_id == store_id, Category.external_id == external_id
            )
        )
        if found is not None:
            return found.id
        slug = base = (re.sub(r"[^a-z0-9-]+", "-", handle.lower()).strip("-") or "collection")[:110]
        n = 1
        while await self.categories.get_by_slug(slug) is not None:
            n += 1
            slug = f"{base}-{n}"
        category = Category(
            organization_id=self.organization_id,
            name=title[:120],
            slug=slug,
            store_connection_id=store_id,
            external_id=external_id,
            generation_settings={},
        )
        self.session.add(category)
        await self.session.flush()
        return category.id

    async def mark_synced(self, store_id: uuid.UUID, now: Any) -> None:
        connection = await self.session.get(StoreConnection, store_id)
        if connection is not None:
            connection.last_synced_at = now
            await self.session.flush()
