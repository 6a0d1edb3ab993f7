"""The credit ledger (see design/ledger.md): one account row per organization (the lock target), lots, holds
pinned to lots, append-only entries, and the versioned cost table.

Balances are never stored: total, held and available are derived from the lots (`remaining`, `held`) and the
account's clawback shortfall (`debt`), and `epox credits verify` proves the lots agree with the entries.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.models.base import Base, CreatedAtMixin, IdMixin, TenantMixin, TimestampsMixin


def _values(enum_class: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in enum_class]


class LotSource(enum.StrEnum):
    trial = "trial"
    allotment = "allotment"
    pack = "pack"
    promo = "promo"
    compensation = "compensation"
    rollover = "rollover"
    adjustment = "adjustment"


class LotCategory(enum.StrEnum):
    paid = "paid"
    promotional = "promotional"


class HoldState(enum.StrEnum):
    open = "open"
    captured = "captured"
    released = "released"
    expired = "expired"


class EntryType(enum.StrEnum):
    grant = "grant"
    hold = "hold"
    capture = "capture"
    release = "release"
    refund = "refund"
    expire = "expire"
    adjust = "adjust"
    clawback = "clawback"


class ActorType(enum.StrEnum):
    system = "system"
    user = "user"
    api_key = "api_key"
    platform_admin = "platform_admin"


entry_type_enum = Enum(EntryType, name="credit_entry_type", values_callable=_values)


class CreditAccount(TimestampsMixin, Base):
    """One per organization: the row every balance change locks (`SELECT ... FOR UPDATE`) first.

    `debt` is the part of a clawback the lots could not cover (negative available); the next top-up settles it.
    `low_balance_base` is the size of the last top-up (thresholds are percentages of it) and
    `low_balance_alerted` the thresholds (percent) already announced since that top-up.
    """

    __tablename__ = "credit_accounts"
    __table_args__ = (CheckConstraint("debt >= 0", name="debt_not_negative"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    debt: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    low_balance_base: Mapped[int | None] = mapped_column(Integer)
    low_balance_alerted: Mapped[list[int]] = mapped_column(
        ARRAY(SmallInteger), default=list, server_default=text("'{}'::smallint[]")
    )
    # The organization's alert settings: percentages of the last top-up, and absolute credit levels (their
    # announced ones in `low_balance_alerted_absolute`); read with the lock, so alerts cost no extra query.
    low_balance_percents: Mapped[list[int]] = mapped_column(
        ARRAY(SmallInteger), default=lambda: [20, 10, 0], server_default=text("'{20,10,0}'::smallint[]")
    )
    low_balance_absolute: Mapped[list[int]] = mapped_column(
        ARRAY(Integer), default=list, server_default=text("'{}'::integer[]")
    )
    low_balance_alerted_absolute: Mapped[list[int]] = mapped_column(
        ARRAY(Integer), default=list, server_default=text("'{}'::integer[]")
    )


class CreditLot(IdMixin, CreatedAtMixin, TenantMixin, Base):
    """A grant of credits. `remaining` is what is not yet spent or expired; `held` the part of it reserved by
    open holds. The lot pays while effective and unexpired; after that only its held part can still be captured."""

    __tablename__ = "credit_lots"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("remaining >= 0", name="remaining_not_negative"),
        CheckConstraint("remaining <= amount", name="remaining_within_amount"),
        CheckConstraint("held >= 0 AND held <= remaining", name="held_within_remaining"),
        # The draw-down candidates of one account: lots with something left.
        Index("ix_credit_lots_spendable", "organization_id", postgresql_where=text("remaining > 0")),
    )

    source: Mapped[LotSource] = mapped_column(Enum(LotSource, name="credit_lot_source", values_callable=_values))
    category: Mapped[LotCategory] = mapped_column(
        Enum(LotCategory, name="credit_lot_category", values_callable=_values)
    )
    amount: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer)
    held: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    effective_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    priority: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    # Stripe invoice / checkout session id, `trial:<organization id>`: one lot per reference, ever.
    external_reference: Mapped[str | None] = mapped_column(String(255), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    granted_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expired_at: Mapped[datetime | None]  # when the sweep wrote this lot's expiry entry
    expiry_warned_at: Mapped[datetime | None]  # when "credits expiring in 7 days" was sent


class CreditCostVersion(Base):
    """One published version of the cost table; the highest version is the current one."""

    __tablename__ = "credit_cost_versions"
    __table_args__ = {"info": {"reference_data": True}}  # seeded by the migration; tests keep it

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class CreditCost(Base):
    """What one unit of an operation costs in a version, optionally per value of one parameter
    (image `quality` 4k, video `resolution` 1080p). Flat rates have empty `parameter` and `variant`."""

    __tablename__ = "credit_costs"
    __table_args__ = (
        CheckConstraint("credits >= 0", name="credits_not_negative"),
        {"info": {"reference_data": True}},  # seeded by the migration; tests keep it
    )

    version: Mapped[int] = mapped_column(
        ForeignKey("credit_cost_versions.version", ondelete="CASCADE"), primary_key=True
    )
    operation: Mapped[str] = mapped_column(String(50), primary_key=True)
    parameter: Mapped[str] = mapped_column(String(50), primary_key=True, default="", server_default="")
    variant: Mapped[str] = mapped_column(String(50), primary_key=True, default="", server_default="")
    credits: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(50))


class CreditHold(IdMixin, CreatedAtMixin, TenantMixin, Base):
    """Credits reserved for a job, pinned to lots by its allocations. Open until captured or released in full
    (or released by the reconciler after `expires_at`)."""

    __tablename__ = "credit_holds"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("captured >= 0 AND released >= 0", name="settled_not_negative"),
        CheckConstraint("captured + released <= amount", name="not_over_settled"),
        CheckConstraint("(state = 'open') = (captured + released < amount)", name="open_until_settled"),
        Index("ix_credit_holds_open_expiry", "expires_at", postgresql_where=text("state = 'open'")),
    )

    amount: Mapped[int] = mapped_column(Integer)
    captured: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    released: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    state: Mapped[HoldState] = mapped_column(
        Enum(HoldState, name="credit_hold_state", values_callable=_values), default=HoldState.open
    )
    expires_at: Mapped[datetime]
    job_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    cost_table_version: Mapped[int | None] = mapped_column(ForeignKey("credit_cost_versions.version"))
    closed_at: Mapped[datetime | None]

    @property
    def remaining(self) -> int:
        return self.amount - self.captured - self.released


class CreditHoldAllocation(Base):
    """The part of a hold reserved on one lot; captures consume allocations in `position` (draw-down) order."""

    __tablename__ = "credit_hold_allocations"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("captured >= 0 AND released >= 0", name="settled_not_negative"),
        CheckConstraint("captured + released <= amount", name="not_over_settled"),
    )

    hold_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("credit_holds.id", ondelete="CASCADE"), primary_key=True)
    lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("credit_lots.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    amount: Mapped[int] = mapped_column(Integer)
    captured: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    released: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    # Never loaded (lazy="raise"); declared so the unit of work inserts holds and lots before what points at them.
    hold: Mapped[CreditHold] = relationship(lazy="raise")
    lot: Mapped[CreditLot] = relationship(lazy="raise")

    @property
    def remaining(self) -> int:
        return self.amount - self.captured - self.released


class CreditEntry(IdMixin, TenantMixin, Base):
    """One movement, append-only (a trigger refuses UPDATE and DELETE). `amount` changes the total,
    `held_delta` the held balance; `allocations` says which lots moved: [{"lot_id", "amount", "held"}].
    The partial unique indexes make capture, release and refund once per (hold, item), and expiry once per lot."""

    __tablename__ = "credit_entries"
    __table_args__ = (
        Index(
            "uq_credit_entries_capture_item",
            "hold_id",
            "item_key",
            unique=True,
            postgresql_where=text("type = 'capture'"),
        ),
        Index(
            "uq_credit_entries_release_item",
            "hold_id",
            "item_key",
            unique=True,
            postgresql_nulls_not_distinct=True,
            postgresql_where=text("type = 'release'"),
        ),
        Index(
            "uq_credit_entries_refund_item",
            "hold_id",
            "item_key",
            unique=True,
            postgresql_where=text("type = 'refund'"),
        ),
        Index("uq_credit_entries_hold", "hold_id", unique=True, postgresql_where=text("type = 'hold'")),
        Index("uq_credit_entries_expire_lot", "lot_id", unique=True, postgresql_where=text("type = 'expire'")),
        Index("uq_credit_entries_idempotency_key", "organization_id", "idempotency_key", unique=True),
        Index("ix_credit_entries_organization_seq", "organization_id", "seq"),
    )

    # Insertion order; entries of one account are written under its lock, so this orders them exactly.
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), unique=True)
    type: Mapped[EntryType] = mapped_column(entry_type_enum)
    amount: Mapped[int] = mapped_column(Integer)
    held_delta: Mapped[int] = mapped_column(Integer)
    available_after: Mapped[int] = mapped_column(Integer)
    held_after: Mapped[int] = mapped_column(Integer)
    allocations: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    lot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credit_lots.id", ondelete="CASCADE"), index=True)
    hold_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credit_holds.id", ondelete="CASCADE"), index=True)
    item_key: Mapped[str | None] = mapped_column(String(100))
    job_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    reference: Mapped[str | None] = mapped_column(String(255))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(Text)
    actor_type: Mapped[ActorType] = mapped_column(Enum(ActorType, name="credit_actor_type", values_callable=_values))
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_api_key_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]

    # Never loaded (lazy="raise"); declared so the unit of work inserts holds and lots before their entries.
    hold: Mapped[CreditHold | None] = relationship(lazy="raise")
    lot: Mapped[CreditLot | None] = relationship(lazy="raise")
