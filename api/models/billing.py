"""Plans and credit packs: the price list as data (design/domain.md, Plans, packs, costs), seeded with the
launch defaults and editable by platform admins. Nothing else hard-codes a slot count, a price or a seat limit.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.core.time import utc_now
from api.models.base import Base, IdMixin, TenantMixin, TimestampsMixin

TRIAL_PLAN = "trial"


class Plan(TimestampsMixin, Base):
    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("product_slots >= 0", name="product_slots_not_negative"),
        CheckConstraint("monthly_credits >= 0", name="monthly_credits_not_negative"),
        {"info": {"reference_data": True}},
    )

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    product_slots: Mapped[int] = mapped_column(Integer)
    # Credits granted per paid period (per month; a yearly plan grants them monthly too).
    monthly_credits: Mapped[int] = mapped_column(Integer)
    monthly_price_cents: Mapped[int] = mapped_column(Integer)
    yearly_price_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="usd", server_default="usd")
    seats: Mapped[int | None] = mapped_column(Integer)  # None: unlimited
    concurrent_jobs: Mapped[int] = mapped_column(Integer)
    api_access: Mapped[bool] = mapped_column(Boolean)
    # Unused included credits carried into the next period, at most this many (0: none).
    rollover_cap: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # The trial is not sold; retired plans stay for the workspaces still on them.
    purchasable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    # What a new workspace on this plan gets once at sign-up (the trial plan only): credits valid for days.
    trial_credits: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    trial_days: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class CreditPack(TimestampsMixin, Base):
    __tablename__ = "credit_packs"
    __table_args__ = (
        CheckConstraint("credits > 0", name="credits_positive"),
        CheckConstraint("price_cents > 0", name="price_positive"),
        {"info": {"reference_data": True}},
    )

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    credits: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="usd", server_default="usd")
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    purchasable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))


class Subscription(IdMixin, TimestampsMixin, TenantMixin, Base):
    """The local mirror of a workspace's Stripe subscription (one per workspace: a new one replaces an ended one).

    Stripe is the source of truth: webhook processing re-fetches the subscription and copies it here. What Stripe
    does not know lives here too: a downgrade scheduled for the period end, and which products to keep then."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("organization_id"),
        CheckConstraint("interval IN ('month', 'year')", name="interval_known"),
        CheckConstraint("scheduled_interval IN ('month', 'year')", name="scheduled_interval_known"),
    )

    stripe_subscription_id: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(40))  # Stripe's: active, past_due, canceled, incomplete, ...
    plan_code: Mapped[str] = mapped_column(ForeignKey("plans.code", ondelete="RESTRICT"))
    interval: Mapped[str] = mapped_column(String(10))
    current_period_start: Mapped[datetime]
    current_period_end: Mapped[datetime]
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # A downgrade waits for the period end (the merchant paid for the current plan until then).
    scheduled_plan_code: Mapped[str | None] = mapped_column(ForeignKey("plans.code", ondelete="RESTRICT"))
    scheduled_interval: Mapped[str | None] = mapped_column(String(10))
    scheduled_at: Mapped[datetime | None]  # the period end the scheduled change takes effect at
    # Products the merchant chose to keep when the scheduled plan has fewer slots (None: not chosen).
    keep_product_ids: Mapped[list[str] | None] = mapped_column(JSONB)
    # The newest Stripe event applied (its `created`), for reading events in order when Stripe cannot be asked.
    stripe_event_created: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))


class Invoice(IdMixin, TimestampsMixin, TenantMixin, Base):
    """A read-only mirror of the workspace's Stripe invoices, for the billing page's history."""

    __tablename__ = "invoices"

    stripe_invoice_id: Mapped[str] = mapped_column(String(255), unique=True)
    number: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    amount_due: Mapped[int] = mapped_column(Integer)
    amount_paid: Mapped[int] = mapped_column(Integer)
    billing_reason: Mapped[str | None] = mapped_column(String(60))
    period_start: Mapped[datetime | None]
    period_end: Mapped[datetime | None]
    hosted_invoice_url: Mapped[str | None] = mapped_column(String(2048))
    invoice_pdf: Mapped[str | None] = mapped_column(String(2048))
    created: Mapped[datetime]  # Stripe's


class StripeEvent(Base):
    """Each Stripe event stored once by its id when it arrives, then processed by a worker and marked.

    Not a tenant row: the event names a Stripe customer, which may belong to no workspace."""

    __tablename__ = "stripe_events"
    __table_args__ = (
        Index("ix_stripe_events_unprocessed", "received_at", postgresql_where=text("processed_at IS NULL")),
    )

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    created: Mapped[int] = mapped_column(BigInteger)  # Stripe's, unix seconds
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(default=utc_now)
    processed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)


class PackPurchaseStatus(enum.StrEnum):
    pending = "pending"
    paid = "paid"
    failed = "failed"
    refunded = "refunded"


class PackPurchase(IdMixin, TimestampsMixin, TenantMixin, Base):
    """One credit pack checkout: pending until Stripe says the money arrived, then one lot (never two)."""

    __tablename__ = "pack_purchases"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'paid', 'failed', 'refunded')", name="status_known"),
        CheckConstraint("credits > 0", name="credits_positive"),
    )

    checkout_session_id: Mapped[str] = mapped_column(String(255), unique=True)
    pack_code: Mapped[str] = mapped_column(ForeignKey("credit_packs.code", ondelete="RESTRICT"))
    credits: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PackPurchaseStatus.pending)
    lot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credit_lots.id", ondelete="SET NULL"))
