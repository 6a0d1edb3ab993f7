from __future__ import annotations

import uuid
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, or_, select, update

from api.core.pagination import PageParams, paginate
from api.core.repository import TenantRepository
from api.models import Category, Product, ProductCategory, ProductImage, ProductSource

# Transaction-scoped advisory locks, (class, object) form: the class says what is serialized, the object is the
# organization (hashed to 32 bits; two organizations sharing a hash just wait for each other a moment).
_PRODUCT_SLOTS_LOCK = 0x45505831  # "EPX1"
_CATEGORY_TREE_LOCK = 0x45505832  # "EPX2"


def _org_lock_key(organization_id: uuid.UUID) -> int:
    return zlib.crc32(organization_id.bytes) - 2**31


def _like_pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class ProductFilters:
    query: str | None = None
    category_id: uuid.UUID | None = None
    source: ProductSource | None = None
    store_id: uuid.UUID | None = None
    archived: bool = False
    ids: tuple[uuid.UUID, ...] | None = None  # these products, archived or not


class ProductRepository(TenantRepository[Product]):
    model = Product

    async def list_page(self, filters: ProductFilters, params: PageParams) -> tuple[list[Product], str | None]:
        if filters.ids is not None:
            statement = self.base_statement().where(Product.id.in_(filters.ids))
        else:
            statement = self.base_statement().where(
                Product.archived_at.is_not(None) if filters.archived else Product.archived_at.is_(None)
            )
        if filters.query:
            pattern = _like_pattern(filters.query)
            statement = statement.where(
                or_(
                    Product.name.ilike(pattern, escape="\\"),
                    Product.sku.ilike(pattern, escape="\\"),
                    Product.description.ilike(pattern, escape="\\"),
                )
            )
        if filters.category_id is not None:
            statement = statement.where(
                exists().where(
                    ProductCategory.product_id == Product.id,
                    ProductCategory.category_id == filters.category_id,
                    ProductCategory.organization_id == self.organization_id,
                )
            )
        if filters.source is not None:
            statement = statement.where(Product.source == filters.source)
        if filters.store_id is not None:
            statement = statement.where(Product.store_connection_id == filters.store_id)
        return await paginate(self.session, statement, params, order_by=(Product.created_at, Product.id))

    async def get_by_name(self, name: str) -> Product | None:
        result: Product | None = await self.session.scalar(self.base_statement().where(Product.name == name))
        return result

    async def count_active(self) -> int:
        statement = (
            select(func.count())
            .select_from(Product)
            .where(Product.organization_id == self.organization_id, Product.archived_at.is_(None))
        )
        return int(await self.session.scalar(statement) or 0)

    async def lock_slots(self) -> None:
        """Serialize slot-using changes in one organization, so two creates at 24 of 25 cannot both pass."""
        await self.session.execute(
            select(func.pg_advisory_xact_lock(_PRODUCT_SLOTS_LOCK, _org_lock_key(self.organization_id)))
        )


class ProductImageRepository(TenantRepository[ProductImage]):
    model = ProductImage

    async def for_products(self, product_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[ProductImage]]:
        grouped: dict[uuid.UUID, list[ProductImage]] = defaultdict(list)
        if not product_ids:
            return grouped
        statement = (
            self.base_statement()
            .where(ProductImage.product_id.in_(product_ids))
            .order_by(ProductImage.product_id, ProductImage.position, ProductImage.id)
        )
        for image in await self.session.scalars(statement):
            grouped[image.product_id].append(image)
        return grouped

    async def for_product(self, product_id: uuid.UUID, *, for_update: bool = False) -> list[ProductImage]:
        statement = (
            self.base_statement()
            .where(ProductImage.product_id == product_id)
            .order_by(ProductImage.position, ProductImage.id)
        )
        if for_update:
            statement = statement.with_for_update()
        return list((await self.session.scalars(statement)).all())

    async def clear_primary(self, product_id: uuid.UUID) -> None:
        await self.session.execute(
            update(ProductImage)
            .where(
                ProductImage.organization_id == self.organization_id,
                ProductImage.product_id == product_id,
                ProductImage.is_primary.is_(True),
            )
            .values(is_primary=False)
        )


