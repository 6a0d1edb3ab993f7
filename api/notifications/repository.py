from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.pagination import PageParams, paginate
from api.core.repository import Repository
from api.models import Membership, Notification, NotificationPreference, Role, User


class NotificationRepository(Repository[Notification]):
    """One recipient's notifications in one workspace; anyone else's look exactly like missing ones."""

    model = Notification

    def __init__(self, session: AsyncSession, organization_id: uuid.UUID, user_id: uuid.UUID | None) -> None:
        super().__init__(session)
        self.organization_id = organization_id
        self.user_id = user_id

    def base_statement(self) -> Select[Notification]:
        # An API key has no user, hence no notifications: `user_id IS NULL` never matches a row.
        return select(Notification).where(
            Notification.organization_id == self.organization_id, Notification.user_id == self.user_id
        )

    async def page(self, params: PageParams, *, unread_only: bool) -> tuple[list[Notification], str | None]:
        statement = self.base_statement()
        if unread_only:
            statement = statement.where(Notification.read_at.is_(None))
        return await paginate(self.session, statement, params, order_by=(Notification.id,))

    async def unread_count(self) -> int:
        statement = (
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.organization_id == self.organization_id,
                Notification.user_id == self.user_id,
                Notification.read_at.is_(None),
            )
        )
        return int(await self.session.scalar(statement) or 0)

    async def mark_all_read(self, now: datetime) -> int:
        statement = (
            update(Notification)
            .where(
                Notification.organization_id == self.organization_id,
                Notification.user_id == self.user_id,
                Notification.read_at.is_(None),
            )
            .values(read_at=now)
        )
        result = await self.session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]


class RecipientRepository(Repository[Membership]):
    model = Membership

    async def members(self, organization_id: uuid.UUID) -> list[tuple[uuid.UUID, str, Role]]:
        statement = (
            select(User.id, User.email, Membership.role)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organization_id == organization_id)
            .order_by(User.id)
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(statement)).all()]


class PreferenceRepository(Repository[NotificationPreference]):
    model = NotificationPreference

    async def for_users(self, user_ids: Sequence[uuid.UUID], kind: str) -> dict[uuid.UUID, bool]:
        statement = select(NotificationPreference).where(
            NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind
        )
        return {p.user_id: p.email for p in await self.session.scalars(statement)}

    async def for_user(self, user_id: uuid.UUID) -> dict[str, NotificationPreference]:
        statement = select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        return {p.kind: p for p in await self.session.scalars(statement)}
