"""Publishing assets to their store (api/stores/publish.py): publish, remove, the sync history of an asset, and
retrying a failed sync (batch publish is an action of POST /assets/batch). Every write answers 202 with the sync
record; the sync job does the store calls."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.dependencies import AuthContext, MemberAccess, ViewerAccess
from api.auth.exceptions import InsufficientRole
from api.core.config import Settings, get_settings
from api.core.errors import NotAuthenticated, error_responses
from api.core.idempotency import IdempotentRoute
from api.core.pagination import Page, PageQuery
from api.core.routing import get_session
from api.core.schemas import RequestModel, ResponseModel
from api.generation.exceptions import AssetNotFound
from api.jobs.service import Creator
from api.models import SyncAction, SyncRecord, SyncStatus
from api.stores.exceptions import StoreNotActive, StoreNotFound
from api.stores.publish import (
    PUBLISH_ERRORS,
    AssetNotPublished,
    PublishOptions,
    PublishService,
    SyncInProgress,
    SyncRecordNotFound,
    SyncRecordNotRetryable,
)

router = APIRouter(tags=["publishing"], route_class=IdempotentRoute)
TENANT = error_responses(NotAuthenticated, InsufficientRole)

Session = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


class PublishRequest(RequestModel):
    product_id: uuid.UUID | None = Field(
        default=None, description="Another product of the same store to add the image to (default: the asset's)."
    )
    position: int | None = Field(
        default=None, ge=1, le=250, description="1-based place among the product's images (default: last)."
    )
    alt: str | None = Field(default=None, max_length=400, description="Alt text (default: the product's name).")


class SyncRecordOut(ResponseModel):
    id: uuid.UUID
    asset_id: uuid.UUID
    store_connection_id: uuid.UUID | None
    product_id: uuid.UUID | None
    job_id: uuid.UUID | None
    action: SyncAction
    status: SyncStatus
    attempts: int
    external_product_id: str | None
    external_media_id: str | None
    error_code: str | None = Field(description="Why it failed: e.g. remote_product_not_found, image_rejected.")
    error_message: str | None
    retryable: bool = Field(description="A failed sync can be queued again (POST /sync-records/{id}/retry).")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, record: SyncRecord) -> SyncRecordOut:
        return cls(
            id=record.id,
            asset_id=record.asset_id,
            store_connection_id=record.store_connection_id,
            product_id=record.product_id,
            job_id=record.job_id,
            action=record.action,
            status=record.status,
            attempts=record.attempts,
            external_product_id=record.external_product_id,
            external_media_id=record.external_media_id,
            error_code=record.error_code,
            error_message=record.error_message,
            retryable=record.status == SyncStatus.failed,
            created_at=record.created_at,
            started_at=record.started_at,
            finished_at=record.finished_at,
        )


class SyncRecordPage(Page[SyncRecordOut]):
    pass


def _service(ctx: AuthContext, session: AsyncSession, settings: Settings) -> PublishService:
    return PublishService(session, ctx.organization_id, settings)


@router.post(
    "/assets/{asset_id}/publish",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SyncRecordOut,
    responses={**TENANT, **error_responses(*PUBLISH_ERRORS)},
)
async def publish_asset(
    asset_id: uuid.UUID, ctx: MemberAccess, session: Session, settings: SettingsDep, body: PublishRequest | None = None
) -> SyncRecordOut:
    """Publish an approved image to its store product (or `product_id`, of the same store). Follow the returned
    sync record (or the asset's `sync_state`); publishing again never adds a second image."""
    options = PublishOptions(**(body.model_dump() if body else {}))
    return SyncRecordOut.of(await _service(ctx, session, settings).publish(asset_id, options, Creator.of(ctx)))


@router.delete(
    "/assets/{asset_id}/publish",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SyncRecordOut,
    responses={**TENANT, **error_responses(AssetNotFound, AssetNotPublished, SyncInProgress, StoreNotActive)},
)
async def unpublish_asset(
    asset_id: uuid.UUID, ctx: MemberAccess, session: Session, settings: SettingsDep
) -> SyncRecordOut:
    """Remove the asset's image from the store product it was published to."""
    return SyncRecordOut.of(await _service(ctx, session, settings).unpublish(asset_id, Creator.of(ctx)))


@router.get(
    "/assets/{asset_id}/sync-records",
    response_model=SyncRecordPage,
    responses={**TENANT, **error_responses(AssetNotFound)},
)
async def list_asset_sync_records(
    asset_id: uuid.UUID, ctx: ViewerAccess, session: Session, settings: SettingsDep, page: PageQuery
) -> SyncRecordPage:
    """Every publish and removal of the asset, newest first, with attempts, store ids and failure reasons."""
    rows, cursor = await _service(ctx, session, settings).records_for(asset_id, page)
    return SyncRecordPage(items=[SyncRecordOut.of(row) for row in rows], next_cursor=cursor)


@router.get(
    "/stores/{store_id}/sync-records",
    response_model=SyncRecordPage,
    responses={**TENANT, **error_responses(StoreNotFound)},
)
async def list_store_sync_records(
    store_id: uuid.UUID,
    ctx: ViewerAccess,
    session: Session,
    settings: SettingsDep,
    page: PageQuery,
    status: Annotated[SyncStatus | None, Query(description="Only syncs in this state, e.g. failed.")] = None,
) -> SyncRecordPage:
    """The store's sync history across every asset, newest first: publishes and removals with their attempts and
    failure reasons (`status=failed` for the ones that need a Retry)."""
    rows, cursor = await _service(ctx, session, settings).records_for_store(store_id, status, page)
    return SyncRecordPage(items=[SyncRecordOut.of(row) for row in rows], next_cursor=cursor)


@router.post(
    "/sync-records/{sync_record_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SyncRecordOut,
    responses={**TENANT, **error_responses(SyncRecordNotFound, SyncRecordNotRetryable, *PUBLISH_ERRORS)},
)
async def retry_sync_record(
    sync_record_id: uuid.UUID, ctx: MemberAccess, session: Session, settings: SettingsDep
) -> SyncRecordOut:
    """Queue a failed sync again; it resumes from where it stopped."""
    return SyncRecordOut.of(await _service(ctx, session, settings).retry(sync_record_id, Creator.of(ctx)))
