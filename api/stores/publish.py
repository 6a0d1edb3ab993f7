"""Publishing approved assets to the store product they belong to (design/domain.md, Store flows: sync back).

A request checks everything it can without calling the store (the asset is approved and live; its product is linked
to an active connection that takes its kind of media: Shopify takes images and videos, WooCommerce only images;
nothing else is in flight for it), then writes a `SyncRecord` and a sync job in the
same transaction. The worker (workers/publish.py) does the store calls, one remote product at a time
(`remote_product_lock`), and keeps its checkpoints on the record so a killed attempt resumes without adding the
image twice. Auto-sync is `auto_publish`: approving an asset of a product whose store has auto-sync on publishes it.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.config import Settings
from api.core.crypto import CredentialCipher
from api.core.errors import Conflict, EpoxError, InvalidInput, NotFound
from api.core.pagination import PageParams
from api.core.queue import SYNC_QUEUE
from api.generation.exceptions import AssetNotFound
from api.jobs.service import Creator, JobService
from api.models import (
    Approval,
    Asset,
    AssetSyncState,
    AssetType,
    JobKind,
    Product,
    StoreConnection,
    StoreKind,
    StoreStatus,
    SyncAction,
    SyncRecord,
    SyncStatus,
)
from api.stores.credentials import open_credentials
from api.stores.exceptions import StoreNotActive, StoreNotFound
from api.stores.publish_repository import (
    PublishAssetRepository,
    PublishConnectionRepository,
    PublishProductRepository,
    SyncRecordRepository,
)

logger = logging.getLogger("epox.stores.publish")

PUBLISH_TASK = "publish_asset"
# Job attempts (each retries the store calls a few times in place first); the last transient failure fails the sync.
PUBLISH_MAX_ATTEMPTS = 6
PUBLISH_TIMEOUT_SECONDS = 300
MAX_BATCH = 500


class AssetNotApproved(Conflict):
    code, title = "asset_not_approved", "Only approved assets can be published"


class AssetDeleted(Conflict):
    code, title = "asset_deleted", "The asset is deleted"


class VideoNotPublishable(EpoxError):
    """The store takes no videos (WooCommerce); the problem carries `download_url` to offer the file instead."""

    status, code, title = 422, "video_not_supported", "Videos cannot be published to this store"


class ProductNotLinked(Conflict):
    code, title = "product_not_linked", "The asset's product is not linked to a store"


class InvalidTargetProduct(InvalidInput):
    code = "invalid_target_product"


class AssetPublishedElsewhere(Conflict):
    code, title = "asset_published_elsewhere", "The asset is published to another product"


class AssetNotPublished(Conflict):
    code, title = "asset_not_published", "The asset is not published"


class SyncInProgress(Conflict):
    code, title = "sync_in_progress", "A sync of this asset is already in progress"


class SyncRecordNotFound(NotFound):
    code, title = "sync_record_not_found", "Sync record not found"


class SyncRecordNotRetryable(Conflict):
    code, title = "sync_record_not_retryable", "Only a failed sync can be retried"


class RemoteProductBusy(Exception):
    """Another sync of the same remote product held its lock for longer than we were willing to wait."""


PUBLISH_ERRORS: tuple[type[EpoxError], ...] = (
    AssetNotFound,
    AssetNotApproved,
    AssetDeleted,
    VideoNotPublishable,
    ProductNotLinked,
    InvalidTargetProduct,
    AssetPublishedElsewhere,
    SyncInProgress,
    StoreNotActive,
)


@dataclass(frozen=True)
class PublishOptions:
    product_id: uuid.UUID | None = None  # another product of the same store; default: the asset's own
    position: int | None = None  # 1-based place among the product's images; default: last
    alt: str | None = None  # default: the product's name


@dataclass(frozen=True)
class BatchOutcome:
    asset_id: uuid.UUID
    record: SyncRecord | None
    error: EpoxError | None


def marker(asset_id: uuid.UUID) -> str:
    """What identifies the asset's image in the store (file name, alt text or WooCommerce image name)."""
    return f"epox-{asset_id}"


