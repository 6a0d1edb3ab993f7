"""SQL for publishing: assets and their sync records, within one workspace (the worker and webhooks scan across)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select

from api.core.pagination import PageParams, paginate
from api.core.repository import Repository, TenantRepository
from api.models import Asset, Product, StoreConnection, SyncAction, SyncRecord, SyncStatus

ACTIVE = (SyncStatus.pending, SyncStatus.running)


class PublishAssetRepository(TenantRepository[Asset]):
    model = Asset

    async def get(self, id: uuid.UUID, *, for_update: bool = False) -> Asset | None:
        """The row as the database has it now (a set-based UPDATE earlier in the transaction, such as a batch
        approval, leaves loaded objects stale)."""
        statement = self.base_statement().where(Asset.id == id).execution_options(populate_existing=True)
        if for_update:
            statement = statement.with_for_update()
        result: Asset | None = await self.session.scalar(statement)
        return result

    async def many(self, ids: Collection[uuid.UUID]) -> list[Asset]:
        statement = self.base_statement().where(Asset.id.in_(list(ids)))
        return list((await self.session.scalars(statement)).all())


class PublishProductRepository(TenantRepository[Product]):
    model = Product


class PublishConnectionRepository(TenantRepository[StoreConnection]):
    model = StoreConnection


class SyncRecordRepository(TenantRepository[SyncRecord]):
    model = SyncRecord

    async def active_for(self, asset_id: uuid.UUID) -> list[SyncRecord]:
        statement = self.base_statement().where(SyncRecord.asset_id == asset_id, SyncRecord.status.in_(ACTIVE))
        return list((await self.session.scalars(statement.order_by(SyncRecord.created_at))).all())

    async def last_publish(self, asset_id: uuid.UUID, *, succeeded: bool = False) -> SyncRecord | None:
        statement = self.base_statement().where(
            SyncRecord.asset_id == asset_id, SyncRecord.action == SyncAction.publish
        )
        if succeeded:
            statement = statement.where(SyncRecord.status == SyncStatus.succeeded)
        result: SyncRecord | None = await self.session.scalar(
            statement.order_by(SyncRecord.created_at.desc(), SyncRecord.id.desc()).limit(1)
        )
        return result

    async def page_for(self, asset_id: uuid.UUID, params: PageParams) -> tuple[list[SyncRecord], str | None]:
        statement = self.base_statement().where(SyncRecord.asset_id == asset_id)
        return await paginate(self.session, statement, params, order_by=(SyncRecord.created_at, SyncRecord.id))

    async def page_for_store(
        self, connection_id: uuid.UUID, status: SyncStatus | None, params: PageParams
    ) -> tuple[list[SyncRecord], str | None]:
        statement = self.base_statement().where(SyncRecord.store_connection_id == connection_id)
        if status is not None:
            statement = statement.where(SyncRecord.status == status)
        return await paginate(self.session, statement, params, order_by=(SyncRecord.created_at, SyncRecord.id))


class SyncScanRepository(Repository[SyncRecord]):
    """Across workspaces: webhooks name a store product, the reconciler sweeps every record."""

    model = SyncRecord

    async def synced_on_product(
        self, connection_ids: Collection[uuid.UUID], external_product_id: str
    ) -> list[tuple[SyncRecord, Asset]]:
        """Each asset published (and still synced) to this store product, with the publish that put it there."""
        if not connection_ids:
            return []
        statement = (
            select(SyncRecord, Asset)
            .join(Asset, Asset.id == SyncRecord.asset_id)
            .where(
                SyncRecord.store_connection_id.in_(list(connection_ids)),
                SyncRecord.external_product_id == external_product_id,
                SyncRecord.action == SyncAction.publish,
                SyncRecord.status == SyncStatus.succeeded,
                Asset.store_connection_id == SyncRecord.store_connection_id,
                Asset.external_id == SyncRecord.external_media_id,
                Asset.sync_state == "synced",
            )
            .with_for_update(of=Asset)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(statement)).all()]

    async def unsettled_ids(self, updated_before: datetime, limit: int) -> list[uuid.UUID]:
        statement = (
            select(SyncRecord.id)
            .where(SyncRecord.status.in_(ACTIVE), SyncRecord.updated_at < updated_before)
            .order_by(SyncRecord.updated_at)
            .limit(limit)
        )
        return list((await self.session.scalars(statement)).all())
