"""The SQL for assets: the tenant-scoped library with its filters, versioned single-row updates, set-based batch
updates, the revision chain, and the trash sweep (across tenants, for the reconciler)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, or_, select, update

from api.core.repository import Repository, TenantRepository
from api.models import Approval, Asset, AssetSyncState, AssetType, Collection, Job

MAX_CHAIN = 500  # assets in one revision chain we read back (a chain is edits of edits by people)


@dataclass(frozen=True)
class AssetFilters:
    type: AssetType | None = None
    approval: Approval | None = None
    pinned: bool | None = None
    favorite: bool | None = None
    product_id: uuid.UUID | None = None
    job_id: uuid.UUID | None = None
    collection_id: uuid.UUID | None = None
    sync_status: AssetSyncState | None = None
    q: str | None = None
    deleted: bool = False  # True: the trash only


@dataclass(frozen=True)
class AssetState:
    id: uuid.UUID
    deleted_at: datetime | None
    approval: Approval
    pinned: bool
    favorite: bool


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class AssetRepository(TenantRepository[Asset]):
    model = Asset

    def visible(self) -> Select[Asset]:
        return self.base_statement().where(Asset.deleted_at.is_(None))

    def library(self, filters: AssetFilters) -> Select[Asset]:
        statement = self.base_statement().where(
            Asset.deleted_at.is_not(None) if filters.deleted else Asset.deleted_at.is_(None)
        )
        if filters.type is not None:
            statement = statement.where(Asset.type == filters.type)
        if filters.approval is not None:
            statement = statement.where(Asset.approval == filters.approval)
        if filters.pinned is not None:
            statement = statement.where(Asset.pinned.is_(filters.pinned))
        if filters.favorite is not None:
            statement = statement.where(Asset.favorite.is_(filters.favorite))
        if filters.product_id is not None:
            statement = statement.where(Asset.product_id == filters.product_id)
        if filters.job_id is not None:
            statement = statement.where(Asset.job_id == filters.job_id)
        if filters.sync_status is not None:
            statement = statement.where(Asset.sync_state == filters.sync_status)
        if filters.q:
            statement = statement.where(Asset.prompt.ilike(f"%{_escape_like(filters.q)}%", escape="\\"))
        if filters.collection_id is not None:
            statement = statement.where(Asset.job_id.in_(self._collection_jobs(filters.collection_id)))
        return statement

    def _collection_jobs(self, collection_id: uuid.UUID) -> Select[Any]:
        """The collection's generation jobs: those that name it in their params, and its last job (jobs started
        before the params carried it)."""
        last_job = (
            select(Collection.last_job_id)
            .where(Collection.id == collection_id, Collection.organization_id == self.organization_id)
            .scalar_subquery()
        )
        return select(Job.id).where(
            Job.organization_id == self.organization_id,
            or_(Job.params["collection_id"].astext == str(collection_id), Job.id == last_job),
        )

    async def states(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AssetState]:
        statement = select(Asset.id, Asset.deleted_at, Asset.approval, Asset.pinned, Asset.favorite).where(
            Asset.organization_id == self.organization_id, Asset.id.in_(ids)
        )
        return {row.id: AssetState(*row) for row in (await self.session.execute(statement)).all()}

    async def update_versioned(self, asset_id: uuid.UUID, version: int, values: dict[str, Any]) -> Asset | None:
        """Apply `values` and bump the version, only if the asset is live and still at `version`: one statement,
        so of two writers naming the same version exactly one wins (the other waits on the row, then finds the
        version moved). None when nothing matched."""
        statement = (
            update(Asset)
            .where(
                Asset.organization_id == self.organization_id,
                Asset.id == asset_id,
                Asset.version == version,
                Asset.deleted_at.is_(None),
            )
            .values(**values, version=Asset.version + 1)
            .returning(Asset)
            .execution_options(synchronize_session=False)
        )
        found: Asset | None = (await self.session.scalars(statement)).one_or_none()
        if found is not None:
            await self.session.refresh(found)
        return found

    async def update_many(self, ids: Sequence[uuid.UUID], values: dict[str, Any], *conditions: Any) -> list[uuid.UUID]:
        """One UPDATE for every listed asset of this tenant that meets `conditions`; the version is bumped on each
        changed row. Returns the ids changed."""
        if not ids:
            return []
        statement = (
            update(Asset)
            .where(Asset.organization_id == self.organization_id, Asset.id.in_(ids), *conditions)
            .values(**values, version=Asset.version + 1)
            .returning(Asset.id)
            .execution_options(synchronize_session=False)
        )
        return list((await self.session.scalars(statement)).all())

    async def chain(self, asset_id: uuid.UUID) -> list[Asset]:
        """The revision chain `asset_id` belongs to: up to its root, then every descendant of the root."""
        up = (
            select(Asset.id, Asset.parent_asset_id)
            .where(Asset.organization_id == self.organization_id, Asset.id == asset_id)
            .cte("up", recursive=True)
        )
        up = up.union_all(
            select(Asset.id, Asset.parent_asset_id).where(
                Asset.organization_id == self.organization_id, Asset.id == up.c.parent_asset_id
            )
        )
        root = select(up.c.id).where(up.c.parent_asset_id.is_(None)).limit(1).scalar_subquery()
        down = (
            select(Asset.id)
            .where(Asset.organization_id == self.organization_id, Asset.id == root)
            .cte("down", recursive=True)
        )
        down = down.union_all(
            select(Asset.id).where(Asset.organization_id == self.organization_id, Asset.parent_asset_id == down.c.id)
        )
        statement = (
            self.base_statement()
            .where(Asset.id.in_(select(down.c.id)))
            .order_by(Asset.created_at, Asset.id)
            .limit(MAX_CHAIN)
        )
        return list((await self.session.scalars(statement)).all())


@dataclass(frozen=True)
class TrashedFiles:
    id: uuid.UUID
    keys: tuple[str, str]


class TrashRepository(Repository[Asset]):
    """The trash sweep, across every workspace (the reconciler's step)."""

    model = Asset

    async def due(self, deleted_before: datetime, limit: int) -> list[TrashedFiles]:
        statement = (
            select(Asset.id, Asset.original_key, Asset.preview_key)
            .where(Asset.deleted_at < deleted_before)
            .order_by(Asset.deleted_at)
            .limit(limit)
        )
        rows = (await self.session.execute(statement)).all()
        return [TrashedFiles(row.id, (row.original_key, row.preview_key)) for row in rows]

    async def remove(self, ids: Sequence[uuid.UUID], deleted_before: datetime) -> int:
        """Delete the rows (still trashed past the cutoff: a restore is refused by then, so none comes back)."""
        if not ids:
            return 0
        statement = delete(Asset).where(Asset.id.in_(ids), Asset.deleted_at < deleted_before)
        result = await self.session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]