class PublishService:
    def __init__(self, session: AsyncSession, organization_id: uuid.UUID, settings: Settings | None) -> None:
        """Without `settings` (the approval hook has none) a connection counts as usable when it is active and holds
        credentials; the worker opens them either way."""
        self.session = session
        self.organization_id = organization_id
        self.settings = settings
        self.assets = PublishAssetRepository(session, organization_id)
        self.products = PublishProductRepository(session, organization_id)
        self.connections = PublishConnectionRepository(session, organization_id)
        self.records = SyncRecordRepository(session, organization_id)

    # --- requests -------------------------------------------------------------------------------------------

    async def _asset(self, asset_id: uuid.UUID) -> Asset:
        asset = await self.assets.get(asset_id, for_update=True)
        if asset is None:
            raise AssetNotFound()
        return asset

    def _check_publishable(self, asset: Asset) -> None:
        if asset.deleted_at is not None:
            raise AssetDeleted("A deleted asset cannot be published; restore it first.")
        if asset.approval != Approval.approved:
            raise AssetNotApproved("Approve the asset before publishing it.")

    @staticmethod
    def _check_store_takes(asset: Asset, connection: StoreConnection) -> None:
        """Shopify takes images and videos as product media; WooCommerce's product API only images."""
        if asset.type == AssetType.video and connection.kind != StoreKind.shopify:
            raise VideoNotPublishable(
                "WooCommerce's product API takes no videos; download it instead.",
                download_url=f"/api/v1/assets/{asset.id}/download",
            )

    async def _active_connection(self, connection_id: uuid.UUID) -> StoreConnection:
        connection = await self.connections.get(connection_id)
        if connection is None or connection.status != StoreStatus.active or connection.credentials_ciphertext is None:
            raise StoreNotActive("The product's store is not connected; reconnect it to publish.")
        if (
            self.settings is not None
            and open_credentials(CredentialCipher.from_settings(self.settings), connection) is None
        ):
            raise StoreNotActive("The store's credentials cannot be read; reconnect it to publish.")
        return connection

    async def _target(self, asset: Asset, product_id: uuid.UUID | None) -> Product:
        own = await self.products.get(asset.product_id) if asset.product_id else None
        if product_id is None or (own is not None and product_id == own.id):
            if own is None or own.store_connection_id is None or not own.external_id:
                raise ProductNotLinked("The asset's product was not imported from a store; choose a store product.")
            return own
        target = await self.products.get(product_id)
        if target is None or target.store_connection_id is None or not target.external_id:
            raise InvalidTargetProduct("product_id", "Choose a product imported from a connected store.")
        if own is not None and own.store_connection_id not in (None, target.store_connection_id):
            raise InvalidTargetProduct("product_id", "Choose a product of the same store as the asset's product.")
        return target

    async def publish(self, asset_id: uuid.UUID, options: PublishOptions, created_by: Creator) -> SyncRecord:
        """A publish record and its job (202). The same publish again while one is in flight returns it."""
        asset = await self._asset(asset_id)
        self._check_publishable(asset)
        target = await self._target(asset, options.product_id)
        assert target.store_connection_id is not None
        assert target.external_id is not None
        connection = await self._active_connection(target.store_connection_id)
        self._check_store_takes(asset, connection)
        for active in await self.records.active_for(asset.id):
            if active.action == SyncAction.publish and active.product_id == target.id:
                return active
            raise SyncInProgress("Wait for the asset's current sync to finish.")
        if asset.sync_state == AssetSyncState.synced and asset.external_id:
            last = await self.records.last_publish(asset.id, succeeded=True)
            if last is not None and last.product_id not in (None, target.id):
                raise AssetPublishedElsewhere("Remove the asset from its product before publishing it to another.")
        request = {"position": options.position, "alt": options.alt}
        record = SyncRecord(
            organization_id=self.organization_id,
            asset_id=asset.id,
            store_connection_id=connection.id,
            product_id=target.id,
            action=SyncAction.publish,
            status=SyncStatus.pending,
            attempts=0,
            external_product_id=target.external_id,
            state={"request": request},
        )
        return await self._queue(record, asset, created_by)

    async def unpublish(self, asset_id: uuid.UUID, created_by: Creator) -> SyncRecord:
        """Remove the asset's image from the store product it was published to (202)."""
        asset = await self._asset(asset_id)
        for active in await self.records.active_for(asset.id):
            if active.action == SyncAction.unpublish:
                return active
            raise SyncInProgress("Wait for the asset's current sync to finish.")
        published = await self.records.last_publish(asset.id)
        if published is None or published.store_connection_id is None or not published.external_product_id:
            raise AssetNotPublished("The asset was never published to a store.")
        if asset.sync_state == AssetSyncState.not_synced and published.status == SyncStatus.succeeded:
            raise AssetNotPublished("The asset's image is no longer in the store.")
        connection = await self._active_connection(published.store_connection_id)
        record = SyncRecord(
            organization_id=self.organization_id,
            asset_id=asset.id,
            store_connection_id=connection.id,
            product_id=published.product_id,
            action=SyncAction.unpublish,
            status=SyncStatus.pending,
            attempts=0,
            external_product_id=published.external_product_id,
            external_media_id=asset.external_id or published.external_media_id,
            state={},
        )
        return await self._queue(record, asset, created_by)

    async def publish_many(
        self, asset_ids: Iterable[uuid.UUID], options: PublishOptions, created_by: Creator
    ) -> list[BatchOutcome]:
        """Each asset on its own (a savepoint each): one refused asset does not stop the others."""
        outcomes = []
        for asset_id in dict.fromkeys(asset_ids):
            try:
                async with self.session.begin_nested():
                    record = await self.publish(asset_id, options, created_by)
                outcomes.append(BatchOutcome(asset_id, record, None))
            except EpoxError as exc:
                outcomes.append(BatchOutcome(asset_id, None, exc))
        return outcomes

    async def retry(self, record_id: uuid.UUID, created_by: Creator) -> SyncRecord:
        """A failed sync queued again, resuming from its checkpoints."""
        record = await self.records.get(record_id, for_update=True)
        if record is None:
            raise SyncRecordNotFound()
        if record.status != SyncStatus.failed:
            raise SyncRecordNotRetryable(f"The sync is {record.status.value}.")
        asset = await self._asset(record.asset_id)
        if record.action == SyncAction.publish:
            self._check_publishable(asset)
        if record.store_connection_id is None:
            raise StoreNotActive("The store was disconnected.")
        connection = await self._active_connection(record.store_connection_id)
        if record.action == SyncAction.publish:
            self._check_store_takes(asset, connection)
        if await self.records.active_for(asset.id):
            raise SyncInProgress("Wait for the asset's current sync to finish.")
        record.status = SyncStatus.pending
        record.error_code = record.error_message = None
        record.finished_at = None
        return await self._queue(record, asset, created_by)

    async def _queue(self, record: SyncRecord, asset: Asset, created_by: Creator) -> SyncRecord:
        if record not in self.session:
            self.session.add(record)
            await self.session.flush()
        job = await JobService(self.session).create(
            self.organization_id,
            kind=JobKind.sync,
            task=PUBLISH_TASK,
            queue=SYNC_QUEUE,
            params={"sync_record_id": str(record.id), "asset_id": str(asset.id), "action": record.action.value},
            created_by=created_by,
            max_attempts=PUBLISH_MAX_ATTEMPTS,
            timeout_seconds=PUBLISH_TIMEOUT_SECONDS,
            total=1,
        )
        record.job_id = job.id
        asset.sync_state = AssetSyncState.pending
        asset.sync_error = None
        await self.session.flush()
        return record

    # --- reading --------------------------------------------------------------------------------------------

    async def records_for(self, asset_id: uuid.UUID, params: PageParams) -> tuple[list[SyncRecord], str | None]:
        if await self.assets.get(asset_id) is None:
            raise AssetNotFound()
        return await self.records.page_for(asset_id, params)

    async def records_for_store(
        self, connection_id: uuid.UUID, status: SyncStatus | None, params: PageParams
    ) -> tuple[list[SyncRecord], str | None]:
        if await self.connections.get(connection_id) is None:
            raise StoreNotFound()
        return await self.records.page_for_store(connection_id, status, params)


