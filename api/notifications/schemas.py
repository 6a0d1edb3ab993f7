from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from api.core.pagination import Page
from api.core.schemas import RequestModel, ResponseModel


class NotificationOut(ResponseModel):
    id: uuid.UUID
    kind: str
    title: str
    body: str
    data: dict[str, Any]
    read_at: datetime | None
    created_at: datetime


class NotificationPage(Page[NotificationOut]):
    unread_count: int


class ReadAllOut(ResponseModel):
    marked_read: int


class PreferenceOut(ResponseModel):
    kind: str
    description: str
    email: bool


class PreferencesOut(ResponseModel):
    items: list[PreferenceOut]


class UpdatePreferencesRequest(RequestModel):
    email: dict[str, bool] = Field(
        description='Per notification kind, whether to send email too, e.g. {"low_balance": false}.',
        max_length=20,
    )
