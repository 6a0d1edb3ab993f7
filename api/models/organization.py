from __future__ import annotations

import enum
import uuid
from typing import Any

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, CreatedAtMixin, IdMixin, TenantMixin, TimestampsMixin


class Organization(IdMixin, TimestampsMixin, Base):
    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(120))
    # The plan whose entitlements apply now (slots, seats, concurrency, API access); billing moves it.
    plan_code: Mapped[str] = mapped_column(
        ForeignKey("plans.code", ondelete="RESTRICT"), default="trial", server_default="trial", index=True
    )
    # Created lazily at the first checkout; every Stripe event names the customer, which leads back here.
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    # The first level of the generation settings cascade, and the provider used when a request names none.
    generation_settings: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))
    default_provider: Mapped[str] = mapped_column(String(50), default="local", server_default="local")
    # IANA time zone for usage days and digests (DST-correct local days).
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # The onboarding wizard's choices the data cannot tell: steps skipped, the free trial kept on purpose
    # (api/onboarding reads and writes it; every other step completes from the workspace's own data).
    onboarding: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'::jsonb"))


class Role(enum.StrEnum):
    owner = "owner"
    admin = "admin"
    member = "member"
    viewer = "viewer"

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_ROLE_RANK = {Role.viewer: 0, Role.member: 1, Role.admin: 2, Role.owner: 3}

role_enum = Enum(Role, name="role", values_callable=lambda e: [m.value for m in e])


class Membership(IdMixin, CreatedAtMixin, TenantMixin, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(role_enum)
