from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from api.core.ids import uuid7
from api.core.repository import Repository, TenantRepository
from api.core.time import utc_now
from api.models import Product, StoreConnection, StoreKind, StoreStatus, StoreWebhookEvent


class StoreConnectionRepository(TenantRepository[StoreConnection]):
    model = StoreConnection

    async def all(self) -> list[StoreConnection]:
        statement = self.base_statement().order_by(StoreConnection.created_at, StoreConnection.id)
        return list((await self.session.scalars(statement)).all())

    async def by_shop(self, kind: StoreKind, shop_domain: str, *, for_update: bool = False) -> StoreConnection | None:
        statement = self.base_statement().where(
            StoreConnection.kind == kind, StoreConnection.shop_domain == shop_domain
        )
        if for_update:
            statement = statement.with_for_update()
        result: StoreConnection | None = await self.session.scalar(statement)
        return result

    async def imported_products(self, store_id: uuid.UUID, external_ids: Collection[str]) -> dict[str, uuid.UUID]:
        if not external_ids:
            return {}
        statement = select(Product.external_id, Product.id).where(
            Product.organization_id == self.organization_id,
            Product.store_connection_id == store_id,
            Product.external_id.in_(list(external_ids)),
        )
        return {str(external_id): product_id for external_id, product_id in (await self.session.execute(statement))}


class StoreConnectionScanRepository(Repository[StoreConnection]):
    """Across workspaces: webhooks name a shop, not a workspace; key rotation touches every row."""

    model = StoreConnection

    async def ids_sealed_with_other_key(
        self, key_id: str, *, exclude: Collection[uuid.UUID], limit: int
    ) -> list[uuid.UUID]:
        statement = (
            select(StoreConnection.id)
            .where(
                StoreConnection.credentials_ciphertext.is_not(None),
                StoreConnection.credentials_key_id.is_distinct_from(key_id),
            )
            .order_by(StoreConnection.id)
            .limit(limit)
        )
        if exclude:
            statement = statement.where(StoreConnection.id.not_in(list(exclude)))
        return list((await self.session.scalars(statement)).all())

    async def by_shop(
        self, kind: StoreKind, shop_domain: str, *, for_update: bool = False, active_only: bool = False
    ) -> list[StoreConnection]:
        statement = select(StoreConnection).where(
            StoreConnection.kind == kind, StoreConnection.shop_domain == shop_domain
        )
        if active_only:
            statement = statement.where(StoreConnection.status == StoreStatus.active)
        if for_update:
            statement = statement.with_for_update()
        return list((await self.session.scalars(statement.order_by(StoreConnection.id))).all())


class StoreWebhookEventRepository(Repository[StoreWebhookEvent]):
    model = StoreWebhookEvent

    async def insert_once(
        self,
        kind: StoreKind,
        webhook_id: str,
        topic: str,
        shop_domain: str,
        payload: dict[str, Any],
        store_connection_id: uuid.UUID | None = None,
    ) -> uuid.UUID | None:
        """The new event's id, or None when this delivery id was stored before (a retry or a replay)."""
        statement = (
            pg_insert(StoreWebhookEvent)
            .values(
                id=uuid7(),
                created_at=utc_now(),
                kind=kind,
                webhook_id=webhook_id,
                topic=topic,
                shop_domain=shop_domain,
                payload=payload,
                store_connection_id=store_connection_id,
            )
            .on_conflict_do_nothing(index_elements=["kind", "webhook_id"])
            .returning(StoreWebhookEvent.id)
        )
        result: uuid.UUID | None = await self.session.scalar(statement)
        return result

    async def unprocessed_ids(self, created_before: datetime, limit: int) -> list[uuid.UUID]:
        statement = (
            select(StoreWebhookEvent.id)
            .where(StoreWebhookEvent.processed_at.is_(None), StoreWebhookEvent.created_at < created_before)
            .order_by(StoreWebhookEvent.created_at)
            .limit(limit)
        )
        return list((await self.session.scalars(statement)).all())

    async def delete_for_shop(self, kind: StoreKind, shop_domain: str, *, keep: uuid.UUID) -> None:
        await self.session.execute(
            delete(StoreWebhookEvent).where(
                StoreWebhookEvent.kind == kind,
                StoreWebhookEvent.shop_domain == shop_domain,
                StoreWebhookEvent.id != keep,
            )
        )
