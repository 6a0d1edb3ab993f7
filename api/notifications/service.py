"""Notifications: written in the caller's transaction (in-app rows plus email outbox messages), so whatever
caused them and the notice commit or roll back together, and a failing mail server never undoes the cause."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.core.pagination import PageParams
from api.core.time import utc_now
from api.mail.service import queue_email
from api.models import Notification, NotificationPreference, Role
from api.notifications.exceptions import NotificationNotFound, UnknownNotificationKind
from api.notifications.repository import NotificationRepository, PreferenceRepository, RecipientRepository


@dataclass(frozen=True)
class NotificationKind:
    name: str
    description: str
    email_by_default: bool


KINDS: dict[str, NotificationKind] = {
    kind.name: kind
    for kind in (
        NotificationKind(
            "low_balance", "Available credits fell below an alert threshold (by default 20%, 10%, 0)", True
        ),
        NotificationKind("credits_expiring", "Paid credits expire within 7 days", True),
        NotificationKind("credits_granted", "Credits were added to the workspace (trial, support)", True),
        NotificationKind("payment_failed", "A subscription payment failed; the card needs attention", True),
        NotificationKind("store_connection_error", "A connected store refused Epox's access; reconnect it", True),
        NotificationKind("weekly_digest", "A weekly summary of credits used, images and videos delivered", True),
    )
}

# Who gets the email (everyone gets the in-app notice): the people who can buy credits.
BILLING_ROLES = frozenset({Role.owner, Role.admin})


@dataclass(frozen=True)
class Preference:
    kind: NotificationKind
    email: bool


class NotificationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def notify_organization(
        self,
        organization_id: uuid.UUID,
        kind: str,
        *,
        title: str,
        body: str,
        data: Mapping[str, Any] | None = None,
        email: bool = True,
        email_roles: Iterable[Role] = BILLING_ROLES,
    ) -> list[Notification]:
        """An in-app notice for every member, and an email to members in `email_roles` who have not turned that
        kind of email off."""
        known = KINDS[kind]
        members = await RecipientRepository(self.session).members(organization_id)
        notifications = [
            Notification(
                organization_id=organization_id,
                user_id=user_id,
                kind=kind,
                title=title,
                body=body,
                data=dict(data or {}),
            )
            for user_id, _, _ in members
        ]
        self.session.add_all(notifications)
        await self.session.flush()
        if email:
            roles = set(email_roles)
            choices = await PreferenceRepository(self.session).for_users([m[0] for m in members], kind)
            for user_id, address, role in members:
                if role in roles and choices.get(user_id, known.email_by_default):
                    await queue_email(self.session, to=address, subject=title, body=_email_body(body))
        return notifications

    # The recipient's side.

    async def list_for(
        self, organization_id: uuid.UUID, user_id: uuid.UUID | None, params: PageParams, *, unread_only: bool = False
    ) -> tuple[list[Notification], str | None, int]:
        notifications = NotificationRepository(self.session, organization_id, user_id)
        rows, cursor = await notifications.page(params, unread_only=unread_only)
        return rows, cursor, await notifications.unread_count()

    async def mark_read(
        self, organization_id: uuid.UUID, user_id: uuid.UUID | None, notification_id: uuid.UUID
    ) -> Notification:
        notifications = NotificationRepository(self.session, organization_id, user_id)
        notification = await notifications.get(notification_id)
        if notification is None:
            raise NotificationNotFound()
        if notification.read_at is None:
            await notifications.update(notification, read_at=utc_now())
        return notification

    async def mark_all_read(self, organization_id: uuid.UUID, user_id: uuid.UUID | None) -> int:
        return await NotificationRepository(self.session, organization_id, user_id).mark_all_read(utc_now())

    async def preferences(self, user_id: uuid.UUID) -> list[Preference]:
        stored = await PreferenceRepository(self.session).for_user(user_id)
        return [
            Preference(kind, stored[name].email if name in stored else kind.email_by_default)
            for name, kind in sorted(KINDS.items())
        ]

    async def set_preferences(self, user_id: uuid.UUID, email: Mapping[str, bool]) -> list[Preference]:
        unknown = sorted(set(email) - KINDS.keys())
        if unknown:
            raise UnknownNotificationKind("email", f"Unknown notification kind {unknown[0]!r}.")
        preferences = PreferenceRepository(self.session)
        stored = await preferences.for_user(user_id)
        for kind, wanted in email.items():
            if kind in stored:
                await preferences.update(stored[kind], email=wanted)
            else:
                await preferences.add(NotificationPreference(user_id=user_id, kind=kind, email=wanted))
        return await self.preferences(user_id)


def _email_body(body: str) -> str:
    return f"{body}\n\nYou can turn these emails off under Settings → Notifications in Epox.\n"
