"""Usage reporting and platform support: the usage rollup the ledger keeps in the same transaction as each entry
(a trigger on `credit_entries`), weekly digests sent once per organization and week, admin retries of failed
generation items, and time-limited read-only support access."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Identity, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, CreatedAtMixin, IdMixin, TenantMixin

# Rollup buckets: 15 minutes of UTC time. Every time zone in use today is offset from UTC by a multiple of
# 15 minutes, so a local day (DST days included) is always a whole number of buckets.
BUCKET_MINUTES = 15


class UsageRollup(Base):
    """Credits moved per (organization, 15-minute bucket, operation, product, member, provider).

    Written only by the `credit_entries_usage_rollup` trigger, in the transaction that writes the capture,
    refund or release it summarizes, so it never disagrees with the ledger. `operation` is the job kind ('' for
    entries without a job), `member_id` who started the job (NULL: an API key or the system)."""

    __tablename__ = "usage_rollups"
    __table_args__ = (
        Index(
            "uq_usage_rollups_key",
            "organization_id",
            "bucket_start",
            "operation",
            "product_id",
            "member_id",
            "provider",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    bucket_start: Mapped[datetime]
    operation: Mapped[str] = mapped_column(String(50))
    product_id: Mapped[uuid.UUID | None]
    member_id: Mapped[uuid.UUID | None]
    provider: Mapped[str] = mapped_column(String(50))
    captured: Mapped[int] = mapped_column(BigInteger)
    refunded: Mapped[int] = mapped_column(BigInteger)
    released: Mapped[int] = mapped_column(BigInteger)
    captures: Mapped[int] = mapped_column(Integer)
    refunds: Mapped[int] = mapped_column(Integer)
    failed_items: Mapped[int] = mapped_column(Integer)


class UsageTotal(Base):
    """Credits moved per (organization, 15-minute bucket), whatever the dimensions: the time series (day, week,
    month in any time zone), totals and burn rate read at most 96 rows per day of range."""

    __tablename__ = "usage_totals"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    bucket_start: Mapped[datetime] = mapped_column(primary_key=True)
    captured: Mapped[int] = mapped_column(BigInteger)
    refunded: Mapped[int] = mapped_column(BigInteger)
    released: Mapped[int] = mapped_column(BigInteger)
    captures: Mapped[int] = mapped_column(Integer)
    refunds: Mapped[int] = mapped_column(Integer)
    failed_items: Mapped[int] = mapped_column(Integer)


class UsageDaily(Base):
    """Credits moved per (organization, UTC day, dimension, value): one row per operation, product, member and
    provider that moved credits that day. Dimension series read whole UTC days here and only the partial days at
    the edges of a local range from `usage_rollups`. `key` is '' for no value (no product, an API key...)."""

    __tablename__ = "usage_daily"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    captured: Mapped[int] = mapped_column(BigInteger)
    refunded: Mapped[int] = mapped_column(BigInteger)
    released: Mapped[int] = mapped_column(BigInteger)
    captures: Mapped[int] = mapped_column(Integer)
    refunds: Mapped[int] = mapped_column(Integer)
    failed_items: Mapped[int] = mapped_column(Integer)


class UsageDigest(Base):
    """One weekly usage digest per organization and local week (Monday): the primary key makes it once, however
    many workers run the cron at the same moment."""

    __tablename__ = "usage_digests"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime]
    summary: Mapped[dict[str, Any]] = mapped_column(JSONB)


class JobRetry(IdMixin, CreatedAtMixin, TenantMixin, Base):
    """An admin's retry of a job's failed items: a new job with its own hold runs copies of them. Once per source
    job, so two clicks never run (and charge) the same items twice; a retry job that fails can be retried itself."""

    __tablename__ = "job_retries"

    source_job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), unique=True)
    retry_job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    item_ids: Mapped[list[str]] = mapped_column(JSONB)
    admin_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)


class SupportAccessGrant(IdMixin, CreatedAtMixin, TenantMixin, Base):
    """A platform admin's read-only look into a merchant's workspace, bound to the admin's sign-in session and
    limited in time; shown to the merchant, audited, and refused on every write."""

    __tablename__ = "support_access_grants"
    __table_args__ = (
        CheckConstraint("expires_at > created_at", name="expires_after_start"),
        Index("ix_support_access_grants_session", "session_id", postgresql_where=text("ended_at IS NULL")),
    )

    admin_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_sessions.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