async def auto_publish(
    session: AsyncSession, settings: Settings | None, organization_id: uuid.UUID, asset_ids: Iterable[uuid.UUID]
) -> list[SyncRecord]:
    """Auto-sync: publish each newly approved image whose product belongs to an active connection with auto-sync
    on (api/assets/service.py `on_approved` calls this in the approving transaction). Anything that cannot be
    published is skipped and logged: approving never fails because of the store."""
    service = PublishService(session, organization_id, settings)
    auto_sync: dict[uuid.UUID, bool] = {}
    queued: list[SyncRecord] = []
    for asset_id in asset_ids:
        asset = await service.assets.get(asset_id)
        if asset is None or asset.approval != Approval.approved or asset.deleted_at is not None:
            continue
        if asset.product_id is None:
            continue
        product = await service.products.get(asset.product_id)
        if product is None or product.store_connection_id is None or not product.external_id:
            continue
        if product.store_connection_id not in auto_sync:
            connection = await service.connections.get(product.store_connection_id)
            auto_sync[product.store_connection_id] = bool(
                connection is not None and connection.auto_sync and connection.status == StoreStatus.active
            )
        if not auto_sync[product.store_connection_id]:
            continue
        try:
            async with session.begin_nested():
                queued.append(await service.publish(asset.id, PublishOptions(), Creator()))
        except EpoxError as exc:
            logger.info("auto-sync skipped", extra={"asset_id": str(asset.id), "code": exc.code})
    return queued


# --- one sync at a time per remote product --------------------------------------------------------------------


def remote_product_key(connection_id: uuid.UUID, external_product_id: str) -> int:
    """The advisory lock key of a store product: 64 bits of a hash of (connection, the store's product id)."""
    digest = hashlib.sha256(f"epox-publish:{connection_id}:{external_product_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@asynccontextmanager
async def remote_product_lock(
    sessionmaker: async_sessionmaker[AsyncSession],
    connection_id: uuid.UUID,
    external_product_id: str,
    *,
    wait_seconds: float,
) -> AsyncIterator[None]:
    """Hold a Postgres advisory lock on the store product while the block runs its store calls, so two syncs of
    one product never interleave (WooCommerce replaces the whole image list; Shopify's marker check must see the
    other's media). The lock lives in its own transaction, released when the block ends or the worker dies (the
    connection closes with it). Raises `RemoteProductBusy` after `wait_seconds` of waiting."""
    key = remote_product_key(connection_id, external_product_id)
    async with sessionmaker() as session:
        try:
            await session.execute(text(f"SET LOCAL lock_timeout = '{max(1, int(wait_seconds * 1000))}ms'"))
            await session.execute(select(func.pg_advisory_xact_lock(key)))
        except DBAPIError as exc:
            await session.rollback()
            raise RemoteProductBusy(str(exc.orig)) from exc
        try:
            yield
        finally:
            await session.rollback()
