"""Stored results of requests sent with an `Idempotency-Key` (see `api.core.idempotency`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, CreatedAtMixin, IdMixin


class IdempotencyRecord(IdMixin, CreatedAtMixin, Base):
    """The response a keyed request produced, committed together with that request's effects."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("organization_id", "endpoint", "key"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    endpoint: Mapped[str] = mapped_column(String(300))  # "POST /api/v1/admin/organizations/{organization_id}/..."
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    status_code: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(index=True)
