from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.dependencies import CurrentUser, ViewerAccess
from api.auth.exceptions import InsufficientRole, SessionRequired
from api.core.errors import NotAuthenticated, error_responses
from api.core.pagination import PageQuery
from api.core.routing import TransactionalRoute, get_session
from api.notifications.exceptions import NotificationNotFound, UnknownNotificationKind
from api.notifications.schemas import (
    NotificationOut,
    NotificationPage,
    PreferenceOut,
    PreferencesOut,
    ReadAllOut,
    UpdatePreferencesRequest,
)
from api.notifications.service import NotificationService, Preference

router = APIRouter(prefix="/notifications", tags=["notifications"], route_class=TransactionalRoute)
TENANT = error_responses(NotAuthenticated, InsufficientRole)


def get_notification_service(session: Annotated[AsyncSession, Depends(get_session)]) -> NotificationService:
    return NotificationService(session)


Notifications = Annotated[NotificationService, Depends(get_notification_service)]


def _preferences(preferences: list[Preference]) -> PreferencesOut:
    return PreferencesOut(
        items=[PreferenceOut(kind=p.kind.name, description=p.kind.description, email=p.email) for p in preferences]
    )


@router.get("", response_model=NotificationPage, responses=TENANT)
async def list_notifications(
    ctx: ViewerAccess,
    notifications: Notifications,
    page: PageQuery,
    unread: Annotated[bool, Query(description="Only unread ones.")] = False,
) -> NotificationPage:
    """Your notifications in the active workspace, newest first, with the unread count (none for API keys)."""
    rows, cursor, unread_count = await notifications.list_for(
        ctx.organization_id, ctx.actor_user_id, page, unread_only=unread
    )
    return NotificationPage(
        items=[NotificationOut.model_validate(n) for n in rows], next_cursor=cursor, unread_count=unread_count
    )


@router.post("/read-all", response_model=ReadAllOut, responses=TENANT)
async def mark_all_notifications_read(ctx: ViewerAccess, notifications: Notifications) -> ReadAllOut:
    """Mark all your notifications in the active workspace as read."""
    return ReadAllOut(marked_read=await notifications.mark_all_read(ctx.organization_id, ctx.actor_user_id))


@router.get("/preferences", response_model=PreferencesOut, responses=error_responses(NotAuthenticated, SessionRequired))
async def get_notification_preferences(current: CurrentUser, notifications: Notifications) -> PreferencesOut:
    """Which notifications also come by email (in-app ones always appear)."""
    return _preferences(await notifications.preferences(current.user.id))


@router.put(
    "/preferences",
    response_model=PreferencesOut,
    responses=error_responses(NotAuthenticated, SessionRequired, UnknownNotificationKind),
)
async def update_notification_preferences(
    body: UpdatePreferencesRequest, current: CurrentUser, notifications: Notifications
) -> PreferencesOut:
    """Turn email on or off per notification kind; kinds left out keep their setting."""
    return _preferences(await notifications.set_preferences(current.user.id, body.email))


@router.post(
    "/{notification_id}/read",
    response_model=NotificationOut,
    responses={**TENANT, **error_responses(NotificationNotFound)},
)
async def mark_notification_read(
    notification_id: uuid.UUID, ctx: ViewerAccess, notifications: Notifications
) -> NotificationOut:
    """Mark one of your notifications as read."""
    notification = await notifications.mark_read(ctx.organization_id, ctx.actor_user_id, notification_id)
    return NotificationOut.model_validate(notification)
