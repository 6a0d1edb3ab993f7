"""Repositories are the only code that builds SQL. Tenant repositories scope every statement themselves."""

from __future__ import annotations

import uuid
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.base import Base

M = TypeVar("M", bound=Base)


class Repository(Generic[M]):
    model: type[M]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def base_statement(self) -> Select[M]:
        return select(self.model)

    async def get(self, id: uuid.UUID, *, for_update: bool = False) -> M | None:
        statement = self.base_statement().where(self.model.id == id)  # type: ignore[attr-defined]
        if for_update:
            statement = statement.with_for_update()
        result: M | None = await self.session.scalar(statement)
        return result

    async def add(self, obj: M) -> M:
        self.session.add(obj)
        await self.session.flush()
        return obj

    async def delete(self, obj: M) -> None:
        await self.session.delete(obj)
        await self.session.flush()

    async def update(self, obj: M, **values: Any) -> M:
        for key, value in values.items():
            setattr(obj, key, value)
        await self.session.flush()
        return obj


class TenantRepository(Repository[M]):
    """Reads and writes one organization's rows; another tenant's id looks exactly like a missing one."""

    def __init__(self, session: AsyncSession, organization_id: uuid.UUID) -> None:
        super().__init__(session)
        self.organization_id = organization_id

    def base_statement(self) -> Select[M]:
        organization_id = self.model.organization_id  # type: ignore[attr-defined]
        return select(self.model).where(organization_id == self.organization_id)