class CategoryRepository(TenantRepository[Category]):
    model = Category

    async def list_page(self, params: PageParams) -> tuple[list[Category], str | None]:
        return await paginate(
            self.session, self.base_statement(), params, order_by=(Category.name, Category.id), descending=False
        )

    async def get_by_slug(self, slug: str) -> Category | None:
        result: Category | None = await self.session.scalar(self.base_statement().where(Category.slug == slug))
        return result

    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[Category]:
        if not ids:
            return []
        return list((await self.session.scalars(self.base_statement().where(Category.id.in_(ids)))).all())

    async def ancestor_ids(self, category_id: uuid.UUID) -> set[uuid.UUID]:
        """The category and every category above it (UNION, not UNION ALL: it ends even on a broken tree)."""
        start = (
            select(Category.id, Category.parent_id)
            .where(Category.id == category_id, Category.organization_id == self.organization_id)
            .cte("ancestors", recursive=True)
        )
        tree = start.union(select(Category.id, Category.parent_id).join(start, Category.id == start.c.parent_id))
        return set((await self.session.scalars(select(tree.c.id))).all())

    async def lock_tree(self) -> None:
        """Serialize parent changes in one organization: two moves at once could otherwise make a loop."""
        await self.session.execute(
            select(func.pg_advisory_xact_lock(_CATEGORY_TREE_LOCK, _org_lock_key(self.organization_id)))
        )

    async def active_product_counts(self, category_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not category_ids:
            return {}
        statement = (
            select(ProductCategory.category_id, func.count())
            .join(Product, Product.id == ProductCategory.product_id)
            .where(
                ProductCategory.organization_id == self.organization_id,
                ProductCategory.category_id.in_(category_ids),
                Product.archived_at.is_(None),
            )
            .group_by(ProductCategory.category_id)
        )
        return {category_id: int(count) for category_id, count in (await self.session.execute(statement)).all()}


class ProductCategoryRepository(TenantRepository[ProductCategory]):
    model = ProductCategory

    async def for_products(
        self, product_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[tuple[ProductCategory, Category]]]:
        grouped: dict[uuid.UUID, list[tuple[ProductCategory, Category]]] = defaultdict(list)
        if not product_ids:
            return grouped
        statement = (
            select(ProductCategory, Category)
            .join(Category, Category.id == ProductCategory.category_id)
            .where(
                ProductCategory.organization_id == self.organization_id,
                ProductCategory.product_id.in_(product_ids),
            )
            .order_by(ProductCategory.product_id, ProductCategory.is_primary.desc(), Category.name)
        )
        for link, category in (await self.session.execute(statement)).all():
            grouped[link.product_id].append((link, category))
        return grouped

    async def replace(
        self, product_id: uuid.UUID, category_ids: Sequence[uuid.UUID], primary_id: uuid.UUID | None
    ) -> None:
        await self.session.execute(
            delete(ProductCategory).where(
                ProductCategory.organization_id == self.organization_id, ProductCategory.product_id == product_id
            )
        )
        self.session.add_all(
            ProductCategory(
                organization_id=self.organization_id,
                product_id=product_id,
                category_id=category_id,
                is_primary=category_id == primary_id,
            )
            for category_id in category_ids
        )
        await self.session.flush()

    async def products_with_primary(self, category_id: uuid.UUID) -> list[uuid.UUID]:
        statement = select(ProductCategory.product_id).where(
            ProductCategory.organization_id == self.organization_id,
            ProductCategory.category_id == category_id,
            ProductCategory.is_primary.is_(True),
        )
        return list((await self.session.scalars(statement)).all())

    async def promote_first(self, product_id: uuid.UUID) -> None:
        """Make the product's first remaining category (by name) its primary one."""
        link = await self.session.scalar(
            select(ProductCategory)
            .join(Category, Category.id == ProductCategory.category_id)
            .where(ProductCategory.organization_id == self.organization_id, ProductCategory.product_id == product_id)
            .order_by(Category.name, Category.id)
            .limit(1)
        )
        if link is not None:
            link.is_primary = True
            await self.session.flush()
