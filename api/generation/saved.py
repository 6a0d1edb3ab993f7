"""Saved studio sessions: flows (one product's scene type, base photo and settings) and collections (many products
with shared settings and per-category sections, one flow per product). Generating one goes through
`GenerationService` with these as extra levels of the cascade."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.errors import NotFound
from api.core.pagination import PageParams, paginate
from api.core.repository import TenantRepository
from api.generation.exceptions import InvalidGenerationSettings
from api.generation.settings import InvalidSettings, normalize
from api.models import Category, Collection, Flow, Job, Product, ProductImage
from api.products.exceptions import ProductImageNotFound, ProductNotFound


class FlowNotFound(NotFound):
    code, title = "flow_not_found", "Flow not found"


class CollectionNotFound(NotFound):
    code, title = "collection_not_found", "Collection not found"


def settings_document(document: dict[str, Any], field: str) -> dict[str, Any]:
    try:
        return normalize(document)
    except InvalidSettings as exc:
        raise InvalidGenerationSettings(f"{field}.{exc.path}", exc.message) from exc


class FlowRepository(TenantRepository[Flow]):
    model = Flow


class CollectionRepository(TenantRepository[Collection]):
    model = Collection


class SavedSessions:
    def __init__(self, session: AsyncSession, organization_id: uuid.UUID) -> None:
        self.session = session
        self.organization_id = organization_id
        self.flows = FlowRepository(session, organization_id)
        self.collections = CollectionRepository(session, organization_id)

    # --- reading ------------------------------------------------------------------------------------------

    async def flow(self, flow_id: uuid.UUID, *, for_update: bool = False) -> Flow:
        found = await self.flows.get(flow_id, for_update=for_update)
        if found is None:
            raise FlowNotFound()
        return found

    async def collection(self, collection_id: uuid.UUID, *, for_update: bool = False) -> Collection:
        found = await self.collections.get(collection_id, for_update=for_update)
        if found is None:
            raise CollectionNotFound()
        return found

    async def flows_of(self, collection_id: uuid.UUID) -> list[Flow]:
        statement = self.flows.base_statement().where(Flow.collection_id == collection_id).order_by(Flow.created_at)
        return list((await self.session.scalars(statement)).all())

    async def list_flows(self, params: PageParams, product_id: uuid.UUID | None) -> tuple[list[Flow], str | None]:
        statement = self.flows.base_statement().where(Flow.collection_id.is_(None))
        if product_id is not None:
            statement = statement.where(Flow.product_id == product_id)
        return await paginate(self.session, statement, params, order_by=(Flow.created_at, Flow.id))

    async def list_collections(self, params: PageParams) -> tuple[list[Collection], str | None]:
        statement = self.collections.base_statement()
        return await paginate(self.session, statement, params, order_by=(Collection.created_at, Collection.id))

    async def collection_facts(
        self, collections: Sequence[Collection]
    ) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, Job]]:
        """For a page of collections, in two queries: how many products each holds, and their last jobs by id."""
        ids = [collection.id for collection in collections]
        counts = await self.session.execute(
            select(Flow.collection_id, func.count())
            .where(Flow.organization_id == self.organization_id, Flow.collection_id.in_(ids))
            .group_by(Flow.collection_id)
        )
        job_ids = [c.last_job_id for c in collections if c.last_job_id is not None]
        jobs = await self.session.scalars(
            select(Job).where(Job.organization_id == self.organization_id, Job.id.in_(job_ids))
        )
        return {row[0]: row[1] for row in counts.all() if row[0] is not None}, {job.id: job for job in jobs}

    # --- flows --------------------------------------------------------------------------------------------

    async def create_flow(
        self, product_id: uuid.UUID, name: str | None, base_image_id: uuid.UUID | None, settings: dict[str, Any]
    ) -> Flow:
        product = await self._product(product_id)
        await self._check_base_image(product.id, base_image_id)
        flow = Flow(
            organization_id=self.organization_id,
            product_id=product.id,
            name=name or product.name,
            base_image_id=base_image_id,
            settings=settings_document(settings, "settings"),
        )
        self.session.add(flow)
        await self.session.flush()
        return flow

    async def update_flow(self, flow_id: uuid.UUID, changes: dict[str, Any]) -> Flow:
        flow = await self.flow(flow_id, for_update=True)
        if "base_image_id" in changes:
            await self._check_base_image(flow.product_id, changes["base_image_id"])
            flow.base_image_id = changes["base_image_id"]
        if changes.get("name") is not None:
            flow.name = changes["name"]
        if changes.get("settings") is not None:
            flow.settings = settings_document(changes["settings"], "settings")
        await self.session.flush()
        return flow

    async def delete_flow(self, flow_id: uuid.UUID) -> None:
        """Its generated assets stay (they belong to the product)."""
        await self.session.delete(await self.flow(flow_id, for_update=True))
        await self.session.flush()

    # --- collections --------------------------------------------------------------------------------------

    async def create_collection(
        self,
        name: str,
        description: str,
        settings: dict[str, Any],
        sections: Sequence[dict[str, Any]],
        product_ids: Sequence[uuid.UUID],
    ) -> Collection:
        collection = Collection(
            organization_id=self.organization_id,
            name=name,
            description=description,
            settings=settings_document(settings, "settings"),
            sections=await self._sections(sections),
        )
        self.session.add(collection)
        await self.session.flush()
        await self._set_products(collection, product_ids)
        return collection

    async def update_collection(self, collection_id: uuid.UUID, changes: dict[str, Any]) -> Collection:
        collection = await self.collection(collection_id, for_update=True)
        for name in ("name", "description"):
            if changes.get(name) is not None:
                setattr(collection, name, changes[name])
        if changes.get("settings") is not None:
            collection.settings = settings_document(changes["settings"], "settings")
        if changes.get("sections") is not None:
            collection.sections = await self._sections(changes["sections"])
        if changes.get("product_ids") is not None:
            await self._set_products(collection, changes["product_ids"])
        await self.session.flush()
        return collection

    async def delete_collection(self, collection_id: uuid.UUID) -> None:
        """Its flows go with it; generated assets stay with their products."""
        await self.session.delete(await self.collection(collection_id, for_update=True))
        await self.session.flush()

    async def _set_products(self, collection: Collection, product_ids: Sequence[uuid.UUID]) -> None:
        """One flow per product: new products get one, removed products lose theirs, kept ones keep theirs."""
        wanted = list(dict.fromkeys(product_ids))
        products = {product.id: product for product in [await self._product(pid) for pid in wanted]}
        existing = {flow.product_id: flow for flow in await self.flows_of(collection.id)}
        gone = [flow.id for product_id, flow in existing.items() if product_id not in products]
        if gone:
            await self.session.execute(delete(Flow).where(Flow.id.in_(gone)))
        for product_id in wanted:
            if product_id not in existing:
                self.session.add(
                    Flow(
                        organization_id=self.organization_id,
                        product_id=product_id,
                        collection_id=collection.id,
                        name=products[product_id].name,
                        settings={},
                    )
                )
        await self.session.flush()

    async def _sections(self, sections: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        category_ids = {uuid.UUID(str(c)) for section in sections for c in section.get("category_ids", [])}
        if category_ids:
            found = set(
                (
                    await self.session.scalars(
                        select(Category.id).where(
                            Category.organization_id == self.organization_id, Category.id.in_(category_ids)
                        )
                    )
                ).all()
            )
            if category_ids - found:
                raise InvalidGenerationSettings("sections", "A section names a category that does not exist.")
        return [
            {
                "name": section["name"],
                "category_ids": [str(c) for c in section.get("category_ids", [])],
                "scene_types": list(section.get("scene_types", [])),
                "settings": settings_document(section.get("settings", {}), f"sections[{index}].settings"),
            }
            for index, section in enumerate(sections)
        ]

    async def _product(self, product_id: uuid.UUID) -> Product:
        product = await self.session.scalar(
            select(Product).where(Product.organization_id == self.organization_id, Product.id == product_id)
        )
        if product is None:
            raise ProductNotFound()
        return product

    async def _check_base_image(self, product_id: uuid.UUID, image_id: uuid.UUID | None) -> None:
        if image_id is None:
            return
        found = await self.session.scalar(
            select(ProductImage.id).where(
                ProductImage.organization_id == self.organization_id,
                ProductImage.product_id == product_id,
                ProductImage.id == image_id,
            )
        )
        if found is None:
            raise ProductImageNotFound("The base image is not one of the product's photos.")
