"""In-app notifications (one row per recipient, with its own read state) and per-user email preferences."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, CreatedAtMixin, IdMixin, TenantMixin, TimestampsMixin


class Notification(IdMixin, CreatedAtMixin, TenantMixin, Base):
    """Written in the transaction that caused it (an outbox): a failing mail never rolls back the cause."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient", "user_id", "organization_id", "id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    read_at: Mapped[datetime | None]


class NotificationPreference(TimestampsMixin, Base):
    """Whether a user wants email for one kind of notification; no row means the kind's default."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), primary_key=True)
    email: Mapped[bool]
